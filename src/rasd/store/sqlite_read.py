"""The read side of the SQLite store: what the web server reads through (`rasd.store.read`).

Each thread holds its own connection opened with `mode=ro`; the data version is SQLite's
`PRAGMA data_version`, which moves with every commit of any other connection or process. The
SQL fragments that differ between backends (JSON paths, a list parameter, the "dated" index
term) are `SqliteSql`'s methods; the web writes its queries with them.
"""
from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import quote

from rasd.store import search as fts

log = logging.getLogger("rasd.store")


class SqliteSql:
    """SQL fragments in SQLite's dialect (JSON1 functions over the records' JSON text)."""

    name = "sqlite"

    def json_text(self, col: str, *path: str) -> str:
        """The value at `path` of the JSON in `col` (a scalar as SQL text or number; NULL when absent)."""
        return f"json_extract({col}, '$.{'.'.join(path)}')"

    #: columns a subquery over the event tables adds for `background` (none: an expression here)
    flag_columns = ""

    def background(self, col: str) -> str:
        """1 when the record's `meta.background` is set, else 0 (an index expression: keep it stable)."""
        return f"coalesce(json_extract({col}, '$.meta.background'), 0)"

    def array_length(self, col: str, *path: str) -> str:
        """How many items the JSON array at `path` holds (0 when absent)."""
        return f"coalesce(json_array_length(json_extract({col}, '$.{'.'.join(path)}')), 0)"

    def dated(self, col: str) -> str:
        """"`col` is not NULL", written as the leading term of the order indexes so a range is read."""
        return f"({col} IS NULL) = 0"

    def nulls_first(self, col: str) -> str:
        """An ORDER BY term with NULLs first (SQLite's default order)."""
        return col

    def in_json_list(self, key: str) -> str:
        """`key` is one of a JSON list given as the one parameter."""
        return f"{key} IN (SELECT value FROM json_each(?))"

    def actor_match(self, col: str) -> str:
        """An actor of the record in `col` is named by the parameter (three times: id, name, text)."""
        return (f"EXISTS (SELECT 1 FROM json_each({col}, '$.actors') a WHERE "
                "json_extract(a.value, '$.actor_id') = ? OR json_extract(a.value, '$.name') = ? "
                "OR json_extract(a.value, '$.text') = ?)")

    def index_elements(self, elements: Iterable[str]) -> str:
        """An index's key list."""
        return "(" + ", ".join(elements) + ")"


SQLITE_SQL = SqliteSql()


class SqliteReadBackend:
    """Read-only access to one SQLite store file, shared by a server's threads."""

    sql = SQLITE_SQL
    #: SQLite raises this for a write on a read-only connection (the tests check it).
    ReadOnlyError = sqlite3.OperationalError

    def __init__(self, db: str | Path) -> None:
        path = Path(db).expanduser().resolve()
        if not path.exists():
            raise FileNotFoundError(f"no store at {db}")
        self.path = path
        self.location = str(path)
        self._uri = f"file:{quote(str(path))}?mode=ro"
        self._local = threading.local()
        # one connection that only watches for commits (its PRAGMA data_version moves with each
        # commit by any other connection); reader threads open theirs without touching the version
        self._watch = sqlite3.connect(self._uri, uri=True, check_same_thread=False, timeout=30)

    def conn(self) -> sqlite3.Connection:
        """This thread's read-only connection."""
        c = getattr(self._local, "conn", None)
        if c is None:
            c = sqlite3.connect(self._uri, uri=True, check_same_thread=False, timeout=30)
            c.row_factory = sqlite3.Row
            c.execute("PRAGMA query_only=1")
            self._local.conn = c
        return c

    def data_version(self) -> Any:
        """A value that changes whenever another connection or process commits to the file (a few µs)."""
        return self._watch.execute("PRAGMA data_version").fetchone()[0]

    def tables(self) -> frozenset[str]:
        """The names of the tables and views in the database."""
        return frozenset(r[0] for r in self.conn().execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"))

    def search(self, q: str, *, limit: int, offset: int) -> dict:
        """`rasd.store.search.search_documents` over FTS5."""
        return fts.search_documents(self.conn(), q, limit=limit, offset=offset)

    def load_vocabulary(self) -> int:
        """Give the highlighter the store's word table."""
        return fts.load_vocabulary(self.conn())

    def has_search_index(self) -> bool:
        """Whether the store holds a search index."""
        return fts.SEARCH_TABLE in self.tables()


def ensure_read_indexes(db: str | Path, extra: Iterable[tuple[str, str]] = ()) -> list[str]:
    """Create the indexes of `rasd.store.schema` missing from an existing store, and `extra`
    ((name, table, elements) built by the web from `read_index_ddl`) when their tables exist; their names.

    An unwritable file leaves the store as it is (a warning; lists then sort instead of reading an index).
    """
    from sqlalchemy.dialects import sqlite as sqlite_dialect
    from sqlalchemy.schema import CreateIndex

    from rasd.store.schema import metadata

    conn = sqlite3.connect(str(db), timeout=30, isolation_level=None)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        have = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        created = []
        for table in metadata.sorted_tables:
            if table.name not in tables:
                continue
            for ix in sorted(table.indexes, key=lambda i: i.name):
                if ix.name in have:
                    continue
                conn.execute(str(CreateIndex(ix, if_not_exists=True).compile(dialect=sqlite_dialect.dialect())))
                created.append(ix.name)
        for name, table, ddl in extra:
            if table in tables and name not in have:
                conn.execute(ddl)
                created.append(name)
        return created
    except sqlite3.OperationalError as exc:
        log.warning("read indexes not created (%s); list pages will sort instead of reading an index", exc)
        return []
    finally:
        conn.close()


def prepare_search_index(db: str | Path) -> dict | None:
    """Bring the search index up to date; None (and a warning) when the file cannot be written."""
    try:
        return fts.update_search_index(str(db))
    except sqlite3.OperationalError as exc:
        log.warning("search index not updated (%s); search uses what is already indexed", exc)
        return None
