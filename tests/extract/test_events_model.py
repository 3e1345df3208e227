"""The learned decisions (rasd.extract.events_model) and places named after a cue word, on our own sentences."""
from __future__ import annotations

import pytest

from rasd.extract.events_model import EventModel, SentenceFacts, mention_features, sentence_features, stem
from rasd.extract.places_unknown import find_unknown_places
from rasd.extract.textview import make_view
from tests.extract.events_fakes import FakeActors, FakePlaces, doc, fake_quantities


def _names(text: str) -> list[str]:
    v = make_view(text)
    return [v.norm[a:b] for a, b, _ in find_unknown_places(v)]


# -- places after a cue word -------------------------------------------------------------------

def test_a_village_after_its_cue_is_a_place():
    assert _names("قصفت المدفعية قرية المشيرفة صباح اليوم") == ["المشيرفه"]


def test_two_word_names_and_lists_after_a_plural_cue():
    got = _names("دخلت القوات بلدتي تل الكرامة وسرمين، وقرى عين البيضا، وخربة النمر")
    assert got == ["تل الكرامه", "سرمين", "عين البيضا", "خربه النمر"]


def test_a_cue_followed_by_an_adjective_or_a_preposition_names_nothing():
    assert _names("نزح الأهالي من بلدة صغيرة إلى قرية في الريف") == []


def test_a_definite_cue_points_back_and_names_nothing():
    assert _names("وعادت الاشتباكات إلى البلدة الغربية") == []


def test_a_place_named_after_a_cue_becomes_the_event_place_unresolved():
    from rasd.extract.dates import find_dates
    from rasd.extract.events import EventExtractor, ExtractOptions

    ex = EventExtractor(ExtractOptions(learned=False), places=FakePlaces(), actors=FakeActors(), dates=find_dates,
                        quantities=fake_quantities, infer_date=lambda t: (None, None, "none"))
    _, evs = ex.extract(doc("قصفت قوات النظام قرية المشيرفة في ريف حمص الشمالي يوم الخميس."))
    shelling = [e for e in evs if e.type == "shelling"]
    assert shelling and shelling[0].location["text"] == "المشيرفة"
    assert shelling[0].location["unresolved_reason"] == "not_in_gazetteer"
    off = EventExtractor(ExtractOptions(cue_places=False, learned=False), places=FakePlaces(), actors=FakeActors(),
                         dates=find_dates, quantities=fake_quantities, infer_date=lambda t: (None, None, "none"))
    _, evs = off.extract(doc("قصفت قوات النظام قرية المشيرفة في ريف حمص الشمالي يوم الخميس."))
    assert all(e.location is None or e.location["text"] != "المشيرفة" for e in evs)


def test_a_cue_place_takes_the_country_of_the_place_after_it_else_the_pages():
    from rasd.document import Span
    from rasd.extract.places_unknown import unknown_place_spans

    text = ("قصفت المدفعية قرية المشيرفة بريف حمص، ونزح أهالي قرية الكرمة في لبنان إلى دمشق، "
            "ثم سقطت قذائف على بلدة الوردة.")
    v = make_view(text)
    known = [Span(text.index(n), text.index(n) + len(n), "PLACE", {"country": c}, "fake")
             for n, c in (("حمص", "SY"), ("لبنان", "LB"), ("دمشق", "SY"))]
    got = {s.value["name"]: s.value["country"] for s in unknown_place_spans(v, known)}
    # the place right after a name gives its country; with none near, the page's most common one
    assert got == {"المشيرفة": "SY", "الكرمة": "LB", "الوردة": "SY"}
    assert {s.value["country"] for s in unknown_place_spans(v, [])} == {None}


# -- the model ---------------------------------------------------------------------------------

def _tiny_model(**kw) -> EventModel:
    """A hand-set model: the stem of "تناوشوا" means an armed clash; shelling mentions are dropped."""
    w = {"w:" + stem("تناوشوا"): 6.0}
    return EventModel(types=("armed_clash", "shelling"), weights={"armed_clash": w, "shelling": {}},
                      bias={"armed_clash": -3.0, "shelling": -3.0}, add=0.5,
                      mention_weights={"m:type:shelling": -10.0}, mention_bias=3.0, keep=0.5, **kw)


