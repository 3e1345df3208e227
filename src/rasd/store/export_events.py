"""Event exports: GeoJSON (a map) and ACLED-shaped rows (the columns analysts already use).

`to_geojson(events)` -> a FeatureCollection; `to_acled_rows(events, docs_by_id)` -> one dict per
event with exactly `ACLED_COLUMNS`, following ACLED's coding rules where they apply.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable, Iterator, Mapping

import yaml

from rasd.document import Document, Event

ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
    "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
    "fatalities", "tags", "timestamp",
)
#: ACLED's country fields for Syria (ISO 3166-1 numeric 760): events with no place (or a place
#: with no country) are rasd's Syrian events.
SYRIA = {"iso": 760, "region": "Middle East", "country": "Syria"}
#: ACLED codes a vague count at the lowest figure it implies: "dozens" = 12, "hundreds" = 100.
VAGUE_FATALITIES = {"dozens": 12, "hundreds": 100, "thousands": 1000, "tens": 10}
#: ACLED time_precision: 1 = the day is known, 2 = the week/month, 3 = only the year (or less).
TIME_PRECISION = {"day": 1, "month": 2, "year": 3}
#: ACLED geo_precision: 1 = the town/site, 2 = near it / its district, 3 = the region/governorate.
GEO_PRECISION = {"site": 1, "town": 1, "district": 2, "governorate": 3, "country": 3}
#: Units that count the dead (for `fatalities`).
KILLED_UNITS = frozenset({"killed", "dead", "deaths", "fatalities"})
#: ACLED `inter` code for civilians (the target of violence against civilians).
CIVILIANS_INTER = 7


@lru_cache(maxsize=1)
def _countries() -> dict[str, list]:
    """ISO2 -> [ISO3, numeric, English, ACLED region, ...] (data/places/countries.yaml)."""
    with resources.files("rasd.data.places").joinpath("countries.yaml").open(encoding="utf-8") as f:
        return yaml.safe_load(f)["countries"]


def acled_country(code: str | None) -> dict[str, Any]:
    """ACLED's `iso` (ISO 3166-1 numeric), `region` and `country` for an ISO alpha-2 code.

    No code (an unlocated event) is Syria; a code countries.yaml lacks keeps the code as the
    country name with no number, rather than a wrong one.
    """
    if not code:
        return dict(SYRIA)
    row = _countries().get(code.upper())
    if row is None:
        return {"iso": None, "region": None, "country": code}
    return {"iso": row[1], "region": row[3], "country": row[2]}


def _iso3(code: str | None) -> str:
    row = _countries().get((code or "SY").upper())
    return row[0] if row else "SYR"


@lru_cache(maxsize=1)
def _mapping() -> dict[str, Any]:
    """Event type -> ACLED/PLOVER mapping (data/events/mapping.yaml; read here so the store needs no stage)."""
    with resources.files("rasd.data.events").joinpath("mapping.yaml").open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def to_geojson(events: Iterable[Event]) -> dict:
    """A GeoJSON FeatureCollection of the located events; `unlocated` counts the others."""
    features, unlocated = [], 0
    for ev in events:
        loc = ev.location or {}
        if loc.get("lat") is None or loc.get("lon") is None:
            unlocated += 1
            continue
        props = {"id": ev.id, "type": ev.type, "date": (ev.date or {}).get("value"),
                 "date_precision": (ev.date or {}).get("precision"), "modality": ev.modality,
                 "place": loc.get("name"), "place_en": loc.get("name_en"), "admin1": loc.get("admin1"),
                 "precision": loc.get("precision"),
                 "actors": [a.get("name") for a in ev.actors],
                 "attribution": [a.get("name") for a in ev.attribution],
                 "quantities": [dict(q) for q in ev.quantities], "doc_id": ev.doc_id,
                 "evidence": ev.mentions[0]["text"] if ev.mentions else None}
        features.append({"type": "Feature", "id": ev.id,
                         "geometry": {"type": "Point", "coordinates": [loc["lon"], loc["lat"]]},
                         "properties": props})
    return {"type": "FeatureCollection", "features": features, "unlocated": unlocated}


def fatalities(ev: Event) -> int:
    """ACLED fatalities: the lowest reported figure of killed; vague counts by ACLED's rule; else 0."""
    best: int | None = None
    for q in ev.quantities:
        if str(q.get("unit") or "").lower() not in KILLED_UNITS:
            continue
        v = q.get("value")
        if v is None:
            v = q.get("min")
        if v is None:
            vague = str(q.get("vague") or q.get("text") or "").lower()
            v = next((n for k, n in VAGUE_FATALITIES.items() if k in vague), None)
        if v is not None:
            best = int(v) if best is None else min(best, int(v))
    return best or 0


