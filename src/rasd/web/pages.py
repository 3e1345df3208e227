"""Server-rendered pages (Jinja2, autoescaped): timeline, map, event, document, actor, place, search.

Arabic, right-to-left, by default; `?lang=en` switches the UI strings and direction and is
remembered in a cookie. Every value from the store reaches the page through autoescaping.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import replace
from datetime import date as calendar_date
from functools import lru_cache
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from rasd.web.api import event_filter, found
from rasd.web.app import STATIC_DIR, TEMPLATE_DIR, ui_strings
from rasd.web.queries import EventFilter, StoreReader, span_segments

router = APIRouter(include_in_schema=False)

#: Events listed per timeline page; the chart always covers every matching event.
TIMELINE_PAGE = 200

#: Actors or places listed on their page, most events first; the rest are reached through ?q=.
ENTITIES_PAGE = 500

#: Width of one day's bar in the timeline chart (SVG user units); the chart scales to the page.
BAR_WIDTH = 14
CHART_HEIGHT = 120

LANGS = ("ar", "en")
LANG_COOKIE = "rasd_lang"
#: One year: a language choice is a preference, not a session.
LANG_COOKIE_AGE = 365 * 24 * 3600

#: Bidi embedding, override and isolate controls (U+202A-U+202E, U+2066-U+2069): in page text they
#: can turn a title or a link around on screen (a "gpj.exe" trick) or spill into the page around
#: it. Dropped from every value a template prints; the stored text keeps them. The marks (U+200E,
#: U+200F) stay: they only nudge one neutral character.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def _printable(value: Any) -> Any:
    """A template value as printed: strings without bidi controls (Markup stays Markup)."""
    if isinstance(value, str) and _BIDI_CONTROLS.search(value):
        cleaned = _BIDI_CONTROLS.sub("", value)
        return Markup(cleaned) if isinstance(value, Markup) else cleaned
    return value


#: Names a dict answers as attributes (`d.items`, `d.get`): Jinja's `d.name` gives these, not the key.
_DICT_ATTRS = frozenset(dir(dict))


class _Environment(Environment):
    """Jinja's environment with a quicker `d.key` on plain dicts (the pages' records all are).

    Jinja tries `getattr(d, "key")` first and reads `d["key"]` after the AttributeError; a page
    of 200 events does that tens of times a row, ~8 % of the timeline's time (issue 12). The same
    answer: a name dict has as an attribute still gives the attribute.
    """

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRS:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


# auto_reload off: templates are read once per process, not stat()ed on every render
_env = _Environment(loader=FileSystemLoader(str(TEMPLATE_DIR)), autoescape=select_autoescape(default=True,
                    default_for_string=True), trim_blocks=True, lstrip_blocks=True, finalize=_printable,
                    auto_reload=False)


@lru_cache(maxsize=65536)
def _segment(value: str) -> str:
    """A value put into one URL path segment: every reserved character (including "/") percent-encoded.
    Remembered: the same ids and names recur on every list page (~1 % of a page's time, issue 12)."""
    return quote(value, safe="")


_env.filters["seg"] = lambda v: _segment(str(v))


def _ltr(value: Any) -> Any:
    """A date, number or code printed inside Arabic text, isolated left to right (`<bdi dir=ltr>`)
    so that "2024-12-05" never reads "05-12-2024" beside Arabic words (issue 13 item 3). Empty
    values stay empty; the value is escaped."""
    if value is None or value == "":
        return ""
    return Markup('<bdi dir="ltr">%s</bdi>') % _printable(str(value))


_env.filters["ltr"] = _ltr


def _lang(request: Request) -> tuple[str, bool]:
    """The page language and whether it was chosen by the query string (then a cookie is set)."""
    q = request.query_params.get("lang")
    if q in LANGS:
        return q, True
    c = request.cookies.get(LANG_COOKIE)
    return (c if c in LANGS else "ar"), False


def _url(request: Request, **changes: Any) -> str:
    """The current path with some query parameters changed (None removes one)."""
    params = dict(request.query_params)
    for k, v in changes.items():
        if v is None:
            params.pop(k, None)
        else:
            params[k] = str(v)
    return request.url.path + ("?" + urlencode(params) if params else "")


def _number(v: Any) -> str:
    """A count as written for people: 12, not 12.0."""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v)


