"""Scope of denials, outlet names that are places, launch points and aggregate statements.

Our own sentences, one behaviour each (rules in data/events/scope.yaml).
"""
from __future__ import annotations

import pytest

from rasd.extract.attribution import NSpan
from rasd.extract.events_lexicon import load_event_lexicon
from rasd.extract.events_scope import (
    denial_governs, is_aggregate, is_outlet_place, launch_places, load_scope_lexicon,
)
from rasd.extract.textview import make_view
from tests.extract.events_fakes import doc, make_extractor


@pytest.fixture(scope="module")
def ex():
    return make_extractor()


def events(ex, text):
    return ex.extract(doc(text))[1]


def _at(norm: str, word: str) -> tuple[int, int]:
    w = make_view(word).norm
    i = norm.index(w)
    return i, i + len(w)


def governs(text: str, trigger: str) -> bool:
    lex = load_event_lexicon()
    n = make_view(text).norm
    return denial_governs(n, (0, len(n)), _at(n, trigger), dict(lex.modality)["denied"],
                          load_scope_lexicon(), lex.clause_openers)


@pytest.mark.parametrize("text,trigger,want", [
    # the cue governs what follows it in its clause
    ("نفت وزارة الدفاع أن تكون طائراتها قد قصفت السوق الشعبي", "قصفت", True),
    ("نفى المصدر وقوع اشتباكات في المدينة", "اشتباكات", True),
    ("نفت الوزارة، في بيان، انسحاب القوات من البلدة", "انسحاب", True),
    # ... or what comes before a cue that points back
    ("انسحبت القوات من التلة ثم نفى الجيش ذلك", "انسحبت", True),
    ("أعلن ناشطون انسحاب القوات من البلدة، وهو ما نفته الوزارة لاحقا", "انسحاب", True),
    ("تقارير أولية تفيد بأن القوات انسحبت من المدينة، لكن الوكالة الرسمية نفتها", "انسحبت", True),
    # a new clause with its own subject ends the scope; a cue after the trigger governs nothing
    ("قوات المجلس تدفع بتعزيزات إلى منطقة الحويقة وسط نزوح الأهالي، وقيادة الفصائل تنفي أي دور لها في مجزرة القرية",
     "بتعزيزات", False),
    ("قوات المجلس تدفع بتعزيزات إلى منطقة الحويقة وسط نزوح الأهالي، وقيادة الفصائل تنفي أي دور لها في مجزرة القرية",
     "نزوح", False),
    ("نفت الوزارة ما تردد عن انسحاب القوات، مؤكدة أن الجيش سيطر على التلة", "سيطر", False),
    ("تأتي هذه التقارير التي نفتها الصحيفة في وقت تتعرض فيه القواعد لهجمات", "لهجمات", False),
    ("نفت الوزارة انسحاب الكتيبة، حيث بدأ قصف القرى المجاورة", "قصف", False),
    # a role, a casualty or a claim about a known event is denied, not the event
    ("وقيادة الفصائل تنفي أي دور لها في مجزرة القرية", "مجزرة", False),
    ("نفت مصادر محلية مقتل أي مقاتل في الغارة التي استهدفت المستودع", "الغارة", False),
    ("تكشف الصور من مكان الغارات على المزارع كذب ادعاءات الجيش بأن الغارات أصابت مخازن", "الغارات", False),
    ("تكشف الصور كذب ادعاءات الجيش بأن الغارات أصابت مخازن", "الغارات", False),
    # a negated cue is no denial
    ("لم تنف الوزارة انسحاب القوات من البلدة", "انسحاب", False),
])
def test_denial_scope(text, trigger, want):
    assert governs(text, trigger) is want


def test_denial_of_another_event_leaves_the_event_and_its_source_alone(ex):
    text = "تدفع قوات النظام بتعزيزات إلى حمص وسط نزوح الأهالي، وسانا تنفي أي دور للجيش في مجزرة الرستن."
    rein = [e for e in events(ex, text) if e.type == "reinforcement"]
    assert rein and rein[0].modality == "asserted"
    assert not any(a.get("source_id") == "sana" for a in rein[0].attribution)


def test_back_reference_denial_is_kept(ex):
    evs = events(ex, "أفاد ناشطون بأن قوات النظام انسحبت من حمص، لكن سانا نفتها.")
    wd = [e for e in evs if e.type == "withdrawal"]
    assert wd and wd[0].modality == "denied"


# -- outlets ---------------------------------------------------------------------------------

def _outlet(text: str, name: str, media_text: str | None = None) -> bool:
    n = make_view(text).norm
    p0, p1 = _at(n, name)
    m0, m1 = _at(n, media_text) if media_text else (p0, p1)
    return is_outlet_place(n, NSpan(p0, p1, "PLACE", {}), [NSpan(m0, m1, "SOURCE", {"kind": "media"})])


