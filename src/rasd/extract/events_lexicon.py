"""Load the event lexicons (src/rasd/data/events/*.yaml) and compile them into regexes.

All patterns run over normalised Arabic (`rasd.clean.normalize.normalize_arabic`); the loader
normalises the data strings the same way so a lexicon may be written in natural spelling.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from re import _constants as _sre_c, _parser as _sre_p
from typing import Any, Callable

import ahocorasick

from rasd.clean.normalize import normalize_arabic
from rasd.extract.datafiles import load_yaml

#: The 16 event types of EVENTS.md, in the order of the taxonomy table.
EVENT_TYPES = (
    "territory_control", "withdrawal", "armed_clash", "air_strike", "shelling", "bombing",
    "attack_on_civilians", "detainee_release", "arrest", "defection", "protest", "reinforcement",
    "displacement", "sanctions", "diplomacy", "agreement",
)

# Clitic prefixes per part of speech (normalised): a verb takes و/ف, ل (لقد) and قد; a noun takes
# و/ف, a preposition ب/ل/ك and the article (ال, or لل after ل).
_PREFIX = {
    "verb": r"(?:[وف]?(?:ل?قد\s+)?(?:[وف]?ل)?)",
    "noun": r"(?:[وف]?(?:(?:[بك])?ال|لل|[بلك])?)",
    "participle": r"(?:[وف]?(?:(?:[بك])?ال|لل|[بلك])?)",
    "phrase": r"(?:[وف]?(?:(?:[بك])?ال|لل|[بلك])?)",
}


@dataclass(frozen=True, slots=True)
class TriggerType:
    """One event type's compiled trigger regex and its negative contexts."""

    name: str
    pattern: re.Pattern[str]           # named groups p0..pN, one per lexicon entry
    pos: tuple[str, ...]               # part of speech of each entry (index = group number)
    negative_before: re.Pattern[str] | None
    negative_after: re.Pattern[str] | None


@dataclass(frozen=True, slots=True)
class EventLexicon:
    """Everything the event extractor reads from data files, compiled once per process."""

    types: tuple[TriggerType, ...]
    # all types' triggers in one regex; group t{type}_{entry} names the hit. It is only tried
    # where `trigger_keys` (the first letters of every trigger's stem) found a candidate.
    combined: re.Pattern[str]
    trigger_keys: Any                  # ahocorasick.Automaton: stem head -> (len, entry indices)
    entries: tuple[re.Pattern[str], ...]   # each alternative of `combined` alone, same order
    clause_overrides: dict[str, tuple[str, ...]]
    attempt_before: re.Pattern[str]
    attempt_type: str
    clause_openers: re.Pattern[str]
    elaboration_openers: re.Pattern[str]
    enumeration_openers: re.Pattern[str]
    enumeration_heads: re.Pattern[str]
    place_list_gap: re.Pattern[str]
    destination_before: re.Pattern[str]
    anaphora: re.Pattern[str]
    purpose_before: re.Pattern[str]
    anniversary: re.Pattern[str]
    irrealis: re.Pattern[str]
    acts: dict[str, re.Pattern[str]]
    flashback_openers: re.Pattern[str]
    relative_before: re.Pattern[str]
    attr_prepositions: re.Pattern[str]
    attr_verbs: re.Pattern[str]
    attr_continuation: re.Pattern[str]
    attr_stop: re.Pattern[str]
    attr_max_free_words: int
    attr_max_gap_after_verb: int
    party_media: tuple[tuple[frozenset[str], re.Pattern[str]], ...]   # (side ids, source pattern)
    modality: tuple[tuple[str, re.Pattern[str]], ...]
    mapping: dict[str, dict[str, Any]]
    unit_place_before: re.Pattern[str] | None = None
    reach_before: re.Pattern[str] | None = None
    landmark_gap: re.Pattern[str] | None = None       # "X المحاذية لـY": Y is X's landmark
    direction_before: re.Pattern[str] | None = None   # "جنوب X": X is a reference point
    inner_place_gap: re.Pattern[str] | None = None    # "... X في بلدات Y": Y is inside the phrase
    work_title: re.Pattern[str] | None = None
    background: re.Pattern[str] | None = None
    # casualty follow-ups: (back-reference pattern, event types it can point to)
    back_references: tuple[tuple[re.Pattern[str], frozenset[str]], ...] = ()
    casualty_verbs: tuple[tuple[str, re.Pattern[str]], ...] = ()
    casualty_units: frozenset[str] = frozenset()
    named_death: re.Pattern[str] | None = None
    # how a strike was delivered (triggers.yaml `platforms`): aircraft or drones, or ground weapons
    air_platform: re.Pattern[str] | None = None
    ground_weapon: re.Pattern[str] | None = None
    # types whose trigger may stand inside an actor's name (triggers.yaml triggers_inside_actors)
    inside_actors: frozenset[str] = frozenset({"air_strike"})
    # attribution (cues.yaml `attribution`): the text allowed between a subject and its verb, a
    # document noun, a document noun naming its issuer, and the heads of names written in short
    attr_svo_gap: re.Pattern[str] | None = None
    attr_document_nouns: re.Pattern[str] | None = None
    attr_document_link: re.Pattern[str] | None = None
    attr_short_heads: re.Pattern[str] | None = None
    attr_spokesman_of: re.Pattern[str] | None = None
    attr_verbs_named_only: re.Pattern[str] | None = None
    attr_title_heads: re.Pattern[str] | None = None