@lru_cache(maxsize=1)
def unit_forms() -> dict:
    """Per language, unit -> plural category -> the unit's form after a count (static/unit_forms.json)."""
    return json.loads((STATIC_DIR / "unit_forms.json").read_text("utf-8"))


def plural_category(n: float, lang: str = "ar") -> str:
    """The CLDR plural category of a count: Arabic `zero`, `one`, `two`, `few` (3-10), `many` (11-99),
    `other` (100-102, 1000, fractions), by the last two digits (103 is few: 103 قتلى); English
    `one` or `other`. The same rules as Babel's `Locale("ar").plural_form`, without the dependency."""
    if lang != "ar":
        return "one" if n == 1 else "other"
    if n != int(n):
        return "other"
    n = int(abs(n))
    if n < 3:
        return ("zero", "one", "two")[n]
    last = n % 100
    return "few" if 3 <= last <= 10 else "many" if last >= 11 else "other"


def count_phrase(n: float, unit: str, lang: str = "ar", *, shown: str | None = None,
                 label: str | None = None) -> str:
    """A count and its unit, the noun agreeing with the number: 1 → قتيل واحد, 2 → قتيلان, 5 → 5 قتلى,
    12 → 12 قتيلًا, 100 → 100 قتيل. `shown`: the number as printed (a range "10–99"; its form follows
    `n`, its last number, as Arabic agrees with the nearer one); `label`: the unit's word when it has
    no forms (the plural label of i18n.json)."""
    forms = unit_forms().get(lang, {}).get(unit, {})
    cat = plural_category(n, lang)
    if cat == "zero":
        cat = "few"
    is_range = shown is not None and shown != _number(n)
    shown = shown if shown is not None else _number(n)
    form = forms.get(cat)
    if is_range and cat in ("one", "two") and form and "{n}" not in form:
        form = forms.get("few")  # "0–2" keeps its digits: the plural after them, not "قتيلان"
    if form is None:
        return f"{shown} {label or unit}"
    if "{n}" in form:
        return form.replace("{n}", shown)
    return form if cat in ("one", "two") and not is_range else f"{shown} {form}"


def quantity_text(q: dict, units: dict[str, str], lang: str = "ar") -> str | None:
    """A quantity in words: `12 قتيلًا`, `~ 10–99 جريحًا`, `3 أيام`; None when it has no unit or no number.

    A number with no unit ("4", "عدة") says nothing a reader can use, so it is not shown.
    """
    unit = q.get("unit") if isinstance(q, dict) else None
    if not unit:
        return None
    v, lo, hi = q.get("value"), q.get("min"), q.get("max")
    label = units.get(unit, unit)
    if isinstance(v, (int, float)):
        text = count_phrase(v, unit, lang, label=label)
    elif isinstance(lo, (int, float)) and isinstance(hi, (int, float)):
        text = count_phrase(hi, unit, lang, label=label,
                            shown=_number(lo) if lo == hi else f"{_number(lo)}–{_number(hi)}")
    elif isinstance(lo, (int, float)):
        text = f"{_number(lo)}+ {label}"
    elif isinstance(hi, (int, float)):
        text = f"≤ {_number(hi)} {label}"
    else:
        return None
    return f"{'~ ' if q.get('approx') else ''}{text}"


#: A clitic (و "and", ب "with", ل "for") glued to a vague quantity word at the start of a quantity's
#: text: "ومئات الجرحى" is shown as "مئات الجرحى".
_LEADING_CLITIC = re.compile("^(?:وب|و|ب|ل)(?=عشر|مئ|مائ|آلاف|ألوف|عد|بضع)")

#: A vague count in English words, by the range the extractor gave it (rasd.extract.quantities:
#: عشرات 10-99, مئات 100-999, آلاف 1000-9999, عشرات الآلاف, مئات الآلاف; عدة 3-9).
ENGLISH_VAGUE = {3: "several", 10: "dozens of", 100: "hundreds of", 1000: "thousands of",
                 10000: "tens of thousands of", 100000: "hundreds of thousands of"}

#: Longer quantity texts are not a quantity phrase (a stray sentence) and are not shown as one.
QUANTITY_TEXT_MAX = 40


