"""Where the outlet comes from: signatures, bylines, datelines, the URL, prose, and other pages."""
from __future__ import annotations

from rasd.clean.lexicon import load_lexicon
from rasd.clean.outlet import byline_name, clean_name, outlet_from_field, spells_domain
from rasd.clean.pipeline import CleanStage, clean_document
from rasd.clean.sitestate import SiteState, page_facts
from rasd.document import Document, Origin, sha256_hex

LEX = load_lexicon()
P1 = "أعلنت مديرية الزراعة أنها وزعت بذار القمح على المزارعين في ريف المحافظة الجنوبي خلال الأسبوع الماضي."
P2 = "وقال مدير المديرية إن الكميات تكفي لزراعة نحو ثلاثة آلاف هكتار، وإن التوزيع سيستمر حتى نهاية الشهر."


def doc(text: str, url: str | None = None, **meta) -> Document:
    return Document(id=sha256_hex(text)[:12], text=text, raw_text=text,
                    origin=Origin(path="p.txt", url=url, raw_sha256=sha256_hex(text)), meta=meta)


def test_domain_skeleton_matches_transliterations_only() -> None:
    assert spells_domain("منارة حمص", "manarat-homs.example")
    assert spells_domain("صدى الساحل", "www.sada-alsahel.org")
    assert not spells_domain("جيش العشائر", "manarat-homs.example")
    assert not spells_domain("وادي العاصي", "wadi-alassi.example")  # skeleton "DLS": too short to tell
    assert not spells_domain("حلب", "hlb.example")            # too short to tell


def test_byline_sides() -> None:
    city, exclusive = byline_name("حمص - وادي العاصي", LEX), byline_name("وادي العاصي - خاص", LEX)
    assert city.name == exclusive.name == "وادي العاصي"
    assert exclusive.rank < city.rank          # "CITY - NAME" may name the reporter
    assert byline_name("قال المسؤول إن الطريق - كما يبدو - مغلق.", LEX) is None


def test_author_field_byline_and_desk() -> None:
    assert outlet_from_field("مراسلة وادي العاصي في حمص", LEX) == "وادي العاصي"
    assert outlet_from_field("فريق التحرير", LEX) is None
    assert clean_name("الصحافة المستقلة في سوريا", LEX) is None


def test_told_an_outlet_in_prose() -> None:
    text = f'{P1}\n\nوقال أحد المزارعين لـ"وادي العاصي" إن البذار وصل متأخراً.\n\n{P2}'
    assert clean_document(doc(text))[0].outlet == "وادي العاصي"


def test_quoted_faction_is_not_an_outlet() -> None:
    # a faction after "تابعة لـ" is no interview, and a quoted name spells no URL here
    text = f'{P1}\n\nوانتشرت مجموعة تابعة لـ"لواء الجبل" قرب المستودعات.\n\n{P2}'
    assert clean_document(doc(text))[0].outlet is None


def test_correspondent_glued_to_the_outlet_name() -> None:
    text = f"{P1}\n\nوأفادمراسلالوادي الأخضرفي حمص بأن التوزيع بدأ صباحاً.\n\n{P2}"
    assert clean_document(doc(text))[0].outlet == "الوادي الأخضر"


def test_common_word_outlet_name_is_not_matched_in_an_appeal() -> None:
    # "الأخبار" is an outlet's name and an ordinary word: the appeal names no outlet
    text = f"{P1}\n\n{P2}\n\nاشترك في نشرتنا ليصلك أهم الأخبار\n\nأدخل بريدك الإلكتروني"
    out = clean_document(doc(text))[0]
    assert out.outlet is None and "نشرتنا" not in out.text


def test_the_pre_pass_learns_the_outlet_of_a_host_from_its_other_pages() -> None:
    first = doc(f'{P1}\n\nبحسب ما علمت "منارة حمص".\n\n{P2}', url="https://manarat-homs.example/a/1")
    second = doc(f"{P2}\n\n{P1}", url="https://www.manarat-homs.example/economy/2", author="قسم الاقتصاد")
    assert clean_document(second)[0].outlet is None
    assert [d.outlet for d in CleanStage().run([first, second])] == ["منارة حمص", None]  # the stage learns nothing
    for order in ([first, second], [second, first]):   # the page naming it may come first or last
        state = SiteState.learn(page_facts(d) for d in order)
        assert state.outlets() == {"manarat-homs.example": "منارة حمص"}
        stage = CleanStage(site_outlets=state.outlets())
        assert [d.outlet for d in stage.run(order)] == ["منارة حمص", "منارة حمص"]