def _n(pattern: str) -> str:
    return normalize_arabic(pattern)


def _word(pattern: str) -> re.Pattern[str]:
    """Compile `pattern` (normalised) bounded by non-word characters on both sides."""
    return re.compile(rf"(?<!\w)(?:{_n(pattern)})(?!\w)")


def _raw(pattern: str | None) -> re.Pattern[str] | None:
    return re.compile(_n(pattern)) if pattern else None


#: Length of the literal stem heads looked up in one Aho-Corasick pass before the trigger regex
#: runs: three letters keep every head of the current lexicon distinct from the clitics (و، ال).
KEY_LEN = 3


def stem_heads(pattern: str, n: int = KEY_LEN) -> set[str]:
    """Every string of the first `n` letters a (normalised) trigger pattern can start with.

    Walks the parsed regex: literals, groups, alternations and optional parts are expanded;
    anything else (a class, `\\S`) ends the head early. A head shorter than `n` is allowed but
    `load_event_lexicon` refuses one shorter than 2 (it would match everywhere).
    """
    out: set[str] = set()

    def walk(items: list, i: int, acc: str, k: Callable[[str], None]) -> None:
        if len(acc) >= n:
            out.add(acc[:n])
            return
        if i == len(items):
            k(acc)
            return
        op, av = items[i]

        def nxt(a: str) -> None:
            walk(items, i + 1, a, k)
        if op is _sre_c.LITERAL:
            nxt(acc + chr(av))
        elif op is _sre_c.SUBPATTERN:
            walk(list(av[3]), 0, acc, nxt)
        elif op is _sre_c.BRANCH:
            for branch in av[1]:
                walk(list(branch), 0, acc, nxt)
        elif op in (_sre_c.MAX_REPEAT, _sre_c.MIN_REPEAT):
            lo, hi, sub = av
            if lo == 0:
                nxt(acc)
            walk(list(sub), 0, acc, nxt if hi == 1 else out.add)
        else:
            out.add(acc)

    walk(list(_sre_p.parse(pattern)), 0, "", out.add)
    return out


def _compile_type(name: str, spec: dict[str, Any]) -> TriggerType:
    parts, pos = [], []
    for i, (p, pattern) in enumerate(spec["triggers"]):
        if p not in _PREFIX:
            raise ValueError(f"triggers.yaml: {name}: unknown part of speech {p!r}")
        parts.append(rf"(?P<p{i}>{_PREFIX[p]}(?:{_n(pattern)}))")
        pos.append(p)
    rx = re.compile(rf"(?<!\w)(?:{'|'.join(parts)})(?!\w)")
    return TriggerType(name, rx, tuple(pos), _raw(spec.get("negative_before")),
                       _raw(spec.get("negative_after")))