def quantity_display(q: dict, strings: dict, lang: str = "ar") -> dict | None:
    """How a quantity is shown: `{text, title}`, or None (no unit).

    An exact count is the phrase built from number and unit (`12 قتيلًا`), the words of the page in
    its title. A vague one (آلاف، مئات، عشرات، عدة، "عدد من"), which has a range or no number at all,
    is shown as the page wrote it (`مئات المحتجين`) with the range it stands for in the title:
    "~ 100–999 أشخاص" read as if the page had counted (issue 13 item 4).
    """
    unit = q.get("unit") if isinstance(q, dict) else None
    if not unit:
        return None
    phrase = quantity_text(q, strings["units"], lang)
    written = _LEADING_CLITIC.sub("", (q.get("text") or "").strip())
    if isinstance(q.get("value"), (int, float)) or not written or len(written) > QUANTITY_TEXT_MAX:
        return {"text": phrase, "title": q.get("text") or ""} if phrase else None
    if lang != "ar":  # the English page says it in English words, the page's own in the title
        lo, hi = q.get("min"), q.get("max")
        words = ENGLISH_VAGUE.get(lo) if isinstance(lo, int) and hi in (lo * 10 - 1, 9) else None
        words = words or ("several" if isinstance(lo, (int, float)) else "a number of")
        return {"text": f"{words} {strings['units'].get(unit, unit)}",
                "title": f"{phrase} «{written}»" if phrase else written}
    if " " not in written:  # a bare "آلاف": the unit's word after it says of what
        written = f"{written} {strings['units'].get(unit, unit)}"
    return {"text": written, "title": phrase or strings["units"].get(unit, unit)}


def dispute_value(dispute: dict, value: Any, strings: dict) -> str:
    """One side's value of a dispute, in the page's language (a modality's label, a count with its unit, names)."""
    field = dispute.get("field")
    if field == "modality":
        return strings["modalities"].get(value, str(value))
    if field == "quantity":
        q = dict(value) if isinstance(value, dict) else {"value": value}
        return quantity_text({**q, "unit": dispute.get("unit")}, strings["units"], strings["lang"]) or str(value)
    if isinstance(value, (list, tuple)):
        return strings["ui"]["list_sep"].join(str(v) for v in value)
    return "" if value is None else str(value)


def url_host(url: str | None) -> str:
    """The host a URL names, without "www." (what a reader recognises an outlet by); "" if none."""
    try:
        host = urlsplit(url or "").hostname or ""
    except ValueError:
        return ""
    return host[4:] if host.startswith("www.") else host


def _shown(value: Any) -> str:
    """A value as `{{ value }}` prints it in a template: bidi controls dropped, HTML-escaped."""
    return str(escape(_printable(value)))


def _key(record: dict, name: str) -> Any:
    """`record.name` as a template reads it from a record: a missing key prints as nothing."""
    return record.get(name, "") if isinstance(record, dict) else ""


def event_line(ev: dict, strings: dict, lang: str) -> Markup:
    """One event as a row of a list: type, place, actors, counts, modality, sources, marks.

    Written in Python rather than as a Jinja macro: a timeline page has up to 200 rows, and the
    macro's per-value lookups, finalize and escape calls were a third of that page's time, the
    costliest page of the load mix (issue 12). Every value is escaped as a template escapes it.
    """
    ui, types, mods = strings["ui"], strings["types"], strings["modalities"]
    seg = lambda v: _shown(_segment("" if v is None else str(v)))  # noqa: E731
    kind = _key(ev, "type")
    out = [f'<a class="event-link" href="/events/{seg(_key(ev, "id"))}"><span class="badge t-{_shown(kind)}">'
           f'{_shown(types.get(kind, kind))}</span></a>\n']
    loc = ev.get("location")
    if loc:
        name = loc.get("name") or loc.get("text")
        out.append(f'<a href="/places/{seg(loc.get("place_id") or name)}" class="place">{_shown(name or "")}</a>')
        admin1 = loc.get("admin1")
        if admin1 and admin1 != loc.get("name"):
            out.append(f' <span class="muted">({_shown(admin1)})</span>')
        out.append(" ")
    for a in ev.get("actors") or ():
        name = a.get("name") or a.get("text")
        out.append(f'<a href="/actors/{seg(a.get("actor_id") or name)}" class="actor role-{_shown(_key(a, "role"))}">'
                   f'{_shown(name or "")}</a> ')
    for q in ev.get("quantities") or ():
        qt = quantity_display(q, strings, lang)
        if qt:
            out.append(f'<span class="qty" title="{_shown(qt["title"])}">{_shown(qt["text"])}</span> ')
    mod = _key(ev, "modality")
    out.append(f'<span class="mod mod-{_shown(mod)}">{_shown(mods.get(mod, mod))}</span>\n')
    n = ev.get("n_sources")
    if n and n > 1:
        out.append(f'<span class="n-sources">{_shown(ui["n_sources"])}: {_shown(n)}</span> ')
    if ev.get("background"):
        out.append(f'<span class="background-mark" title="{_shown(ui["background_note"])}">{_shown(ui["background"])}</span> ')
    if ev.get("disputes"):
        out.append(f'<span class="disputed">{_shown(ui["disputes"])}</span> ')
    out.append(f'<a class="open" href="/events/{seg(_key(ev, "id"))}">{_shown(ui["open_event"])}</a>')
    return Markup("".join(out))


