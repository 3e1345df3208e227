"""`rasd serve --workers N` (rasd.web.serve): every worker listens on a socket of its own, so
keep-alive connections spread over the workers; the server stops its workers on SIGTERM, and
stops (exit 1) when a worker fails right after it started."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("uvicorn")

from rasd.web.serve import balanced_supported  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[1]) == pid:
                out.append(int(entry))
    return out


def _tcp_connections(pid: int) -> int:
    """Connected TCP sockets a process holds (its listening socket excluded: that one is not ESTABLISHED)."""
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            link = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if link.startswith("socket:["):
            inodes.add(link[8:-1])
    n = 0
    for line in Path(f"/proc/{pid}/net/tcp").read_text().splitlines()[1:]:
        parts = line.split()
        if parts[3] == "01" and parts[9] in inodes:  # 01: ESTABLISHED
            n += 1
    return n


def _get(sock: socket.socket, path: str) -> int:
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, "connection closed"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = int([h.split(b":")[1] for h in head.split(b"\r\n") if h.lower().startswith(b"content-length")][0])
    while len(body) < length:
        body += sock.recv(65536)
    return int(head.split(b" ")[1])


@pytest.mark.skipif(not sys.platform.startswith("linux") or not balanced_supported(), reason="reads /proc; needs SO_REUSEPORT")
def test_two_workers_share_the_connections_and_stop_on_sigterm(demo_db, tmp_path):
    db = tmp_path / "w.db"
    shutil.copy(demo_db[0], db)
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "rasd.cli", "serve", "--db", str(db), "--port", str(port),
                             "--workers", "2", "--cache-mb", "0"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    conns: list[socket.socket] = []
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0 and len(_children(proc.pid)) >= 2:
                    break
            assert proc.poll() is None, proc.stderr.read().decode()
            time.sleep(0.3)
        time.sleep(2)  # both workers listening
        for _ in range(40):
            c = socket.create_connection(("127.0.0.1", port))
            conns.append(c)
        assert all(_get(c, "/api/governorates") == 200 for c in conns)
        workers = [p for p in _children(proc.pid) if _tcp_connections(p)]
        held = sorted(_tcp_connections(p) for p in workers)
        # a shared socket gave one worker 36-48 of 50; a hash over the client ports gives each ~20
        assert len(held) == 2 and sum(held) == 40 and held[0] >= 8, held
    finally:
        for c in conns:
            c.close()
        kids = _children(proc.pid)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    time.sleep(0.5)
    assert not [k for k in kids if Path(f"/proc/{k}").exists() and "Z" not in Path(f"/proc/{k}/stat").read_text().rsplit(")", 1)[1].split()[0]]


@pytest.mark.skipif(not balanced_supported(), reason="needs SO_REUSEPORT")
def test_a_worker_failing_at_start_stops_the_server():
    import uvicorn

    from rasd.web.serve import serve_workers

    config = uvicorn.Config("rasd_no_such_module:app", host="127.0.0.1", port=_free_port(), log_level="critical")
    t0 = time.monotonic()
    assert serve_workers(config, 2) == 1
    assert time.monotonic() - t0 < 60
