"""Village-level places (an OCHA populated-places import), places abroad and the country of every
place (issue 10). All villages, rows and sentences are invented for these tests."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from rasd.cli import CliError, app
from rasd.document import Document, Origin
from rasd.extract.events import EventExtractor, ExtractOptions
from rasd.extract.gazetteer import Gazetteer, PlaceFinder, import_ocha, merge_layers
from rasd.extract.places.build_foreign import foreign_places, read_tsv, write_tsv
from rasd.extract.places.importers import looks_like_ocha

# An OCHA communities table in the HDX shape: a header, the HXL hashtag row, then communities.
# Names and P-codes are invented (the P-codes use a range OCHA does not).
OCHA_CSV = """admin0Name_en,admin0Pcode,admin1Name_en,admin1Name_ar,admin1Pcode,admin2Name_ar,admin4Name_en,admin4Name_ar,admin4Pcode,latitude,longitude,location_type
#country+name,#country+code,#adm1+name,#adm1+name+i_ar,#adm1+code,#adm2+name+i_ar,#loc+name+i_en,#loc+name+i_ar,#loc+code,#geo+lat,#geo+lon,#loc+type
Syrian Arab Republic,SY,Hama,حماة,SY05,محردة,Qarqafa,قرقفة,C99001,35.31,36.58,Community
Syrian Arab Republic,SY,Hama,حماة,SY05,محردة,Tall al-Marjan,تل المرجان,C99002,35.28,36.61,Community
Syrian Arab Republic,SY,Hama,حماة,SY05,محردة,An-Nasr,النصر,C99003,35.25,36.55,Community
Syrian Arab Republic,SY,Dar'a,درعا,SY12,درعا,Saida,صيدا,C99004,32.67,36.21,Community
Syrian Arab Republic,SY,Aleppo,حلب,SY02,جبل سمعان,Harat al-Qasab,حارة القصب_حي القصب,C99005,36.21,37.15,Neighbourhood
Syrian Arab Republic,SY,Hama,حماة,SY05,محردة,No coordinates,عين مجهولة,C99006,,36.5,Community
"""


@pytest.fixture(scope="module")
def ocha_file(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("ocha") / "syr_communities.csv"
    path.write_text(OCHA_CSV, encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def finder(ocha_file: str) -> PlaceFinder:
    base = list(Gazetteer.load_default().places())
    return PlaceFinder(Gazetteer(merge_layers(base, import_ocha(ocha_file))))


def spans(finder: PlaceFinder, text: str) -> list[dict]:
    out = []
    for s in finder.find(text):
        assert text[s.start:s.end] == s.value["text"]
        out.append(s.value)
    return out


def by_text(finder: PlaceFinder, text: str) -> dict[str, dict]:
    return {v["text"]: v for v in spans(finder, text)}


# --- the OCHA importer --------------------------------------------------------------------------

def test_ocha_importer_reads_communities_skips_the_hxl_row_and_rows_without_coordinates(ocha_file):
    places = {p.id: p for p in import_ocha(ocha_file)}
    assert set(places) == {f"ocha-C9900{i}" for i in range(1, 6)}
    q = places["ocha-C99001"]
    assert (q.name, q.name_en, q.kind, q.lat, q.lon) == ("قرقفة", "Qarqafa", "village", 35.31, 36.58)
    assert (q.admin1, q.admin1_en, q.admin2, q.country, q.source) == ("حماة", "Hama", "محردة", "SY", "ocha")
    assert q.external_ids == {"ocha": "C99001"}
    # OCHA's "_" separates two names of one place; the type column makes a quarter
    quarter = places["ocha-C99005"]
    assert (quarter.name, quarter.aliases, quarter.kind) == ("حارة القصب", ("حي القصب",), "neighbourhood")
    assert quarter.admin1 == "حلب"


def test_ocha_importer_reads_semicolon_files_with_shapefile_column_names(tmp_path):
    path = tmp_path / "pplp.csv"
    path.write_text("ADM1_PCODE;ADM4_EN;ADM4_AR;ADM4_PCODE;Y;X\nSY07;Bab Tajriba;باب تجريبة;C99101;35,93;36,63\n",
                    encoding="utf-8")
    [p] = import_ocha(path)
    assert (p.id, p.name, p.lat, p.lon, p.admin1) == ("ocha-C99101", "باب تجريبة", 35.93, 36.63, "إدلب")
    assert looks_like_ocha(path)


def test_ocha_importer_names_the_missing_columns(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("name,lat\nقرية,35\n", encoding="utf-8")
    with pytest.raises(ValueError, match="pcode"):
        import_ocha(path)
    assert not looks_like_ocha(path)


def test_cli_imports_an_ocha_table_and_reports_a_bad_one_in_one_line(tmp_path, ocha_file):
    runner = CliRunner()
    db = str(tmp_path / "g.db")
    out = tmp_path / "places.json"
    r = runner.invoke(app, ["gazetteer", "import", ocha_file, "--db", db, "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert "5 places from ocha" in r.output
    assert {p["id"] for p in json.loads(out.read_text("utf-8"))["places"]} >= {"ocha-C99001"}
    bad = tmp_path / "bad.csv"
    bad.write_text("admin4Pcode,admin4Name_ar\nC1,قرية\n", encoding="utf-8")
    r = runner.invoke(app, ["gazetteer", "import", str(bad), "--db", db, "--format", "ocha"])
    # `rasd` prints a CliError as one line (tests/test_cli.py checks that path end to end)
    assert isinstance(r.exception, CliError) and "no column for lat, lon" in str(r.exception)


# --- villages in text ---------------------------------------------------------------------------

def test_village_in_balda_x_bi_rif_y_resolves_to_the_village(finder):
    found = by_text(finder, "قصفت قوات النظام بلدة قرقفة بريف حماة الشمالي بالمدفعية.")
    v = found["قرقفة"]
    assert (v["place_id"], v["country"], v["admin1"]) == ("ocha-C99001", "SY", "حماة")
    assert (v["lat"], v["lon"], v["precision"]) == (35.31, 36.58, "town")
    assert found["ريف حماة الشمالي"]["kind"] == "governorate"


def test_countryside_after_the_name_is_a_cue_for_a_village(finder):
    v = by_text(finder, "سقطت قذائف على قرقفة بريف حماة مساء أمس.")["قرقفة"]
    assert v["place_id"] == "ocha-C99001" and v["cue"] == "بريف"
    assert "قرقفة" not in by_text(finder, "سقطت قذائف على قرقفة مساء أمس.")


def test_a_village_list_name_of_several_words_needs_a_cue(finder):
    assert "تل المرجان" not in by_text(finder, "وقف الرجل على تل المرجان وصاح.")
    assert by_text(finder, "دخلت القوات قرية تل المرجان فجرا.")["تل المرجان"]["place_id"] == "ocha-C99002"


def test_a_common_word_village_without_a_cue_is_not_a_place(finder):
    assert "النصر" not in by_text(finder, "أعلن القائد النصر على خصومه في خطاب طويل.")
    v = by_text(finder, "اقتحمت دورية قرية النصر بريف حماة.")["النصر"]
    assert v["place_id"] == "ocha-C99003"


# --- places abroad and the country --------------------------------------------------------------

def test_foreign_city_resolves_with_its_country(finder):
    basra = by_text(finder, "تظاهر المئات في البصرة احتجاجا على انقطاع الكهرباء.")["البصرة"]
    assert basra["country"] == "IQ" and basra["kind"] == "city" and basra["lat"] is not None
    assert by_text(finder, "وصل الوفد إلى بيروت مساء.")["بيروت"]["country"] == "LB"
    assert by_text(finder, "قصفت المدفعية أطراف خان يونس.")["خان يونس"]["country"] == "PS"
    assert by_text(finder, "اجتمع المحافظون في محافظة ديالى.")["ديالى"]["country"] == "IQ"


def test_every_place_carries_an_iso_country_code(finder):
    for p in finder.gazetteer.places():
        assert len(p.country) == 2 and p.country.isupper(), p.id
    assert {"SY", "IQ", "LB", "JO", "PS", "YE", "LY", "TR"} <= {p.country for p in finder.gazetteer.places()}


def test_same_name_in_two_countries_is_decided_by_the_country_named_nearby(finder):
    assert by_text(finder, "اشتباكات في طرابلس شمال لبنان.")["طرابلس"]["country"] == "LB"
    assert by_text(finder, "اشتباكات في طرابلس غرب ليبيا.")["طرابلس"]["country"] == "LY"


def test_syrian_village_and_foreign_city_of_one_name(finder):
    # صيدا is a Lebanese city and (in the invented table) a village in Daraa
    assert by_text(finder, "داهمت دورية قرية صيدا بريف درعا.")["صيدا"]["place_id"] == "ocha-C99004"
    sidon = by_text(finder, "سقط صاروخ قرب صيدا جنوب لبنان.")["صيدا"]
    assert sidon["country"] == "LB" and sidon["place_id"] != "ocha-C99004"


def test_a_foreign_town_name_that_is_a_common_word_needs_a_cue(finder):
    assert by_text(finder, "نشرت الوكالة صور الدمار في المدينة.").get("صور") is None
    assert by_text(finder, "وصل الجرحى إلى مدينة صور.")["صور"]["country"] == "LB"


def test_event_location_carries_the_country():
    ex = EventExtractor(ExtractOptions(learned=False))
    text = ("غارة على البصرة\n\nشنت طائرات مسيرة اليوم غارة على مخزن للأسلحة في البصرة جنوب العراق، "
            "ما أدى إلى مقتل ثلاثة أشخاص بحسب مصادر أمنية.")
    doc = Document(id="v1", text=text, origin=Origin(path="t.txt"), published="2024-03-10",
                   published_source="metadata", cleaned=True)
    evs = ex.extract(doc)[1]
    located = [e.location for e in evs if e.location and e.location.get("name_en") == "Basrah"]
    assert located and all(loc["country"] == "IQ" for loc in located)
    assert all((e.location or {}).get("country") in (None, "SY", "IQ") for e in evs)


# --- the packaged foreign towns -----------------------------------------------------------------

def test_foreign_selection_keeps_arabic_named_towns_above_the_floor(tmp_path):
    records = [
        {"geonameid": 1, "name": "Al Madinat at-Tajriba", "latitude": 33.1, "longitude": 44.2,
         "countrycode": "IQ", "population": 40000, "alternatenames": ["Madinat", "التجربة", "تجربة"]},
        {"geonameid": 2, "name": "Small", "latitude": 33.0, "longitude": 44.0, "countrycode": "IQ",
         "population": 900, "alternatenames": ["صغيرة"]},
        {"geonameid": 3, "name": "North", "latitude": 40.9, "longitude": 29.0, "countrycode": "TR",
         "population": 900000, "alternatenames": ["شمالية"]},
        {"geonameid": 4, "name": "Latin only", "latitude": 33.0, "longitude": 44.0, "countrycode": "IQ",
         "population": 90000, "alternatenames": ["Latin"]},
        # a generic noun ("the city") and a country's name are no names of a town
        {"geonameid": 5, "name": "Al Madinah", "latitude": 31.0, "longitude": 47.0, "countrycode": "IQ",
         "population": 90000, "alternatenames": ["المدينة", "العراق"]},
        # elsewhere only the capitals count
        {"geonameid": 6, "name": "Capital", "latitude": 10.0, "longitude": 10.0, "countrycode": "XX",
         "population": 90000, "alternatenames": ["عاصمة تجريبية"]},
        {"geonameid": 7, "name": "Big", "latitude": 10.0, "longitude": 11.0, "countrycode": "XX",
         "population": 5000000, "alternatenames": ["كبيرة تجريبية"]},
    ]
    places = foreign_places(records, capitals=frozenset({6}))
    assert [(p.id, p.name, p.kind, p.country) for p in places] == [
        ("gn-1", "التجربة", "town", "IQ"), ("gn-6", "عاصمة تجريبية", "city", "XX")]
    path = tmp_path / "f.tsv"
    write_tsv(places, path)
    assert read_tsv(path.read_text("utf-8")) == places
    with pytest.raises(ValueError, match="foreign-places TSV"):
        read_tsv("id\tname\n")


def test_ocha_importer_reads_the_hdx_workbook_location_sheet(tmp_path):
    openpyxl = pytest.importorskip("openpyxl", reason="the .xlsx reader is optional: pip install rasd[xlsx]")
    book = openpyxl.Workbook()
    book.active.title = "admin1"
    sheet = book.create_sheet("Location")
    sheet.append(["admin1Pcode", "LocationName_en", "LocationName_ar", "Location_Pcode", "Latitude_y",
                  "Longitude_x", "location_type"])
    sheet.append(["#adm1+code", "#loc+name", "#loc+name+i_ar", "#loc+code", "#geo+lat", "#geo+lon", "#loc+type"])
    sheet.append(["SY13", "Tall Tajriba", "تل تجريبة", "C99201", 32.71, 36.57, "Community"])
    path = tmp_path / "syr_humanitarian_locations.xlsx"
    book.save(path)
    assert looks_like_ocha(path)
    [p] = import_ocha(path)
    assert (p.id, p.name, p.kind, p.admin1, p.lat, p.lon) == ("ocha-C99201", "تل تجريبة", "village", "السويداء", 32.71, 36.57)


def test_a_country_may_keep_small_places_in_one_zone_only():
    from rasd.extract.places.build_foreign import CountrySelection

    rec = lambda i, lat, pop, name: {"geonameid": i, "name": f"P{i}", "latitude": lat, "longitude": 35.5,
                                     "countrycode": "LB", "population": pop, "alternatenames": [name]}
    records = [rec(1, 33.2, 600, "قرية حدودية"), rec(2, 34.2, 600, "قرية شمالية"), rec(3, 34.2, 9000, "بلدة كبرى")]
    sel = {"LB": (CountrySelection(5_000), CountrySelection(0, (33.0, 35.0, 33.45, 36.0)))}
    # the small village in the border zone and the big town anywhere; not the small one elsewhere
    assert [p.id for p in foreign_places(records, selection=sel)] == ["gn-1", "gn-3"]


def test_a_settlement_cue_lets_a_small_place_count():
    from rasd.extract.events import EventExtractor, ExtractOptions, _call_finder

    places = EventExtractor(ExtractOptions()).places
    text = "أطلقت صواريخ على مستوطنة المطلة صباح اليوم"
    got = [(text[s.start:s.end], s.value.get("country")) for s in _call_finder(places, text)]
    assert ("المطلة", "IL") in got
    # without its cue the same small one-word name is no place
    assert not _call_finder(places, "وصلت المطلة إلى هنا")
