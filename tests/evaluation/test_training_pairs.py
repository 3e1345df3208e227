"""bench/training_pairs.py: the walk the error listings share (required gold events missed, with the
system events of their page that quote their sentence, of their type or of another)."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture(scope="module")
def tp():
    sys.path.insert(0, str(BENCH))
    try:
        spec = importlib.util.spec_from_file_location("training_pairs", BENCH / "training_pairs.py")
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
    finally:
        sys.path.remove(str(BENCH))
    return mod


class Scorer:
    """The one function of ../shared/tools/score.py that `same_sentence` reads."""

    @staticmethod
    def norm(s):
        return " ".join(s.split())


def _gold(id_, type_, evidence, required=True, also=()):
    return {"id": id_, "doc": "p", "type": type_, "type_also": list(also), "evidence": evidence,
            "required": required}


def _event(type_, text):
    return {"type": type_, "mentions": [{"text": text}]}


def test_missed_events_come_with_the_system_events_of_their_sentence(tp):
    gold = [_gold("g1", "shelling", "قصفت المدفعية بلدة كفرنبل صباح اليوم"),
            _gold("g2", "protest", "تظاهر المئات في ساحة البلدة"),
            _gold("g3", "arrest", "اعتقلت القوات شابين", required=False),
            _gold("g4", "air_strike", "شنت الطائرات غارات على المدينة")]
    events = {"p": [_event("air_strike", "قصفت المدفعية بلدة كفرنبل صباح اليوم وقتلت مدنيين"),
                    _event("shelling", "سقطت قذائف على حي آخر بعيد عن هنا"),
                    _event("air_strike", "شنت الطائرات غارات على المدينة")]}
    pairs = {"g4": ("p", 2)}     # matched: never listed
    other = {g["id"]: [e["type"] for e in near]
             for g, near in tp.missed_beside(Scorer, gold, pairs, events, same_type=False)}
    same = {g["id"]: [e["type"] for e in near]
            for g, near in tp.missed_beside(Scorer, gold, pairs, events, same_type=True)}
    # the shelling was told by an air strike of its sentence; the protest by nothing; the optional
    # arrest and the matched strike are not listed
    assert other == {"g1": ["air_strike"], "g2": []}
    assert same == {"g1": [], "g2": []}
    # a second acceptable type counts as the event's own
    gold[0]["type_also"] = ["air_strike"]
    same = {g["id"]: [e["type"] for e in near]
            for g, near in tp.missed_beside(Scorer, gold, pairs, events, same_type=True)}
    assert same["g1"] == ["air_strike"]
