"""The actors knowledge base: curated actors with aliases, loaded from YAML data files.

The files live in `rasd/data/actors/` (`kb_*.yaml` for actors, `rules.yaml` for the finder's
word lists). Aliases are indexed by their normalised form (`rasd.clean.normalize.normalize_key`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Mapping

import yaml

from rasd.clean.normalize import normalize_key

#: ACLED actor codes allowed in `inter` (1 state forces … 8 external/other forces).
ACLED_INTER_CODES = frozenset(range(1, 9))

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True, slots=True)
class Actor:
    """One knowledge-base actor: a force, group, state, body, source or person."""

    id: str
    name: str
    name_en: str
    kind: str
    inter: int | None = None
    country: str | None = None
    affiliations: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    country_aliases: tuple[str, ...] = ()
    capital_aliases: tuple[str, ...] = ()
    valid_from: str | None = None   # YYYY-MM-DD, inclusive
    valid_to: str | None = None     # YYYY-MM-DD, exclusive

    def valid_on(self, date: str | None) -> bool:
        """True when the actor existed on `date` (YYYY-MM-DD, or a YYYY / YYYY-MM prefix); None is always valid."""
        if not date:
            return True
        n = len(date)  # a month or year straddling a boundary counts as valid on both sides
        if self.valid_from and date < self.valid_from[:n]:
            return False
        if self.valid_to:
            cut = self.valid_to[:n]
            if date > cut or (n == len(self.valid_to) and date == cut):
                return False
        return True


@dataclass(frozen=True, slots=True)
class ActorRules:
    """Word lists the finder uses (from `rules.yaml`), kept as written."""

    kinds: tuple[str, ...]
    source_kinds: frozenset[str]
    raw: Mapping[str, Any]


def _read_yaml_text(text: str, origin: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValueError(f"{origin}: invalid YAML: {exc}") from exc


def _tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


def _actor_from(entry: Mapping[str, Any], origin: str, kinds: frozenset[str]) -> Actor:
    missing = [k for k in ("id", "name", "name_en", "kind") if not entry.get(k)]
    if missing:
        raise ValueError(f"{origin}: actor {entry.get('id')!r} lacks {missing}")
    aid = str(entry["id"])
    if not _ID.match(aid):
        raise ValueError(f"{origin}: actor id {aid!r} is not snake_case")
    if entry["kind"] not in kinds:
        raise ValueError(f"{origin}: actor {aid}: unknown kind {entry['kind']!r}; known: {sorted(kinds)}")
    inter = entry.get("inter")
    if inter is not None and inter not in ACLED_INTER_CODES:
        raise ValueError(f"{origin}: actor {aid}: inter {inter!r} is not an ACLED code 1-8")
    for key in ("valid_from", "valid_to"):
        if entry.get(key) is not None and not _DATE.match(str(entry[key])):
            raise ValueError(f"{origin}: actor {aid}: {key} must be YYYY-MM-DD")
    aliases = _tuple(entry.get("aliases"))
    place_names = set(_tuple(entry.get("country_aliases"))) | set(_tuple(entry.get("capital_aliases")))
    if entry["name"] not in aliases and entry["name"] not in place_names:
        aliases = (str(entry["name"]), *aliases)
    return Actor(
        id=aid,
        name=str(entry["name"]),
        name_en=str(entry["name_en"]),
        kind=str(entry["kind"]),
        inter=inter,
        country=entry.get("country"),
        affiliations=_tuple(entry.get("affiliations")),
        aliases=aliases,
        country_aliases=_tuple(entry.get("country_aliases")),
        capital_aliases=_tuple(entry.get("capital_aliases")),
        valid_from=str(entry["valid_from"]) if entry.get("valid_from") else None,
        valid_to=str(entry["valid_to"]) if entry.get("valid_to") else None,
    )


def _default_texts() -> list[tuple[str, str]]:
    folder = resources.files("rasd.data").joinpath("actors")
    return sorted(
        (entry.name, entry.read_text("utf-8"))
        for entry in folder.iterdir()
        if entry.name.startswith("kb_") and entry.name.endswith((".yaml", ".yml"))
    )


@lru_cache(maxsize=1)
def load_rules() -> ActorRules:
    """The finder's word lists from `rasd/data/actors/rules.yaml` (cached per process)."""
    text = resources.files("rasd.data").joinpath("actors", "rules.yaml").read_text("utf-8")
    raw = _read_yaml_text(text, "rules.yaml")
    return ActorRules(kinds=tuple(raw["kinds"]), source_kinds=frozenset(raw["source_kinds"]), raw=raw)


