"""Plain-text rendering of an evaluation report (`rasd eval` without --json)."""
from __future__ import annotations

from typing import Any

FIELDS = ("date_accuracy", "attribution_accuracy", "quantity_accuracy", "modality_accuracy", "actor_accuracy")


def _f(v: Any) -> str:
    if v is None:
        return "—"
    return f"{v:.3f}" if isinstance(v, float) else str(v)


def format_report(name: str, rep: dict[str, Any], errors: int = 0) -> str:
    """The report as aligned text: headline, fields, per outlet, per type, error causes, confusion."""
    h = rep["headline"]
    out = [f"== events on {name}: {rep.get('pages', '?')} pages",
           f"  recall {_f(h['recall'])}  precision {_f(h['precision'])}  F1 {_f(h['f1'])}"
           f"  (gold required {h['gold_required']}, system events {h['system_events']})",
           "  on matched events: " + "  ".join(f"{k.replace('_accuracy', '')} {_f(h.get(k))}" for k in FIELDS)
           + f"  place {_f(rep['place_accuracy'])} (of {rep['place_pairs']} type+sentence pairs)"
           + (f", within 10 km {_f(rep['place_within_10km'])} (of {rep['place_geocoded_pairs']} with gold coordinates)"
              if rep.get("place_geocoded_pairs") else "")]
    out.append("  per outlet:            recall  precision  F1      gold  system")
    for o, s in rep["per_outlet"].items():
        out.append(f"    {o:20} {_f(s['recall']):>7}  {_f(s['precision']):>9}  {_f(s['f1']):>6}  {s['gold_required']:>4}  {s['system_events']:>6}")
    out.append("  per type:              recall  precision  F1      gold  system")
    for t, s in rep["per_type"].items():
        out.append(f"    {t:20} {_f(s['recall']):>7}  {_f(s['precision']):>9}  {_f(s['f1']):>6}  {s['gold_required']:>4}  {s['system']:>6}")
    out.append("  missed (required gold events) by cause: "
               + ", ".join(f"{k} {v}" for k, v in rep["missed_by_cause"].items()))
    out.append("  spurious (system events matching no gold) by cause: "
               + ", ".join(f"{k} {v}" for k, v in rep["spurious_by_cause"].items()))
    cols = sorted({c for row in rep["confusion"].values() for c in row})
    if cols:
        out.append("  type confusion (rows gold, columns system; sentence-aligned; (none) = nothing there):")
        short = {c: c[:9] for c in cols}
        out.append("    " + " " * 20 + " ".join(f"{short[c]:>9}" for c in cols))
        for g, row in rep["confusion"].items():
            out.append(f"    {g:20}" + " ".join(f"{row.get(c, 0) or '.':>9}" for c in cols))
    if errors:
        out.append(f"  first {errors} missed:")
        out += [f"    {m['cause']:12} {m['type']:20} {m['doc']}" for m in rep["missed"][:errors]]
        out.append(f"  first {errors} spurious:")
        out += [f"    {s['cause']:12} {s['type']:20} {s['mention'][:90]}" for s in rep["spurious"][:errors]]
    return "\n".join(out)
