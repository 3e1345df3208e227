"""Agreement between the two independent labellings of the doubly labelled articles.

    python bench/eval_agreement.py [--shared ../shared] [--json]

Each labelling is scored against the other with ../shared/tools/score.py's own matching (one side as
gold, the other as a system's output), in both directions: the event F1 and the field accuracies
are the ceiling a machine can be held to on this corpus. Genre agreement is the share of articles
given the same genre.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from rasd.evaluation.corpus import CorpusMissing, LabelledCorpus  # noqa: E402
from rasd.evaluation.scoring import evaluate, load_scorer  # noqa: E402


def as_system(gold: list[dict]) -> list[dict]:
    """Gold events written as the pipeline's event export, so the scorer can read them as output."""
    out = []
    for g in gold:
        loc = g.get("location")
        out.append({
            "id": g["id"], "type": g["type"],
            "location": ({"text": loc["ar"][0], "name": loc["ar"][0], "aliases": loc["ar"], "name_en": loc.get("en")}
                         if loc else None),
            "date": {"value": g["date"]},
            "actors": [{"text": a} for a in g["actors"]],
            "attribution": [{"text": g["attributed_to"]}] if g.get("attributed_to") else [],
            "quantities": g["quantities"], "modality": g["modality"],
            "mentions": [{"doc_id": g["doc"], "text": g["evidence"]}],
        })
    return out


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(l) for l in path.open(encoding="utf-8") if l.strip()]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    try:
        corpus = LabelledCorpus.load(ROOT / "eval", a.shared)
        ga, gb = (corpus.with_evidence(read_jsonl(ROOT / f"eval/agreement/{x}.jsonl")) for x in ("a", "b"))
    except (CorpusMissing, FileNotFoundError) as e:
        print(f"skip: {e}")
        return 0
    sc = load_scorer(Path(a.shared) / "tools" / "score.py")
    keys = sorted({g["doc"] for g in ga} | {g["doc"] for g in gb})
    pa, pb = ({r["doc"]: r["genre"] for r in read_jsonl(ROOT / f"eval/agreement/{x}_pages.jsonl")} for x in ("a", "b"))
    docs = [{"id": k, "origin": {"path": None, "url": k, "part": 0}} for k in keys]
    out = {"articles": len(pa), "events_a": len(ga), "events_b": len(gb),
           "required_a": sum(g["required"] for g in ga), "required_b": sum(g["required"] for g in gb),
           "genre_agreement": sum(pa[k] == pb.get(k) for k in pa) / len(pa) if pa else None}
    for name, gold, other in (("b_against_a", ga, gb), ("a_against_b", gb, ga)):
        rep = evaluate(sc, docs, as_system(other), gold)
        out[name] = {**{k: rep["headline"][k] for k in ("recall", "precision", "f1", "date_accuracy", "attribution_accuracy",
                                                        "quantity_accuracy", "modality_accuracy", "actor_accuracy")},
                     "place_accuracy": rep["place_accuracy"], "missed_by_cause": rep["missed_by_cause"]}
    if a.json:
        print(json.dumps(out, ensure_ascii=False))
        return 0
    f = lambda v: "—" if v is None else (f"{v:.3f}" if isinstance(v, float) else str(v))
    print(f"{out['articles']} articles labelled twice: A {out['events_a']} events ({out['required_a']} required), "
          f"B {out['events_b']} ({out['required_b']} required); genre agreement {f(out['genre_agreement'])}")
    for name in ("b_against_a", "a_against_b"):
        r = out[name]
        print(f"  {name}: " + "  ".join(f"{k.replace('_accuracy', '')} {f(v)}" for k, v in r.items() if k != "missed_by_cause")
              + f"  missed by cause {r['missed_by_cause']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
