"""Two event models on the same labelled pages, with a paired bootstrap over pages.

    python bench/compare_models.py --a MODEL --b MODEL [--set test] [--shared ../shared] [--resamples 2000]

MODEL is a model file (`rasd train events --out F`), `packaged` (the shipped model) or `rules`
(the rules alone). Both run the whole pipeline (`rasd run`) on the pages of the set; each page is
scored alone with ../shared/tools/score.py, and the pages are resampled with replacement to give
the F1 difference (b - a) with a 95 % interval and the share of resamples where b wins. On 67
test pages one retraining moves F1 by about 0.01; this says whether a difference is larger than
what resampling the pages gives.
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from cv_events import run_fold  # noqa: E402
from rasd.evaluation.corpus import CorpusMissing, LabelledCorpus  # noqa: E402
from rasd.evaluation.scoring import load_scorer  # noqa: E402
from rasd.extract.events_model import MODEL_PATH  # noqa: E402


def page_counts(sc, docs: list, events: list, gold: list,
                pages: list[str] | None = None) -> dict[str, tuple[int, int, int, int]]:
    """Per page: (required gold, required matched, system events, system matched). `pages`: every
    page of the set; one with no gold event still counts its system events, all spurious (the
    scorer names pages by their gold, so it would drop them)."""
    out = {}
    with_gold = {g["doc"] for g in gold}
    for page in sorted(with_gold):
        r = sc.score_events(docs, events, [g for g in gold if g["doc"] == page])
        req, n_sys = r["gold_required"], r["system_events"]
        out[page] = (req, round((r["recall"] or 0) * req), n_sys, round((r["precision"] or 0) * n_sys))
    bare = set(pages or ()) - with_gold
    if bare:
        keys = {d["id"]: sc.page_keys(d) & bare for d in docs}
        n = dict.fromkeys(bare, 0)
        for ev in events:
            for page in set().union(*(keys.get(m.get("doc_id"), set()) for m in ev.get("mentions") or [])):
                n[page] += 1
        out.update({page: (0, 0, n[page], 0) for page in bare})
    return out


def f1(rows) -> float:
    req, hit, n_sys, ok = (sum(x) for x in zip(*rows)) if rows else (0, 0, 0, 0)
    p, r = (ok / n_sys if n_sys else 0.0), (hit / req if req else 0.0)
    return 2 * p * r / (p + r) if p + r else 0.0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--a", required=True)
    ap.add_argument("--b", required=True)
    ap.add_argument("--set", default="test")
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--labels", default=str(ROOT / "eval"))
    ap.add_argument("--resamples", type=int, default=2000)
    a = ap.parse_args()
    try:
        corpus = LabelledCorpus.load(a.labels, a.shared)
    except (CorpusMissing, FileNotFoundError) as e:
        print(f"skip: {e}")
        return 0
    sc = load_scorer(Path(a.shared) / "tools" / "score.py")
    keys = [x["key"] for x in corpus.labelled(a.set)]
    gold = corpus.gold_events(keys)
    counts = {}
    for name, model in (("a", a.a), ("b", a.b)):
        path = None if model == "rules" else str(MODEL_PATH if model == "packaged" else Path(model).resolve())
        with tempfile.TemporaryDirectory() as tmp:
            docs, events = run_fold(corpus, keys, Path(tmp), path)
        counts[name] = page_counts(sc, docs, events, gold, keys)
    pages = sorted(counts["a"])
    fa, fb = f1([counts["a"][p] for p in pages]), f1([counts["b"][p] for p in pages])
    rng = random.Random(0)
    diffs = []
    for _ in range(a.resamples):
        sample = [rng.choice(pages) for _ in pages]
        diffs.append(f1([counts["b"][p] for p in sample]) - f1([counts["a"][p] for p in sample]))
    diffs.sort()
    lo, hi = diffs[int(0.025 * len(diffs))], diffs[int(0.975 * len(diffs)) - 1]
    wins = sum(d > 0 for d in diffs) / len(diffs)
    print(f"{a.set}: {len(pages)} pages; a {a.a}: F1 {fa:.3f}; b {a.b}: F1 {fb:.3f}")
    print(f"b - a = {fb - fa:+.3f}, 95 % interval over pages [{lo:+.3f}, {hi:+.3f}]; b higher in {wins:.0%} of resamples")
    return 0


if __name__ == "__main__":
    sys.exit(main())
