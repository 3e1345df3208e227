"""Modality cues and their scope on our own sentences."""
from __future__ import annotations

import pytest

from rasd.extract.events_lexicon import load_event_lexicon
from rasd.extract.modality import classify_modality
from rasd.extract.textview import make_view


def modality(text, trigger):
    v = make_view(text)
    t = make_view(trigger).norm
    i = v.norm.index(t)
    n = len(v.norm)
    return classify_modality(v.norm, (0, n), (0, n), (i, i + len(t)), [], frozenset(), load_event_lexicon())


@pytest.mark.parametrize("text,trigger,want", [
    ("انسحبت القوات من التلة ثم نفى الجيش ذلك", "انسحبت", "denied"),
    ("اتهم ناشطون الطيران بقصف السوق", "بقصف", "alleged"),
    ("يعتزم الجيش إرسال تعزيزات إلى الجبهة", "إرسال تعزيزات", "expected"),
    ("سوف تنسحب القوات من المواقع خلال أيام", "تنسحب", "expected"),
    ("تحدثت أنباء عن اشتباكات في المدينة", "اشتباكات", "hedged"),
    ("يرجح أن الانفجار نجم عن عبوة ناسفة", "عبوة ناسفة", "hedged"),
    ("اندلعت اشتباكات عنيفة في المدينة", "اشتباكات", "asserted"),
])
def test_cues(text, trigger, want):
    assert modality(text, trigger) == want


def test_future_cue_after_the_trigger_does_not_apply():
    text = "انسحبت القوات من البلدة. وسوف يعقد اجتماع غدا"
    assert modality(text.split(".")[0] + ".", "انسحبت") == "asserted"


def test_a_party_as_the_main_source_makes_a_claim_whoever_acted():
    # issue 10: "a party to the conflict claims it" (spec), even when the event's actor is another side
    from rasd.extract.attribution import Attribution
    lex = load_event_lexicon()
    v = make_view("وقالت سانا إن طائرات مسيرة قصفت مواقع في البلدة.")
    s = v.norm.index("سانا")
    a = Attribution(0, 5, "verb", s, s + 4, {"text": "سانا", "name": "سانا", "source_id": "sana"},
                    {"actor_id": "sana", "kind": "media"})
    t = v.norm.index("قصفت")
    got = classify_modality(v.norm, (0, len(v.norm)), (0, len(v.norm)), (t, t + 4), [a],
                            frozenset({"israel"}), lex)
    assert got == "claimed"


def test_an_armed_body_the_knowledge_base_does_not_name_makes_a_claim():
    # issue 10: "البحرية ..." / "مصادر عسكرية ..." speak for a party even when unknown to the knowledge base
    from rasd.extract.attribution import Attribution
    lex = load_event_lexicon()
    v = make_view("وأعلنت مصادر عسكرية جنوبية أن قواتها دخلت البلدة.")
    s = v.norm.index("مصادر")
    e = s + len("مصادر عسكريه جنوبيه")
    a = Attribution(0, 6, "verb", s, e, {"text": "مصادر عسكرية جنوبية", "name": "مصادر عسكرية جنوبية", "source_id": None})
    t = v.norm.index("دخلت")
    got = classify_modality(v.norm, (0, len(v.norm)), (0, len(v.norm)), (t, t + 4), [a], frozenset(), lex)
    assert got == "claimed"