@lru_cache(maxsize=1)
def load_event_lexicon() -> EventLexicon:
    """Read and compile triggers.yaml, cues.yaml and mapping.yaml (cached per process)."""
    trig = load_yaml("events", "triggers.yaml")
    cues = load_yaml("events", "cues.yaml")
    mapping = load_yaml("events", "mapping.yaml")
    unknown = set(trig["types"]) ^ set(EVENT_TYPES)
    if unknown:
        raise ValueError(f"triggers.yaml types differ from EVENT_TYPES: {sorted(unknown)}")
    attr = cues["attribution"]
    types = tuple(_compile_type(t, trig["types"][t]) for t in EVENT_TYPES)
    parts = []
    for ti, t in enumerate(EVENT_TYPES):
        for i, (p, pattern) in enumerate(trig["types"][t]["triggers"]):
            parts.append((p != "phrase", rf"(?P<t{ti}_{i}>{_PREFIX[p]}(?:{_n(pattern)}))", _n(pattern), t))
    # the first alternative that matches wins: multi-word phrases go first so that
    # "تحرير المعتقلين" is a release, not a takeover, and "قصف جوي" an air strike
    parts.sort(key=lambda x: x[0])
    combined = re.compile(rf"(?<!\w)(?=\w)(?:{'|'.join(rx for _, rx, _, _ in parts)})(?!\w)")
    entries = tuple(re.compile(rf"(?<!\w)(?=\w)(?:{rx})(?!\w)") for _, rx, _, _ in parts)
    by_head: dict[str, list[int]] = {}
    for k, (_, _, pattern, t) in enumerate(parts):
        for head in stem_heads(pattern):
            if len(head) < 2:
                raise ValueError(f"triggers.yaml: {t}: {pattern!r} can start with {head!r}; "
                                 "begin it with at least two fixed letters")
            by_head.setdefault(head, []).append(k)
    keys = ahocorasick.Automaton()
    for head, ks in by_head.items():
        keys.add_word(head, (len(head), tuple(ks)))
    keys.make_automaton()
    return EventLexicon(
        types=types,
        combined=combined,
        trigger_keys=keys,
        entries=entries,
        clause_overrides={k: tuple(v) for k, v in trig.get("clause_overrides", {}).items()},
        attempt_before=re.compile(_n(trig["attempt_before"])),
        attempt_type=trig["attempt_type"],
        clause_openers=re.compile(rf"(?<=\s)(?:[وف])?(?:{_n(cues['clause_openers'])})(?!\w)"),
        elaboration_openers=re.compile(rf"\s*(?:{_n(cues['elaboration_openers'])})(?!\w)"),
        enumeration_openers=re.compile(rf"\s*(?:{_n(cues['enumeration_openers'])})(?!\w)"),
        enumeration_heads=_word(cues["enumeration_heads"]),
        place_list_gap=re.compile(_n(cues["place_list_gap"])),
        destination_before=re.compile(_n(cues["destination_before"])),
        anaphora=_word(cues["anaphora"]),
        purpose_before=re.compile(_n(cues["purpose_before"])),
        anniversary=_word(cues["anniversary"]),
        irrealis=_word(rf"[وف]?(?:{cues['irrealis']})"),
        acts={t: _word(rf"[وف]?(?:{rx})") for t, rx in cues["acts"].items()},
        flashback_openers=re.compile(_n(cues["flashback_openers"])),
        relative_before=re.compile(_n(cues["relative_before"])),
        attr_prepositions=_word(attr["prepositions"]),
        attr_verbs=_word(attr["verbs"]),
        attr_continuation=re.compile(_n(attr["continuation"])),
        attr_stop=re.compile(rf"^(?:{_n(attr['stop'])})$"),
        attr_max_free_words=int(attr["max_free_words"]),
        attr_max_gap_after_verb=int(attr["max_gap_after_verb"]),
        party_media=tuple((frozenset(v["ids"]), _word(v["pattern"])) for v in attr["party_media"].values()),
        attr_svo_gap=_raw(attr.get("svo_gap")),
        attr_document_nouns=re.compile(rf"^[وف]?(?:{_n(attr['document_nouns'])})$") if attr.get("document_nouns") else None,
        attr_document_link=_raw(attr.get("document_link")),
        attr_spokesman_of=_raw(attr.get("spokesman_of")),
        attr_verbs_named_only=re.compile(rf"^(?:{_n(attr['verbs_named_only'])})$") if attr.get("verbs_named_only") else None,
        attr_title_heads=re.compile(rf"^[وف]?(?:ال)?(?:{_n(attr['title_heads'])})$") if attr.get("title_heads") else None,
        attr_short_heads=re.compile(rf"^[وف]?ال(?:{_n(attr['short_heads'])})$") if attr.get("short_heads") else None,
        modality=tuple((k, _word(rf"[وف]?(?:{v})")) for k, v in cues["modality"].items()),
        mapping=mapping,
        unit_place_before=_raw(cues.get("unit_place_before")),
        reach_before=_raw(cues.get("reach_before")),
        landmark_gap=_raw(cues.get("landmark_gap")),
        direction_before=_raw(cues.get("direction_before")),
        inner_place_gap=_raw(cues.get("inner_place_gap")),
        work_title=_raw(cues.get("work_title")),
        background=_raw(cues.get("background")),
        back_references=tuple((_word(rx), frozenset(types))
                              for rx, types in cues.get("followup", {}).get("back_references", ())),
        casualty_verbs=tuple((unit, _word(rf"[وف]?(?:{rx})")) for unit, rx in
                             cues.get("followup", {}).get("casualty_verbs", {}).items()),
        casualty_units=frozenset(cues.get("followup", {}).get("units", ())),
        named_death=_word(cues["followup"]["named_death"]) if cues.get("followup", {}).get("named_death") else None,
        inside_actors=frozenset(trig.get("triggers_inside_actors", ("air_strike",))),
        air_platform=_word(rf"[وفب]?(?:ال)?(?:{trig['platforms']['air']})") if trig.get("platforms") else None,
        ground_weapon=_word(rf"[وفب]?(?:ال)?(?:{trig['platforms']['ground']})") if trig.get("platforms") else None,
    )
