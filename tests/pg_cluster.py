"""A throwaway PostgreSQL cluster for the tests: `initdb` into a temporary folder, a server
listening on a Unix socket in that folder only (no TCP port), stopped and removed at the end.

PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user (created by
Debian's package) through `runuser`. Binaries are found on PATH, then in /usr/lib/postgresql/*/bin
or $RASD_PG_BIN. `find_problem()` says why a cluster cannot start here (tests then skip with it).
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from itertools import count
from pathlib import Path

#: Seconds to wait for the server to accept connections.
START_TIMEOUT_S = 60

_NAMES = count()


def pg_bin() -> Path | None:
    """The folder holding initdb, pg_ctl and postgres, or None."""
    candidates = [os.environ.get("RASD_PG_BIN", "")]
    found = shutil.which("initdb")
    if found:
        candidates.append(str(Path(found).resolve().parent))
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for c in candidates:
        if c and all((Path(c) / b).exists() for b in ("initdb", "pg_ctl", "postgres")):
            return Path(c)
    return None


def _run_as() -> list[str]:
    """The command prefix that runs a server binary as an unprivileged user (as root: `postgres`)."""
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        raise RuntimeError("running as root and no `postgres` user to run the server as (apt-get install postgresql)")
    return ["runuser", "-u", "postgres", "--"]


def find_problem() -> str | None:
    """Why no cluster can start here (None when one can)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "needs psycopg: pip install 'rasd[postgres]'"
    if pg_bin() is None:
        return "needs the PostgreSQL server binaries (apt-get install postgresql, or RASD_PG_BIN)"
    try:
        _run_as()
    except RuntimeError as exc:
        return str(exc)
    return None


class PgCluster:
    """One throwaway cluster; `database()` gives the URL of a fresh, empty database in it."""

    def __init__(self) -> None:
        self.bin = pg_bin()
        if self.bin is None:
            raise RuntimeError(find_problem() or "no PostgreSQL binaries")
        self.dir = Path(tempfile.mkdtemp(prefix="rasd-pg-"))
        os.chmod(self.dir, 0o777)   # the server's user writes its data and socket here
        self.data = self.dir / "data"
        prefix = _run_as()
        subprocess.run(prefix + [str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
                                 "-E", "UTF8", "--locale=C", "--no-sync"],
                       check=True, capture_output=True, text=True)
        # a test cluster: no durability needed, so no fsync; loopback only through the socket
        opts = (f"-c listen_addresses='' -c unix_socket_directories={self.dir} -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        subprocess.run(prefix + [str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", opts, "-l",
                                 str(self.dir / "server.log"), "-w", "-t", str(START_TIMEOUT_S), "start"],
                       check=True, capture_output=True, text=True)

    def url(self, dbname: str = "postgres") -> str:
        """The postgresql:// URL of a database of this cluster (through its socket)."""
        return f"postgresql://postgres@/{dbname}?host={self.dir}"

    def database(self, prefix: str = "t") -> str:
        """Create a fresh database (bytewise collation, as rasd requires); its URL."""
        import psycopg

        name = f"{prefix}{os.getpid()}_{next(_NAMES)}"
        with psycopg.connect(self.url(), autocommit=True) as c:
            c.execute(f'CREATE DATABASE "{name}" TEMPLATE template0 LOCALE \'C\' ENCODING \'UTF8\'')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Drop a database made by `database()`, closing what is still connected to it (a killed
        client's server process may not have noticed yet)."""
        import psycopg

        name = url.split("?", 1)[0].rsplit("/", 1)[1]
        with psycopg.connect(self.url(), autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        """Stop the server and remove its folder."""
        subprocess.run(_run_as() + [str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"],
                       capture_output=True, text=True)
        shutil.rmtree(self.dir, ignore_errors=True)
