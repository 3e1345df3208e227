"""Print pairs the linker proposes, for a person to read and judge (precision by hand).

    python bench/link_review.py --db STORE [--kind near|story|fused|disputed] [--n 50] [--seed 1]

`near`: duplicate pairs (exact and near) with their estimated Jaccard and the start of both texts.
`story`: a seeded random sample of (document, the document it matched when it joined a story).
`fused`: a seeded random sample of fused events with two or more sources and their mentions.
`disputed`: the same for fused events whose sources disagree, with the disputed values.
"""
from __future__ import annotations

import argparse
import random

from sqlalchemy import select

from rasd.store.links import link_duplicates, list_fused_events, story_documents
from rasd.store.schema import documents
from rasd.store.sqlite import SqliteStore


def _doc(conn, doc_id: str) -> tuple[str, str, str]:
    r = conn.execute(select(documents.c.title, documents.c.published, documents.c.text)
                     .where(documents.c.id == doc_id)).first()
    return (r.title or "", r.published or "", " ".join(r.text.split())) if r else ("", "", "")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--kind", choices=("near", "story", "fused", "disputed"), default="story")
    ap.add_argument("--n", type=int, default=50)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--chars", type=int, default=220)
    args = ap.parse_args()
    store = SqliteStore(args.db)
    rnd = random.Random(args.seed)
    with store.engine.connect() as conn:
        if args.kind == "near":
            rows = conn.execute(select(link_duplicates).order_by(link_duplicates.c.jaccard)).mappings().all()
            pairs = [(r["doc_id"], r["canonical_id"], f"{r['kind']} J={r['jaccard']}") for r in rows][: args.n]
        elif args.kind == "story":
            rows = conn.execute(select(story_documents).where(story_documents.c.matched_doc_id.is_not(None),
                                                              story_documents.c.role == "member")).mappings().all()
            rows = rnd.sample(list(rows), min(args.n, len(rows)))
            pairs = [(r["doc_id"], r["matched_doc_id"], f"{r['story_id']} score={r['score']}") for r in rows]
        else:
            evs = list_fused_events(store, disputed=args.kind == "disputed", min_sources=2)
            for i, ev in enumerate(rnd.sample(evs, min(args.n, len(evs))), 1):
                loc = (ev.location or {}).get("name")
                disputes = [(d["field"], [s["value"] for s in d["sides"]]) for d in ev.meta.get("disputes") or []]
                print(f"#{i} {ev.type} @ {loc} {ev.date.get('value')} modality={ev.modality} disputes={disputes}")
                for m in ev.mentions:
                    t, p, _ = _doc(conn, m["doc_id"])
                    print(f"   [{p}] {t[:70]} :: {m['text'][:160]}")
            store.close()
            return
        for i, (a, b, info) in enumerate(pairs, 1):
            ta, pa, xa = _doc(conn, a)
            tb, pb, xb = _doc(conn, b)
            print(f"#{i} {info}\n  A [{pa}] {ta}\n     {xa[:args.chars]}\n  B [{pb}] {tb}\n     {xb[:args.chars]}\n")
    store.close()


if __name__ == "__main__":
    main()
