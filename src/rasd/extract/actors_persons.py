"""Pattern-found persons: names after ranks and titles, after reporting verbs, and kunyas (أبو X).

These run over the normalised text after the knowledge-base matches are known, so a title in
front of a known person only attaches the title, and a name never runs into a known organisation.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Mapping

from rasd.extract.actors_text import QUOTES, NormText, Token, norm_word

#: Definite article alone or behind a proclitic; such a word never opens a name.
_DEFINITE = ("ال", "وال", "بال", "فال", "كال", "لل", "ولل", "فلل")
#: A derived verbal noun with a possessive pronoun (انشقاقه، انسحابه، اعتقاله، استقالته): what a
#: person did, never a word of the name. Seven letters or more, so given names ending in ة/ه
#: (أسامة، حمزة) stay names.
_VERBAL_NOUN_PRONOUN = re.compile(r"^ا(?!ل)\w{4,}(?:ه|ها|هم|هما)$")

#: Most construct/adjective tokens skipped between a title and the name ("وزير الخارجية الروسي"):
#: the longest title phrases we wrote in tests ("رئيس هيئة الأركان العامة للجيش") have five.
MAX_COMPLEMENT_TOKENS = 6


@dataclass(frozen=True, slots=True)
class PersonRules:
    """Normalised word sets for the person patterns (built from `rules.yaml`)."""

    titles: Mapping[str, str]            # normalised title -> category (rank | plain | complement)
    title_words: frozenset[str]          # every word that begins a title
    reporting_verbs: frozenset[str]
    joiners: frozenset[str]
    stopwords: frozenset[str]
    not_person: frozenset[str]
    complement_nouns: frozenset[str]
    first_names: frozenset[str]
    complement_preps: frozenset[str] = field(default_factory=lambda: frozenset({"في", "باسم", "لدي", "ب", "لشوون"}))

    @classmethod
    def from_raw(cls, raw: Mapping) -> "PersonRules":
        """Build from the `rules.yaml` mapping."""
        titles: dict[str, str] = {}
        for category in ("ranks", "plain", "complement"):
            for t in raw["titles"][category]:
                titles[norm_word(t)] = "rank" if category == "ranks" else category
        verbs = frozenset(norm_word(v) for v in raw["reporting_verbs"])
        return cls(
            titles=titles,
            title_words=frozenset(t.split()[0] for t in titles),
            reporting_verbs=verbs,
            joiners=frozenset(norm_word(j) for j in raw["name_joiners"]),
            stopwords=frozenset(norm_word(w) for w in raw["name_stopwords"]) | verbs,
            not_person=frozenset(norm_word(w) for w in raw["not_person"]),
            complement_nouns=frozenset(norm_word(w) for w in raw["complement_nouns"]),
            first_names=frozenset(norm_word(w) for w in raw["first_names"]),
        )

    def can_start_name(self, word: str) -> bool:
        """False for words that cannot open a name: definite (also behind a clitic: والمغتربين، للرئيس)
        or a present-tense verb (يدعو، تؤكد) that is not a known given name."""
        if word.startswith(_DEFINITE):
            return False
        return not (word[0] in "يت" and len(word) > 3 and word not in self.first_names)

    def is_stop(self, word: str) -> bool:
        """True when `word` cannot be part of a name (function word, verb, title; also with a و/ف clitic)."""
        if word in self.stopwords or word in self.title_words or _VERBAL_NOUN_PRONOUN.match(word):
            return True
        if len(word) > 2 and word[0] in "وفبلك":
            rest = word[1:]
            return rest in self.stopwords or rest in self.title_words
        return False


@dataclass(frozen=True, slots=True)
class FoundPerson:
    """A person found by a pattern, in normalised offsets."""

    start: int
    end: int
    title: tuple[int, int] | None      # normalised span of the title phrase
    resolved_by: str
    attach_to: int | None = None       # start of a knowledge-base person span the title belongs to
    alias_of: int | None = None        # start of the person span a parenthesised kunya belongs to
    affiliated: tuple[int, ...] = ()   # starts of knowledge-base spans inside the title phrase


def scan_name(nt: NormText, pos: int, rules: PersonRules, kb_starts: Mapping[int, object],
              *, min_units: int, max_units: int) -> tuple[int, int] | None:
    """A name of `min_units`..`max_units` units starting at the first token after `pos`, or None.

    A unit is one word, or a joiner plus the next word (عبد الرحمن، أبو محمد، بن علي). The name
    stops at punctuation, a line break, a stopword, a title, a reporting verb or a known actor.
    """
    units = 0
    start = end = -1
    tokens = nt.tokens_from(pos)
    for tok in tokens:
        if not tok.is_word or tok.text.isdecimal() or (units and tok.newline_before):
            break
        word = tok.text
        if rules.is_stop(word) or tok.start in kb_starts or len(word) < 2:
            break
        if units == 0 and not rules.can_start_name(word):
            return None
        unit_end = tok.end
        if word in rules.joiners:
            nxt = next(tokens, None)
            if nxt is None or not nxt.is_word or nxt.newline_before or rules.is_stop(nxt.text):
                break
            unit_end = nxt.end
        if units == 0:
            start = tok.start
        units += 1
        end = unit_end
        if units == max_units:
            break
    if units < min_units:
        return None
    return start, end


def find_title_person(nt: NormText, title_start: int, title_end: int, category: str, rules: PersonRules,
                      kb_spans: Mapping[int, tuple[int, str]], max_units: int) -> FoundPerson | None:
    """The person introduced by the title at [title_start, title_end), or None.

    `kb_spans` maps the start of each knowledge-base span to (end, kind). Construct complements
    and definite adjectives are skipped (وزير الخارجية الروسي); another title ends the search
    because that title will introduce the name itself.
    """
    pos = title_end
    phrase_end = title_end
    used_prep = False
    first = True
    inside: list[int] = []
    for _ in range(MAX_COMPLEMENT_TOKENS):
        tok = nt.next_token(pos)
        if tok is None or not tok.is_word or tok.newline_before:
            return None
        if tok.start in kb_spans:
            end, kind = kb_spans[tok.start]
            if kind == "person":
                return FoundPerson(tok.start, end, (title_start, phrase_end), "pattern:title", attach_to=tok.start,
                                   affiliated=tuple(inside))
            inside.append(tok.start)
            pos = phrase_end = end
            first = False
            continue
        word = tok.text
        if word in rules.title_words and _title_at(nt, tok, rules):
            return None
        if category == "complement" and not used_prep and word in rules.complement_preps:
            used_prep = True
            pos = tok.end
            first = True
            continue
        if word.startswith("ال") and not rules.is_stop(word):
            pos = phrase_end = tok.end
            first = False
            continue
        if category == "complement" and first and _is_complement_noun(nt, tok, rules, kb_spans):
            pos = phrase_end = tok.end
            first = False
            continue
        break
    found = scan_name(nt, pos, rules, kb_spans, min_units=1, max_units=max_units)
    if found is None:
        return None
    words = nt.norm[found[0]:found[1]].split()
    if category == "complement" and len(words) < 2 and words[0] not in rules.first_names:
        return None
    if _is_not_person(norm_word(nt.norm[found[0]:found[1]]), rules) or _is_not_person(
            norm_word(nt.norm[title_start:found[1]]), rules):
        return None
    return FoundPerson(found[0], found[1], (title_start, phrase_end), "pattern:title", affiliated=tuple(inside))


def _is_not_person(phrase: str, rules: PersonRules) -> bool:
    words = phrase.split()
    return any(" ".join(words[:n]) in rules.not_person for n in range(1, len(words) + 1))


def _title_at(nt: NormText, tok: Token, rules: PersonRules) -> bool:
    two = nt.norm[tok.start:tok.end + 12].split()
    return tok.text in rules.titles or (len(two) > 1 and f"{two[0]} {two[1]}" in rules.titles)


def _is_complement_noun(nt: NormText, tok: Token, rules: PersonRules, kb_spans: Mapping[int, tuple[int, str]]) -> bool:
    """True for the indefinite construct noun after a title (وزير خارجية روسيا، رئيس هيئة الأركان)."""
    if tok.text in rules.complement_nouns:
        return True
    if rules.is_stop(tok.text):
        return False
    nxt = nt.next_token(tok.end)
    return nxt is not None and nxt.start in kb_spans and kb_spans[nxt.start][1] != "person"


def find_speech_person(nt: NormText, verb_end: int, rules: PersonRules,
                       kb_spans: Mapping[int, tuple[int, str]], max_units: int) -> FoundPerson | None:
    """A name of two or more units right after a reporting verb (قال فلان الفلاني), or None."""
    found = scan_name(nt, verb_end, rules, kb_spans, min_units=2, max_units=max_units)
    if found is None or _is_not_person(norm_word(nt.norm[found[0]:found[1]]), rules):
        return None
    first = nt.norm[found[0]:found[1]].split()[0]
    if first not in rules.first_names and first not in rules.joiners:
        return None
    return FoundPerson(found[0], found[1], None, "pattern:speech_verb")


#: Words right before a kunya that mark it as a nickname (الملقب بـ، المعروف بـ، المكنى).
KUNYA_MARKERS = frozenset({"الملقب", "الملقبه", "المعروف", "المعروفه", "المكني", "ويلقب", "ويكني"})


def find_kunya(nt: NormText, start: int, end: int, rules: PersonRules,
               kb_spans: Mapping[int, tuple[int, str]], person_ends: Mapping[int, int]) -> FoundPerson | None:
    """A kunya `أبو X [النسبة]` at [start, end) (the word أبو), when its context marks it as a person.

    Accepted in parentheses (after a name: it then aliases that name), after a nickname marker
    (الملقب بـ), or with a nisba (أبو محمد الجولاني). Place names in `not_person` are refused.
    """
    first = nt.next_token(end)
    if first is None or not first.is_word or rules.is_stop(first.text) or first.start in kb_spans:
        return None
    name_end = first.end
    nisba = nt.next_token(first.end)
    has_nisba = (nisba is not None and nisba.is_word and not nisba.newline_before and nisba.text.startswith("ال")
                 and nisba.text.endswith("ي") and not rules.is_stop(nisba.text) and nisba.start not in kb_spans)
    if has_nisba:
        name_end = nisba.end
    if _is_not_person(norm_word(nt.norm[start:name_end]), rules):
        return None
    before = nt.norm[:start].rstrip(" " + QUOTES)
    if before.endswith("("):
        owner_end = len(before) - 1
        while owner_end > 0 and nt.norm[owner_end - 1] == " ":
            owner_end -= 1
        return FoundPerson(start, name_end, None, "pattern:kunya_parenthetical", alias_of=person_ends.get(owner_end))
    prev = nt.prev_word(start)
    prev_text = prev.text if prev else ""
    if prev_text in KUNYA_MARKERS or before.endswith(tuple(f"{m} ب" for m in KUNYA_MARKERS)):
        return FoundPerson(start, name_end, None, "pattern:kunya")
    if has_nisba:
        return FoundPerson(start, name_end, None, "pattern:kunya")
    return None
