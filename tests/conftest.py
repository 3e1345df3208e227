"""Shared test helpers: where ../shared is, and a skip when it is absent."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: ../shared beside the checkout; RASD_SHARED names another place (a git worktree one level deeper).
SHARED = Path(os.environ.get("RASD_SHARED") or ROOT / ".." / "shared").resolve()


def shared_path(*parts: str) -> Path:
    """A path under ../shared, skipping the calling test with a reason when it is absent."""
    p = SHARED.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"needs ../shared/{'/'.join(parts)} (absent on this machine)")
    return p
