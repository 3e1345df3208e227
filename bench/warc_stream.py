"""WARC.gz streaming: reading speed and peak memory at two file sizes (flat memory = streaming).

    python bench/warc_stream.py [--sizes-mb 100,1000] [--modes full,reader,parse] [--dir /tmp] [--keep] [--shared ../shared]

Writes a per-record gzipped WARC of HTML pages of each size (MB of the .warc.gz file) into
`--dir` (never the repository), then reads it in a fresh process with `rasd.ingest.read_paths`
(warcio + trafilatura + Document per page) and reports records, docs/s, MB/s (of the .warc.gz
and of the uncompressed pages) and the child's peak RSS. `--modes reader` runs the same with
trafilatura replaced by a stub (the WARC reader's own cost and memory), `--modes parse` warcio
alone; trafilatura runs at ~0.3-1 MB/s of pages, so the full mode suits the smaller sizes.

Pages: the Al Mayadeen articles in ../shared/data (each wrapped in a news-site page: menu,
most-read list, scripts, footer), copied with unique URLs until the size is reached; where
../shared is absent, pages are generated from our own sentences. Files are deleted at the end
unless --keep.
"""
from __future__ import annotations

import argparse
import html
import io
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS_IN_SHARED = Path("data") / "almayadeen-syria-articles" / "almayadeen_syria_2023-01_2024-08.jsonl"
CORPUS = ROOT / ".." / "shared" / CORPUS_IN_SHARED  # --shared changes it

OWN_SENTENCES = [
    "قالت مصادر محلية إن اشتباكات اندلعت صباح اليوم في ريف المحافظة بين مجموعات مسلحة.",
    "وأضافت المصادر أن فرق الإسعاف نقلت عدداً من المصابين إلى المستشفى الوطني.",
    "وأعلنت السلطات عن افتتاح طريق جديد يربط القرى الشرقية بمركز المدينة.",
    "ووصلت قافلة مساعدات تضم شاحنات محملة بالمواد الغذائية والطبية إلى المخيم.",
    "وقال مسؤول في المجلس المحلي إن أعمال الترميم ستستمر حتى نهاية الشهر المقبل.",
]


def articles() -> list[dict]:
    """(title, text) records: the shared corpus, else our own generated ones."""
    if CORPUS.is_file():
        with open(CORPUS, encoding="utf-8") as f:
            recs = [json.loads(line) for line in f if line.strip()]
        return [{"title": r.get("title") or "", "text": r.get("full_text") or r.get("text") or ""}
                for r in recs if (r.get("full_text") or r.get("text"))]
    rng = random.Random(7)
    return [{"title": f"خبر رقم {i}", "text": "\n".join(rng.choice(OWN_SENTENCES) for _ in range(12))}
            for i in range(800)]


def page(article: dict, others: list[dict], n: int) -> bytes:
    """One news-site page around an article: menu, body, most-read list, scripts, footer."""
    menu = "".join(f"<li><a href='/section/{i}'>قسم {i}</a></li>" for i in range(40))
    body = "".join(f"<p>{html.escape(p)}</p>" for p in article["text"].split("\n") if p.strip())
    most_read = "".join(f"<li><a href='/news/{n}-{i}'>{html.escape(o['title'])}</a></li>" for i, o in enumerate(others))
    state = json.dumps({"related": [{"id": f"{n}-{i}", "title": o["title"]} for i, o in enumerate(others)]},
                       ensure_ascii=False)
    doc = (f"<!doctype html><html lang='ar' dir='rtl'><head><meta charset='utf-8'><title>{html.escape(article['title'])}</title>"
           f"<style>body{{font-family:sans-serif}} .nav li{{display:inline}}</style>"
           f"<script>window.__STATE__={state};</script></head><body>"
           f"<header><ul class='nav'>{menu}</ul></header><main><article><h1>{html.escape(article['title'])}</h1>"
           f"{body}</article><aside><h2>الأكثر قراءة</h2><ul>{most_read}</ul></aside></main>"
           f"<footer>جميع الحقوق محفوظة</footer></body></html>")
    return doc.encode("utf-8")


