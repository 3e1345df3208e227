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
    ("وجاءت الأنباء التي نفتها الجريدة بينما تتعرض المواقع لهجمات", "لهجمات", False),
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
    text = "استهدفت صواريخ قاعدة في حمص أطلقت من الصحراء بين بلدتي الرستن وتلبيسة"
    n = make_view(text).norm
    spans = [NSpan(*_at(n, w), "PLACE", {}) for w in ("حمص", "الرستن", "تلبيسة")]
    got = launch_places(n, spans, load_event_lexicon().place_list_gap)
    assert got == {spans[1].start, spans[2].start}


def test_strike_is_located_at_its_target_not_its_launch_point(ex):
    evs = events(ex, "وقصفت الفصائل مواقع قوات النظام في حمص بصواريخ انطلقت من محيط الرستن.")
    assert {e.location["name"] for e in evs if e.type == "shelling"} == {"حمص"}


def test_launch_point_alone_does_not_locate_a_strike(ex):
    evs = events(ex, "وقصفت الفصائل القاعدة بصواريخ أطلقت من الصحراء بين بلدتي الرستن وتلبيسة.")
    assert not [e for e in evs if e.type == "shelling" and e.location
                and e.location["name"] in ("الرستن", "تلبيسة")]


def test_an_act_carried_out_from_a_place_was_launched_there(ex):
    text = "قتل جنديان في اعتداء نُفّذ من الجولان على مواقع للجيش في ريف درعا."
    n = make_view(text).norm
    spans = [NSpan(*_at(n, w), "PLACE", {}) for w in ("الجولان", "درعا")]
    assert launch_places(n, spans, load_event_lexicon().place_list_gap) == {spans[0].start}
    # "شنت من قبل": by whom, not from where
    text = "وشنت من قبل طائرات التحالف غارات على مدينة إدلب"
    n = make_view(text).norm
    assert not launch_places(n, [NSpan(*_at(n, "إدلب"), "PLACE", {})], load_event_lexicon().place_list_gap)


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


# -- motives and backdrops ------------------------------------------------------------------------

def _motives(text: str) -> list[str]:
    from rasd.extract.events_scope import motive_spans
    n = make_view(text).norm
    trig = load_event_lexicon().combined
    triggers = [(m.start(), m.end(), n[m.start():m.end()].startswith(("قصفت", "هاجمت"))) for m in trig.finditer(n)]
    return [n[s.start:s.end] for s in motive_spans(n, [(0, len(n))], triggers)]


@pytest.mark.parametrize("text,inside,outside", [
    ("استهدفت الفصائل الحاجز ردا على المجازر في القرى", "المجازر", None),
    ("أطلقت المجموعة الصواريخ نصرة لأهالي البلدة وتضامنا مع المحاصرين", "لاهالي", None),
    ("قصفت الطائرات الأحياء وسط استمرار الغارات على الريف", "الغارات", None),
    # the reply itself, written with ب after the motive's own trigger, is not the motive
    ("جرى الرد على قصف الحواجز بقصف مواقع الجيش", "قصف الحواجز", "بقصف مواقع"),
    # a finite verb trigger after the motive starts the main clause
    ("ردا على الهجوم قصفت المدفعية القرى", "الهجوم", "قصفت"),
])
def test_motive_complements(text, inside, outside):
    spans = _motives(text)
    assert any(make_view(inside).norm in s for s in spans)
    if outside:
        assert not any(make_view(outside).norm in s for s in spans)


def test_a_motive_is_not_an_event_and_its_place_is_not_the_event_place(ex):
    evs = events(ex, "قصفت الفصائل مواقع قوات النظام في حمص فجر اليوم ردا على المجازر في إدلب.")
    assert not [e for e in evs if e.type == "attack_on_civilians"]
    assert [e.location["name"] for e in evs if e.type == "shelling"] == ["حمص"]
    assert not [e for e in evs if e.location and e.location.get("name") == "إدلب"]


def test_the_reply_after_the_motive_is_kept(ex):
    evs = events(ex, "وجرى الرد على قصف الحواجز بقصف مواقع قوات النظام في حماة.")
    assert [e for e in evs if e.type == "shelling" and e.location and e.location["name"] == "حماة"]


# -- demands, refusals, negation ------------------------------------------------------------------

def unreal(text: str, trigger: str) -> bool:
    from rasd.extract.events_scope import is_unrealised
    n = make_view(text).norm
    return is_unrealised(n, (0, len(n)), _at(n, trigger), load_scope_lexicon(), load_event_lexicon().clause_openers)


