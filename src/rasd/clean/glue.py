"""Split Arabic words that scraping glued together ("مراسلالميادينفي" -> "مراسل الميادين في").

Scrapers drop the space between inline elements (a link and the word after it), so a page holds
tokens that are two or three words run together. `GlueSplitter` segments an Arabic token that is
not a known word into known words (dynamic programming over unigram log-probabilities, the clitics
و ف ب ل ك ال and the attached pronouns allowed on each part) and splits it only when the split is
far more likely than an unknown word of that length. Known words, a known word with clitics
("والمدينة", "استهدافهم") and names from the curated data are never split.

The word counts ship in `rasd/data/clean/word_counts.tsv`, written by one deterministic command::

    python -m rasd.clean.glue build --shared ../shared

It counts the (normalised) words of the multisource and Al Mayadeen corpora, keeps those seen at
least `MIN_COUNT` times and drops frequent glued forms (a word whose spaced form "a b" is more
frequent than the glued "ab"). The counts are facts about the language, not article text.
"""
from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

import yaml

from rasd.clean.normalize import normalize_arabic, normalize_with_offsets

__all__ = ["GlueOptions", "GlueSplit", "GlueSplitter", "build_counts", "count_words", "outlet_spellings",
           "packaged_splitter"]

#: An Arabic token: letters plus the marks and tatweel written inside words.
WORD = re.compile(r"[\u0621-\u063A\u0641-\u064A\u0671-\u06D3\u064B-\u065F\u0670\u0640]+")
#: The marks stripped before comparing a part's surface with `FUNCTION_PARTS`.
_MARKS = re.compile(r"[\u064B-\u065F\u0670\u0640]")
#: Proclitics a part may carry (normalised: لل is ل + ال), longest first.
PROCLITICS = ("وبال", "وكال", "وال", "فبال", "فال", "بال", "كال", "ولل", "فلل", "لل", "ال",
              "وب", "ول", "وك", "فب", "فل", "فك", "و", "ف", "ب", "ل", "ك")
#: Attached pronouns a part may end with (normalised ة→ه, so "ه" also covers a feminine ending
#: already counted as its own word).
ENCLITICS = ("هما", "كما", "هم", "هن", "كم", "ها", "نا", "ه", "ي")
_PRO_BY_FIRST = {c: tuple(p for p in PROCLITICS if p[0] == c) for c in {p[0] for p in PROCLITICS}}
_ENC_BY_LAST = {c: tuple(q for q in ENCLITICS if q[-1] == c) for c in {q[-1] for q in ENCLITICS}}
#: Two-letter words allowed as a part, written with their hamza as news text writes them: the
#: particles a link is glued to ("…الميادينفي", "…أنّ"). Other two-letter strings (ما، لا، ان
#: without hamza, ست، سي، تم…) are verb prefixes or noun endings far more often than glued words;
#: so are قد, هو, هي at a word's end (الفاقد، المعتقد، الملاهي).
FUNCTION_PARTS = frozenset({"في", "من", "عن", "مع", "أن", "إن"})
#: Letters Arabic writes only at the end of a word: one inside a token marks where a word ended.
FINAL_ONLY = frozenset("ةى")
#: A token ending in أن or إن (marks allowed): the particle glued to a word, never the dual
#: ending ان, which Arabic writes without a hamza.
_HAMZA_PARTICLE_END = re.compile(r"[أإ][\u064B-\u065F\u0670\u0640]*ن[\u064B-\u065F\u0670\u0640]*$")
#: The whole tokens of a text that end so (found once per text, not asked of every token).
_HAMZA_PARTICLE_TOKEN = re.compile(WORD.pattern + _HAMZA_PARTICLE_END.pattern[:-1]
                                   + r"(?![\u0621-\u063A\u0641-\u064A\u0671-\u06D3\u064B-\u065F\u0670\u0640])")
