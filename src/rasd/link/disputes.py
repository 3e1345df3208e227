"""Disagreements between the sources of one fused event, kept side by side (EVENTS.md "Across pages").

`find_disputes(members)` returns one entry per disputed field:
`{"field": "modality" | "date" | "actors" | "quantity", "unit": ... (quantity only),
  "sides": [{"value": ..., "sources": [label, ...], "doc_ids": [...]}, ...]}`.
Nothing is resolved: every side and who gave it stays in the record.

Only real disagreements are listed (the held-out review of the first version found most listed
disputes spurious):
- modality: one source reports or asserts the event, another denies it;
- quantity: counts of the same kind (killed against killed, civilians against civilians) that
  cannot both hold: ranges that overlap, bounds ("more than 100") that admit the other figure,
  and approximate figures within a tolerance of an exact one are not disputes, and a part of a
  toll ("بينهم 5 أطفال") is never compared with a whole;
- date: stated dates (not a page's date) at the same precision further apart than the slack;
- actors: the events' `role: actor` entries resolve to knowledge-base actors of different sides
  (an actor and what it is affiliated with are one side), and neither source names the other's
  actor in its own sentences (a name merely mentioned nearby is not a claim about who acted).
Copies of one page (`duplicate_of`) are one source and never dispute each other.
The word lists live in `rasd/data/link/disputes.yaml`.
"""
from __future__ import annotations

from datetime import date as Date
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Callable, Iterable

from rasd.clean.normalize import normalize_arabic
from rasd.document import Event
from rasd.link.lexicon import WORD, load_data, words

if TYPE_CHECKING:  # fusion imports this module; the type is only needed for annotations
    from rasd.link.fusion import Member

#: Modalities that say the event happened (or someone says so); a denial against any of them is a dispute.
POSITIVE_MODALITIES = frozenset({"asserted", "reported", "claimed", "alleged"})
#: Date bases that only repeat the page's date: not a claim about when the event happened.
PAGE_BASES = frozenset({"document", "inferred"})
#: An approximate figure within this fraction of another is the same figure ("نحو 30" vs 28):
#: newsroom rounding is to the nearest 5 or 10, i.e. up to about 15 % of counts in the tens.
APPROX_TOLERANCE = 0.15
#: Actor kinds that are never a party whose identity two sources can disagree on.
NON_PARTY_KINDS = frozenset({"civilians", "protesters", "media", "ngo_monitor"})
#: Words looked at after a person count for what happened to the counted ("7 مدنيين قتلوا").
FATE_WINDOW_TOKENS = 2

#: actor id -> its affiliation closure (the actor and every group it belongs to)
SideOf = Callable[[str], frozenset[str]]


def stated_date(ev: Event) -> dict:
    """The event's date as its text states it; `{}` when there is none or it only repeats the page's
    date (basis `document` or `inferred`: two pages' dates say nothing about two events' days)."""
    d = ev.date or {}
    if not d.get("value") or d.get("basis") in PAGE_BASES:
        return {}
    return d


def is_party(a: dict) -> bool:
    """An event's `role: actor` entry that names a specific party: a knowledge-base actor, not a
    generic one ("armed groups") nor civilians, protesters, media or monitors."""
    return (a.get("role", "actor") == "actor" and bool(a.get("actor_id"))
            and not str(a["actor_id"]).endswith("_generic") and a.get("kind") not in NON_PARTY_KINDS)


@lru_cache(maxsize=1)
def _lexicon() -> dict:
    d = load_data("disputes.yaml")

    def toks(w: str) -> tuple[str, ...]:
        return tuple(words(w))

    return {
        "units": frozenset(d["disputable_units"]),
        "person_units": frozenset(d["person_units"]),
        "fate": [(toks(w), kind) for kind, entries in d["fate_after"].items() for w in entries],
        "subset": frozenset(normalize_arabic(w) for w in d["subset_before"]),
        "nouns": {normalize_arabic(w): cls for cls, entries in d["noun_classes"].items() for w in entries},
        "lower": [toks(w) for w in d["lower_bound"]],
        "upper": [toks(w) for w in d["upper_bound"]],
    }


@lru_cache(maxsize=1)
def _default_side_of() -> SideOf:
    from rasd.extract.actors_kb import ActorKB  # the knowledge base is data; linking only reads it

    kb = ActorKB.load_default()
    return kb.affiliation_closure


def source_label(m: "Member") -> str:
    """Who gave a member's version: its attributed sources, else the outlet, else the document id."""
    names = [a.get("name") or a.get("text") for a in m.event.attribution if a.get("name") or a.get("text")]
    if names:
        return "، ".join(dict.fromkeys(names))
    return m.outlet or m.doc_id


