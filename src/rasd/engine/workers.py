"""Worker processes with a deadline per task, for the local engine's `--workers N`.

Each worker is a forked process that applies one function to the tasks it is sent, one at a
time, and sends each result back. The parent keeps at most `DEPTH` tasks queued per worker and
knows when each worker began its current task (when the previous result arrived, or when the task
was sent to an idle worker). A task still running `timeout_s` after it began is cut by killing
its worker (SIGKILL: this stops anything, a regular expression backtracking in C included) and
starting a fresh one; the tasks queued behind it are sent again. A worker that dies on its own
(out of memory, a crash in a C extension) is replaced the same way. Results come back in the
order the tasks were given, whatever the order they finished in.

Workers are forked, so they start with the parent's loaded lexicons and models and nothing needs
pickling but the tasks and results. A worker must not touch the parent's store connections: the
function it runs is pure (clean, extract), and the parent alone writes.
"""
from __future__ import annotations

import multiprocessing as mp
import signal
import time
from collections import deque
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any, Callable, Generic, Iterable, Iterator, TypeVar

T = TypeVar("T")

#: Tasks queued per worker: one running and one waiting in its pipe, so a worker need not wait
#: for the parent (busy writing the store) between two documents.
DEPTH = 2
#: Results held for in-order delivery behind a slow task, per worker, before no new task is sent.
MAX_AHEAD_PER_WORKER = 64


def fork_available() -> bool:
    """Whether worker processes can be forked here (Linux, macOS; not Windows)."""
    return "fork" in mp.get_all_start_methods()


@dataclass(frozen=True, slots=True)
class Outcome(Generic[T]):
    """What became of one task: `kind` is `ok` (with `value`), `timeout`, `died` or `error`."""

    task: T
    kind: str
    value: Any = None
    detail: str = ""


def _worker_main(conn: Connection, fn: Callable[[Any], Any]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl-C is the parent's to handle: it stops us
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        seq, task = msg
        try:
            out: tuple[str, Any] = ("ok", fn(task))
        except Exception as e:  # noqa: BLE001 - reported to the parent, which quarantines the task
            out = ("error", f"{type(e).__name__}: {str(e)[:500]}")
        try:
            conn.send((seq, out))
        except Exception as e:  # noqa: BLE001 - an unpicklable result: say so instead of dying
            conn.send((seq, ("error", f"result could not be sent: {type(e).__name__}: {str(e)[:300]}")))


@dataclass
class _Worker:
    proc: Any
    conn: Connection
    queued: deque = field(default_factory=deque)   # (seq, task), the head is running
    started: float = 0.0                            # when the head task began


class ProcessPool:
    """`n` forked workers applying `fn` to tasks, each task limited to `timeout_s` (0: no limit)."""

    def __init__(self, n: int, fn: Callable[[Any], Any], timeout_s: float = 0.0) -> None:
        if n < 1:
            raise ValueError(f"workers must be at least 1, got {n}")
        if not fork_available():
            raise RuntimeError("worker processes need the 'fork' start method (Linux or macOS)")
        self._ctx = mp.get_context("fork")
        self._fn = fn
        self.timeout_s = timeout_s
        self.replaced = 0                   # workers killed on a timeout or found dead
        self._workers = [self._start() for _ in range(n)]

    def _start(self) -> _Worker:
        parent, child = self._ctx.Pipe()
        proc = self._ctx.Process(target=_worker_main, args=(child, self._fn), daemon=True)
        proc.start()
        child.close()
        return _Worker(proc, parent)

    def _replace(self, w: _Worker) -> _Worker:
        """Kill `w` and start a fresh worker holding the tasks that were queued behind its head."""
        if w.proc.is_alive():
            w.proc.kill()
        w.proc.join()
        w.conn.close()
        self.replaced += 1
        fresh = self._start()
        rest = list(w.queued)[1:]
        now = time.monotonic()
        fresh.queued.extend(rest)
        try:
            for seq, task in rest:
                fresh.conn.send((seq, task))
        except OSError:
            pass   # died at once: found dead on the next wait, and replaced with its tasks
        fresh.started = now
        self._workers[self._workers.index(w)] = fresh
        return fresh

    def imap(self, tasks: Iterable[T]) -> Iterator[Outcome[T]]:
        """Each task's outcome, in the order of `tasks`."""
        source = iter(tasks)
        exhausted = False
        seq_next = 0                        # sequence number of the next task to send
        seq_out = 0                         # sequence number of the next outcome to yield
        done: dict[int, Outcome] = {}
        max_ahead = MAX_AHEAD_PER_WORKER * len(self._workers)
        while True:
            # send tasks to workers with room, lowest queue first
            while not exhausted and seq_next - seq_out < max_ahead:
                w = min(self._workers, key=lambda x: len(x.queued))
                if len(w.queued) >= DEPTH:
                    break
                task = next(source, _END)
                if task is _END:
                    exhausted = True
                    break
                if not w.queued:
                    w.started = time.monotonic()
                w.queued.append((seq_next, task))
                seq_next += 1
                try:
                    w.conn.send((seq_next - 1, task))
                except OSError:
                    pass   # the worker is dead: its sentinel says so below, and it is replaced
            while seq_out in done:
                yield done.pop(seq_out)
                seq_out += 1
            busy = [w for w in self._workers if w.queued]
            if not busy:
                if exhausted:
                    return
                continue
            now = time.monotonic()
            wait_s = None
            if self.timeout_s > 0:
                wait_s = max(0.0, min(w.started + self.timeout_s for w in busy) - now)
            ready = wait([w.conn for w in busy] + [w.proc.sentinel for w in busy], wait_s)
            now = time.monotonic()
            for w in list(busy):
                if w.conn in ready:
                    try:
                        seq, (kind, value) = w.conn.recv()
                    except (EOFError, OSError):
                        seq, task = w.queued[0]
                        w.proc.join(1.0)
                        code = w.proc.exitcode
                        done[seq] = Outcome(task, "died", detail=f"worker process died (exit code {code})")
                        self._replace(w)
                        continue
                    head_seq, task = w.queued.popleft()
                    assert seq == head_seq, (seq, head_seq)
                    done[seq] = Outcome(task, "ok", value) if kind == "ok" else Outcome(task, "error", detail=value)
                    w.started = now
                elif w.proc.sentinel in ready and not w.proc.is_alive():
                    seq, task = w.queued[0]
                    done[seq] = Outcome(task, "died", detail=f"worker process died (exit code {w.proc.exitcode})")
                    self._replace(w)
                elif self.timeout_s > 0 and now - w.started >= self.timeout_s:
                    seq, task = w.queued[0]
                    done[seq] = Outcome(task, "timeout", detail=f"over {self.timeout_s:g} s")
                    self._replace(w)

    def close(self) -> None:
        """Stop every worker (politely, then by force)."""
        for w in self._workers:
            try:
                w.conn.send(None)
            except (OSError, ValueError):
                pass
        deadline = time.monotonic() + 2.0
        for w in self._workers:
            w.proc.join(max(0.0, deadline - time.monotonic()))
            if w.proc.is_alive():
                w.proc.kill()
                w.proc.join()
            w.conn.close()

    def __enter__(self) -> "ProcessPool":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


_END = object()
__all__ = ["DEPTH", "Outcome", "ProcessPool", "fork_available"]
