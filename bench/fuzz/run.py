"""Coverage-guided fuzzing of rasd with atheris (libFuzzer for Python), issue 12.

    python bench/fuzz/run.py --target readers --seconds 60      # fuzz one target for a minute
    python bench/fuzz/run.py --target all --seconds 600         # every target, ten minutes each
    python bench/fuzz/run.py --target cleaner --replay crash-1a2b…  # rerun one input, no atheris needed

Targets: readers, cleaner, normalise, finders (see `targets.py`). The seed corpus is our own text
(`bench/fuzz/seeds/`), copied into a working corpus so a run never edits it; `--corpus DIR` keeps
the inputs found across runs. A crash, a failed check or an input slower than `--input-timeout`
seconds stops the run, exits non-zero and leaves the input in `--artifacts` (default
bench/results/fuzz/); keep it as a literal in tests/reliability/test_fuzz_regressions.py.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from targets import MODULES, TARGETS, seed_inputs  # noqa: E402

#: Seconds one input may take before it counts as a hang. The slowest legitimate input, a 4 KB
#: page through every finder under instrumentation, takes well under a second.
INPUT_TIMEOUT = 20
#: Largest input libFuzzer builds, in bytes: several news pages, enough for every finder's
#: windows and the cleaner's multi-line rules, small enough to keep runs fast.
MAX_LEN = 16384


def fuzz(target: str, seconds: int, corpus: Path | None, artifacts: Path, input_timeout: int) -> int:
    """Fuzz one target in this process (libFuzzer ends it); returns only if atheris is missing."""
    try:
        import atheris
    except ImportError:
        print("atheris is not installed (pip install atheris); nothing fuzzed", file=sys.stderr)
        return 3
    work = corpus or Path(tempfile.mkdtemp(prefix=f"rasd-fuzz-{target}-"))
    work.mkdir(parents=True, exist_ok=True)
    for name, data in seed_inputs(target):
        (work / f"seed-{name}").write_bytes(data)
    artifacts.mkdir(parents=True, exist_ok=True)
    with atheris.instrument_imports(include=["rasd", "tests.reliability.fuzz_oracles"]):
        import importlib
        importlib.import_module("tests.reliability.fuzz_oracles")
        for module in MODULES[target]:
            importlib.import_module(module)
    one = TARGETS[target]
    one(b"")  # warm the caches (gazetteer, knowledge base, models) outside the per-input timeout
    argv = [sys.argv[0], str(work), f"-max_total_time={seconds}", f"-timeout={input_timeout}",
            f"-max_len={MAX_LEN}", f"-artifact_prefix={artifacts}/{target}-", "-rss_limit_mb=4096",
            "-print_final_stats=1"]
    atheris.Setup(argv, one)
    atheris.Fuzz()
    return 0


def replay(target: str, files: list[str]) -> int:
    """Run the target once on each file, raising on the first finding."""
    for f in files:
        TARGETS[target](Path(f).read_bytes())
        print(f"{f}: ok")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--target", required=True, choices=[*TARGETS, "all"])
    ap.add_argument("--seconds", type=int, default=60, help="fuzzing time per target")
    ap.add_argument("--corpus", type=Path, help="working corpus folder to keep (default: a temporary one)")
    ap.add_argument("--artifacts", type=Path, default=ROOT / "bench" / "results" / "fuzz",
                    help="where crashing and slow inputs are written")
    ap.add_argument("--input-timeout", type=int, default=INPUT_TIMEOUT, help="seconds before one input is a hang")
    ap.add_argument("--replay", nargs="+", metavar="FILE", help="run these inputs once instead of fuzzing")
    args = ap.parse_args()
    if args.replay:
        if args.target == "all":
            ap.error("--replay needs one target")
        return replay(args.target, args.replay)
    if args.target != "all":
        return fuzz(args.target, args.seconds, args.corpus, args.artifacts, args.input_timeout)
    failed = 0
    for target in TARGETS:  # one process each: libFuzzer exits when its time is up
        cmd = [sys.executable, __file__, "--target", target, "--seconds", str(args.seconds),
               "--artifacts", str(args.artifacts), "--input-timeout", str(args.input_timeout)]
        if args.corpus:
            cmd += ["--corpus", str(args.corpus / target)]
        rc = subprocess.run(cmd, env={**os.environ}).returncode
        print(f"== {target}: {'ok' if rc == 0 else f'FAILED (exit {rc})'}", flush=True)
        failed += rc != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
