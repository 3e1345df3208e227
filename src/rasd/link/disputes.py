"""Disagreements between the sources of one fused event, kept side by side (EVENTS.md "Across pages").

`find_disputes(members)` returns one entry per disputed field:
`{"field": "modality" | "date" | "actors" | "quantity", "unit": ... (quantity only),
  "sides": [{"value": ..., "sources": [label, ...], "doc_ids": [...]}, ...]}`.
Nothing is resolved: every side and who gave it stays in the record.
"""
from __future__ import annotations

from datetime import date as Date
from typing import TYPE_CHECKING, Any, Iterable

if TYPE_CHECKING:  # fusion imports this module; the type is only needed for annotations
    from rasd.link.fusion import Member

#: Modalities that say the event happened (or someone says so); a denial against any of them is a dispute.
POSITIVE_MODALITIES = frozenset({"asserted", "reported", "claimed", "alleged"})


def source_label(m: "Member") -> str:
    """Who gave a member's version: its attributed sources, else the outlet, else the document id."""
    names = [a.get("name") or a.get("text") for a in m.event.attribution if a.get("name") or a.get("text")]
    if names:
        return "، ".join(dict.fromkeys(names))
    return m.outlet or m.doc_id


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


def _interval(q: dict) -> tuple[float, float] | None:
    v = q.get("value")
    if isinstance(v, (int, float)):
        return float(v), float(v)
    lo, hi = q.get("min"), q.get("max")
    if isinstance(lo, (int, float)) or isinstance(hi, (int, float)):
        lo = float(lo) if isinstance(lo, (int, float)) else float(hi)
        hi = float(hi) if isinstance(hi, (int, float)) else float("inf")
        return lo, hi
    return None


def _quantity_disputes(members: list["Member"]) -> list[dict]:
    by_unit: dict[str, list[tuple[Any, "Member", tuple[float, float]]]] = {}
    for m in members:
        for q in m.event.quantities:
            unit = q.get("unit")
            iv = _interval(q)
            if not unit or iv is None:
                continue
            value = q.get("value") if q.get("value") is not None else {"min": q.get("min"), "max": q.get("max")}
            by_unit.setdefault(unit, []).append((value, m, iv))
    out = []
    for unit, rows in by_unit.items():
        conflict = any(
            a[1].doc_id != b[1].doc_id and (a[2][1] < b[2][0] or b[2][1] < a[2][0])
            for i, a in enumerate(rows) for b in rows[i + 1:]
        )
        if conflict:
            out.append({"field": "quantity", "unit": unit, "sides": _sides((v, m) for v, m, _ in rows)})
    return out


#: Date bases that only repeat the page's date: not a claim about when the event happened.
PAGE_BASES = frozenset({"document", "inferred"})


def _dates_conflict(a: dict, b: dict, day_slack: int) -> bool:
    """Two stated dates that cannot be the same event's: day dates further apart than the slack, or
    values of different precision where one does not contain the other (May vs 3 June)."""
    va, vb = a["value"], b["value"]
    if a.get("precision") == "day" and b.get("precision") == "day":
        try:
            return abs((Date.fromisoformat(va[:10]) - Date.fromisoformat(vb[:10])).days) > day_slack
        except ValueError:
            return va != vb
    return not (va.startswith(vb) or vb.startswith(va))


def _date_disputes(members: list["Member"], day_slack: int) -> list[dict]:
    dated = [(m.event.date, m) for m in members
             if (m.event.date or {}).get("value") and (m.event.date or {}).get("basis") not in PAGE_BASES]
    conflict = any(a[1].doc_id != b[1].doc_id and _dates_conflict(a[0], b[0], day_slack)
                   for i, a in enumerate(dated) for b in dated[i + 1:])
    return [{"field": "date", "sides": _sides((d["value"], m) for d, m in dated)}] if conflict else []


def _actor_ids(m: "Member") -> frozenset[str]:
    return frozenset(a["actor_id"] for a in m.event.actors if a.get("role", "actor") == "actor" and a.get("actor_id"))


def find_disputes(members: list["Member"], day_slack: int = 1) -> list[dict]:
    """Where the members' sources disagree: denied vs reported, counts of one unit that cannot both
    hold, stated dates beyond the matching slack, or different knowledge-base actors doing it.

    Dates that only repeat a page's date (two outlets reporting one night's strike on either side of
    midnight) and actors not resolved against the knowledge base (a phrase taken for an actor) are
    not evidence of a disagreement.
    """
    if len({m.doc_id for m in members}) < 2:
        return []
    out: list[dict] = []
    mods = {m.event.modality for m in members}
    if "denied" in mods and mods & POSITIVE_MODALITIES:
        out.append({"field": "modality", "sides": _sides((m.event.modality, m) for m in members)})
    out.extend(_date_disputes(members, day_slack))
    keyed = [(m, _actor_ids(m)) for m in members]
    keyed = [(m, k) for m, k in keyed if k]
    if any(not (a[1] & b[1]) for i, a in enumerate(keyed) for b in keyed[i + 1:] if a[0].doc_id != b[0].doc_id):
        names = [(sorted({a.get("name") or a.get("text") for a in m.event.actors
                          if a.get("role", "actor") == "actor" and a.get("actor_id")}), m) for m, _ in keyed]
        out.append({"field": "actors", "sides": _sides(names)})
    out.extend(_quantity_disputes(members))
    return out