#: Noun endings (normalised) stripped when asking whether a token is a known word.
NOUN_ENDINGS = ("يات", "يين", "ات", "ين", "ون", "ان", "يه", "ي")
#: A part that is the article (with its clitics) and at most two letters.
_SHORT_DEFINITE = re.compile(r"(?:[وف]?[بك]?ال|[وف]?لل).{0,2}")
#: Heads of names written as one word with what follows ("عبدالله", "عبدالرحمن").
NAME_HEADS = frozenset({"عبد"})

#: Tokens remembered per splitter (cleared when full): about 30 MB at most; a corpus of 8,000
#: pages has ~120,000 distinct tokens.
CACHE_SIZE = 200_000
#: The shipped counts file (under `rasd.data.clean`).
COUNTS_FILE = "word_counts.tsv"
#: The corpora the build counts, under the shared folder: (file glob, text fields).
CORPORA = (
    ("data/arabic-conflict-news-multisource/*.jsonl", ("title", "text")),
    ("data/almayadeen-syria-articles/*.jsonl", ("title", "full_text")),
)
#: Words seen fewer times are left out: 10 keeps ~20,000 words (~350 KB) of the 2.5 M-token
#: corpora; a word seen under 10 times in them is rare enough to count as unknown.
MIN_COUNT = 10
#: A frequent token is a glued form, not a word, when its best split (under the same cut rules as
#: at run time) occurs spaced at least as often: "مراسلالميادينفي" 41 times glued against
#: "مراسل الميادين" 51 times spaced, "مصادرالميادين" 27 against 65; five forms are dropped from
#: the two corpora. At 1.5 "مراسلالميادينفي" would stay a word and never be split.
GLUED_BIGRAM_RATIO = 1.0
#: Data folders whose names count as known words (outlets come from the cleaner's lexicon).
NAME_FILES = (
    ("rasd.data.places", ("places.yaml", "admin.yaml", "foreign.yaml")),
    ("rasd.data.actors", ("kb_external.yaml", "kb_opposition.yaml", "kb_sources.yaml", "kb_syria_state.yaml")),
)
TRIGGER_FILES = (("rasd.data.events", "triggers.yaml"),)


@dataclass(frozen=True, slots=True)
class GlueOptions:
    """How sure a split must be. Values were set on the two corpora (bench/glue_split.py)."""

    #: tokens shorter than this (normalised letters) are never split: the four-letter real words
    #: "كلما", "أيمن", "عنان" read as two frequent words.
    min_token: int = 5
    #: a part with a base word of three letters must be this frequent: "الم" (ألم), "يات", "اته"
    #: are rare words but frequent noun endings and prefixes; "إلى", "على", "بعد" pass.
    min_short_count: int = 300
    #: a cut with no cue (see `GlueSplitter._cut_ok`) needs both parts this frequent: "بولي" (in
    #: "الإسلامبولي") is a rare word, "السودان" + "منذ" are not.
    min_uncued_count: int = 100
    #: log-probability paid for each clitic on a part (a factor of 0.1).
    clitic_cost: float = math.log(10)
    #: log-probability paid for each extra part.
    split_cost: float = 2.0
    #: the unknown-word model: log p(unknown token) = log(1/N) - unknown_per_char * letters, so
    #: a glued token of ten letters is held e^10 times less likely than a word seen once.
    unknown_per_char: float = 1.0
    #: how much more likely (log) the split must be than that unknown token. The cut rules carry
    #: the precision: on the two corpora a margin of 3 dropped 47 distinct splits, 45 of them right
    #: ("وقالمراسلالميادينفي", "علمتالميادينأنّ": each extra part costs), 2 wrong.
    margin: float = 0.0
    #: the margin is this much lower when a letter written only word-finally (ة ى) ends a part.
    final_letter_bonus: float = 3.0
    #: pseudo-count of a word known only from the curated names (as if just frequent enough).
    name_count: int = MIN_COUNT


