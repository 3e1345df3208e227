"""`rasd run --engine`: the local engine by default, Ray on request; a wrong name or a missing Ray
is one line naming the fix, before any store is made. Needs no Ray."""
from __future__ import annotations

import subprocess
import sys

from tests.engine.test_cli_workers import rasd, write
from tests.engine.test_order_independence import synthetic_records


def test_an_unknown_engine_is_an_error_naming_the_choices(tmp_path):
    feed = write(tmp_path / "feed.jsonl", synthetic_records()[:2])
    r = rasd("run", feed, "--db", tmp_path / "s.db", "--engine", "spark")
    assert r.returncode != 0 and '"local" or "ray"' in r.stderr and not (tmp_path / "s.db").exists()


def test_the_ray_engine_without_ray_names_the_extra(tmp_path):
    feed = write(tmp_path / "feed.jsonl", synthetic_records()[:2])
    # `import ray` fails in this process whether or not Ray is installed
    code = ("import sys; sys.modules['ray'] = None; from rasd.cli import main; "
            f"sys.argv = ['rasd', 'run', {str(feed)!r}, '--db', {str(tmp_path / 's.db')!r}, '--engine', 'ray']; main()")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode != 0 and "pip install rasd[ray]" in r.stderr and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and not (tmp_path / "s.db").exists()


def test_rasd_link_with_an_unknown_engine_is_an_error_naming_the_choices(tmp_path):
    feed = write(tmp_path / "feed.jsonl", synthetic_records()[:2])
    assert rasd("run", feed, "--db", tmp_path / "s.db", "-q").returncode == 0
    r = rasd("link", "--db", tmp_path / "s.db", "--rebuild", "--engine", "spark")
    assert r.returncode != 0 and '"local" or "ray"' in r.stderr and "Traceback" not in r.stderr