def render(request: Request, template: str, status: int = 200, **ctx: Any) -> HTMLResponse:
    """Render a template with the UI strings of the page's language; set the language cookie if chosen."""
    lang, chosen = _lang(request)
    strings = ui_strings()[lang]
    other = "en" if lang == "ar" else "ar"
    html = _env.get_template(template).render(
        request=request, lang=lang, dir="rtl" if lang == "ar" else "ltr", t=strings["ui"],
        type_label=lambda t: strings["types"].get(t, t), mod_label=lambda m: strings["modalities"].get(m, m),
        qty=lambda q: quantity_display(q, strings, lang), count=lambda n, unit: count_phrase(n, unit, lang),
        field_label=lambda f: strings["dispute_fields"].get(f, f),
        unit_label=lambda u: strings["units"].get(u, u),
        genre_label=lambda g: strings["genres"].get(g, g),
        prec_label=lambda v: strings["precisions"].get(v, v),
        basis_label=lambda v: strings["date_bases"].get(v, v),
        reason_label=lambda v: strings["removal_reasons"].get(v, v),
        span_label=lambda v: strings["span_labels"].get(v, v), host=url_host,
        event_line=lambda ev: event_line(ev, strings, lang),
        side_value=lambda d, v: dispute_value(d, v, {**strings, "lang": lang}),
        other_lang=other, other_lang_url=_url(request, lang=other), url=lambda **kw: _url(request, **kw),
        vendors=request.app.state.vendors, tiles_url=request.app.state.tiles_url or "", **ctx)
    resp = HTMLResponse(html, status_code=status)
    if chosen:
        resp.set_cookie(LANG_COOKIE, lang, max_age=LANG_COOKIE_AGE, samesite="lax", httponly=True)
    return resp


def _reader(request: Request) -> StoreReader:
    return request.app.state.reader


#: Arabic-Indic (U+0660-0669) and Persian (U+06F0-06F9) digits, as typed on Arabic keyboards, to ASCII.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "0123456789" * 2)
#: What may stand between a date's parts: - / . ، ٫ (Arabic decimal point), dashes, spaces.
_DATE_SEP = re.compile("\\s*[-/.\u060c\u066b\u2010-\u2015\u2212]\\s*|\\s+")
#: Direction marks an Arabic keyboard or a copied date carries (LRM, RLM, ALM, embeddings, isolates).
_DIRECTION_MARKS = re.compile("[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")


def parse_date_field(text: str | None) -> tuple[str | None, bool]:
    """A date typed into a filter field as the store writes dates (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`),
    and whether it was understood (an empty field is: no bound).

    The date fields are text fields in the page's language, not `<input type=date>`, which Chromium
    shows in the browser's locale (`mm/dd/yyyy`) whatever the page's language (issue 13 item 3).
    Accepted: Latin, Arabic-Indic (٠-٩) or Persian digits; year first (2024-03-08, 2024/3/8,
    2024-03, 2024) or, as written in Arabic, day first (8/3/2024, ٨/٣/٢٠٢٤, 03-2024); any of
    - / . ، ٫ or spaces between the parts. A day that is not in the calendar is not understood.
    """
    raw = _DIRECTION_MARKS.sub("", text or "").translate(_DIGITS).strip()
    if not raw:
        return None, True
    parts = [p for p in _DATE_SEP.split(raw) if p]
    if not all(p.isascii() and p.isdigit() for p in parts) or not 1 <= len(parts) <= 3:
        return None, False
    if len(parts) > 1 and len(parts[-1]) == 4 and len(parts[0]) <= 2:
        parts.reverse()  # day first: 8/3/2024
    if len(parts[0]) != 4 or any(len(p) > 2 for p in parts[1:]):
        return None, False
    year, rest = int(parts[0]), [int(p) for p in parts[1:]]
    try:
        calendar_date(year, *(rest + [1, 1][len(rest):]))  # a real month and day (1 Jan stands in for none)
    except ValueError:
        return None, False
    return "-".join([f"{year:04d}"] + [f"{n:02d}" for n in rest]), True


