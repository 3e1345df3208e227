"""Linking over Ray (issue 11 item 4): near duplicates by a band-key shuffle and fusion in actors
partitioned by event type write the link tables and exports of the local linker, also when a
store linked by one engine is continued by the other. Runs on a local Ray with 2 CPUs; skipped
without Ray."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from rasd.engine.ray_dedup import pairs_of_groups
from rasd.ingest import ReadOptions, read_paths
from rasd.link.stage import LinkOptions, Linker, member_from_row
from rasd.store.export import sorted_exports
from rasd.store.links import link_pending, link_table_rows, pending_doc_ids
from rasd.store.sqlite import SqliteStore
from tests.conftest import shared_path
from tests.engine.test_order_independence import EXAMPLES, run, synthetic_records

ray = pytest.importorskip("ray", reason="Ray is not installed: pip install rasd[ray]")

from rasd.engine.ray_link import RayLinkPlanner  # noqa: E402

#: Small batches and map shards, so that a few dozen pages make several of each (the pipelining of
#: fusion beside the next batch's stories, the refresh of the first batch, several map tasks).
OPTIONS = LinkOptions(batch_docs=8)


def test_the_reduce_step_pairs_every_group_but_never_two_known_documents():
    rows = [(b"k1", "a", False), (b"k1", "b", False), (b"k1", "K", True), (b"k1", "L", True),
            (b"k2", "c", False), (b"k3", "K", True), (b"k3", "L", True)]
    # split across two map outputs, as the shuffle delivers them
    assert pairs_of_groups(rows[:3], rows[3:]) == {("a", "b"), ("K", "a"), ("K", "b"), ("L", "a"), ("L", "b")}


# a local Ray with 2 CPUs for this module (tests/engine/conftest.py)
pytestmark = pytest.mark.usefixtures("local_ray")


def records() -> list[dict]:
    """Our own pages: two sites' templated reports, other outlets' edited copies of some of them (a
    sentence added, the day's wording changed: near duplicates whose events fuse), exact copies,
    and the demo feed's unrelated pages."""
    base = synthetic_records()
    out = list(base)
    for i, r in enumerate(base[:6]):
        out.append({**r, "url": f"https://www.wire-{i}.example/a/{i}",
                    "full_text": r["full_text"] + "\n\nوأكد ناشطون أن الطيران الحربي ما زال يحلق في أجواء المنطقة."})
    for i, r in enumerate(base[10:14]):
        out.append({**r, "url": f"https://www.other.example/b/{i}",
                    "full_text": r["full_text"].replace("صباح يوم الثلاثاء", "فجر يوم الأربعاء")})
    out += [{**r, "url": r["url"] + "?copy=1"} for r in base[3:5]]
    out += [json.loads(line) for line in EXAMPLES.read_text(encoding="utf-8").splitlines()]
    return out


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> Path:
    """A store of the pages above, cleaned and extracted, not linked."""
    feed = tmp_path_factory.mktemp("feed") / "feed.jsonl"
    feed.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records()) + "\n", encoding="utf-8")
    db = tmp_path_factory.mktemp("store") / "extracted.db"
    store = SqliteStore(db)
    run(store, list(read_paths([str(feed)], ReadOptions(ingested_at="2024-01-01T00:00:00+00:00"))))
    store.close()
    return db


def linked(src: Path, dst: Path, *steps) -> tuple[dict, tuple, list[dict]]:
    """Copy the store at `src`, link it in `steps` ((planner or None, share of the pending pages),
    or a function changing the store), and return its link tables, exports and each step's counters."""
    shutil.copy(src, dst)
    store = SqliteStore(dst)
    counters = []
    for step in steps:
        if callable(step):
            step(store)
            continue
        planner, share = step
        ids = pending_doc_ids(store)
        only = ids[:max(1, int(len(ids) * share))] if share < 1 else None
        counters.append(link_pending(store, Linker(OPTIONS, planner=planner), member_from_row, only=only).counters)
    out = link_table_rows(store), sorted_exports(store), counters
    store.close()
    return out


def test_ray_linking_writes_the_link_tables_and_exports_of_local_linking(extracted, tmp_path):
    local_tables, local_exports, local_counters = linked(extracted, tmp_path / "local.db", (None, 1))
    planner = RayLinkPlanner(workers=2, shard_texts=5)
    tables, exported, counters = linked(extracted, tmp_path / "ray.db", (planner, 1))
    assert tables == local_tables
    assert exported == local_exports and exported[1]
    assert counters == local_counters
    # the fixture is not trivial: near and exact duplicates found, events fused across documents
    assert local_counters[0]["duplicates.near"] >= 6 and local_counters[0]["duplicates.exact"] >= 2
    assert local_counters[0]["events.joined"] >= 6
    assert planner.timings["near_wait_s"] > 0 and planner.timings["fusion_wait_s"] > 0


@pytest.mark.parametrize("first,then", [("local", "ray"), ("ray", "local")])
def test_a_store_linked_by_one_engine_is_continued_by_the_other(extracted, tmp_path, first, then):
    """Half the pages linked, the rest linked by the other engine: what linking both halves
    locally gives (the stored signatures and clusters take part in the second half over Ray)."""
    def planner(name):
        return RayLinkPlanner(workers=2, shard_texts=7) if name == "ray" else None

    reference = linked(extracted, tmp_path / "ref.db", (None, 0.5), (None, 1))
    assert linked(extracted, tmp_path / "mixed.db", (planner(first), 0.5), (planner(then), 1)) == reference


def drop_a_joined_event(store: SqliteStore) -> None:
    """Remove one stored event that joined another page's (as a re-extraction would): its page is
    then relinked, and the fused events it left are recomputed (renamed when it founded them)."""
    from sqlalchemy import delete, func

    from rasd.store.links import fused_members
    from rasd.store.schema import events

    with store.engine.connect() as conn:
        joined = select(fused_members.c.fused_id).group_by(fused_members.c.fused_id).having(func.count() > 1)
        busy = select(events.c.doc_id).group_by(events.c.doc_id).having(func.count() > 1)
        # the founding member of the first fused event with several members, on a page with other
        # events (so that the relinked page has members to fuse beside the clusters to recompute)
        event_id = conn.execute(select(fused_members.c.event_id).where(
            fused_members.c.fused_id.in_(joined), fused_members.c.event_id == fused_members.c.fused_id,
            fused_members.c.doc_id.in_(busy)).order_by(fused_members.c.fused_id)).first()[0]
    with store.engine.begin() as conn:
        conn.execute(delete(events).where(events.c.id == event_id))


def test_relinking_a_page_whose_events_changed_gives_the_local_links(extracted, tmp_path):
    reference = linked(extracted, tmp_path / "ref.db", (None, 1), drop_a_joined_event, (None, 1))
    assert reference[2][1]["relinked"] == 1
    planner = RayLinkPlanner(workers=2, shard_texts=3)
    assert linked(extracted, tmp_path / "x.db", (None, 1), drop_a_joined_event, (planner, 1)) == reference


@pytest.mark.shared
def test_ray_linking_of_the_seeds_gives_the_local_exports(tmp_path):
    seeds = shared_path("seeds")
    db = tmp_path / "seeds.db"
    store = SqliteStore(db)
    run(store, list(read_paths([str(seeds)], ReadOptions(ingested_at="2024-01-01T00:00:00+00:00"))))
    store.close()
    local = linked(db, tmp_path / "local.db", (None, 1))
    assert linked(db, tmp_path / "ray.db", (RayLinkPlanner(workers=2, shard_texts=2), 1)) == local
