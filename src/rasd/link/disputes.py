"""Disagreements between the sources of one fused event, kept side by side (EVENTS.md "Across pages").

`find_disputes(members)` returns one entry per disputed field:
`{"field": "modality" | "date" | "actors" | "quantity", "unit": ... (quantity only),
  "sides": [{"value": ..., "sources": [label, ...], "doc_ids": [...]}, ...]}`.
Nothing is resolved: every side and who gave it stays in the record.
"""
from __future__ import annotations

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


def find_disputes(members: list["Member"]) -> list[dict]:
    """Where the members' sources disagree: denied vs reported, different counts, dates or actors."""
    if len({m.doc_id for m in members}) < 2:
        return []
    out: list[dict] = []
    mods = {m.event.modality for m in members}
    if "denied" in mods and mods & POSITIVE_MODALITIES:
        out.append({"field": "modality", "sides": _sides((m.event.modality, m) for m in members)})
    dates = [((m.event.date or {}).get("value"), m) for m in members if (m.event.date or {}).get("precision") == "day"]
    if len({v for v, _ in dates}) > 1:
        out.append({"field": "date", "sides": _sides(dates)})
    from rasd.link.fusion import actor_keys

    keyed = [(m, actor_keys(m.event)) for m in members]
    keyed = [(m, k) for m, k in keyed if k]
    if any(not (a[1] & b[1]) for i, a in enumerate(keyed) for b in keyed[i + 1:] if a[0].doc_id != b[0].doc_id):
        names = [(sorted({a.get("name") or a.get("text") for a in m.event.actors if a.get("role", "actor") == "actor"}), m)
                 for m, _ in keyed]
        out.append({"field": "actors", "sides": _sides(names)})
    out.extend(_quantity_disputes(members))
    return out