@dataclass(frozen=True, slots=True)
class GlueSplit:
    """One glued token `text[start:end]` and where spaces go: `cuts` are offsets in that text."""

    start: int
    end: int
    cuts: tuple[int, ...]
    parts: tuple[str, ...]


def _strip_marks(s: str) -> str:
    return _MARKS.sub("", s)


class GlueSplitter:
    """Finds glued tokens in a text and the known words they are made of."""

    def __init__(self, counts: Mapping[str, int], names: Iterable[str] = (),
                 options: GlueOptions = GlueOptions()) -> None:
        """`counts`: normalised word -> corpus count; `names`: curated words or names (any spelling)."""
        self.options = options
        words = {normalize_arabic(w): int(c) for w, c in counts.items() if c > 0}
        for name in names:
            for w in WORD.findall(normalize_arabic(name)):
                if len(w) >= 2 and words.get(w, 0) < options.name_count:
                    words[w] = options.name_count
        self.counts = words
        self.total = max(1, sum(words.values()))
        self._log_total = math.log(self.total)
        # raw token -> cuts (or None), and normalised token -> known: words repeat across pages
        self._cuts: dict[str, list[int] | None] = {}
        self._known: dict[str, bool] = {}
        self._parts: dict[str, tuple[float, int] | None] = {}

    def clear_cache(self) -> None:
        """Forget the tokens seen so far (bench/glue_split.py times each pass from cold)."""
        self._cuts.clear()
        self._known.clear()
        self._parts.clear()

    # -- the word model --------------------------------------------------------------------------
    def _analyses(self, s: str) -> Iterator[tuple[str, int]]:
        """(base, clitics) readings of the normalised string `s`: itself, prefix+base, base+suffix."""
        yield s, 0
        if not s:
            return
        for p in _PRO_BY_FIRST.get(s[0], ()):
            if s.startswith(p) and len(s) - len(p) >= 2:
                rest = s[len(p):]
                yield rest, 1
                for q in _ENC_BY_LAST.get(rest[-1], ()):
                    if rest.endswith(q) and len(rest) - len(q) >= 2:
                        yield rest[:-len(q)], 2
        for q in _ENC_BY_LAST.get(s[-1], ()):
            if s.endswith(q) and len(s) - len(q) >= 2:
                yield s[:-len(q)], 1

    def known(self, key: str) -> bool:
        """Whether the normalised token is a known word, alone, with clitics or with a plural ending.

        The endings matter because the word list is small: "مسؤولياتهم" must not read as
        "مسؤولي اتهم" when "مسؤوليات" was not frequent enough to be listed.
        """
        found = self._known.get(key)
        if found is None:
            found = self._known[key] = self._is_known(key)
            if len(self._known) > CACHE_SIZE:
                self._known.clear()
        return found

    def _is_known(self, key: str) -> bool:
        if key in self.counts:
            return True
        for base, _ in self._analyses(key):
            if base in self.counts:
                return True
            for e in NOUN_ENDINGS:
                if base.endswith(e) and len(base) - len(e) >= 3 and base[:-len(e)] in self.counts:
                    return True
        return False

    def _part(self, key: str, surface: str) -> tuple[float, int] | None:
        """(log-probability, count of its base word) of one part, or None if it may not be a part.

        `key` is normalised, `surface` the raw text (marks included)."""
        if len(key) == 2:
            return self._part_uncached(key, surface)
        if key not in self._parts:          # longer parts do not look at the surface
            self._parts[key] = self._part_uncached(key, surface)
            if len(self._parts) > CACHE_SIZE:
                self._parts.clear()
        return self._parts[key]

    def _part_uncached(self, key: str, surface: str) -> tuple[float, int] | None:
        opt = self.options
        if len(key) == 2:
            c = self.counts.get(key)
            return (math.log(c) - self._log_total, c) if c and _strip_marks(surface) in FUNCTION_PARTS else None
        best: tuple[float, int] | None = None
        for base, n in self._analyses(key):
            if len(base) < 3 or (len(base) == 3 and n):
                continue      # a three-letter base takes no clitic: "بالا" (ب+إلا) is "بالإ…" misspelt
            c = self.counts.get(base)
            if not c or (len(base) == 3 and c < opt.min_short_count):
                continue
            lp = math.log(c) - self._log_total - n * opt.clitic_cost
            if best is None or lp > best[0]:
                best = (lp, c)
        return best

    def _cut_ok(self, left: str, right: str, left_count: int, right_count: int,
                right_surface: str, before: str) -> bool:
        """Whether a space may go between two parts (normalised `left`, `right`).

        `before` is the raw letter before the cut. A cut is cued when that letter is written only at
        a word's end (ة ى), or when the right part opens with the article ال or with إ (a letter
        found only at a word's start or after a clitic)."""
        bare = _strip_marks(right_surface)
        # the article: ال before three letters or more, written so (not إلى, إليه, إلا read as الي…)
        article = bare.startswith("ال") and len(right) >= 5
        if left in NAME_HEADS and article:
            return False          # "عبدالله", "عبدالرحمن": a name written as one word
        cued = before in FINAL_ONLY or article or bare[:1] == "إ"
        if len(left) == 2:        # "أنّالمنطقة": a particle glued to a definite word only
            return article
        # a left part that is the article and two letters is more often the start of a longer
        # word: "الاندفاع" is not "الآن دفاع", "بالانضباط" not "بالآن ضباط", "المدمن" not "المد من"
        short_definite = _SHORT_DEFINITE.fullmatch(left) is not None
        if right.startswith("ا"):
            # "سورياعلى", "وتركيالإرسال": the alef may end the left word ("تركيا" + "لإرسال");
            # when that reading is the likelier left word, the split is a guess: leave it
            alt, cur, rest = self._part(left + "ا", ""), self._part(left, ""), self._part(right[1:], "")
            if alt is not None and rest is not None and cur is not None and alt[0] > cur[0]:
                return False
        if len(right) == 2:       # "…الميادينفي": a particle after a word of four letters or more
            return len(left) >= 4 and not short_definite
        if cued:
            return True
        # nor a right part that looks like the article and a noun ending ("السنهالية" is not
        # "السنة آلية")
        return (min(len(left), len(right)) >= 4 and not short_definite
                and _SHORT_DEFINITE.fullmatch(right) is None
                and min(left_count, right_count) >= self.options.min_uncued_count)

    def segment(self, key: str, surface: str | None = None,
                offsets: list[int] | None = None) -> tuple[float, list[tuple[int, int]]] | None:
        """The best split of normalised `key` into two parts or more, as (score, [(i, j) ...]), or None.

        Dynamic programming over (end of part, start of part) so the cut rules between neighbouring
        parts hold. `surface`/`offsets`: the raw token and `normalize_with_offsets`' map.
        """
        surface = key if surface is None else surface
        offsets = offsets if offsets is not None else list(range(len(key) + 1))
        n = len(key)
        parts: dict[tuple[int, int], tuple[float, int] | None] = {}

        def part(i: int, j: int) -> tuple[float, int] | None:
            if (i, j) not in parts:
                parts[(i, j)] = self._part(key[i:j], surface[offsets[i]:offsets[j]])
            return parts[(i, j)]

        # cheap test first: most unknown tokens have no known word at their end
        if not any(part(i, n) is not None for i in range(1, n - 1)):
            return None
        # best[(i, j)]: best score of key[:j] whose last part is key[i:j], and the previous start
        best: dict[tuple[int, int], tuple[float, int]] = {}
        for j in range(2, n + 1):
            for i in range(0, j - 1):
                if i == 0 and j == n:
                    continue
                p = part(i, j)
                if p is None:
                    continue
                if i == 0:
                    best[(0, j)] = (p[0], -1)
                    continue
                top: tuple[float, int] | None = None
                for h in range(0, i - 1):
                    prev = best.get((h, i))
                    if prev is None:
                        continue
                    q = part(h, i)
                    if not self._cut_ok(key[h:i], key[i:j], q[1], p[1], surface[offsets[i]:offsets[j]],
                                        surface[offsets[i - 1]]):
                        continue
                    v = prev[0] + p[0] - self.options.split_cost
                    if top is None or v > top[0]:
                        top = (v, h)
                if top is not None:
                    best[(i, j)] = top
        ends = [(v[0], i) for (i, j), v in best.items() if j == n and i > 0]
        if not ends:
            return None
        score, i = max(ends)
        spans = [(i, n)]
        j = i
        h = best[(i, n)][1]
        while h >= 0:
            spans.append((h, j))
            h, j = best[(h, j)][1], h
        return score, spans[::-1]

    def split_token(self, token: str) -> list[int] | None:
        """Offsets inside the raw `token` where a space goes, or None to leave it as it is."""
        if token in self._cuts:
            return self._cuts[token]
        cuts = self._cuts[token] = self._split_token(token)
        if len(self._cuts) > CACHE_SIZE:
            self._cuts.clear()
        return cuts

    def _split_token(self, token: str) -> list[int] | None:
        opt = self.options
        key, offsets = normalize_with_offsets(token)
        if len(key) < opt.min_token or not WORD.fullmatch(key):
            return None
        particle_end = _HAMZA_PARTICLE_END.search(token) is not None
        if self.known(key) and (key in self.counts or not particle_end):
            # (a word known only through an ending: "…الميادينأنّ" reads as a dual in "ان" once
            # normalised, but a hamza is never written on a suffix: it is أن glued on)
            return None
        found = self.segment(key, token, offsets)
        if found is None:
            return None
        score, spans = found
        unknown = -self._log_total - opt.unknown_per_char * len(key)
        margin = opt.margin
        if any(token[offsets[j - 1]] in FINAL_ONLY for _, j in spans[:-1]) or (
                particle_end and spans[-1][0] == len(key) - 2):
            margin -= opt.final_letter_bonus   # a cut Arabic spelling marks (ة or ى before it, أن after it)
        if score - unknown < margin:
            return None
        return [offsets[i] for i, _ in spans[1:]]

    def find(self, text: str) -> list[GlueSplit]:
        """Every glued token of `text` with its cuts (offsets into `text`)."""
        out: list[GlueSplit] = []
        short = self.options.min_token
        # most tokens are known words: look them up normalised (one normalising call per line)
        keys = WORD.findall(normalize_arabic(text))
        unknown = {k for k in keys if len(k) >= short and not self.known(k)}
        particle = set(_HAMZA_PARTICLE_TOKEN.findall(text))   # known once normalised, see _split_token
        if not unknown and not particle:
            return out
        tokens = list(WORD.finditer(text))
        # normalising keeps tokens one for one unless it deleted a joiner inside one; then ask all
        aligned = len(tokens) == len(keys)
        for n, m in enumerate(tokens):
            token = m.group()
            if len(token) < short or (aligned and keys[n] not in unknown and token not in particle):
                continue
            cuts = self.split_token(token)
            if cuts:
                s = m.start()
                bounds = [0, *cuts, len(token)]
                out.append(GlueSplit(s, m.end(), tuple(s + c for c in cuts),
                                     tuple(token[a:b] for a, b in zip(bounds, bounds[1:]))))
        return out


