"""Fit check: knowledge-base and lexicon entries that occur in the seeds and in no other real article.

    python bench/fit_check.py [--shared ../shared] [--json] [--all]

Lists every Arabic string in the data files (triggers, cues, knowledge-base aliases, gazetteer
names, cleaning lexicons; each top-level alternative of a regular expression on its own) and every
Arabic string literal in the code, that matches one of the five seed pages and none of the 8,217
other articles in ../shared (the multi-outlet corpus and Al Mayadeen). Such an entry was most
likely written for one seed sentence: rasd must hold on pages it has never seen. An entry that is
general knowledge all the same (a governorate's name, a month) goes into bench/fit_check_allow.yaml
with the reason; the check prints only what is neither removed nor justified, and exits 1 when
that list is not empty.
"""
from __future__ import annotations

import argparse
import ast
import json
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
from rasd.clean.normalize import normalize_key  # noqa: E402

ARABIC = re.compile("[\u0621-\u064a]")
ALLOW = ROOT / "bench" / "fit_check_allow.yaml"
CORPORA = (("data/arabic-conflict-news-multisource/articles.jsonl", ("title", "text")),
           ("data/almayadeen-syria-articles/almayadeen_syria_2023-01_2024-08.jsonl", ("title", "description", "full_text")))


def _structure(p: str):
    """Yield (index, char) for the characters of a regex outside escapes and character classes."""
    i, cls = 0, False
    while i < len(p):
        ch = p[i]
        if ch == "\\":
            i += 2
            continue
        if cls:
            cls = ch != "]"
        elif ch == "[":
            cls = True
        else:
            yield i, ch
        i += 1


def _top_level_bars(p: str) -> list[int]:
    depth, bars = 0, []
    for i, ch in _structure(p):
        depth += (ch == "(") - (ch == ")")
        if ch == "|" and depth == 0:
            bars.append(i)
    return bars


def split_alternatives(pattern: str) -> list[str]:
    """Top-level alternatives of a regex; a group wrapping the whole pattern is opened first."""
    p = pattern.strip()
    while True:
        m = re.fullmatch(r"\((?:\?:)?(.*)\)", p, re.S)
        if not m or _depth_ends_early(p):
            break
        p = m.group(1)
    cuts = [-1] + _top_level_bars(p) + [len(p)]
    parts = [p[a + 1:b] for a, b in zip(cuts, cuts[1:])]
    return [x for x in parts if ARABIC.search(x)]


#: Variants one entry may expand into (alternatives inside groups): enough for the longest cue
#: lists (~40 words), bounded so a pattern of many optional suffix groups stays cheap.
MAX_VARIANTS = 64


def expand_groups(pattern: str) -> list[str]:
    """The pattern with its first group holding several Arabic alternatives replaced by each of
    them in turn, recursively: "(?:مناطق|التواصل و)\\s*$" -> two patterns tested apart."""
    out, todo = [], [pattern]
    while todo and len(out) + len(todo) < MAX_VARIANTS:
        p = todo.pop()
        g = _first_alternation_group(p)
        alts = split_alternatives(g[2]) if g else []
        if len(alts) < 2:
            out.append(p)
            continue
        for a in alts:
            todo.append(p[:g[0]] + "(?:" + a + ")" + p[g[1]:])
    return out + todo


def _first_alternation_group(p: str) -> tuple[int, int, str] | None:
    """(start, end, inner text) of the first parenthesised group with a top-level "|" inside."""
    stack = []
    for i, ch in _structure(p):
        if ch == "(":
            stack.append(i)
        elif ch == ")" and stack:
            start = stack.pop()
            inner = p[start + 1:i]
            inner = inner[2:] if inner.startswith("?:") else inner
            if not inner.startswith("?") and len(split_alternatives(inner)) > 1:
                return start, i + 1, inner
    return None


