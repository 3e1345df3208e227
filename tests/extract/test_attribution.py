"""Attribution cues read from our own sentences (normalised offsets, fake source spans)."""
from __future__ import annotations

from rasd.extract.attribution import NSpan, find_attributions, is_continuation
from rasd.extract.events_lexicon import load_event_lexicon
from rasd.extract.textview import make_view


def atts(text, names=()):
    v = make_view(text)
    lex = load_event_lexicon()
    cands = []
    for n in names:
        i = v.norm.index(make_view(n).norm)
        cands.append(NSpan(i, i + len(make_view(n).norm), "SOURCE", {"name": n, "actor_id": "x"}))
    return find_attributions(v, 0, len(v.norm), cands, lex)


def test_preposition_with_known_source():
    a = atts("سقطت قذائف على الحي، بحسب المرصد السوري.", ["المرصد السوري"])
    assert a[0].kind == "preposition" and a[0].record["text"] == "المرصد السوري"


def test_preposition_with_free_text_source_stops_at_stop_word():
    a = atts("وقعت اشتباكات عنيفة وفقاً لمصادر محلية في المدينة.")
    assert a[0].record["text"].endswith("مصادر محلية")


def test_subject_before_a_denial_verb_is_the_source():
    a = atts("انسحبت القوات من البلدة، لكن سانا نفت ذلك.", ["سانا"])
    assert a[0].record["text"] == "سانا" and a[0].denial


def test_verb_then_subject():
    a = atts("وذكرت رويترز أن قوات وصلت إلى المدينة.", ["رويترز"])
    assert a[0].kind == "verb" and a[0].record["text"] == "رويترز"


def test_continuation_sentence_detected():
    lex = load_event_lexicon()
    v = make_view("وأضاف القيادي أن القوات دخلت البلدة.")
    assert is_continuation(v.norm, 0, len(v.norm), lex)
    v2 = make_view("وأضافت الفصائل عناصر جديدة إلى صفوفها.")
    assert not is_continuation(v2.norm, 0, len(v2.norm), lex)


def _atts_labelled(text, spans):
    """Attributions with candidate spans of given labels: [(name, label), ...]."""
    v = make_view(text)
    cands = []
    for n, label in spans:
        i = v.norm.index(make_view(n).norm)
        cands.append(NSpan(i, i + len(make_view(n).norm), label, {"name": n, "actor_id": "x"}))
    return find_attributions(v, 0, len(v.norm), sorted(cands, key=lambda c: c.start), load_event_lexicon())


def test_a_title_runs_into_the_name_of_its_holder():
    # plain title words after the verb, then the person: one source, named by the person
    a = _atts_labelled("وقال نائب وزير الخارجية اللبناني سامي خليل إن القصف توقف.", [("سامي خليل", "PERSON")])
    assert a[0].record["text"] == "نائب وزير الخارجية اللبناني سامي خليل"
    assert a[0].record["name"] == "سامي خليل" and a[0].value["actor_id"] == "x"


def test_a_person_in_apposition_joins_the_source():
    a = _atts_labelled("وقال مدير المركز، سامي خليل، إن القصف توقف.", [("مدير المركز", "SOURCE"), ("سامي خليل", "PERSON")])
    assert a[0].record["text"] == "مدير المركز، سامي خليل" and a[0].record["name"] == "مدير المركز"


def test_a_preposition_reaches_the_source_named_in_its_phrase():
    a = _atts_labelled("قتل ثلاثة في القصف، وفق حصيلة نشرها المركز الحقوقي.", [("المركز الحقوقي", "SOURCE")])
    assert a[0].kind == "preposition" and a[0].record["text"].endswith("المركز الحقوقي")
    assert a[0].record["name"] == "المركز الحقوقي"


def test_a_name_after_a_full_stop_is_not_the_source():
    a = _atts_labelled("وقال مسؤول محلي. سامي خليل وصل.", [("سامي خليل", "PERSON")])
    assert a and "سامي" not in a[0].record["text"]


