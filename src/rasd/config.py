"""One run's configuration: read once in the CLI from a TOML file and flags, then passed down.

    [read]     max_bytes = 52428800, text_field = "full_text", ...   -> rasd.ingest.ReadOptions
    [clean]    lexicon_dirs = ["my-site-patterns"], ...                -> rasd.clean.pipeline.CleanOptions
    [extract]  ...                                                     -> rasd.extract.stage.ExtractOptions
    [run]      learn_boilerplate = true, doc_timeout_s = 30, workers = 1 -> rasd.engine.local.EngineOptions
    [link]     embeddings = "auto" | "on" | "off"                      -> LinkRunOptions (below)

Stages take their options as arguments (no environment, no globals); what was resolved is kept with the run.
"""
from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

SECTIONS = ("read", "clean", "extract", "run", "link")

#: `[link] embeddings`: "auto" uses the sentence encoder when its package is installed, "on" requires
#: it (an error names the install command when it is missing), "off" never uses it.
EMBEDDINGS_MODES = ("auto", "on", "off")


class ConfigError(ValueError):
    """A configuration file or flag that cannot be used (raised at once, never quarantined)."""


def load_config(path: str | None) -> dict[str, dict[str, Any]]:
    """Read a TOML config file into `{section: {key: value}}`; None gives an empty config."""
    if path is None:
        return {s: {} for s in SECTIONS}
    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"config file not found: {path}")
    try:
        data = tomllib.loads(p.read_text("utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"config file {path} is not valid TOML: {e}") from e
    unknown = set(data) - set(SECTIONS)
    if unknown:
        raise ConfigError(f"unknown config sections {sorted(unknown)}; known: {list(SECTIONS)}")
    return {s: dict(data.get(s, {})) for s in SECTIONS}


@dataclass(frozen=True, slots=True)
class LinkRunOptions:
    """How a run links its documents, as far as the run decides it: whether story clustering uses
    sentence embeddings. Installing the test extras installs the encoder too, so "auto" alone would
    change the clustering without a word: the choice is a setting, printed and stored with the run
    (issue 13 item 13)."""

    embeddings: str = "auto"

    def __post_init__(self) -> None:
        if self.embeddings not in EMBEDDINGS_MODES:
            raise ConfigError(f"[link] embeddings must be one of {', '.join(map(repr, EMBEDDINGS_MODES))}, "
                              f"not {self.embeddings!r}")


def build_options(cls: type[T], values: dict[str, Any], section: str) -> T:
    """Build a frozen Options dataclass from a config section, rejecting unknown keys."""
    fields = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    unknown = set(values) - set(fields)
    if unknown:
        raise ConfigError(f"unknown keys in [{section}]: {sorted(unknown)}; known: {sorted(fields)}")
    kwargs = {}
    for k, v in values.items():
        default = getattr(cls, k, None)
        kwargs[k] = tuple(v) if isinstance(v, list) and isinstance(default, tuple) else v
    return cls(**kwargs)


def options_dict(obj: Any) -> dict[str, Any]:
    """A JSON-ready view of an Options dataclass (stored with the run)."""
    out = {}
    for f in dataclasses.fields(obj):
        v = getattr(obj, f.name)
        out[f.name] = list(v) if isinstance(v, tuple) else v
    return out