def _depth_ends_early(p: str) -> bool:
    """Whether the opening parenthesis closes before the end ("(a)|(b)" is not one group)."""
    depth = 0
    for i, ch in _structure(p):
        depth += (ch == "(") - (ch == ")")
        if ch == ")" and depth == 0 and i != len(p) - 1:
            return True
    return False


def data_entries() -> list[tuple[str, str]]:
    out = []
    for f in sorted((ROOT / "src/rasd/data").rglob("*.yaml")):
        rel = str(f.relative_to(ROOT))

        def walk(v):
            if isinstance(v, dict):
                for k, x in v.items():
                    if isinstance(k, str) and ARABIC.search(k):
                        out.append((rel, k))
                    walk(x)
            elif isinstance(v, list):
                for x in v:
                    walk(x)
            elif isinstance(v, str) and ARABIC.search(v):
                out.append((rel, v))
        walk(yaml.safe_load(f.read_text(encoding="utf-8")))
    return out


def code_entries() -> list[tuple[str, str]]:
    out = []
    for f in sorted((ROOT / "src/rasd").rglob("*.py")):
        tree = ast.parse(f.read_text(encoding="utf-8"))
        docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                      if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
                      and n.body and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
        for n in ast.walk(tree):
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and ARABIC.search(n.value) \
                    and id(n) not in docstrings:
                out.append((str(f.relative_to(ROOT)), n.value))
    return out


def compile_entry(s: str) -> re.Pattern:
    # context-window cues are anchored to their window ("...\\s*$"): anywhere in a text counts here
    key = re.sub(r"^\^|(?<!\\)\$$", "", normalize_key(s))
    try:
        return re.compile(key)
    except re.error:
        return re.compile(re.escape(key))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--all", action="store_true", help="also list entries justified in the allow file")
    a = ap.parse_args()
    shared = Path(a.shared)
    if not (shared / "seeds").is_dir():
        print(f"skip: no seeds at {shared / 'seeds'}")
        return 0
    seeds = [normalize_key(p.read_text(encoding="utf-8", errors="replace")) for p in sorted((shared / "seeds").iterdir())]
    others = []
    for rel, fields in CORPORA:
        path = shared / rel
        if not path.exists():
            print(f"skip: {path} absent")
            return 0
        for line in path.open(encoding="utf-8"):
            rec = json.loads(line)
            others.append(normalize_key("\n".join(str(rec.get(k) or "") for k in fields)))
    other_blob = "\n\n".join(others)
    entries = []
    for where, s in data_entries() + code_entries():
        for alt in split_alternatives(s) or [s]:
            for variant in expand_groups(alt):
                entries.append((where, s, variant))
    allow = yaml.safe_load(ALLOW.read_text(encoding="utf-8")) if ALLOW.exists() else {}
    allow = allow or {}
    flagged, seen = [], set()
    for where, whole, alt in entries:
        if (where, alt) in seen:
            continue
        seen.add((where, alt))
        rx = compile_entry(alt)
        hits = [i for i, t in enumerate(seeds) if rx.search(t)]
        if not hits or rx.search(other_blob):
            continue
        reason = allow.get(normalize_key(alt))
        if reason and not a.all:
            continue
        flagged.append({"where": where, "entry": alt, "in": whole if whole != alt else None,
                        "seeds": hits, "allowed": reason})
    if a.json:
        print(json.dumps(flagged, ensure_ascii=False))
    else:
        print(f"{len(entries)} entries checked ({len(seen)} distinct); {len(flagged)} occur in the seeds only"
              + ("" if a.all else " and are not justified in bench/fit_check_allow.yaml"))
        for f in flagged:
            extra = f" (alternative of {f['in'][:60]!r})" if f["in"] else ""
            why = f"  [allowed: {f['allowed']}]" if f["allowed"] else ""
            print(f"  {f['where']}: {f['entry']!r}{extra} seeds {f['seeds']}{why}")
    return 1 if any(not f["allowed"] for f in flagged) else 0


if __name__ == "__main__":
    sys.exit(main())
