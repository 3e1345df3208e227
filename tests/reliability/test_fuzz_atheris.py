"""Issue 12, fuzzing in CI: the coverage-guided fuzzer (`bench/fuzz/run.py`, atheris) over every
target for a fixed short budget, and its seed corpus replayed through every target.

The replay needs nothing but rasd; the fuzzing runs where atheris is installed (`pip install
atheris`: a manylinux wheel for CPython 3.11 on x86-64) and skips with the reason elsewhere.
Longer runs: `python bench/fuzz/run.py --target all --seconds 600`.
"""
from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RUN = ROOT / "bench" / "fuzz" / "run.py"
_spec = importlib.util.spec_from_file_location("rasd_bench_fuzz_targets", RUN.parent / "targets.py")
_targets = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_targets)
TARGETS, seed_inputs = _targets.TARGETS, _targets.seed_inputs

#: Seconds each target is fuzzed in CI: the four take ~35 s with their starts on 2 shared cores,
#: 1,500 inputs on the finders (the slowest: every finder and the event extractor, instrumented)
#: to 18,000 on the readers.
CI_SECONDS = 6
#: Seconds allowed for the fuzzer's start (imports under instrumentation, gazetteer and models)
#: and its exit, on top of the fuzzing time.
START_SLACK = 120


def _has_atheris() -> bool:
    try:
        return importlib.util.find_spec("atheris") is not None
    except ImportError:
        return False


HAS_ATHERIS = _has_atheris()


def _finding(log: str) -> str:
    """The part of a fuzzer's log that says what broke: the Python traceback atheris printed
    (libFuzzer then reports only "fuzz target exited") and the log's end; a library's warnings
    printed for every input would otherwise push the traceback out of view."""
    at = log.find("=== Uncaught Python exception")
    head = log[at:at + 4000] + "\n[...]\n" if at >= 0 else ""
    return head + log[-1500:]


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_seed_corpus_passes_every_target(target, tmp_path):
    seeds = seed_inputs(target)
    assert len(seeds) >= 5
    files = []
    for name, data in seeds:
        f = tmp_path / name
        f.write_bytes(data)
        files.append(str(f))
    done = subprocess.run([sys.executable, str(RUN), "--target", target, "--replay", *files],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.count(": ok") == len(files)


@pytest.mark.skipif(not HAS_ATHERIS, reason="atheris is not installed (pip install atheris)")
@pytest.mark.parametrize("target", sorted(TARGETS))
def test_fuzzer_finds_nothing_in_a_short_run(target, tmp_path):
    artifacts = tmp_path / "artifacts"
    done = subprocess.run(
        [sys.executable, str(RUN), "--target", target, "--seconds", str(CI_SECONDS),
         "--artifacts", str(artifacts), "--corpus", str(tmp_path / "corpus")],
        capture_output=True, text=True, timeout=CI_SECONDS + START_SLACK)
    log = done.stdout + done.stderr
    found = sorted(p.name for p in artifacts.glob("*")) if artifacts.exists() else []
    assert done.returncode == 0 and not found, (
        f"the fuzzer found an input breaking {target}: {found} in {artifacts}; "
        f"keep it in tests/reliability/test_fuzz_regressions.py\n{_finding(log)}")
    runs = re.search(r"stat::number_of_executed_units:\s*(\d+)", log)
    assert runs and int(runs.group(1)) > len(seed_inputs(target)), log[-2000:]
