"""What the browser tests share: where chromium is, why they would skip, a live server in a thread."""
from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

CHROMIUM = os.environ.get("RASD_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]


def skip_reason() -> str | None:
    """Why the browser tests cannot run here (playwright or chromium missing), or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install playwright; no browser download needed)"
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"chromium not found at {CHROMIUM} (apt-get install -y chromium)"
    return None


@contextmanager
def live_server(app: Any) -> Iterator[str]:
    """The base URL of a uvicorn server over `app` on a free loopback port, in a thread, while inside."""
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not srv.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


def launch_chromium(playwright: Any) -> Any:
    """Debian's chromium, headless, through Playwright (no browser download)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
