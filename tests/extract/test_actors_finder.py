"""ActorFinder on our own sentences: aliases, clitics, constructs, persons, context rules."""
from __future__ import annotations

import pytest

from rasd.extract.actors import ActorFinder, ActorKB, ActorOptions, find_attribution_sources


@pytest.fixture(scope="module")
def kb() -> ActorKB:
    return ActorKB.load_default()


@pytest.fixture(scope="module")
def finder(kb: ActorKB) -> ActorFinder:
    return ActorFinder(kb)


def spans_by_text(finder: ActorFinder, text: str, **kw):
    return {text[s.start:s.end]: s for s in finder.find(text, **kw)}


@pytest.mark.parametrize("alias", [
    "النظام السوري", "قوات النظام", "قوات الأسد", "جيش النظام", "الجيش العربي السوري",
    "وحدات الجيش السوري", "القوات الحكومية", "قوات الحكومة السورية", "جيش الأسد", "نظام الأسد",
])
def test_government_aliases_resolve_to_one_id(finder: ActorFinder, alias: str) -> None:
    text = f"وقال شهود إن {alias} قصفت البلدة بعد منتصف الليل."
    spans = [s for s in finder.find(text, doc_date="2019-05-01") if s.label == "ACTOR"]
    assert len(spans) == 1
    assert spans[0].value["actor_id"] == "sy_gov_assad"
    assert text[spans[0].start:spans[0].end] == alias
    assert spans[0].value["inter"] == 1


@pytest.mark.parametrize("written,expected", [
    ("وقوات الأسد", "قوات الأسد"), ("بقوات النظام", "قوات النظام"), ("للنظام السوري", "للنظام السوري"),
    ("فالجيش العربي السوري", "الجيش العربي السوري"), ("والمرصد السوري لحقوق الإنسان", "المرصد السوري لحقوق الإنسان"),
])
def test_proclitics_are_allowed_and_left_out_of_the_span(finder: ActorFinder, written: str, expected: str) -> None:
    text = f"جاء ذلك بعد ساعات {written} في المنطقة."
    spans = finder.find(text, doc_date="2020-01-01")
    assert [text[s.start:s.end] for s in spans] == [expected]


def test_alias_inside_a_longer_word_is_not_matched(finder: ActorFinder) -> None:
    text = "عبّر عن حماسه الشديد للمباراة وعن نظامية العمل في المصنع."
    assert finder.find(text) == []


def test_diacritics_and_tatweel_do_not_hide_an_alias_and_offsets_stay_original(finder: ActorFinder) -> None:
    text = "وأعلنت قُوّاتُ الأســد انسحابها."
    [span] = finder.find(text, doc_date="2016-03-01")
    assert span.value["actor_id"] == "sy_gov_assad"
    assert text[span.start:span.end].startswith("قُوّاتُ")
    assert span.value["text"] == text[span.start:span.end]


def test_longest_match_wins(finder: ActorFinder) -> None:
    text = "سيطرت قوات سوريا الديمقراطية على القرية."
    [span] = finder.find(text)
    assert span.value["actor_id"] == "sdf"


@pytest.mark.parametrize("text,written,expected", [
    ("تقدمت قوات هيئة تحرير الشام نحو المدينة.", "قوات هيئة تحرير الشام", "hts"),
    ("أطلق مقاتلو المعارضة سراح السجناء.", "مقاتلو المعارضة", "opposition_generic"),
    ("انسحب مقاتلي المعارضة السورية من الحي.", "مقاتلي المعارضة السورية", "opposition_generic"),
    ("دخل عناصر الجيش الوطني السوري البلدة.", "عناصر الجيش الوطني السوري", "sna"),
    ("وصلت تعزيزات الحرس الثوري إلى المطار.", "تعزيزات الحرس الثوري", "irgc"),
])
def test_construct_states_keep_the_actor(finder: ActorFinder, text: str, written: str, expected: str) -> None:
    found = spans_by_text(finder, text)
    assert written in found
    assert found[written].value["actor_id"] == expected


