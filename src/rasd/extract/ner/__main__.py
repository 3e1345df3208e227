"""`python -m rasd.extract.ner train [--shared DIR | --corpus FILE] [--out PATH]`: rebuild the shipped model."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and train; prints the model card (with the test-part figures)."""
    ap = argparse.ArgumentParser(prog="python -m rasd.extract.ner", description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    tr = sub.add_parser("train", help="train on ANERcorp's training part, score on its test part")
    tr.add_argument("--shared", default="../shared", help="the shared folder holding data/anercorp/")
    tr.add_argument("--corpus", default=None, help="an ANERcorp file (overrides --shared)")
    tr.add_argument("--out", default=None, help="model path (default: the shipped rasd/data/models/ file)")
    a = ap.parse_args(argv)
    from rasd.extract.ner.train import ANERCORP, train

    corpus = Path(a.corpus) if a.corpus else Path(a.shared) / ANERCORP
    try:
        card = train(corpus, a.out)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(card, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