# -- the packaged dictionary -------------------------------------------------------------------------
def read_counts(text: str) -> dict[str, int]:
    """Parse a counts file: `word<TAB>count` lines; `#` lines are comments."""
    out: dict[str, int] = {}
    for n, line in enumerate(text.splitlines(), 1):
        if not line or line.startswith("#"):
            continue
        word, sep, count = line.partition("\t")
        if not sep or not count.isdigit():
            raise ValueError(f"{COUNTS_FILE} line {n}: expected 'word<TAB>count', got {line[:40]!r}")
        out[word] = int(count)
    return out


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, Mapping):
        for v in node.values():
            yield from _strings(v)
    elif isinstance(node, (list, tuple)):
        for v in node:
            yield from _strings(v)


def expand_pattern(pattern: str, limit: int = 200) -> list[str]:
    """The words a finite trigger regex matches (`سيطر(?:ت|وا)?` -> سيطر, سيطرت, سيطروا), [] if unbounded."""
    from re import _parser as sre_parse  # the stdlib's own parser: regexes here are the lexicon's
    from re._constants import BRANCH, IN, LITERAL, MAX_REPEAT, MIN_REPEAT, SUBPATTERN

    def walk(items: Any) -> list[str] | None:
        outs = [""]
        for op, av in items:
            if op is LITERAL:
                alts = [chr(av)]
            elif op is IN and all(o is LITERAL for o, _ in av):
                alts = [chr(a) for _, a in av]
            elif op is SUBPATTERN:
                alts = walk(av[3])
            elif op is BRANCH:
                alts = []
                for b in av[1]:
                    sub = walk(b)
                    if sub is None:
                        return None
                    alts += sub
            elif op in (MAX_REPEAT, MIN_REPEAT) and av[1] <= 1:
                sub = walk(av[2])
                if sub is None:
                    return None
                alts = ([""] if av[0] == 0 else []) + sub
            else:
                return None
            if alts is None:
                return None
            outs = [o + a for o in outs for a in alts]
            if len(outs) > limit:
                return None
        return outs

    try:
        found = walk(sre_parse.parse(pattern))
    except re.error:
        return []
    return [w for w in (found or []) if WORD.fullmatch(w)]