def _source(m: "Member") -> str:
    """The page a member's version comes from: a copy counts as its canonical page."""
    return m.duplicate_of or m.doc_id


def _sides(pairs: Iterable[tuple[Any, "Member"]]) -> list[dict]:
    """Group (value, member) pairs into sides, in first-seen order."""
    sides: dict[Any, dict] = {}
    for value, m in pairs:
        key = repr(value)
        side = sides.setdefault(key, {"value": value, "sources": [], "doc_ids": []})
        label = source_label(m)
        if label not in side["sources"]:
            side["sources"].append(label)
        if m.doc_id not in side["doc_ids"]:
            side["doc_ids"].append(m.doc_id)
    return list(sides.values())


# -- quantities ----------------------------------------------------------------------------------


def _ends_with(tokens: list[str], phrase: tuple[str, ...]) -> bool:
    return bool(phrase) and len(tokens) >= len(phrase) and tuple(tokens[-len(phrase):]) == phrase


def _context(q: dict, sentences: list[str]) -> tuple[list[str], list[str], list[str]] | None:
    """(words before, words of, words after) the quantity's text in the first sentence holding it."""
    text = normalize_arabic(q.get("text") or "").strip()
    if not text:
        return None
    for s in sentences:
        ns = normalize_arabic(s)
        i = ns.find(text)
        if i >= 0:
            return WORD.findall(ns[:i]), WORD.findall(text), WORD.findall(ns[i + len(text):])
    return None


#: Words that may stand between a subset word and its count ("بينهم نحو 5 أطفال").
_QUALIFIERS = frozenset(normalize_arabic(w) for w in ("نحو", "حوالي", "قرابة", "زهاء", "يقارب", "ما", "أكثر",
                                                     "من", "أقل", "على", "الأقل"))


def _is_part_of_toll(before: list[str], subset: set[str] | frozenset[str]) -> bool:
    """True when a subset word ("بينهم") governs the count: right before it, or with only
    qualifiers between. Looking two words back regardless ("بينهم أطفال ونحو ثلاثين جريحا") made a
    separate count of the wounded a part of the dead (found in the held-out review)."""
    i = len(before) - 1
    while i >= 0 and (before[i] in _QUALIFIERS or (before[i][:1] in "وف" and before[i][1:] in _QUALIFIERS)):
        i -= 1
    return i >= 0 and before[i] in subset


def quantity_kind(q: dict, sentences: list[str]) -> tuple[str, str | None, float, float] | None:
    """What a count counts and its interval: (unit, noun class, low, high), or None when it is not
    a comparable count (a material count, a part of a toll, a person count of unknown fate)."""
    lex = _lexicon()
    unit = q.get("unit")
    ctx = _context(q, sentences) or ([], words(q.get("text") or ""), [])
    before, own, after = ctx
    if unit in lex["person_units"]:
        unit = None
        window = tuple(after[:FATE_WINDOW_TOKENS + 1])
        for phrase, kind in lex["fate"]:
            if any(window[k:k + len(phrase)] == phrase for k in range(FATE_WINDOW_TOKENS)):
                unit = kind
                break
    if unit not in lex["units"]:
        return None
    if _is_part_of_toll(before, lex["subset"]):
        return None
    nouns = lex["nouns"]
    noun = next((nouns.get(w) or nouns.get(w[2:]) for w in own
                 if w in nouns or (w.startswith("ال") and w[2:] in nouns)), None)
    v = q.get("value")
    if isinstance(v, (int, float)):
        lo = hi = float(v)
        if any(_ends_with(before, p) or tuple(own[:len(p)]) == p for p in lex["lower"]):
            hi = float("inf")
        elif any(_ends_with(before, p) or tuple(own[:len(p)]) == p for p in lex["upper"]):
            lo = 0.0
    else:
        lo_v, hi_v = q.get("min"), q.get("max")
        if not isinstance(lo_v, (int, float)) and not isinstance(hi_v, (int, float)):
            return None
        lo = float(lo_v) if isinstance(lo_v, (int, float)) else 0.0
        hi = float(hi_v) if isinstance(hi_v, (int, float)) else float("inf")
    return unit, noun, lo, hi


def _counts_conflict(a: tuple[float, float, bool], b: tuple[float, float, bool]) -> bool:
    (alo, ahi, aapprox), (blo, bhi, bapprox) = a, b
    if ahi >= blo and bhi >= alo:
        return False  # the intervals overlap: both can hold
    if aapprox or bapprox:
        gap = blo - ahi if ahi < blo else alo - bhi
        scale = max(abs(alo), abs(blo), 1.0)
        return gap > APPROX_TOLERANCE * scale
    return True


