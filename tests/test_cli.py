"""The CLI: every command documented, docs/CLI.md current, errors as one line."""
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from rasd.cli import _walk_commands, app, cli_reference

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def test_every_command_has_help():
    root = typer.main.get_command(app)
    names = []
    for full, cmd in _walk_commands(root, "rasd"):
        names.append(full)
        assert (cmd.help or "").strip(), f"{full} has no help text"
        for p in cmd.params:
            if p.name != "help" and p.param_type_name in ("option", "argument"):
                assert (getattr(p, "help", None) or "").strip(), f"{full}: {p.name} has no help"
    for required in ("rasd run", "rasd ingest", "rasd export", "rasd quarantine list", "rasd stats"):
        assert required in names


def test_cli_reference_is_current():
    doc = ROOT / "docs" / "CLI.md"
    assert doc.exists(), "docs/CLI.md missing: run `rasd cli-reference > docs/CLI.md`"
    assert doc.read_text("utf-8").strip() == cli_reference().strip(), \
        "docs/CLI.md is stale: run `rasd cli-reference > docs/CLI.md`"


def test_version():
    r = runner.invoke(app, ["--version"])
    assert r.exit_code == 0 and r.stdout.strip()


def test_missing_store_is_one_line_error(tmp_path):
    import subprocess, sys

    r = subprocess.run([sys.executable, "-m", "rasd.cli", "stats", "--db", str(tmp_path / "none.db")],
                       capture_output=True, text=True)
    assert r.returncode == 1
    assert "Traceback" not in r.stderr and "no store" in r.stderr


def test_a_missing_input_or_db_folder_is_an_error_before_anything_is_created(tmp_path):
    import subprocess
    import sys

    db = tmp_path / "s.db"
    r = subprocess.run([sys.executable, "-m", "rasd.cli", "run", str(tmp_path / "no_such_page.txt"), "--db", str(db)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "no such file:" in r.stderr and "no_such_page.txt" in r.stderr
    assert not db.exists() and not list(tmp_path.iterdir())
    page = tmp_path / "a.txt"
    page.write_text("قصفت المدفعية أحياء في مدينة حلب صباح الاثنين.\n", "utf-8")
    r = subprocess.run([sys.executable, "-m", "rasd.cli", "run", str(page), "--db", str(tmp_path / "missing" / "s.db")],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "no such folder for --db" in r.stderr
    assert not (tmp_path / "missing").exists()


def test_serve_on_a_busy_port_says_so_with_its_own_exit_code(tmp_path):
    import socket
    import subprocess
    import sys

    pytest.importorskip("uvicorn")
    page = tmp_path / "a.txt"
    page.write_text("قصفت المدفعية أحياء في مدينة حلب صباح الاثنين.\n", "utf-8")
    db = tmp_path / "s.db"
    subprocess.run([sys.executable, "-m", "rasd.cli", "run", str(page), "--db", str(db), "-q"], check=True,
                   capture_output=True, timeout=120)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        r = subprocess.run([sys.executable, "-m", "rasd.cli", "serve", "--db", str(db), "--port", str(port)],
                           capture_output=True, text=True, timeout=60)
    assert r.returncode == 4 and f"cannot serve on 127.0.0.1:{port}" in r.stderr
    assert "serving" not in r.stderr


def test_the_progress_total_counts_plain_files_and_none_for_compressed_input(tmp_path):
    import gzip

    from rasd.cli import _progress_total

    plain = tmp_path / "a.jsonl"
    plain.write_text('{"text": "قصفت المدفعية بلدة الكرمة"}\n', encoding="utf-8")
    assert _progress_total([str(plain)]) == plain.stat().st_size
    # a compressed input's records count decompressed bytes: no total to count them against
    packed = tmp_path / "b.jsonl.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    assert _progress_total([str(plain), str(packed)]) is None
    assert _progress_total(["-"]) == 0
