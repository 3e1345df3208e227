"""Roundup detection by content: a long war report naming many places is one story; a newscast is not.

Our own Arabic sentences. Both pages carry events in nine places spread over several governorates,
so only how the paragraphs hold together tells them apart.
"""
from rasd.document import Document, Event, Origin
from rasd.link.stories import ROUNDUP, StoryIndex, StoryOptions, cohesion, doc_features, is_roundup

WAR_REPORT = "\n\n".join([
    "واصلت فصائل المعارضة المسلحة تقدمها في ريف حماة الشمالي وسيطرت على بلدة طيبة الإمام بعد اشتباكات عنيفة مع قوات النظام.",
    "وقالت مصادر ميدانية إن قوات النظام انسحبت من مواقعها في بلدة صوران باتجاه مدينة حماة تحت ضغط هجوم الفصائل المعارضة.",
    "وتابعت الفصائل المعارضة هجومها جنوبا نحو مدينة الرستن في ريف حمص الشمالي حيث انسحبت قوات النظام من حواجزها على الطريق الدولي.",
    "وفي بلدة تلبيسة المجاورة أعلنت الفصائل المعارضة السيطرة على مقرات قوات النظام ومستودعات الذخيرة بعد اشتباكات استمرت ساعات.",
    "وأكد قيادي في الفصائل المعارضة أن قوات النظام تنسحب بشكل متسارع من ريف حمص الشمالي وأن الهجوم مستمر باتجاه مدينة حمص.",
    "وفي الجنوب سيطرت فصائل المعارضة المحلية على معبر نصيب الحدودي مع الأردن بعد انسحاب قوات النظام من مدينة درعا وريفها.",
    "كما انسحبت قوات النظام من مواقعها في مدينة بصرى الشام وسيطرت الفصائل المعارضة على مقرات الأمن العسكري فيها.",
    "وشنت طائرات حربية غارات على مواقع الفصائل المعارضة قرب بلدة كفرنبودة في محاولة لإبطاء الهجوم على قوات النظام.",
    "ولم تعلق قوات النظام على انسحابها، فيما نشرت الفصائل المعارضة صورا لعناصرها داخل مقرات النظام في مدينة السويداء.",
])
NEWSCAST = "\n\n".join([
    "افتتح وزير الصحة مستشفى جديدا للأطفال في مدينة اللاذقية بكلفة تجاوزت مليار ليرة وبطاقة مئة وخمسين سريرا.",
    "وفي الاقتصاد ارتفع سعر صرف الدولار في أسواق دمشق إلى مستوى قياسي وسط شكاوى التجار من ركود حركة البيع.",
    "رياضيا فاز نادي الكرامة على نادي الاتحاد بهدفين نظيفين في مباراة الدوري الممتازة التي أقيمت على ملعب مدينة حمص.",
    "وعلى صعيد الطقس توقعت الأرصاد الجوية هطولات مطرية غزيرة على المناطق الساحلية وانخفاضا في درجات الحرارة.",
    "وأحرق متظاهرون إطارات أمام مبنى المحافظة في مدينة السويداء احتجاجا على انقطاع الكهرباء وغلاء المحروقات.",
    "وأعلنت مديرية الزراعة في إدلب بدء موسم قطاف الزيتون مع توقعات بإنتاج يفوق العام الماضي بنسبة الثلث.",
    "ثقافيا انطلق مهرجان للمسرح المدرسي في مدينة طرطوس بمشاركة عشرين فرقة من مختلف المحافظات السورية.",
    "وقتل شخصان بانفجار لغم أرضي من مخلفات الحرب أثناء رعيهما الأغنام في بادية دير الزور الشرقية.",
    "وفي الختام أعلنت وزارة التربية مواعيد امتحانات الشهادة الثانوية التي تبدأ مطلع حزيران المقبل في مدينة الرقة.",
])
# (place id, governorate) per event: nine places over four or more governorates, no governorate >= 50%.
WAR_PLACES = [("tayyibat-imam", "hama"), ("souran", "hama"), ("rastan", "homs"), ("talbiseh", "homs"),
              ("homs", "homs"), ("nasib", "daraa"), ("busra", "daraa"), ("kafr-nabuda", "hama"),
              ("suwayda", "suwayda")]
NEWS_PLACES = [("latakia", "latakia"), ("damascus", "damascus"), ("homs", "homs"), ("tartus", "tartus"),
               ("suwayda", "suwayda"), ("idlib", "idlib"), ("tartus-city", "tartus"), ("deir", "deir"),
               ("raqqa", "raqqa")]


