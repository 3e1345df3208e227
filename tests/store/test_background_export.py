"""Background events stay stored and in JSON Lines (marked); ACLED and GeoJSON leave them out unless asked.
The page's genre goes out with the documents export."""
from __future__ import annotations

import csv
import io
import json

from typer.testing import CliRunner

from rasd.cli import app
from rasd.document import Document, Event, Origin, RawInput, sha256_hex
from rasd.store.export import export_documents, export_events
from rasd.store.sqlite import SqliteStore

LOC = {"text": "حمص", "name": "حمص", "name_en": "Homs", "place_id": "sy-homs", "lat": 34.73, "lon": 36.71,
       "admin1": "حمص", "precision": "town"}


def _event(eid: str, doc_id: str, date: str, background: bool) -> Event:
    meta = {"background": background, **({"background_reasons": ["opinion_page"]} if background else {})}
    return Event(id=eid, type="shelling", doc_id=doc_id, location=LOC,
                 date={"value": date, "precision": "day", "basis": "absolute"},
                 mentions=({"doc_id": doc_id, "start": 0, "end": 4, "text": "قصف"},), meta=meta)


def fill(path) -> SqliteStore:
    """A store (a file path, or a postgresql:// URL) with an opinion page (one background event)
    and a news page (one news event)."""
    from rasd.store import open_store

    store = open_store(str(path))
    run = store.begin_run({}, "test")
    pages = [
        ("op", "قصف المدينة قبل عامين يطرح سؤالاً لم يجب عنه أحد.", "opinion_analysis", 0.81, "2022-01-02", True),
        ("nw", "قصف مدفعي على حي في المدينة صباح اليوم.", "news_report", 0.99, "2024-03-05", False),
    ]
    for doc_id, text, genre, p, date, bg in pages:
        doc = Document(id=doc_id, text=text, origin=Origin(url=f"https://example.org/{doc_id}"),
                       published="2024-03-05", meta={"genre": {"label": genre, "p": p, "probs": {genre: p}}},
                       events=(_event(f"e-{doc_id}", doc_id, date, bg),))
        raw = RawInput(sha256=sha256_hex(doc_id), data=text.encode(), size=len(text), url=doc.origin.url)
        store.put_result(raw, [doc], run)
    return store


def test_jsonl_keeps_background_events_marked(tmp_path) -> None:
    store = fill(tmp_path / "s.db")
    out = io.StringIO()
    assert export_events(store, "jsonl", out) == 2
    recs = {r["id"]: r for r in map(json.loads, out.getvalue().splitlines())}
    assert recs["e-op"]["background"] is True and recs["e-op"]["background_reasons"] == ["opinion_page"]
    assert recs["e-nw"]["background"] is False and "background_reasons" not in recs["e-nw"]


def test_acled_and_geojson_leave_background_out_unless_asked(tmp_path) -> None:
    store = fill(tmp_path / "s.db")
    for fmt in ("acled", "geojson"):
        out = io.StringIO()
        assert export_events(store, fmt, out) == 1, fmt
        assert "e-op" not in out.getvalue() and "e-nw" in out.getvalue()
        out = io.StringIO()
        assert export_events(store, fmt, out, include_background=True) == 2, fmt
        assert "e-op" in out.getvalue()


def test_documents_export_carries_the_genre(tmp_path) -> None:
    store = fill(tmp_path / "s.db")
    out = io.StringIO()
    export_documents(store, "jsonl", out)
    genres = {r["id"]: r["genre"] for r in map(json.loads, out.getvalue().splitlines())}
    assert genres == {"op": {"label": "opinion_analysis", "p": 0.81}, "nw": {"label": "news_report", "p": 0.99}}


def test_cli_include_background_brings_them_back(tmp_path) -> None:
    db = tmp_path / "s.db"
    fill(db).close()
    runner = CliRunner()
    plain = runner.invoke(app, ["export", "events", "--db", str(db), "--format", "acled"])
    assert plain.exit_code == 0, plain.output
    rows = list(csv.DictReader(io.StringIO(plain.stdout)))
    assert [r["tags"].split("rasd_id=")[1] for r in rows] == ["e-nw"]
    both = runner.invoke(app, ["export", "events", "--db", str(db), "--format", "acled", "--include-background"])
    assert len(list(csv.DictReader(io.StringIO(both.stdout)))) == 2
    jsonl = runner.invoke(app, ["export", "events", "--db", str(db)])
    assert sorted(json.loads(line)["background"] for line in jsonl.stdout.splitlines()) == [False, True]


def test_rasd_extract_stores_the_genre_of_pages_stored_before(tmp_path) -> None:
    db = tmp_path / "s.db"
    store = SqliteStore(str(db))
    run = store.begin_run({}, "test")
    text = "قصف مدفعي على حي في المدينة صباح اليوم، بحسب ما أفاد مراسل وكالة الأنباء."
    doc = Document(id="plain", text=text, origin=Origin(url="https://example.org/plain"), published="2024-03-05")
    store.put_result(RawInput(sha256=sha256_hex(text), data=text.encode(), size=len(text)), [doc], run)
    store.close()
    res = CliRunner().invoke(app, ["extract", "--db", str(db)])
    assert res.exit_code == 0, res.output
    store = SqliteStore(str(db))
    assert store.get_document("plain").meta["genre"]["label"] in {"news_report", "bulletin_roundup",
                                                                   "opinion_analysis", "interview", "other"}
    assert all("background" in ev.meta for ev in store.iter_events())
