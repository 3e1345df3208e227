"""Arabic-aware full-text search over the stored documents (SQLite FTS5; PostgreSQL: `postgres_search`).

Each document's title and cleaned text are indexed as a normalised and stemmed copy:
every word goes through `normalize_arabic` (hamza forms, diacritics, tatweel, ta marbuta…),
lower case, then the Snowball Arabic stemmer (PyStemmer), so `أعلن` finds `اعلن`, `المعارضة`
finds `معارضة` and `حِمْص` finds `حمص`. Queries go through the same function. Users never see
the stemmed copy: snippets are cut from the ORIGINAL text, and the words to highlight are found
again by stemming the original words (`highlight_terms`).

The index lives in the store's own database in tables this module creates (`search_docs`, the
FTS5 table `search_fts`, and `WORDS_TABLE`, each word form with its keys, which the highlighter
reads); `update_search_index` indexes the documents not yet indexed (or whose text or title
changed) and drops those that are gone.
"""
from __future__ import annotations

import os
import re
from bisect import bisect_right
import sqlite3
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable, Iterator

from rasd.clean.normalize import normalize_arabic

#: Words are runs of letters, digits and combining marks (so a diacritised word stays one word).
_WORD_CHAR = r"[\w\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640]"
_WORD = re.compile(_WORD_CHAR + "+", re.UNICODE)

#: Leading conjunctions و/ف glue onto a word (والمعارضة); the Snowball stemmer keeps them on long
#: words, so a word that starts with one and is at least this long is also keyed without it.
#: 5 letters keeps short words that merely start with و (وزير is 4).
CONJUNCTION_MIN_LEN = 5

#: A word starting with ال is also keyed without it from this length on (ال + at least 3 letters).
ARTICLE_MIN_LEN = 5

#: A word ending in ت is also keyed without it from this length on (أعلنت, 5); shorter words
#: (بيت، صوت) keep their ت.
PAST_T_MIN_LEN = 5

#: Characters of context on each side of the first highlighted word in a snippet; about one
#: sentence of a news article (20-30 words) in all.
SNIPPET_CONTEXT = 90

#: Rows indexed per transaction: one commit per batch keeps an update of 10,000 documents at a
#: few seconds without holding the write lock for the whole run.
INDEX_BATCH = 500

#: Word forms whose search keys `highlight_terms` keeps at once (a few MB; ~47,000 for 800 articles).
VOCABULARY_LIMIT = 500_000

#: The FTS5 table; a store holding it has a search index.
SEARCH_TABLE = "search_fts"

#: Every word form of the indexed documents with its search keys (`word_keys`, space-separated),
#: written as the documents are indexed, so a server reads its highlighter's vocabulary instead
#: of stemming ~47,000 forms anew in each process (~2 s of the first searches, issue 12). The
#: name carries the version of `word_keys`' rules: a change of rules starts a new table.
WORDS_TABLE = "search_words_v1"

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS search_docs (
        rowid INTEGER PRIMARY KEY,
        doc_id TEXT NOT NULL UNIQUE,
        fingerprint TEXT
    )""",
    """CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(
        title, body, tokenize = "unicode61 remove_diacritics 0"
    )""",
    f"""CREATE TABLE IF NOT EXISTS {WORDS_TABLE} (
        word TEXT PRIMARY KEY,
        keys TEXT NOT NULL
    ) WITHOUT ROWID""",
)


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    try:
        import Stemmer
    except ImportError as exc:  # a declared dependency; the message names the fix
        raise ImportError("search needs PyStemmer: pip install PyStemmer") from exc
    return Stemmer.Stemmer("arabic")


def _stem(word: str) -> str:
    """Normalise (keeping ة and ى, which the Snowball stemmer uses as suffix cues), stem, normalise the stem."""
    kept = word.replace("ة", "\x01").replace("ى", "\x02")
    norm = normalize_arabic(kept).replace("\x01", "ة").replace("\x02", "ى").lower()
    return normalize_arabic(_stemmer().stemWord(norm)) if norm else ""


@lru_cache(maxsize=65536)
def word_keys(word: str) -> tuple[str, ...]:
    """The search keys of one word: its stem, plus the stems of the forms Snowball treats differently.

    The Snowball Arabic stemmer strips a plural suffix fully only after it removed the article
    (الغارات -> غار but غارات -> غارا) and keeps a leading conjunction on long words, so each word
    also gets the stem of its form with the article added or removed, of its form without a
    leading و/ف, and (past tense, feminine) without a final ت (أعلنت ~ أعلن). Two words match
    when their key sets meet: `highlight_terms` and the FTS query both work that way.
    """
    norm = normalize_arabic(word).lower()
    if not norm:
        return ()
    keys = [_stem(word)]
    if norm.startswith("ال") and len(norm) >= ARTICLE_MIN_LEN:
        keys.append(_stem(norm[2:]))
    elif len(norm) >= 3 and norm.isalpha():
        keys.append(_stem("ال" + norm))
    if len(norm) >= CONJUNCTION_MIN_LEN and norm[0] in "وف":
        keys += word_keys(norm[1:])
    if len(norm) >= PAST_T_MIN_LEN and norm.endswith("ت"):
        keys.append(_stem(norm[:-1]))
    return tuple(k for k in dict.fromkeys(keys) if k)


def iter_words(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, word) for every word of `text`, offsets into `text` itself."""
    for m in _WORD.finditer(text):
        word = m.group(0).strip("_\u0640")
        if word:
            yield m.start(), m.end(), m.group(0)


