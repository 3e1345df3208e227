"""Event extraction on our own Arabic sentences: one hard case per test."""
from __future__ import annotations

import pytest

from tests.extract.events_fakes import doc, make_extractor


@pytest.fixture(scope="module")
def ex():
    return make_extractor()


def events(ex, text, published="2024-12-06"):
    d = doc(text, published)
    spans, evs = ex.extract(d)
    for e in evs:
        for m in e.mentions:
            assert d.text[m["start"]:m["end"]] == m["text"]
    return evs


def of_type(evs, t):
    return [e for e in evs if e.type == t]


def test_several_places_listed_give_one_event_each(ex):
    evs = events(ex, "وسيطرت الفصائل على مدينتي الرستن وتلبيسة بعد معارك استمرت ساعات.")
    places = sorted(e.location["name"] for e in of_type(evs, "territory_control"))
    assert places == ["الرستن", "تلبيسة"]
    assert all(e.actors and e.actors[0]["actor_id"] == "opposition_generic" for e in of_type(evs, "territory_control"))


def test_governorates_listed_with_and(ex):
    evs = events(ex, "وجاء ذلك بعد أن سيطرت فصائل المعارضة بالكامل على محافظتي درعا والسويداء في الجنوب.")
    assert sorted(e.location["name"] for e in of_type(evs, "territory_control")) == ["السويداء", "درعا"]


def test_lede_repeated_in_body_is_one_event_with_two_mentions(ex):
    text = ("دخلت فصائل المعارضة مدينة حماة بعد انسحاب قوات النظام منها.\n\n"
            "وقال شهود إن الرستن بقيت هادئة.\n\n"
            "وكانت الفصائل قد دخلت مدينة حماة من محورها الشمالي.")
    tc = of_type(events(ex, text), "territory_control")
    assert len(tc) == 1 and len(tc[0].mentions) == 2


def test_preposition_attribution(ex):
    evs = events(ex, "قتل مدنيون في قصف مدفعي لقوات النظام على بلدة في ريف إدلب، بحسب المرصد السوري.")
    sh = of_type(evs, "shelling")
    assert sh and sh[0].attribution[0]["source_id"] == "sohr"
    assert sh[0].modality == "reported"


def test_free_text_source_after_cue(ex):
    evs = events(ex, "واشتبكت الفصائل مع قوات النظام في محيط منبج، وفق ناشطين محليين.")
    clash = of_type(evs, "armed_clash")
    assert clash and "ناشطين محليين" in clash[0].attribution[0]["text"]


def test_continuation_keeps_the_previous_source(ex):
    text = ("وأعلن المرصد السوري سيطرة الفصائل على مدينة حماة.\n\n"
            "وأضاف المرصد أن قوات النظام انسحبت من مدينة الرستن.")
    text2 = "وأعلن المرصد السوري سيطرة الفصائل على مدينة حماة. وأضاف أن قوات النظام انسحبت من مدينة الرستن."
    wd = of_type(events(ex, text2), "withdrawal")
    assert wd and wd[0].attribution and wd[0].attribution[0]["source_id"] == "sohr"
    assert of_type(events(ex, text), "withdrawal")


def test_denied(ex):
    evs = events(ex, "وتحدثت تقارير أولية عن انسحاب قوات النظام من حمص، لكن سانا نفت ذلك.")
    wd = of_type(evs, "withdrawal")
    assert len(wd) == 1 and wd[0].modality == "denied"
    assert wd[0].attribution[0]["name"] == "سانا"


def test_hedged(ex):
    evs = events(ex, "وتحدثت أنباء غير مؤكدة عن انسحاب قوات النظام من مدينة طرطوس.")
    assert of_type(evs, "withdrawal")[0].modality == "hedged"


def test_alleged(ex):
    evs = events(ex, "واتهمت فصائل المعارضة الطيران الروسي بارتكاب مجزرة في مدينة إدلب.")
    air = of_type(evs, "air_strike")
    assert air and air[0].modality == "alleged" and not of_type(evs, "attack_on_civilians")


def test_expected(ex):
    evs = events(ex, "ومن المتوقع أن يصوت الكونغرس الأسبوع المقبل على رفع العقوبات عن سوريا.")
    sa = of_type(evs, "sanctions")
    assert sa and sa[0].modality == "expected"


def test_claimed_by_the_actors_own_side(ex):
    evs = events(ex, "وأفادت سانا بأن الجيش السوري تصدى لهجوم واسع في ريف حماة.")
    clash = of_type(evs, "armed_clash")
    assert clash and clash[0].modality == "claimed"