def test_sub_group_carries_its_affiliation(finder: ActorFinder) -> None:
    text = "نفذت غرفة عمليات الفتح المبين عملية خلف خطوط الجيش."
    span = spans_by_text(finder, text)["غرفة عمليات الفتح المبين"]
    assert span.value["actor_id"] == "al_fath_al_mubin_room"
    assert "hts" in span.value["affiliations"]


def test_kunya_and_name_resolve_to_the_same_person(finder: ActorFinder) -> None:
    text = "ظهر أبو محمد الجولاني في تسجيل، وقال أحمد الشرع لاحقاً إن المعركة انتهت."
    people = [s for s in finder.find(text) if s.label == "PERSON"]
    assert {s.value["actor_id"] for s in people} == {"ahmed_al_sharaa"}
    assert len(people) == 2


def test_rank_and_name_make_a_person_with_title(finder: ActorFinder) -> None:
    text = "وقال العقيد سامر الحلبي، قائد الكتيبة، إن الهجوم صُدّ."
    people = [s for s in finder.find(text) if s.label == "PERSON"]
    assert [text[s.start:s.end] for s in people] == ["سامر الحلبي"]
    assert people[0].value["title"] == "العقيد"
    assert people[0].value["actor_id"] is None
    assert people[0].value["resolved_by"] == "pattern:title"


def test_title_before_known_person_is_attached_not_duplicated(finder: ActorFinder) -> None:
    text = "أكد وزير الخارجية الروسي سيرغي لافروف أن الحوار مستمر."
    people = [s for s in finder.find(text) if s.label == "PERSON"]
    assert len(people) == 1
    assert people[0].value["actor_id"] == "sergey_lavrov"
    assert people[0].value["title"] == "وزير الخارجية الروسي"


def test_title_with_organisation_complement_links_the_person(finder: ActorFinder) -> None:
    text = "قال المتحدث باسم الجيش الإسرائيلي داني كوهين إن الغارة استهدفت مستودعاً."
    people = [s for s in finder.find(text) if s.label == "PERSON"]
    assert [text[s.start:s.end] for s in people] == ["داني كوهين"]
    assert people[0].value["affiliations"] == ["israel_forces"]


def test_chained_titles_take_the_last_title(finder: ActorFinder) -> None:
    text = "قال المقدم حسن عبد الغني، وهو قيادي في إدارة العمليات العسكرية، إن المقاتلين دخلوا المدينة."
    people = [s for s in finder.find(text) if s.label == "PERSON"]
    assert people[0].value["actor_id"] == "hassan_abdul_ghani"
    assert people[0].value["title"] == "المقدم"


def test_name_after_reporting_verb(finder: ActorFinder) -> None:
    text = "وقال محمود سالم العبدالله إن الأهالي عادوا إلى منازلهم."
    people = [s for s in finder.find(text) if s.label == "PERSON"]
    assert [text[s.start:s.end] for s in people] == ["محمود سالم العبدالله"]


def test_reporting_verb_followed_by_a_noun_is_not_a_person(finder: ActorFinder) -> None:
    text = "وقال مصدر ميداني إن الاشتباكات توقفت، وأكد بيان صادر عن المجلس ذلك."
    assert [s for s in finder.find(text) if s.label == "PERSON"] == []


def test_parenthesised_kunya_after_pattern_name_aliases_it(finder: ActorFinder) -> None:
    text = "وقال خالد يوسف العمر (أبو صهيب) إن الطريق مفتوح."
    people = [s for s in finder.find(text) if s.label == "PERSON"]
    assert [text[s.start:s.end] for s in people] == ["خالد يوسف العمر", "أبو صهيب"]
    assert people[1].value["name"] == "خالد يوسف العمر"


def test_kunya_place_is_not_a_person(finder: ActorFinder) -> None:
    text = "سقطت قذائف على مطار أبو الظهور العسكري."
    assert [s for s in finder.find(text) if s.label == "PERSON"] == []


