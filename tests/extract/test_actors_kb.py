"""The actors knowledge base: loads, validates, indexes aliases, handles dates."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from rasd.clean.normalize import normalize_with_offsets
from rasd.extract.actors_kb import Actor, ActorKB
from rasd.extract.actors_text import NormText


@pytest.fixture(scope="module")
def kb() -> ActorKB:
    return ActorKB.load_default()


def test_default_kb_is_large_and_consistent(kb: ActorKB) -> None:
    assert len(kb) >= 150
    for actor in kb:
        for aff in actor.affiliations:
            assert aff in kb, (actor.id, aff)


def test_load_default_is_cached(kb: ActorKB) -> None:
    assert ActorKB.load_default() is kb


def test_get_and_lookup(kb: ActorKB) -> None:
    assert kb.get("hts").name == "هيئة تحرير الشام"
    assert [a.id for a in kb.lookup("جبهة النصرة")] == ["hts"]
    assert [a.id for a in kb.lookup("وجبهة النصرة")] == ["hts"]
    assert [a.id for a in kb.lookup("للنظام السوري")] == ["sy_gov_assad"]
    assert kb.lookup("كلمة لا تعني أحدا") == []
    with pytest.raises(KeyError):
        kb.get("no_such_actor")


def test_affiliation_closure_is_transitive(kb: ActorKB) -> None:
    assert {"al_fath_al_mubin_room", "hts", "opposition_generic"} <= kb.affiliation_closure("al_fath_al_mubin_room")


@pytest.mark.parametrize("date,valid", [
    (None, True), ("2024-12-07", True), ("2024-12-08", False), ("2024-12", True), ("2025", False), ("2011-03", True),
])
def test_valid_on_respects_half_open_range(date: str | None, valid: bool) -> None:
    actor = Actor("x", "س", "x", "state_forces", valid_to="2024-12-08")
    assert actor.valid_on(date) is valid


def test_extra_file_adds_actors_and_bad_files_raise(tmp_path: Path) -> None:
    extra = tmp_path / "extra.yaml"
    extra.write_text("actors:\n  - {id: test_brigade, name: لواء التجربة, name_en: Test Brigade, kind: rebel_group,"
                     " inter: 2, affiliations: [hts], aliases: [كتيبة التجربة]}\n", encoding="utf-8")
    kb = ActorKB.load([extra])
    assert kb.lookup("كتيبة التجربة")[0].id == "test_brigade"
    bad = tmp_path / "bad.yaml"
    bad.write_text("actors:\n  - {id: Bad-Id, name: س, name_en: x, kind: rebel_group}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="snake_case"):
        ActorKB.load([bad])
    unknown = tmp_path / "unknown.yaml"
    unknown.write_text("actors:\n  - {id: y, name: س, name_en: x, kind: rebel_group, affiliations: [nope]}\n",
                       encoding="utf-8")
    with pytest.raises(ValueError, match="unknown ids"):
        ActorKB.load([unknown])


def test_duplicate_ids_raise(tmp_path: Path) -> None:
    dup = tmp_path / "dup.yaml"
    dup.write_text("actors:\n  - {id: hts, name: س, name_en: x, kind: rebel_group}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="duplicate"):
        ActorKB.load([dup])


@given(st.text(alphabet=st.sampled_from(list("قواتالنظامأإآةىئؤ ًٌٍَُِّْـ\u200f\u200e،.abc1٢")), max_size=60))
def test_fast_normalisation_matches_reference(text: str) -> None:
    nt = NormText(text)
    norm, offsets = normalize_with_offsets(text)
    assert nt.norm == norm
    assert [nt.to_orig(i) for i in range(len(norm))] == offsets[:-1]