def test_model_file_round_trips_and_refuses_another_version(tmp_path):
    m = _tiny_model()
    path = tmp_path / "m.json"
    m.save(path)
    back = EventModel.load(path)
    feats = sentence_features("اقتحموا البلده", 0, 14, SentenceFacts())
    assert back.probabilities(feats) == pytest.approx(m.probabilities(feats))
    path.write_text('{"version": 999}', encoding="utf-8")
    with pytest.raises(ValueError, match="version"):
        EventModel.load(path)
    with pytest.raises(FileNotFoundError):
        EventModel.load(tmp_path / "absent.json")


def test_sentence_features_read_rules_cues_and_arguments():
    norm = "سيقصف الجيش البلده غدا"
    f = sentence_features(norm, 0, len(norm), SentenceFacts(rule_types=(("shelling", "verb"),), places=1))
    assert f["r:shelling"] == 1 and f["rp:shelling:verb"] == 1 and f["has:place"] == 1
    assert f["cue:future"] == 1 and "rules:none" not in f
    mf = mention_features(f, "shelling", 0.9, {"place": "town", "lede": True, "actors": 2})
    assert mf["m:pbin:4"] == 1 and mf["m:place:town"] == 1 and mf["shelling|m:lede"] == 1 and mf["m:actors"] == 2


def _learned_extractor(model):
    from rasd.extract.dates import find_dates
    from rasd.extract.events import EventExtractor, ExtractOptions

    return EventExtractor(ExtractOptions(learned=True), places=FakePlaces(), actors=FakeActors(), dates=find_dates,
                          quantities=fake_quantities, infer_date=lambda t: (None, None, "none"), model=model)


def test_the_sentence_model_adds_an_event_the_rules_do_not_see():
    text = "وفي حمص تناوشوا عند الحي الشرقي يوم الخميس."
    rules = _learned_extractor(False)
    assert not [e for e in rules.extract(doc(text))[1] if e.type == "armed_clash"]
    _, evs = _learned_extractor(_tiny_model()).extract(doc(text))
    clash = [e for e in evs if e.type == "armed_clash"]
    assert clash and clash[0].location["name"] == "حمص"
    assert clash[0].meta["triggers"][0]["text"] == "تناوشوا"   # placed at the word that weighs most


def test_the_mention_model_drops_what_it_does_not_believe():
    text = "قصفت قوات النظام مدينة الرستن يوم الخميس."
    assert [e.type for e in _learned_extractor(False).extract(doc(text))[1]] == ["shelling"]
    assert _learned_extractor(_tiny_model()).extract(doc(text))[1] == []


def test_a_rule_event_of_a_type_the_model_never_learned_is_left_to_the_rules():
    # the tiny model learned armed_clash and shelling only, and drops every mention (keep 1.0)
    text = "أعلن ضابط في قوات النظام انشقاقه في مدينة الرستن يوم الخميس."
    assert [e.type for e in _learned_extractor(False).extract(doc(text))[1]] == ["defection"]
    drop_all = _tiny_model()
    drop_all.keep = 1.01
    assert [e.type for e in _learned_extractor(drop_all).extract(doc(text))[1]] == ["defection"]
    assert _learned_extractor(drop_all).extract(doc("قصفت قوات النظام مدينة الرستن يوم الخميس."))[1] == []


def test_training_helpers_align_and_score_pages():
    from rasd.evaluation.train_events import MentionRow, _page_f1, aligned

    assert aligned("قصفت الطائرات مدينة حمص صباح اليوم", "قصفت الطائرات مدينة حمص")
    assert not aligned("اجتمع الوزراء في عمان", "قصفت الطائرات مدينة حمص")
    rows = [MentionRow("a", {}, 1.0, ("shelling", "حمص", None), frozenset({"g1"}), True),
            MentionRow("a", {}, 1.0, ("shelling", "حمص", None), frozenset({"g1"}), True),   # same event twice
            MentionRow("a", {}, 0.3, ("protest", "حماه", None), frozenset(), False)]
    # both gold events of the page; one merged correct event kept, the weak addition left out
    assert _page_f1(rows, [0.9, 0.9, 0.9], 2, add=0.5, keep=0.5) == pytest.approx((1.0, 0.5, 2 / 3))
    assert _page_f1(rows, [0.9, 0.9, 0.9], 2, add=0.2, keep=0.5)[0] == pytest.approx(0.5)


