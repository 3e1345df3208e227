"""The parts of linking a `Linker` can hand to a planner that runs them elsewhere (issue 11 item 4).

Without a planner the Linker decides everything itself, document by document (the local path).
A planner (`rasd.engine.ray_link.RayLinkPlanner`) takes two parts off it and must give back
exactly what the Linker would have decided:

- Near duplicates. While the Linker primes a run's documents it hands the planner the text of
  each one it will sign (`add_text`); before linking the first one it asks for every decision at
  once (`near_duplicates`), given the signatures it indexed before (stored or linked earlier).
  A decision is what `NearDuplicateIndex.check` answers for the document when the documents
  before it in link order are indexed: the best earlier one at the Jaccard threshold, or None.
- Event fusion. For each batch of documents the Linker sends the new members, in order, with
  the fused ids to recompute (`submit_fusion`, which must not wait), decides the next batch's
  stories meanwhile, then takes the answer (`collect_fusion`): for each member, its fused id and
  whether it joined an existing cluster; and the fused record of every cluster touched (as
  `fuse` gives it after the batch). Before its first batch the planner receives the clusters the
  Linker restored (`start_fusion`).

The stories stay with the Linker: each document's story depends on every earlier one.
"""
from __future__ import annotations

from typing import Any, Iterable, Protocol, Sequence

from rasd.document import Event
from rasd.link.dedup import DedupOptions
from rasd.link.fusion import FusionIndex, FusionOptions, Member

#: A near-duplicate decision: the document's signature bytes and (canonical id, estimated Jaccard)
#: of its best earlier near duplicate, or None.
NearDecision = tuple[bytes, "tuple[str, float] | None"]


class LinkPlanner(Protocol):
    """Near duplicates and event fusion decided elsewhere, exactly as the Linker decides them."""

    def add_text(self, doc_id: str, text: str, key: tuple, checked: bool, options: DedupOptions) -> None:
        """A document the Linker will sign: `key` its link order, `checked` False for an exact copy
        (indexed, so later pages can match it, but not checked itself)."""

    def near_duplicates(self, known: Iterable[tuple[str, bytes]], options: DedupOptions) -> dict[str, NearDecision]:
        """The decision for every document added since the last call; `known`: the signatures
        indexed before all of them."""

    def start_fusion(self, index: FusionIndex, options: FusionOptions) -> None:
        """The clusters decided before this run's first batch."""

    def submit_fusion(self, members: Sequence[Member], refresh: Sequence[str]) -> Any:
        """Start fusing a batch's members (in link order); returns what `collect_fusion` takes."""

    def collect_fusion(self, ticket: Any) -> tuple[list[tuple[str, bool]], dict[str, Event]]:
        """For each member of the batch (fused id, joined an existing cluster), and the fused
        records of the clusters the batch touched (its members' and `refresh`'s)."""

    def close(self) -> None:
        """Release what the planner holds for the run (workers, actors)."""


__all__ = ["LinkPlanner", "NearDecision"]
