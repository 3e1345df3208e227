"""Arabic full-text search on a PostgreSQL store: the `arabic` text-search configuration over the
normalised, stemmed copy that `rasd.store.search` builds (the same keys as SQLite's FTS5 index).

Each document's title and text go through `index_text` (normalise, stem, every key of every
word) and then `to_tsvector('arabic', …)`, the title weighted A and the text B; a query's words
go through `query_keys` and become `(k1 | k2) & (k3 | …)`, through `to_tsquery('arabic', …)`, so
both sides meet PostgreSQL's Snowball Arabic stemmer alike. Results are ranked by `ts_rank`
(a title hit counts `TITLE_WEIGHT` times a text hit, as FTS5's bm25 weights there). Snippets
and highlights are `rasd.store.search`'s, cut from the original text, so they are the same.

Tables: `search_docs(doc_id, fingerprint, tsv)` with a GIN index, and `WORDS_TABLE` as on SQLite
(the highlighter's vocabulary). Batches are loaded with COPY.
"""
from __future__ import annotations

from typing import Any, Iterable

from rasd.store.postgres import libpq_url, require_psycopg
from rasd.store.search import (
    DOCUMENT_FINGERPRINT_SQL,
    INDEX_BATCH,
    WORDS_TABLE,
    _VOCABULARY,
    _WORD,
    _fingerprint,
    all_keys,
    index_text,
    query_keys,
    stale_documents,
    word_keys,
)

#: The table whose presence means "this store has a search index".
SEARCH_TABLE = "search_docs"

#: PostgreSQL's text-search configuration (Snowball Arabic, shipped with PostgreSQL 13 and later).
TS_CONFIG = "arabic"

#: A hit in the title counts this many times a hit in the text (FTS5's bm25 weights 3.0 / 1.0).
TITLE_WEIGHT = 3.0

#: ts_rank's weights, in its order {D, C, B, A}: text is B, title A.
_RANK_WEIGHTS = "{0, 0, %r, 1.0}" % (1.0 / TITLE_WEIGHT)

_SCHEMA = (
    f"CREATE TABLE IF NOT EXISTS {SEARCH_TABLE} (doc_id text PRIMARY KEY, fingerprint text, tsv tsvector NOT NULL)",
    f"CREATE INDEX IF NOT EXISTS ix_{SEARCH_TABLE}_tsv ON {SEARCH_TABLE} USING gin (tsv)",
    f"CREATE TABLE IF NOT EXISTS {WORDS_TABLE} (word text PRIMARY KEY, keys text NOT NULL)",
)


def _connect(db: Any) -> Any:
    """A psycopg connection to a store given by URL, SQLAlchemy engine or store."""
    require_psycopg()
    import psycopg

    engine = getattr(db, "engine", db)
    url = engine.url.render_as_string(hide_password=False) if hasattr(engine, "url") else str(db)
    return psycopg.connect(libpq_url(url))


def tsquery(words: Iterable[tuple[str, ...]]) -> str:
    """A to_tsquery expression: every word, each by any of its keys (quoted: no query syntax leaks in)."""
    def quoted(k: str) -> str:
        return "'" + k.replace("\\", "\\\\").replace("'", "''") + "'"
    return " & ".join("(" + " | ".join(quoted(k) for k in keys) + ")" for keys in words)


def update_search_index(db: Any) -> dict:
    """Index the documents not yet indexed (or changed since), drop those gone; return counts."""
    with _connect(db) as conn:
        for stmt in _SCHEMA:
            conn.execute(stmt)
        conn.commit()
        current = dict(conn.execute(f"SELECT doc_id, fingerprint FROM {SEARCH_TABLE}").fetchall())
        todo, gone = stale_documents(current, conn.execute(DOCUMENT_FINGERPRINT_SQL))
        stored = {r[0] for r in conn.execute(f"SELECT word FROM {WORDS_TABLE}")}
        conn.commit()
        if gone:
            conn.execute(f"DELETE FROM {SEARCH_TABLE} WHERE doc_id = ANY(%s)", (gone,))
            conn.commit()
        for i in range(0, len(todo), INDEX_BATCH):
            batch = todo[i:i + INDEX_BATCH]
            rows = conn.execute("SELECT id, title, content_hash, text FROM documents WHERE id = ANY(%s)",
                                (batch,)).fetchall()
            _load_batch(conn, rows, stored)
            conn.commit()
        total = conn.execute(f"SELECT count(*) FROM {SEARCH_TABLE}").fetchone()[0]
        return {"indexed": len(todo), "removed": len(gone), "total": total}


