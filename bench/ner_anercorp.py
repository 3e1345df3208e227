"""The CRF name tagger on ANERcorp's test part: entity P/R/F1 per type, tagging speed, pattern baseline.

    python bench/ner_anercorp.py [--shared ../shared] [--json]

The split is the one training uses (`rasd.extract.ner.corpus.split_train_test`: corpus order,
the last ~17 % of tokens). Speed is tokens per second of `NameTagger.tag_many` over the whole
test part, once cold (every word's weights computed for the first time) and once warm, on one core.
The baseline is what the pattern person finder (`ActorFinder`, titles, reporting verbs, kunyas
and knowledge-base persons) finds on the same sentences, scored as PERS entities (exact span).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: Sentences per text given to the pattern finder (enough context for its rules, as in actors_anercorp.py).
SENTENCES_PER_CHUNK = 20


def pattern_tags(sentences: list[list[tuple[str, str]]]) -> list[list[str]]:
    """IOB PERS tags from the pattern person finder's PERSON spans over the joined tokens."""
    from rasd.extract.actors import ActorFinder, ActorKB

    finder = ActorFinder(ActorKB.load_default())
    out: list[list[str]] = []
    for i in range(0, len(sentences), SENTENCES_PER_CHUNK):
        chunk = sentences[i:i + SENTENCES_PER_CHUNK]
        tokens = [tok for s in chunk for tok, _ in s]
        starts, pos = [], 0
        for tok in tokens:
            starts.append(pos)
            pos += len(tok) + 1
        text = " ".join(tokens)
        owner = [-1] * (len(text) + 1)
        for k, span in enumerate(finder.find(text)):
            if span.label == "PERSON":
                owner[span.start:span.end] = [k] * (span.end - span.start)
        tags, prev = [], -1
        for s in starts:
            k = owner[s]
            tags.append("O" if k < 0 else ("I-PERS" if k == prev else "B-PERS"))
            prev = k
        j = 0
        for s in chunk:
            out.append(tags[j:j + len(s)])
            j += len(s)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=str(ROOT / ".." / "shared"))
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    from rasd.extract.ner import NameTagger, default_model_path, evaluate, read_iob, split_sentences, split_train_test
    from rasd.extract.ner.train import ANERCORP, normalized_words

    corpus = Path(a.shared) / ANERCORP
    if not corpus.is_file():
        print(f"skip: no ANERcorp at {corpus}")
        return 0
    if not default_model_path().is_file():
        print(f"skip: no model at {default_model_path()} (rasd train ner)")
        return 0
    _, test = split_train_test(split_sentences(read_iob(corpus)))
    words = [normalized_words(s) for s in test]
    gold = [[tag for _, tag in s] for s in test]
    tagger = NameTagger(default_model_path())
    n = sum(len(w) for w in words)
    t0 = time.perf_counter()
    pred = tagger.tag_many(words)
    t1 = time.perf_counter()
    tagger.tag_many(words)
    t2 = time.perf_counter()
    scores = evaluate(gold, pred)
    pers_only = [[t if t.endswith("PERS") else "O" for t in g] for g in gold]
    crf_pers = [[t if t.endswith("PERS") else "O" for t in p] for p in pred]
    t3 = time.perf_counter()
    pattern = pattern_tags(test)
    t4 = time.perf_counter()
    result = {
        "test_tokens": n, "test_sentences": len(test),
        "crf": scores,
        "speed_tokens_per_s": {"cold": round(n / (t1 - t0)), "warm": round(n / (t2 - t1))},
        "pers_exact": {"crf": evaluate(pers_only, crf_pers)["per_type"]["PERS"],
                       "patterns": evaluate(pers_only, pattern)["per_type"]["PERS"]},
        "pattern_tokens_per_s": round(n / (t4 - t3)),
    }
    if a.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    print(f"ANERcorp test part: {len(test)} sentences, {n} tokens; token accuracy {scores['token_accuracy']:.4f}")
    print(f"  {'type':<9}{'precision':>10}{'recall':>9}{'F1':>8}{'gold':>7}")
    for name, sc in [*scores["per_type"].items(), ("overall", scores["overall"])]:
        print(f"  {name:<9}{sc['precision']:>10.3f}{sc['recall']:>9.3f}{sc['f1']:>8.3f}{sc['tp'] + sc['fn']:>7}")
    print(f"tagging: {result['speed_tokens_per_s']['cold']} tokens/s cold, {result['speed_tokens_per_s']['warm']} warm (one core)")
    for name, sc in result["pers_exact"].items():
        print(f"PERS exact span, {name:<9} P {sc['precision']:.3f}  R {sc['recall']:.3f}  F1 {sc['f1']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
