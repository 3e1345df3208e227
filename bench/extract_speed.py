"""Throughput of extraction (all finders + events) on the Al Mayadeen corpus, one core.

    python bench/extract_speed.py [--corpus ../shared/data/almayadeen-syria-articles/...jsonl] [--limit N] [--ner] [--rules-too]

Documents are built from `full_text` (no cleaning) with `published_time` as their date; the
extractor is built once and warmed on one page (loading lexicons, gazetteer and knowledge base and
building their automata is reported apart as "load").
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / ".." / "shared" / "data" / "almayadeen-syria-articles" / "almayadeen_syria_2023-01_2024-08.jsonl"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(CORPUS))
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--ner", action="store_true", help="with the CRF name tagger's persons (ExtractOptions.ner_persons)")
    ap.add_argument("--rules-too", action="store_true", help="then the same with the rules alone, in the same run")
    a = ap.parse_args()
    if not Path(a.corpus).exists():
        print(f"skip: no corpus at {a.corpus}")
        return 0
    from rasd.document import Document, Origin, make_doc_id, sha256_hex
    from rasd.extract.events import ExtractOptions

    docs = []
    with open(a.corpus, encoding="utf-8") as f:
        for i, line in enumerate(f):
            r = json.loads(line)
            text = (r.get("full_text") or "").strip()
            if not text:
                continue
            docs.append(Document(id=make_doc_id(r.get("url") or str(i), sha256_hex(text)), text=text,
                                 origin=Origin(url=r.get("url")), published=(r.get("published_time") or "")[:10] or None,
                                 published_source="metadata", cleaned=True))
            if a.limit and len(docs) >= a.limit:
                break
    for learned in ((True, False) if a.rules_too else (True,)):
        if a.rules_too:
            print(f"-- {'learned decisions (default)' if learned else 'rules alone (learned = false)'}")
        measure(docs, ExtractOptions(ner_persons=a.ner, learned=learned))
    return 0


def measure(docs, options) -> None:
    from rasd.extract.stage import ExtractStage

    t0 = time.perf_counter()
    stage = ExtractStage(options)
    # Lexicons, automata and regexes are built lazily on first use; one page through the stage
    # first puts that one-time cost in "load", where it belongs, not in the per-document rate.
    list(ExtractStage(extractor=stage.extractor).run(docs[:1]))
    t1, c1 = time.perf_counter(), time.process_time()
    out = list(stage.run(docs))
    t2, c2 = time.perf_counter(), time.process_time()
    mb = sum(len(d.text.encode("utf-8")) for d in docs) / 1e6
    n_ev = sum(len(d.events) for d in out)
    print(f"load {t1 - t0:.2f}s; {len(docs)} docs, {mb:.1f} MB in {t2 - t1:.2f}s: "
          f"{len(docs) / (t2 - t1):.1f} docs/s, {mb / (t2 - t1):.2f} MB/s; {n_ev} events "
          f"({n_ev / max(1, len(docs)):.2f}/doc); CPU {c2 - c1:.2f}s = {len(docs) / (c2 - c1):.1f} docs/s")
    by_ner = sum(any(a.get("actor_id") is None and a.get("kind") == "person" for a in ev.actors)
                 and any(s.produced_by == "ner" for s in d.spans) for d in out for ev in d.events)
    print(f"{sum(s.produced_by == 'ner' for d in out for s in d.spans)} tagger names kept; "
          f"events with an unlisted person where the tagger ran: {by_ner}")
    print(json.dumps(stage.counters.as_dict(), ensure_ascii=False), file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
