"""Page, sentence and event signals for linking: opinion/analysis pages, flashback sentences, tallies.

An opinion or analysis page talks about happenings (a capital named as a symbol, last year's
strike recalled as an argument); its events are not reports and never fuse across documents. A
flashback sentence ("وكان ... قد", "يذكر أن", "وقبل أيام") recalls an earlier happening; an event
known only from such sentences is history the page recalls. The words live in
`rasd/data/link/signals.yaml`.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote, urlsplit

from rasd.clean.normalize import normalize_arabic
from rasd.document import Document, Event
from rasd.link.lexicon import load_data, words


@dataclass(frozen=True, slots=True)
class OpinionOptions:
    """How many signals make an opinion page, and the thresholds of the text signals."""

    # A section named opinion/analysis (URL or metadata) or a genre word opening the title is
    # strong evidence on its own (2); the text signals (no event in the lead, modal density, long
    # argument with questions) count 1 each. Two points are needed.
    min_points: int = 2
    # Modal/hypothetical words per 1000 words: on the Al Mayadeen corpus news reports have a median
    # of 3.4 (75th percentile 6.9), its articles/analysis sections about 10 (measured over /tmp/am.db
    # with rasd.link.signals._modal_rate), so 10: alone it never marks a page (1 point of 2).
    modal_per_1000: float = 10.0
    # Opinion pieces run long and ask questions; a report of this length with two questions is rare.
    long_words: int = 700
    min_questions: int = 2


def _phrases(entries) -> tuple[tuple[str, ...], ...]:
    return tuple(sorted({tuple(words(w)) for w in entries}, key=len, reverse=True))


def _by_first(phrases: tuple[tuple[str, ...], ...]) -> dict[str, list[tuple[str, ...]]]:
    out: dict[str, list[tuple[str, ...]]] = {}
    for p in phrases:
        if p:
            out.setdefault(p[0], []).append(p)
    return out


@lru_cache(maxsize=1)
def _lexicon() -> dict:
    d = load_data("signals.yaml")
    op = d["opinion"]
    return {
        "url": frozenset(s.lower() for s in op["url_segments"]),
        "meta_keys": tuple(op["meta_keys"]),
        "meta_values": frozenset(normalize_arabic(v).lower() for v in op["meta_values"]),
        "openers": _phrases(op["title_openers"]),
        "modal_by_first": _by_first(_phrases(op["modal_words"])),
        "lead_chars": int(op["lead_chars"]),
        "flashback": _phrases(d["flashback_openers"]),
    }


def _starts_with(tokens: list[str], phrases: tuple[tuple[str, ...], ...]) -> bool:
    return any(p and tuple(tokens[:len(p)]) == p for p in phrases)


def is_tally(ev: Event) -> bool:
    """True for a tally or habitual statement that extraction flagged (`meta["aggregate"]`,
    rasd.extract.events_scope): "struck the base 12 times since October" is not one happening."""
    return bool((ev.meta or {}).get("aggregate"))


@lru_cache(maxsize=1 << 16)
def is_flashback(sentence: str) -> bool:
    """True when a sentence opens with a flashback phrase ("وكان ... قد", "يذكر أن", "وقبل أيام").

    Cached: fusion asks it of a member's sentences for every candidate pair (1.8 million calls,
    most of fusion's time, at 10,000 documents in bench/link_scale.py).
    """
    return _starts_with(words(sentence or ""), _lexicon()["flashback"])


def _url_section(url: str | None) -> bool:
    if not url:
        return False
    try:
        parts = [unquote(p).lower() for p in urlsplit(url).path.split("/") if p]
    except ValueError:
        return False
    # the last part is the page's own slug, never a section
    return any(p in _lexicon()["url"] for p in parts[:-1])


def _meta_section(meta) -> bool:
    lex = _lexicon()
    for key in lex["meta_keys"]:
        v = meta.get(key) if hasattr(meta, "get") else None
        values = v if isinstance(v, (list, tuple)) else [v]
        if any(isinstance(x, str) and normalize_arabic(x).strip().lower() in lex["meta_values"] for x in values):
            return True
    return False


def _modal_rate(tokens: list[str]) -> float:
    by_first = _lexicon()["modal_by_first"]
    n = 0
    for i, t in enumerate(tokens):
        if any(tuple(tokens[i:i + len(p)]) == p for p in by_first.get(t, ())):
            n += 1
    return 1000.0 * n / max(1, len(tokens))


def opinion_points(doc: Document, options: OpinionOptions = OpinionOptions()) -> dict[str, int]:
    """The opinion signals a page shows, each with its points (see `OpinionOptions`)."""
    lex = _lexicon()
    out: dict[str, int] = {}
    url = doc.origin.url if doc.origin is not None else None
    if _url_section(url or (doc.meta.get("url") if hasattr(doc.meta, "get") else None)) or _meta_section(doc.meta):
        out["section"] = 2
    for head in (doc.title, doc.kicker):
        if head and _starts_with(words(head), lex["openers"]):
            out["title"] = 2
    lead_end = lex["lead_chars"]
    if not any((m.get("start") or 0) < lead_end for ev in doc.events for m in ev.mentions
               if ev.location):
        out["no_event_in_lead"] = 1
    tokens = words(doc.text or "")
    if _modal_rate(tokens) >= options.modal_per_1000:
        out["modal"] = 1
    if len(tokens) >= options.long_words and (doc.text or "").count("؟") + (doc.text or "").count("?") >= options.min_questions:
        out["long_argument"] = 1
    return out


def is_opinion(doc: Document, options: OpinionOptions = OpinionOptions()) -> bool:
    """True when a page reads as opinion or analysis rather than a news report."""
    return sum(opinion_points(doc, options).values()) >= options.min_points
