"""What the error listings of the training part share (bench/attribution_errors.py,
bench/actor_errors.py, bench/place_errors.py): their options, and the pipeline run over the training
articles (in sample with the shipped model, or out of fold from a `bench/cv_events.py --dump` file
with `--from-cv`) with the system events paired to gold the way ../shared/tools/score.py pairs them.
The test part is never read."""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from cv_events import run_fold  # noqa: E402
from rasd.evaluation.corpus import LabelledCorpus  # noqa: E402
from rasd.evaluation.scoring import load_scorer, match_gold, same_sentence  # noqa: E402


def parser(description: str) -> argparse.ArgumentParser:
    """The options every listing takes."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--labels", default=str(ROOT / "eval"))
    ap.add_argument("--rules", action="store_true", help="rules only (no learned model)")
    ap.add_argument("--extract", default="", help='more [extract] settings, ";"-separated')
    ap.add_argument("--limit", type=int, default=0, help="print at most N errors (0: all)")
    ap.add_argument("--json", action="store_true", help="one JSON line per error")
    ap.add_argument("--from-cv", default="", help="read the system's documents and events from a file of "
                                                  "`bench/cv_events.py --dump DIR` (DIR/learned.json): the errors out of "
                                                  "fold, each article scored by a model that did not see it")
    return ap


def class_parser(description: str) -> argparse.ArgumentParser:
    """`parser` with --class, for the listings that sort their errors into classes."""
    ap = parser(description)
    ap.add_argument("--class", dest="only", default="", help="list one class only")
    return ap


def missed_beside(sc, gold: list[dict], pairs: dict, sys_by_page: dict, same_type: bool):
    """Each required gold event left unmatched, with the system events of its page that quote its
    sentence: those of its type (or one of `type_also`) when `same_type`, of another type if not."""
    for g in gold:
        if not g["required"] or g["id"] in pairs:
            continue
        types = {g["type"], *g.get("type_also", [])}
        near = [ev for ev in sys_by_page.get(g["doc"], []) if (ev.get("type") in types) == same_type
                and any(same_sentence(sc, m.get("text") or "", g.get("evidence") or "") for m in ev.get("mentions") or [])]
        yield g, near


def training_pairs(args: argparse.Namespace):
    """Run the pipeline over the training articles; return the scorer module, the gold events,
    gold id -> (page, index) and each page's system events (`rasd.evaluation.scoring.match_gold`)."""
    shared = Path(args.shared)
    sc = load_scorer(shared / "tools" / "score.py")
    corpus = LabelledCorpus.load(args.labels, shared)
    keys = sorted(a["key"] for a in corpus.labelled("train"))
    gold = corpus.gold_events(keys)
    if args.from_cv:
        dumped = json.loads(Path(args.from_cv).read_text(encoding="utf-8"))
        docs, events = dumped["docs"], dumped["events"]
    else:
        with tempfile.TemporaryDirectory() as t:
            model = None
            if not args.rules:
                from rasd.extract.events_model import MODEL_PATH
                model = str(MODEL_PATH)
            docs, events = run_fold(corpus, keys, Path(t), model, args.extract)
    pairs, sys_by_page = match_gold(sc, docs, events, gold)
    return sc, gold, pairs, sys_by_page


class ErrorListing:
    """Errors counted by class; the first `--limit` of them (those of `--class` where a listing
    has it) printed: a headline, the gold evidence and the system's mention where it is another
    sentence, or one JSON line each with `--json`."""

    def __init__(self, args: argparse.Namespace, only: str = "") -> None:
        self.args, self.only = args, only
        self.classes: Counter = Counter()
        self.shown = 0

    def add(self, cls: str, row: dict, headline: str) -> None:
        self.classes[cls] += 1
        if (self.only and cls != self.only) or (self.args.limit and self.shown >= self.args.limit):
            return
        self.shown += 1
        if self.args.json:
            print(json.dumps(row, ensure_ascii=False))
            return
        print(headline)
        evidence = row.get("evidence") or ""
        print(f"    ev: {evidence[:300]}")
        mention = (row.get("mention") or [""])[0]
        if mention and mention[:80] not in evidence:
            print(f"    sys: {mention[:300]}")
