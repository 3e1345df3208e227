"""Run the cleaner over the 796 Al Mayadeen articles and check it keeps every body paragraph.

    python bench/clean_almayadeen.py [--data ../shared/data/almayadeen-syria-articles] [--repeat 3]

Checks and prints:
- summaries: how many articles repeat `description` in `full_text`, and that each cleaned text
  holds it exactly once;
- lost paragraphs: every non-blank line of `full_text` must either lie inside a removed piece
  (listed by reason) or appear, normalised, as a paragraph of the cleaned text; anything else is
  a lost paragraph (expected: 0);
- what was removed for reasons other than the summary/title repeat (for eyeballing);
- throughput on one core (docs/s, MB/s) over `--repeat` passes.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

from rasd.clean.normalize import normalize_key
from rasd.clean.pipeline import CleanOptions, clean_document, learn_site_boilerplate, load_lexicon
from rasd.document import Document, Origin, sha256_hex

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / ".." / "shared" / "data" / "almayadeen-syria-articles"
#: Reasons that repeat text kept elsewhere (not a loss even when the line is gone from the body).
REPEAT_REASONS = {"repeated_summary", "repeated_title"}


def load(data: Path) -> list[Document]:
    """The corpus as the JSON Lines reader would hand it to the cleaner (text == raw_text)."""
    docs = []
    for path in sorted(data.glob("*.jsonl")):
        with open(path, encoding="utf-8") as f:
            for i, line in enumerate(f, 1):
                r = json.loads(line)
                text = r["full_text"]
                meta = {k: r[k] for k in ("title", "description", "url", "keywords") if r.get(k)}
                docs.append(Document(
                    id=sha256_hex(f"{r['url']}#{i}")[:20], text=text, raw_text=text,
                    origin=Origin(path=str(path), url=r["url"], record=i, raw_sha256=sha256_hex(line)),
                    title=r.get("title"), published=(r.get("published_time") or "")[:10] or None,
                    published_source="metadata" if r.get("published_time") else None, meta=meta))
    return docs


def raw_paragraphs(doc: Document) -> list[str]:
    """The cleaned paragraphs as the raw page wrote them: the offset map's pieces, without the
    spaces the cleaner put inside glued words (rasd.clean.glue), so paragraphs compare with raw lines."""
    paras: list[str] = []
    prev_end = None
    for seg in doc.offset_map:
        piece = doc.raw_text[seg.raw_start:seg.raw_start + seg.length]
        if prev_end is not None and seg.clean_start - prev_end == 1 and doc.text[prev_end] == " ":
            paras[-1] += piece          # a space the glue splitter inserted: same raw paragraph
        else:
            paras.append(piece)
        prev_end = seg.clean_start + seg.length
    return paras


SEP = "\u2029"   # paragraph separator: a summary counts only as whole paragraphs, not inside one


def paragraph_keys(paragraphs: list[str]) -> str:
    """Normalised paragraphs joined and bounded by SEP."""
    return SEP + SEP.join(k for k in (normalize_key(p) for p in paragraphs) if k) + SEP


def occurrences(haystack: str, description: str) -> int:
    """How many times the description stands as whole paragraph(s) in a `paragraph_keys` string."""
    needle = paragraph_keys(description.split("\n"))
    return haystack.count(needle) if needle != SEP * 2 else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(DEFAULT))
    ap.add_argument("--repeat", type=int, default=3, help="passes for the throughput figure")
    ap.add_argument("--show", type=int, default=15, help="examples of removed lines to print")
    a = ap.parse_args()
    data = Path(a.data)
    if not data.is_dir():
        print(f"skip: no corpus at {data}")
        return 0
    docs = load(data)
    lex = load_lexicon()
    opts = CleanOptions()

    site = learn_site_boilerplate((d.outlet or "الميادين", d.text) for d in docs)
    print(f"articles: {len(docs)}; site boilerplate lines learnt: {sum(len(v) for v in site.values())}")

    cleaned = [clean_document(d, opts, lex)[0] for d in docs]
    with_repeat = once_after = 0
    lost: list[tuple[str, str]] = []
    by_reason: Counter[str] = Counter()
    examples: list[tuple[str, str]] = []
    n_lines = 0
    unbacked: list[tuple[str, str]] = []   # removed as a repeat, yet no copy kept
    for src, out in zip(docs, cleaned):
        desc = src.meta.get("description", "")
        src_key = paragraph_keys(src.text.split("\n"))
        out_paras = raw_paragraphs(out)
        out_key = paragraph_keys(out_paras)
        if occurrences(src_key, desc) >= 2:
            with_repeat += 1
            once_after += occurrences(out_key, desc) == 1
        paragraphs = {normalize_key(p) for p in out_paras}
        spans = [(r.start, r.end, r.reason) for r in out.removed if r.start is not None]
        pos = 0
        for raw_line in src.text.split("\n"):
            start, pos = pos, pos + len(raw_line) + 1
            key = normalize_key(raw_line)
            if not key:
                continue
            n_lines += 1
            s = start + (len(raw_line) - len(raw_line.lstrip()))
            hit = next((reason for rs, re_, reason in spans if rs <= s < re_), None)
            if hit in REPEAT_REASONS and key not in paragraphs and key != normalize_key(out.title or ""):
                unbacked.append((hit, raw_line[:110]))
            if hit:
                by_reason[hit] += 1
                if hit not in REPEAT_REASONS and len(examples) < a.show:
                    examples.append((hit, raw_line.strip()[:110]))
            elif key not in paragraphs:
                lost.append((src.origin.url or "", raw_line[:110]))
    print(f"summary repeated in full_text: {with_repeat} articles; exactly once after cleaning: {once_after}")
    print(f"source lines: {n_lines}; removed by reason: {dict(by_reason.most_common())}")
    print(f"lost body paragraphs (neither removed nor in the cleaned text): {len(lost)}")
    for url, line in lost[:10]:
        print(f"  LOST {line!r}  ({url[:80]})")
    print(f"removed as a repeat but with no copy kept (should be 0): {len(unbacked)}")
    for reason, line in unbacked[:5]:
        print(f"  UNBACKED {reason} {line!r}")
    print("removed lines other than title/summary repeats (first ones):")
    for reason, line in examples:
        print(f"  {reason:18} {line!r}")

    size = sum(len(d.text.encode("utf-8")) for d in docs)
    t0 = time.perf_counter()
    for _ in range(a.repeat):
        for d in docs:
            clean_document(d, opts, lex)
    dt = time.perf_counter() - t0
    n = len(docs) * a.repeat
    print(f"throughput (one core): {n / dt:.0f} docs/s, {size * a.repeat / dt / 1e6:.2f} MB/s "
          f"(mean page {size / len(docs) / 1024:.1f} KiB, {a.repeat} passes)")
    return 1 if lost or unbacked or once_after != with_repeat else 0


if __name__ == "__main__":
    sys.exit(main())