@pytest.mark.parametrize("text,want", [
    ("وقالت مصادر ميدانية للميادين إن القصف طال البلدة", True),
    ("وقال القيادي للميادين إن الهجوم فشل", True),
    ("وأفاد مراسل الميادين بأن الاشتباكات تجددت", True),
    ("ونقلت قناة الميادين عن مصدر أن الطريق قطع", True),
    ("وذكر موقع الميادين نت أن الطريق قطع", True),
    ("وأوضحت مصادر الميادين أن القافلة وصلت", True),
    ("سقطت قذائف في مدينة الميادين صباح اليوم", False),
    ("سقطت قذائف في الميادين صباح اليوم", False),
    ("وصلت تعزيزات من الميادين إلى البوكمال", False),
])
def test_outlet_name_is_not_the_town(text, want):
    # a finder may report "للميادين" (ل + the article's ل) with its clitic
    name = "للميادين" if "للميادين" in text else "الميادين"
    assert _outlet(text, name) is want


def test_place_inside_a_longer_outlet_name_is_the_outlet():
    assert _outlet("ونقلت صحيفة واشنطن بوست عن مسؤولين", "واشنطن", "واشنطن بوست") is True
    # a place cue keeps the town even when an outlet span runs over it
    assert _outlet("قصفت الطائرات مدينة الميادين السورية", "الميادين", "الميادين السورية") is False


def test_outlet_sources_do_not_locate_events(ex):
    evs = events(ex, "وكشفت مصادر للميادين أن قوات النظام قصفت حمص بالمدفعية.")
    assert [e.location["name"] for e in evs if e.type == "shelling"] == ["حمص"]
    evs = events(ex, "وقصفت قوات النظام مدينة الميادين بالمدفعية.")
    assert [e.location["name"] for e in evs if e.type == "shelling"] == ["الميادين"]


# -- launch points ---------------------------------------------------------------------------

def test_launch_places_and_the_list_after_them():
    text = "استهدفت صواريخ قاعدة في حمص أطلقت من البادية بين مدينتي الرستن وتلبيسة"
    n = make_view(text).norm
    spans = [NSpan(*_at(n, w), "PLACE", {}) for w in ("حمص", "الرستن", "تلبيسة")]
    got = launch_places(n, spans, load_event_lexicon().place_list_gap)
    assert got == {spans[1].start, spans[2].start}


def test_strike_is_located_at_its_target_not_its_launch_point(ex):
    evs = events(ex, "وقصفت الفصائل مواقع قوات النظام في حمص بصواريخ انطلقت من محيط الرستن.")
    assert {e.location["name"] for e in evs if e.type == "shelling"} == {"حمص"}


def test_launch_point_alone_does_not_locate_a_strike(ex):
    evs = events(ex, "وقصفت الفصائل القاعدة بصواريخ أطلقت من البادية بين مدينتي الرستن وتلبيسة.")
    assert not [e for e in evs if e.type == "shelling" and e.location
                and e.location["name"] in ("الرستن", "تلبيسة")]


def test_movement_towards_a_place_is_not_a_launch_point():
    text = "أطلقت القوات صواريخ باتجاه حمص"
    n = make_view(text).norm
    assert not launch_places(n, [NSpan(*_at(n, "حمص"), "PLACE", {})], load_event_lexicon().place_list_gap)


# -- aggregate statements ----------------------------------------------------------------------

@pytest.mark.parametrize("text,want", [
    ("تواصل الفصائل هجماتها على مواقع الجيش في ريف حمص", True),
    ("تعرضت القواعد لـ 15 هجوما على الأقل منذ مطلع الشهر", True),
    ("شنت الطائرات أكثر من 40 غارة خلال الأسبوع الماضي", True),
    ("استهدفت الفصائل المطار مرات عدة", True),
    ("قصفت المدفعية البلدة 3 مرات", True),
    ("ليرتفع عدد الاستهدافات إلى أربعة", True),
    ("شنت الطائرات 12 غارة على مواقع في محيط المدينة فجر اليوم", False),
    ("هاجمت الفصائل حاجزا للجيش للمرة الثانية", False),
    ("استمرت الاشتباكات حتى ساعات الفجر", False),
])
def test_aggregate_statements(text, want):
    n = make_view(text).norm
    assert is_aggregate(n, (0, len(n)), (0, len(n))) is want


def test_aggregate_mentions_are_flagged_and_kept_apart(ex):
    text = ("هاجمت الفصائل مواقع قوات النظام في حمص فجر اليوم.\n\n"
            "وتعرضت مواقع قوات النظام في حمص لـ 15 هجوما منذ بداية الشهر.")
    clashes = [e for e in events(ex, text) if e.type == "armed_clash"]
    assert sorted(bool(e.meta.get("aggregate")) for e in clashes) == [False, True]


def test_people_made_refugees_is_not_a_displacement(ex):
    assert not [e for e in events(ex, "وقال إن الحصار حول سكان حمص إلى لاجئين ونازحين.") if e.type == "displacement"]
    assert [e for e in events(ex, "وأدى القصف إلى نزوح مئات العائلات من حمص.") if e.type == "displacement"]