def _doc(doc_id: str, title: str, text: str, places, type_: str) -> Document:
    events = tuple(
        Event(id=f"{doc_id}-{i}", type=type_, doc_id=doc_id,
              location={"place_id": f"t-{p}", "name": p, "admin1": f"gov-{g}", "precision": "town"},
              mentions=({"doc_id": doc_id, "start": 100 * i, "end": 100 * i + 10, "text": p},))
        for i, (p, g) in enumerate(places))
    return Document(id=doc_id, text=text, origin=Origin(path=f"{doc_id}.txt"), title=title,
                    published="2024-12-06", events=events)


def test_a_long_war_report_naming_many_places_is_not_a_roundup():
    doc = _doc("war", "الفصائل المعارضة تتقدم في ريفي حماة وحمص وتسيطر على معبر نصيب",
               WAR_REPORT, WAR_PLACES, "territory_control")
    assert cohesion(doc.text, doc.title) >= StoryOptions().roundup_cohesion
    assert not is_roundup(doc)
    assert ROUNDUP not in doc_features(doc)


def test_a_newscast_of_unrelated_items_is_a_roundup_even_without_a_bulletin_title():
    doc = _doc("news", "مستشفى جديد في اللاذقية وارتفاع الدولار", NEWSCAST, NEWS_PLACES, "protest")
    assert cohesion(doc.text, doc.title) < StoryOptions().roundup_cohesion
    assert is_roundup(doc)
    assert ROUNDUP in doc_features(doc)


def test_a_report_focused_on_one_governorate_is_not_a_roundup_whatever_its_paragraphs():
    focused = [(p, "homs") for p, _ in NEWS_PLACES]
    assert not is_roundup(_doc("local", "قرى ريف حمص", NEWSCAST, focused, "protest"))


def test_few_places_never_make_a_roundup_by_content():
    assert not is_roundup(_doc("short", "أخبار متفرقة", NEWSCAST, NEWS_PLACES[:3], "protest"))


def _background(idx, n=30):
    for i in range(n):
        idx.add(f"bg{i}", {f"p:place{i}": 2.0, f"a:actor{i}": 1.0, "a:gov": 1.0}, "2024-12-01")


# Two long reports of one advance: most features differ (each covers more), so their cosine is low.
REPORT_A = {"e:territory_control:t-homs": 2.0, "s:territory_control:t-homs": 2.0, "e:withdrawal:t-homs": 2.0,
            "s:withdrawal:t-homs": 2.0, "e:territory_control:gov-daraa": 1.0, "a:spokesman_x": 2.0,
            "a:ops_room_y": 2.0, **{f"p:a-only{i}": 1.0 for i in range(12)}}
REPORT_B = {"e:withdrawal:t-homs": 1.0, "s:withdrawal:t-homs": 1.0, "e:territory_control:gov-daraa": 2.0,
            "a:spokesman_x": 1.0, "a:ops_room_y": 1.0, **{f"p:b-only{i}": 1.0 for i in range(12)}}


def test_two_long_reports_sharing_several_happenings_and_rare_names_are_one_story():
    idx = StoryIndex()
    _background(idx)
    idx.add("a", REPORT_A, "2024-12-08")
    story, _, matched, _ = idx.add("b", REPORT_B, "2024-12-08")
    assert story == "st_a" and matched == "a"


def test_one_shared_happening_is_not_enough_for_a_long_report():
    idx = StoryIndex()
    _background(idx)
    idx.add("a", REPORT_A, "2024-12-08")
    one = {k: v for k, v in REPORT_B.items() if "daraa" not in k}
    assert idx.add("b", one, "2024-12-08")[0] == "st_b"


def test_shared_happenings_on_conflicting_stated_days_do_not_corroborate():
    idx = StoryIndex()
    _background(idx)
    idx.add("a", {**REPORT_A, "d:withdrawal:t-homs:2024-12-01": 2.0}, "2024-12-03")
    later = {**REPORT_B, "d:withdrawal:t-homs:2024-12-05": 1.0}
    assert idx.add("b", later, "2024-12-05")[0] == "st_b"


def test_a_roundup_never_joins_by_corroboration():
    idx = StoryIndex()
    _background(idx)
    idx.add("a", REPORT_A, "2024-12-08")
    assert idx.add("b", {**REPORT_B, ROUNDUP: 1.0}, "2024-12-08")[0] == "st_b"
