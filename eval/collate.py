"""Turn the labellers' files into the project's gold: labels and offsets, no article text.

    python eval/collate.py --workspace /work/labelling [--shared ../shared]
    python eval/collate.py --workspace /work/labelling2 --append [--shared ../shared]

The labelling workspace (outside the repository: it holds article texts) has one folder per batch
(`batches/pNN` first labelling, `batches/sNN` second, independent labelling of the doubly labelled
articles, `adjudicate/aNN` the settled version of those) and `index.json` / `adj_index.json`
mapping each file to its article key. Writes:
- eval/gold/events.jsonl   one line per gold event (settled labels for the doubly labelled articles)
- eval/gold/pages.jsonl    one line per labelled article: its genre
- eval/agreement/a.jsonl, b.jsonl   the two independent labellings of the doubly labelled articles
Evidence quotes become `evidence_start`/`evidence_end`, character offsets into the article's text
field in ../shared; free-text notes are dropped (they may quote the article).

`--append` adds a later draw (`eval/select.py --extra`, labelled once, `batches/qNN`) to the gold
files as they are: the first draw's workspace is not needed and its labels are left untouched;
new event ids continue the numbering.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from rasd.evaluation.corpus import LabelledCorpus  # noqa: E402

HERE = Path(__file__).resolve().parent


def gold_event(ev: dict, key: str, text: str, n: int, prefix: str) -> dict:
    start = text.find(ev["evidence"])
    if start < 0:
        raise ValueError(f"{key}: evidence not in text: {ev['evidence'][:40]!r}")
    loc = ev.get("location")
    return {
        "id": f"{prefix}-{n:04d}", "doc": key, "type": ev["type"],
        **({"type_also": ev["type_also"]} if ev.get("type_also") else {}),
        "location": ({"ar": loc["ar"], "en": loc.get("en"), "country": loc.get("country")} if loc else None),
        "date": ev["date"], "date_precision": ev["date_precision"],
        "actors": list(ev.get("actors") or []) + list(ev.get("targets") or []),
        "targets": list(ev.get("targets") or []),
        "quantities": ev.get("quantities") or [],
        "attributed_to": ev.get("attributed_to"), "modality": ev["modality"],
        "required": bool(ev["required"]), "status": ev["status"],
        "evidence_start": start, "evidence_end": start + len(ev["evidence"]),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--workspace", required=True)
    ap.add_argument("--shared", default=str(HERE.parents[1] / "shared"))
    ap.add_argument("--append", action="store_true", help="add a later, singly labelled draw to the gold files")
    a = ap.parse_args()
    ws = Path(a.workspace)
    corpus = LabelledCorpus.load(HERE, a.shared)
    if a.append:
        return append(ws, corpus)
    index = json.loads((ws / "index.json").read_text(encoding="utf-8"))
    adj_index = json.loads((ws / "adj_index.json").read_text(encoding="utf-8")) if (ws / "adj_index.json").exists() else {}
    first, second, settled = {}, {}, {}
    for ref, key in index.items():
        batch, stem = ref.split("/")
        f = ws / "batches" / batch / "out" / f"{stem}.json"
        if f.exists():
            (first if batch.startswith("p") else second)[key] = json.loads(f.read_text(encoding="utf-8"))
    for ref, key in adj_index.items():
        grp, stem = ref.split("/")
        f = ws / "adjudicate" / grp / "out" / f"{stem}.json"
        if f.exists():
            settled[key] = json.loads(f.read_text(encoding="utf-8"))
    order = [art["key"] for art in corpus.articles]
    events, pages, n = [], [], 0
    for key in order:
        lab = settled.get(key) or first.get(key)
        if lab is None:
            continue
        pages.append({"doc": key, "genre": lab["genre"], "adjudicated": key in settled})
        for ev in lab["events"]:
            n += 1
            events.append(gold_event(ev, key, corpus.text(key), n, "ev"))
    (HERE / "gold").mkdir(exist_ok=True)
    write(HERE / "gold" / "events.jsonl", events)
    write(HERE / "gold" / "pages.jsonl", pages)
    for name, labs, prefix in (("a", first, "a"), ("b", second, "b")):
        rows, pg, m = [], [], 0
        for key in order:
            if key in second and key in first:
                pg.append({"doc": key, "genre": labs[key]["genre"]})
                for ev in labs[key]["events"]:
                    m += 1
                    rows.append(gold_event(ev, key, corpus.text(key), m, prefix))
        write(HERE / "agreement" / f"{name}.jsonl", rows)
        write(HERE / "agreement" / f"{name}_pages.jsonl", pg)
    req = sum(e["required"] for e in events)
    print(f"{len(pages)} articles ({len(settled)} adjudicated), {len(events)} events ({req} required); "
          f"doubly labelled: {sum(1 for k in second if k in first)}")
    return 0


def append(ws: Path, corpus: LabelledCorpus) -> int:
    """Add the labelled articles of `ws` (batches/qNN) that the gold files do not hold yet."""
    index = json.loads((ws / "index.json").read_text(encoding="utf-8"))
    events = [json.loads(l) for l in (HERE / "gold" / "events.jsonl").open(encoding="utf-8") if l.strip()]
    pages = [json.loads(l) for l in (HERE / "gold" / "pages.jsonl").open(encoding="utf-8") if l.strip()]
    have = {p["doc"] for p in pages}
    n = max(int(e["id"].split("-")[1]) for e in events)
    labels = {}
    for ref, key in index.items():
        batch, stem = ref.split("/")
        f = ws / "batches" / batch / "out" / f"{stem}.json"
        if f.exists() and key not in have:
            labels[key] = json.loads(f.read_text(encoding="utf-8"))
    added = req = 0
    for art in corpus.articles:     # manifest order
        lab = labels.get(art["key"])
        if lab is None:
            continue
        if art["split"] not in ("train", "dev"):
            raise SystemExit(f"{art['key']}: a later draw goes to the training or development part only")
        pages.append({"doc": art["key"], "genre": lab["genre"], "adjudicated": False})
        for ev in lab["events"]:
            n += 1
            events.append(gold_event(ev, art["key"], corpus.text(art["key"]), n, "ev"))
            added += 1
            req += bool(ev["required"])
    write(HERE / "gold" / "events.jsonl", events)
    write(HERE / "gold" / "pages.jsonl", pages)
    print(f"added {len(labels)} articles, {added} events ({req} required); "
          f"gold now {len(pages)} articles, {len(events)} events")
    return 0


def write(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    sys.exit(main())
