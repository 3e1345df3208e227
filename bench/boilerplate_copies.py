"""Repeated and varied articles lose no body text to learnt site boilerplate (issue 12).

    python bench/boilerplate_copies.py [--n 20000] [--data ../shared/data/almayadeen-syria-articles]

Makes N pages from the Al Mayadeen corpus, each a copy of a real article with one line varied (a
suffix appended, as a re-issue with a fixed typo would), reads them as the pipeline does (site
from the URL host, never the author), learns site boilerplate over all N, cleans every page and
reports: lines learnt, characters removed as `site_boilerplate`, pages that lost more than half
of their body to it, and pages kept whole by the never-most-of-a-page guard.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
from rasd.clean.pipeline import clean_document, learn_site_boilerplate, site_of  # noqa: E402
from rasd.document import Document  # noqa: E402
from rasd.ingest.jsonl import read_jsonl_stream  # noqa: E402
from rasd.ingest.base import ReadOptions  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "data" / "almayadeen-syria-articles"


def variants(records: list[dict], n: int):
    for i in range(n):
        r = dict(records[i % len(records)])
        lines = r["full_text"].split("\n")
        j = (i // len(records)) % max(1, len(lines))
        if i >= len(records):
            lines[j] = lines[j] + f" ({i})"
            r["url"] = r["url"] + f"?v={i}"
        r["full_text"] = "\n".join(lines)
        yield json.dumps(r, ensure_ascii=False).encode("utf-8") + b"\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--data", default=str(DEFAULT))
    a = ap.parse_args()
    files = sorted(Path(a.data).glob("*.jsonl"))
    if not files:
        print(f"skip: no corpus at {a.data}")
        return 0
    records = [json.loads(l) for l in files[0].open(encoding="utf-8")]
    import io
    blob = io.BytesIO(b"".join(variants(records, a.n)))
    docs = [it.result for it in read_jsonl_stream(blob, path="copies.jsonl", options=ReadOptions())
            if isinstance(it.result, Document)]
    t0 = time.perf_counter()
    site = learn_site_boilerplate((site_of(d), d.text) for d in docs)
    t1 = time.perf_counter()
    removed = lost_half = kept = 0
    for d in docs:
        out = clean_document(d, site_boilerplate=site)[0]
        gone = sum(len(r.text) for r in out.removed if r.reason == "site_boilerplate")
        removed += gone
        lost_half += gone > 0.5 * len(d.text)
        kept += "site_boilerplate_kept" in out.meta
    print(f"{len(docs)} pages; learnt {sum(len(v) for v in site.values())} lines over {len(site)} site(s) "
          f"in {t1 - t0:.1f} s; removed as site_boilerplate: {removed} characters; pages losing over half "
          f"their text to it: {lost_half}; pages kept whole by the guard: {kept}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
