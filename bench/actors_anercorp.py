"""Measure the person finder on ANERcorp's PERS tags (token and entity precision/recall/F1).

    python bench/actors_anercorp.py [--corpus ../shared/data/anercorp/ANERCorp.txt] [--json]

ANERcorp (Benajiba et al. 2007) is 2006-era newswire with one `token TAG` per line. We rebuild
the text by joining tokens with spaces, run `ActorFinder.find` on chunks of sentences, and count a
token as predicted PERS when a PERSON span covers it. Reported for all PERSON spans and for the
pattern-found ones alone (titles, reporting verbs, kunyas). Used to measure, never to tune the lexicon.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT / ".." / "shared"
#: Sentences per chunk passed to find(): enough context for generic/kunya rules, small enough to be cheap.
SENTENCES_PER_CHUNK = 20


def read_tokens(path: Path) -> list[tuple[str, str]]:
    """(token, tag) pairs; malformed lines are skipped."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.rsplit(" ", 1)
        if len(parts) == 2 and parts[0].strip():
            out.append((parts[0].strip(), parts[1].strip()))
    return out


def chunks(tokens: list[tuple[str, str]]):
    """Groups of tokens, SENTENCES_PER_CHUNK sentences each (a sentence ends with a '.' token)."""
    cur, n = [], 0
    for tok in tokens:
        cur.append(tok)
        if tok[0] == ".":
            n += 1
            if n == SENTENCES_PER_CHUNK:
                yield cur
                cur, n = [], 0
    if cur:
        yield cur


def entities(tags: list[bool]) -> set[tuple[int, int]]:
    """Maximal runs of True as (start, end) token ranges."""
    out, start = set(), None
    for i, t in enumerate(tags + [False]):
        if t and start is None:
            start = i
        elif not t and start is not None:
            out.add((start, i))
            start = None
    return out


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
            "tp": tp, "fp": fp, "fn": fn}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(SHARED / "data" / "anercorp" / "ANERCorp.txt"))
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    path = Path(a.corpus)
    if not path.is_file():
        print(f"skip: no ANERcorp at {path}")
        return 0
    from rasd.extract.actors import ActorFinder, ActorKB

    finder = ActorFinder(ActorKB.load_default())
    tokens = read_tokens(path)
    gold: list[bool] = []
    pred_all: list[bool] = []
    pred_pat: list[bool] = []
    t0 = time.perf_counter()
    for chunk in chunks(tokens):
        starts, pos = [], 0
        for tok, _ in chunk:
            starts.append(pos)
            pos += len(tok) + 1
        text = " ".join(t for t, _ in chunk)
        covered_all = bytearray(len(text) + 1)
        covered_pat = bytearray(len(text) + 1)
        for span in finder.find(text):
            if span.label != "PERSON":
                continue
            covered_all[span.start:span.end] = b"\x01" * (span.end - span.start)
            if span.value["actor_id"] is None:
                covered_pat[span.start:span.end] = b"\x01" * (span.end - span.start)
        for (tok, tag), s in zip(chunk, starts):
            gold.append(tag.endswith("PERS"))
            pred_all.append(bool(covered_all[s]))
            pred_pat.append(bool(covered_pat[s]))
    seconds = time.perf_counter() - t0

    def token_scores(pred: list[bool]) -> dict[str, float]:
        tp = sum(g and p for g, p in zip(gold, pred))
        return prf(tp, sum(p and not g for g, p in zip(gold, pred)), sum(g and not p for g, p in zip(gold, pred)))

    def entity_scores(pred: list[bool]) -> dict[str, float]:
        g, p = entities(gold), entities(pred)
        return prf(len(g & p), len(p - g), len(g - p))

    result = {
        "tokens": len(tokens), "gold_pers_tokens": sum(gold), "seconds": round(seconds, 2),
        "all_person_spans": {"token": token_scores(pred_all), "entity_exact": entity_scores(pred_all)},
        "pattern_persons_only": {"token": token_scores(pred_pat), "entity_exact": entity_scores(pred_pat)},
    }
    print(json.dumps(result, ensure_ascii=False, indent=None if a.json else 2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