def _load_batch(conn: Any, rows: list, stored: set[str]) -> None:
    """COPY one batch's keys into a temporary table, then build their tsvectors in one statement."""
    conn.execute("CREATE TEMPORARY TABLE IF NOT EXISTS rasd_search_load "
                 "(doc_id text, fingerprint text, title text, body text) ON COMMIT DELETE ROWS")
    with conn.cursor() as cur:
        with cur.copy("COPY rasd_search_load (doc_id, fingerprint, title, body) FROM STDIN") as copy:
            for doc_id, title, content_hash, text in rows:
                copy.write_row((doc_id, _fingerprint(title, content_hash, text or ""),
                                index_text(title), index_text(text)))
    conn.execute(
        f"INSERT INTO {SEARCH_TABLE} (doc_id, fingerprint, tsv) "
        f"SELECT doc_id, fingerprint, setweight(to_tsvector('{TS_CONFIG}', title), 'A') || "
        f"setweight(to_tsvector('{TS_CONFIG}', body), 'B') FROM rasd_search_load "
        "ON CONFLICT (doc_id) DO UPDATE SET fingerprint = excluded.fingerprint, tsv = excluded.tsv")
    new: set[str] = set()
    for _d, title, _h, text in rows:
        new.update(_WORD.findall(title or ""), _WORD.findall(text or ""))
    new -= stored
    words = [(w, " ".join(word_keys(w))) for w in sorted(new) if w.strip("_\u0640")]
    if words:
        conn.execute("CREATE TEMPORARY TABLE IF NOT EXISTS rasd_words_load (word text, keys text) "
                     "ON COMMIT DELETE ROWS")
        with conn.cursor() as cur:
            with cur.copy("COPY rasd_words_load (word, keys) FROM STDIN") as copy:
                for w in words:
                    copy.write_row(w)
        conn.execute(f"INSERT INTO {WORDS_TABLE} (word, keys) SELECT word, keys FROM rasd_words_load "
                     "ON CONFLICT (word) DO NOTHING")
    stored |= new


def search_documents(conn: Any, query: str, *, limit: int = 20, offset: int = 0) -> dict:
    """Documents matching every word of `query`, best first; as `rasd.store.search.search_documents`.

    `conn`: a connection taking `?` parameters (`PgReadConnection`).
    """
    words = query_keys(query)
    if not words:
        return {"keys": [], "total": 0, "items": []}
    tsq = tsquery(words)
    keys = sorted(all_keys(words))
    total = conn.execute(f"SELECT count(*) FROM {SEARCH_TABLE} WHERE tsv @@ to_tsquery('{TS_CONFIG}', ?)",
                         (tsq,)).fetchone()[0]
    rows = conn.execute(
        f"SELECT doc_id, ts_rank('{_RANK_WEIGHTS}', tsv, q, 1) AS score "
        f"FROM {SEARCH_TABLE}, to_tsquery('{TS_CONFIG}', ?) q WHERE tsv @@ q "
        "ORDER BY score DESC, doc_id LIMIT ? OFFSET ?", (tsq, limit, offset)).fetchall()
    return {"keys": keys, "total": total, "items": [{"doc_id": r[0], "score": round(float(r[1]), 4)} for r in rows]}


def load_vocabulary(conn: Any) -> int:
    """Give the highlighter the store's word table; how many forms it read (0: none, or too many)."""
    n = conn.execute(f"SELECT count(*) FROM {WORDS_TABLE}").fetchone()[0]
    if not n or n > _VOCABULARY.limit:
        return 0
    _VOCABULARY.preload((w, tuple(k.split())) for w, k in conn.execute(f"SELECT word, keys FROM {WORDS_TABLE}"))
    return n
