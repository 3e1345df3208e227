"""What the `rasd` commands print: tables on stdout and the run summary on stderr.

Nothing here reads Rich markup: file names, config keys and page text are data, so `[read]` or
`[/b]` in them is shown as written, and control characters are shown as \\xNN (issues 12, 13).
"""
from __future__ import annotations

import json
import re

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text


def out_console() -> Console:
    """The console for tables on stdout: no markup, no highlighting."""
    return Console(markup=False, highlight=False)


def emit(records: list, as_json: bool, title: str, columns: tuple[str, ...], cells,
         whole: tuple[str, ...] = ("id",), fold: tuple[str, ...] = (), console: Console | None = None) -> None:
    """Print `records` as JSON Lines (`as_json`) or as a table whose row for a record is `cells(record)`.

    The `whole` columns (ids, so they can be copied from the table at any width, and short values
    such as dates) never wrap and never shrink. The `fold` columns (a file's path: cut short, it
    finds nothing) wrap onto more lines. The other columns keep one line per row and end in an
    ellipsis when the terminal is too narrow (`--json` has every value whole) (issue 13 item 11)."""
    if as_json:
        for r in records:
            typer.echo(json.dumps(r, ensure_ascii=False, default=str))
        return
    rows = [[plain(c) for c in cells(r)] for r in records]
    table = Table(title=plain(title))
    for i, col in enumerate(columns):
        if col in whole:
            widest = max([len(col)] + [row[i].cell_len for row in rows])
            table.add_column(col, no_wrap=True, min_width=widest)
        elif col in fold:
            table.add_column(col, overflow="fold")
        else:
            # wrapable for the width calculation (so these columns give way first), but each
            # cell is one line: truncated with an ellipsis, never folded onto the next lines
            table.add_column(col, overflow="ellipsis")
    for row in rows:
        table.add_row(*(cell if columns[i] in whole + fold else one_line(cell) for i, cell in enumerate(row)))
    (console or out_console()).print(table)


def one_line(cell: Text) -> Text:
    """A table cell kept to one line, cut with an ellipsis where its column is too narrow."""
    return Text(" ".join(cell.plain.split("\n")), no_wrap=True, overflow="ellipsis")


CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def plain(value: object) -> Text:
    """A table cell shown as written: no rich markup (`[/b]` in a file name), and control
    characters (ANSI escapes from a file name or a page) shown as \\xNN instead of reaching the
    terminal (issue 12)."""
    return Text(CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", str(value)))


def print_summary(report, console: Console, timings: dict[str, float], wall_s: float,
                    embeddings: str | None = None) -> None:
    """The summary every run ends with: per-stage counts (seen, kept, dropped and quarantined by
    reason), the seconds each stage took and the wall time of the whole command."""
    table = Table(title=plain(f"run {report.run_id}: {report.records} records, {report.documents_written} new "
                               f"documents, {report.skipped_done} already done, {wall_s:.1f} s"))
    for col, justify in (("stage", "left"), ("count", "left"), ("n", "right")):
        table.add_column(col, justify=justify)
    order = {"seen": 0, "kept": 1}
    for stage, counts in report.counters.items():
        counts = counts or {"seen": 0}
        keys = sorted(counts, key=lambda k: (order.get(k, 2 if k.startswith("dropped.") else
                                                        3 if k.startswith("quarantined.") else 4), k))
        for i, k in enumerate(keys):
            table.add_row(plain(stage if i == 0 else ""), plain(k), str(counts[k]))
        table.add_section()
    console.print(table)
    if embeddings is not None:
        console.print(Text(f"link: {embeddings}"))
    console.print(Text(timing_line(timings, wall_s)))
    if report.quarantined:
        console.print(Text("quarantined: " + ", ".join(f"{k}={v}" for k, v in sorted(report.quarantined.items()))
                           + "  (see `rasd quarantine list`)"))


def timing_line(timings: dict[str, float], wall_s: float) -> str:
    """`time: read 0.4 s, clean 2.1 s, ..., link 30.2 s; total 40.5 s (wall)`: every stage the run
    went through, so the parts add up to the whole (issue 13 item 12)."""
    parts = [f"{name} {sec:.1f} s" for name, sec in timings.items()]
    other = wall_s - sum(timings.values())
    if other >= 0.05:   # progress bar, counters, closing the store
        parts.append(f"other {other:.1f} s")
    return "time: " + ", ".join(parts) + f"; total {wall_s:.1f} s (wall)"
