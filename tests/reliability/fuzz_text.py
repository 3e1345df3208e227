"""Hypothesis strategies for fuzzing: Arabic news-like text with the noise pages carry.

Every word and sentence here is written for these tests (never copied from ../shared). The
alphabet mixes what trips Arabic text tools: clitics glued to words, tatweel, diacritics, hamza
forms, Arabic-Indic and Persian digits, digit-like symbols (² ⑤ ½) that `str.isdigit` accepts and
`int` refuses, bidi controls and joiners, Latin letters whose case folding is not one to one
(ſ K İ ß), U+FFFD (what readers leave of a lone surrogate), newlines of every kind and HTML.
"""
from __future__ import annotations

import datetime as dt
import json

from hypothesis import strategies as st

LETTERS = "ابتثجحخدذرسشصضطظعغفقكلمنهويءآأؤإئةى"
DIACRITICS = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0670"
DIGITS = "0123456789٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹"
DIGIT_LIKE = "²³¹⁰⁴①⑤⑳½¼߂０９"
PUNCT = "،؛؟.,:;!-–—()[]«»\"'/%٪+*#@_…"
CONTROLS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200c\u200d\ufeff\u00a0\u061c"
SPACES = " \t\n\n\r\u2028\u2029\x85\x0b\x0c"
ODD = "\ufffd\u0640ſKİıßﻻﷲ\U0001f600ھۀیک"
LATIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

CHARS = st.sampled_from(LETTERS + DIACRITICS + DIGITS + DIGIT_LIKE + PUNCT + CONTROLS + SPACES + ODD + LATIN)

#: Our own words: clitics, dates, months, counts, places, actors, event verbs, page furniture.
WORDS = (
    "و", "ب", "ل", "ال", "وال", "بال", "لل", "فـ", "سـ", "كال",
    "أمس", "اليوم", "غدًا", "الأحد", "الجمعة", "الماضي", "المقبل", "منذ", "قبل", "بعد", "يومين",
    "كانون الثاني", "آذار", "نيسان", "أيلول", "تشرين الأول", "يناير", "مارس", "رمضان", "محرم", "هـ", "م",
    "ثلاثة", "عشرات", "مئات", "نحو", "أكثر من", "قتيلاً", "جرحى", "مدنيين", "ألف", "مليون", "اثنان", "عنصرًا",
    "دمشق", "حلب", "إدلب", "ريف", "حمص", "درعا", "غزة", "بيروت", "القاهرة", "شمال", "جنوب", "بلدة", "قرية", "مدينة",
    "الجيش", "قوات", "حماس", "الشرطة", "وزارة الدفاع", "الأمم المتحدة", "مصدر", "مراسل", "وكالة",
    "قتل", "قصف", "غارة", "اشتباكات", "انفجار", "اعتقال", "مظاهرة", "هجوم", "اغتيال", "سيطرت", "أعلنت", "نفت",
    "اقرأ أيضاً", "إعلان", "المصدر:", "تابعونا", "شارك", "صورة", "(رويترز)", "- أ ف ب", "pic.twitter.com/x1",
    "@handle", "#وسم", "https://example.org/a/1", "www.example.net",
    "title:", "date:", "العنوان:", "التاريخ:", "2024-03-05", "05/03/2024", "١٢/٠٣/٢٠٢٣", "3 آذار 2024",
    "Auguſt 5, 2024", "KANUN", "31/12/9999", "9999-12-31", "0001-01-01", "أمس الجمعة", "غدًا السبت",
    "اليوم الثامن من عملية ردع العدوان", "منذ 3 أعوام", "قبل 999 أسبوع", "الأسبوع الماضي", "الشهر المقبل", "<p>", "</p>", "<div class=x>", "</div>", "<br/>", "<script>", "&amp;", "&#1575;",
)

