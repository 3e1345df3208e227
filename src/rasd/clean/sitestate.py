"""What cleaning learns across pages, learnt before the run, kept, and merged (issue 11 item 3).

Two things on one page depend on its site's other pages: the site's boilerplate lines (a
template line recurs on most of its articles) and the outlet a page naming none takes from its
host (the name its other pages spell). Learning them while documents stream made a page's result
depend on which pages came before it. Instead a pre-pass reduces each page to `PageFacts`, a pure
function of that page alone; the `SiteState` is the set of those facts, keyed by page, and every
decision (`boilerplate`, `outlets`) is computed from the whole set at once, in page-key order.
So:

* merging is a union: `learn(A).merge(learn(B)) == learn(A | B)`, whatever the split, and a page
  learnt twice counts once;
* cleaning a document reads only the document and the frozen decisions, so any partition or
  order of the input gives the same cleaned documents.

The store keeps the facts (table `site_pages`, rows tagged with `STATE_VERSION`; rows of another
version are ignored), so a later run extends them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping

from rasd.clean.boilerplate import SITE_MIN_DOCS, SITE_MIN_SHARE, learn_site_fingerprints, page_fingerprints
from rasd.clean.lexicon import Lexicon
from rasd.clean.outlet import spells_domain, url_host
from rasd.clean.pipeline import CleanOptions, _cached_lexicon, clean_document, site_of
from rasd.document import Document

#: Version of the facts' format; bumped when `page_facts` changes what it records.
STATE_VERSION = 1


@dataclass(frozen=True, slots=True)
class PageFacts:
    """What the pre-pass keeps of one page: enough to recompute every decision after a merge.

    `page` is the page's identity (its part-0 document id: source and raw content), the key of
    the union; `outlet` is the outlet the page names when that name spells its URL host.
    """

    page: str
    site: str
    host: str
    lines: frozenset[int]
    outlet: str | None = None

    def to_row(self) -> dict:
        """The store's row (`lines` sorted, as a JSON-ready list)."""
        return {"page": self.page, "site": self.site, "host": self.host, "outlet": self.outlet,
                "lines": sorted(self.lines), "version": STATE_VERSION}

    @classmethod
    def from_row(cls, row: Mapping) -> "PageFacts":
        return cls(page=row["page"], site=row["site"], host=row["host"], lines=frozenset(row["lines"]),
                   outlet=row.get("outlet"))


def page_facts(doc: Document, options: CleanOptions = CleanOptions(), lexicon: Lexicon | None = None) -> PageFacts:
    """The facts of one page, from the page alone.

    The outlet is the one `clean_document` picks with no learnt state, kept when it spells the
    page's host (what a page of the same host naming no outlet may borrow).
    """
    lex = lexicon or _cached_lexicon(tuple(options.lexicon_dirs))
    host = url_host(doc.origin.url or doc.meta.get("url"))
    outlet = None
    if host:
        named = clean_document(doc, options, lex)[0].outlet
        if named and spells_domain(named, host):
            outlet = named
    return PageFacts(page=doc.id, site=site_of(doc), host=host, lines=page_fingerprints(doc.text), outlet=outlet)


@dataclass(frozen=True)
class SiteState:
    """The pre-pass's facts, keyed by page; decisions are computed from all of them at once."""

    pages: Mapping[str, PageFacts] = field(default_factory=dict)
    min_docs: int = SITE_MIN_DOCS
    min_share: float = SITE_MIN_SHARE

    @classmethod
    def learn(cls, facts: Iterable[PageFacts], **kw) -> "SiteState":
        """The state of these pages' facts (a page given twice counts once: the first is kept)."""
        pages: dict[str, PageFacts] = {}
        for f in facts:
            pages.setdefault(f.page, f)
        return cls(pages, **kw)

    def merge(self, other: "SiteState") -> "SiteState":
        """The union of two states: the same as learning on both inputs together."""
        return SiteState({**other.pages, **self.pages}, self.min_docs, self.min_share)

    def __len__(self) -> int:
        return len(self.pages)

    def _ordered(self) -> list[PageFacts]:
        return [self.pages[k] for k in sorted(self.pages)]

    def boilerplate(self) -> dict[str, frozenset[int]]:
        """Per site, the fingerprints of its learnt boilerplate lines (`learn_site_fingerprints`)."""
        return learn_site_fingerprints(((f.site, f.lines) for f in self._ordered()), self.min_docs, self.min_share)

    def outlets(self) -> dict[str, str]:
        """URL host -> the outlet its pages spell most often (ties: the first name in sorted order)."""
        counts: dict[str, dict[str, int]] = {}
        for f in self.pages.values():
            if f.host and f.outlet:
                per = counts.setdefault(f.host, {})
                per[f.outlet] = per.get(f.outlet, 0) + 1
        return {host: min(per, key=lambda n: (-per[n], n)) for host, per in sorted(counts.items())}

    def summary(self) -> dict:
        """What the run records about the state: pages, learnt lines per site, learnt hosts."""
        bp = self.boilerplate()
        return {"version": STATE_VERSION, "pages": len(self.pages),
                "boilerplate_lines": {k: len(v) for k, v in sorted(bp.items())},
                "outlet_hosts": len(self.outlets())}
