"""Attribution cues read from our own sentences (normalised offsets, fake source spans)."""
from __future__ import annotations

from rasd.extract.attribution import NSpan, find_attributions, is_continuation
from rasd.extract.events_lexicon import load_event_lexicon
from rasd.extract.textview import make_view


def atts(text, names=()):
    v = make_view(text)
    lex = load_event_lexicon()
    cands = []
    for n in names:
        i = v.norm.index(make_view(n).norm)
        cands.append(NSpan(i, i + len(make_view(n).norm), "SOURCE", {"name": n, "actor_id": "x"}))
    return find_attributions(v, 0, len(v.norm), cands, lex)


def test_preposition_with_known_source():
    a = atts("سقطت قذائف على الحي، بحسب المرصد السوري.", ["المرصد السوري"])
    assert a[0].kind == "preposition" and a[0].record["text"] == "المرصد السوري"


def test_preposition_with_free_text_source_stops_at_stop_word():
    a = atts("وقعت اشتباكات عنيفة وفقاً لمصادر محلية في المدينة.")
    assert a[0].record["text"].endswith("مصادر محلية")


def test_subject_before_a_denial_verb_is_the_source():
    a = atts("انسحبت القوات من البلدة، لكن سانا نفت ذلك.", ["سانا"])
    assert a[0].record["text"] == "سانا" and a[0].denial


def test_verb_then_subject():
    a = atts("وذكرت رويترز أن قوات وصلت إلى المدينة.", ["رويترز"])
    assert a[0].kind == "verb" and a[0].record["text"] == "رويترز"


def test_continuation_sentence_detected():
    lex = load_event_lexicon()
    v = make_view("وأضاف القيادي أن القوات دخلت البلدة.")
    assert is_continuation(v.norm, 0, len(v.norm), lex)
    v2 = make_view("وأضافت الفصائل عناصر جديدة إلى صفوفها.")
    assert not is_continuation(v2.norm, 0, len(v2.norm), lex)