def index_text(text: str | None) -> str:
    """The normalised, stemmed copy of `text` that goes into the FTS table (keys joined by spaces)."""
    if not text:
        return ""
    return " ".join(k for _s, _e, w in iter_words(text) for k in word_keys(w))


def query_keys(query: str) -> list[tuple[str, ...]]:
    """The search keys of a user query: one tuple of keys per distinct word, order kept."""
    out: list[tuple[str, ...]] = []
    for _s, _e, w in iter_words(query):
        keys = word_keys(w)
        if keys and keys not in out:
            out.append(keys)
    return out


def fts_query(words: Iterable[tuple[str, ...]]) -> str:
    """An FTS5 MATCH expression: every word, each by any of its keys (quoted, so no FTS syntax leaks in)."""
    def quoted(k: str) -> str:
        return '"' + k.replace('"', '""') + '"'
    return " AND ".join("(" + " OR ".join(quoted(k) for k in keys) + ")" for keys in words)


def all_keys(words: Iterable[tuple[str, ...]]) -> set[str]:
    """Every key of a query's words (what to highlight)."""
    return {k for keys in words for k in keys}


class _Vocabulary:
    """The word forms keyed so far and, per search key, the forms having it (`word_keys` inverted).

    Which words of a text meet a query's keys is then decided by set operations over the text's
    distinct words instead of a Python step per word: a search page's snippets (20 documents of
    ~360 distinct words) spent most of their time there under load (issue 12). Bounded: past
    `limit` forms it starts again (a corpus of 800 articles has ~47,000).
    """

    def __init__(self, limit: int = VOCABULARY_LIMIT) -> None:
        self.limit = limit
        self.forms: dict[str, set[str]] = {}
        self.known: set[str] = set()
        self.lock = threading.Lock()

    def preload(self, pairs: Iterable[tuple[str, tuple[str, ...]]]) -> None:
        """Take (form, its `word_keys`) pairs computed before (the store's word table)."""
        with self.lock:
            for w, keys in pairs:
                if w in self.known:
                    continue
                if len(self.known) >= self.limit:
                    break
                self.known.add(w)
                for k in keys:
                    self.forms.setdefault(k, set()).add(w)

    def matching(self, words: set[str], keys: set[str]) -> set[str]:
        """The words among `words` whose search keys meet `keys` (words of `_` or tatweel only never do)."""
        with self.lock:
            new = words - self.known
            if len(self.known) + len(new) > self.limit:
                self.forms.clear()
                self.known.clear()
                new = words
            for w in new:
                if w.strip("_\u0640"):
                    for k in word_keys(w):
                        self.forms.setdefault(k, set()).add(w)
            self.known |= new
            candidates = set().union(*(self.forms.get(k, ()) for k in keys))
        return words & candidates


_VOCABULARY = _Vocabulary()
_is_word_char = re.compile(_WORD_CHAR).match


def highlight_terms(text: str, keys: Iterable[str]) -> list[tuple[int, int]]:
    """(start, end) in the ORIGINAL `text` of every word whose search keys meet `keys`."""
    wanted = set(keys)
    if not wanted or not text:
        return []
    # the same words as `iter_words` (maximal runs of `_WORD`): the matching forms found among the
    # text's distinct words, then each occurrence of them that is a whole run
    out = []
    n = len(text)
    for w in _VOCABULARY.matching(set(_WORD.findall(text)), wanted):
        i = text.find(w)
        while i >= 0:
            j = i + len(w)
            if (i == 0 or not _is_word_char(text, i - 1)) and (j == n or not _is_word_char(text, j)):
                out.append((i, j))
            i = text.find(w, j)
    out.sort()
    return out