# -- the place decision (events_places) ----------------------------------------------------------

def _place(name: str, start: int, precision: str = "town", country: str = "SY", **extra):
    from rasd.extract.attribution import NSpan

    return NSpan(start, start + len(name), "PLACE", {"place_id": "p-" + name, "name": name, "precision": precision,
                                                     "kind": "country" if precision == "country" else "city",
                                                     "country": country, **extra})


def test_page_sites_count_places_and_pick_the_most_named():
    from rasd.extract.events_places import PageSites

    places = [_place("سوريا", 0, "country"), _place("حمص", 10), _place("الرستن", 20), _place("الرستن", 40),
              _place("لبنان", 60, "country", "LB")]
    page = PageSites.of(places)
    assert page.top.value["name"] == "الرستن"           # named twice
    assert page.first.value["name"] == "حمص"            # the first below country level
    assert page.top_country.value["name"] == "سوريا"    # a tie goes to the one named first
    assert page.counts["p-الرستن"] == 2


def test_candidates_put_the_sentence_first_and_inherit_the_rest_once():
    from rasd.extract.events_places import PageSites, candidates
    from rasd.extract.sentences import Sentence

    norm = "قصفت الطائرات حمص امس. وقتل مدنيون في البلده"
    sent = Sentence(start=norm.index("وقتل"), end=len(norm), para=0, index=1,
                    clauses=((norm.index("وقتل"), len(norm)),))
    homs = _place("حمص", norm.index("حمص"))
    page = PageSites.of([homs, _place("سوريا", 200, "country")])
    got = candidates(sent, [], [], [], homs, page)
    # the last event's place, the page's top and first place are one place: one candidate
    assert [(c.source, c.span.value["name"]) for c in got] == [("last_event", "حمص"), ("page_country", "سوريا")]
    assert all(c.span.value.get("inherited") for c in got)


def test_place_features_say_where_the_candidate_stands():
    from rasd.extract.events_args import Trigger
    from rasd.extract.events_places import Candidate, PageSites, describe
    from rasd.extract.sentences import Sentence

    norm = "اعلنت دمشق ان الطائرات قصفت بلده كفرنبل في ريف ادلب"
    sent = Sentence(start=0, end=len(norm), para=0, index=0, clauses=((0, 10), (11, len(norm))))
    t = Trigger("air_strike", norm.index("قصفت"), norm.index("قصفت") + 4, "verb")
    dam, kaf = _place("دمشق", norm.index("دمشق")), _place("كفرنبل", norm.index("كفرنبل"), cue="بلدة")
    idl = _place("ادلب", norm.index("ادلب"), "governorate", area="countryside")
    cands = [Candidate(p, "sentence") for p in (dam, kaf, idl)]
    describe(norm, t, sent, (11, len(norm)), cands, [kaf], PageSites.of([dam, kaf, idl]), set(), {dam.start})
    d, k, i = (c.feats for c in cands)
    assert d["government"] == 1 and d["clause:other"] == 1 and d["side:before"] == 1
    assert k["rule:pick"] == 1 and k["first_after"] == 1 and k["nearest"] == 1 and k["cue"] == 1
    assert k["prev:بلده"] == 1 and k["air_strike|rule:pick"] == 1 and k["most_specific:same"] == 1
    assert i["area:countryside"] == 1 and i["prev:ريف"] == 1 and "rule:pick" not in i


def test_the_ranker_keeps_the_rules_pick_unless_told_to_replace_it():
    from rasd.extract.events_places import Candidate, PlaceModel

    rule = Candidate(_place("حمص", 0), "sentence", {"rule:pick": 1.0})
    other = Candidate(_place("الرستن", 9), "sentence", {"cue": 1.0})
    w = {"cue": 2.0, "rule:pick": 1.0}
    assert PlaceModel(w).pick([rule, other]) is rule             # margin None: the rules' pick stands
    assert PlaceModel(w, 0.5).pick([rule, other]) is other       # outscores it by more than the margin
    assert PlaceModel(w, 1.5).pick([rule, other]) is rule
    assert PlaceModel(w).pick([Candidate(rule.span, "page_top", {}), other]) is other   # no rule pick
    assert PlaceModel(w).pick([]) is None


