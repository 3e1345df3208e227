"""The cleaner's marker lexicons: packaged YAML files plus user folders, compiled once.

Files in `rasd/data/clean/` (and in any folder a user passes) are YAML mappings of
section -> list. Sections of the same name from several files are concatenated, so a user adds a
site's patterns without touching code. Patterns are normalised (`normalize_key`) before
compiling because they are matched against normalised lines.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

import yaml

from rasd.clean.normalize import normalize_key

#: Sections whose entries are regular expressions matched against a normalised line.
PATTERN_SECTIONS = (
    "ui_lines", "ad_lines", "appeal_strong", "appeal_weak", "subscription_markers", "credit_lines",
    "source_label_lines", "keyword_heads", "read_also", "related_heads", "caption_prefixes",
    "footer_lines", "desk_names",
)
#: Sections of regular expressions with a named group `outlet`, kept apart (one compiled pattern
#: each) because a group name may appear only once per expression.
OUTLET_SECTIONS = ("outlet_lines", "outlet_mentions")
#: Sections whose entries are plain words (normalised, matched as substrings or whole values).
WORD_SECTIONS = ("caption_credits", "caption_credit_prefixes", "generic_sources", "menu_items", "ui_status",
                 "ui_objects", "speech_words", "name_stops")
#: Sections with structured entries.
STRUCT_SECTIONS = ("outlets", "months", "weekdays", "bullets")
KNOWN_SECTIONS = frozenset(PATTERN_SECTIONS + OUTLET_SECTIONS + WORD_SECTIONS + STRUCT_SECTIONS)


def _alternation(patterns: Iterable[str]) -> re.Pattern[str] | None:
    pats = [f"(?:{normalize_key(p)})" for p in patterns]
    return re.compile("|".join(pats), re.IGNORECASE) if pats else None


def _words(words: Iterable[str], proclitic: str = "") -> re.Pattern[str] | None:
    """Whole-word alternation of plain words or phrases, longest first, after an optional `proclitic`."""
    keys = sorted({normalize_key(w) for w in words} - {""}, key=len, reverse=True)
    if not keys:
        return None
    alts = "|".join(re.escape(k) for k in keys)
    return re.compile(rf"(?<!\w){proclitic}(?:{alts})(?!\w)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Outlet:
    """A known outlet: the name reported, its spellings (normalised) and its web domains."""

    name: str
    aliases: tuple[str, ...]
    domains: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Compiled marker patterns and word lists used by the cleaning detectors."""

    patterns: dict[str, re.Pattern[str] | None]
    credit_patterns: tuple[re.Pattern[str], ...]
    caption_credit: re.Pattern[str] | None
    caption_credit_prefix: re.Pattern[str] | None
    generic_sources: frozenset[str]
    bullets: re.Pattern[str]
    outlets: tuple[Outlet, ...]
    outlet_alias: re.Pattern[str] | None      # any alias, longest first, whole words
    alias_to_outlet: dict[str, str]
    domain_to_outlet: dict[str, str]
    months: dict[str, int]                   # normalised month name -> 1..12
    weekdays: dict[str, int]                 # normalised weekday name -> 0..6 (Monday = 0)
    outlet_lines: tuple[re.Pattern[str], ...] = ()     # a signature line naming the outlet (group `outlet`)
    outlet_mentions: tuple[re.Pattern[str], ...] = ()  # a phrase inside prose naming it ("مراسل X في")
    menu_items: re.Pattern[str] | None = None          # site-section names of a menu, whole words
    ui_status: re.Pattern[str] | None = None           # words that open a form/status message
    ui_objects: re.Pattern[str] | None = None          # interface objects such a message is about
    speech_words: re.Pattern[str] | None = None        # "said", "told": the outlet's own interview
    name_stops: frozenset[str] = frozenset()           # words that end a name taken from a line

    def match(self, section: str, key: str) -> re.Match[str] | None:
        """Search the normalised line `key` with the alternation of `section` (None if empty)."""
        pat = self.patterns.get(section)
        return pat.search(key) if pat is not None else None

    def find_outlet(self, text: str) -> str | None:
        """The known outlet named in `text` (normalised spellings), or None."""
        if self.outlet_alias is None:
            return None
        m = self.outlet_alias.search(normalize_key(text))
        return self.alias_to_outlet[m.group(0)] if m else None


