"""The shipped event model is the one `rasd train events` makes from the current rules and labels.

The learned layer reads the rules' candidates as features, so a rule change without a retraining
leaves a model fitted to rules that no longer run (session 10 found the shipped model two rule
changes behind: 0.450 on the test part, 0.455 retrained). Training is deterministic; weights are
compared with a tolerance so that another machine's floating point cannot fail the check, while a
model fitted to other candidates (other triggers, filters or features) differs far beyond it."""
from __future__ import annotations

import json

import pytest

from tests.conftest import ROOT, shared_path

pytest.importorskip("sklearn", reason="training needs scikit-learn (rasd[train], in rasd[dev])")

#: Largest difference allowed between a shipped and a retrained weight (weights are saved to 4 places).
TOLERANCE = 2e-3


def _far(a: dict, b: dict) -> list[str]:
    keys = set(a) | set(b)
    return sorted(k for k in keys if abs(a.get(k, 0.0) - b.get(k, 0.0)) > TOLERANCE)


def test_the_shipped_event_model_is_what_training_makes_from_the_current_rules(tmp_path):
    from rasd.evaluation.corpus import CorpusMissing, LabelledCorpus
    from rasd.evaluation.train_events import train
    from rasd.extract.events_model import MODEL_PATH

    try:
        corpus = LabelledCorpus.load(ROOT / "eval", shared_path("data").parent)
    except CorpusMissing as e:
        pytest.skip(f"the labelled corpus' articles are not here: {e}")
    out = tmp_path / "model.json"
    train(corpus, log=lambda m: None).save(out)
    shipped, fresh = json.loads(MODEL_PATH.read_text(encoding="utf-8")), json.loads(out.read_text(encoding="utf-8"))
    hint = "the shipped model is stale: run `rasd train events` and commit src/rasd/data/models/event_types.json"
    assert (shipped["types"], shipped["add"], shipped["keep"]) == (fresh["types"], fresh["add"], fresh["keep"]), hint
    far = {t: _far(shipped["weights"][t], fresh["weights"][t]) for t in fresh["weights"]}
    assert not any(far.values()), (hint, {t: v[:5] for t, v in far.items() if v})
    assert not _far(shipped["mention_weights"], fresh["mention_weights"]), (hint, _far(shipped["mention_weights"], fresh["mention_weights"])[:5])
    assert not _far(shipped["place_weights"], fresh["place_weights"]), hint
    assert abs(shipped["mention_bias"] - fresh["mention_bias"]) <= TOLERANCE, hint
