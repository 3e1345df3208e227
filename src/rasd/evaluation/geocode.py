"""Coordinates for gold places, for the "within 10 km" place measure.

Gold events name their place in words (`location.ar`, `en`, `country`), not coordinates. A gold
place is geocoded when the packaged gazetteer (the same `PlaceFinder` the pipeline runs) reads one
of its Arabic spellings as a whole, as one place of the gold country; otherwise it is left out of
the measure (the report says how many pairs were measurable). Never the system's own output.
"""
from __future__ import annotations

import re
from typing import Any, Callable, Mapping

from rasd.extract.places.model import distance_km  # noqa: F401  (the evaluation's measure of distance)

#: A leading word that only says what kind of place follows ("مدينة درعا" is درعا).
_KIND = re.compile(r"^(?:مدينة|مدينه|بلدة|بلده|قرية|قريه|محافظة|محافظه|مخيم|حي)\s+")


def gold_geocoder(finder: Any = None) -> Callable[[Mapping[str, Any]], tuple[float, float] | None]:
    """A function: gold `location` -> (lat, lon) or None, cached by spelling."""
    if finder is None:
        from rasd.extract.places.finder import PlaceFinder
        finder = PlaceFinder()
    cache: dict[tuple[str, str], tuple[float, float] | None] = {}

    def one(name: str, country: str) -> tuple[float, float] | None:
        key = (name, country)
        if key not in cache:
            cache[key] = None
            text = _KIND.sub("", name.strip())
            for s in finder.find(text):
                v = s.value if isinstance(s.value, dict) else {}
                if (s.start, s.end) == (0, len(text)) and v.get("lat") is not None \
                        and (not country or (v.get("country") or "").upper() == country.upper()):
                    cache[key] = (float(v["lat"]), float(v["lon"]))
                    break
        return cache[key]

    def geocode(loc: Mapping[str, Any]) -> tuple[float, float] | None:
        for name in loc.get("ar") or []:
            got = one(name, loc.get("country") or "")
            if got is not None:
                return got
        return None

    return geocode


def event_point(ev: Mapping[str, Any]) -> tuple[float, float] | None:
    """An exported event's (lat, lon), when its place has coordinates."""
    loc = ev.get("location") or {}
    if loc.get("lat") is None or loc.get("lon") is None:
        return None
    return float(loc["lat"]), float(loc["lon"])