def _quantity_disputes(members: list["Member"]) -> list[dict]:
    by_kind: dict[tuple[str, str | None], list[tuple[Any, "Member", tuple[float, float, bool]]]] = {}
    for m in members:
        sentences = [x.get("text") or "" for x in m.event.mentions]
        for q in m.event.quantities:
            kind = quantity_kind(q, sentences)
            if kind is None:
                continue
            unit, noun, lo, hi = kind
            value = q.get("value") if q.get("value") is not None else {"min": q.get("min"), "max": q.get("max")}
            by_kind.setdefault((unit, noun), []).append((value, m, (lo, hi, bool(q.get("approx")))))
    out = []
    for (unit, noun), rows in by_kind.items():
        conflict = any(_source(a[1]) != _source(b[1]) and _counts_conflict(a[2], b[2])
                       for i, a in enumerate(rows) for b in rows[i + 1:])
        if conflict:
            entry = {"field": "quantity", "unit": unit, "sides": _sides((v, m) for v, m, _ in rows)}
            if noun:
                entry["counted"] = noun
            out.append(entry)
    return out


# -- dates ---------------------------------------------------------------------------------------


def _dates_conflict(a: dict, b: dict, day_slack: int) -> bool:
    """Two stated dates of the same precision that cannot be one event's: days further apart than
    the slack, different months or years. Dates of different precisions never conflict (a month
    is not a claim against a day)."""
    if (a.get("precision") or "") != (b.get("precision") or ""):
        return False
    va, vb = a["value"], b["value"]
    if a.get("precision") == "day":
        try:
            return abs((Date.fromisoformat(va[:10]) - Date.fromisoformat(vb[:10])).days) > day_slack
        except ValueError:
            return va != vb
    return va != vb


def _date_disputes(members: list["Member"], day_slack: int) -> list[dict]:
    dated = [(m.event.date, m) for m in members if stated_date(m.event)]
    conflict = any(_source(a[1]) != _source(b[1]) and _dates_conflict(a[0], b[0], day_slack)
                   for i, a in enumerate(dated) for b in dated[i + 1:])
    return [{"field": "date", "sides": _sides((d["value"], m) for d, m in dated)}] if conflict else []


# -- actors --------------------------------------------------------------------------------------


def _party_actors(m: "Member") -> list[dict]:
    """The member's `role: actor` entries that name a party. A person on an attributed page is left
    out: there a named leader is nearly always the one speaking about the event ("قال الأمين العام
    ... إن من نفذ التفجير"), not the one who did it."""
    speaking = bool(m.event.attribution)
    return [a for a in m.event.actors if is_party(a) and not (speaking and a.get("kind") == "person")]


def _names(a: dict) -> set[str]:
    return {normalize_arabic(x).strip() for x in (a.get("text"), a.get("name")) if x and len(x.strip()) >= 3}


def _mentions_any(m: "Member", actors: list[dict]) -> bool:
    """True when a member's own sentences name any of these actors (by their text or name)."""
    body = " ".join(normalize_arabic(x.get("text") or "") for x in m.event.mentions)
    if any(a.get("actor_id") in {b.get("actor_id") for b in m.event.actors} for a in actors):
        return True
    return any(n and n in body for a in actors for n in _names(a))


def _actor_disputes(members: list["Member"], side_of: SideOf) -> list[dict]:
    keyed = []
    for m in members:
        parties = _party_actors(m)
        if parties:
            sides = frozenset().union(*(side_of(a["actor_id"]) or frozenset({a["actor_id"]}) for a in parties))
            keyed.append((m, parties, sides))
    conflict = any(
        _source(a[0]) != _source(b[0]) and not (a[2] & b[2])
        and not _mentions_any(a[0], b[1]) and not _mentions_any(b[0], a[1])
        for i, a in enumerate(keyed) for b in keyed[i + 1:])
    if not conflict:
        return []
    return [{"field": "actors", "sides": _sides((sorted({a.get("name") or a.get("text") for a in p}), m)
                                                for m, p, _ in keyed)}]


def find_disputes(members: list["Member"], day_slack: int = 1, side_of: SideOf | None = None) -> list[dict]:
    """Where the members' sources disagree (see the module doc): denied vs reported, counts of one
    kind that cannot both hold, stated dates beyond the slack, parties of different sides.

    `side_of`: an actor id's affiliation closure (default: the shipped actors knowledge base).
    """
    if len({_source(m) for m in members}) < 2:
        return []
    out: list[dict] = []
    mods = {m.event.modality for m in members}
    if "denied" in mods and mods & POSITIVE_MODALITIES:
        out.append({"field": "modality", "sides": _sides((m.event.modality, m) for m in members)})
    out.extend(_date_disputes(members, day_slack))
    out.extend(_actor_disputes(members, side_of or _default_side_of()))
    out.extend(_quantity_disputes(members))
    return out
