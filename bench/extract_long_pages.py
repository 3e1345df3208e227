"""Extraction time against page length: it must grow linearly (issue 12: 1-3.5 MB pages took 14-109 s).

    python bench/extract_long_pages.py [--sizes 250,1000,4000]

Builds pages from our own news paragraph repeated N times, cleans and extracts each, and prints
seconds, characters per second and the ratio of time per character to the smallest page's
(about 1.0 everywhere when linear; the quadratic version gave 1.0 / 1.6 / 5.3 at 40 KB / 160 KB / 650 KB).
"""
from __future__ import annotations

import argparse
import time

from rasd.clean.pipeline import clean_document
from rasd.document import Document, Origin
from rasd.extract.stage import ExtractStage

PARA = ("قالت مصادر محلية إن قوات النظام قصفت بلدة كفرنبل في ريف إدلب الجنوبي يوم الخميس، ما أدى إلى مقتل "
        "ثلاثة مدنيين وإصابة عشرة آخرين، بحسب المرصد السوري لحقوق الإنسان.\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="250,1000,4000")
    a = ap.parse_args()
    stage = ExtractStage()
    base = None
    for n in (int(x) for x in a.sizes.split(",")):
        text = PARA * n
        d = Document(id=f"p{n}", text=text, raw_text=text, origin=Origin(path=f"p{n}.txt"), published="2024-01-05")
        t0 = time.perf_counter()
        list(stage.run([clean_document(d)[0]]))
        dt = time.perf_counter() - t0
        per = dt / len(text)
        base = base or per
        print(f"{len(text):>9} chars  {dt:6.2f} s  {len(text) / dt:>9.0f} chars/s  time per char x{per / base:.2f}")


if __name__ == "__main__":
    main()