@dataclass(frozen=True, slots=True)
class Snippet:
    """A piece of the original text around the hits; `hits` are offsets into `text`."""

    text: str
    hits: tuple[tuple[int, int], ...]
    start: int                    # where `text` starts in the document's text

    def segments(self) -> list[dict]:
        """The snippet as consecutive pieces `{text, hit}` (what templates and clients render)."""
        out: list[dict] = []
        pos = 0
        for s, e in self.hits:
            if s > pos:
                out.append({"text": self.text[pos:s], "hit": False})
            out.append({"text": self.text[s:e], "hit": True})
            pos = e
        if pos < len(self.text):
            out.append({"text": self.text[pos:], "hit": False})
        return out


def make_snippet(text: str, keys: Iterable[str], context: int = SNIPPET_CONTEXT) -> Snippet | None:
    """The window of `text` around its densest cluster of hits, or None when no word matches."""
    hits = highlight_terms(text, keys)
    if not hits:
        return None
    # the window that holds the most hits, starting at a hit (hits are in text order)
    starts = [s for s, _e in hits]
    best_i, best_n = 0, 0
    for i, s in enumerate(starts):
        n = bisect_right(starts, s + 2 * context, i) - i
        if n > best_n:
            best_i, best_n = i, n
    first = hits[best_i][0]
    start = max(0, first - context)
    end = min(len(text), first + 2 * context)
    # do not cut words in half
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    inside = tuple((s - start, e - start) for s, e in hits if s >= start and e <= end)
    return Snippet(text=text[start:end], hits=inside, start=start)


# -- the index --------------------------------------------------------------------------------


def _fingerprint(title: str | None, content_hash: str | None, text: str) -> str:
    """What decides that a document must be indexed again: its title and its text."""
    from rasd.document import sha256_hex

    return sha256_hex((title or "") + "\x00" + (content_hash or text))[:32]


#: The documents' columns `stale_documents` reads (the text only where no content hash stands for it).
DOCUMENT_FINGERPRINT_SQL = "SELECT id, title, content_hash, CASE WHEN content_hash IS NULL THEN text END FROM documents"


def stale_documents(current: dict[str, str], rows: Iterable[tuple]) -> tuple[list[str], list[str]]:
    """(documents to index again, indexed documents that are gone), from the index's fingerprints
    (`current`: doc id -> fingerprint) and the rows of `DOCUMENT_FINGERPRINT_SQL`. Both backends."""
    todo: list[str] = []
    seen: set[str] = set()
    for doc_id, title, content_hash, text in rows:
        seen.add(doc_id)
        if current.get(doc_id) != _fingerprint(title, content_hash, text or ""):
            todo.append(doc_id)
    return todo, [d for d in current if d not in seen]


def _sqlite_path(engine_or_store: Any) -> str:
    """The SQLite file behind a path, an SQLAlchemy engine or a store holding one."""
    if isinstance(engine_or_store, (str, os.PathLike)):
        return os.fspath(engine_or_store)
    engine = engine_or_store
    for attr in ("engine", "_engine"):
        if hasattr(engine, attr):
            engine = getattr(engine, attr)
            break
    url = getattr(engine, "url", None)
    if url is None or getattr(url, "get_backend_name", lambda: "")() != "sqlite":
        raise TypeError(f"search needs an SQLite store; got {engine_or_store!r}")
    if not url.database or url.database == ":memory:":
        raise TypeError("search needs a file store (an in-memory store has no second connection)")
    return url.database


def _is_postgres(engine_or_store: Any) -> bool:
    """Whether a path/URL, engine or store names a PostgreSQL database."""
    if isinstance(engine_or_store, (str, os.PathLike)):
        from rasd.store.postgres import is_postgres_url

        return is_postgres_url(engine_or_store)
    engine = getattr(engine_or_store, "engine", engine_or_store)
    return getattr(getattr(engine, "dialect", None), "name", None) == "postgresql"


def ensure_search_tables(conn: sqlite3.Connection) -> None:
    """Create the search tables when missing (idempotent)."""
    for stmt in _SCHEMA:
        conn.execute(stmt)