def test_a_sentence_without_a_source_takes_its_paragraphs():
    from rasd.extract.dates import find_dates
    from rasd.extract.events import EventExtractor, ExtractOptions
    from tests.extract.events_fakes import FakeActors, FakePlaces, doc, fake_quantities

    def run(inherit):
        # (the page's lede source, `lede_attribution`, is off: this pins the paragraph rule alone)
        ex = EventExtractor(ExtractOptions(learned=False, inherit_attribution=inherit, lede_attribution=False),
                            places=FakePlaces(),
                            actors=FakeActors(), dates=find_dates, quantities=fake_quantities,
                            infer_date=lambda t: (None, None, "none"))
        text = ("أفاد المرصد السوري بأن قوات النظام قصفت مدينة الرستن يوم الخميس. "
                "كما قصفت قوات النظام مدينة تلبيسة يوم الخميس.\n\nوقصفت قوات النظام مدينة حماة يوم الجمعة.")
        return {e.location["name"]: [a["name"] for a in e.attribution] for e in ex.extract(doc(text))[1]}
    got = run(True)
    assert got["الرستن"] and got["تلبيسة"] == got["الرستن"]   # same paragraph: the same source
    assert got["حماة"] == []                                   # a new paragraph starts without one
    assert run(False)["تلبيسة"] == []


def test_a_preposition_may_carry_a_conjunction_and_a_resumptive_pronoun():
    a = atts("ووفقاً لمصادر محلية فقد دخلت القوات البلدة.")
    assert a and a[0].kind == "preposition" and a[0].record["text"].endswith("مصادر محلية")
    b = atts("دخلت القوات البلدة، حسب ما أفادت به مصادر ميدانية.")
    assert b[0].kind == "preposition" and b[0].record["text"] == "مصادر ميدانية"


def test_our_correspondent_is_the_outlets():
    from rasd.document import Document, Origin
    from rasd.extract.dates import find_dates
    from rasd.extract.events import EventExtractor, ExtractOptions
    from tests.extract.events_fakes import FakeActors, FakePlaces, fake_quantities

    ex = EventExtractor(ExtractOptions(learned=False), places=FakePlaces(), actors=FakeActors(), dates=find_dates,
                        quantities=fake_quantities, infer_date=lambda t: (None, None, "none"))
    text = "وأفاد مراسلنا بأن قوات النظام قصفت مدينة الرستن يوم الخميس."
    for outlet, name in (("قناة المثال", "مراسل قناة المثال"), (None, "مراسلنا")):
        d = Document(id="x", text=text, origin=Origin(), published="2024-01-06", cleaned=True, outlet=outlet)
        [ev] = [e for e in ex.extract(d)[1] if e.type == "shelling"]
        assert [(a["text"], a["name"]) for a in ev.attribution] == [("مراسلنا", name)]


def test_on_the_tongue_of_names_the_speaker():
    a = atts("جاء ذلك في بيان على لسان المتحدث سامي خليل.", ["سامي خليل"])
    assert a[0].kind == "preposition" and a[0].record["name"] == "سامي خليل"


# --- issue 10: attribution accuracy (one invented sentence per kind of fix) ---------------------

def _view_atts(text, spans=(), places=()):
    """Attributions of the whole text with candidate spans [(name, label)] and place names."""
    v = make_view(text)
    lex = load_event_lexicon()

    def at(n, label):
        i = v.norm.index(make_view(n).norm)
        return NSpan(i, i + len(make_view(n).norm), label, {"name": n, "actor_id": "x"})
    cands = sorted((at(n, lab) for n, lab in spans), key=lambda c: c.start)
    pls = sorted((at(n, "PLACE") for n in places), key=lambda c: c.start)
    return v, cands, pls, lex, find_attributions(v, 0, len(v.norm), cands, lex, pls)


def test_a_quoted_name_after_a_word_ends_the_source():
    *_, a = _view_atts('وتحدثت صحيفة "الأفق" عن قصف استهدف أطراف البلدة.')
    assert a[0].record["text"] == 'صحيفة "الأفق"'


def test_a_quoted_first_word_is_part_of_the_source():
    *_, a = _view_atts('وأعلن "جيش" الجبل الأخضر إسقاط طائرة مسيرة فوق الوادي.')
    assert a[0].record["text"].startswith('"جيش" الجبل')


def test_a_statement_issued_by_a_body_names_the_body():
    *_, a = _view_atts("وبحسب بيان صادر عن قيادة الشرطة المحلية، فقد اعتقل ثلاثة مسلحين.")
    assert a[0].record["text"] == "قيادة الشرطة المحلية"


def test_subject_before_its_verb_across_qad():
    *_, a = _view_atts("وكانت هيئة الإغاثة قد أعلنت وصول القافلة إلى المخيم.", [("هيئة الإغاثة", "SOURCE")])
    assert a[0].kind == "verb" and a[0].record["text"] == "هيئة الإغاثة"