class ActorKB:
    """The curated actors, indexed by id and by normalised alias."""

    def __init__(self, actors: Iterable[Actor]):
        """Index `actors`; raise ValueError on duplicate ids or affiliations to unknown ids."""
        self._by_id: dict[str, Actor] = {}
        for actor in actors:
            if actor.id in self._by_id:
                raise ValueError(f"duplicate actor id {actor.id!r}")
            self._by_id[actor.id] = actor
        for actor in self._by_id.values():
            unknown = [a for a in actor.affiliations if a not in self._by_id]
            if unknown:
                raise ValueError(f"actor {actor.id}: affiliations to unknown ids {unknown}")
        self._by_alias: dict[str, list[Actor]] = {}
        for actor in self._by_id.values():
            for alias in (actor.name, *actor.aliases, *actor.country_aliases, *actor.capital_aliases):
                bucket = self._by_alias.setdefault(normalize_key(alias), [])
                if actor not in bucket:
                    bucket.append(actor)
        self.cache: dict[str, Any] = {}   # compiled matchers keyed by name (built once per KB)

    @classmethod
    def load_default(cls) -> "ActorKB":
        """The knowledge base shipped in `rasd/data/actors/` (cached: one instance per process)."""
        return _load_default()

    @classmethod
    def load(cls, extra_paths: Iterable[str | Path] = (), *, include_default: bool = True) -> "ActorKB":
        """The default knowledge base plus the actors in `extra_paths` (YAML files with `actors:`)."""
        texts = _default_texts() if include_default else []
        texts += [(str(p), Path(p).read_text("utf-8")) for p in extra_paths]
        return cls(_parse(texts))

    def get(self, actor_id: str) -> Actor:
        """The actor with `actor_id`; KeyError when unknown."""
        return self._by_id[actor_id]

    def __contains__(self, actor_id: object) -> bool:
        return actor_id in self._by_id

    def __len__(self) -> int:
        return len(self._by_id)

    def __iter__(self):
        return iter(self._by_id.values())

    def lookup(self, name: str) -> list[Actor]:
        """Actors whose name or alias equals `name` after normalisation (proclitics و/ب/ل/ف tolerated)."""
        key = normalize_key(name)
        if key in self._by_alias:
            return list(self._by_alias[key])
        for clitic in ("و", "ف", "ب", "ل", "ك"):
            rest = key[len(clitic):]
            if key.startswith(clitic) and rest:
                if rest in self._by_alias:
                    return list(self._by_alias[rest])
                if clitic == "ل" and rest.startswith("ل") and "ا" + rest in self._by_alias:
                    return list(self._by_alias["ا" + rest])  # للنظام = ل + النظام
        return []

    def affiliation_closure(self, actor_id: str) -> frozenset[str]:
        """`actor_id` and every id it is affiliated with, transitively."""
        seen: set[str] = set()
        stack = [actor_id]
        while stack:
            current = stack.pop()
            if current in seen or current not in self._by_id:
                continue
            seen.add(current)
            stack.extend(self._by_id[current].affiliations)
        return frozenset(seen)


def _parse(texts: list[tuple[str, str]]) -> list[Actor]:
    kinds = frozenset(load_rules().kinds)
    actors: list[Actor] = []
    for origin, text in texts:
        data = _read_yaml_text(text, origin) or {}
        for entry in data.get("actors", []):
            actors.append(_actor_from(entry, origin, kinds))
    return actors


@lru_cache(maxsize=1)
def _load_default() -> ActorKB:
    return ActorKB(_parse(_default_texts()))
