"""Fixtures for the store tests: a fresh file store and a small document factory (our own sentences)."""
from __future__ import annotations

from pathlib import Path

import pytest

from rasd.document import Document, Event, Origin, RawInput, Removed, Segment, SocialPost, Span, make_doc_id, sha256_hex
from rasd.store.sqlite import SqliteStore
from tests.conftest import BACKENDS

#: Short Arabic sentences written for these tests (not taken from any corpus).
SENTENCES = (
    "قالت مصادر محلية إن اشتباكات اندلعت صباح اليوم في ريف إدلب الجنوبي.",
    "أعلنت المحافظة عن افتتاح مدرسة جديدة في حي الشيخ مقصود بمدينة حلب.",
    "أفاد ناشطون بسقوط قذيفتين على أطراف بلدة في ريف درعا الغربي، دون إصابات.",
    "وصلت قافلة مساعدات إنسانية إلى مدينة دير الزور قادمة من الحسكة.",
)


def build_result(text: str, *, path: str = "/in/page.txt", record: int | None = None, parts: int = 1,
                with_children: bool = True) -> tuple[RawInput, list[Document]]:
    """A raw record and its `parts` documents, with removed pieces, a post, spans and an event."""
    data = (text + f"\n#{path}#{record}").encode("utf-8")
    raw = RawInput(sha256=sha256_hex(data), data=data, size=len(data), path=path, record=record)
    key = Origin(path=path, record=record).source_key()
    docs = []
    for part in range(parts):
        doc_id = make_doc_id(key, raw.sha256, part)
        body = text if part == 0 else f"{text} (الجزء {part})"
        kids: dict = {}
        if with_children:
            kids = dict(
                removed=(Removed("اقرأ أيضاً: خبر آخر", "related", 0, 19, "related_list"),),
                social_posts=(SocialPost("تغريدة قصيرة عن الحدث", "ناشط", "@nashet", "2024-03-01", None),),
                spans=(Span(0, 4, "trigger", {"type": "clash"}, "test", doc_id),
                       Span(5, 10, "place", {"place_id": 170063}, "test", doc_id)),
                offset_map=(Segment(0, 3, len(body)),),
                events=(Event(id=f"ev-{doc_id}", type="armed_clash", doc_id=doc_id,
                              actors=({"text": "فصائل", "name": "فصائل", "actor_id": None, "role": "actor"},),
                              mentions=({"doc_id": doc_id, "start": 0, "end": 4, "text": body[:4]},)),),
            )
        docs.append(Document(id=doc_id, text=body, origin=Origin(path=path, part=part, record=record,
                                                                 raw_sha256=raw.sha256),
                             title="عنوان الخبر", cleaned=True, **kids))
    return raw, docs


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path: Path):
    """A fresh store, closed after the test: an SQLite file, then a PostgreSQL database (each test
    using it runs on both backends; PostgreSQL's skip where it cannot start)."""
    if request.param == "postgresql":
        from rasd.store.postgres import PostgresStore

        s = PostgresStore(request.getfixturevalue("pg_cluster").database())
    else:
        s = SqliteStore(tmp_path / "rasd.db")
    yield s
    s.close()


@pytest.fixture
def make_result():
    """The `build_result` factory (fixtures are how tests here share helpers)."""
    return build_result
