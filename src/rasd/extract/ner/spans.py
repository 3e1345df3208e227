"""Names from the tagger as event actors: persons (and organisations) the knowledge base lacks.

The event extractor asks for names only inside the sentences that hold an event trigger (tagging
whole pages would cost more than the rest of extraction). A tagged name becomes a PERSON span
(or an ACTOR span for an organisation) when no knowledge-base actor, pattern-found person, place
or work title overlaps it, and it is not itself a place of the gazetteer: a town name is never a
person, whatever the tagger says.
"""
from __future__ import annotations

from bisect import bisect_left
from typing import Collection, Iterable, Sequence

from rasd.clean.normalize import normalize_arabic
from rasd.extract.attribution import NSpan
from rasd.extract.ner.corpus import entity_spans
from rasd.extract.ner.features import strip_clitics
from rasd.extract.ner.tagger import NameTagger, _sequences
from rasd.extract.textview import TextView

#: Shortest name kept (normalised letters): one- and two-letter "names" are clitics or initials.
MIN_NAME_CHARS = 3
#: Longest blocking span looked back over (places, actors and titles are under 120 characters in the
#: Al Mayadeen corpus, as in the event extractor's MAX_SPAN_CHARS).
MAX_BLOCK_CHARS = 300
#: Tagger type -> (span label, actor kind) of the span given to the event extractor.
AS_ACTOR = {"PERS": ("PERSON", "person"), "ORG": ("ACTOR", "organisation")}


def is_place_name(name: str, place_keys: Collection[str]) -> bool:
    """True when the normalised `name`, or it without a proclitic/article on its first word, is a gazetteer key."""
    if name in place_keys:
        return True
    first, _, rest = name.partition(" ")
    bare = strip_clitics(first)[1]
    return (bare + (" " + rest if rest else "")) in place_keys


def tag_ranges(tagger: NameTagger, norm: str, ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """(start, end, type) names tagged in the given ranges of the normalised text."""
    seqs = []
    for a, b in sorted(set(ranges)):
        for toks in _sequences(norm[a:b]):
            seqs.append([(s + a, e + a, w) for s, e, w in toks])
    out = []
    for toks, tags in zip(seqs, tagger.tag_many([[w for _, _, w in t] for t in seqs])):
        for s, e, kind in sorted(entity_spans(tags)):
            out.append((toks[s][0], toks[e - 1][1], kind))
    return out


def names_as_actors(tagger: NameTagger, view: TextView, ranges: Iterable[tuple[int, int]], blocked: Sequence[NSpan],
                    place_keys: Collection[str], not_person: Collection[str] = (),
                    types: Collection[str] = ("PERS",)) -> list[NSpan]:
    """PERSON/ACTOR spans (normalised offsets) for tagged names of `types` that nothing in `blocked` covers."""
    norm = view.norm
    taken = sorted((s.start, s.end) for s in blocked)
    starts = [t[0] for t in taken]
    out: list[NSpan] = []
    for start, end, kind in tag_ranges(tagger, norm, ranges):
        if kind not in types or kind not in AS_ACTOR:
            continue
        name = norm[start:end]
        if sum(ch.isalpha() for ch in name) < MIN_NAME_CHARS or any(ch.isdigit() for ch in name):
            continue
        lo, hi = bisect_left(starts, start - MAX_BLOCK_CHARS), bisect_left(starts, end)
        if any(e > start for _, e in taken[lo:hi]):
            continue
        if is_place_name(name, place_keys) or name in not_person:
            continue
        label, actor_kind = AS_ACTOR[kind]
        out.append(NSpan(start, end, label, {
            "actor_id": None, "name": name, "name_en": None, "kind": actor_kind, "inter": None,
            "text": view.text[view.to_orig(start):view.to_orig_end(end)], "title": None, "affiliations": [], "resolved_by": "ner"}))
    return out


class NameActorFinder:
    """`names_as_actors` with the gazetteer's keys and the actor rules' not-person phrases bound once."""

    def __init__(self, tagger: NameTagger, gazetteer=None):
        """`gazetteer`: a `Gazetteer` (default: the curated one)."""
        from rasd.extract.actors_kb import load_rules
        from rasd.extract.gazetteer import Gazetteer

        self.tagger = tagger
        self.place_keys = (gazetteer if isinstance(gazetteer, Gazetteer) else Gazetteer.load_default()).keys()
        self.not_person = frozenset(normalize_arabic(w) for w in load_rules().raw["not_person"])

    def find(self, view: TextView, ranges: Iterable[tuple[int, int]], blocked: Sequence[NSpan],
             types: Collection[str] = ("PERS",)) -> list[NSpan]:
        """Tagged names of `types` in `ranges` as PERSON/ACTOR spans (normalised offsets)."""
        return names_as_actors(self.tagger, view, ranges, blocked, self.place_keys, self.not_person, types)
