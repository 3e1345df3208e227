"""Small Arabic helpers for place names: match keys, script checks, a rough romaniser."""
from __future__ import annotations

import difflib
import re
import unicodedata
from functools import lru_cache

from rasd.clean.normalize import normalize_key
from rasd.extract.datafiles import load_yaml

#: Letters of the Arabic alphabet proper (hamza to yeh) after normalisation. Names carrying
#: Kurdish/Persian/Urdu letters (ە ێ ۆ ڕ ہ چ گ پ) are other languages' spellings, not Arabic.
_ARABIC_ONLY = re.compile(r"^[\u0621-\u064A\u064B-\u065F\u0670 \-']+$")

#: One Latin rendering per Arabic letter, close to the transliterations GeoNames uses; only used
#: to choose which of several Arabic alternate names matches the romanised main name best.
_ROMAN = {
    "ا": "a", "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh", "د": "d", "ذ": "dh",
    "ر": "r", "ز": "z", "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "ع": "",
    "غ": "gh", "ف": "f", "ق": "q", "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h", "و": "w",
    "ي": "y", "ء": "", " ": " ",
}
_LATIN_VOWELS = re.compile(r"[aeiouāīūēō'‘’ʿʾ`\-]")


def match_key(name: str) -> str:
    """The key a name is indexed and looked up under (normalised, spaces collapsed)."""
    return normalize_key(name)


def is_arabic_name(name: str) -> bool:
    """True for a name written in the Arabic alphabet proper (not Kurdish, Persian or mixed)."""
    return bool(_ARABIC_ONLY.match(name.strip()))


@lru_cache(maxsize=1)
def _generic_place_nouns() -> frozenset[str]:
    return frozenset(match_key(w) for w in load_yaml("places", "stoplist.yaml")["generic_place_nouns"])


def is_generic_place_noun(name: str) -> bool:
    """True for a word that names a kind of place (المدينة، الحي), never one place (stoplist.yaml)."""
    return match_key(name) in _generic_place_nouns()


def strip_article(key: str) -> str:
    """`key` without a leading definite article ال (on its first word only)."""
    return key[2:] if key.startswith("ال") and len(key) > 3 else key


@lru_cache(maxsize=4096)
def _skeleton_latin(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name.lower())
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    plain = re.sub(r"^(al|an|ar|as|ash|at|ad|adh|az|el|ad)[ -]", "", plain)
    return _LATIN_VOWELS.sub("", plain).replace(" ", "")


def _skeleton_arabic(name: str) -> str:
    key = match_key(name)
    key = " ".join(strip_article(w) for w in key.split())
    roman = "".join(_ROMAN.get(c, "") for c in key)
    return _LATIN_VOWELS.sub("", roman).replace(" ", "")


def best_arabic_name(latin_name: str, arabic_names: list[str]) -> str:
    """Pick the Arabic alternate name whose romanised skeleton is closest to `latin_name`."""
    target = _skeleton_latin(latin_name)

    def score(ar: str) -> tuple[float, int]:
        return (difflib.SequenceMatcher(None, target, _skeleton_arabic(ar)).ratio(), -len(ar))

    return max(arabic_names, key=score)


def slug(text: str) -> str:
    """A lowercase ASCII id fragment: `Jisr al-Shughur` -> `jisr-al-shughur`."""
    plain = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")
