"""The linking stage: near duplicates, stories and fused events for a batch of new documents.

`Linker` holds the three incremental indexes in memory. A run restores what the store already
decided (signatures, canonical documents, story memberships, fused clusters), then `link(docs)`
decides only for the new documents and returns what to write. Nothing already decided is
re-decided, so running twice changes nothing and ids stay stable. The stage does no I/O: the store
side lives in `rasd.store.links`.
"""
from __future__ import annotations

from array import array
from collections import deque
from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Iterator, Sequence

from rasd.document import Document, Event
from rasd.link.dedup import DedupOptions, NearDuplicateIndex, signature, signature_bytes, signature_from_bytes
from rasd.link.fusion import FusionIndex, FusionOptions, Member, fuse
from rasd.link.plan import LinkPlanner, NearDecision
from rasd.link.signals import OpinionOptions, is_opinion
from rasd.link.stories import Embed, StoryIndex, StoryOptions, doc_features, page_day, story_text
from rasd.stage import StageCounters


#: The story-feature marker of an opinion/analysis page (zero weight in story matching).
OPINION = "k:opinion"


@dataclass(frozen=True, slots=True)
class LinkOptions:
    """Linking settings: one `Options` per part."""

    dedup: DedupOptions = DedupOptions()
    stories: StoryOptions = StoryOptions()
    fusion: FusionOptions = FusionOptions()
    opinion: OpinionOptions = OpinionOptions()
    # Texts shorter than this are not near-duplicate checked: two one-line bulletins share most of
    # their 5-grams by construction (exact duplicates are still found by the store's hash).
    near_min_chars: int = 200
    # Documents linked per saved batch (`Linker.link_batches`): a kill loses at most one batch.
    # 256 is four embedding calls (a multiple of rasd.link.embed.BATCH, so a resumed run embeds in
    # the same groups as an uninterrupted one), and the per-batch rewrite of touched stories and
    # fused records left linking the 796 Al Mayadeen articles as fast as one transaction did
    # (11.5-12.0 s CPU against 11.4-12.6 s, docs/reliability.md).
    batch_docs: int = 256


@dataclass
class LinkResult:
    """What one `link` call decided, ready for the store."""

    signatures: list[tuple[str, bytes]] = field(default_factory=list)
    duplicates: list[dict] = field(default_factory=list)      # doc_id, canonical_id, jaccard, kind
    documents: list[dict] = field(default_factory=list)       # doc_id, story_id, score, matched_doc_id, role, features, published
    members: list[dict] = field(default_factory=list)         # event_id, fused_id, doc_id, event, published, outlet, story_id, duplicate_of
    fused: dict[str, Event] = field(default_factory=dict)     # fused id -> fused event (every touched cluster)
    counters: dict = field(default_factory=dict)

    def absorb(self, part: "LinkResult") -> None:
        """Add one batch's decisions (its counters are the running totals: the latest wins)."""
        self.signatures += part.signatures
        self.duplicates += part.duplicates
        self.documents += part.documents
        self.members += part.members
        self.fused.update(part.fused)
        self.counters = part.counters


def _order(doc: Document) -> tuple:
    """Documents are linked oldest first (undated last), so a canonical is the earlier copy."""
    return (doc.published or "9999-99-99", doc.id)


@dataclass
class _Pending:
    """A batch decided up to fusion, whose fusion a planner is running."""

    result: LinkResult
    members: list[tuple[Document, Member]]
    refresh: list[str]
    ticket: Any
    docs: list[Document] = field(default_factory=list)


