"""Cross-document links kept beside the core tables: signatures, duplicates, stories, fused events.

The tables are created on the store's engine (`CREATE TABLE IF NOT EXISTS`), so a store that was
never linked has none of them and reads exactly as before. This module does no linking itself: a
`Linker` (rasd.link.stage) is passed to `link_pending`, which restores what was decided before,
links the documents not linked yet, and writes the result one batch of documents per transaction
(a killed run keeps the batches it saved; the next run links the rest).

Tables (JSON as TEXT, like the core schema):
- `link_signatures(doc_id, sig)`: MinHash signature bytes of each document's text.
- `link_duplicates(doc_id, canonical_id, jaccard, kind)`: kind `exact` or `near`; near ones are
  also written into `documents.duplicate_of` where it was empty.
- `link_docs(doc_id, features, published, linked_at)`: a document's story features; its row
  marks it as linked.
- `stories(id, title, first_published, last_published, n_documents, n_events, updated_at)`.
- `story_documents(doc_id, story_id, score, matched_doc_id, role, published, title)`: role
  `member` or `duplicate`.
- `fused_events(id, type, record, n_sources, n_members, disputed, first_reported, last_reported,
  date_value, admin1, story_id, updated_at)`: `record` is the fused `Event` as JSON.
- `fused_members(event_id, fused_id, doc_id, seq, record, published, outlet, story_id, duplicate_of)`:
  the per-document events of each fused event, in joining order. A linked document's members are
  also the record of which events it was linked with: when `rasd extract` (or a re-ingest) changes
  a document's events, they no longer match its stored events and `link_pending` unlinks the
  document and links it again (`stale_doc_ids`).
- `link_vectors(doc_id, vec)`: the title-and-lead embedding of a document (float32 bytes), only
  when linking ran with an embedder.
"""
from __future__ import annotations

from array import array
from datetime import datetime, timezone
from typing import Any, Iterable, Iterator, Protocol

from sqlalchemy import (
    Column, Float, Index, Integer, LargeBinary, MetaData, String, Table, Text, bindparam, delete, except_, exists, func,
    inspect, select, update,
)

from rasd.document import Document, Event
from rasd.store import codec
from rasd.store.schema import documents, events as events_table, spans

link_metadata = MetaData()