def test_an_event_the_rules_leave_unplaced_takes_the_rankers_place():
    text = ("تتعرض مدينة الرستن منذ أسابيع لحصار خانق.\n\nويعيش السكان بلا كهرباء.\n\n"
            "وقصفت قوات النظام أمس الأحياء السكنية بالمدفعية الثقيلة.")
    m = EventModel(types=(), weights={}, bias={}, place_weights={"src:page_top": 3.0, "level:country": -2.0})
    [rules] = [e for e in _learned_extractor(False).extract(doc(text))[1] if e.type == "shelling"]
    assert rules.location is None
    [learned] = [e for e in _learned_extractor(m).extract(doc(text))[1] if e.type == "shelling"]
    assert learned.location["name"] == "الرستن" and learned.location["inherited"] is True
    # the model file keeps the ranker
    back = EventModel.from_json(m.to_json())
    assert back.place_weights == m.place_weights and back.place_margin is None


def test_place_training_rows_score_the_rankers_picks():
    from rasd.evaluation.train_events import PlaceRow, fit_places, place_accuracy

    rows = [PlaceRow(f"a{i}", [{"rule:pick": 1.0, "level:town": 1.0}, {"level:site": 1.0, "cue": 1.0}],
                     [i % 3 == 0, i % 3 != 0], i % 3 == 0) for i in range(30)]
    w = fit_places(rows)
    assert w and w.get("cue", 0) > 0
    assert place_accuracy(rows, w, 0.0) == pytest.approx(20 / 30)     # picks the site everywhere
    assert place_accuracy(rows, w, None) == pytest.approx(10 / 30)    # the rules' pick stands


def test_an_installation_named_after_a_known_place_is_a_site_there():
    from rasd.document import Span
    from rasd.extract.places_unknown import site_spans

    text = "استهدفت طائرة مسيرة مطار الموصل الدولي فجراً، وتحدث مسؤول عن قاعدة الاشتباك في الموصل."
    at = text.index("الموصل")
    mosul = Span(at, at + 6, "PLACE", {"name": "الموصل", "lat": 36.34, "lon": 43.13, "admin1": "نينوى",
                                      "country": "IQ", "precision": "town"}, "fake")
    again = text.rindex("الموصل")
    other = Span(again, again + 6, "PLACE", dict(mosul.value), "fake")
    sites, replaced = site_spans(make_view(text), [mosul, other])
    # the airport with its adjective, at Mosul's coordinates; "قاعدة الاشتباك" names no place, and
    # Mosul after "في" stays Mosul
    assert [(text[s.start:s.end], s.value["name"], s.value["country"], s.value["lat"]) for s in sites] == [
        ("مطار الموصل الدولي", "مطار الموصل", "IQ", 36.34)]
    assert replaced == {(mosul.start, mosul.end)}
    # a site the gazetteer lists by its full name wins (only the adjective joins its written text)
    airport = Span(text.index("مطار"), at + 6, "PLACE", {"name": "مطار الموصل", "precision": "site"}, "fake")
    sites, replaced = site_spans(make_view(text), [airport, other])
    assert [(s.value["name"], s.produced_by) for s in sites] == [("مطار الموصل", "fake")]


def test_a_base_named_after_a_known_place_is_also_called_by_that_name_an_airport_is_not():
    from rasd.document import Span
    from rasd.extract.places_unknown import site_spans

    text = "استهدفت مسيرة قاعدة الموصل فجراً، ثم سقطت قذيفة قرب مطار الموصل ومعبر الموصل."
    spans = []
    for i in [i for i in range(len(text)) if text.startswith("الموصل", i)]:
        spans.append(Span(i, i + 6, "PLACE", {"name": "الموصل", "lat": 36.34, "lon": 43.13, "admin1": "نينوى",
                                              "country": "IQ", "precision": "town"}, "fake"))
    sites, _ = site_spans(make_view(text), spans)
    # news says "الموصل" for the base or the crossing; the airport's bare name is the town itself
    assert [(s.value["name"], s.value.get("aliases")) for s in sites] == [
        ("قاعدة الموصل", ["الموصل"]), ("مطار الموصل", None), ("معبر الموصل", ["الموصل"])]