def _date_params(request: Request) -> dict[str, tuple[str | None, bool]]:
    """The date filters of the query string: name -> (the date as stored, understood?)."""
    return {name: parse_date_field(request.query_params.get(name)) for name in ("date_from", "date_to")}


def _filters(request: Request) -> EventFilter:
    q = request.query_params
    d, b = q.get("disputed"), q.get("background")
    dates = _date_params(request)
    return event_filter(q.get("type"), q.get("actor"), q.get("place"), q.get("governorate"), dates["date_from"][0],
                        dates["date_to"][0], q.get("modality"), True if d in ("1", "true", "on") else None,
                        True if b in ("1", "true", "on") else None)


def date_fields(request: Request) -> dict[str, dict]:
    """What the filter form's date fields show: the date as stored (what was typed, read), or what was
    typed with `bad` set when it could not be read (the filter then ignores it)."""
    out = {}
    for name, (iso, ok) in _date_params(request).items():
        out[name] = {"value": iso or "", "bad": False} if ok else \
            {"value": request.query_params.get(name, "")[:40], "bad": True}
    return out


def _int(request: Request, name: str, default: int = 0) -> int:
    try:
        # clamped: an offset of 2**63 overflowed SQLite's integers into a 500 (issue 12)
        return min(max(0, int(request.query_params.get(name, default))), 10**9)
    except ValueError:
        return default


def timeline_chart(items: list[dict], types: list[str], rtl: bool) -> dict:
    """SVG geometry for the timeline: one stacked bar per date, time running in reading direction."""
    n = len(items)
    peak = max((i["total"] for i in items), default=0) or 1
    bars = []
    for idx, it in enumerate(items):
        x = ((n - 1 - idx) if rtl else idx) * BAR_WIDTH
        y = CHART_HEIGHT
        parts = []
        for t in types:
            c = it["by_type"].get(t)
            if not c:
                continue
            h = max(1.0, CHART_HEIGHT * c / peak)
            y -= h
            parts.append({"type": t, "y": round(y, 2), "h": round(h, 2), "n": c})
        bars.append({"x": x, "date": it["date"], "total": it["total"], "parts": parts})
    ends = sorted(bars, key=lambda b: b["x"])
    busiest = max(bars, key=lambda b: (b["total"], b["date"]))["date"] if bars else None
    return {"bars": bars, "width": max(n, 1) * BAR_WIDTH, "height": CHART_HEIGHT, "bar_w": BAR_WIDTH - 2,
            "peak": peak, "busiest": busiest, "left": ends[0]["date"] if ends else None, "right": ends[-1]["date"] if ends else None}


def chart_bars(chart: dict, query: str, type_label: Any) -> Markup:
    """The timeline chart's bars as SVG markup (links, titles, stacked rects), escaped like a template.

    Written in Python rather than as a Jinja loop: a chart has hundreds of bars and the loop
    cost ~25 ms of a ~70 ms timeline page, the largest part of that page under load (issue 12).
    """
    def e(v: Any) -> str:
        return str(escape(_printable(str(v))))

    q = e(query) + ("&amp;" if query else "")
    out: list[str] = []
    w = chart["bar_w"]
    for b in chart["bars"]:
        date = e(b["date"])
        rects = "".join(f'<rect x="{b["x"]}" y="{p["y"]}" width="{w}" height="{p["h"]}" class="t-{e(p["type"])}">'
                        f'<title>{date} · {e(type_label(p["type"]))}: {p["n"]}</title></rect>' for p in b["parts"])
        out.append(f'<a href="/timeline?{q}date_from={date}&amp;date_to={date}">\n    <g class="bar">\n'
                   f'      <title>{date}: {b["total"]}</title>\n      {rects}\n    </g>\n  </a>')
    return Markup("\n  ".join(out))


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> RedirectResponse:
    """The home page is the timeline."""
    return RedirectResponse(_url(request).replace("/", "/timeline", 1), status_code=307)