link_signatures = Table(
    "link_signatures", link_metadata,
    Column("doc_id", String(64), primary_key=True),
    Column("sig", LargeBinary, nullable=False),
)
link_duplicates = Table(
    "link_duplicates", link_metadata,
    Column("doc_id", String(64), primary_key=True),
    Column("canonical_id", String(64), nullable=False),
    Column("jaccard", Float),
    Column("kind", String(16), nullable=False),
    Index("ix_link_duplicates_canonical", "canonical_id"),
)
link_docs = Table(
    "link_docs", link_metadata,
    Column("doc_id", String(64), primary_key=True),
    Column("features", Text, nullable=False),
    Column("published", String(10)),
    Column("linked_at", String(40), nullable=False),
)
stories = Table(
    "stories", link_metadata,
    Column("id", String(80), primary_key=True),
    Column("title", Text),
    Column("first_published", String(10)),
    Column("last_published", String(10)),
    Column("n_documents", Integer, nullable=False),
    Column("n_events", Integer, nullable=False),
    Column("updated_at", String(40), nullable=False),
)
story_documents = Table(
    "story_documents", link_metadata,
    Column("doc_id", String(64), primary_key=True),
    Column("story_id", String(80), nullable=False),
    Column("score", Float),
    Column("matched_doc_id", String(64)),
    Column("role", String(16), nullable=False),
    Column("published", String(10)),
    Column("title", Text),
    Index("ix_story_documents_story", "story_id"),
)
fused_events = Table(
    "fused_events", link_metadata,
    Column("id", String(64), primary_key=True),
    Column("type", String(64), nullable=False),
    Column("record", Text, nullable=False),
    Column("n_sources", Integer, nullable=False),
    Column("n_members", Integer, nullable=False),
    Column("disputed", Integer, nullable=False),
    Column("first_reported", String(10)),
    Column("last_reported", String(10)),
    Column("date_value", String(10)),
    Column("admin1", Text),
    Column("story_id", String(80)),
    Column("updated_at", String(40), nullable=False),
    Index("ix_fused_events_disputed", "disputed"),
)
fused_members = Table(
    "fused_members", link_metadata,
    Column("event_id", String(64), primary_key=True),
    Column("fused_id", String(64), nullable=False),
    Column("doc_id", String(64), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("record", Text, nullable=False),
    Column("published", String(10)),
    Column("outlet", Text),
    Column("story_id", String(80)),
    Column("duplicate_of", String(64)),
    Index("ix_fused_members_fused", "fused_id", "seq"),
)

link_vectors = Table(
    "link_vectors", link_metadata,
    Column("doc_id", String(64), primary_key=True),
    Column("vec", LargeBinary, nullable=False),
)

#: Documents fetched per query when loading a batch to link.
LOAD_CHUNK = 500


class LinkerLike(Protocol):
    """What `link_pending` needs from a linker (rasd.link.stage.Linker)."""

    def restore_signatures(self, rows: Iterable[tuple[str, bytes]]) -> int: ...
    def restore_duplicates(self, rows: Iterable[tuple[str, str]]) -> None: ...
    def restore_story(self, doc_id: str, story_id: str, features: Any, published: str | None,
                      vector: Any = None) -> None: ...
    def restore_cluster(self, fused_id: str, members: Any) -> None: ...
    def link(self, docs: Iterable[Document], refresh: Iterable[str] = ()) -> Any: ...
    def link_batches(self, docs: Iterable[Document], refresh: Iterable[str] = ()) -> Iterator[Any]: ...
    def prime(self, docs: Iterable[Document]) -> int: ...
    def link_ordered(self, docs: Iterable[Document], refresh: Iterable[str] = ()) -> Iterator[Any]: ...


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def ensure_tables(store: Any) -> None:
    """Create the link tables on the store's engine if they are missing (through the store, which
    adds what its backend needs: PostgreSQL's `rowid` column)."""
    if hasattr(store, "prepare_tables"):
        store.prepare_tables(link_metadata)
    else:
        link_metadata.create_all(store.engine)


def _has_tables(store: Any) -> bool:
    return inspect(store.engine).has_table("fused_events")


def pending_doc_ids(store: Any, only: Iterable[str] | None = None) -> list[str]:
    """Ids of stored documents not linked yet (restricted to `only` when given), in link order:
    oldest first, undated last, then by id (`Linker.link_ordered` checks it)."""
    return [i for i, _ in pending_documents(store, only)]


def pending_documents(store: Any, only: Iterable[str] | None = None) -> list[tuple[str, str | None]]:
    """(id, published) of the documents `pending_doc_ids` gives, in the same order."""
    ensure_tables(store)
    # an anti join (NOT EXISTS), not NOT IN (subquery): see `orphan_clusters`
    q = select(documents.c.id, documents.c.published).where(
        ~exists().where(link_docs.c.doc_id == documents.c.id))
    with store.engine.connect() as conn:
        rows = sorted((published or "9999-99-99", i, published) for i, published in conn.execute(q))
    out = [(i, published) for _, i, published in rows]
    if only is not None:
        wanted = set(only)
        out = [(i, p) for i, p in out if i in wanted]
    return out


def load_documents(store: Any, ids: list[str]) -> Iterator[Document]:
    """The documents with these ids, in that order, with spans and events (not removed pieces or
    posts), in bulk."""
    with store.engine.connect() as conn:
        for start in range(0, len(ids), LOAD_CHUNK):
            chunk = ids[start:start + LOAD_CHUNK]
            rows = conn.execute(select(documents).where(documents.c.id.in_(chunk))).mappings().all()
            kid_spans: dict[str, list] = {}
            for r in conn.execute(select(spans).where(spans.c.doc_id.in_(chunk)).order_by(spans.c.doc_id, spans.c.seq)).mappings():
                kid_spans.setdefault(r["doc_id"], []).append(r)
            kid_events: dict[str, list] = {}
            q = (select(events_table.c.doc_id, events_table.c.record).where(events_table.c.doc_id.in_(chunk))
                 .order_by(events_table.c.doc_id, events_table.c.seq))
            for r in conn.execute(q):
                kid_events.setdefault(r.doc_id, []).append(codec.event_from_json(codec.loads(r.record)))
            by_id = {row["id"]: row for row in rows}
            for doc_id in chunk:
                row = by_id.get(doc_id)
                if row is not None:
                    yield codec.document_from_rows(row, (), (), kid_spans.get(doc_id, ()), kid_events.get(doc_id, ()))


def restore_state(store: Any, linker: LinkerLike, member_factory: Any) -> dict:
    """Give the linker everything decided before (signatures loaded once, never recomputed)."""
    ensure_tables(store)
    counts = {}
    with store.engine.connect() as conn:
        counts["signatures"] = linker.restore_signatures(
            (r.doc_id, bytes(r.sig)) for r in conn.execute(select(link_signatures.c.doc_id, link_signatures.c.sig)))
        linker.restore_duplicates((r.doc_id, r.canonical_id) for r in conn.execute(
            select(link_duplicates.c.doc_id, link_duplicates.c.canonical_id)))
        q = (select(link_docs.c.doc_id, link_docs.c.features, link_docs.c.published, story_documents.c.story_id,
                    link_vectors.c.vec)
             .join(story_documents, story_documents.c.doc_id == link_docs.c.doc_id)
             .outerjoin(link_vectors, link_vectors.c.doc_id == link_docs.c.doc_id)
             .order_by(link_docs.c.linked_at, link_docs.c.doc_id))
        n = 0
        for r in conn.execute(q):
            vec = array("f", bytes(r.vec)) if r.vec is not None else None
            linker.restore_story(r.doc_id, r.story_id, codec.loads(r.features), r.published, vec)
            n += 1
        counts["documents"] = n
        current, members = None, []
        n = 0
        # an opinion page's members carry its marker (the `k:opinion` story feature, rasd.link.stage)
        opinion = link_docs.c.features.like('%"k:opinion"%').label("opinion")
        q = (select(fused_members, opinion)
             .outerjoin(link_docs, link_docs.c.doc_id == fused_members.c.doc_id)
             .order_by(fused_members.c.fused_id, fused_members.c.seq))
        for r in conn.execute(q).mappings():
            if r["fused_id"] != current and members:
                linker.restore_cluster(current, members)
                members = []
            current = r["fused_id"]
            members.append(member_factory(codec.event_from_json(codec.loads(r["record"])), r["published"],
                                          r["outlet"], r["story_id"], r["duplicate_of"], bool(r["opinion"])))
            n += 1
        if members:
            linker.restore_cluster(current, members)
        counts["members"] = n
    return counts


def save_result(store: Any, result: Any, stories_touched: Iterable[str] = ()) -> None:
    """Write one `LinkResult` in one transaction (near duplicates also into `documents.duplicate_of`).

    `stories_touched`: further stories whose aggregates must be recomputed (those a relinked
    document left).
    """
    now = _now()
    eng = store.engine
    with eng.connect() as conn:
        conn.execution_options(rasd_write=True)
        with conn.begin():
            if result.signatures:
                conn.execute(link_signatures.insert(), [{"doc_id": d, "sig": s} for d, s in result.signatures])
            if result.duplicates:
                conn.execute(link_duplicates.insert(), result.duplicates)
                near = [d for d in result.duplicates if d["kind"] == "near"]
                if near:
                    conn.execute(
                        update(documents).where(documents.c.id == bindparam("b_id"), documents.c.duplicate_of.is_(None))
                        .values(duplicate_of=bindparam("b_canonical")),
                        [{"b_id": d["doc_id"], "b_canonical": d["canonical_id"]} for d in near])
            if result.documents:
                conn.execute(link_docs.insert(), [{"doc_id": d["doc_id"], "features": codec.dumps(d["features"]),
                                                   "published": d["published"], "linked_at": now}
                                                  for d in result.documents])
                conn.execute(story_documents.insert(), [
                    {k: d[k] for k in ("doc_id", "story_id", "score", "matched_doc_id", "role", "published", "title")}
                    for d in result.documents])
                vecs = [{"doc_id": d["doc_id"], "vec": array("f", d["vector"]).tobytes()}
                        for d in result.documents if d.get("vector") is not None]
                if vecs:
                    conn.execute(link_vectors.insert(), vecs)
            if result.members:
                seq: dict[str, int] = {}
                fids = list({m["fused_id"] for m in result.members})
                for start in range(0, len(fids), 500):
                    # next seq after the largest (not the count: a relinked document's members leave gaps)
                    q = (select(fused_members.c.fused_id, func.max(fused_members.c.seq)).where(
                        fused_members.c.fused_id.in_(fids[start:start + 500])).group_by(fused_members.c.fused_id))
                    seq.update({fid: n + 1 for fid, n in conn.execute(q)})
                rows = []
                for m in result.members:
                    i = seq.get(m["fused_id"], 0)
                    seq[m["fused_id"]] = i + 1
                    rows.append({"event_id": m["event_id"], "fused_id": m["fused_id"], "doc_id": m["doc_id"], "seq": i,
                                 "record": codec.dumps(codec.event_json(m["event"])), "published": m["published"],
                                 "outlet": m["outlet"], "story_id": m["story_id"], "duplicate_of": m["duplicate_of"]})
                conn.execute(fused_members.insert(), rows)
            if result.fused:
                ids = list(result.fused)
                for start in range(0, len(ids), 500):
                    conn.execute(delete(fused_events).where(fused_events.c.id.in_(ids[start:start + 500])))
                conn.execute(fused_events.insert(), [_fused_row(ev, now) for ev in result.fused.values()])
            _refresh_stories(conn, {d["story_id"] for d in result.documents} | set(stories_touched), now)


def _fused_row(ev: Event, now: str) -> dict:
    srcs = ev.meta.get("sources") or []
    loc = ev.location or {}
    return {
        "id": ev.id, "type": ev.type, "record": codec.dumps(codec.event_json(ev)),
        "n_sources": len({s["doc_id"] for s in srcs if not s.get("duplicate_of")}) or 1,
        "n_members": len(srcs), "disputed": 1 if ev.meta.get("disputes") else 0,
        "first_reported": ev.meta.get("first_reported"), "last_reported": ev.meta.get("last_reported"),
        "date_value": (ev.date or {}).get("value"), "admin1": loc.get("admin1"),
        "story_id": next((s.get("story_id") for s in srcs if s.get("story_id")), None), "updated_at": now,
    }


def _refresh_stories(conn: Any, story_ids: set[str], now: str) -> None:
    """Recompute the aggregates of the touched stories from their documents."""
    ids = sorted(story_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        conn.execute(delete(stories).where(stories.c.id.in_(chunk)))
        agg = (select(story_documents.c.story_id, func.min(story_documents.c.published),
                      func.max(story_documents.c.published), func.count())
               .where(story_documents.c.story_id.in_(chunk)).group_by(story_documents.c.story_id))
        n_events = dict(conn.execute(
            select(story_documents.c.story_id, func.count()).select_from(
                story_documents.join(events_table, events_table.c.doc_id == story_documents.c.doc_id))
            .where(story_documents.c.story_id.in_(chunk)).group_by(story_documents.c.story_id)).all())
        titles = dict(conn.execute(
            select(story_documents.c.story_id, story_documents.c.title)
            .where(story_documents.c.story_id.in_(chunk), story_documents.c.doc_id == func.substr(story_documents.c.story_id, 4))
        ).all())
        rows = [{"id": sid, "title": titles.get(sid), "first_published": lo, "last_published": hi, "n_documents": n,
                 "n_events": n_events.get(sid, 0), "updated_at": now} for sid, lo, hi, n in conn.execute(agg)]
        if rows:
            conn.execute(stories.insert(), rows)


def stale_doc_ids(store: Any) -> list[str]:
    """Linked documents whose stored events are no longer the ones they were linked with.

    A document's fused members are copies of its events as linked; any event added, removed or
    changed since (`rasd extract`, or events extracted after a plain `rasd ingest` was linked)
    shows as a row on one side only.
    """
    ensure_tables(store)
    linked = select(link_docs.c.doc_id)
    now_q = select(events_table.c.doc_id, events_table.c.id, events_table.c.record).where(
        events_table.c.doc_id.in_(linked))
    then_q = select(fused_members.c.doc_id, fused_members.c.event_id, fused_members.c.record)
    with store.engine.connect() as conn:
        ids = {r[0] for r in conn.execute(except_(now_q, then_q))}
        ids |= {r[0] for r in conn.execute(except_(then_q, now_q))}
    return sorted(ids)


def unlink_documents(store: Any, doc_ids: list[str]) -> tuple[set[str], set[str]]:
    """Forget the story membership and fused members of these documents (signatures and duplicate
    links stay: the text did not change), so that they are linked again.

    A fused event that loses its founding member is renamed after its first remaining member (ids
    are always a member's event id); one left empty is deleted. Returns (fused ids whose records
    must be recomputed, stories the documents left).
    """
    if not doc_ids:
        return set(), set()
    refresh: set[str] = set()
    stories_left: set[str] = set()
    with store.engine.connect() as conn:
        conn.execution_options(rasd_write=True)
        with conn.begin():
            for start in range(0, len(doc_ids), 500):
                chunk = doc_ids[start:start + 500]
                stories_left |= {r[0] for r in conn.execute(
                    select(story_documents.c.story_id).where(story_documents.c.doc_id.in_(chunk)))}
                fids = {r[0] for r in conn.execute(
                    select(fused_members.c.fused_id).where(fused_members.c.doc_id.in_(chunk)))}
                conn.execute(delete(fused_members).where(fused_members.c.doc_id.in_(chunk)))
                for t in (link_docs, story_documents, link_vectors):
                    conn.execute(delete(t).where(t.c.doc_id.in_(chunk)))
                for fid in sorted(fids):
                    left = [r[0] for r in conn.execute(select(fused_members.c.event_id).where(
                        fused_members.c.fused_id == fid).order_by(fused_members.c.seq))]
                    conn.execute(delete(fused_events).where(fused_events.c.id == fid))
                    if not left:
                        continue
                    new = fid if fid in left else left[0]
                    if new != fid:
                        conn.execute(update(fused_members).where(fused_members.c.fused_id == fid).values(fused_id=new))
                    refresh.add(new)
            # in the same transaction: a run killed before relinking leaves no story counting a
            # document it no longer holds (the fused records left to recompute are found again by
            # `orphan_clusters`)
            _refresh_stories(conn, stories_left, _now())
    return refresh, stories_left


def orphan_clusters(store: Any) -> set[str]:
    """Fused ids that have members but no fused record: `unlink_documents` deleted the record of a
    cluster that lost members, and the run that was to recompute it did not save it (it was killed)."""
    # NOT EXISTS, not NOT IN (subquery): PostgreSQL runs the latter as a scan of the subquery per
    # row once its ids outgrow work_mem (a plan costed at 5e9 on a store of 100,000 documents,
    # where every `rasd link` and `rasd run` after the first would have waited for hours)
    q = select(fused_members.c.fused_id).distinct().where(
        ~exists().where(fused_events.c.id == fused_members.c.fused_id))
    with store.engine.connect() as conn:
        return {r[0] for r in conn.execute(q)}


def link_pending(store: Any, linker: LinkerLike, member_factory: Any, only: Iterable[str] | None = None) -> Any:
    """Link every stored document not linked yet (or those of `only`), relinking first the documents
    whose events changed since they were linked; return a `LinkResult` with each document's
    decision and the counters (counter `relinked`); members, fused records and signatures are
    saved, not returned.

    Each batch of documents (`Linker.link_ordered`) is saved in its own transaction, so a run killed
    while linking keeps the batches saved so far, and the next run links the rest exactly as the
    killed run would have (tests/link/test_link_resume.py, tests/store/test_store_crash_points.py)."""
    stale = stale_doc_ids(store)
    if only is not None:
        wanted = set(only)
        stale = [i for i in stale if i in wanted]
    refresh, stories_left = unlink_documents(store, stale)
    refresh |= orphan_clusters(store)
    pending = pending_documents(store, only)
    ids = [i for i, _ in pending]
    start_at = getattr(linker, "start_at", None)
    if start_at is not None:
        # what no document to link can reach is restored as counts only, or not at all (the
        # fused events to recompute are restored whatever their age); with an undated document
        # to link, everything is restored and kept (an undated page is compared with every page)
        first = (pending[0][1] if pending[-1][1] is not None else None) if pending else "9999-12-31"
        start_at(first, refresh)
    restore_state(store, linker, member_factory)
    # two passes over the documents, one chunk at a time: the first gives the linker every
    # document's features (the frequencies must count them all before the first is linked), the
    # second links them in order. Holding them all instead took ~60 KB a document (bench/link_scale.py).
    linker.prime(load_documents(store, ids))
    total = None
    for part in linker.link_ordered(load_documents(store, ids), refresh=refresh):
        save_result(store, part, stories_left)
        stories_left = set()
        # what is saved is not kept: the result returned has every document's decision (without
        # its features and vector) and the counters, not the members, fused records or signatures
        part.signatures, part.members, part.fused = [], [], {}
        part.documents = [{k: v for k, v in d.items() if k not in ("features", "vector")} for d in part.documents]
        if total is None:
            total = part
        else:
            total.absorb(part)
    if stale:
        total.counters["relinked"] = len(stale)
    return total


#: The link tables' write times: two linkings that decided alike differ only in these.
CLOCK_COLUMNS = frozenset({"linked_at", "updated_at"})


def link_table_rows(store: Any) -> dict[str, list[tuple]]:
    """Every link table's rows, sorted, the write times left out: what two linkings of the same
    documents must agree on (local against Ray, resumed against uninterrupted)."""
    out = {}
    with store.engine.connect() as conn:
        for t in link_metadata.sorted_tables:
            cols = [c for c in t.c if c.name not in CLOCK_COLUMNS]
            out[t.name] = sorted(tuple(r) for r in conn.execute(select(*cols)))
    return out


def drop_links(store: Any) -> None:
    """Forget every link (signatures, duplicates found here, stories, fused events); documents stay.

    Near-duplicate marks written into `documents.duplicate_of` are cleared; exact ones (the store's
    own) are kept.
    """
    ensure_tables(store)
    with store.engine.connect() as conn:
        conn.execution_options(rasd_write=True)
        with conn.begin():
            near = select(link_duplicates.c.doc_id).where(link_duplicates.c.kind == "near")
            conn.execute(update(documents).where(documents.c.id.in_(near)).values(duplicate_of=None))
            for t in reversed(link_metadata.sorted_tables):
                conn.execute(delete(t))


# -- queries -------------------------------------------------------------------------------------


def iter_linked_events(store: Any) -> Iterator[Event]:
    """One event per real-world event, in the per-document events' order (document, position).

    A fused event takes the place of its first member in that order and its other members are
    left out; an event never linked is yielded as stored. A store that was never linked yields
    exactly `store.iter_events()`.
    """
    if not _has_tables(store):
        yield from store.iter_events()
        return
    q = (select(events_table.c.record, fused_members.c.fused_id, fused_events.c.record.label("fused"))
         .select_from(events_table
                      .outerjoin(fused_members, fused_members.c.event_id == events_table.c.id)
                      .outerjoin(fused_events, fused_events.c.id == fused_members.c.fused_id))
         .order_by(events_table.c.doc_id, events_table.c.seq))
    seen: set[str] = set()
    with store.engine.connect() as conn:
        for record, fused_id, fused in conn.execution_options(stream_results=True, yield_per=1000).execute(q):
            if fused_id is None or fused is None:
                yield codec.event_from_json(codec.loads(record))
            elif fused_id not in seen:
                seen.add(fused_id)
                yield codec.event_from_json(codec.loads(fused))


def list_stories(store: Any, min_documents: int = 1, limit: int | None = None) -> list[dict]:
    """Stories, largest first, each with its documents (id, title, published, role, score)."""
    if not _has_tables(store):
        return []
    with store.engine.connect() as conn:
        q = (select(stories).where(stories.c.n_documents >= min_documents)
             .order_by(stories.c.n_documents.desc(), stories.c.first_published.nulls_first(), stories.c.id))
        if limit:
            q = q.limit(limit)
        out = [dict(r) for r in conn.execute(q).mappings()]
        for s in out:
            s["documents"] = [dict(r) for r in conn.execute(
                select(story_documents.c.doc_id, story_documents.c.title, story_documents.c.published,
                       story_documents.c.role, story_documents.c.score, story_documents.c.matched_doc_id)
                .where(story_documents.c.story_id == s["id"]).order_by(story_documents.c.published.nulls_first(), story_documents.c.doc_id)
            ).mappings()]
    return out


def list_fused_events(store: Any, disputed: bool = False, min_sources: int = 1) -> list[Event]:
    """Fused events (only disputed ones with `disputed`), most sources first."""
    if not _has_tables(store):
        return []
    q = select(fused_events.c.record).where(fused_events.c.n_sources >= min_sources)
    if disputed:
        q = q.where(fused_events.c.disputed == 1)
    q = q.order_by(fused_events.c.n_sources.desc(), fused_events.c.id)
    with store.engine.connect() as conn:
        return [codec.event_from_json(codec.loads(r)) for (r,) in conn.execute(q)]


def list_duplicates(store: Any, kind: str | None = None) -> list[dict]:
    """Duplicate links found (exact and near), with their estimated Jaccard."""
    if not _has_tables(store):
        return []
    q = select(link_duplicates).order_by(link_duplicates.c.kind, link_duplicates.c.doc_id)
    if kind:
        q = q.where(link_duplicates.c.kind == kind)
    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(q).mappings()]