def test_neighbourhood_named_after_a_sheikh_is_not_a_person(finder: ActorFinder) -> None:
    text = "دارت اشتباكات في حي الشيخ مقصود بمدينة حلب."
    assert [s for s in finder.find(text) if s.label == "PERSON"] == []


@pytest.mark.parametrize("text,capital,expected", [
    ("أعلنت دمشق رفضها للقرار.", "دمشق", "sy_gov_assad"),
    ("وأرسلت موسكو طائرات إضافية إلى القاعدة.", "موسكو", "russia"),
    ("قالت أنقرة إن العملية ستستمر.", "أنقرة", "turkey"),
    ("طهران ترفض الاتهامات الغربية.", "طهران", "iran"),
    ("واشنطن: لا تغيير في سياستنا.", "واشنطن", "usa"),
])
def test_capital_as_subject_of_state_verb_is_an_actor(finder: ActorFinder, text: str, capital: str, expected: str) -> None:
    found = spans_by_text(finder, text, doc_date="2022-06-01")
    assert found[capital].value["actor_id"] == expected
    assert found[capital].value["resolved_by"].startswith("capital_rule")


@pytest.mark.parametrize("text", [
    "وصل الوفد إلى دمشق مساء أمس.", "عقد الاجتماع في موسكو بحضور الوزراء.", "غادر الطلاب أنقرة بعد الامتحان.",
    "ارتفعت الأسعار في أسواق طهران.",
])
def test_capital_as_place_is_not_an_actor(finder: ActorFinder, text: str) -> None:
    assert finder.find(text) == []


def test_country_after_locative_is_a_place_and_as_subject_an_actor(finder: ActorFinder) -> None:
    text = "شنت إسرائيل غارات على مواقع في سوريا ولبنان."
    found = spans_by_text(finder, text, doc_date="2023-02-01")
    assert found["إسرائيل"].value["actor_id"] == "israel"
    assert "سوريا" not in found


@pytest.mark.parametrize("date,expected", [
    ("2018-04-10", "sy_gov_assad"), ("2024-12-07", "sy_gov_assad"), ("2025-03-01", "sy_gov_transitional"),
])
def test_shared_government_aliases_pick_the_government_by_date(finder: ActorFinder, date: str, expected: str) -> None:
    text = "أعلن الجيش السوري أنه استعاد السيطرة على الطريق."
    [span] = [s for s in finder.find(text, doc_date=date) if s.label == "ACTOR"]
    assert span.value["actor_id"] == expected


def test_post_2024_government_names_are_distinct(finder: ActorFinder) -> None:
    text = "نشرت إدارة الأمن العام حواجز، وقالت الحكومة السورية الجديدة إن الوضع مستقر."
    ids = {s.value["actor_id"] for s in finder.find(text, doc_date="2025-01-15")}
    assert ids == {"sy_general_security", "sy_gov_transitional"}


def test_undated_ambiguous_alias_lists_its_candidates(finder: ActorFinder) -> None:
    text = "قالت الحكومة السورية إنها ستعيد فتح المعبر."
    [span] = finder.find(text)
    assert set(span.value["candidates"]) == {"sy_gov_assad", "sy_gov_transitional"}


def test_generic_party_resolves_to_hezbollah_after_mention(finder: ActorFinder) -> None:
    text = "استهدفت غارة مواقع لحزب الله قرب الحدود. وقال الحزب إن مقاتليه ردوا على الهجوم."
    found = spans_by_text(finder, text)
    assert found["الحزب"].value["actor_id"] == "hezbollah"
    assert found["الحزب"].value["resolved_by"] == "context"


def test_generic_party_without_antecedent_is_dropped(finder: ActorFinder) -> None:
    text = "عقد الحزب مؤتمره السنوي في العاصمة."
    assert finder.find(text) == []