def update_search_index(engine_or_store: Any) -> dict:
    """Index the documents not yet indexed (or changed since), drop those gone; return counts.

    Accepts a store (`SqliteStore`), an SQLAlchemy engine or the SQLite file's path. Safe to
    call after every run, and while a server reads the same file (WAL). A PostgreSQL store (or
    its URL) is indexed by `rasd.store.postgres_search`.
    """
    if _is_postgres(engine_or_store):
        from rasd.store import postgres_search

        return postgres_search.update_search_index(engine_or_store)
    path = _sqlite_path(engine_or_store)
    conn = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        conn.execute("PRAGMA busy_timeout=30000")
        ensure_search_tables(conn)
        current = {r[0]: r[1] for r in conn.execute("SELECT doc_id, fingerprint FROM search_docs")}
        todo, gone = stale_documents(current, conn.execute(DOCUMENT_FINGERPRINT_SQL))
        stored = {r[0] for r in conn.execute(f"SELECT word FROM {WORDS_TABLE}")}
        if not stored and current:  # indexed before the word table existed: every document's words
            texts = conn.execute("SELECT title, text FROM documents").fetchall()
            conn.execute("BEGIN IMMEDIATE")
            _store_words(conn, stored, texts)
            conn.execute("COMMIT")
        for i in range(0, len(gone), INDEX_BATCH):
            conn.execute("BEGIN IMMEDIATE")
            for doc_id in gone[i:i + INDEX_BATCH]:
                _delete(conn, doc_id)
            conn.execute("COMMIT")
        for i in range(0, len(todo), INDEX_BATCH):
            batch = todo[i:i + INDEX_BATCH]
            marks = ",".join("?" * len(batch))
            rows = conn.execute(
                f"SELECT id, title, content_hash, text FROM documents WHERE id IN ({marks})", batch).fetchall()
            conn.execute("BEGIN IMMEDIATE")
            for doc_id, title, content_hash, text in rows:
                _delete(conn, doc_id)
                cur = conn.execute("INSERT INTO search_docs (doc_id, fingerprint) VALUES (?, ?)",
                                   (doc_id, _fingerprint(title, content_hash, text or "")))
                conn.execute("INSERT INTO search_fts (rowid, title, body) VALUES (?, ?, ?)",
                             (cur.lastrowid, index_text(title), index_text(text)))
            _store_words(conn, stored, ((title, text) for _d, title, _h, text in rows))
            conn.execute("COMMIT")
        total = conn.execute("SELECT count(*) FROM search_docs").fetchone()[0]
        return {"indexed": len(todo), "removed": len(gone), "total": total}
    finally:
        conn.close()


def _store_words(conn: sqlite3.Connection, stored: set[str], texts: Iterable[tuple[str | None, str | None]]) -> None:
    """Add the word forms of `texts` not in `stored` to the word table (and to `stored`)."""
    new: set[str] = set()
    for title, text in texts:
        new.update(_WORD.findall(title or ""), _WORD.findall(text or ""))
    new -= stored
    conn.executemany(f"INSERT OR IGNORE INTO {WORDS_TABLE} (word, keys) VALUES (?, ?)",
                     [(w, " ".join(word_keys(w))) for w in sorted(new) if w.strip("_\u0640")])
    stored |= new


def load_vocabulary(conn: sqlite3.Connection) -> int:
    """Give the highlighter the store's word table (`WORDS_TABLE`); how many forms it read (0 when
    the store has none, or more than `VOCABULARY_LIMIT`: the highlighter then keys words itself)."""
    try:
        n = conn.execute(f"SELECT count(*) FROM {WORDS_TABLE}").fetchone()[0]
        if not n or n > _VOCABULARY.limit:
            return 0
        _VOCABULARY.preload((w, tuple(k.split())) for w, k in conn.execute(f"SELECT word, keys FROM {WORDS_TABLE}"))
        return n
    except sqlite3.OperationalError:  # no such table
        return 0


def _delete(conn: sqlite3.Connection, doc_id: str) -> None:
    row = conn.execute("SELECT rowid FROM search_docs WHERE doc_id = ?", (doc_id,)).fetchone()
    if row is not None:
        conn.execute("DELETE FROM search_fts WHERE rowid = ?", (row[0],))
        conn.execute("DELETE FROM search_docs WHERE rowid = ?", (row[0],))


def search_documents(conn: sqlite3.Connection, query: str, *, limit: int = 20, offset: int = 0) -> dict:
    """Documents matching every word of `query`, best first (BM25, title weighted higher).

    Returns `{keys, total, items: [{doc_id, score}]}`; `keys` are all the query's search keys
    (what to highlight with `make_snippet`). A query with no words matches nothing.
    """
    words = query_keys(query)
    if not words:
        return {"keys": [], "total": 0, "items": []}
    match = fts_query(words)
    keys = sorted(all_keys(words))
    total = conn.execute("SELECT count(*) FROM search_fts WHERE search_fts MATCH ?", (match,)).fetchone()[0]
    # bm25 weights: a hit in the title counts 3 times a hit in the body (titles are short)
    rows = conn.execute(
        "SELECT d.doc_id, bm25(search_fts, 3.0, 1.0) AS score FROM search_fts "
        "JOIN search_docs d ON d.rowid = search_fts.rowid WHERE search_fts MATCH ? "
        "ORDER BY score LIMIT ? OFFSET ?", (match, limit, offset)).fetchall()
    return {"keys": keys, "total": total, "items": [{"doc_id": r[0], "score": round(-r[1], 4)} for r in rows]}
