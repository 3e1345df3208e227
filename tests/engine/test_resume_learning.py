"""What cleaning borrows from a site's other pages comes from the stored pre-pass, so a killed and
resumed run, or a pre-pass learnt in pieces, gives the same pages as one run."""
from pathlib import Path

import pytest

from rasd.clean.pipeline import CleanOptions, CleanStage
from rasd.engine.local import EngineOptions, LocalEngine, learn_site_state
from rasd.ingest import read_paths
from rasd.store.sqlite import SqliteStore

FEED = Path(__file__).resolve().parents[2] / "examples" / "feed.jsonl"


def outlets(tmp_path: Path, name: str, first: int | None = None) -> dict[str, str | None]:
    """Ingest the demo feed (its first `first` records, then all of it, as a killed and a resumed run:
    each run learns from the records it is given, as `rasd run` does)."""
    store = SqliteStore(tmp_path / f"{name}.db")
    items = list(read_paths([str(FEED)]))
    batches = [items[:first], items] if first is not None else [items]
    for batch in batches:
        state = learn_site_state(store, batch, CleanOptions(), None)
        stage = CleanStage(site_boilerplate=state.boilerplate(), site_outlets=state.outlets())
        engine = LocalEngine(store, clean=stage, options=EngineOptions(extract=False))
        engine.run(batch, store.begin_run({}, "t"))
    out = {d.id: d.outlet for d in store.iter_documents()}
    store.close()
    return out


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    return outlets(tmp_path_factory.mktemp("clean"), "clean")


def test_the_feed_has_pages_whose_outlet_comes_from_their_sites_other_pages(clean):
    # some pages name no outlet; another page of their host spelled it (the pre-pass's host -> outlet map)
    learnt = [doc_id for doc_id, outlet in clean.items() if outlet == "الشام الجديد"]
    assert len(learnt) >= 2


@pytest.mark.parametrize("first", range(1, 6))
def test_a_resumed_run_gives_pages_the_outlet_a_stored_page_of_their_site_spelled(tmp_path, clean, first):
    assert outlets(tmp_path, f"resumed{first}", first) == clean