def test_historical_date_kept_and_today_is_the_document_date(ex):
    text = ("وشهدت المدينة مجزرة ارتكبتها قوات النظام في حماة عام 1982.\n\n"
            "وسيطرت الفصائل اليوم على مدينة حمص.")
    evs = events(ex, text, published="2024-12-08")
    assert of_type(evs, "attack_on_civilians")[0].date["value"] == "1982"
    tc = of_type(evs, "territory_control")[0]
    assert tc.date["value"] == "2024-12-08"


def test_undated_event_after_a_historical_paragraph_stays_undated(ex):
    text = ("ولد القائد في الرستن عام 1980، وفي عام 2011 انشق عن قوات النظام.\n\n"
            "ثم اقتحمت قوات النظام مدينة الرستن بالدبابات.")
    evs = events(ex, text, published="2024-09-28")
    tc = of_type(evs, "territory_control")
    assert tc and tc[0].date["value"] is None


def test_city_anaphora_points_to_the_last_city_of_an_event(ex):
    text = ("سيطرت الفصائل على حماة مساء الأربعاء.\n\n"
            "وأطلقت الفصائل سراح مئات السجناء من السجن المركزي في المدينة.")
    rel = of_type(events(ex, text), "detainee_release")
    assert rel and rel[0].location["name"] == "حماة"
    assert rel[0].quantities and rel[0].quantities[0]["min"] == 100


def test_statement_alone_is_not_an_event(ex):
    evs = events(ex, "وقال المرصد السوري إن الوضع في مدينة حمص هادئ، وأكد أن الأسواق فتحت أبوابها.")
    assert evs == []


def test_operation_name_is_not_a_clash(ex):
    evs = events(ex, "ونشرت الفصائل صورا من معركة \"فجر الحرية\" قرب منبج، وتحدثت عن غرفة عمليات مشتركة في إدلب.")
    assert not of_type(evs, "armed_clash")


def test_zone_of_control_is_not_a_takeover(ex):
    evs = events(ex, "ونقلت الحافلات المدنيين إلى مناطق سيطرة المعارضة في إدلب.")
    assert not of_type(evs, "territory_control")


def test_trigger_without_place_or_actor_is_dropped(ex):
    assert events(ex, "وتحدث التقرير عن الاشتباكات بشكل عام.") == []


def test_withdrawal_destination_is_not_the_place(ex):
    evs = events(ex, "وانسحبت قوات النظام من حمص باتجاه طرطوس.")
    assert [e.location["name"] for e in of_type(evs, "withdrawal")] == ["حمص"]


def test_enumerated_clauses_keep_their_own_place_and_date(ex):
    text = "وكانت قوات النظام قد بدأت تهجير المقاتلين وعائلاتهم على مرحلتين، الأولى من حمص في أيار 2014، والثانية من الرستن في آذار 2017."
    dis = of_type(events(ex, text), "displacement")
    got = sorted((e.location["name"], e.date["value"]) for e in dis)
    assert got == [("الرستن", "2017-03"), ("حمص", "2014-05")]


def test_event_ids_are_stable(ex):
    text = "وسيطرت الفصائل على مدينة حمص."
    a = [e.id for e in events(ex, text)]
    b = [e.id for e in events(ex, text)]
    assert a == b and len(set(a)) == len(a)


def test_unresolved_place_keeps_its_text_and_a_reason():
    from rasd.document import Span
    from tests.extract.events_fakes import FakeActors, doc as mkdoc
    from rasd.extract.events import EventExtractor

    class Unresolved:
        def find(self, text):
            i = text.index("تل الصوان")
            return [Span(i, i + 9, "PLACE", {"place_id": None, "name": None, "text": "تل الصوان",
                                             "unresolved_reason": "not_in_gazetteer"})]
    ex2 = EventExtractor(places=Unresolved(), actors=FakeActors(), dates=lambda t, a: [],
                         quantities=lambda t: [], infer_date=None)
    _, evs = ex2.extract(mkdoc("وسيطرت الفصائل على تل الصوان."))
    assert evs[0].location["text"] == "تل الصوان" and evs[0].location["unresolved_reason"]


def test_every_location_has_coordinates_and_governorate_or_a_reason():
    from rasd.document import Document, Origin
    from rasd.extract.events import EventExtractor

    text = ("قصفت الطائرات الإسرائيلية مواقع في سوريا فجر اليوم، فيما شنت غارات على جنوب لبنان. "
            "وسيطرت فصائل المعارضة على مدينة سراقب في ريف إدلب.")
    doc = Document(id="loc", text=text, origin=Origin(), published="2024-12-03", published_source="metadata",
                   cleaned=True)
    _, evs = EventExtractor().extract(doc)
    locs = [e.location for e in evs if e.location]
    assert locs
    for loc in locs:
        assert (loc["lat"] is not None and loc["admin1"]) or loc.get("unresolved_reason"), loc
