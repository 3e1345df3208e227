"""Optional dependencies, imported where a feature needs them, with the extra that installs them."""
from __future__ import annotations

import importlib
from typing import Any


def require(module: str, message: str) -> Any:
    """The imported `module`, or ImportError with `message` (what needs it and how to install it)."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ImportError(message) from exc


def require_pyarrow(purpose: str) -> Any:
    """`pyarrow` (with its parquet module loaded), or ImportError naming `purpose` and the extra."""
    try:
        import pyarrow
        import pyarrow.parquet  # noqa: F401
    except ImportError as exc:
        raise ImportError(f"{purpose} needs pyarrow: pip install rasd[parquet]") from exc
    return pyarrow