def test_new_reporting_verb_with_its_subject():
    *_, a = _view_atts("وأوردت وكالة النجم أن انفجاراً وقع في السوق.", [("وكالة النجم", "SOURCE")])
    assert a[0].record["text"] == "وكالة النجم"


def test_a_free_source_stops_before_ma_idha():
    *_, a = _view_atts("ولم يؤكد البيان ما إذا كانت الطائرات قصفت المطار.")
    assert a[0].record["text"] == "البيان"


def test_a_source_runs_over_in_and_its_place():
    *_, a = _view_atts("وأفادت وزارة الصحة في غزة بمقتل شخصين.", places=["غزة"])
    assert a[0].record["text"] == "وزارة الصحة في غزة"


def test_a_short_name_takes_the_full_name_given_before():
    from rasd.extract.attribution import resolve_short
    text = "أعلنت منظمة الهلال الأزرق أن فرقها أجلت الجرحى. وقالت المنظمة إن القصف استمر ليلاً."
    v, cands, pls, lex, a = _view_atts(text)
    short = [x for x in a if x.record["text"] == "المنظمة"][0]
    assert resolve_short(short, v, cands, lex, pls).record["name"] == "منظمة الهلال الأزرق"


def test_a_document_noun_alone_is_named_by_its_issuer():
    from rasd.extract.attribution import resolve_short
    text = "أعلنت قيادة الحرس أن قواتها صدت الهجوم. وأكد البيان أن الاشتباكات توقفت."
    v, cands, pls, lex, a = _view_atts(text, [("قيادة الحرس", "SOURCE")])
    doc_noun = [x for x in a if x.record["text"] == "البيان"][0]
    issuer = [x for x in a if x.record["text"] == "قيادة الحرس"][0]
    assert resolve_short(doc_noun, v, cands, lex, pls, issuer).record["name"] == "قيادة الحرس"


def test_a_sourceless_sentence_after_the_lede_paragraph_takes_the_lede_source():
    from tests.extract.events_fakes import doc, make_extractor
    text = ("أفاد المرصد السوري بأن قوات النظام قصفت مدينة الرستن يوم الخميس.\n\n"
            "وقصفت قوات النظام مدينة حماة يوم الجمعة.")
    evs = make_extractor().extract(doc(text))[1]
    got = {e.location["name"]: [a["name"] for a in e.attribution] for e in evs}
    assert got["حماة"] == got["الرستن"] and got["حماة"]
    off = make_extractor(lede_attribution=False).extract(doc(text))[1]
    assert [e.attribution for e in off if e.location["name"] == "حماة"] == [()]


def test_a_spokesman_names_the_body_he_speaks_for():
    *_, a = _view_atts("وأعلن سامر الخطيب، المتحدث باسم وزارة الزراعة، إتلاف المحاصيل.", [("سامر الخطيب", "PERSON")])
    assert a[0].record["text"] == "سامر الخطيب، المتحدث باسم وزارة الزراعة"


def test_a_quoted_short_name_in_apposition_joins_the_source():
    *_, a = _view_atts('وأعلنت وزارة الدفاع الوطنية، "الدفاعية"، أن طائراتها قصفت الموقع.', [("وزارة الدفاع الوطنية", "SOURCE")])
    assert a[0].record["text"] == 'وزارة الدفاع الوطنية، "الدفاعية"'


def test_a_verbal_noun_with_its_object_gives_no_source():
    *_, a = _view_atts("وجاء ذلك بعد إعلان الهدنة في المدينة.")
    assert a == []
    *_, b = _view_atts("وجاء ذلك بعد إعلان هيئة الإغاثة وصول القافلة.", [("هيئة الإغاثة", "SOURCE")])
    assert b[0].record["text"] == "هيئة الإغاثة"


def test_a_title_alone_takes_the_holder_named_after_it_before():
    from rasd.extract.attribution import resolve_short
    text = "التقى وزير الري الإقليمي، كمال داود، وفد البلدة. وقال وزير الري الإقليمي إن السد انهار."
    v, cands, pls, lex, a = _view_atts(text, [("كمال داود", "PERSON")])
    title = [x for x in a if x.record["text"] == "وزير الري الإقليمي"][0]
    assert resolve_short(title, v, cands, lex, pls).record["name"] == "وزير الري الإقليمي، كمال داود"


def test_a_name_after_an_complementiser_is_not_the_sayer():
    *_, a = _view_atts("وأضاف أن قوات الحرس انسحبت من التلة.", [("قوات الحرس", "ACTOR")])
    assert a == []


