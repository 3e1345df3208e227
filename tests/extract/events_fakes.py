"""Tiny stand-in finders for the event tests: fixed place and actor tables, real dates/quantities."""
from __future__ import annotations

import re

from rasd.document import Span

PLACES = {
    "حمص": ("sy-homs", "Homs", "town", 34.73, 36.71, "حمص"),
    "حماة": ("sy-hama", "Hama", "town", 35.13, 36.75, "حماة"),
    "الرستن": ("sy-rastan", "Ar-Rastan", "town", 34.93, 36.73, "حمص"),
    "تلبيسة": ("sy-talbiseh", "Talbiseh", "town", 34.84, 36.73, "حمص"),
    "درعا": ("sy-daraa", "Daraa", "governorate", 32.6, 36.1, "درعا"),
    "السويداء": ("sy-suwayda", "As-Suwayda", "governorate", 32.7, 36.6, "السويداء"),
    "إدلب": ("sy-idlib", "Idlib", "town", 35.93, 36.63, "إدلب"),
    "دمشق": ("sy-damascus", "Damascus", "town", 33.51, 36.29, "دمشق"),
    "طرطوس": ("sy-tartus", "Tartus", "town", 34.89, 35.89, "طرطوس"),
    "منبج": ("sy-manbij", "Manbij", "town", 36.53, 37.95, "حلب"),
    "سوريا": ("sy", "Syria", "country", 35.0, 38.5, None),
    "الميادين": ("sy-mayadin", "Al-Mayadin", "town", 35.02, 40.45, "دير الزور"),  # also an outlet
}
ACTORS = {
    "قوات النظام": ("sy_gov_assad", "النظام السوري", 1, ()),
    "الجيش السوري": ("sy_gov_assad", "النظام السوري", 1, ()),
    "فصائل المعارضة": ("opposition_generic", "فصائل المعارضة", 2, ()),
    "الفصائل": ("opposition_generic", "فصائل المعارضة", 2, ()),
    "الطيران الروسي": ("russia_forces", "القوات الروسية", 8, ("russia",)),
    "المرصد السوري": ("sohr", "المرصد السوري لحقوق الإنسان", None, ()),
    "سانا": ("sana", "سانا", None, ()),
    "الكونغرس": ("us_congress", "الكونغرس الأميركي", None, ("usa",)),
    "الميادين": ("almayadeen", "الميادين", None, ()),
}
SOURCES = {"المرصد السوري", "سانا", "الميادين"}


def _rx(names):
    alt = "|".join(sorted(map(re.escape, names), key=len, reverse=True))
    return re.compile(rf"(?<![\w])(?:[وفبل]|وب|ول)?({alt})(?!\w)")


_P, _A = _rx(PLACES), _rx(ACTORS)


class FakePlaces:
    """Finds the names of PLACES (with a clitic prefix) as resolved PLACE spans."""

    def find(self, text):
        out = []
        for m in _P.finditer(text):
            pid, en, prec, lat, lon, adm = PLACES[m.group(1)]
            out.append(Span(m.start(1), m.end(1), "PLACE", {
                "place_id": pid, "name": m.group(1), "name_en": en, "kind": "city" if prec == "town" else prec,
                "lat": lat, "lon": lon, "admin1": adm, "admin2": None, "precision": prec,
                "text": m.group(1), "resolved_by": "unique"}, "fake"))
        return out


class FakeActors:
    """Finds the names of ACTORS as ACTOR (or SOURCE) spans."""

    def find(self, text, doc_date=None):
        out = []
        for m in _A.finditer(text):
            aid, name, inter, aff = ACTORS[m.group(1)]
            label = "SOURCE" if m.group(1) in SOURCES else "ACTOR"
            out.append(Span(m.start(1), m.end(1), label, {
                "actor_id": aid, "name": name, "name_en": aid, "kind": "media" if label == "SOURCE" else "armed",
                "inter": inter, "text": m.group(1), "affiliations": list(aff), "resolved_by": "alias"}, "fake"))
        return out


_UNITS = {"سجين": "prisoners", "السجناء": "prisoners", "سجناء": "prisoners", "قتيلا": "killed",
          "قتلى": "killed", "قرية": "villages", "كلم": "km", "يوما": "days"}
_Q = re.compile(r"(?:(\d+)|(مئات|عشرات)) (" + "|".join(_UNITS) + r")")


def fake_quantities(text):
    """Digits or مئات/عشرات before a known noun, as QUANTITY spans."""
    out = []
    for m in _Q.finditer(text):
        v = {"unit": _UNITS[m.group(3)], "approx": bool(m.group(2)), "text": m.group()}
        if m.group(1):
            v["value"] = int(m.group(1))
        else:
            v["min"], v["max"] = (100, 999) if m.group(2) == "مئات" else (10, 99)
        out.append(Span(m.start(), m.end(), "QUANTITY", v, "fake"))
    return out


def make_extractor(**kw):
    from rasd.extract.dates import find_dates
    from rasd.extract.events import EventExtractor, ExtractOptions
    # the rules alone: these tests pin what each rule does (the learned layer has its own tests)
    return EventExtractor(ExtractOptions(**{"learned": False, **kw}), places=FakePlaces(), actors=FakeActors(), dates=find_dates,
                          quantities=fake_quantities, infer_date=lambda text: (None, None, "none"))


def doc(text, published="2024-12-06"):
    from rasd.document import Document, Origin
    return Document(id="d1", text=text, origin=Origin(path="t.txt"), published=published,
                    published_source="metadata" if published else None, cleaned=True)
