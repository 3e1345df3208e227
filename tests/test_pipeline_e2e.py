"""End to end through the CLI: bad inputs quarantined, exit code 3, idempotent re-runs, kill -9 resume."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import BACKENDS, shared_path

RASD = [sys.executable, "-m", "rasd.cli"]
PAGE = ("مقاتلو المعارضة يدخلون بلدة جديدة\n\n"
        "أعلنت فصائل المعارضة اليوم 3 كانون الأول 2024 سيطرتها على بلدة في ريف إدلب الجنوبي بعد اشتباكات "
        "مع قوات النظام.\n\nوقال مصدر ميداني إن الاشتباكات استمرت حتى ساعات الفجر.\n\nزر الذهاب إلى الأعلى\n")


def rasd(*args, check=True, **kw):
    r = subprocess.run(RASD + list(args), capture_output=True, text=True, **kw)
    if check and r.returncode not in (0, 3):
        raise AssertionError(f"rasd {args} failed ({r.returncode}): {r.stderr}")
    return r


def make_corpus(folder: Path) -> None:
    folder.mkdir()
    (folder / "good.txt").write_text(PAGE, "utf-8")
    (folder / "cp1256.txt").write_bytes(PAGE.replace("إدلب", "حماة").encode("cp1256"))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    lines = [json.dumps({"url": f"https://example.org/{i}", "title": f"خبر رقم {i}",
                         "full_text": f"قالت مصادر محلية إن اشتباكات اندلعت في الريف رقم {i} صباح اليوم."},
                        ensure_ascii=False) for i in range(3)]
    lines.insert(1, '{"url": "https://example.org/bad", "full_text": "نص مقطوع')
    (folder / "feed.jsonl").write_text("\n".join(lines) + "\n", "utf-8")


@pytest.mark.parametrize("make_db", BACKENDS, indirect=True)
def test_bad_inputs_quarantined_and_rerun_is_idempotent(tmp_path, make_db):
    corpus = tmp_path / "corpus"
    make_corpus(corpus)
    db = make_db("r")
    first = rasd("run", str(corpus), "--db", db)
    assert first.returncode == 3, first.stderr           # something was quarantined
    q = [json.loads(l) for l in rasd("quarantine", "list", "--db", db, "--json").stdout.splitlines()]
    assert sorted(r["reason"] for r in q) == ["empty", "not_text", "parse_error"]
    stats1 = json.loads(rasd("stats", "--db", db, "--json").stdout)
    assert stats1["documents"]["total"] == 5               # good, cp1256, 3 feed lines
    docs1 = rasd("export", "documents", "--db", db).stdout
    rasd("run", str(corpus), "--db", db)
    stats2 = json.loads(rasd("stats", "--db", db, "--json").stdout)
    assert stats2["documents"] == stats1["documents"]
    assert stats2["quarantine_by_reason"] == stats1["quarantine_by_reason"]
    assert stats2["raw_inputs"] == stats1["raw_inputs"] and stats2["spans"] == stats1["spans"]
    assert rasd("export", "documents", "--db", db).stdout == docs1
    # the same input in a fresh store gets the same ids
    db2 = make_db("r2")
    rasd("run", str(corpus), "--db", db2)
    ids = lambda out: sorted(json.loads(l)["id"] for l in out.splitlines())
    assert ids(rasd("export", "documents", "--db", db2).stdout) == ids(docs1)


def test_stdin_and_cleaning_visible_in_export(tmp_path):
    db = str(tmp_path / "s.db")
    r = rasd("run", "-", "--db", db, input=PAGE)
    assert r.returncode == 0, r.stderr
    (doc,) = [json.loads(l) for l in rasd("export", "documents", "--db", db).stdout.splitlines()]
    assert doc["title"] == "مقاتلو المعارضة يدخلون بلدة جديدة"
    assert "زر الذهاب" not in doc["text"]
    assert any("زر الذهاب" in r["text"] for r in doc["removed"])
    assert doc["published"] == "2024-12-03" and doc["published_source"] == "text"


def test_kill_9_then_resume_gives_the_same_store(tmp_path):
    feed = tmp_path / "big.jsonl"
    with open(feed, "w", encoding="utf-8") as f:
        for i in range(3000):
            f.write(json.dumps({"url": f"https://example.org/a/{i}", "title": f"عنوان {i}",
                                "full_text": f"{PAGE}\n\nفقرة إضافية رقم {i} عن الاشتباكات في ريف حلب."},
                               ensure_ascii=False) + "\n")
    db = str(tmp_path / "k.db")
    proc = subprocess.Popen(RASD + ["ingest", str(feed), "--db", db, "-q"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline and (not os.path.exists(db) or os.path.getsize(db) < 200_000):
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    rasd("ingest", str(feed), "--db", db, "-q")
    ref = str(tmp_path / "ref.db")
    rasd("ingest", str(feed), "--db", ref, "-q")
    a = json.loads(rasd("stats", "--db", db, "--json").stdout)
    b = json.loads(rasd("stats", "--db", ref, "--json").stdout)
    assert a["documents"] == b["documents"] and a["documents"]["total"] == 3000
    assert rasd("export", "documents", "--db", db).stdout == rasd("export", "documents", "--db", ref).stdout


@pytest.mark.shared
def test_seeds_meet_cleaning_targets(tmp_path):
    seeds = shared_path("seeds")
    r = rasd("eval", "--set", "seeds", "--shared", str(seeds.parent), "--json")
    c = json.loads(r.stdout)["cleaning"]
    assert c["body_kept"] >= 0.97 and c["noise_leaked"] <= 0.03
    assert c["split_off"] >= 0.9 and c["social_taken"] >= 0.8
    assert c["title_ok"] >= 0.9 and c["date_ok"] == 1.0


@pytest.mark.parametrize("make_db", BACKENDS, indirect=True)
def test_event_exports_through_cli(tmp_path, make_db):
    from rasd.store.export_events import ACLED_COLUMNS

    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "p.txt").write_text(
        "الفصائل تسيطر على مدينة سراقب\n\nسيطرت فصائل المعارضة اليوم 3 كانون الأول 2024 على مدينة سراقب "
        "في ريف إدلب الشرقي بعد اشتباكات عنيفة مع قوات النظام أسفرت عن مقتل 7 عناصر، بحسب المرصد السوري "
        "لحقوق الإنسان.\n", "utf-8")
    db = make_db("e")
    rasd("run", str(corpus), "--db", db)
    evs = [json.loads(l) for l in rasd("export", "events", "--db", db).stdout.splitlines()]
    assert any(e["type"] == "territory_control" and e["location"] and e["location"]["lat"] for e in evs)
    acled = rasd("export", "events", "--db", db, "--format", "acled").stdout.splitlines()
    assert acled[0].split(",") == list(ACLED_COLUMNS) and len(acled) == len(evs) + 1
    gj = json.loads(rasd("export", "events", "--db", db, "--format", "geojson").stdout)
    assert gj["type"] == "FeatureCollection" and gj["features"]
    bad = rasd("export", "events", "--db", db, "--format", "xml", check=False)
    assert bad.returncode == 1 and "unknown events export format" in bad.stderr


def test_imported_gazetteer_is_kept_in_the_store_and_used_by_runs(tmp_path):
    # A GeoNames-format row for a village the packaged gazetteer does not know (an invented name).
    row = ["9990001", "Kafr Tajriba", "Kafr Tajriba", "كفرتجريبة,Kafr Tajriba", "35.91", "36.61", "P", "PPL", "SY",
           "", "12", "", "", "", "800", "", "400", "Asia/Damascus", "2024-01-01"]
    (tmp_path / "SY.txt").write_text("\t".join(row) + "\n", "utf-8")
    db = str(tmp_path / "g.db")
    r = rasd("gazetteer", "import", str(tmp_path / "SY.txt"), "--db", db)
    assert r.returncode == 0 and "1 places" in r.stderr
    page = tmp_path / "p.txt"
    page.write_text("قصف على كفرتجريبة\n\nقصفت قوات النظام اليوم 3 كانون الأول 2024 قرية كفرتجريبة في ريف إدلب "
                    "الجنوبي بالمدفعية الثقيلة، بحسب مصادر محلية.\n", "utf-8")
    rasd("run", str(page), "--db", db)
    evs = [json.loads(l) for l in rasd("export", "events", "--db", db).stdout.splitlines()]
    places = {(e["location"] or {}).get("place_id") for e in evs}
    assert "gn-9990001" in places