def test_a_warning_verb_takes_its_subject_as_source():
    *_, a = _view_atts("وحذرت هيئة الإغاثة من نزوح آلاف العائلات عن القرى.", [("هيئة الإغاثة", "SOURCE")])
    assert a[0].record["text"] == "هيئة الإغاثة"


def test_a_short_source_takes_a_full_name_qualified_as_responsible():
    from rasd.extract.attribution import resolve_short
    text = "وعبر مصدر مسؤول بوزارة الري عن قلقه. وأكد المصدر أن السد تضرر."
    v, cands, pls, lex, a = _view_atts(text)
    short = [x for x in a if x.record["text"] == "المصدر"][0]
    assert resolve_short(short, v, cands, lex, pls).record["name"] == "مصدر مسؤول بوزارة الري"


def test_a_statement_issued_on_a_day_by_a_body_names_the_body():
    *_, a = _view_atts("وبحسب بلاغ صادر اليوم الأربعاء عن وزارة الري، فقد انهار السد.")
    assert a[0].record["text"] == "وزارة الري"


def test_a_present_tense_verb_after_plain_words_takes_them_as_source():
    *_, a = _view_atts("ووزارة الزراعة تعلن إتلاف المحاصيل في السهل.")
    assert a[0].record["text"] == "وزارة الزراعة"
    *_, b = _view_atts("ولم يؤكد البيان ما إذا كانت الطائرات قصفت المطار.")
    assert b[0].record["text"] == "البيان"


def test_a_title_then_its_holder_between_commas_is_one_source():
    *_, a = _view_atts("وقال وزير الري الإقليمي، كمال داود، إن السد انهار.")
    assert a[0].record["text"] == "وزير الري الإقليمي، كمال داود"


def test_a_sourceless_sentence_takes_the_lede_source_then_the_nearest_one():
    from tests.extract.events_fakes import doc, make_extractor
    text = ("أفاد المرصد السوري بأن قوات النظام قصفت مدينة الرستن يوم الخميس.\n\n"
            "وقالت وكالة النجم إن قوات النظام قصفت مدينة تلبيسة يوم الخميس.\n\n"
            "وقصفت قوات النظام مدينة حماة يوم الجمعة.")
    evs = make_extractor().extract(doc(text))[1]
    got = {e.location["name"]: [a["text"] for a in e.attribution] for e in evs}
    assert got["حماة"][0] == got["الرستن"][0] and "وكالة النجم" in got["حماة"]
    lede_only = make_extractor(nearest_attribution=False).extract(doc(text))[1]
    assert [len(e.attribution) for e in lede_only if e.location["name"] == "حماة"] == [1]


def test_a_circumstantial_participle_ends_a_free_source():
    *_, a = _view_atts("وقال أحد سكان البلدة طالبا عدم ذكر اسمه إن القصف استمر.")
    assert [x.record["text"] for x in a] == ["أحد سكان البلدة"]


def test_what_a_source_reported_names_the_source_after_its_verb():
    a = atts("دخلت القوات البلدة، وفقاً لما نقلته وكالة الأنباء الرسمية.")
    assert a[0].kind == "preposition" and a[0].record["text"] == "وكالة الأنباء الرسمية"
    b = atts("قصفت الطائرات الحي، طبقاً لما جاء في بيان المرصد المحلي.")
    assert b[0].record["text"].startswith("بيان المرصد")
    # what someone said with no one named after it has no source of its own
    assert atts("ستعود الأسعار إلى مستواها قريباً، وفقاً لما قاله الاثنين في العاصمة.") == []


def test_a_pronoun_or_an_adverb_after_a_verb_is_no_source():
    # the statement "in which" they declared; "during" his speech; "that they" heard
    assert atts("عقد الأهالي اجتماعاً أعلنوا فيه تضامنهم مع البلدة.") == []
    assert atts("وأكد أثناء خطابه في العاصمة أن المحادثات مستمرة.") == []
    a = atts("وقال سكان إنهم سمعوا دوي انفجارات قرب المطار.")
    assert a[0].record["text"] == "سكان"
    # a known name right after the pronoun is still the source
    b = atts("في الوقت الذي قال فيه المرصد السوري إن القصف استمر.", ["المرصد السوري"])
    assert b[0].record["text"] == "المرصد السوري"


def test_a_number_ends_a_source_written_as_plain_words():
    a = atts("وقال مصدر طبي محلي 12 قتيلا سقطوا في القصف.")
    assert a and a[0].record["text"] == "مصدر طبي محلي"
