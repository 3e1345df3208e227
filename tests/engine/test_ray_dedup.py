"""Near-duplicate detection over Ray (issue 11 item 4): LSH band keys shuffled across reduce tasks
give the candidate pairs and the duplicate decisions of the local linker's index. Runs on a local
Ray with 2 CPUs; skipped without Ray."""
from __future__ import annotations

import json

import pytest

from rasd.link.dedup import DedupOptions, NearDuplicateIndex, signature, signature_bytes
from tests.conftest import shared_path
from tests.engine.test_order_independence import EXAMPLES, synthetic_records

ray = pytest.importorskip("ray", reason="Ray is not installed: pip install rasd[ray]")

from rasd.engine.ray_dedup import local_candidate_pairs, near_duplicates, ray_candidate_pairs  # noqa: E402


# a local Ray with 2 CPUs for this module (tests/engine/conftest.py)
pytestmark = pytest.mark.usefixtures("local_ray")


def our_texts() -> list[tuple[str, str]]:
    """Our own pages: two sites' templated reports (near one another), edited copies of some of
    them (a sentence added, a number changed), exact copies, and the demo feed's unrelated pages."""
    base = [r["full_text"] for r in synthetic_records()]
    texts = list(base)
    texts += [t + "\n\nوأكد ناشطون أن الطيران الحربي ما زال يحلق في أجواء المنطقة." for t in base[:6]]
    texts += [t.replace("صباح يوم الثلاثاء", "فجر يوم الأربعاء") for t in base[10:14]]
    texts += base[3:5]   # exact copies
    texts += [json.loads(line)["full_text"] for line in EXAMPLES.read_text(encoding="utf-8").splitlines()]
    # ids out of text order, so that "earlier" is not simply "listed first"
    return [(f"d{(i * 37) % 101:03d}-{i}", t) for i, t in enumerate(texts)]


def local_decisions(order, texts: dict[str, str], known=()) -> dict[str, tuple[str, float]]:
    """What `NearDuplicateIndex.check` answers, document by document in `order` after `known`."""
    index = NearDuplicateIndex()
    index.load(known)
    out = {}
    for doc_id in order:
        hit = index.check(doc_id, signature(texts[doc_id]))
        if hit is not None:
            out[doc_id] = hit
    return out


def test_the_band_shuffle_finds_the_pairs_and_duplicates_the_local_index_finds():
    texts = our_texts()
    order = sorted(doc_id for doc_id, _ in texts)
    sigs, pairs = ray_candidate_pairs(texts, shards=3, partitions=2)
    assert sigs.keys() == {doc_id for doc_id, _ in texts}
    assert pairs == local_candidate_pairs(sigs, order)
    # the fixture is not trivial: some pairs share a band, most do not
    assert 10 <= len(pairs) < len(texts) * (len(texts) - 1) // 4
    decided = near_duplicates(order, sigs, pairs)
    assert decided == local_decisions(order, dict(texts))
    assert len(decided) >= 12 and len(decided) < len(texts) - 10   # copies found, unrelated pages left alone


def test_stored_signatures_take_part_as_earlier_documents():
    texts = our_texts()
    by_id = dict(texts)
    order = sorted(by_id)
    known_ids, new_ids = order[::3], [d for d in order if d not in set(order[::3])]
    known = [(d, signature_bytes(signature(by_id[d]))) for d in known_ids]
    sigs, pairs = ray_candidate_pairs([(d, by_id[d]) for d in new_ids], known, shards=2, partitions=3)
    decided = near_duplicates(new_ids, sigs, pairs, known=known_ids)
    assert decided == local_decisions(new_ids, by_id, known)
    assert any(hit[0] in set(known_ids) for hit in decided.values())   # a stored page is someone's canonical


@pytest.mark.shared
def test_the_band_shuffle_agrees_with_the_local_index_on_al_mayadeen():
    from rasd.ingest import read_paths

    path = shared_path("data", "almayadeen-syria-articles")
    docs = [it.result for it in read_paths([str(path)]) if hasattr(it.result, "text")]
    texts = [(d.id, d.text) for d in docs if len(d.text) >= 200]
    order = sorted(doc_id for doc_id, _ in texts)
    sigs, pairs = ray_candidate_pairs(texts, shards=4, partitions=2, options=DedupOptions())
    assert pairs == local_candidate_pairs(sigs, order)
    decided = near_duplicates(order, sigs, pairs)
    assert decided == local_decisions(order, dict(texts))
    assert decided   # the corpus has real near duplicates