@lru_cache(maxsize=1)
def curated_names() -> tuple[str, ...]:
    """Place and actor names (every string of those data files) and single-word event triggers."""
    names: list[str] = []
    for package, files in NAME_FILES:
        for f in files:
            data = yaml.safe_load(resources.files(package).joinpath(f).read_text("utf-8"))
            names += [s for s in _strings(data) if WORD.search(s)]
    for package, f in TRIGGER_FILES:
        data = yaml.safe_load(resources.files(package).joinpath(f).read_text("utf-8"))
        for spec in (data.get("types") or {}).values():
            for entry in spec.get("triggers") or ():
                if isinstance(entry, list) and len(entry) == 2 and entry[0] != "phrase":
                    names += expand_pattern(normalize_arabic(entry[1]))
    return tuple(names)


@lru_cache(maxsize=1)
def packaged_counts() -> dict[str, int]:
    """The shipped word counts (empty when the file was never built)."""
    path = resources.files("rasd.data.clean").joinpath(COUNTS_FILE)
    return read_counts(path.read_text("utf-8")) if path.is_file() else {}


def outlet_spellings(outlets: Iterable[Any]) -> tuple[str, ...]:
    """The names and aliases of the lexicon's outlets, sorted (the key of `packaged_splitter`)."""
    return tuple(sorted({a for o in outlets for a in (o.name, *o.aliases)}))