class Linker:
    """Incremental linking over the documents of a store; `embed` is an optional sentence encoder;
    `planner` decides near duplicates and event fusion elsewhere (rasd.link.plan; None: here)."""

    def __init__(self, options: LinkOptions = LinkOptions(), embed: Embed | None = None,
                 planner: LinkPlanner | None = None):
        self.options = options
        self.embed = embed
        self.planner = planner
        self._near_plan: dict[str, NearDecision] | None = None
        self._fusion_started = False   # the planner holds this linker's fusion index (one run)
        self.near = NearDuplicateIndex(options.dedup)
        self.stories = StoryIndex(options.stories)
        self.fusion = FusionIndex(options.fusion)
        self._canonical: dict[str, str] = {}
        # documents primed, not linked yet (their features are computed again when linked: kept,
        # they held ~6 KB a document until then, 600 MB for 100,000 pages)
        self._primed: set[str] = set()
        self.counters = StageCounters("link")

    # -- restoring what the store already decided --------------------------------------------

    def restore_signatures(self, rows: Iterable[tuple[str, bytes]]) -> int:
        """Index stored signatures (loaded once per run, never recomputed)."""
        return self.near.load(rows)

    def restore_duplicates(self, rows: Iterable[tuple[str, str]]) -> None:
        """Known (doc_id, canonical id) links."""
        self._canonical.update(rows)

    def restore_story(self, doc_id: str, story_id: str, features: dict[str, float], published: str | None,
                      vector: Sequence[float] | None = None) -> None:
        """A stored story membership (with its title-and-lead vector when one was stored)."""
        self.stories.restore(doc_id, story_id, features, published, vector)

    def restore_cluster(self, fused_id: str, members: Sequence[Member]) -> None:
        """A stored fused event's members, in joining order."""
        self.fusion.restore(fused_id, members)

    def start_at(self, published: str | None, keep: Iterable[str] = ()) -> None:
        """Before restoring, when every document to link is dated: they are published on or after
        `published`, so stored pages and fused events none of them can reach are restored as counts
        only or not at all, and what falls behind is forgotten as linking goes on
        (`StoryIndex.forget_before`, `FusionIndex.forget_before`). None: some are undated (an
        undated page is compared with every page, and its events with every fused event), so
        everything is restored and kept, as before. `keep`: fused events restored whatever their
        age (those to recompute)."""
        day = page_day(published)
        if self.stories.forgotten_before(None if day is None else day - self.options.stories.window_days) or \
                self.fusion.forgotten_before(None if day is None else day - self.options.fusion.reach_days):
            raise ValueError(f"this linker has forgotten pages that documents published {published or 'undated'} "
                             "can reach: link them with a new Linker (restored from the store)")
        self.fusion.keep(keep)
        # forget only when every page to link is dated (off otherwise, and by default: `link` and
        # `link_ordered` alone cannot know what comes later); the fusion index's flag says it for
        # this linker and for a planner's actors
        self.fusion.forgetting = day is not None
        if day is not None:
            self._forget(day)

    def _forget(self, day: int) -> None:
        """Forget what no page published on `day` or later can reach (pages come in link order)."""
        self.stories.forget_before(day - self.options.stories.window_days)
        self.fusion.forget_before(day - self.options.fusion.reach_days)

    def _forget_behind(self, batch: list[Document]) -> None:
        """After a batch (its fused records made): forget what lies behind its last dated page."""
        if not self.fusion.forgetting:
            return
        day = next((d for d in (page_day(doc.published) for doc in reversed(batch)) if d is not None), None)
        if day is not None:
            self._forget(day)

    # -- deciding for new documents ---------------------------------------------------------------

    def _dedup(self, doc: Document, result: LinkResult) -> str | None:
        if doc.id in self.near:
            return self._canonical.get(doc.id)
        sig = None
        # decided by the planner when it was given the document (prime): the same signature and answer
        planned = self._near_plan.pop(doc.id, None) if self._near_plan is not None else None
        if len(doc.text) >= self.options.near_min_chars:
            sig = signature(doc.text, self.options.dedup) if planned is None else \
                signature_from_bytes(planned[0], self.options.dedup)
            result.signatures.append((doc.id, signature_bytes(sig)))
        canonical, jaccard, kind = doc.duplicate_of, 1.0, "exact"
        if sig is not None and canonical is not None:
            self.near.add(doc.id, sig)  # an exact copy is indexed too: later edits of it still match
        elif sig is not None:
            if planned is None:
                hit = self.near.check(doc.id, sig)
            else:
                hit = planned[1]
                self.near.add(doc.id, sig)  # indexed as `check` does, for documents no plan covers
            if hit is not None:
                canonical, jaccard, kind = hit[0], hit[1], "near"
        if canonical is None:
            return None
        canonical = self._canonical.get(canonical, canonical)  # point at the root, never at a copy
        if canonical == doc.id:  # its copies were linked first (same date, smaller id): it is the root
            return None
        self._canonical[doc.id] = canonical
        result.duplicates.append({"doc_id": doc.id, "canonical_id": canonical, "jaccard": round(jaccard, 4),
                                  "kind": kind})
        self.counters.add(f"duplicates.{kind}")
        return canonical

    def link(self, docs: Iterable[Document], refresh: Iterable[str] = ()) -> LinkResult:
        """Link new documents: duplicates, stories, fused events. Documents already linked are skipped.

        `refresh`: fused ids whose record must be recomputed even when no new member joins them
        (clusters that lost the members of a relinked document).
        """
        result = LinkResult()
        for part in self.link_batches(docs, refresh, batch_docs=0):
            result.absorb(part)
        result.counters = result.counters or self.counters.as_dict()
        return result

    def link_batches(self, docs: Iterable[Document], refresh: Iterable[str] = (),
                     batch_docs: int | None = None) -> Iterator[LinkResult]:
        """Link new documents like `link`, yielding one `LinkResult` per `batch_docs` documents.

        Each result is whole on its own (the fused records of every cluster it touched, as they
        stand after its documents), so a store that saves each in one transaction can be killed
        between any two and a later run continues where it stopped: restoring the saved batches
        gives the same indexes as having linked them in this run, because every decision reads
        only what earlier documents left (kept in the store) and the document frequencies of all
        documents to link (primed here up front, and again by the later run). `batch_docs` 0:
        one result for everything; None: `options.batch_docs`. Holds every document at once: a
        store streams them through `prime` and `link_ordered` instead.
        """
        batch = sorted((d for d in docs if d.id not in self.stories), key=_order)
        self.prime(batch)
        yield from self.link_ordered(batch, refresh, batch_docs)

    def prime(self, docs: Iterable[Document]) -> int:
        """Compute the story features of documents about to be linked and count them in the
        document frequencies (IDF over the whole store, before any is linked); returns how many.

        Only the features are kept (until each document is linked), so a store can stream its
        documents here and again, in link order, through `link_ordered`.
        """
        n = 0
        for d in docs:
            if d.id in self.stories or d.id in self._primed:
                continue
            self._prime_one(d, self._features(d))
            n += 1
        return n

    def _prime_one(self, d: Document, feats: dict[str, float]) -> None:
        self._primed.add(d.id)
        self.stories.prime([(d.id, feats)])
        # (a page primed while linking, not before, is checked here: its plan is made already)
        if self.planner is not None and self._near_plan is None and d.id not in self.near \
                and len(d.text) >= self.options.near_min_chars:
            self.planner.add_text(d.id, d.text, _order(d), d.duplicate_of is None, self.options.dedup)

    def _features(self, d: Document) -> dict[str, float]:
        """A page's story features (the same whenever computed: they depend on the page alone)."""
        feats = doc_features(d, self.options.stories)
        if is_opinion(d, self.options.opinion):
            feats[OPINION] = 1.0  # stored with the features, so a restore knows it
        return feats

    def link_ordered(self, docs: Iterable[Document], refresh: Iterable[str] = (),
                     batch_docs: int | None = None) -> Iterator[LinkResult]:
        """`link_batches` for documents that come in link order (oldest first, undated last, then
        by id) and were primed (`prime`): only one batch of documents is held at a time.

        A document out of order raises ValueError (it would be decided against the wrong earlier
        documents); one not primed is primed when it comes (its frequencies then count late).
        """
        size = self.options.batch_docs if batch_docs is None else batch_docs
        refresh = [fid for fid in refresh if fid in self.fusion.clusters]
        if self.planner is not None:
            yield from self._link_planned(docs, refresh, size)
            return
        for chunk, again, vectors in self._with_vectors(self._batches(docs, refresh, size)):
            yield self._link_sorted(chunk, again, vectors)

    def _batches(self, docs: Iterable[Document], refresh: list[str],
                 size: int | None) -> Iterator[tuple[list[Document], list[str]]]:
        """The documents not linked yet, in batches of `size` (all in one when `size` is 0 or None),
        each with the fused events to refresh (`refresh`, with the first batch only). Always at
        least one batch, empty when there is nothing to link, so the refresh is done. A document
        out of link order raises ValueError."""
        chunk: list[Document] = []
        last, first = None, True
        for d in docs:
            if d.id in self.stories:
                continue
            key = _order(d)
            if last is not None and key < last:
                raise ValueError(f"document {d.id} comes out of link order")
            last = key
            chunk.append(d)
            if size and size > 0 and len(chunk) == size:
                yield chunk, (refresh if first else [])
                chunk, first = [], False
        if chunk or first:
            yield chunk, (refresh if first else [])

    def _with_vectors(self, batches: Iterable[tuple[list[Document], list[str]]]
                      ) -> Iterator[tuple[list[Document], list[str], list]]:
        """Each batch with its documents' sentence vectors (None each without an encoder).

        With an encoder, the next batch's vectors are computed while this batch is linked and
        saved: in the encoder's own process where it offers one (`UseEmbedder.submit`), else in a
        thread. The vectors do not depend on when or where they are computed, so the links are
        the same. An error met while reading ahead (a document out of order) is raised after the
        batch before it, as without reading ahead."""
        if self.embed is None:
            for chunk, again in batches:
                yield chunk, again, [None] * len(chunk)
            return
        from concurrent.futures import ThreadPoolExecutor

        submit = getattr(self.embed, "submit", None)
        ahead = max(1, getattr(self.embed, "processes", 1)) if submit is not None else 1
        pending: deque = deque()
        with ThreadPoolExecutor(1, thread_name_prefix="rasd-embed") as threads:
            it = iter(batches)
            while True:
                try:
                    chunk, again = next(it)
                except StopIteration:
                    break
                except Exception:
                    while pending:
                        yield self._vectors_of(*pending.popleft())
                    raise
                texts = [story_text(d) for d in chunk]
                job = None
                if texts:
                    job = submit(texts) if submit is not None else threads.submit(self._encode, texts)
                pending.append((chunk, again, texts, job, submit is not None))
                while len(pending) > ahead:
                    yield self._vectors_of(*pending.popleft())
            while pending:
                yield self._vectors_of(*pending.popleft())

    def _vectors_of(self, chunk: list[Document], again: list[str], texts: list[str], job,
                    in_child: bool) -> tuple[list[Document], list[str], list]:
        if job is None:
            return chunk, again, []
        self.counters.add("embedded", len(chunk))
        try:
            return chunk, again, job.result()
        except Exception:
            if not in_child:
                raise
            # the encoder's process died (killed, out of memory): encode here; a real error in
            # the encoder is raised again here
            return chunk, again, self._encode(texts)

    def _encode(self, texts: list[str]) -> list:
        # float32, as stored (link_vectors): a later run restores exactly what this one decided with
        return [array("f", v) for v in self.embed(texts)]

    def _place(self, doc: Document, vec, result: LinkResult) -> list[Member]:
        """Decide a document's duplicate and story (recorded in `result`); its events as members."""
        canonical = self._dedup(doc, result)
        feats = self._features(doc)   # computed once here (a primed page keeps only its id)
        if doc.id not in self._primed and doc.id not in self.stories:
            self._prime_one(doc, feats)
        self._primed.discard(doc.id)
        if OPINION in feats:
            self.counters.add("opinion_pages")
        if canonical is not None and self.stories.story_of(canonical):
            story, score, matched, role = self.stories.story_of(canonical), 1.0, canonical, "duplicate"
            related = frozenset({canonical})
            self.stories.join(doc.id, story, feats, doc.published, vec)
        else:
            story, score, matched, related = self.stories.add(doc.id, feats, doc.published, vec)
            role = "member"
        result.documents.append({"doc_id": doc.id, "story_id": story, "score": round(score, 4),
                                 "matched_doc_id": matched, "role": role, "features": dict(sorted(feats.items())),
                                 "published": doc.published, "title": doc.title, "vector": vec})
        return [Member(event=ev, published=doc.published, outlet=doc.outlet, story_id=story,
                       duplicate_of=canonical, related=related, opinion=OPINION in feats) for ev in doc.events]

    @staticmethod
    def _member_row(doc: Document, m: Member, fused_id: str) -> dict:
        return {"event_id": m.event.id, "fused_id": fused_id, "doc_id": doc.id, "event": m.event,
                "published": doc.published, "outlet": doc.outlet, "story_id": m.story_id,
                "duplicate_of": m.duplicate_of}

    def _link_sorted(self, batch: list[Document], refresh: Iterable[str], vectors: list) -> LinkResult:
        """Link documents already sorted and primed (with their vectors); the fused records of what
        they touched."""
        result = LinkResult()
        touched: dict[str, None] = dict.fromkeys(refresh)
        for doc, vec in zip(batch, vectors):
            self.counters.seen()
            for m in self._place(doc, vec, result):
                fused_id, joined = self.fusion.add(m)
                if joined:
                    self.counters.add("events.joined")
                touched[fused_id] = None
                result.members.append(self._member_row(doc, m, fused_id))
            self.counters.kept()
        for fid in touched:
            if self.fusion.clusters[fid].members:
                result.fused[fid] = fuse(self.fusion.clusters[fid])
        result.counters = self.counters.as_dict()
        self._forget_behind(batch)
        return result

    # -- with a planner: near duplicates decided up front, fusion beside the next batch's stories ----

    def _link_planned(self, docs: Iterable[Document], refresh: list[str], size: int | None) -> Iterator[LinkResult]:
        """`link_ordered`'s loop with the planner: the same batches and results. Each batch's
        members go to the planner, which fuses them while this linker decides the next batch."""
        planner = self.planner
        assert planner is not None
        self._near_plan = planner.near_duplicates(self.near.signatures(), self.options.dedup)
        self._fusion_started = False
        pending: _Pending | None = None
        try:
            for chunk, again, vectors in self._with_vectors(self._batches(docs, refresh, size)):
                decided = self._submit(chunk, again, vectors)
                if pending is not None:
                    yield self._finish(pending)
                pending = decided
            if pending is not None:
                yield self._finish(pending)
        finally:
            self._near_plan = None
            planner.close()

    def _submit(self, batch: list[Document], again: list[str], vectors: list) -> _Pending:
        """Decide a batch's duplicates and stories here and send its members to the planner to fuse."""
        assert self.planner is not None
        result = LinkResult()
        members: list[tuple[Document, Member]] = []
        for doc, vec in zip(batch, vectors):
            self.counters.seen()
            members += [(doc, m) for m in self._place(doc, vec, result)]
            self.counters.kept()
        result.counters = self.counters.as_dict()   # events.joined: set when the fusion comes back
        ticket = None
        if members:
            if not self._fusion_started:
                self.planner.start_fusion(self.fusion, self.options.fusion)
                self._fusion_started = True
            ticket = self.planner.submit_fusion([m for _, m in members], again)
        return _Pending(result, members, list(again), ticket, batch)

    def _finish(self, p: _Pending) -> LinkResult:
        """A planned batch's result, once its fusion has come back: what `_link_sorted` returns."""
        result = p.result
        touched: dict[str, None] = dict.fromkeys(p.refresh)
        fused: dict[str, Event] = {}
        if p.ticket is not None:
            answers, fused = self.planner.collect_fusion(p.ticket)
            for (doc, m), (fused_id, joined) in zip(p.members, answers, strict=True):
                if joined:
                    self.counters.add("events.joined")
                touched[fused_id] = None
                result.members.append(self._member_row(doc, m, fused_id))
                # this linker's index follows (a later `link` call, or a planner, starts from it)
                self.fusion.restore(fused_id, [replace(m, related=frozenset()) if m.related else m])
        for fid in touched:
            if fid in fused:
                result.fused[fid] = fused[fid]
            elif p.ticket is None and self.fusion.clusters[fid].members:
                result.fused[fid] = fuse(self.fusion.clusters[fid])   # only clusters to recompute
        joined = self.counters.counts.get("events.joined", 0)
        if joined:   # the running total after this batch, as `_link_sorted` reports it
            result.counters = dict(sorted({**result.counters, "events.joined": joined}.items()))
        self._forget_behind(p.docs)
        return result


def member_from_row(event: Event, published: str | None, outlet: str | None, story_id: str | None,
                    duplicate_of: str | None, opinion: bool = False) -> Member:
    """Rebuild a stored fused-event member (`opinion`: its page carries the opinion marker)."""
    return Member(event=event, published=published, outlet=outlet, story_id=story_id, duplicate_of=duplicate_of,
                  opinion=bool(opinion))


__all__ = ["LinkOptions", "LinkResult", "Linker", "OPINION", "member_from_row"]
