"""What the linking word lists share: loading them from `rasd/data/link/` and cutting words."""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import yaml

from rasd.clean.normalize import normalize_arabic

#: A word of normalised text; `%` stays attached so "50%" is one token.
WORD = re.compile(r"[\w%]+")


@lru_cache(maxsize=None)
def load_data(name: str) -> dict:
    """One YAML file of linking knowledge from `rasd/data/link/` (parsed once)."""
    return yaml.safe_load(resources.files("rasd.data").joinpath("link", name).read_text("utf-8"))


def words(text: str) -> list[str]:
    """The words of `text` after normalisation (`normalize_arabic`)."""
    return WORD.findall(normalize_arabic(text))
