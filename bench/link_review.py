"""Print pairs the linker proposes, for a person to read and judge (precision by hand).

    python bench/link_review.py --db STORE [--kind near|near-ranked|story|story-pairs|fused|disputed] [--n 50]

`near`: duplicate pairs (exact and near) with their estimated Jaccard and the start of both texts.
`near-ranked`: the `n` most similar document pairs by estimated Jaccard of their stored signatures,
whether or not the linker called them duplicates (marked `DUP` when it did): a corpus with fewer
duplicates than `n` still gets `n` pairs read, and the ones below the threshold show what it leaves out.
`story`: a seeded random sample of (document, the document it matched when it joined a story).
`story-pairs`: a seeded random sample of all document pairs that share a story (pairwise precision).
`fused`: a seeded random sample of fused events with two or more sources and their mentions.
`disputed`: the same for fused events whose sources disagree, with the disputed values.
"""
from __future__ import annotations

import argparse
import itertools
import random

import numpy as np

from sqlalchemy import select

from rasd.store.links import link_duplicates, link_signatures, list_fused_events, story_documents
from rasd.store.schema import documents
from rasd.store.sqlite import SqliteStore


def _doc(conn, doc_id: str) -> tuple[str, str, str]:
    r = conn.execute(select(documents.c.title, documents.c.published, documents.c.text)
                     .where(documents.c.id == doc_id)).first()
    return (r.title or "", r.published or "", " ".join(r.text.split())) if r else ("", "", "")


def _ranked_pairs(conn, n: int) -> list[tuple[str, str, str]]:
    """The `n` pairs with the highest estimated Jaccard (share of equal MinHash values), all pairs compared."""
    rows = conn.execute(select(link_signatures.c.doc_id, link_signatures.c.sig)).all()
    ids = [r.doc_id for r in rows]
    sigs = np.stack([np.frombuffer(bytes(r.sig), dtype=np.uint64) for r in rows])
    root = {r.doc_id: r.canonical_id for r in conn.execute(select(link_duplicates.c.doc_id,
                                                                  link_duplicates.c.canonical_id))}
    best: list[tuple[float, int, int]] = []
    for i in range(len(ids) - 1):
        j = (sigs[i + 1:] == sigs[i]).mean(axis=1)
        top = np.argsort(-j)[:n]
        best.extend((float(j[k]), i, i + 1 + int(k)) for k in top)
    best.sort(key=lambda t: -t[0])
    out = []
    for jac, i, k in best[:n]:
        a, b = ids[i], ids[k]
        mark = "DUP" if root.get(a, a) == root.get(b, b) else "not-dup"  # copies of one canonical too
        out.append((a, b, f"{mark} J~{jac:.2f}"))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--kind", choices=("near", "near-ranked", "story", "story-pairs", "fused", "disputed"),
                    default="story")
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
        elif args.kind == "near-ranked":
            pairs = _ranked_pairs(conn, args.n)
        elif args.kind == "story-pairs":
            rows = conn.execute(select(story_documents.c.story_id, story_documents.c.doc_id)
                                .order_by(story_documents.c.story_id, story_documents.c.doc_id)).all()
            by_story: dict[str, list[str]] = {}
            for r in rows:
                by_story.setdefault(r.story_id, []).append(r.doc_id)
            every = [(a, b, sid) for sid, ids in by_story.items() for a, b in itertools.combinations(ids, 2)]
            print(f"{len(every)} same-story pairs in {sum(len(v) > 1 for v in by_story.values())} stories")
            pairs = rnd.sample(every, min(args.n, len(every)))
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
                    print(f"   {m['doc_id']} [{p}] {t[:70]} :: {m['text'][:160]}")
            store.close()
            return
        for i, (a, b, info) in enumerate(pairs, 1):
            ta, pa, xa = _doc(conn, a)
            tb, pb, xb = _doc(conn, b)
            print(f"#{i} {info}\n  A {a} [{pa}] {ta}\n     {xa[:args.chars]}\n  B {b} [{pb}] {tb}\n     {xb[:args.chars]}\n")
    store.close()


if __name__ == "__main__":
    main()