#: Sentences we wrote, each a plausible news line (used whole and cut up).
SENTENCES = (
    "قُتل ثلاثة مدنيين وجُرح خمسة آخرون في قصفٍ استهدف بلدة شمال إدلب صباح أمس الأحد.",
    "أعلنت وزارة الصحة في غزة ارتفاع عدد الضحايا إلى ١٢٠ قتيلاً منذ بداية الشهر.",
    "نفت الشرطة اعتقال أي متظاهر خلال المظاهرة التي خرجت يوم الجمعة في وسط بيروت.",
    "وقال مصدر محلي لمراسلنا إن اشتباكات عنيفة اندلعت بين فصيلين مسلحين في ريف حلب الغربي.",
    "دمشق - 3 آذار 2024 (وكالة) - سيطرت القوات على قرية جديدة بعد معارك استمرت يومين.",
    "اقرأ أيضاً: انفجار في ميناء المدينة يوقع عشرات الجرحى",
    "شارك الخبر على فيسبوك تويتر واتساب",
)

TOKENS = st.one_of(st.sampled_from(WORDS), st.text(CHARS, min_size=1, max_size=6))
SEPARATORS = st.sampled_from([" ", " ", "", "\n", "\n\n", "، ", ". ", "ـــ", "\u200f "])


@st.composite
def news_text(draw, max_tokens: int = 60) -> str:
    """A page-like text: sentences, words, noise and separators, sometimes a long run of one char."""
    parts = draw(st.lists(st.one_of(TOKENS, st.sampled_from(SENTENCES)), max_size=max_tokens))
    seps = draw(st.lists(SEPARATORS, min_size=len(parts), max_size=len(parts)))
    text = "".join(p + s for p, s in zip(parts, seps))
    if draw(st.integers(0, 9)) == 0:
        run = draw(CHARS) * draw(st.integers(200, 5000))
        cut = draw(st.integers(0, len(text)))
        text = text[:cut] + run + text[cut:]
    return text


TEXTS = st.one_of(news_text(), st.text(CHARS, max_size=200), st.text(max_size=80))

#: Anchor dates: ordinary ones, and the ends of the calendar `datetime.date` allows.
ANCHORS = st.one_of(
    st.none(), st.dates(dt.date(1990, 1, 1), dt.date(2040, 12, 31)),
    st.sampled_from([dt.date.min, dt.date.max, dt.date(1, 12, 31), dt.date(9999, 1, 1)]),
)

# -- structured inputs for the readers ---------------------------------------------------------

JSON_FIELDS = ("text", "content", "body", "title", "headline", "url", "link", "published", "date",
               "timestamp", "source", "source.name", "outlet", "author", "authors", "keywords", "tags",
               "description", "summary")

JSON_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-2**70, 2**70),
    st.floats(allow_nan=True, allow_infinity=True), TEXTS,
    st.sampled_from(["", " ", "2024-03-05T10:00:00Z", "1700000000", "99999999999999999999", "٢٠٢٤-٠٣-٠٥",
                     "Auguſt 5, 2024", "5 ſep 2024", "-1", "1e400"]),
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.sampled_from(("name", "title", "text", "x")), inner, max_size=3)),
    max_leaves=8,
)
RECORDS = st.dictionaries(st.one_of(st.sampled_from(JSON_FIELDS), st.text(max_size=5)), JSON_VALUES, max_size=6)


def _dump(value) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=True)