def write_warc(path: Path, target_bytes: int) -> dict:
    """Write a per-record gzipped WARC of at least `target_bytes`; return its figures."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    arts = articles()
    rng = random.Random(1)
    records = payload = 0
    with open(path, "wb") as f:
        w = WARCWriter(f, gzip=True)
        w.write_record(w.create_warcinfo_record(path.name, {"software": "rasd bench/warc_stream.py"}))
        while f.tell() < target_bytes:
            art = arts[records % len(arts)]
            data = page(art, rng.sample(arts, 10), records)
            url = f"https://news.example.org/article/{records}"
            hh = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(data), http_headers=hh))
            records += 1
            payload += len(data)
    return {"records": records, "payload_bytes": payload, "file_bytes": path.stat().st_size}


def _stub_html_item(raw, options, *, url=None, meta=None):
    """Stands in for trafilatura in `--mode reader`: a Document from the first bytes of the page."""
    from rasd.ingest.base import document_item

    return document_item(raw, (raw.data or b"")[:200].decode("utf-8", "replace"), options=options, fmt="html",
                         encoding="utf-8", url=url, meta=meta)


def child(path: str, parse_only: bool, mode: str = "full") -> None:
    """Read the file; print what was read as JSON (run in a fresh process for its peak RSS)."""
    if mode == "reader":
        from rasd.ingest import warc

        warc.html_reader.html_item = _stub_html_item  # the WARC reader without HTML extraction
    if parse_only or mode == "parse":
        from warcio.archiveiterator import ArchiveIterator

        n = size = 0
        with open(path, "rb") as f:
            for record in ArchiveIterator(f):
                if record.rec_type == "response":
                    size += len(record.content_stream().read())
                    n += 1
        print(json.dumps({"records": n, "payload_bytes": size}))
        return
    from collections import Counter

    from rasd.document import Document
    from rasd.ingest import ReadOptions, read_paths

    docs = chars = size = 0
    other: Counter = Counter()
    for item in read_paths([path], ReadOptions(), on_skip=lambda r: other.update([r])):
        size += item.raw.size
        if isinstance(item.result, Document):
            docs += 1
            chars += len(item.result.text)
        else:
            other[item.result.reason] += 1
    print(json.dumps({"documents": docs, "text_chars": chars, "payload_bytes": size, "other": dict(other)}))


def measure(path: Path, mode: str) -> tuple[float, float, dict]:
    cmd = [sys.executable, __file__, "--child", str(path), "--mode", mode]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]))
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, env=env)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)  # this child's own rusage
    seconds = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"child failed on {path}")
    return seconds, usage.ru_maxrss / 1024.0, json.loads(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes-mb", default="100,1000", help="sizes of the .warc.gz files, in MB (10^6 bytes)")
    ap.add_argument("--dir", default=os.environ.get("TMPDIR", "/tmp"))
    ap.add_argument("--parse-only", action="store_true", help="the same as --modes parse")
    ap.add_argument("--modes", default="full",
                    help="comma-separated: full (read_paths: warcio + trafilatura + Document), reader (the "
                         "same with trafilatura replaced by a stub: the WARC reader's own cost), parse (warcio alone)")
    ap.add_argument("--mode", default="full", help=argparse.SUPPRESS)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--shared", default=str(ROOT / ".." / "shared"))
    ap.add_argument("--child")
    args = ap.parse_args()
    global CORPUS
    CORPUS = Path(args.shared) / CORPUS_IN_SHARED
    if args.child:
        child(args.child, args.parse_only, args.mode)
        return
    modes = ["parse"] if args.parse_only else args.modes.split(",")
    names = {"full": "read_paths (warcio + trafilatura + Document)",
             "reader": "read_paths, trafilatura stubbed (warcio + rasd's WARC reader + hashing + Document)",
             "parse": "warcio alone (records parsed, payloads read)"}
    print(f"load average: {os.getloadavg()}; corpus: {'../shared Al Mayadeen' if CORPUS.is_file() else 'own sentences'}")
    print("| mode | .warc.gz MB | pages MB | records | seconds | docs/s | MB/s (.gz) | MB/s (pages) | peak RSS MB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for mb in (int(s) for s in args.sizes_mb.split(",")):
        path = Path(args.dir) / f"rasd-bench-{mb}mb.warc.gz"
        made = write_warc(path, mb * 1_000_000) if not path.exists() else {"file_bytes": path.stat().st_size}
        try:
            for mode in modes:
                seconds, rss, out = measure(path, mode)
                n = out.get("documents", out.get("records"))
                payload = made.get("payload_bytes", out.get("payload_bytes", 0))
                print(f"| {mode} | {made['file_bytes'] / 1e6:.0f} | {payload / 1e6:.0f} | {n} | {seconds:.1f} "
                      f"| {n / seconds:.0f} | {made['file_bytes'] / 1e6 / seconds:.1f} | {payload / 1e6 / seconds:.1f} "
                      f"| {rss:.0f} |", flush=True)
                if out.get("other"):
                    print(f"  ({mode}: not documents: {out['other']})", flush=True)
        finally:
            if not args.keep:
                path.unlink(missing_ok=True)
    print(f"modes: " + "; ".join(f"{m} = {names[m]}" for m in modes))
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
