"""Load the event lexicons (src/rasd/data/events/*.yaml) and compile them into regexes.

All patterns run over normalised Arabic (`rasd.clean.normalize.normalize_arabic`); the loader
normalises the data strings the same way so a lexicon may be written in natural spelling.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from rasd.clean.normalize import normalize_arabic

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
    # all types' triggers in one regex (one scan per text); group t{type}_{entry} names the hit
    combined: re.Pattern[str]
    clause_overrides: dict[str, tuple[str, ...]]
    attempt_before: re.Pattern[str]
    attempt_type: str
    clause_openers: re.Pattern[str]
    elaboration_openers: re.Pattern[str]
    enumeration_openers: re.Pattern[str]
    place_list_gap: re.Pattern[str]
    destination_before: re.Pattern[str]
    anaphora: re.Pattern[str]
    purpose_before: re.Pattern[str]
    anniversary: re.Pattern[str]
    flashback_openers: re.Pattern[str]
    attr_prepositions: re.Pattern[str]
    attr_verbs: re.Pattern[str]
    attr_continuation: re.Pattern[str]
    attr_stop: re.Pattern[str]
    attr_max_free_words: int
    attr_max_gap_after_verb: int
    party_media: tuple[tuple[frozenset[str], re.Pattern[str]], ...]   # (side ids, source pattern)
    modality: tuple[tuple[str, re.Pattern[str]], ...]
    mapping: dict[str, dict[str, Any]]


def _n(pattern: str) -> str:
    return normalize_arabic(pattern)


def _word(pattern: str) -> re.Pattern[str]:
    """Compile `pattern` (normalised) bounded by non-word characters on both sides."""
    return re.compile(rf"(?<!\w)(?:{_n(pattern)})(?!\w)")


def _raw(pattern: str | None) -> re.Pattern[str] | None:
    return re.compile(_n(pattern)) if pattern else None


def _load_yaml(name: str) -> Any:
    with resources.files("rasd.data.events").joinpath(name).open(encoding="utf-8") as f:
        return yaml.safe_load(f)


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
    trig = _load_yaml("triggers.yaml")
    cues = _load_yaml("cues.yaml")
    mapping = _load_yaml("mapping.yaml")
    unknown = set(trig["types"]) ^ set(EVENT_TYPES)
    if unknown:
        raise ValueError(f"triggers.yaml types differ from EVENT_TYPES: {sorted(unknown)}")
    attr = cues["attribution"]
    types = tuple(_compile_type(t, trig["types"][t]) for t in EVENT_TYPES)
    parts = []
    for ti, t in enumerate(EVENT_TYPES):
        for i, (p, pattern) in enumerate(trig["types"][t]["triggers"]):
            parts.append((p != "phrase", rf"(?P<t{ti}_{i}>{_PREFIX[p]}(?:{_n(pattern)}))"))
    # the first alternative that matches wins: multi-word phrases go first so that
    # "تحرير المعتقلين" is a release, not a takeover, and "قصف جوي" an air strike
    parts = [rx for _, rx in sorted(parts, key=lambda x: x[0])]
    combined = re.compile(rf"(?<!\w)(?=\w)(?:{'|'.join(parts)})(?!\w)")
    return EventLexicon(
        types=types,
        combined=combined,
        clause_overrides={k: tuple(v) for k, v in trig.get("clause_overrides", {}).items()},
        attempt_before=re.compile(_n(trig["attempt_before"])),
        attempt_type=trig["attempt_type"],
        clause_openers=re.compile(rf"(?<=\s)(?:[وف])?(?:{_n(cues['clause_openers'])})(?!\w)"),
        elaboration_openers=re.compile(rf"\s*(?:{_n(cues['elaboration_openers'])})(?!\w)"),
        enumeration_openers=re.compile(rf"\s*(?:{_n(cues['enumeration_openers'])})(?!\w)"),
        place_list_gap=re.compile(_n(cues["place_list_gap"])),
        destination_before=re.compile(_n(cues["destination_before"])),
        anaphora=_word(cues["anaphora"]),
        purpose_before=re.compile(_n(cues["purpose_before"])),
        anniversary=_word(cues["anniversary"]),
        flashback_openers=re.compile(_n(cues["flashback_openers"])),
        attr_prepositions=_word(attr["prepositions"]),
        attr_verbs=_word(attr["verbs"]),
        attr_continuation=re.compile(_n(attr["continuation"])),
        attr_stop=re.compile(rf"^(?:{_n(attr['stop'])})$"),
        attr_max_free_words=int(attr["max_free_words"]),
        attr_max_gap_after_verb=int(attr["max_gap_after_verb"]),
        party_media=tuple((frozenset(v["ids"]), _word(v["pattern"])) for v in attr["party_media"].values()),
        modality=tuple((k, _word(rf"[وف]?(?:{v})")) for k, v in cues["modality"].items()),
        mapping=mapping,
    )