def test_an_added_trigger_never_stands_on_a_place_a_date_or_an_actor():
    # the stems of a place and of a date weigh more for the type than the act's own word
    w = {"w:" + stem("تناوشوا"): 2.0, "w:" + stem("حمص"): 5.0, "w:" + stem("الخميس"): 4.0}
    m = EventModel(types=("armed_clash",), weights={"armed_clash": w}, bias={"armed_clash": -1.0}, add=0.5)
    text = "وفي حمص تناوشوا عند الحي الشرقي يوم الخميس."
    norm = make_view(text).norm
    at = norm.index("حمص")
    assert m.strongest_word("armed_clash", norm, 0, len(norm)) == (at, at + 3)   # unguarded: the place
    clash = [e for e in _learned_extractor(m).extract(doc(text))[1] if e.type == "armed_clash"]
    assert [t["text"] for t in clash[0].meta["triggers"]] == ["تناوشوا"]
    assert clash[0].location["name"] == "حمص"


def test_a_listed_site_keeps_the_adjective_written_after_it():
    from rasd.document import Span
    from rasd.extract.places_unknown import site_spans

    text = "استهدفت قذائف حقل الورد النفطي شرق النهر."
    field = Span(text.index("حقل"), text.index(" النفطي"), "PLACE", {"name": "حقل الورد", "precision": "site"}, "gaz")
    sites, replaced = site_spans(make_view(text), [field])
    assert [(text[s.start:s.end], s.value["name"], s.value["text"]) for s in sites] == [
        ("حقل الورد النفطي", "حقل الورد", "حقل الورد النفطي")]
    assert replaced == {(field.start, field.end)}


def test_a_town_followed_by_old_is_its_old_quarter():
    from rasd.document import Span
    from rasd.extract.places_unknown import site_spans

    text = "قصفت الطائرات أحياء حمص القديمة، ثم حمص كلها."
    a, b = text.index("حمص"), text.rindex("حمص")
    town = {"name": "حمص", "precision": "town", "lat": 34.73, "lon": 36.71, "country": "SY", "admin1": "حمص"}
    spans = [Span(a, a + 3, "PLACE", dict(town), "fake"), Span(b, b + 3, "PLACE", dict(town), "fake")]
    sites, replaced = site_spans(make_view(text), spans)
    assert [(text[s.start:s.end], s.value["name"], s.value["lat"], s.value["kind"]) for s in sites] == [
        ("حمص القديمة", "حمص القديمة", 34.73, "neighbourhood")]
    assert replaced == {(a, a + 3)}


def test_the_mention_model_reads_the_pages_genre():
    text = "قصفت قوات النظام مدينة الرستن يوم الخميس."
    m = EventModel(types=("shelling",), weights={"shelling": {}}, bias={"shelling": -3.0},
                   mention_weights={"m:genre:opinion_analysis": -10.0},
                   mention_bias=3.0, keep=0.5, meta={"genre_feature": True})
    ex = _learned_extractor(m)
    assert [e.type for e in ex.extract(doc(text), genre="news_report")[1]] == ["shelling"]
    assert ex.extract(doc(text), genre="opinion_analysis")[1] == []
    # without a genre given, the extractor classifies the page itself
    assert ex.page_genre(doc(text)) in {"news_report", "bulletin_roundup", "opinion_analysis", "interview", "other"}


def test_mention_features_do_not_carry_the_last_bits_of_a_probability():
    # the sentence probability is a sum in hash-seeded order: its last bits differ between
    # processes, and training on them made the shipped model differ from one retrain to the next
    a = mention_features({}, "shelling", 0.1 + 0.2, {})
    b = mention_features({}, "shelling", 0.3, {})
    assert a == b
