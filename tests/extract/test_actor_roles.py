"""Actors and their roles (issue 10), on our own Arabic sentences: one kind of fix per test."""
from __future__ import annotations

import pytest

from rasd.extract.actors import ActorFinder, ActorKB
from tests.extract.events_fakes import FakePlaces, doc, fake_quantities


@pytest.fixture(scope="module")
def ex():
    from rasd.extract.dates import find_dates
    from rasd.extract.events import EventExtractor, ExtractOptions
    # the rules alone, with the real knowledge base (roles depend on its spans)
    return EventExtractor(ExtractOptions(learned=False), places=FakePlaces(), actors=ActorFinder(ActorKB.load_default()),
                          dates=find_dates, quantities=fake_quantities, infer_date=lambda text: (None, None, "none"))


@pytest.fixture(scope="module")
def finder():
    return ActorFinder(ActorKB.load_default())


def _found(finder, text):
    return [(s.value["text"], s.value["actor_id"]) for s in finder.find(text, doc_date="2019-05-01")]


def _roles(ex, text, type_):
    _, evs = ex.extract(doc(text, "2019-05-01"))
    return [{a["actor_id"]: a["role"] for a in e.actors} for e in evs if e.type == type_]


def test_a_nationality_adjective_on_the_act_names_its_country_as_the_doer(finder, ex):
    assert ("تركية", "turkey") in _found(finder, "أصيب ثلاثة رعاة في غارة جوية تركية قرب قرية زراعية.")
    assert ("الإسرائيلي", "israel") in _found(finder, "وتواصل القصف الإسرائيلي على أطراف البلدة منذ الفجر.")
    # the act itself after a targeting verb: still the doer, not the target
    roles = _roles(ex, "واستهدف قصف إسرائيلي مخزنا للذخيرة في ريف حمص.", "shelling")
    assert roles and roles[0].get("israel") == "actor"


def test_a_nationality_adjective_on_a_person_or_a_body_names_no_actor(finder):
    # a person of that nationality is no act of the state; bodies are left to the knowledge base
    assert _found(finder, "وأصيب سائح تركي في الحادث.") == []
    assert _found(finder, "وأوقفت زوارق إسرائيلية قاربا للصيادين قبالة الساحل.") == []


def test_the_name_right_after_a_targeting_verb_is_its_subject(ex):
    roles = _roles(ex, "واستهدفت هيئة تحرير الشام بالقذائف مواقع في ريف إدلب.", "shelling")
    assert roles and roles[0].get("hts") == "actor"
    # subject first, then the verb: the name after the verb is its object
    roles = _roles(ex, "وقالت مصادر إن قوات النظام استهدفت هيئة تحرير الشام بالمدفعية في ريف إدلب.",
                   "shelling")
    assert roles and roles[0].get("hts") == "target"


def test_both_spellings_of_the_sdf_are_the_sdf_not_the_government(finder):
    assert _found(finder, "وتقدمت قوات سورية الديموقراطية نحو القرية.") == [("قوات سورية الديموقراطية", "sdf")]


def test_the_group_that_claims_an_attack_is_its_doer_and_the_other_party_its_target(ex):
    roles = _roles(ex, "وتبنت هيئة تحرير الشام التفجير الذي استهدف حاجزا لقوات النظام في ريف حمص.", "bombing")
    assert roles and roles[0] == {"hts": "actor", "sy_gov_assad": "target"}
    roles = _roles(ex, "وأعلن تنظيم داعش مسؤوليته عن تفجير سيارة مفخخة قرب حاجز لقوات النظام في حمص.", "bombing")
    assert roles and roles[0] == {"isis": "actor", "sy_gov_assad": "target"}


def test_a_claim_later_in_the_page_names_the_doer_of_an_attack_that_names_none(ex):
    text = "انفجرت عبوة ناسفة بحافلة ركاب في مدينة حمص صباح اليوم. وفي وقت لاحق، أعلن تنظيم داعش مسؤوليته عن العملية."
    roles = _roles(ex, text, "bombing")
    assert roles and roles[0] == {"isis": "actor"}
    assert _roles(ex, "انفجرت عبوة ناسفة بحافلة ركاب في مدينة حمص صباح اليوم.", "bombing") == [{}]