@st.composite
def broken(draw, good: bytes) -> bytes:
    """`good` bytes, sometimes damaged: cut short, a byte flipped, bytes spliced in, a BOM, CRs."""
    how = draw(st.sampled_from(["keep", "keep", "cut", "flip", "splice", "bom", "crlf", "deep"]))
    if how == "cut" and good:
        return good[: draw(st.integers(0, len(good) - 1))]
    if how == "flip" and good:
        i = draw(st.integers(0, len(good) - 1))
        return good[:i] + bytes([draw(st.integers(0, 255))]) + good[i + 1:]
    if how == "splice":
        i = draw(st.integers(0, len(good)))
        return good[:i] + draw(st.binary(max_size=12)) + good[i:]
    if how == "bom":
        return draw(st.sampled_from([b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"])) + good
    if how == "crlf":
        return good.replace(b"\n", b"\r\n")
    if how == "deep":
        n = draw(st.integers(1000, 20000))
        return good + b"\n" + b"[" * n + b"\n"
    return good


@st.composite
def jsonl_bytes(draw) -> bytes:
    """A JSON Lines file of our own records, some lines damaged, some blank."""
    lines = []
    for rec in draw(st.lists(RECORDS, max_size=5)):
        line = _dump(rec).encode("utf-8", "surrogatepass")
        lines.append(draw(broken(line)))
        if draw(st.booleans()):
            lines.append(draw(st.sampled_from([b"", b"  ", b"\r", b"\t"])))
    return b"\n".join(lines) + draw(st.sampled_from([b"", b"\n"]))


@st.composite
def json_bytes(draw) -> bytes:
    """A JSON file: an array of records, one record, or a bare value, possibly damaged."""
    value = draw(st.one_of(st.lists(RECORDS, max_size=4), RECORDS, JSON_VALUES))
    return draw(broken(_dump(value).encode("utf-8", "surrogatepass")))


@st.composite
def html_bytes(draw) -> bytes:
    """An HTML page around our text: head, meta charset, nested blocks, scripts, broken tags."""
    charset = draw(st.sampled_from(["utf-8", "windows-1256", "iso-8859-6", "bogus-cs", "utf-16", ""]))
    head = f'<meta charset="{charset}">' if charset else ""
    title = draw(st.one_of(st.none(), news_text(max_tokens=6)))
    if title is not None:
        head += f"<title>{title}</title>"
    date = draw(st.sampled_from(["", '<meta property="article:published_time" content="2024-03-05">',
                                 '<meta name="date" content="Auguſt 5, 2024">',
                                 '<meta name="date" content="99999-99-99">']))
    paras = draw(st.lists(news_text(max_tokens=25), max_size=5))
    body = "".join(draw(st.sampled_from(["<p>{}</p>", "<div><p>{}</div>", "<article>{}</article>",
                                         "<script>{}</script>", "{}<br>", "<p>{}"])).format(p) for p in paras)
    page = f"<!DOCTYPE html><html><head>{head}{date}</head><body>{body}</body></html>"
    codec = draw(st.sampled_from(["utf-8", "utf-8", "cp1256", "utf-16"]))
    return draw(broken(page.encode(codec, "replace")))


@st.composite
def text_bytes(draw) -> bytes:
    """A plain-text page: header fields or none, our text, in one of the encodings pages come in."""
    header = draw(st.lists(st.sampled_from([
        "title: {}", "العنوان: {}", "date: 2024-03-05", "التاريخ: ١٢/٠٣/٢٠٢٣", "url: https://example.org/a",
        "ſource: {}", "keywords: {}", "Date: Auguſt 5, 2024", "---", "المصدر - {}", "TİTLE: {}",
        "\u212aeywords: {}", "DATE: APRİL 5, 2024", "date: 5 aprıl 2024",
    ]), max_size=4))
    head = "\n".join(h.format(draw(news_text(max_tokens=4))) for h in header)
    text = head + draw(st.sampled_from(["\n", "\n\n", " ", ""])) + draw(news_text())
    codec = draw(st.sampled_from(["utf-8", "utf-8", "cp1256", "utf-16", "utf-16-le", "iso8859_6", "utf-32"]))
    return draw(broken(text.encode(codec, "replace")))


READER_INPUTS = st.one_of(
    st.tuples(jsonl_bytes(), st.sampled_from(["feed.jsonl", None])),
    st.tuples(json_bytes(), st.sampled_from(["feed.json", "feed.jsonl", None])),
    st.tuples(html_bytes(), st.sampled_from(["page.html", None])),
    st.tuples(text_bytes(), st.sampled_from(["page.txt", None, "page"])),
    st.tuples(st.binary(max_size=300), st.sampled_from([None, "page.txt", "page.html", "feed.jsonl", "feed.json"])),
)