@lru_cache(maxsize=8)
def packaged_splitter(outlet_names: tuple[str, ...] = (), options: GlueOptions = GlueOptions()) -> GlueSplitter:
    """A splitter over the shipped counts, the curated names and the given outlet spellings."""
    return GlueSplitter(packaged_counts(), curated_names() + outlet_names, options)


# -- the build -------------------------------------------------------------------------------------
def count_words(texts: Iterable[str]) -> tuple[Counter, Counter]:
    """Normalised word counts and counts of word pairs separated by spaces only (same line)."""
    uni: Counter = Counter()
    pairs: Counter = Counter()
    for text in texts:
        norm = normalize_arabic(text)
        prev, prev_end = None, -1
        for m in WORD.finditer(norm):
            w = m.group()
            uni[w] += 1
            gap = norm[prev_end:m.start()]
            if prev is not None and gap and not gap.strip(" "):
                pairs[(prev, w)] += 1
            prev, prev_end = w, m.end()
    return uni, pairs


def glued_forms(uni: Mapping[str, int], pairs: Mapping[tuple[str, str], int], min_count: int,
                ratio: float = GLUED_BIGRAM_RATIO, options: GlueOptions = GlueOptions()) -> dict[str, list[str]]:
    """Frequent tokens that are glued words: their best split's every pair is ≥ `ratio` × as frequent spaced."""
    kept = {w: c for w, c in uni.items() if c >= min_count}
    splitter = GlueSplitter({}, (), options)
    splitter.counts = dict(kept)
    splitter.total = max(1, sum(kept.values()))
    splitter._log_total = math.log(splitter.total)
    glued: dict[str, list[str]] = {}
    for w in sorted(kept, key=lambda x: (len(x), x)):
        if len(w) < options.min_token:
            continue
        c = splitter.counts.pop(w)
        splitter._parts.pop(w, None)      # its part reading changes with it (longer words ask later)
        found = splitter.segment(w)
        if found:
            parts = [w[i:j] for i, j in found[1]]
            if all(pairs.get((a, b), 0) >= ratio * c for a, b in zip(parts, parts[1:])):
                glued[w] = parts
                splitter._parts.pop(w, None)
                continue
        splitter.counts[w] = c
        splitter._parts.pop(w, None)
    return glued