def test_generic_organisation_follows_the_nearest_mention(finder: ActorFinder) -> None:
    text = "هاجمت خلايا داعش نقطة للجيش. وتبنى التنظيم الهجوم في بيان."
    found = spans_by_text(finder, text, doc_date="2021-01-01")
    assert found["التنظيم"].value["actor_id"] == "isis"


def test_generic_can_be_switched_off(kb: ActorKB) -> None:
    text = "استهدفت غارة مواقع لحزب الله. وقال الحزب إن مقاتليه ردوا."
    finder = ActorFinder(kb, ActorOptions(resolve_generic=False))
    assert "الحزب" not in spans_by_text(finder, text)


def test_sources_are_labelled_source(finder: ActorFinder) -> None:
    text = "ذكرت وكالة سانا أن المرصد السوري وثّق الحادثة."
    labels = {text[s.start:s.end]: s.label for s in finder.find(text)}
    assert labels == {"وكالة سانا": "SOURCE", "المرصد السوري": "SOURCE"}


def test_attribution_sources_follow_their_cue(kb: ActorKB) -> None:
    text = ("قُتل ثلاثة مدنيين بحسب المرصد السوري لحقوق الإنسان، فيما قالت وزارة الدفاع الروسية إن الطائرات "
            "لم تقصف المنطقة، وفقاً لمصادر محلية.")
    found = {text[s.start:s.end]: s for s in find_attribution_sources(text, kb)}
    assert found["المرصد السوري لحقوق الإنسان"].value["cue"] == "بحسب"
    assert found["وزارة الدفاع الروسية"].value["actor_id"] == "russia_forces"
    assert found["مصادر محلية"].value["kind"] == "generic_source"
    assert all(s.label == "SOURCE" for s in found.values())


def test_attribution_is_not_linked_across_punctuation(kb: ActorKB) -> None:
    text = "وأضاف. ثم تحدث الجيش الإسرائيلي عن الغارة."
    assert find_attribution_sources(text, kb) == []


def test_spans_stay_inside_text_and_match_written_text(finder: ActorFinder) -> None:
    text = "\u200fوأكّد اللواء  مُحمّد العلي أنّ قوّات النّظام انسحبت، بحسب رويترز."
    for span in finder.find(text):
        assert 0 <= span.start < span.end <= len(text)
        assert text[span.start:span.end] == span.value["text"]


def test_empty_text(finder: ActorFinder) -> None:
    assert finder.find("") == []


@pytest.mark.parametrize("text, name, deed", [
    ("وأعلن الرقيب ماجد الخطيب انشقاقه عن اللواء.", "ماجد الخطيب", "انشقاقه"),
    ("كما أعلن العقيد نزار الحسين استقالته من منصبه.", "نزار الحسين", "استقالته"),
])
def test_a_verbal_noun_with_a_pronoun_ends_the_persons_name(finder: ActorFinder, text: str, name: str,
                                                            deed: str) -> None:
    got = spans_by_text(finder, text)
    assert name in got and not any(deed in k for k in got)


def test_a_given_name_ending_in_ta_marbuta_stays_in_the_name(finder: ActorFinder) -> None:
    got = spans_by_text(finder, "وقال الناشط أسامة الديري إن الطريق مغلق.")
    assert "أسامة الديري" in got


def test_a_nationality_adjective_of_another_country_cancels_the_alias() -> None:
    from rasd.extract.actors import ActorFinder, ActorKB

    f = ActorFinder(ActorKB.load_default())

    def names(t: str) -> list[str]:
        return [s.value.get("name") for s in f.find(t)]
    # the alias "الجيش الوطني" of a Syrian group, followed by "الليبي": another army
    assert names("أعلن الجيش الوطني الليبي السيطرة على المدينة") == []
    # the actor's own nationality, or none, keeps it
    assert names("قصف الجيش الوطني السوري مواقع في المدينة") == ["الجيش الوطني السوري"]
    assert names("هاجمت فصائل الجيش الوطني مواقع في المدينة") == ["الجيش الوطني السوري"]
