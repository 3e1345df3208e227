"""What the CLI prints (issue 13 items 9, 11, 12, 13): values with brackets shown as written, help
with Typer's usual type names, tables whose ids never wrap, the time of every stage, an empty
input said out loud, and the embeddings setting printed and stored with the run."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from rasd.cli import EXIT_NOTHING_READ, main

ROOT = Path(__file__).resolve().parents[1]
PAGE = "قصفت المدفعية أحياء في مدينة حلب صباح الاثنين وأصيب ثلاثة مدنيين بجروح.\n"


@pytest.fixture
def rasd(monkeypatch, capsys):
    """Run `rasd ARGS...` in this process as the entry point does; return (exit code, stdout, stderr)."""

    def call(*args: str, columns: int = 100) -> tuple[int, str, str]:
        monkeypatch.setenv("COLUMNS", str(columns))
        monkeypatch.setattr(sys, "argv", ["rasd", *map(str, args)])
        capsys.readouterr()
        with pytest.raises(SystemExit) as stop:
            main()
        out, err = capsys.readouterr()
        return stop.value.code or 0, out, err

    return call


def _toml(path: Path, text: str) -> Path:
    path.write_text(text, "utf-8")
    return path


# -- item 9: brackets, help types, wording -----------------------------------------------------------------

def test_help_shows_bracketed_text_as_written(rasd):
    rc, out, _ = rasd("run", "--help", columns=200)
    assert rc == 0
    assert "TOML file with [read] [clean] [extract] [run] [link] sections." in out
    rc, out, _ = rasd("train", "--help", columns=200)
    assert "(needs rasd[train])" in out


def test_help_shows_types_as_typer_users_know_them(rasd):
    _, out, _ = rasd("run", "--help", columns=200)
    assert re.search(r"run \[OPTIONS\] PATHS\.\.\.", out)
    assert re.search(r"--db\s+TEXT\s+SQLite file", out)
    assert re.search(r"--quiet\s+-q\s+No progress bar", out)    # a flag takes no value: no type
    assert "<str>" not in out and "<bool>" not in out and "{paths}" not in out
    _, out, _ = rasd("serve", "--help", columns=200)
    assert re.search(r"--port\s+INTEGER\s+Port to listen on", out)
    assert re.search(r"--workers\s+INTEGER RANGE", out)


def test_errors_show_config_keys_and_paths_with_brackets(rasd, tmp_path):
    page = tmp_path / "a.txt"
    page.write_text(PAGE, "utf-8")
    cfg = _toml(tmp_path / "c.toml", "[run]\nbogus_key = 1\n")
    rc, _, err = rasd("run", page, "--db", tmp_path / "s.db", "--config", cfg)
    assert rc == 1 and "unknown keys in [run]: ['bogus_key']" in err
    rc, _, err = rasd("stats", "--db", tmp_path / "[x].db")
    assert rc == 1 and "[x].db" in err


def test_stats_table_shows_a_store_name_with_brackets(rasd, tmp_path):
    page = tmp_path / "a.txt"
    page.write_text(PAGE, "utf-8")
    cfg = _toml(tmp_path / "c.toml", '[link]\nembeddings = "off"\n')
    db = tmp_path / "[b]store.db"
    assert rasd("run", page, "--db", db, "--config", cfg, "-q")[0] == 0
    rc, out, _ = rasd("stats", "--db", db, columns=200)
    assert rc == 0 and "[b]store.db" in re.sub(r"\s", "", out)   # the title wraps at the table's width


def test_json_error_messages_say_at_once():
    from rasd.ingest import ReadOptions
    from rasd.ingest.jsonl import read_json, read_jsonl_stream
    import io

    line = b'{"text": "abc\n'
    (item,) = read_jsonl_stream(io.BytesIO(line), path="f.jsonl", options=ReadOptions())
    assert "starting at column" in item.result.detail and "at at" not in item.result.detail
    (item,) = read_json(b'{"text": "abc', path="f.json", options=ReadOptions())
    assert "starting at line 1" in item.result.detail and "at at" not in item.result.detail


def test_a_record_without_text_says_which_fields_were_looked_for():
    import io

    from rasd.ingest import ReadOptions
    from rasd.ingest.jsonl import read_jsonl_stream

    (item,) = read_jsonl_stream(io.BytesIO(b'{"headline": "x"}\n'), path="f.jsonl", options=ReadOptions())
    assert "has none of the known text fields (" in item.result.detail and "any" not in item.result.detail
    (item,) = read_jsonl_stream(io.BytesIO(b'{"headline": "x"}\n'), path="f.jsonl",
                                options=ReadOptions(text_field="body"))
    assert "has no field 'body' (the text_field asked for)" in item.result.detail
    assert "has no the" not in item.result.detail


# -- item 11: an empty input, tables at 80 columns ------------------------------------------------------------

def test_an_empty_jsonl_file_says_nothing_was_read(rasd, tmp_path):
    empty = tmp_path / "feed.jsonl"
    empty.write_bytes(b"")
    for quiet in ([], ["-q"]):
        rc, _, err = rasd("run", empty, "--db", tmp_path / "s.db", *quiet)
        assert rc == EXIT_NOTHING_READ == 5
        assert "nothing was read" in err and "feed.jsonl" in err
    readme = (ROOT / "README.md").read_text("utf-8")
    assert "5 nothing was read" in readme


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    """The demo pages run into a store (stories, fused events, quarantined inputs)."""
    tmp = tmp_path_factory.mktemp("demo")
    cfg = _toml(tmp / "c.toml", '[link]\nembeddings = "off"\n')
    db = tmp / "demo.db"
    r = subprocess.run([sys.executable, "-m", "rasd.cli", "run", str(ROOT / "examples"), "--db", str(db),
                        "--config", str(cfg), "-q"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 3, r.stderr   # examples/bad/ is quarantined on purpose
    return db


@pytest.mark.parametrize("command,id_field", [(["events"], "id"), (["stories"], "id"),
                                              (["quarantine", "list"], "raw_sha256"), (["runs"], "id")])
def test_tables_at_80_columns_keep_ids_whole(rasd, demo_db, command, id_field):
    rc, out, _ = rasd(*command, "--db", demo_db, "--json")
    assert rc == 0
    ids = [json.loads(line)[id_field] for line in out.splitlines() if line.strip()]
    assert ids
    if id_field == "raw_sha256":
        ids = [i[:12] for i in ids]   # the table shows the prefix `quarantine raw` takes
    rc, out, _ = rasd(*command, "--db", demo_db, columns=80)
    assert rc == 0
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 80
    for i in ids:
        assert any(i in line for line in lines), f"{i} is not on one line of the table:\n{out}"
    rows = [line for line in lines if line.startswith("│")]
    if command != ["quarantine", "list"]:   # where a path folds onto more lines (it is how to find the file)
        assert len(rows) == len(ids)   # one line per row: long values end in an ellipsis instead


# -- item 12: the time of every stage --------------------------------------------------------------------------

def test_the_run_summary_shows_every_stage_and_the_wall_time(rasd, tmp_path):
    page = tmp_path / "a.txt"
    page.write_text(PAGE, "utf-8")
    cfg = _toml(tmp_path / "c.toml", '[link]\nembeddings = "off"\n')
    rc, _, err = rasd("run", page, "--db", tmp_path / "s.db", "--config", cfg)
    assert rc == 0
    (line,) = [l for l in err.splitlines() if l.startswith("time: ")]
    for stage in ("setup", "read", "clean", "extract", "store", "link", "search index"):
        assert re.search(rf"\b{stage} \d+\.\d s", line), (stage, line)
    total = float(re.search(r"total (\d+\.\d) s \(wall\)", line).group(1))
    parts = [float(x) for x in re.findall(r"(\d+\.\d) s", line)[:-1]]
    assert abs(sum(parts) - total) <= 0.1 * len(parts) + 0.05   # the parts add up to the whole
    assert re.search(rf"records, .* {total:.1f} s$", next(l for l in err.splitlines() if l.startswith("run ")))

    from rasd.store.sqlite import SqliteStore

    store = SqliteStore(str(tmp_path / "s.db"))
    (run,) = store.list_runs()
    store.close()
    assert {"read", "clean", "extract", "store", "link", "search index", "total"} <= set(run["counts"]["timings_s"])


# -- item 13: [link] embeddings -------------------------------------------------------------------------------

def _stored_link(db: Path) -> dict:
    from rasd.store.sqlite import SqliteStore

    store = SqliteStore(str(db))
    try:
        return store.list_runs()[-1]["config"]["link"]
    finally:
        store.close()


def test_embeddings_off_is_printed_and_stored(rasd, tmp_path):
    page = tmp_path / "a.txt"
    page.write_text(PAGE, "utf-8")
    db = tmp_path / "s.db"
    rc, _, err = rasd("run", page, "--db", db, "--config", _toml(tmp_path / "c.toml", '[link]\nembeddings = "off"\n'))
    assert rc == 0 and 'link: embeddings off ([link] embeddings = "off")' in err
    assert _stored_link(db) == {"embeddings": "off", "embeddings_used": False}
    rc, out, _ = rasd("runs", "--db", db, columns=120)
    assert rc == 0 and "off (off)" in out


def test_embeddings_auto_without_the_encoder_runs_without_and_says_so(rasd, tmp_path, monkeypatch):
    import rasd.link.embed as embed

    monkeypatch.setattr(embed, "embeddings_available", lambda: False)
    page = tmp_path / "a.txt"
    page.write_text(PAGE, "utf-8")
    db = tmp_path / "s.db"
    rc, _, err = rasd("run", page, "--db", db)   # no config: "auto"
    assert rc == 0
    assert 'embeddings off ([link] embeddings = "auto"; the encoder is not installed: pip install rasd[embeddings])' in err
    assert _stored_link(db) == {"embeddings": "auto", "embeddings_used": False}


def test_embeddings_on_without_the_encoder_is_an_error_before_anything_is_written(rasd, tmp_path, monkeypatch):
    import rasd.link.embed as embed

    monkeypatch.setattr(embed, "embeddings_available", lambda: False)
    page = tmp_path / "a.txt"
    page.write_text(PAGE, "utf-8")
    cfg = _toml(tmp_path / "c.toml", '[link]\nembeddings = "on"\n')
    rc, _, err = rasd("run", page, "--db", tmp_path / "s.db", "--config", cfg)
    assert rc == 1
    assert '[link] embeddings = "on", but the sentence encoder is not installed: pip install rasd[embeddings]' in err
    assert not (tmp_path / "s.db").exists()
    rc, _, err = rasd("link", "--db", tmp_path / "s.db", "--config", cfg)
    assert rc == 1 and "not installed" in err


def test_an_unknown_embeddings_value_is_a_config_error(rasd, tmp_path):
    page = tmp_path / "a.txt"
    page.write_text(PAGE, "utf-8")
    cfg = _toml(tmp_path / "c.toml", '[link]\nembeddings = "maybe"\n')
    rc, _, err = rasd("run", page, "--db", tmp_path / "s.db", "--config", cfg)
    assert rc == 1 and "[link] embeddings must be one of 'auto', 'on', 'off', not 'maybe'" in err


# -- item 15: what the full suite needs, and why a test was skipped -----------------------------------------------

def test_test_sh_lists_skip_reasons_and_the_readme_says_what_the_suite_needs():
    test_sh = (ROOT / "test.sh").read_text("utf-8")
    (pytest_line,) = [l for l in test_sh.splitlines() if "-m pytest" in l]
    assert " -rs " in f" {pytest_line} "
    quick_start = (ROOT / "README.md").read_text("utf-8").split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert "chromium" in quick_start and "../shared" in quick_start and "-rs" in quick_start
