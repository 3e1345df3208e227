"""Optional dependencies, imported where a feature needs them, with the extra that installs them."""
from __future__ import annotations

from typing import Any


def require_pyarrow(purpose: str) -> Any:
    """`pyarrow` (with its parquet module loaded), or ImportError naming `purpose` and the extra."""
    try:
        import pyarrow
        import pyarrow.parquet  # noqa: F401
    except ImportError as exc:
        raise ImportError(f"{purpose} needs pyarrow: pip install rasd[parquet]") from exc
    return pyarrow
