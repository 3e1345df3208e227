"""Cross-validated pipeline scores on the training part: rules only against the learned model.

The honest development figure: the training articles are split into 5 folds by article; for each
fold the sentence model is trained on the other four (thresholds from their own inner folds), the
whole pipeline (`rasd run`) runs on the held-out fold with that model, and the exported events of
all folds are scored together with ../shared/tools/score.py. The test part is never read.

    python bench/cv_events.py [--shared ../shared] [--labels eval] [--splits N]

`--splits N` runs every variant over N different 5-fold splits of the articles (split 0 is the
default one) and prints each split's line and the mean: the learned layer is retrained per fold,
and one split's F1 moves by about +-0.005 between two nearly identical rule sets, so a learned
difference smaller than that is read over several splits.
"""
from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from rasd.evaluation.corpus import LabelledCorpus  # noqa: E402
from rasd.evaluation.geocode import gold_geocoder  # noqa: E402
from rasd.evaluation.scoring import evaluate, load_scorer  # noqa: E402
from rasd.evaluation.train_events import FOLDS, _fold, train  # noqa: E402


def run_fold(corpus: LabelledCorpus, keys: list[str], tmp: Path, model_path: str | None,
             extra: str = "") -> tuple[list, list]:
    """Docs and events exported after `rasd run` on these articles (rules only when model_path is None)."""
    from rasd.cli import _open_store, _pipeline
    from rasd.store.export import export_documents, export_events

    inp, db, cfg = tmp / "input.jsonl", tmp / "run.db", tmp / "config.toml"
    for p in (db,):
        if p.exists():
            p.unlink()
    corpus.write_input(keys, inp)
    cfg.write_text("[extract]\n" + (f'learned = true\nmodel_path = "{model_path}"\n' if model_path else "learned = false\n")
                   + "".join(line + "\n" for line in extra.split(";") if line.strip()), encoding="utf-8")
    _pipeline([str(inp)], str(db), str(cfg), extract=True, reprocess=True, overrides={}, quiet=True)
    store = _open_store(str(db))
    bd, be = io.StringIO(), io.StringIO()
    export_documents(store, "jsonl", bd)
    export_events(store, "jsonl", be)
    store.close()
    return ([json.loads(x) for x in bd.getvalue().splitlines() if x.strip()],
            [json.loads(x) for x in be.getvalue().splitlines() if x.strip()])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--labels", default=str(ROOT / "eval"))
    ap.add_argument("--variants", default="rules,learned",
                    help="comma-separated: rules, learned, rule_places (learned, the place left to the rules), "
                         "place_everywhere (the ranker's pick replaces the rules' too), "
                         "keep_only (never adds), add_only (never drops or retypes)")
    ap.add_argument("--extract", default="", help='more [extract] settings, ";"-separated (e.g. "inherit_attribution = false")')
    ap.add_argument("--splits", type=int, default=1, help="5-fold splits of the articles to average over (default 1)")
    ap.add_argument("--dump", default="", help="folder to write each variant's out-of-fold documents and events to "
                                               "(VARIANT.json), for the error listings' --from-cv")
    args = ap.parse_args()
    shared = Path(args.shared)
    if not (shared / "tools" / "score.py").exists():
        print(f"skip: no scorer under {shared}")
        return 0
    sc = load_scorer(shared / "tools" / "score.py")
    corpus = LabelledCorpus.load(args.labels, shared)
    keys = sorted(a["key"] for a in corpus.labelled("train"))
    gold = corpus.gold_events(keys)
    outlets = {a["key"]: a["outlet"] for a in corpus.labelled("train")}
    geocode = gold_geocoder()
    models: dict = {}
    thresholds: dict = {}
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)

        def oof(name: str, split: int) -> tuple[list, list]:
            """Every training article's documents and events, each from a model of the other folds."""
            docs, events = [], []
            for k in range(FOLDS):
                held = [key for key in keys if _fold(key, split) == k]
                model_path = None
                if name != "rules":
                    mk = (split, k, name != "rule_places")
                    if mk not in models:
                        models[mk] = train(corpus, log=lambda m: None, keys=[x for x in keys if _fold(x, split) != k],
                                           use_places=mk[2])
                        thresholds[mk] = (models[mk].add, models[mk].keep)
                    model = models[mk]
                    model.add, model.keep = thresholds[mk]
                    model.place_margin = None   # the shipped setting: the ranker places what the rules leave unplaced
                    if name == "place_everywhere":
                        model.place_margin = 0.0   # the ranker's pick replaces the rules' everywhere
                    if name == "keep_only":
                        model.add = 1.0
                    elif name == "add_only":
                        model.keep = 0.0
                    model_path = str(tmp / f"model{k}.json")
                    model.save(model_path)
                d, e = run_fold(corpus, held, tmp, model_path, args.extract)
                docs += d
                events += e
            return docs, events

        for name in args.variants.split(","):
            # the rules alone do not depend on the split: one is enough
            f1s = []
            for split in range(1 if name == "rules" else max(1, args.splits)):
                docs, events = oof(name, split)
                if args.dump and split == 0:
                    Path(args.dump).mkdir(parents=True, exist_ok=True)
                    (Path(args.dump) / f"{name}.json").write_text(
                        json.dumps({"docs": docs, "events": events}, ensure_ascii=False), encoding="utf-8")
                rep = evaluate(sc, docs, events, gold, genres=corpus.pages, outlets=outlets, geocode=geocode)
                h = rep["headline"] if "headline" in rep else rep
                f1s.append(h["f1"])
                label = name if split == 0 else f"  split {split}"
                print(f"{label:8s} recall {h['recall']:.3f}  precision {h['precision']:.3f}  F1 {h['f1']:.3f}  "
                      f"system {h['system_events']}  place {rep.get('place_accuracy') or 0:.3f}  "
                      f"within 10 km {rep.get('place_within_10km') or 0:.3f}")
                print("         " + "  ".join(f"{k} {h.get(k + '_accuracy') or 0:.3f}" for k in
                                             ("date", "attribution", "quantity", "modality", "actor")))
                print(f"         missed {rep['missed_by_cause']}  spurious {rep['spurious_by_cause']}")
            if len(f1s) > 1:
                print(f"{name:8s} mean F1 over {len(f1s)} splits {statistics.mean(f1s):.3f} "
                      f"(min {min(f1s):.3f}, max {max(f1s):.3f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
