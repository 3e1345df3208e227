"""GeoJSON and ACLED exports of events."""
from __future__ import annotations

from rasd.document import Document, Event, Origin
from rasd.store.export_events import ACLED_COLUMNS, fatalities, interaction, to_acled_rows, to_geojson


def ev(**kw):
    base = dict(id="e1", type="territory_control", doc_id="d1",
                actors=({"text": "قوات النظام", "name": "النظام السوري", "actor_id": "sy_gov_assad", "role": "actor", "inter": 1},),
                location={"text": "حمص", "name": "حمص", "name_en": "Homs", "place_id": "p", "lat": 34.7, "lon": 36.7,
                          "admin1": "حمص", "precision": "town"},
                date={"value": "2024-12-08", "precision": "day", "basis": "absolute"},
                mentions=({"doc_id": "d1", "start": 0, "end": 5, "text": "نص"},))
    base.update(kw)
    return Event(**base)


def test_geojson_counts_unlocated():
    fc = to_geojson([ev(), ev(id="e2", location=None)])
    assert fc["type"] == "FeatureCollection" and len(fc["features"]) == 1 and fc["unlocated"] == 1
    assert fc["features"][0]["geometry"]["coordinates"] == [36.7, 34.7]


def test_acled_row_has_exactly_the_columns_and_codes():
    docs = {"d1": Document(id="d1", text="نص", origin=Origin(), outlet="x")}
    row = next(to_acled_rows([ev()], docs))
    assert tuple(row) == ACLED_COLUMNS
    assert row["sub_event_type"] == "Government regains territory"
    assert row["iso"] == 760 and row["time_precision"] == 1 and row["geo_precision"] == 1
    rebel = ev(actors=({"text": "الفصائل", "name": "فصائل", "actor_id": "o", "role": "actor", "inter": 2},))
    assert next(to_acled_rows([rebel], docs))["sub_event_type"] == "Non-state actor overtakes territory"


def test_fatalities_take_the_lowest_killed_figure():
    e = ev(quantities=({"value": 12, "unit": "killed"}, {"value": 9, "unit": "killed"}, {"value": 40, "unit": "injured"}))
    assert fatalities(e) == 9
    assert fatalities(ev(quantities=({"min": 100, "max": 999, "unit": "killed"},))) == 100
    assert fatalities(ev()) == 0


def test_interaction_smaller_code_first():
    assert interaction(2, 1) == 12 and interaction(1, None) == 10 and interaction(None, None) is None


def test_acled_row_writes_the_country_of_a_foreign_place():
    docs = {"d1": Document(id="d1", text="نص", origin=Origin(), outlet="x")}
    basra = {"text": "البصرة", "name": "البصرة", "name_en": "Basrah", "place_id": "gn-1", "lat": 30.5,
             "lon": 47.8, "admin1": None, "country": "IQ", "precision": "town"}
    iraq, syria, unknown, unlocated = to_acled_rows(
        [ev(location=basra), ev(id="e2"), ev(id="e3", location={**basra, "country": "XQ"}),
         ev(id="e4", location=None)], docs)
    assert (iraq["country"], iraq["iso"], iraq["region"]) == ("Iraq", 368, "Middle East")
    assert iraq["event_id_cnty"].startswith("IRQ") and iraq["location"] == "Basrah"
    # a place with no country field (older stores) and an unlocated event stay Syria's
    assert (syria["country"], syria["iso"]) == ("Syria", 760)
    assert (unlocated["country"], unlocated["iso"]) == ("Syria", 760)
    # a code the table lacks keeps the code and no number rather than a wrong one
    assert (unknown["country"], unknown["iso"]) == ("XQ", None)
