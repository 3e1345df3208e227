"""Modality of an event mention: asserted, reported, claimed, alleged, denied, expected, hedged.

The cue lexicon is `modality` in data/events/cues.yaml. Scopes (normalised offsets):
  * denied: a denial whose scope holds the trigger (`rasd.extract.events_scope.denial_governs`):
    after the cue in its clause ("نفت الوزارة أن تكون قواتها قصفت ..."), or before a cue that
    points back ("... انسحبت من حمص، لكن سانا نفتها"); a denial elsewhere in the sentence does
    not count, nor does its source (the denier reports nothing about this event);
  * alleged: an accusation in the sentence before the trigger (اتهموا ... بارتكاب مجزرة);
  * expected / hedged: a cue in the trigger's clause, or before the trigger in its sentence;
  * otherwise an attribution makes it `claimed` (the main source speaks for a party to the
    conflict) or `reported` (any other named source), and no cue at all leaves it `asserted`.
    (`actor_side_ids` is kept for callers; since issue 10 the acting side no longer decides.)
"""
from __future__ import annotations

from typing import Sequence

from rasd.extract.attribution import Attribution, source_sides
from rasd.extract.events_lexicon import EventLexicon
from rasd.extract.events_scope import denial_governs

#: How far before a trigger a future/hedge cue still governs it within the sentence (characters);
#: about ten words, the length of "من المنتظر أن يناقش البرلمان غدا الخميس مشروع".
CUE_REACH_BEFORE = 80

MODALITIES = ("asserted", "reported", "claimed", "alleged", "denied", "expected", "hedged")


def _cue_in(rx, norm: str, lo: int, hi: int, skip: tuple[int, int]) -> bool:
    for m in rx.finditer(norm, lo, hi):
        if not (skip[0] <= m.start() < skip[1]):
            return True
    return False


def classify_modality(norm: str, sentence: tuple[int, int], clause: tuple[int, int],
                      trigger: tuple[int, int], attributions: Sequence[Attribution],
                      actor_side_ids: frozenset[str], lex: EventLexicon) -> str:
    """The modality of the trigger at `trigger` given its sentence, clause and attributions."""
    s0 = sentence[0]
    t0 = trigger[0]
    cues = dict(lex.modality)
    if denial_governs(norm, sentence, trigger, cues["denied"], openers=lex.clause_openers):
        return "denied"
    attributions = [a for a in attributions if not a.denial]
    if _cue_in(cues["alleged"], norm, s0, t0, trigger):
        return "alleged"
    reach = max(s0, t0 - CUE_REACH_BEFORE)
    for kind in ("expected", "hedged"):
        rx = cues[kind]
        if _cue_in(rx, norm, clause[0], clause[1], trigger) or _cue_in(rx, norm, reach, t0, trigger):
            return kind
    if attributions:
        # the spec's "a party to the conflict claims it": the page's main source (the first) speaks
        # for a party, whichever side acted. (Asking for the acting side's own source, as before,
        # left "claimed" at 26 of 70 on the training part, the actor being often missing or cast as
        # the target; the main source alone gives 47, at 5 more "reported" read as "claimed".)
        if source_sides(attributions[0], norm, lex):
            return "claimed"
        return "reported"
    return "asserted"