@router.get("/favicon.ico")
def favicon() -> RedirectResponse:
    """Browsers ask for /favicon.ico whatever the page says."""
    return RedirectResponse("/static/favicon.svg", status_code=301)


def news_span(r: StoreReader, f: EventFilter) -> tuple[str, str] | None:
    """The dates the timeline's chart covers when it shows background events too: from the first to
    the last date of the news (non-background) events matching the rest of `f`. None: draw every
    date (no date bound chosen, background off, or no news event to bound it by).

    One event recalled from 1853 used to stretch the chart from 1853 to 2024 (issue 13 item 1);
    its events are still listed, the chart says how many it leaves out.
    """
    if not f.background or f.date_from or f.date_to:
        return None
    dates = [i["date"] for i in r.timeline(replace(f, background=None))["items"]]
    return (min(dates), max(dates)) if dates else None


def in_span(date: str, span: tuple[str, str]) -> bool:
    """Whether a stored date (YYYY, YYYY-MM or YYYY-MM-DD) overlaps `span`: "2022" overlaps 2022-05-19.
    ('~' sorts after every digit and '-', so "2022~" is the end of the year 2022.)"""
    return date + "~" >= span[0] and date <= span[1] + "~"


@router.get("/timeline", response_class=HTMLResponse)
def timeline_page(request: Request) -> HTMLResponse:
    """Events by day, newest first (`order=oldest` turns it), with filters (type, governorate, date
    range, modality, background) and a stacked bar chart over the dates of the news."""
    r = _reader(request)
    f = _filters(request)
    offset = _int(request, "offset")
    newest = request.query_params.get("order") != "oldest"
    tl = r.timeline(f)
    facets = r.facets()
    types = list(facets["types"])
    span = news_span(r, f)
    drawn = [i for i in tl["items"] if span is None or in_span(i["date"], span)]
    events = r.list_events(f, limit=TIMELINE_PAGE, offset=offset, newest_first=newest)
    days: list[tuple[str, list[dict]]] = []
    for ev in events["items"]:
        d = (ev["date"] or {}).get("value") or ""
        if not days or days[-1][0] != d:
            days.append((d, []))
        days[-1][1].append(ev)
    lang, _ = _lang(request)
    return render(request, "timeline.html", chart_bars=chart_bars, f=f, facets=facets, dates=date_fields(request),
                  chart=timeline_chart(drawn, types, lang == "ar"),
                  timeline=tl, days=days, events=events, page=TIMELINE_PAGE, offset=offset,
                  query=urlencode(f.as_query()), newest=newest,
                  n_off_chart=sum(i["total"] for i in tl["items"]) - sum(i["total"] for i in drawn))


@router.get("/map", response_class=HTMLResponse)
def map_page(request: Request) -> HTMLResponse:
    """Clustered markers of events over an outline of Syria and the governorate centroids."""
    r = _reader(request)
    f = _filters(request)
    return render(request, "map.html", f=f, facets=r.facets(), query=urlencode(f.as_query()),
                  dates=date_fields(request))


@router.get("/events/{event_id}", response_class=HTMLResponse)
def event_page(request: Request, event_id: str) -> HTMLResponse:
    """An event: what, where (small map), when (with basis), who, how many, and each source's evidence."""
    ev = found(_reader(request).get_event(event_id), "event", event_id)
    cards = source_cards(ev.get("members") or [])
    return render(request, "event.html", ev=ev, cards=cards, glance=event_glance(ev, cards))


def event_glance(ev: dict, cards: list[dict]) -> dict:
    """The top of an event's page (issue 13 item 7): who the report names as saying so (attribution),
    and the outlets that published it, one per source, in order of first appearance."""
    who = list(dict.fromkeys(a.get("name") or a.get("text") for a in ev.get("attribution") or ()
                             if a.get("name") or a.get("text")))
    if cards:
        outlets = [c["member"].get("outlet") for c in cards]
    else:
        outlets = [(p.get("document") or {}).get("outlet") for p in ev.get("passages") or ()]
    return {"who": who, "outlets": list(dict.fromkeys(o for o in outlets if o)),
            "n_sources": ev.get("n_sources") or len(cards) or 1}


