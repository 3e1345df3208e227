"""`rasd serve --workers N`: N server processes, each with a listening socket of its own on the one port.

uvicorn's own supervisor hands every worker the same listening socket, and whichever worker's
loop is awake takes the connections that arrive: 50 keep-alive clients were split 48 / 12, 37 / 23
or 25 / 35 between two workers (issue 12), so one worker queued most of the requests while the
other idled, and a second process bought little latency. Here each worker listens on a socket
of its own bound with SO_REUSEPORT, and the kernel spreads new connections among them by a hash
of their addresses. The sockets are bound by the parent before any worker starts, so a busy port
fails at once. Elsewhere than on Linux, uvicorn's supervisor is used as before.
(SO_REUSEPORT lets only processes of the same user join the port.)
"""
from __future__ import annotations

import functools
import logging
import signal
import socket
import sys
import threading
import time
from typing import Any

log = logging.getLogger("rasd.web")

#: A worker that stops sooner than this after it started is not started again: the app, the store
#: or the socket is broken and would fail the same way on every restart; the server stops instead.
MIN_WORKER_LIFE_S = 10.0


def balanced_supported() -> bool:
    """Whether each worker gets a socket of its own: Linux, whose SO_REUSEPORT spreads connections
    over the sockets (macOS and the BSDs accept it but hand every connection to one socket)."""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def listening_socket(host: str, port: int, *, reuse_port: bool = True) -> socket.socket:
    """A bound, listening TCP socket with TCP_NODELAY (accepted sockets inherit it: without it a
    small body written after its headers waits for the client's delayed ACK, ~40 ms on Linux)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if reuse_port:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, port))
        sock.listen(2048)
        sock.set_inheritable(True)
    except OSError:
        sock.close()
        raise
    return sock


def _run_worker(config: Any, sockets: list[socket.socket]) -> None:
    """One worker process: a uvicorn server on its own socket."""
    import uvicorn

    uvicorn.Server(config).run(sockets=sockets)


def serve_workers(config: Any, workers: int) -> int:
    """Run `workers` uvicorn processes for `config` (an import string with factory=True), each on a
    SO_REUSEPORT socket of its own, until SIGINT or SIGTERM; a worker that dies is started again.
    Returns 0, or 1 when a worker failed right after it started (then every worker is stopped)."""
    if not balanced_supported():
        from uvicorn.supervisors import Multiprocess

        Multiprocess(config, sockets=[listening_socket(config.host, config.port, reuse_port=False)]).run()
        return 0
    from uvicorn._subprocess import get_subprocess

    sockets = [listening_socket(config.host, config.port) for _ in range(workers)]
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}

    def start(i: int) -> tuple[Any, float]:
        proc = get_subprocess(config=config, target=functools.partial(_run_worker, config), sockets=[sockets[i]])
        proc.start()
        return proc, time.monotonic()

    procs = [start(i) for i in range(workers)]
    failed = False
    while not stop.wait(0.5):
        for i, (proc, started) in enumerate(procs):
            if proc.is_alive():
                continue
            if time.monotonic() - started < MIN_WORKER_LIFE_S:
                log.error("worker %s stopped (exit code %s) right after it started; stopping the server",
                          proc.pid, proc.exitcode)
                failed = True
                stop.set()
                break
            log.warning("worker %s stopped (exit code %s); starting another", proc.pid, proc.exitcode)
            procs[i] = start(i)
    for proc, _ in procs:
        if proc.is_alive():
            proc.terminate()
    for proc, _ in procs:
        proc.join(timeout=30)
        if proc.is_alive():
            proc.kill()
            proc.join()
    for s in sockets:
        s.close()
    for sig, handler in previous.items():
        signal.signal(sig, handler)
    return 1 if failed else 0
