"""Build stores for the web tests and the API benchmark from our OWN Arabic sentences.

`DEMO` is a handful of hand-written articles (one carries an XSS payload in its title, body,
actor and place); `fill_store(path)` writes them with their events, spans, removed pieces and
social posts; `fill_bulk(path, n)` writes n variants for load tests.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

from rasd.document import Document, Event, Origin, RawInput, Removed, SocialPost, Span, make_doc_id, sha256_hex
from rasd.store import open_store

XSS_TITLE = "<script>alert(1)</script> قصف على حلب"
XSS_BODY = "<img src=x onerror=alert(1)>"

#: name -> (canonical Arabic, English, governorate, lat, lon); facts, rounded.
PLACES = {
    "حماة": ("حماة", "Hama", "حماة", 35.13, 36.75),
    "تلبيسة": ("تلبيسة", "Talbiseh", "حمص", 34.84, 36.73),
    "إدلب": ("إدلب", "Idlib", "إدلب", 35.93, 36.63),
    "درعا": ("درعا", "Daraa", "درعا", 32.62, 36.10),
    "السويداء": ("السويداء", "As-Suwayda", "السويداء", 32.71, 36.57),
    "اللاذقية": ("اللاذقية", "Latakia", "اللاذقية", 35.52, 35.79),
    "الميادين": ("الميادين", "Al-Mayadin", "دير الزور", 35.02, 40.45),
    "حلب": ("حلب", "Aleppo", "حلب", 36.20, 37.16),
    "منبج": ("منبج", "Manbij", "حلب", 36.53, 37.95),
    "دوما": ("دوما", "Douma", "ريف دمشق", 33.57, 36.40),
}

ACTORS = {
    "المعارضة": ("sy-opposition", "فصائل المعارضة"),
    "النظام": ("sy-government-forces", "قوات النظام"),
    "روسيا": ("ru-airforce", "سلاح الجو الروسي"),
    "الأمن العام": ("sy-general-security", "الأمن العام"),
    "قسد": ("sdf", "قوات سوريا الديمقراطية"),
    "إسرائيل": ("il-airforce", "سلاح الجو الإسرائيلي"),
}


@dataclass
class Article:
    """One hand-written article and the events a reader finds in it."""

    key: str
    title: str
    body: str
    published: str
    outlet: str
    # (type, trigger phrase in body, place name, [(actor key, role)], date, modality, quantities, meta)
    events: list = field(default_factory=list)
    removed: tuple = ()
    social: tuple = ()


DEMO = [
    Article(
        "hama", "فصائل المعارضة تعلن السيطرة على مدينة حماة",
        "أعلنت فصائل المعارضة المسلحة صباح الخميس سيطرتها الكاملة على مدينة حماة بعد اشتباكات عنيفة مع قوات "
        "النظام استمرت ثلاثة أيام.\n\nوقال مصدر ميداني إن المقاتلين دخلوا الأحياء الشمالية للمدينة وسط انسحاب "
        "القوات الحكومية نحو الجنوب.",
        "2024-12-05", "شبكة الرصد",
        [("territory_control", "سيطرتها الكاملة على مدينة حماة", "حماة", [("المعارضة", "actor")], "2024-12-05",
          "asserted", [], {}),
         ("armed_clash", "اشتباكات عنيفة", "حماة", [("المعارضة", "actor"), ("النظام", "target")], "2024-12-04",
          "reported", [{"value": 3, "unit": "days", "approx": False, "text": "ثلاثة أيام"}], {})],
        removed=(Removed("الرئيسية أخبار سياسة", "navigation", 0, 20, "menu_words"),),
    ),
    Article(
        "homs", "غارات جوية تستهدف ريف حمص الشمالي",
        "شنّ الطيران الحربي الروسي ثماني غارات جوية على بلدة تلبيسة في ريف حِمْص الشمالي، ما أدى إلى مقتل خمسة "
        "مدنيين بينهم طفلان، بحسب الدفاع المدني السوري.",
        "2024-12-03", "وكالة البادية",
        [("air_strike", "ثماني غارات جوية على بلدة تلبيسة", "تلبيسة", [("روسيا", "actor")], "2024-12-03", "reported",
          [{"value": 8, "unit": "strikes", "approx": False, "text": "ثماني غارات"},
           {"value": 5, "unit": "killed", "approx": False, "text": "خمسة مدنيين"}],
          {"disputes": [{"field": "killed", "values": [5, 7], "sources": ["الدفاع المدني", "مرصد محلي"]}]})],
        social=(SocialPost("لحظة استهداف البلدة بالطيران #تلبيسة", "ناشط ميداني", "@field_reporter", "2024-12-03",
                           "https://x.example/status/1"),),
    ),
    Article(
        "idlib", "اعتقالات في مدينة إدلب",
        "اعلن جهاز الأمن العام اعتقال أربعة أشخاص في مدينة إدلب بتهمة التخطيط لتفجير سيارة مفخخة قرب سوق شعبي.",
        "2024-12-10", "شبكة الرصد",
        [("arrest", "اعتقال أربعة أشخاص في مدينة إدلب", "إدلب", [("الأمن العام", "actor")], "2024-12-10", "asserted",
          [{"value": 4, "unit": "people", "approx": False, "text": "أربعة أشخاص"}], {})],
    ),
    Article(
        "daraa", "مظاهرة في درعا للمطالبة بالإفراج عن المعتقلين",
        "خرج مئات المحتجين في مدينة درعا في مظاهرة تطالب بالإفراج عن المعتقلين، ورفع المتظاهرون لافتات تندد "
        "بالاعتقالات التعسفية.",
        "2024-12-10", "صوت حوران",
        [("protest", "مظاهرة تطالب بالإفراج عن المعتقلين", "درعا", [], "2024-12-10", "asserted",
          [{"min": 200, "max": 900, "unit": "people", "approx": True, "text": "مئات المحتجين"}], {})],
    ),
    Article(
        "latakia", "غارات إسرائيلية على ميناء اللاذقية",
        "استهدفت غارات إسرائيلية ميناء اللاذقية فجر الأحد، وأفادت مصادر محلية بسماع دوي انفجارات عنيفة في المدينة.",
        "2024-12-15", "وكالة البادية",
        [("air_strike", "استهدفت غارات إسرائيلية ميناء اللاذقية", "اللاذقية", [("إسرائيل", "actor")], "2024-12-15",
          "reported", [], {})],
    ),
    Article(
        "deir", "نزوح عائلات من ريف دير الزور",
        "نزحت عشرات العائلات من مدينة الميادين في ريف دير الزور الشرقي إثر اشتباكات بين قوات سوريا الديمقراطية "
        "ومسلحين من العشائر.",
        "2024-12-12", "شبكة الرصد",
        [("displacement", "نزحت عشرات العائلات من مدينة الميادين", "الميادين", [("قسد", "actor")], "2024-12-12",
          "asserted", [{"min": 20, "max": 90, "unit": "families", "approx": True, "text": "عشرات العائلات"}], {})],
    ),
    Article(
        "suwayda", "وقفة احتجاجية في السويداء",
        "نظّم العشرات من أبناء محافظة السويداء وقفة احتجاجية أمام مبنى المحافظة للمطالبة بتحسين الخدمات، فيما "
        "نفت مصادر رسمية وقوع أي صدامات.",
        "2024-12-15", "صوت الجبل",
        [("protest", "وقفة احتجاجية أمام مبنى المحافظة", "السويداء", [], "2024-12-15", "asserted", [], {})],
    ),
    Article(
        "xss", XSS_TITLE,
        f"{XSS_BODY} قصفت المدفعية أحياء في مدينة حلب صباح الاثنين.",
        "2024-12-16", "<b>موقع</b>",
        [("shelling", "قصفت المدفعية أحياء في مدينة حلب", "حلب", [("<script>alert(2)</script>", "actor")],
          "2024-12-16", "asserted", [], {})],
        removed=(Removed("<script>alert(3)</script>", "ad", 0, 25, "ad_marker"),),
        social=(SocialPost("<img src=x onerror=alert(4)>", "<i>x</i>", "@x", None, None),),
    ),
]


#: A news event, one more a week later, an undated one, and one recalled from 1853 (background).
TIMELINE = [
    Article("early", "اشتباكات في ريف حماة", "اندلعت اشتباكات عنيفة في ريف حماة الشمالي.", "2024-03-01", "شبكة الرصد",
            [("armed_clash", "اشتباكات عنيفة في ريف حماة", "حماة", [], "2024-03-01", "asserted", [], {})]),
    Article("late", "قصف على إدلب", "قصفت المدفعية أطراف مدينة إدلب مساء الجمعة.", "2024-03-08", "شبكة الرصد",
            [("shelling", "قصفت المدفعية أطراف مدينة إدلب", "إدلب", [], "2024-03-08", "asserted", [], {})]),
    Article("nodate", "اعتقالات في درعا", "اعتقلت دورية ثلاثة شبان في مدينة درعا.", "2024-03-05", "صوت حوران",
            [("arrest", "اعتقلت دورية ثلاثة شبان في مدينة درعا", "درعا", [], None, "asserted", [], {})]),
    Article("history", "ذكرى معركة قديمة", "سيطرت القوات الروسية على مدينة حلب في صيف ذلك العام البعيد.", "2024-03-06",
            "مجلة التاريخ",
            [("territory_control", "سيطرت القوات الروسية على مدينة حلب", "حلب", [], "1853-07", "asserted", [],
              {"background": True, "background_reasons": ["before_1900"]})]),
]


def _event(a: Article, doc_id: str, text: str, n: int, spec: tuple) -> tuple[Event, list[Span]]:
    etype, trigger, place, actors, date, modality, quantities, meta = spec
    start = text.index(trigger)
    end = start + len(trigger)
    ar, en, gov, lat, lon = PLACES[place]
    loc = {"text": place, "name": ar, "name_en": en, "place_id": f"sy-{en.lower()}", "lat": lat, "lon": lon,
           "admin1": gov, "precision": "town"}
    acts = []
    for key, role in actors:
        aid, name = ACTORS.get(key, (None, key))
        acts.append({"text": key, "name": name, "actor_id": aid, "role": role})
    ev = Event(
        id=sha256_hex(f"{doc_id}:{n}")[:16], type=etype, doc_id=doc_id, actors=tuple(acts), location=loc,
        date={"value": date, "precision": "day", "basis": "document"}, quantities=tuple(quantities),
        attribution=({"text": a.outlet, "name": a.outlet, "source_id": None},), modality=modality,
        mentions=({"doc_id": doc_id, "start": start, "end": end, "text": trigger},), meta=meta)
    spans = [Span(start, end, "EVENT", {"type": etype}, "test", doc_id)]
    if place in text:
        p = text.index(place)
        spans.append(Span(p, p + len(place), "PLACE", {"place_id": loc["place_id"]}, "test", doc_id))
    return ev, spans


def build_document(a: Article, source: str) -> tuple[RawInput, Document]:
    """The raw record and the cleaned document (with events and spans) of an article."""
    raw_bytes = (a.title + "\n" + a.body).encode("utf-8")
    sha = sha256_hex(raw_bytes)
    doc_id = make_doc_id(source, sha, 0)
    events, spans = [], []
    for n, spec in enumerate(a.events):
        ev, sp = _event(a, doc_id, a.body, n, spec)
        events.append(ev)
        spans += sp
    raw = RawInput(sha256=sha, data=raw_bytes, size=len(raw_bytes), path=source, media_type="text/plain")
    doc = Document(id=doc_id, text=a.body, origin=Origin(path=source, raw_sha256=sha), title=a.title,
                   published=a.published, published_source="metadata", outlet=a.outlet, cleaned=True,
                   removed=a.removed, social_posts=a.social, spans=tuple(spans), events=tuple(events),
                   meta={"key": a.key})
    return raw, doc


def fill_store(path: str | Path, articles: list[Article] = DEMO) -> dict[str, str]:
    """Write the articles into a store at `path` (a file, or a postgresql:// URL); return article key -> document id."""
    ids = {}
    with open_store(str(path)) as store:
        run = store.begin_run({"test": True}, "test")
        for a in articles:
            raw, doc = build_document(a, f"{a.key}.txt")
            store.put_result(raw, [doc], run)
            ids[a.key] = doc.id
        store.finish_run(run, {})
    return ids


def bulk_articles(n: int, seed: int = 7) -> list[Article]:
    """n variants of the demo articles: places, dates and numbers shuffled, so texts and ids differ."""
    rng = random.Random(seed)
    base = [a for a in DEMO if a.key != "xss"]
    out = []
    names = list(PLACES)
    for i in range(n):
        a = base[i % len(base)]
        day = f"2024-{rng.randint(9, 12):02d}-{rng.randint(1, 28):02d}"
        spec_events = []
        body = a.body + f"\n\nوأضاف المصدر في التقرير رقم {i} أن الوضع في {rng.choice(names)} ما زال متوتراً."
        for e in a.events:
            spec_events.append((e[0], e[1], rng.choice(names), e[3], day, e[5], e[6], e[7]))
        out.append(Article(f"{a.key}-{i}", f"{a.title} ({i})", body, day, a.outlet, spec_events,
                           a.removed, a.social))
    return out
