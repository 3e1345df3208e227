"""Fixtures for the reader tests."""
from __future__ import annotations

from pathlib import Path

import pytest

from ingest_samples import SHARED


@pytest.fixture
def shared_dir() -> Path:
    """../shared, or skip the test where it is absent."""
    if not SHARED.is_dir():
        pytest.skip(f"../shared not found at {SHARED}")
    return SHARED