@pytest.mark.parametrize("text,trigger,want", [
    ("طالبت الحكومة بانسحاب القوات الأجنبية من أراضيها", "بانسحاب", True),
    ("دعا المجلس إلى وقف القصف على الأحياء", "القصف", True),
    ("رفض النواب، خلال جلسة تصويت على مشروع قدمه أحدهم، انسحاب الجنود من البلاد", "انسحاب", True),
    ("لم تنسحب الوحدات من التلة حتى مساء أمس", "تنسحب", True),
    ("لم تشهد المدينة أي اشتباكات خلال الليل", "اشتباكات", True),
    ("انتهى اليوم من دون وقوع اشتباكات", "اشتباكات", True),
    # a known event named in a demand is referred to, not demanded
    ("طالب الأهالي بمحاسبة مرتكبي المجزرة", "المجزرة", False),
    # a new clause after the demand reports what happened
    ("طالبت الحكومة بالتهدئة، لكن الفصائل هاجمت الحاجز", "هاجمت", False),
    ("انسحبت القوات من التلة فجر اليوم", "انسحبت", False),
])
def test_unrealised_triggers(text, trigger, want):
    assert unreal(text, trigger) is want


def test_demanded_refused_and_negated_events_are_not_emitted(ex):
    for text in ("طالبت الحكومة بانسحاب قوات النظام من حمص.",
                 "رفضت الفصائل الانسحاب من حمص.",
                 "لم تشهد حمص أي اشتباكات خلال الليل."):
        assert not events(ex, text), text
    assert [e for e in events(ex, "انسحبت قوات النظام من حمص.") if e.type == "withdrawal"]


# -- trigger senses ---------------------------------------------------------------------------------

def test_facing_consequences_is_not_a_clash(ex):
    assert not [e for e in events(ex, "وصلت إلى طرطوس سفينة تحمل مساعدات لدعم جهود مواجهة تداعيات الفيضانات.")
                if e.type == "armed_clash"]
    assert [e for e in events(ex, "اندلعت مواجهات عنيفة بين قوات النظام والفصائل في درعا.") if e.type == "armed_clash"]


@pytest.mark.parametrize("text", [
    "أعلنت الوزارة دخول قافلة مساعدات إلى درعا.",
    "وصلت قافلة من 30 شاحنة، دخلت إلى درعا صباح اليوم.",
])
def test_aid_entering_is_not_territory_control(ex, text):
    assert not [e for e in events(ex, text) if e.type == "territory_control"]


def test_forces_entering_a_town_is_territory_control(ex):
    assert [e for e in events(ex, "دخلت قوات النظام إلى درعا.") if e.type == "territory_control"]


def test_declaring_entry_into_the_battle_is_expected(ex):
    evs = [e for e in events(ex, "أعلنت الفصائل دخولها المعركة في حمص.") if e.type == "armed_clash"]
    assert evs and all(e.modality == "expected" for e in evs)


# -- governments --------------------------------------------------------------------------------------

def test_a_capital_that_speaks_is_not_the_event_place(ex):
    evs = [e for e in events(ex, "أكدت دمشق تعرض مواقع قوات النظام لقصف مدفعي.") if e.type == "shelling"]
    assert not [e for e in evs if e.location and e.location["name"] == "دمشق"]
    evs = [e for e in events(ex, "دمشق تدين القصف على المدنيين.") if e.type == "shelling"]
    assert not [e for e in evs if e.location and e.location["name"] == "دمشق"]
    evs = [e for e in events(ex, "قصفت الفصائل أحياء في دمشق.") if e.type == "shelling"]
    assert [e for e in evs if e.location and e.location["name"] == "دمشق"]


def test_government_places():
    from rasd.extract.events_scope import government_places
    for text, name, want in (("أعلنت دمشق رفضها", "دمشق", True), ("موسكو ترى أن الحل سياسي", "موسكو", True),
                             ("جاء ذلك عقب إعلان دمشق موقفها", "دمشق", True),
                             ("سقطت قذائف على دمشق", "دمشق", False), ("أعلنت حمص الحداد", "حمص", False),
                             # a country that leads, or sponsors, an armed actor names that state
                             ("غارات التحالف الذي تقوده واشنطن", "واشنطن", True),
                             ("قوات بقيادة موسكو", "موسكو", True), ("هاجم وكلاء طهران القاعدة", "طهران", True),
                             ("هاجمت الفصائل قيادة الشرطة في حمص", "حمص", False)):
        n = make_view(text).norm
        s, e = _at(n, name)
        assert bool(government_places(n, [NSpan(s, e, "PLACE", {"name": name})])) is want, text


# -- merging mentions of different days ---------------------------------------------------------------

def test_a_recall_two_days_earlier_is_not_merged_with_the_new_attack(ex):
    text = ("تعرضت مواقع قوات النظام في حمص لقصف صاروخي.\n\n"
            "وكان ناشطون أفادوا، يوم الأربعاء 4 كانون الأول، بأن قصفا استهدف المواقع نفسها.")
    shell = [e for e in events(ex, text) if e.type == "shelling"]
    assert sorted(e.date["value"] for e in shell) == ["2024-12-04", "2024-12-06"]


def test_a_recall_one_night_earlier_may_merge(ex):
    text = ("تعرضت مواقع قوات النظام في حمص لقصف صاروخي.\n\n"
            "وكان ناشطون أفادوا، ليل الخميس 5 كانون الأول، بأن قصفا استهدف المواقع نفسها.")
    shell = [e for e in events(ex, text) if e.type == "shelling"]
    assert len(shell) == 1 and len(shell[0].mentions) == 2