def source_cards(members: list[dict]) -> list[dict]:
    """One card per source (`rasd.web.queries.source_count`): the members of a fused event grouped by
    the document they are or repeat; a card shows the original when it is a member (else the first
    copy) and names the verbatim copies (`copies`), so the page shows as many cards as it counts
    sources and never the same paragraphs twice."""
    cards: dict[str, dict] = {}
    for m in members:
        key = m.get("duplicate_of") or m.get("doc_id")
        card = cards.setdefault(key, {"member": m, "copies": []})
        if card["member"] is not m:
            if m.get("doc_id") == key:  # the original came after a copy of it: it leads the card
                card["copies"].append(card["member"])
                card["member"] = m
            else:
                card["copies"].append(m)
    return list(cards.values())


@router.get("/documents", response_class=HTMLResponse)
def documents_page(request: Request) -> HTMLResponse:
    """The documents, newest first."""
    offset = _int(request, "offset")
    docs = _reader(request).list_documents(limit=100, offset=offset)
    return render(request, "documents.html", docs=docs, offset=offset)


@router.get("/documents/{doc_id}", response_class=HTMLResponse)
def document_page(request: Request, doc_id: str) -> HTMLResponse:
    """The cleaned text with extracted spans highlighted, what the cleaner removed, the social posts."""
    doc = found(_reader(request).get_document(doc_id), "document", doc_id)
    paragraphs = []
    pos = 0
    text = doc["text"]
    # paragraphs are separated by blank lines; spans are cut per paragraph so a block never splits a mark
    for block in text.split("\n\n"):
        start = text.index(block, pos) if block else pos
        end = start + len(block)
        local = [{**s, "start": s["start"] - start, "end": s["end"] - start}
                 for s in doc["spans"] if s["start"] >= start and s["end"] <= end]
        paragraphs.append(span_segments(block, local))
        pos = end
    labels = sorted({s["label"] for s in doc["spans"]})
    original = _reader(request).get_document(doc["duplicate_of"]) if doc.get("duplicate_of") else None
    return render(request, "document.html", doc=doc, paragraphs=paragraphs, labels=labels,
                  original_title=(original or {}).get("title"))


def _entities_page(request: Request, kind: str) -> HTMLResponse:
    """Actors or places (`kind`), most events first, optionally those whose name contains ?q=."""
    q = request.query_params.get("q") or None
    return render(request, "entities.html", kind=kind, q=q or "",
                  rows=_reader(request).list_entities(kind, q=q, limit=ENTITIES_PAGE))


def _entity_page(request: Request, kind: str, what: str, key: str) -> HTMLResponse:
    """One actor or place (`kind`; `what` names it in the 404): its events over time."""
    ent = found(_reader(request).get_entity(kind, key), what, key)
    lang, _ = _lang(request)
    ent = {**ent, "events": newest_first(ent["events"])}
    return render(request, "entity.html", kind=kind, ent=ent, chart=_month_chart(ent["by_month"]),
                  months=month_chart(ent["events"], lang == "ar"))


def newest_first(events: list[dict]) -> list[dict]:
    """Events newest first, as the timeline lists them; undated ones last."""
    dated = [e for e in events if (e.get("date") or {}).get("value")]
    undated = [e for e in events if not (e.get("date") or {}).get("value")]
    return sorted(dated, key=lambda e: e["date"]["value"], reverse=True) + undated


#: The most months an actor's or place's chart draws, up to its latest: five years of news.
MONTH_CHART_MAX = 60
#: The fewest: a place seen in one month still gets a year's axis, not one bar across the page.
MONTH_CHART_MIN = 12
#: The chart's SVG coordinates (it scales to the page's width, keeping its proportions).
MONTH_CHART_W, MONTH_CHART_H, MONTH_AXIS_H = 1000, 90, 18


def _month_add(month: str, n: int) -> str:
    y, m = divmod(int(month[:4]) * 12 + int(month[5:7]) - 1 + n, 12)
    return f"{y:04d}-{m + 1:02d}"


