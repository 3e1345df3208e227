"""Which outlet published a page, from the evidence a page carries about itself.

Evidence, strongest first (`choose_outlet`; the `RANK_*` constants):

1. the outlet the reader found (site name), unless it is a desk or a byline ("قسم الاقتصاد";
   "مراسل X في الرقة" gives X);
2. the URL's domain in the outlet lexicon;
3. any name on the page whose consonant skeleton spells the URL's domain ("شرفة دمشق" for
   `shurfat-dimashq.example`): evidence below, quoted names, caption credits;
4. signature lines: "المصدر: X", "© 2024 X", "جميع الحقوق محفوظة لـ X", "ادعم X", "عائلة X"
   in an appeal, a byline "X - خاص", a wire dateline "CITY (X) -";
5. the name this host's other pages spell, learnt by the pre-pass (`rasd.clean.sitestate`);
6. a byline "CITY - X" (X may be the reporter);
7. the outlet named in prose, most often first: "قال مسؤول لـ"X"", "مراسل X في", a caption
   credit "(X/ photographer)";
8. the author field when it is a name and not a desk.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Iterable, Mapping
from urllib.parse import SplitResult, urlsplit

from rasd.clean.lexicon import Lexicon
from rasd.clean.normalize import normalize_key, normalize_with_offsets

#: A name is at most this many words ("المرصد السوري لحقوق الإنسان" has four).
NAME_MAX_WORDS = 4
#: Similarity of consonant skeletons for a name to spell a domain: "shurfat-dimashq" against
#: "شرفة دمشق" scores 1.0, a transliteration that drops or doubles a letter ~0.85. Over the 25
#: outlets of outlets.yaml (28 domains x 25 names) this ratio with SKELETON_MIN_LEN gives no false
#: match (0 of 672 wrong pairs) and recognises the 6 domains that transliterate the name (the rest
#: are English or abbreviations: aa.com.tr, syriahr.com, which only the domain table knows).
SKELETON_MIN_RATIO = 0.8
#: Skeletons shorter than this match too easily (a two-letter domain spells many names).
SKELETON_MIN_LEN = 4
#: Characters before a `لـ"X"` searched for a speech word ("قال مسؤول في الإدارة لـ"X"").
SPEECH_WINDOW = 90

# Arabic letter -> consonant class (upper case); vowels, hamza carriers and ع are dropped, as
# transliterations drop or vary them.
_AR_CLASS = str.maketrans({
    "ب": "B", "ت": "T", "ث": "T", "ط": "T", "ة": "T", "ج": "J", "ح": "H", "ه": "H", "خ": "K", "ك": "K",
    "ق": "K", "د": "D", "ذ": "D", "ض": "D", "ظ": "D", "ر": "R", "ز": "Z", "س": "S", "ص": "S", "ش": "X",
    "غ": "G", "ف": "F", "ل": "L", "م": "M", "ن": "N",
    "ا": None, "أ": None, "إ": None, "آ": None, "ء": None, "ؤ": None, "ئ": None, "ى": None, "و": None,
    "ي": None, "ع": None, "ـ": None,
})
# Latin digraphs first, then single letters -> the same classes.
_LAT_DIGRAPHS = (("sh", "X"), ("ch", "X"), ("kh", "K"), ("gh", "G"), ("th", "T"), ("dh", "D"), ("ph", "F"),
                 ("dj", "J"))
_LAT_CLASS = str.maketrans({
    "b": "B", "p": "B", "t": "T", "j": "J", "g": "J", "h": "H", "k": "K", "q": "K", "c": "K", "d": "D",
    "r": "R", "z": "Z", "s": "S", "x": "KS", "f": "F", "v": "F", "l": "L", "m": "M", "n": "N",
    "a": None, "e": None, "i": None, "o": None, "u": None, "y": None, "w": None,
})
_NOT_LETTER = re.compile(r"[^a-z\u0621-\u064a]+")
_QUOTED = re.compile(r"[\"“«]([^\"”»\n]{2,40})[\"”»]")
_TOLD = re.compile(r"(?<!\w)ل\s*[\"“«]([^\"”»\n]{2,40})[\"”»]")
_WORD_PREFIX_W = re.compile(r"^و(?!كال)")   # a word opening with the conjunction و (not وكالة)
_BYLINE = re.compile(r"^([^-–—|]{2,40}?)\s+[-–—|]\s+([^-–—|]{2,40})$")
#: A wire dateline: a place of one or two words, an optional "D MONTH YYYY", "(AGENCY) -".
_DATELINE = re.compile(r"^[^\s()\d،.:]+(?:\s[^\s()\d،.:]+)?\s*[،,]?\s*(?:\d{1,2}\s+[^()\d]{2,30}?\s+\d{4}\s*)?"
                       r"\(([^()]{2,30})\)\s*[-–—]\s")
_BYLINE_PUNCT = re.compile(r"[.،؛,;:!?؟\"“”«»()\d]")
#: A byline is short: "درعا - نبض حوران", "الساحل اليوم - خاص".
BYLINE_MAX_WORDS = 6


#: Evidence ranks, strongest first (the numbers only order them).
RANK_READER, RANK_URL, RANK_SIGNATURE, RANK_MEMORY, RANK_BYLINE, RANK_PROSE, RANK_AUTHOR = 1, 2, 4, 5, 6, 7, 8


@dataclass(frozen=True, slots=True)
class Evidence:
    """A name the page gives for its outlet, and how strong the evidence is (lower is stronger)."""

    name: str
    rank: int
    how: str


def split_url(url: str) -> SplitResult | None:
    """`url` split into parts (a bare "host/path" taken as a host), or None when it cannot be.

    `urlsplit` raises ValueError on an unclosed IPv6 bracket ("http://[::1"); a page whose URL
    field holds one is cleaned as a page without a URL (found by fuzzing, issue 12).
    """
    try:
        return urlsplit(url if "//" in url else f"//{url}")
    except ValueError:
        return None


def url_host(url: str | None) -> str:
    """The URL's host without `www.` (lower case), or `""`."""
    parts = split_url(url) if url else None
    if parts is None:
        return ""
    host = (parts.hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def _name_skeleton(name: str) -> str:
    # the raw spelling, not the normalised one: normalisation turns ة (t) into ه (h)
    return _NOT_LETTER.sub("", name.lower()).translate(_AR_CLASS).translate(_LAT_CLASS)


def _host_skeleton(host: str) -> str:
    labels = [lb for lb in host.split(".") if lb]
    if len(labels) > 1:
        labels = labels[:-1]                      # the top-level domain spells nothing
    word = max(labels, key=len) if labels else ""
    word = _NOT_LETTER.sub("", word.lower())
    for a, b in _LAT_DIGRAPHS:
        word = word.replace(a, b)
    return word.translate(_LAT_CLASS)


def spells_domain(name: str, host: str) -> bool:
    """Whether the Arabic `name` and the domain `host` have the same consonant skeleton."""
    a, b = _name_skeleton(name), _host_skeleton(host)
    if len(a) < SKELETON_MIN_LEN or len(b) < SKELETON_MIN_LEN:
        return False
    return SequenceMatcher(None, a, b).ratio() >= SKELETON_MIN_RATIO


def clean_name(text: str | None, lex: Lexicon) -> str | None:
    """A plausible outlet name from the start of `text`, cut at a stop word or punctuation.

    None for generic names ("الصحافة المستقلة", "موقعنا") and for desks ("قسم الاقتصاد").
    """
    if not text:
        return None
    text = re.split(r"[.،,؛;:!?؟()\[\]|\"“”«»\n]|\s[-–—]\s", text.strip(" \t-–—"), maxsplit=1)[0]
    words: list[str] = []
    for w in text.split():
        k = normalize_key(w)
        if k in lex.name_stops or (words and _WORD_PREFIX_W.match(k)):
            break
        words.append(w)
        if len(words) == NAME_MAX_WORDS:
            break
    name = " ".join(words).strip(" .-–—/")
    key = normalize_key(name)
    if not key or len(key) < 2 or key in lex.generic_sources or key.split()[0] in lex.generic_sources:
        return None
    if lex.match("desk_names", key):
        return None
    known = lex.find_outlet(name)
    return known if known and normalize_key(known) == key else (lex.alias_to_outlet.get(key) or name)


def outlet_from_field(value: str | None, lex: Lexicon) -> str | None:
    """An author/site-name field as an outlet: a byline "مراسل X في Y" gives X; a desk gives None."""
    if not value:
        return None
    key = normalize_key(value)
    for pat in lex.outlet_mentions:
        m = pat.search(key)
        if m and m.group("outlet"):
            return to_raw(value, clean_name(m.group("outlet"), lex))
    return clean_name(value, lex)


def to_raw(text: str, name: str | None) -> str | None:
    """The spelling in `text` of `name` found in its normalised form (`name` itself if absent)."""
    if not name or name in text:
        return name
    norm, offs = normalize_with_offsets(text)
    pat = r"\s+".join(re.escape(w) for w in normalize_key(name).split())
    m = re.search(pat, norm) if pat else None
    return text[offs[m.start()]:offs[m.end() - 1] + 1] if m else name


def signature_evidence(text: str, key: str, lex: Lexicon) -> str | None:
    """The outlet a signature line (appeal, footer, credit) names, or None."""
    for pat in lex.outlet_lines:
        m = pat.search(key)
        if m and m.group("outlet"):
            name = clean_name(m.group("outlet"), lex)
            if name:
                return to_raw(text, name)
    return None


def byline_name(text: str, lex: Lexicon) -> Evidence | None:
    """The outlet of a short byline, or None.

    "OUTLET - خاص" (exclusive to the outlet) or a known outlet on either side is signature
    evidence; "CITY - NAME" is weaker (NAME may be the reporter).
    """
    key = normalize_key(text)
    if key.count(" ") + 1 > BYLINE_MAX_WORDS or _BYLINE_PUNCT.search(key):
        return None
    m = _BYLINE.match(key)
    if not m:
        return None
    left, right = m.group(1).strip(), m.group(2).strip()
    for side in (left, right):
        known = lex.find_outlet(side)
        if known:
            return Evidence(known, RANK_SIGNATURE, "byline")
    if right in lex.generic_sources:
        name = to_raw(text, clean_name(left, lex))
        return Evidence(name, RANK_SIGNATURE, "byline") if name else None
    if left in lex.generic_sources or lex.match("desk_names", right):
        return None
    name = to_raw(text, clean_name(right, lex))
    return Evidence(name, RANK_BYLINE, "byline") if name else None


def split_dateline(text: str) -> tuple[str, str] | None:
    """`(place and date, agency)` of a wire dateline opening a paragraph, e.g.
    "بيروت 1 كانون الأول 2024 (رويترز) - قالت ..." -> ("بيروت 1 كانون الأول 2024", "رويترز")."""
    m = _DATELINE.match(text)
    return (text[:m.start(1) - 1].strip(), m.group(1).strip()) if m else None


def dateline_agency(text: str, lex: Lexicon) -> str | None:
    """The agency of a wire dateline opening a paragraph, or None."""
    parts = split_dateline(text)
    if not parts:
        return None
    return lex.find_outlet(parts[1]) or clean_name(parts[1], lex)


def prose_mentions(lines: Iterable[tuple[str, str]], lex: Lexicon) -> list[str]:
    """Outlets named inside prose: `لـ"X"` after a speech word, and "مراسل X في".

    `lines` are `(text, normalised text)` pairs.
    """
    found: list[str] = []
    for text, key in lines:
        if '"' in key or "«" in key or "“" in key:
            found += _told(text, key, lex)
        if "مراسل" in key:
            for pat in lex.outlet_mentions:
                for m in pat.finditer(key):
                    name = clean_name(m.group("outlet"), lex)
                    if name:
                        found.append(to_raw(text, name))
    return found


def _told(text: str, key: str, lex: Lexicon) -> list[str]:
    """Names in `لـ"X"` with a speech word before it in the same sentence ("قال مسؤول لـ"X"")."""
    found: list[str] = []
    for m in _TOLD.finditer(key):
        before = re.split(r"[.!?؟]", key[max(0, m.start() - SPEECH_WINDOW):m.start()])[-1]
        if lex.speech_words is not None and lex.speech_words.search(before):
            name = clean_name(m.group(1), lex)
            if name:
                found.append(to_raw(text, name))
    return found


def quoted_names(texts: Iterable[str]) -> list[str]:
    """Short quoted phrases (candidates for a name that spells the domain)."""
    out: list[str] = []
    for t in texts:
        out += [q.strip() for q in _QUOTED.findall(t) if q.count(" ") < NAME_MAX_WORDS]
    return out


def choose_outlet(evidence: list[Evidence], host: str, candidates: Iterable[str],
                  site_outlets: Mapping[str, str] | None = None) -> str | None:
    """The outlet from ranked evidence and the URL host (see the module docstring for the order).

    `candidates` are extra names that count only when they spell the host.
    """
    ranked = sorted(evidence, key=lambda e: e.rank)
    if ranked and ranked[0].rank <= RANK_URL:
        return ranked[0].name
    if host:
        for name in [e.name for e in ranked] + list(candidates):
            if spells_domain(name, host):
                return name
    for rank in (RANK_SIGNATURE, RANK_MEMORY, RANK_BYLINE, RANK_PROSE):
        if rank == RANK_MEMORY:
            if host and site_outlets and host in site_outlets:
                return site_outlets[host]
            continue
        names = [e.name for e in ranked if e.rank == rank]
        if names:
            # prose names a source now and then: take the one named most often (first on a tie)
            counts = Counter(normalize_key(n) for n in names)
            return max(names, key=lambda n: (counts[normalize_key(n)], -names.index(n)))
    rest = [e for e in ranked if e.rank > RANK_PROSE]
    return rest[0].name if rest else None