def _actors(ev: Event, role: str) -> list[dict]:
    return [a for a in ev.actors if a.get("role") == role]


def _inter(a: dict | None) -> int | None:
    if not a:
        return None
    v = a.get("inter")
    return int(v) if v is not None else None


def interaction(inter1: int | None, inter2: int | None) -> int | None:
    """ACLED interaction code: the two inter codes, smaller first (1 and 2 -> 12; alone: 10 * code)."""
    if inter1 is None and inter2 is None:
        return None
    if inter2 is None or inter1 is None:
        return (inter1 or inter2) * 10
    lo, hi = sorted((inter1, inter2))
    return lo * 10 + hi


def _sub_event_type(ev: Event, spec: dict, inter1: int | None) -> str | None:
    sub = (spec.get("acled") or [None, None])[1]
    if ev.type == "territory_control" and inter1 == 1 and spec.get("state_sub_event_type"):
        return spec["state_sub_event_type"]
    if ev.type == "bombing" and spec.get("suicide_sub_event_type"):
        if any("انتحار" in (m.get("text") or "") for m in ev.mentions):
            return spec["suicide_sub_event_type"]
    return sub


def _timestamp(doc: Document | None) -> int:
    if doc is not None and doc.origin.ingested_at:
        try:
            return int(dt.datetime.fromisoformat(doc.origin.ingested_at).timestamp())
        except ValueError:
            pass
    return 0


def to_acled_rows(events: Iterable[Event], docs_by_id: Mapping[str, Document]) -> Iterator[dict]:
    """One row per event with exactly ACLED_COLUMNS (types ACLED does not code keep empty types)."""
    mapping = _mapping()
    for n, ev in enumerate(events, 1):
        spec = mapping.get(ev.type) or {}
        acts, tgts = _actors(ev, "actor"), _actors(ev, "target")
        a1 = acts[0] if acts else None
        a2 = tgts[0] if tgts else (acts[1] if len(acts) > 1 else None)
        assoc1 = [a for a in acts[1:] if a is not a2]
        assoc2 = tgts[1:]
        i1, i2 = _inter(a1), _inter(a2)
        if ev.type == "attack_on_civilians" and i2 is None:
            i2 = CIVILIANS_INTER
        date = ev.date or {}
        value = date.get("value") or ""
        loc = ev.location or {}
        doc = docs_by_id.get(ev.doc_id)
        event_type = (spec.get("acled") or [None, None])[0]
        row = {
            "event_id_cnty": f"{_iso3(loc.get('country'))}{n}",
            "event_date": value or None,
            "year": int(value[:4]) if value[:4].isdecimal() else None,
            "time_precision": TIME_PRECISION.get(date.get("precision") or "", 3),
            "disorder_type": spec.get("disorder"),
            "event_type": event_type,
            "sub_event_type": _sub_event_type(ev, spec, i1),
            "actor1": a1.get("name") if a1 else None,
            "assoc_actor_1": "; ".join(a.get("name") or "" for a in assoc1) or None,
            "inter1": i1,
            "actor2": a2.get("name") if a2 else None,
            "assoc_actor_2": "; ".join(a.get("name") or "" for a in assoc2) or None,
            "inter2": i2,
            "interaction": interaction(i1, i2),
            "civilian_targeting": "Civilian targeting" if i2 == CIVILIANS_INTER else None,
            **acled_country(loc.get("country")),
            "admin1": loc.get("admin1"),
            "admin2": loc.get("admin2"),
            "admin3": None,
            "location": loc.get("name_en") or loc.get("name"),
            "latitude": loc.get("lat"),
            "longitude": loc.get("lon"),
            "geo_precision": GEO_PRECISION.get(loc.get("precision") or "", 3) if loc else None,
            "source": "; ".join(dict.fromkeys(a.get("name") or "" for a in ev.attribution))
                      or (doc.outlet if doc is not None else None),
            "source_scale": None,
            "notes": " ".join(m.get("text") or "" for m in ev.mentions[:1]) or None,
            "fatalities": fatalities(ev),
            "tags": f"modality={ev.modality}; rasd_type={ev.type}; rasd_id={ev.id}",
            "timestamp": _timestamp(doc),
        }
        yield {k: row[k] for k in ACLED_COLUMNS}