def month_chart(events: list[dict], rtl: bool) -> dict:
    """A small bar chart of an actor's or place's events per month (issue 13 item 7): every month from
    the first to the last that has a news event, empty months included so that time reads evenly,
    at most `MONTH_CHART_MAX` months up to the latest; in reading direction (the latest month at
    the left end in Arabic). Background events, events dated only by year and undated ones are not
    drawn; `left_out` counts them with those older than the chart."""
    counts: Counter = Counter()
    left_out = 0
    for ev in events:
        value = (ev.get("date") or {}).get("value") or ""
        if ev.get("background") or len(value) < 7:
            left_out += 1
        else:
            counts[value[:7]] += 1
    if not counts:
        return {"bars": [], "left_out": left_out}
    last = max(counts)
    first = max(min(counts), _month_add(last, 1 - MONTH_CHART_MAX))
    first = min(first, _month_add(last, 1 - MONTH_CHART_MIN))
    months = [first]
    while months[-1] < last:
        months.append(_month_add(months[-1], 1))
    left_out += sum(n for m, n in counts.items() if m < first)
    peak = max(counts.get(m, 0) for m in months)
    slot = MONTH_CHART_W / len(months)
    bars, years = [], []
    for i, m in enumerate(months):
        x = (len(months) - 1 - i) * slot if rtl else i * slot
        n = counts.get(m, 0)
        h = MONTH_CHART_H * n / peak if n else 0
        bars.append({"month": m, "n": n, "x": round(x + slot * 0.1, 2), "w": round(slot * 0.8, 2),
                     "y": round(MONTH_CHART_H - h, 2), "h": round(h, 2)})
        # each January names its year; the first month names itself unless a January is close by
        if m.endswith("-01"):  # each January names its year (the two ends are named under the chart)
            years.append({"x": round(x + slot / 2, 2), "text": m[:4]})
    busiest = max(months, key=lambda m: (counts.get(m, 0), m))
    ends = sorted(bars, key=lambda b: b["x"])
    return {"bars": bars, "years": years, "width": MONTH_CHART_W, "height": MONTH_CHART_H + MONTH_AXIS_H,
            "base": MONTH_CHART_H, "peak": peak, "busiest": busiest, "left": ends[0]["month"],
            "right": ends[-1]["month"], "left_out": left_out, "drawn": sum(b["n"] for b in bars)}


@router.get("/actors", response_class=HTMLResponse)
def actors_page(request: Request) -> HTMLResponse:
    """Actors, most events first."""
    return _entities_page(request, "actors")


@router.get("/actors/{key}", response_class=HTMLResponse)
def actor_page(request: Request, key: str) -> HTMLResponse:
    """One actor: its events over time."""
    return _entity_page(request, "actors", "actor", key)


@router.get("/places", response_class=HTMLResponse)
def places_page(request: Request) -> HTMLResponse:
    """Places, most events first."""
    return _entities_page(request, "places")


@router.get("/places/{key}", response_class=HTMLResponse)
def place_page(request: Request, key: str) -> HTMLResponse:
    """One place: its events over time (and where it is)."""
    return _entity_page(request, "places", "place", key)


def _month_chart(by_month: dict[str, int]) -> list[dict]:
    peak = max(by_month.values(), default=0) or 1
    return [{"month": m, "n": n, "pct": round(100 * n / peak)} for m, n in by_month.items()]


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request) -> HTMLResponse:
    """Arabic-aware search with snippets highlighted in the original text."""
    q = (request.query_params.get("q") or "").strip()[:500]
    offset = _int(request, "offset")
    res = _reader(request).search(q, limit=20, offset=offset) if q else None
    return render(request, "search.html", q=q, res=res, offset=offset)


@router.get("/stories", response_class=HTMLResponse)
def stories_page(request: Request) -> HTMLResponse:
    """Story clusters, when a later stage has built them."""
    return render(request, "stories.html", stories=_reader(request).stories(limit=200))


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story_page(request: Request, story_id: str) -> HTMLResponse:
    """One story: its documents (title, outlet, date) and its events."""
    story = found(_reader(request).get_story(story_id), "story", story_id)
    return render(request, "story.html", story=story)


@router.get("/docs", response_class=HTMLResponse)
def docs_page(request: Request) -> HTMLResponse:
    """Swagger UI over /openapi.json, from local files (no CDN)."""
    return render(request, "docs.html")