def _corpus_texts(shared: Path) -> Iterator[str]:
    for pattern, fields in CORPORA:
        files = sorted(shared.glob(pattern))
        if not files:
            raise FileNotFoundError(f"no corpus file matches {shared / pattern}")
        for path in files:
            with open(path, encoding="utf-8") as f:
                for line in f:
                    rec = json.loads(line)
                    for field in fields:
                        if isinstance(rec.get(field), str):
                            yield rec[field]


def build_counts(texts: Iterable[str], min_count: int = MIN_COUNT) -> tuple[dict[str, int], dict[str, list[str]]]:
    """Word -> count for words seen ≥ `min_count` times that are not glued forms; and the glued forms."""
    uni, pairs = count_words(texts)
    glued = glued_forms(uni, pairs, min_count)
    counts = {w: c for w, c in uni.items() if c >= min_count and w not in glued}
    return counts, glued


def write_counts(path: Path, counts: Mapping[str, int], header: str) -> None:
    """Write `word<TAB>count`, most frequent first, ties by word (deterministic)."""
    rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for line in header.splitlines():
            f.write(f"# {line}\n")
        for w, c in rows:
            f.write(f"{w}\t{c}\n")


def main(argv: list[str] | None = None) -> int:
    """`python -m rasd.clean.glue build --shared ../shared`: rebuild the shipped word counts."""
    ap = argparse.ArgumentParser(prog="python -m rasd.clean.glue", description=main.__doc__)
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="count corpus words into the packaged word-count file")
    b.add_argument("--shared", default="../shared", help="the shared folder holding data/ (default ../shared)")
    b.add_argument("--out", default=None, help=f"output file (default: the packaged {COUNTS_FILE})")
    b.add_argument("--min-count", type=int, default=MIN_COUNT, help=f"keep words seen this often (default {MIN_COUNT})")
    args = ap.parse_args(argv)
    shared = Path(args.shared)
    out = Path(args.out) if args.out else Path(str(resources.files("rasd.data.clean").joinpath(COUNTS_FILE)))
    try:
        counts, glued = build_counts(_corpus_texts(shared), args.min_count)
    except FileNotFoundError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    header = (f"Word counts for rasd.clean.glue (normalised words seen >= {args.min_count} times, glued forms dropped).\n"
              f"Built by: python -m rasd.clean.glue build --shared ../shared --min-count {args.min_count}\n"
              f"From: {', '.join(p for p, _ in CORPORA)}; {len(counts)} words, {len(glued)} glued forms dropped.")
    write_counts(out, counts, header)
    print(f"{len(counts)} words, {len(glued)} glued forms dropped -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
