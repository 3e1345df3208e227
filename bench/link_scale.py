"""Linking speed and memory at 10k / 20k / 50k / 100k documents, and recall of planted near duplicates.

    python bench/link_scale.py [--sizes 10000,20000,50000,100000] [--planted 200] [--per-day 0]

Documents are the Al Mayadeen corpus (../shared/data, as stored by `rasd run`, when --db is given)
plus documents generated from OUR OWN sentence templates below (never from the corpus), each with
a few events so fusion has work. Each size runs in a fresh process-free pass over a new in-memory
Linker + SQLite file: time covers restore, dedup, stories, fusion and writing the links. Peak RSS
is read from the OS (ru_maxrss) of a child process that only links (the store is built by another).

Planted near duplicates: 200 of our generated documents are copied with small edits (words
dropped, swapped, a date line and an outlet tag added) and we report how many are linked to their
original.

Dates: by default every generated page falls in 2023, so more documents means more pages a day
(27 at 10k, 274 at 100k), all about the same 8 places and 4 event types, and stories and fusion
compare more candidates per page as the store grows. `--per-day N` spreads them over n / N days
from 2023-01-01 instead (a stream of N pages a day: more documents, a longer period). Each line
gives the time per document and its ratio to the first size's (1.0: linear).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from rasd.document import Document, Event, Origin, RawInput, Span, sha256_hex
from rasd.link.stage import Linker, member_from_row
from rasd.store.links import link_pending, list_duplicates
from rasd.store.sqlite import SqliteStore

PLACES = [
    ("حمص", "sy-homs", 34.73, 36.71, "حمص"), ("حماة", "sy-hama", 35.13, 36.75, "حماة"),
    ("إدلب", "sy-idlib", 35.93, 36.63, "إدلب"), ("حلب", "sy-aleppo", 36.2, 37.16, "حلب"),
    ("درعا", "sy-daraa", 32.62, 36.1, "درعا"), ("دير الزور", "sy-deir", 35.33, 40.14, "دير الزور"),
    ("الرقة", "sy-raqqa", 35.95, 39.01, "الرقة"), ("دوما", "sy-rd-douma", 33.57, 36.4, "ريف دمشق"),
]
ACTORS = [("قوات النظام", "sy_gov"), ("فصائل المعارضة", "opposition"), ("قوات سوريا الديمقراطية", "sdf"),
          ("تنظيم الدولة", "isis"), ("الجيش التركي", "turkey_forces")]
TYPES = [("air_strike", "شن الطيران الحربي غارات على"), ("shelling", "قصفت المدفعية أحياء في"),
         ("armed_clash", "اندلعت اشتباكات عنيفة في محيط"), ("territory_control", "أعلنت القوات سيطرتها على")]
FILLER = [
    "وأفاد مراسلنا بأن الأهالي نزحوا نحو القرى المجاورة خوفا من تجدد القصف.",
    "وقال مصدر طبي إن المستشفى الميداني استقبل عددا من الجرحى بينهم أطفال.",
    "وتشهد المنطقة توترا متصاعدا منذ أسابيع وسط غياب أي مبادرة للتهدئة.",
    "وأكد ناشطون أن الطرق الرئيسية أغلقت أمام حركة المدنيين حتى إشعار آخر.",
    "وطالبت منظمات إنسانية بفتح ممرات آمنة لإدخال المساعدات الغذائية والطبية.",
    "ويأتي ذلك بعد يومين من اجتماع عقده وجهاء المنطقة لبحث أوضاع المهجرين.",
    "وذكرت مصادر محلية أن الكهرباء انقطعت عن معظم الأحياء منذ ساعات الصباح.",
    "وأشار المصدر إلى أن فرق الدفاع المدني ما زالت تبحث عن مفقودين تحت الأنقاض.",
]

#: Our own words (from the filler sentences above), the vocabulary of the random sentences.
WORDS = sorted({w.strip(".،") for line in FILLER for w in line.split()} | {a[0] for a in ACTORS} | {p[0] for p in PLACES})


def generated(i: int, rnd: random.Random, days: int = 0) -> tuple[str, str, list[tuple]]:
    """One generated article from our templates: (text, published, [(type, place, actor, count)]).

    `days` 0: a day of 2023; else one of `days` days from 2023-01-01."""
    if days:
        day = (date(2023, 1, 1) + timedelta(days=rnd.randrange(days))).isoformat()
    else:
        day = f"2023-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
    lines, evs = [], []
    for _ in range(rnd.randint(2, 4)):
        (t, verb), p, a = rnd.choice(TYPES), rnd.choice(PLACES), rnd.choice(ACTORS)
        n = rnd.randint(1, 40)
        lines.append(f"{verb} {p[0]} صباح اليوم، وقالت مصادر إن {a[0]} تقف وراء الهجوم الذي أسفر عن مقتل {n} أشخاص.")
        evs.append((t, p, a, n))
    for _ in range(6):  # random sentences over our own words: generated pages must not be copies of each other
        lines.append(" ".join(rnd.choice(WORDS) for _ in range(rnd.randint(8, 14))) + ".")
    lines.append(f"(تقرير رقم {i} من غرفة الأخبار)")
    return " ".join(lines), day, evs


def make_doc(doc_id: str, text: str, published: str, evs: list[tuple]) -> Document:
    events, spans = [], []
    for k, (t, p, a, n) in enumerate(evs):
        loc = {"text": p[0], "name": p[0], "place_id": p[1], "lat": p[2], "lon": p[3], "admin1": p[4], "precision": "town"}
        i = max(text.find(p[0]), 0)
        spans.append(Span(i, i + len(p[0]), "PLACE", dict(loc), "bench", doc_id))
        spans.append(Span(0, 1, "ACTOR", {"actor_id": a[1], "name": a[0]}, "bench", doc_id))
        events.append(Event(id=f"{doc_id}-e{k}", type=t, doc_id=doc_id, actors=({"text": a[0], "name": a[0], "actor_id": a[1], "role": "actor"},),
                            location=loc, date={"value": published, "precision": "day", "basis": "document"},
                            quantities=({"value": n, "unit": "killed"},),
                            mentions=({"doc_id": doc_id, "start": 0, "end": 20, "text": text[:20]},)))
    return Document(id=doc_id, text=text, origin=Origin(path=f"{doc_id}.txt"), published=published, outlet="مولد",
                    spans=tuple(spans), events=tuple(events), cleaned=True)


def edit(text: str, rnd: random.Random) -> str:
    """A planted near duplicate: a few words dropped or swapped, a date line and an outlet tag added."""
    w = text.split()
    for _ in range(rnd.randint(1, 4)):
        j = rnd.randrange(len(w) - 1)
        if rnd.random() < 0.5:
            w.pop(j)
        else:
            w[j], w[j + 1] = w[j + 1], w[j]
    return "دمشق - خاص: " + " ".join(w) + " (وكالات)"


def put(store: SqliteStore, run: str, doc: Document) -> None:
    raw = RawInput(sha256=sha256_hex(doc.id), data=None, size=len(doc.text), path=doc.origin.path)
    store.put_result(raw, [doc], run)


def one_size(n: int, planted: int, real_db: str | None, per_day: int = 0, relink: bool = True) -> dict:
    rnd = random.Random(n)
    days = max(1, n // per_day) if per_day else 0
    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteStore(Path(tmp) / "s.db")
        run = store.begin_run({}, "bench")
        real = []
        if real_db:
            src = SqliteStore(real_db)
            real = [d for _, d in zip(range(n), src.iter_documents())]
            src.close()
        for d in real:
            put(store, run, d)
        originals = []  # (id, text, published, events) of each generated page: the copies are made from them
        for i in range(n - len(real) - planted):
            text, day, evs = generated(i, rnd, days)
            doc = make_doc(f"g{i:06d}", text, day, evs)
            put(store, run, doc)
            originals.append((doc.id, text, day, evs))
        pairs = []
        for k, (orig_id, text, day, evs) in enumerate(rnd.sample(originals, min(planted, len(originals)))):
            copy = make_doc(f"p{k:05d}", edit(text, rnd), day, evs)
            put(store, run, copy)
            pairs.append((copy.id, orig_id))
        del originals
        store.close()
        # linking runs in a fresh process, so its peak memory is its own, not the generator's
        cmd = [sys.executable, __file__, "--link", str(Path(tmp) / "s.db")]
        linked = json.loads(subprocess.check_output(cmd, text=True))
        store = SqliteStore(Path(tmp) / "s.db")
        dup = {d["doc_id"]: d["canonical_id"] for d in list_duplicates(store)}
        found = sum(dup.get(c) == o for c, o in pairs)
        t1 = time.perf_counter()
        again = link_pending(store, Linker(), member_from_row) if relink else None
        rerun = time.perf_counter() - t1
        store.close()
    return {"documents": n, "real": len(real), "per_day": per_day or None, "link_s": linked["link_s"],
            "link_cpu_s": linked["link_cpu_s"], "ms_per_doc": round(1000 * linked["link_s"] / n, 2),
            "relink_noop_s": round(rerun, 2) if again else None, "relinked_docs": len(again.documents) if again else None,
            "planted": len(pairs),
            "planted_found": found, "recall": round(found / len(pairs), 3) if pairs else None,
            "counters": linked["counters"], "peak_rss_mb": linked["peak_rss_mb"]}


def link_store(path: str) -> dict:
    """Link a stored bench corpus: wall and CPU seconds, counters, this process's peak RSS."""
    store = SqliteStore(path)
    t0, c0 = time.perf_counter(), time.process_time()
    result = link_pending(store, Linker(), member_from_row)
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    store.close()
    return {"link_s": round(elapsed, 2), "link_cpu_s": round(cpu, 2), "counters": result.counters,
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,20000,50000,100000")
    ap.add_argument("--planted", type=int, default=200)
    ap.add_argument("--db", default=None, help="a store of the real corpus (rasd run ../shared/data/almayadeen-...)")
    ap.add_argument("--per-day", type=int, default=0, help="generated pages a day (0: all in 2023, as before)")
    ap.add_argument("--no-relink", action="store_true", help="skip the second, no-op link run")
    ap.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--link", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.link:
        print(json.dumps(link_store(args.link), ensure_ascii=False))
        return
    if args.one:
        print(json.dumps(one_size(args.one, args.planted, args.db, args.per_day, not args.no_relink), ensure_ascii=False))
        return
    first = None
    for n in map(int, args.sizes.split(",")):
        cmd = [sys.executable, __file__, "--one", str(n), "--planted", str(args.planted), "--per-day", str(args.per_day)]
        cmd += ["--no-relink"] if args.no_relink else []
        out = json.loads(subprocess.check_output(cmd + (["--db", args.db] if args.db else []), text=True))
        first = first or out
        # time per document against the first size's: 1.0 is linear, 2.0 twice the time a document
        out["vs_linear"] = round((out["link_s"] / n) / (first["link_s"] / first["documents"]), 2)
        out["cpu_vs_linear"] = round((out["link_cpu_s"] / n) / (first["link_cpu_s"] / first["documents"]), 2)
        out["load_1min"] = os.getloadavg()[0]
        print(json.dumps(out, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
