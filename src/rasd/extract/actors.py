"""Find actors, persons and sources in Arabic text.

`ActorFinder.find(text)` matches the knowledge base's aliases with one Aho-Corasick automaton over
the normalised text (built once per knowledge base and process), keeps whole words (with the
proclitics و ف ب ل ك and the assimilated لل), lets the longest match win, grows a match over a
construct head (قوات هيئة تحرير الشام → hts), applies the context rules (a capital is an actor
only as the subject of a state verb; a country is a place after a locative preposition; generic
words such as الحزب resolve to the side mentioned before), and adds persons found by patterns
(ranks and titles, reporting verbs, kunyas). Spans point into the original text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import ahocorasick

from rasd.document import Span
from rasd.extract.actors_kb import Actor, ActorKB, load_rules
from rasd.extract.actors_persons import (
    FoundPerson,
    PersonRules,
    find_kunya,
    find_speech_person,
    find_title_person,
)
from rasd.extract.actors_text import NormText, norm_word

__all__ = ["ActorFinder", "ActorKB", "ActorOptions", "find_attribution_sources"]

#: Longest proclitic sequence in rules.yaml (وب، فل ...) is two letters; a longer letter run before
#: a match means the match is inside another word.
_MAX_PREFIX = 2
#: Proclitics allowed before an alias beginning with the assimilated لل (للنظام = ل + النظام).
_LAM_PREFIXES = frozenset({"", "و", "ف"})
#: Proclitic sequences that make a country name a place (بسوريا = in Syria).
_LOCATIVE_CLITICS = ("ب", "وب", "فب")
#: Tokens a capital's state verb may sit before the capital: the verb itself, or the verb plus one
#: adverb (أعلنت اليوم دمشق). Chosen from how headlines and leads word it; wider windows caught
#: verbs whose subject was another noun.
CAPITAL_VERB_WINDOW = 2
#: Tokens allowed between an attribution cue and its source (قال وزير الخارجية الروسي سيرغي لافروف):
#: a title phrase is up to four words in the sentences we wrote.
ATTRIBUTION_GAP_TOKENS = 5


@dataclass(frozen=True, slots=True)
class ActorOptions:
    """What the finder reports and how it resolves context."""

    persons: bool = True              # pattern-found persons (titles, reporting verbs, kunyas)
    speech_persons: bool = True       # names right after قال/أكد/أعلن...
    kunyas: bool = True
    resolve_generic: bool = True      # الحزب، النظام، الفصائل ... resolved from context
    construct_heads: bool = True      # قوات X، مقاتلي X، وكالة X
    nationality_acts: bool = True     # غارة تركية، البحرية الإسرائيلية: the adjective's country
    max_name_units: int = 3           # name units after a title (عبد الرحمن counts as one)
    produced_by: str = "actors"


@dataclass(slots=True)
class _Hit:
    """A knowledge-base or generic match in normalised offsets (mutable while resolving)."""

    start: int
    end: int
    ids: list[str]
    resolved_by: str
    generic: str | None = None
    title: str | None = None
    candidates: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Matcher:
    """The compiled automaton and word sets for one knowledge base."""

    automaton: Any
    proclitics: frozenset[str]
    heads: Mapping[str, frozenset[str]]
    trailing: frozenset[str]
    nationality: Mapping[str, str]      # adjective -> ISO country ("الليبي" -> LY)
    generic: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]]
    verbs_before: frozenset[str]
    verbs_after: frozenset[str]
    locative: frozenset[str]
    persons: PersonRules
    source_kinds: frozenset[str]
    # an act or a body, an optional type word and a nationality adjective (rules.yaml nationality_acts):
    # group "body" or "act" holds the head, group "adj" the adjective
    national: re.Pattern[str] | None = None
    national_ids: Mapping[str, tuple[str, ...]] = field(default_factory=dict)   # adjective -> actor ids


def _add(entries: dict[str, list], key: str, entry: tuple) -> None:
    bucket = entries.setdefault(key, [])
    if entry not in bucket:
        bucket.append(entry)


def _build_matcher(kb: ActorKB) -> _Matcher:
    raw = load_rules().raw
    entries: dict[str, list] = {}
    for actor in kb:
        for mode, names in (("plain", actor.aliases), ("country", actor.country_aliases),
                            ("capital", actor.capital_aliases)):
            for alias in names:
                key = norm_word(alias)
                _add(entries, key, ("alias", actor.id, mode, False))
                if key.startswith("ال") and len(key) > 3:
                    _add(entries, "لل" + key[2:], ("alias", actor.id, mode, True))
    generic: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    for word, spec in raw["generic"].items():
        key = norm_word(word)
        generic[key] = (tuple(spec.get("candidates") or ()), tuple(spec.get("default") or ()))
        _add(entries, key, ("generic", key, "plain", False))
        _add(entries, "لل" + key[2:], ("generic", key, "plain", True))
    persons = PersonRules.from_raw(raw)
    for title, category in persons.titles.items():
        _add(entries, title, ("title", category, "", False))
    for verb in persons.reporting_verbs:
        _add(entries, verb, ("verb", verb, "", False))
    for kunya in ("ابو", "ابي", "ابا"):
        _add(entries, kunya, ("kunya", kunya, "", False))
    automaton = ahocorasick.Automaton()
    for key, bucket in entries.items():
        # Payload split once here so the per-match loop in `_scan` does no filtering:
        # (length, actor entries, actor entries valid only after و/ف or nothing (لل), triggers).
        plain = tuple(e for e in bucket if e[0] in ("alias", "generic") and not e[3])
        lam = tuple(e for e in bucket if e[0] in ("alias", "generic") and e[3])
        triggers = tuple((e[0], e[1]) for e in bucket if e[0] in ("title", "verb", "kunya"))
        automaton.add_word(key, (len(key), plain, lam, triggers))
    automaton.make_automaton()
    heads: dict[str, frozenset[str]] = {}
    for group in raw["construct_heads"]:
        for word in group["words"]:
            heads[norm_word(word)] = frozenset(heads.get(norm_word(word), frozenset()) | set(group["kinds"]))
    national, national_ids = _national_pattern(raw, kb)
    return _Matcher(
        automaton=automaton,
        proclitics=frozenset(norm_word(p) for p in raw["proclitics"]) | {""},
        heads=heads,
        trailing=frozenset(norm_word(w) for w in raw["trailing_adjectives"]),
        nationality={norm_word(w): code for code, words in (raw.get("nationality_adjectives") or {}).items()
                     for w in words},
        generic=generic,
        verbs_before=frozenset(norm_word(w) for w in raw["capital_verbs_before"]),
        verbs_after=frozenset(norm_word(w) for w in raw["capital_verbs_after"]),
        locative=frozenset(norm_word(w) for w in raw["locative_before"]),
        persons=persons,
        source_kinds=frozenset(raw["source_kinds"]),
        national=national,
        national_ids=national_ids,
    )


def _national_pattern(raw: Mapping[str, Any], kb: ActorKB) -> tuple[re.Pattern[str] | None, dict[str, tuple[str, ...]]]:
    """The regex of rules.yaml `nationality_acts` over normalised text, and adjective -> actor ids
    (each adjective with and without the article: القصف التركي، غارة تركية)."""
    spec = raw.get("nationality_acts")
    if not spec:
        return None, {}
    ids: dict[str, tuple[str, ...]] = {}
    for code, words in (raw.get("nationality_adjectives") or {}).items():
        actors = tuple(a for a in (spec.get("countries") or {}).get(code) or () if a in kb)
        if not actors:
            continue
        for w in words:
            key = norm_word(w)
            ids[key] = actors
            if key.startswith("ال"):
                ids[key[2:]] = actors

    def alt(words: Sequence[str]) -> str:
        forms = {norm_word(w) for w in words} | {"ال" + norm_word(w) for w in words}
        return "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))

    if not ids:
        return None, {}
    clitics = "|".join(sorted((re.escape(norm_word(p)) for p in raw["proclitics"]), key=len, reverse=True))
    adjs = "|".join(re.escape(a) for a in sorted(ids, key=len, reverse=True))
    heads = "|".join(f"(?P<{group}>{alt(spec[key])})" for group, key in (("act", "acts"), ("body", "bodies"))
                     if spec.get(key))
    between = rf"(?:\s+(?:{alt(spec['between'])}))?" if spec.get("between") else ""
    if not heads:
        return None, {}
    rx = rf"(?<!\w)(?:{clitics})?(?:{heads}){between}\s+(?P<adj>{adjs})(?!\w)"
    return re.compile(rx), ids


def _matcher(kb: ActorKB) -> _Matcher:
    """The compiled matcher of `kb`, built on first use and kept on the KB (once per process)."""
    found = kb.cache.get("matcher")
    if found is None:
        found = kb.cache["matcher"] = _build_matcher(kb)
    return found


def _strip_clitic(word: str, proclitics: frozenset[str], vocab: Mapping[str, Any] | frozenset[str]) -> str | None:
    if word in vocab:
        return word
    for n in (1, 2):
        if len(word) > n + 1 and word[:n] in proclitics and word[n:] in vocab:
            return word[n:]
    return None


class ActorFinder:
    """Finds knowledge-base actors, pattern-found persons and sources in a text."""

    def __init__(self, kb: ActorKB, options: ActorOptions = ActorOptions()):
        """Compile (or reuse) the knowledge base's automaton."""
        self.kb = kb
        self.options = options
        self._m = _matcher(kb)
        closures = kb.cache.setdefault("closures", {})
        if not closures:
            closures.update({a.id: kb.affiliation_closure(a.id) for a in kb})
        self._closures: Mapping[str, frozenset[str]] = closures

    # -- matching ------------------------------------------------------------------------------
    def _scan(self, nt: NormText) -> tuple[list[tuple[int, int, tuple]], list[tuple[int, int, str, str]]]:
        """Whole-word matches: (start, end, alias entries) and triggers (start, end, type, data)."""
        norm, m = nt.norm, self._m
        n = len(norm)
        proclitics = m.proclitics
        actors: list[tuple[int, int, tuple]] = []
        triggers: list[tuple[int, int, str, str]] = []
        for last, (length, plain, lam, trig) in m.automaton.iter(norm):
            end = last + 1
            if end < n and norm[end].isalnum():
                continue
            start = end - length
            prefix = ""
            if start and norm[start - 1].isalnum():
                p = start - 1
                while p and norm[p - 1].isalnum() and start - p < _MAX_PREFIX:
                    p -= 1
                prefix = norm[p:start]
                if (p and norm[p - 1].isalnum()) or prefix not in proclitics:
                    continue
            found = plain + lam if lam and prefix in _LAM_PREFIXES else plain
            if found:
                actors.append((start, end, found))
            for kind, data in trig:
                triggers.append((start, end, kind, data))
        return actors, triggers

    @staticmethod
    def _longest(cands: list, n: int) -> list:
        taken = bytearray(n + 1)
        chosen = []
        for cand in sorted(cands, key=lambda c: (c[0] - c[1], c[0])):
            s, e = cand[0], cand[1]
            if any(taken[s:e]):
                continue
            taken[s:e] = b"\x01" * (e - s)
            chosen.append(cand)
        chosen.sort(key=lambda c: c[0])
        return chosen

    # -- context rules -------------------------------------------------------------------------
    def _is_capital_actor(self, nt: NormText, start: int, end: int) -> bool:
        m = self._m
        nxt = nt.next_token(end)
        if nxt is not None and not nxt.newline_before:
            if nxt.text == ":" or _strip_clitic(nxt.text, m.proclitics, m.verbs_after):
                return True
        pos = start
        for _ in range(CAPITAL_VERB_WINDOW):
            prev = nt.prev_word(pos)
            if prev is None:
                return False
            if _strip_clitic(prev.text, m.proclitics, m.verbs_before):
                return True
            pos = prev.start
        return False

    def _is_country_place(self, nt: NormText, start: int) -> bool:
        prefix = nt.norm[nt.word_start(start):start]
        if prefix.endswith(_LOCATIVE_CLITICS) or prefix.endswith("ل"):
            return True
        prev = nt.prev_word(start)
        return prev is not None and _strip_clitic(prev.text, self._m.proclitics, self._m.locative) is not None

    def _pick_by_date(self, ids: list[str], doc_date: str | None) -> tuple[list[str], bool]:
        if len(ids) < 2 and not doc_date:
            return ids, False
        valid = [i for i in ids if self.kb.get(i).valid_on(doc_date)] if doc_date else []
        if valid and len(valid) < len(ids):
            return valid, True
        return ids, False

    def _hits(self, nt: NormText, actors: list[tuple[int, int, tuple]], doc_date: str | None) -> list[_Hit]:
        hits: list[_Hit] = []
        for start, end, entries in self._longest(actors, len(nt.norm)):
            plain = [e[1] for e in entries if e[0] == "alias" and e[2] == "plain"]
            country = [e[1] for e in entries if e[0] == "alias" and e[2] == "country"]
            capital = [e[1] for e in entries if e[0] == "alias" and e[2] == "capital"]
            generic = next((e[1] for e in entries if e[0] == "generic"), None)
            if plain:
                ids, how = plain, "alias"
            elif country and not self._is_country_place(nt, start):
                ids, how = country, "country_rule"
            elif capital and self._is_capital_actor(nt, start, end):
                ids, how = capital, "capital_rule"
            elif generic is not None and self.options.resolve_generic:
                hits.append(_Hit(start, end, [], "generic", generic=generic))
                continue
            else:
                continue
            picked, by_date = self._pick_by_date(ids, doc_date)
            if self._other_nationality(nt, end, picked):
                continue   # "الجيش الوطني الليبي" is not the Syrian National Army
            hit = _Hit(start, end, picked, how + ("+date" if by_date else ""))
            if len(picked) > 1:
                hit.candidates = list(picked)
            hits.append(hit)
        if self.options.construct_heads:
            self._grow_constructs(nt, hits)
        if self.options.nationality_acts and self._m.national is not None:
            hits = self._national_hits(nt, hits, doc_date)
        if self.options.resolve_generic:
            hits = self._resolve_generic(hits, doc_date)
        return hits

    def _national_hits(self, nt: NormText, hits: list[_Hit], doc_date: str | None) -> list[_Hit]:
        """Add the country named by a nationality adjective on an armed act or body ("غارة تركية"
        -> Turkey, the adjective the span; "البحرية الإسرائيلية" -> Israel, both words the span)
        where no knowledge-base name covers any of the words already."""
        taken = bytearray(len(nt.norm) + 1)
        for h in hits:
            taken[h.start:h.end] = b"\x01" * (h.end - h.start)
        added = []
        for m in self._m.national.finditer(nt.norm):
            head = "act" if m.groupdict().get("act") else "body"
            if any(taken[m.start(head):m.end()]):
                continue
            ids, by_date = self._pick_by_date(list(self._m.national_ids[m.group("adj")]), doc_date)
            start = m.start("adj") if head == "act" else m.start(head)
            added.append(_Hit(start, m.end(), ids[:1], "nationality" + ("+date" if by_date else "")))
        return sorted(hits + added, key=lambda h: h.start) if added else hits

    def _other_nationality(self, nt: NormText, end: int, ids: Sequence[str]) -> bool:
        """The word right after the name is a nationality adjective of another country than every
        candidate actor's ("الجيش الوطني الليبي" after the alias "الجيش الوطني" of a Syrian group)."""
        nxt = nt.next_token(end)
        if nxt is None or not nxt.is_word or nxt.newline_before or nt.norm[end:nxt.start].strip(" "):
            return False
        code = self._m.nationality.get(nxt.text)
        if code is None:
            return False
        countries = {self.kb.get(i).country for i in ids}
        return None not in countries and code not in countries

    def _grow_constructs(self, nt: NormText, hits: list[_Hit]) -> None:
        m = self._m
        ends = {h.end for h in hits}
        starts = {h.start for h in hits}
        for hit in hits:
            if not hit.ids:
                continue
            kind = self.kb.get(hit.ids[0]).kind
            for _ in range(2):   # قادة قوات النظام: at most two stacked heads
                prev = nt.prev_word(hit.start)
                if prev is None or prev.end in ends:
                    break
                head = _strip_clitic(prev.text, m.proclitics, m.heads)
                if head is None or kind not in m.heads[head]:
                    break
                hit.start = prev.end - len(head)
                hit.resolved_by += "+construct"
            nxt = nt.next_token(hit.end)
            if (nxt is not None and nxt.is_word and not nxt.newline_before and nxt.text in m.trailing
                    and nxt.start not in starts and nt.norm[hit.end:nxt.start].strip(" ") == ""):
                hit.end = nxt.end

    def _resolve_generic(self, hits: list[_Hit], doc_date: str | None) -> list[_Hit]:
        recent: dict[str, int] = {}
        kept: list[_Hit] = []
        for hit in hits:
            if hit.generic is not None:
                candidates, defaults = self._m.generic[hit.generic]
                best = max((c for c in candidates if c in recent), key=lambda c: recent[c], default=None)
                if best is not None:
                    hit.ids, hit.resolved_by = [best], "context"
                else:
                    valid = [d for d in defaults if self.kb.get(d).valid_on(doc_date)] or list(defaults)
                    if not valid:
                        continue
                    hit.ids, hit.resolved_by = [valid[0]], "default"
            for aid in hit.ids[:1]:
                for related in self._closures.get(aid, ()):
                    recent[related] = hit.start
            kept.append(hit)
        return kept

    # -- persons -------------------------------------------------------------------------------
    def _persons(self, nt: NormText, hits: list[_Hit], triggers: list[tuple[int, int, str, str]]) -> list[FoundPerson]:
        rules = self._m.persons
        kb_spans = {h.start: (h.end, self.kb.get(h.ids[0]).kind) for h in hits if h.ids}
        person_ends = {h.end: h.start for h in hits if h.ids and self.kb.get(h.ids[0]).kind == "person"}
        occupied = bytearray(len(nt.norm) + 1)
        for h in hits:
            occupied[h.start:h.end] = b"\x01" * (h.end - h.start)
        found: list[FoundPerson] = []
        for start, end, kind, data in self._longest(triggers, len(nt.norm)):
            if occupied[start]:
                continue
            person = None
            if kind == "title":
                person = find_title_person(nt, start, end, data, rules, kb_spans, self.options.max_name_units)
            elif kind == "verb" and self.options.speech_persons:
                person = find_speech_person(nt, end, rules, kb_spans, self.options.max_name_units)
            elif kind == "kunya" and self.options.kunyas:
                person = find_kunya(nt, start, end, rules, kb_spans, person_ends)
            if person is None:
                continue
            if person.attach_to is None:
                if any(occupied[person.start:person.end]):
                    continue
                occupied[person.start:person.end] = b"\x01" * (person.end - person.start)
                person_ends[person.end] = person.start
            found.append(person)
        return found

    # -- output --------------------------------------------------------------------------------
    def _label(self, kind: str) -> str:
        if kind == "person":
            return "PERSON"
        return "SOURCE" if kind in self._m.source_kinds else "ACTOR"

    def _actor_value(self, actor: Actor, text: str, resolved_by: str, title: str | None,
                     candidates: list[str]) -> dict[str, Any]:
        value: dict[str, Any] = {
            "actor_id": actor.id, "name": actor.name, "name_en": actor.name_en, "kind": actor.kind,
            "inter": actor.inter, "text": text, "title": title, "affiliations": list(actor.affiliations),
            "resolved_by": resolved_by,
        }
        if candidates:
            value["candidates"] = candidates
        return value

    def find(self, text: str, *, doc_date: str | None = None) -> list[Span]:
        """Actors, persons and sources in `text`, in text order; offsets index `text`.

        `doc_date` (YYYY-MM-DD, or a prefix) chooses between actors valid at different times
        (the Assad-era and the post-2024 Syrian government share aliases such as الجيش السوري).
        """
        if not text:
            return []
        nt = NormText(text)
        actors, triggers = self._scan(nt)
        hits = self._hits(nt, actors, doc_date)
        persons = self._persons(nt, hits, triggers) if self.options.persons else []
        titles: dict[int, str] = {}
        by_start = {h.start: h for h in hits}
        out: list[tuple[int, int, str, dict[str, Any]]] = []
        person_values: dict[int, dict[str, Any]] = {}
        for p in persons:
            title = nt.orig_text(*p.title).strip() if p.title else None
            if p.attach_to is not None:
                if title:
                    titles[p.attach_to] = title
                continue
            owner = person_values.get(p.alias_of) if p.alias_of is not None else None
            if owner is None and p.alias_of is not None and p.alias_of in by_start:
                owner_hit = by_start[p.alias_of]
                owner = self._actor_value(self.kb.get(owner_hit.ids[0]), "", "alias", None, [])
            written = nt.orig_text(p.start, p.end)
            affiliations = [by_start[s].ids[0] for s in p.affiliated if s in by_start and by_start[s].ids]
            value = {
                "actor_id": owner["actor_id"] if owner else None,
                "name": owner["name"] if owner else written,
                "name_en": owner["name_en"] if owner else None,
                "kind": "person", "inter": None, "text": written, "title": title,
                "affiliations": affiliations or (list(owner["affiliations"]) if owner else []),
                "resolved_by": p.resolved_by,
            }
            person_values[p.start] = value
            out.append((p.start, p.end, "PERSON", value))
        for h in hits:
            actor = self.kb.get(h.ids[0])
            value = self._actor_value(actor, nt.orig_text(h.start, h.end), h.resolved_by, titles.get(h.start),
                                      h.candidates)
            out.append((h.start, h.end, self._label(actor.kind), value))
        spans = []
        for start, end, label, value in sorted(out, key=lambda o: (o[0], o[1])):
            a, b = nt.span_to_orig(start, end)
            spans.append(Span(a, b, label, value, self.options.produced_by))
        return spans


def find_attribution_sources(text: str, kb: ActorKB, *, doc_date: str | None = None) -> list[Span]:
    """Sources introduced by attribution cues (بحسب، وفق، نقلا عن، قال، أفادت، ذكرت ...).

    Each span is the source as found by `ActorFinder` (a knowledge-base actor, a pattern-found
    person, or an unnamed source such as مصادر محلية) relabelled SOURCE, with `cue` (the cue as
    written) added to its value. The cue must come before the source, at most
    `ATTRIBUTION_GAP_TOKENS` words away, with no punctuation between.
    """
    from rasd.extract.actors_sources import attribution_spans

    finder = kb.cache.get("attribution_finder")
    if finder is None:
        finder = kb.cache["attribution_finder"] = ActorFinder(kb)
    return attribution_spans(text, finder, doc_date=doc_date, max_gap=ATTRIBUTION_GAP_TOKENS)