def _read_yaml(text: str, where: str) -> dict[str, Any]:
    data = yaml.safe_load(text) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{where}: a cleaning lexicon file must be a mapping of sections")
    unknown = set(data) - KNOWN_SECTIONS
    if unknown:
        raise ValueError(f"{where}: unknown lexicon sections {sorted(unknown)}; known: {sorted(KNOWN_SECTIONS)}")
    return data


def _merge(into: dict[str, Any], data: dict[str, Any]) -> None:
    for name, value in data.items():
        if name in ("months", "weekdays"):
            table = into.setdefault(name, {})
            for k, names in (value or {}).items():
                table.setdefault(int(k), []).extend(names or [])
        elif name == "bullets":
            into["bullets"] = value
        else:
            into.setdefault(name, []).extend(value or [])


def _packaged_files() -> list[tuple[str, str]]:
    root = resources.files("rasd.data").joinpath("clean")
    return sorted((f"rasd/data/clean/{p.name}", p.read_text("utf-8")) for p in root.iterdir()
                  if p.name.endswith((".yaml", ".yml")))


def load_lexicon(extra_dirs: tuple[str, ...] = ()) -> Lexicon:
    """Load the packaged lexicons, then every `*.yaml` in `extra_dirs` (same format), and compile.

    Raises `ValueError` for an unknown section and `FileNotFoundError` for a missing folder.
    """
    raw: dict[str, Any] = {}
    for where, text in _packaged_files():
        _merge(raw, _read_yaml(text, where))
    for d in extra_dirs:
        folder = Path(d)
        if not folder.is_dir():
            raise FileNotFoundError(f"lexicon folder {d!r} does not exist")
        for p in sorted(folder.glob("*.y*ml")):
            _merge(raw, _read_yaml(p.read_text("utf-8"), str(p)))
    return _compile(raw)


def _compile(raw: dict[str, Any]) -> Lexicon:
    patterns = {s: _alternation(raw.get(s, [])) for s in PATTERN_SECTIONS}
    credits = tuple(re.compile(normalize_key(p), re.IGNORECASE) for p in raw.get("credit_lines", []))
    credit_words = [normalize_key(w) for w in raw.get("caption_credits", [])]
    outlets: list[Outlet] = []
    alias_to: dict[str, str] = {}
    domain_to: dict[str, str] = {}
    for o in raw.get("outlets", []):
        # a name that is also a common word ("الأخبار") is matched only through its aliases
        names = o.get("aliases", []) if o.get("common_word") else [o["name"], *o.get("aliases", [])]
        aliases = tuple(dict.fromkeys(normalize_key(a) for a in names))
        outlets.append(Outlet(o["name"], aliases, tuple(o.get("domains", []))))
        for a in aliases:
            alias_to.setdefault(a, o["name"])
        for dom in o.get("domains", []):
            domain_to.setdefault(dom.lower(), o["name"])
    # outlet names also count as caption credits ("(عنب بلدي)")
    credit_words += [re.escape(a) for a in alias_to]
    alias_re = None
    if alias_to:
        alts = sorted(alias_to, key=len, reverse=True)
        alias_re = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(a) for a in alts) + r")(?!\w)")
    months = {normalize_key(n).lower(): int(k) for k, ns in raw.get("months", {}).items() for n in ns}
    weekdays = {normalize_key(n).lower(): int(k) for k, ns in raw.get("weekdays", {}).items() for n in ns}
    return Lexicon(
        patterns=patterns,
        credit_patterns=credits,
        caption_credit=_alternation(credit_words),
        caption_credit_prefix=_alternation(f"^{normalize_key(w)}" for w in raw.get("caption_credit_prefixes", [])),
        generic_sources=frozenset(normalize_key(w) for w in raw.get("generic_sources", [])),
        bullets=re.compile(raw.get("bullets") or r"^[•\-\*]\s*"),
        outlets=tuple(outlets),
        outlet_alias=alias_re,
        alias_to_outlet=alias_to,
        domain_to_outlet=domain_to,
        months=months,
        weekdays=weekdays,
        outlet_lines=tuple(re.compile(normalize_key(p), re.IGNORECASE) for p in raw.get("outlet_lines", [])),
        outlet_mentions=tuple(re.compile(normalize_key(p), re.IGNORECASE) for p in raw.get("outlet_mentions", [])),
        menu_items=_words(raw.get("menu_items", [])),
        ui_status=_words(raw.get("ui_status", [])),
        ui_objects=_words(raw.get("ui_objects", [])),
        speech_words=_words(raw.get("speech_words", []), proclitic="[وف]?"),   # "وقالت", "فأكد"
        name_stops=frozenset(normalize_key(w) for w in raw.get("name_stops", [])),
    )
