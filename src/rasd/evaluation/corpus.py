"""The labelled corpus: the project holds labels (eval/), the articles stay in ../shared.

`eval/articles.jsonl` names each drawn article (key = URL, or corpus id where the source has none),
its corpus, outlet and split; `eval/gold/events.jsonl` holds its events with evidence as character
offsets into the article text in ../shared; `eval/gold/pages.jsonl` holds each page's genre. This
module joins them back to the texts at run time and writes the pipeline's input.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

#: Where each corpus lives under ../shared, and which field holds the article text.
CORPORA = {
    "multisource": ("data/arabic-conflict-news-multisource/articles.jsonl", "text", "id"),
    "almayadeen": ("data/almayadeen-syria-articles/almayadeen_syria_2023-01_2024-08.jsonl", "full_text", "url"),
}
#: train: what models are trained and rules written on; dev: later draws kept out of training, to
#: judge a change on 376 unseen pages before the test part; test: the first draw's held-out part.
SETS = ("train", "dev", "test", "all")


class CorpusMissing(Exception):
    """../shared (or one of its corpora) is absent: the labelled evaluation cannot run here."""


@dataclass
class LabelledCorpus:
    """Manifest, gold events and genres of the labelled corpus, with the article texts from ../shared."""

    articles: list[dict]
    events: list[dict]
    pages: dict[str, str]
    shared: Path
    _records: dict[str, dict] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, eval_dir: str | Path, shared: str | Path) -> "LabelledCorpus":
        """Read eval_dir's manifest and gold; raise CorpusMissing where ../shared lacks a corpus."""
        eval_dir, shared = Path(eval_dir), Path(shared)
        manifest = eval_dir / "articles.jsonl"
        if not manifest.exists():
            raise FileNotFoundError(f"no manifest at {manifest}")
        articles = list(_read_jsonl(manifest))
        events = list(_read_jsonl(eval_dir / "gold" / "events.jsonl"))
        pages = {p["doc"]: p["genre"] for p in _read_jsonl(eval_dir / "gold" / "pages.jsonl")}
        for corpus in {a["corpus"] for a in articles}:
            path = shared / CORPORA[corpus][0]
            if not path.exists():
                raise CorpusMissing(f"{path} is absent")
        return cls(articles, events, pages, shared)

    def labelled(self, which: str) -> list[dict]:
        """The manifest entries of a set (train, test, all) that have been labelled."""
        if which not in SETS:
            raise ValueError(f"unknown set {which!r}: one of {', '.join(SETS)}")
        return [a for a in self.articles if a["key"] in self.pages and (which == "all" or a["split"] == which)]

    def records(self) -> dict[str, dict]:
        """Every manifest article's source record from ../shared, by key (read once)."""
        if not self._records:
            wanted = {a["key"]: a for a in self.articles}
            by_source = {(a["corpus"], a["source_id"] if a["corpus"] == "multisource" else a["url"]): a["key"]
                         for a in self.articles}
            for corpus, (rel, _text, id_field) in CORPORA.items():
                path = self.shared / rel
                if not path.exists():
                    continue
                for rec in _read_jsonl(path):
                    key = by_source.get((corpus, rec.get(id_field)))
                    if key and key not in self._records:
                        self._records[key] = {**rec, "_corpus": corpus}
            missing = set(wanted) - set(self._records)
            if missing:
                raise CorpusMissing(f"{len(missing)} labelled articles not found in ../shared (e.g. {min(missing)})")
        return self._records

    def text(self, key: str) -> str:
        """The article text the gold offsets point into."""
        rec = self.records()[key]
        return rec[CORPORA[rec["_corpus"]][1]]

    def gold_events(self, keys: Iterable[str]) -> list[dict]:
        """Gold events of these articles in the shared scorer's schema, evidence text filled in."""
        keys = set(keys)
        return self.with_evidence(ev for ev in self.events if ev["doc"] in keys)

    def with_evidence(self, rows: Iterable[dict]) -> list[dict]:
        """Label rows (gold or a labeller's) with their evidence text cut from the article by offsets."""
        return [{**r, "evidence": self.text(r["doc"])[r["evidence_start"]:r["evidence_end"]]} for r in rows]

    def write_input(self, keys: Iterable[str], path: str | Path) -> int:
        """Write the articles as JSON Lines for `rasd run`, the URL field set to the gold key."""
        n = 0
        with open(path, "w", encoding="utf-8") as f:
            for key in keys:
                rec = {k: v for k, v in self.records()[key].items() if k != "_corpus"}
                rec["url"] = key  # the 2013 items have no URL; the key names them for the scorer
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
                n += 1
        return n


def _read_jsonl(path: Path) -> Iterator[dict]:
    if not path.exists():
        return
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)
