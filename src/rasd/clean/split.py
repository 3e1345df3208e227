"""What follows a "read also" marker: a linked headline, a list of them, or a whole other article.

A marker alone on its line followed by a headline and several paragraphs is a second, unrelated
article glued onto the page when the page's own article has visibly ended before the marker
(a tag list, a source or agency credit, an appeal, a related list sits between). Otherwise the
marker introduces one linked headline (or a bullet list of them) and the article goes on.
"""
from __future__ import annotations

from rasd.clean.headline import is_titleish
from rasd.clean.lexicon import Lexicon
from rasd.clean.lines import Line

#: Labels that show the page's own article has ended.
END_SIGNALS = frozenset({"keyword_list", "agency_credit", "source_label", "donation_appeal",
                         "subscription_appeal", "related_articles", "site_boilerplate"})
#: An appended article has at least this many paragraphs after its headline (a linked headline
#: followed by the rest of the main article would otherwise look the same; the seed's appended
#: article has 15).
MIN_APPENDED_PARAGRAPHS = 3
#: Paragraph length that counts toward MIN_APPENDED_PARAGRAPHS (a sentence, not a heading).
PARAGRAPH_MIN_CHARS = 80


def _marker_alone(line: Line, lex: Lexicon) -> bool:
    m = lex.match("read_also", line.key)
    return bool(m) and not line.key[m.end():].strip(" :：-")


def find_appended(lines: list[Line], lex: Lexicon, min_paragraphs: int = MIN_APPENDED_PARAGRAPHS) -> int | None:
    """Index of the headline of an appended article, or None; labels read-also items on the way."""
    for i, line in enumerate(lines):
        if line.label != "read_also" or line.detector != "read_also" or not _marker_alone(line, lex):
            continue
        ended = False
        j = i - 1
        while j >= 0 and lines[j].label is not None:
            ended = ended or lines[j].label in END_SIGNALS
            j -= 1
        k = next((x for x in range(i + 1, len(lines)) if lines[x].label is None), None)
        if k is None:
            continue
        if ended and is_titleish(lines[k]):
            paras = 0
            for ln in lines[k + 1:]:
                if ln.label == "related_articles":
                    break
                if ln.label is None and len(ln.text) >= PARAGRAPH_MIN_CHARS:
                    paras += 1
            if paras >= min_paragraphs:
                return k
        _mark_items(lines, k, lex)
    return None


def _mark_items(lines: list[Line], k: int, lex: Lexicon) -> None:
    """Label the linked headline(s) after a marker: a bullet list, or one title-like line."""
    if lex.bullets.match(lines[k].text):
        while k < len(lines) and lines[k].label is None and lex.bullets.match(lines[k].text):
            lines[k].label, lines[k].detector = "read_also", "read_also_items"
            k += 1
    elif is_titleish(lines[k]):
        lines[k].label, lines[k].detector = "read_also", "read_also_items"
