"""One test per detector behaviour, on short pages we wrote ourselves."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from rasd.clean.normalize import normalize_key
from rasd.clean.pipeline import CleanOptions, CleanStage, clean_document, learn_site_boilerplate, load_lexicon
from rasd.document import Document, Origin, Quarantined, make_doc_id, sha256_hex

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "clean"
P1 = "أعلنت البلدية أنها أنهت صيانة شبكة المياه في الحي الشرقي بعد أسبوعين من العمل المتواصل."
P2 = "وقال مسؤول في البلدية إن الضخ سيعود إلى طبيعته اعتبارًا من صباح الغد في جميع الأحياء."
P3 = "وكانت الأعطال قد تسببت في انقطاع المياه عن آلاف المنازل خلال موجة الحر الأخيرة."


def doc(text: str, **kw) -> Document:
    meta = kw.pop("meta", {})
    return Document(id="d1", text=text, raw_text=text, origin=Origin(path="p.txt", raw_sha256=sha256_hex(text)),
                    meta=meta, **kw)


def reasons(d: Document) -> dict[str, str]:
    return {r.text: r.reason for r in d.removed}


def fixture(name: str) -> str:
    return yaml.safe_load((FIXTURES / f"{name}.yaml").read_text("utf-8"))["text"]


def test_glued_headline_run_is_navigation() -> None:
    out = clean_document(doc(fixture("glued_navigation")))[0]
    nav = [r for r in out.removed if r.reason == "navigation"]
    assert len(nav) == 1 and "وزير المالية" in nav[0].text


def test_long_paragraph_with_glued_link_text_is_not_navigation() -> None:
    # scraped link text glued to its neighbours, but the line is prose with commas and a stop
    line = ("وقالت المصادر لقناةالميادين إن الاجتماع، الذي عقد في العاصمة، تناول ملفات عدة، "
            "منها عودة اللاجئين وإعادة الإعمار والتعاون الاقتصادي بين البلدين، وفتح المعابر الحدودية.")
    out = clean_document(doc(f"{line}\n\n{P1}"))[0]
    assert line.replace("لقناةالميادين", "لقناة الميادين") in out.text   # kept, the glued link split
    assert not out.removed


def test_caption_with_agency_credit_and_its_duplicate() -> None:
    cap = "رجال الإطفاء يخمدون حريقًا في سوق المدينة (الأناضول)"
    out = clean_document(doc(f"{P1}\n\n{cap}\n\ncamera icon{cap}\n\n{P2}"))[0]
    assert cap not in out.text and P1 in out.text and P2 in out.text
    assert sum(r.reason == "caption" for r in out.removed) == 2


def test_parenthesis_at_end_of_sentence_is_not_a_caption() -> None:
    line = "وتقع المنطقة بين محافظتين ساحليتين (طرطوس واللاذقية)"
    out = clean_document(doc(f"{P1}\n\n{line}\n\n{P2}"))[0]
    assert line in out.text


def test_ui_strings_are_removed() -> None:
    page = f"{P1}\n\ntag icon ع ع ع\n\n{P2}\n\nشارك\n\nزر العودة إلى الأعلى\n\n×"
    out = clean_document(doc(page))[0]
    assert out.text == f"{P1}\n\n{P2}"
    assert set(reasons(out).values()) == {"ui"}


def test_ad_markers_are_removed() -> None:
    out = clean_document(doc(f"[ad_1]\n\n{P1}\n\nإعلان\n\n{P2}\n\nAdvertisement\n\n[ad_2]"))[0]
    assert out.text == f"{P1}\n\n{P2}"
    assert set(reasons(out).values()) == {"ad_marker"}


def test_donation_block_goes_and_names_the_outlet() -> None:
    out = clean_document(doc(fixture("captions_ui_appeal")))[0]
    appeal = [r.text for r in out.removed if r.reason == "donation_appeal"]
    assert "ادعم عنب بلدي" in appeal and len(appeal) >= 3
    assert out.outlet == "عنب بلدي"


def test_subscription_appeal() -> None:
    out = clean_document(doc(f"{P1}\n\n{P2}\n\nاشترك في نشرتنا البريدية\n\nأدخل بريدك الإلكتروني"))[0]
    assert out.text == f"{P1}\n\n{P2}"
    assert "subscription_appeal" in reasons(out).values()


def test_short_last_sentence_before_appeal_is_kept() -> None:
    last = "ولم تعلن أي جهة مسؤوليتها."
    out = clean_document(doc(f"{P1}\n\n{last}\n\nادعم صحافتنا المستقلة\n\nاضغط هنا للتبرع"))[0]
    assert last in out.text and "ادعم" not in out.text


def test_agency_credit_and_source_line_give_outlet() -> None:
    out = clean_document(doc(f"{P1}\n\n{P2}\n\nالمصدر: الجزيرة + وكالات"))[0]
    assert out.outlet == "الجزيرة" and "المصدر" not in out.text
    out = clean_document(doc(f"{P1}\n\n{P2}\n\nساهمت الوكالات في إعداد هذا الخبر\n\nالمصدر"))[0]
    assert out.text == f"{P1}\n\n{P2}" and out.outlet is None


def test_url_domain_gives_outlet() -> None:
    d = Document(id="x", text=P1, raw_text=P1, origin=Origin(url="https://www.enabbaladi.net/12345/x/"))
    assert clean_document(d)[0].outlet == "عنب بلدي"


def test_keyword_list_head_and_tag_run() -> None:
    cloud = " ".join(["سياسة", "اقتصاد", "سوريا", "رياضة"] * 8)
    out = clean_document(doc(f"{P1}\n\n{P2}\n\nالوسوم: حلب مياه بلدية\n\n{cloud}"))[0]
    assert out.text == f"{P1}\n\n{P2}"
    assert list(reasons(out).values()).count("keyword_list") == 2


def test_related_articles_heading_and_bullets() -> None:
    page = f"{P1}\n\n{P2}\n\nأخبار ذات صلة\n\n• عنوان خبر أول عن الطقس\n• عنوان خبر ثان عن الأسعار"
    out = clean_document(doc(page))[0]
    assert out.text == f"{P1}\n\n{P2}"
    assert set(reasons(out).values()) == {"related_articles"}


def test_read_also_with_inline_headline() -> None:
    out = clean_document(doc(f"{P1}\n\nاقرأ أيضًا: عنوان مقال آخر عن المدارس\n\n{P2}"))[0]
    assert out.text == f"{P1}\n\n{P2}"


def test_read_also_without_end_signal_does_not_split() -> None:
    parts = clean_document(doc(fixture("read_also_inline")))
    assert len(parts) == 1 and "ويأمل الأهالي" in parts[0].text


def test_appended_article_is_split_into_part_one() -> None:
    d = doc(fixture("appended_article"))
    parts = clean_document(d)
    assert len(parts) == 2
    p0, p1 = parts
    assert p1.origin.part == 1 and p0.origin.part == 0
    assert p1.id == make_doc_id(d.origin.source_key(), d.origin.raw_sha256, 1) != p0.id
    assert p1.title == "افتتاح معرض للكتاب في مدينة حمص بمشاركة واسعة"
    assert "ويأمل القائمون" in p1.text and "ويأمل القائمون" not in p0.text
    app = [r for r in p0.removed if r.reason == "appended_article"]
    assert len(app) == 1 and p1.text.split("\n\n")[0] in app[0].text


def test_repeated_title_is_removed() -> None:
    title = "البلدية تنهي صيانة شبكة المياه"
    out = clean_document(doc(f"{title}\n\n{title}\n\n{P1}\n\n{P2}"))[0]
    assert out.title == title and out.text == f"{P1}\n\n{P2}"
    assert "repeated_title" in reasons(out).values()


def test_title_from_metadata_is_kept_and_its_repeat_removed() -> None:
    title = "البلدية تنهي صيانة شبكة المياه"
    out = clean_document(doc(f"{title}\n{P1}\n{P2}", title=title))[0]
    assert out.title == title and out.text == f"{P1}\n\n{P2}"


def test_kicker_and_title() -> None:
    out = clean_document(doc(f"بعد أسابيع من الانقطاع..\n\nالمياه تعود إلى الحي الشرقي\n\n{P1}\n\n{P2}"))[0]
    assert out.kicker == "بعد أسابيع من الانقطاع.." and out.title == "المياه تعود إلى الحي الشرقي"


def test_page_opening_with_a_paragraph_has_no_title() -> None:
    out = clean_document(doc(f"{P1}\n\n{P2}\n\n{P3}"))[0]
    assert out.title is None and out.text.startswith(P1)


def test_subheadings_stay_in_body() -> None:
    out = clean_document(doc(f"{P1}\n\nعودة الضخ\n\n{P2}"))[0]
    assert "عودة الضخ" in out.text.split("\n\n")


def test_repeated_summary_without_description_first_equals_last() -> None:
    out = clean_document(doc(f"{P1}\n{P2}\n{P3}\n{P1}"))[0]
    assert out.text.split("\n\n") == [P1, P2, P3]
    assert "repeated_summary" in reasons(out).values()


def test_multiline_description_repeat_kept_once() -> None:
    desc = f"{P1}\n{P2}"
    out = clean_document(doc(f"{P1}\n{P2}\n{P3}\n{P1}\n{P2}", meta={"description": desc}))[0]
    assert out.text.split("\n\n") == [P1, P2, P3]


def test_social_posts_are_lifted_with_author_handle_and_date() -> None:
    out = clean_document(doc(fixture("social_embeds")))[0]
    posts = out.social_posts
    assert [p.handle for p in posts] == ["sahel_news", "samer_h", "coast_reporter"]
    assert posts[0].date == "2023-03-03" and posts[0].author == "شبكة أخبار الساحل"
    assert posts[0].url == "https://pic.twitter.com/AbCdEf1234"
    assert "الشحنة تكفي لشهر كامل" in posts[1].text       # the multi-line post glued after the first
    assert posts[2].text.startswith("#اللاذقية")            # the hashtag line before it
    assert "وتعمل في المستشفى كوادر من ثلاث محافظات." in out.text  # body glued after the date


def test_header_field_from_reader_offset() -> None:
    text = "date 2024-02-01\n" + P1
    out = clean_document(doc(text, meta={"header_end": len("date 2024-02-01\n")}))[0]
    assert out.text == P1 and out.published == "2024-02-01" and out.published_source == "metadata"


def test_reader_date_and_outlet_are_kept() -> None:
    out = clean_document(doc(f"اليوم 3 آذار 2023\n\n{P1}", published="2023-03-02", published_source="metadata",
                             outlet="الميادين"))[0]
    assert (out.published, out.published_source, out.outlet) == ("2023-03-02", "metadata", "الميادين")


def test_date_needs_an_anchor_and_takes_year_from_page() -> None:
    unanchored = clean_document(doc(f"{P1}\n\nوبدأت الأعمال في 12 تشرين الأول الماضي.\n\n{P2}"))[0]
    assert unanchored.published is None
    page = f"صورة للحي - تشرين الأول 2022 (مراسل المدينة)\n\n{P1}\n\nوانتهت الأعمال صباح الأربعاء 12 من تشرين الأول.\n\n{P2}"
    out = clean_document(doc(page))[0]
    assert (out.published, out.published_source) == ("2022-10-12", "text")


def test_weekday_must_agree_with_the_year() -> None:
    # 12 October 2022 was a Wednesday, not a Monday: no year on the page fits
    page = f"صورة للحي - تشرين الأول 2022 (مراسل المدينة)\n\n{P1}\n\nوانتهت الأعمال صباح الاثنين 12 من تشرين الأول.\n\n{P2}"
    assert clean_document(doc(page))[0].published is None


def test_site_boilerplate_is_learnt_and_removed() -> None:
    footer = "جميع الحقوق محفوظة لموقعنا"
    pages = [("موقع المثال", f"خبر رقم {i} عن موضوع مختلف.\n{footer}") for i in range(10)]
    pages.append(("موقع المثال", "جملة تتكرر مرتين فقط في الموقع."))
    pages.append(("موقع المثال", "جملة تتكرر مرتين فقط في الموقع."))
    site = learn_site_boilerplate(pages, min_docs=5, min_share=0.2)
    assert site == {"موقع المثال": frozenset({normalize_key(footer)})}
    d = doc(f"{P1}\n\n{footer}", outlet="موقع المثال")
    out = clean_document(d, site_boilerplate=site)[0]
    assert out.text == P1 and "site_boilerplate" in reasons(out).values()


def test_user_lexicon_folder_adds_patterns(tmp_path: Path) -> None:
    (tmp_path / "mysite.yaml").write_text("ui_lines:\n  - '^حمل تطبيقنا الآن$'\n", encoding="utf-8")
    page = f"{P1}\n\nحمل تطبيقنا الآن\n\n{P2}"
    assert "حمل تطبيقنا" in clean_document(doc(page))[0].text
    opts = CleanOptions(lexicon_dirs=(str(tmp_path),))
    assert clean_document(doc(page), opts)[0].text == f"{P1}\n\n{P2}"


def test_unknown_lexicon_section_raises(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("no_such_section: [x]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown lexicon sections"):
        load_lexicon((str(tmp_path),))


def test_stage_quarantines_an_all_boilerplate_page_and_counts() -> None:
    stage = CleanStage()
    out = list(stage.run([doc("[ad_1]\n\nزر الذهاب إلى الأعلى"), doc(f"{P1}\n\n{P2}")]))
    assert isinstance(out[0], Quarantined) and out[0].reason == "empty_after_clean" and out[0].stage == "clean"
    assert isinstance(out[1], Document) and out[1].cleaned
    c = stage.counters.as_dict()
    assert c["seen"] == 2 and c["kept"] == 1 and c["quarantined.empty_after_clean"] == 1


def test_stage_yields_split_parts_after_the_page() -> None:
    out = list(CleanStage().run([doc(fixture("appended_article"))]))
    assert [d.origin.part for d in out] == [0, 1]


def test_ui_message_needs_an_interface_object() -> None:
    kept = "تم إرسال تعزيزات إلى أطراف المدينة."
    page = f"{P1}\n\n{kept}\n\nلم يتم حفظ بياناتك، أعد المحاولة.\n\n{P2}\n\nمشاركة عبر واتساب"
    out = clean_document(doc(page))[0]
    assert out.text == f"{P1}\n\n{kept}\n\n{P2}"
    assert set(reasons(out).values()) == {"ui"}


def test_menu_block_takes_every_item_of_the_run() -> None:
    out = clean_document(doc(fixture("menu_block_byline")))[0]
    nav = [r.text for r in out.removed if r.reason == "navigation"]
    assert nav == ["الرئيسية", "محليات", "ريف حلب", "تقارير", "اتصل بنا"]


def test_a_title_without_section_names_is_not_a_menu() -> None:
    title = "وزير الزراعة يفتتح معرض المنتجات الريفية"
    out = clean_document(doc(f"{title}\n\n{P1}\n\n{P2}"))[0]
    assert out.title == title


def test_published_line_removed_as_ui_still_gives_the_date() -> None:
    out = clean_document(doc(f"مديرية الزراعة توزع البذار\n\nنُشر في: 3 آذار 2023\n\n{P1}\n\n{P2}"))[0]
    assert (out.published, out.published_source) == ("2023-03-03", "text")
    assert "نُشر" not in out.text


def test_caption_with_unknown_credit_needs_a_caption_shape() -> None:
    cap = "عمال يفرغون أكياس البذار في مستودع المديرية - آذار 2023 (وادي العاصي)"
    sentence = "ووزعت الكميات على ثلاث مناطق (الحولة وتلكلخ)"
    years = "وتراجعت المساحات المزروعة بين 2011 - 2013 (سنوات الجفاف)"
    pair = "ووزعت على محافظتين (حمص/حماة)"
    out = clean_document(doc(f"{P1}\n\n{cap}\n\n{sentence}\n\n{years}\n\n{pair}\n\n{P2}"))[0]
    assert cap not in out.text and sentence in out.text and years in out.text and pair in out.text


def test_wire_dateline_gives_date_and_agency_but_a_prose_parenthesis_does_not() -> None:
    wire = "القاهرة 12 أيار 2023 (رويترز) - قال مسؤولون في وزارة الري إن منسوب النهر بدأ يرتفع بعد أسبوعين من الجفاف."
    out = clean_document(doc(f"{wire}\n\n{P2}"))[0]
    assert (out.published, out.outlet) == ("2023-05-12", "رويترز")
    prose = "أعلنت قوات سوريا الديمقراطية (قسد) - في بيان مساء اليوم - أنها أنهت حملة التفتيش في ريف الرقة الشرقي."
    out = clean_document(doc(f"{prose}\n\n{P2}"))[0]
    assert out.outlet is None and out.published is None
