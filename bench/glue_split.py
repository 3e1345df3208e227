"""How many glued tokens the cleaner splits on the two corpora, a sample to check, and the speed cost.

    python bench/glue_split.py [--shared ../shared] [--sample 30] [--seed 1] [--speed]

For each corpus (Al Mayadeen, multisource) prints the Arabic tokens, the tokens split and the
pages with a split, the most frequent splits, and `--sample` random splits with their context for
a person to judge. `--speed` also cleans every page with and without splitting (one core, best of
`--repeat` passes) and prints docs/s for both.
"""
from __future__ import annotations

import argparse
import json
import random
import time
from collections import Counter
from pathlib import Path

from rasd.clean.glue import WORD, GlueSplitter, outlet_spellings, packaged_splitter
from rasd.clean.pipeline import CleanOptions, clean_document, load_lexicon
from rasd.document import Document, Origin, sha256_hex

ROOT = Path(__file__).resolve().parents[1]
CORPORA = {
    "almayadeen": ("data/almayadeen-syria-articles", "full_text"),
    "multisource": ("data/arabic-conflict-news-multisource", "text"),
}


def load(shared: Path, name: str) -> list[Document]:
    """The corpus's pages as the JSON Lines reader would hand them to the cleaner."""
    folder, field = CORPORA[name]
    docs = []
    for path in sorted((shared / folder).glob("*.jsonl")):
        with open(path, encoding="utf-8") as f:
            for i, line in enumerate(f, 1):
                r = json.loads(line)
                text = r.get(field) or ""
                meta = {k: r[k] for k in ("title", "description", "url", "author") if r.get(k)}
                docs.append(Document(id=sha256_hex(f"{name}#{i}")[:20], text=text, raw_text=text,
                                     origin=Origin(path=str(path), url=r.get("url"), record=i),
                                     title=r.get("title"), meta=meta))
    return docs


def speed(docs: list[Document], options: CleanOptions, repeat: int, splitter: GlueSplitter) -> float:
    """Best docs/s of `repeat` passes of `clean_document`, each with the splitter's cache cold."""
    lex = load_lexicon(())
    best = float("inf")
    for _ in range(repeat):
        splitter.clear_cache()
        t = time.perf_counter()
        for d in docs:
            clean_document(d, options, lex)
        best = min(best, time.perf_counter() - t)
    return len(docs) / best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=str(ROOT / ".." / "shared"))
    ap.add_argument("--sample", type=int, default=30)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--speed", action="store_true")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    shared = Path(args.shared)
    lex = load_lexicon(())
    splitter = packaged_splitter(outlet_spellings(lex.outlets))   # the one the cleaner uses
    rng = random.Random(args.seed)
    for name in CORPORA:
        docs = load(shared, name)
        tokens = 0
        found: list[tuple[str, str, str]] = []      # (token, parts, context)
        pages = 0
        for d in docs:
            tokens += len(WORD.findall(d.text))
            splits = splitter.find(d.text)
            pages += bool(splits)
            for s in splits:
                ctx = d.text[max(0, s.start - 30):s.end + 30].replace("\n", " ")
                found.append((d.text[s.start:s.end], " | ".join(s.parts), ctx))
        print(f"== {name}: {len(docs)} pages, {tokens} Arabic tokens, {len(found)} tokens split "
              f"({len(found) / max(1, tokens):.3%}), {pages} pages with a split")
        top = Counter(p for _, p, _ in found).most_common(10)
        print("  most frequent: " + "; ".join(f"{p} ×{n}" for p, n in top))
        print(f"  random sample of {min(args.sample, len(found))}:")
        for i, (tok, parts, ctx) in enumerate(rng.sample(found, min(args.sample, len(found))), 1):
            print(f"  {i:2d}. {tok} -> {parts}    …{ctx}…")
        if args.speed:
            before = speed(docs, CleanOptions(split_glued=False), args.repeat, splitter)
            after = speed(docs, CleanOptions(), args.repeat, splitter)
            print(f"  cleaning speed: {before:.1f} docs/s without splitting, {after:.1f} docs/s with "
                  f"({after / before - 1:+.1%})")


if __name__ == "__main__":
    main()
