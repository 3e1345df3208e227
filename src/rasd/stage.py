"""What every stage shares: per-stage counters (seen, kept, dropped.<reason>, quarantined.<reason>)."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class StageCounters:
    """Counts one stage keeps while it runs; the engine prints them at the end of a run."""

    name: str
    counts: Counter = field(default_factory=Counter)

    def seen(self, n: int = 1) -> None:
        self.counts["seen"] += n

    def kept(self, n: int = 1) -> None:
        self.counts["kept"] += n

    def dropped(self, reason: str, n: int = 1) -> None:
        self.counts[f"dropped.{reason}"] += n

    def quarantined(self, reason: str, n: int = 1) -> None:
        self.counts[f"quarantined.{reason}"] += n

    def add(self, key: str, n: int = 1) -> None:
        self.counts[key] += n

    def as_dict(self) -> dict[str, int]:
        return dict(sorted(self.counts.items()))
