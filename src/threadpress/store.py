"""The archive: one SQLite file with FTS5 over comment text (design §6).

One transaction per ingest. A changed comment is kept as a new version beside the old ones
(comment_versions holds every version; comments holds the current one). Re-ingesting the same
thread writes nothing.
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from .errors import NotFound, StoreError
from .model import Comment, ReplyEdge, Thread, iso_utc, parse_iso

MIGRATIONS: list[tuple[str, str]] = [
    ('initial schema', """
    CREATE TABLE threads (
        id TEXT PRIMARY KEY, source TEXT NOT NULL, url TEXT, title TEXT, author TEXT,
        published_at TEXT, body_html TEXT, meta TEXT NOT NULL DEFAULT '{}',
        first_ingested TEXT NOT NULL, last_changed TEXT NOT NULL
    );
    CREATE TABLE comments (
        pk INTEGER PRIMARY KEY,
        thread_id TEXT NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
        id TEXT NOT NULL, number INTEGER, author TEXT NOT NULL DEFAULT '', author_id TEXT, author_url TEXT,
        created_at TEXT, created_raw TEXT, tz TEXT, permalink TEXT,
        html TEXT NOT NULL DEFAULT '', text TEXT NOT NULL DEFAULT '', format TEXT, status TEXT NOT NULL DEFAULT 'ok',
        version INTEGER NOT NULL DEFAULT 1, content_hash TEXT NOT NULL, first_seen TEXT NOT NULL,
        UNIQUE (thread_id, id)
    );
    CREATE INDEX comments_thread_number ON comments(thread_id, number);
    CREATE INDEX comments_author ON comments(author COLLATE NOCASE);
    CREATE INDEX comments_created ON comments(created_at);
    CREATE TABLE comment_versions (
        thread_id TEXT NOT NULL, comment_id TEXT NOT NULL, version INTEGER NOT NULL,
        author TEXT, html TEXT, text TEXT, status TEXT, content_hash TEXT NOT NULL, seen_at TEXT NOT NULL,
        PRIMARY KEY (thread_id, comment_id, version),
        FOREIGN KEY (thread_id, comment_id) REFERENCES comments(thread_id, id) ON DELETE CASCADE
    );
    CREATE TABLE edges (
        thread_id TEXT NOT NULL, source_id TEXT NOT NULL, target_id TEXT NOT NULL,
        how TEXT NOT NULL, confidence REAL NOT NULL, evidence TEXT NOT NULL DEFAULT '', ord INTEGER NOT NULL,
        PRIMARY KEY (thread_id, source_id, target_id),
        FOREIGN KEY (thread_id) REFERENCES threads(id) ON DELETE CASCADE
    );
    CREATE INDEX edges_target ON edges(thread_id, target_id);
    CREATE VIRTUAL TABLE comments_fts USING fts5(
        text, author, content='comments', content_rowid='pk', tokenize='unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER comments_ai AFTER INSERT ON comments BEGIN
        INSERT INTO comments_fts(rowid, text, author) VALUES (new.pk, new.text, new.author);
    END;
    CREATE TRIGGER comments_ad AFTER DELETE ON comments BEGIN
        INSERT INTO comments_fts(comments_fts, rowid, text, author) VALUES ('delete', old.pk, old.text, old.author);
    END;
    CREATE TRIGGER comments_au AFTER UPDATE OF text, author ON comments BEGIN
        INSERT INTO comments_fts(comments_fts, rowid, text, author) VALUES ('delete', old.pk, old.text, old.author);
        INSERT INTO comments_fts(rowid, text, author) VALUES (new.pk, new.text, new.author);
    END;

    """),
    ('dump checkpoints', """
    CREATE TABLE dump_checkpoints (
        path TEXT NOT NULL, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, head_sha256 TEXT NOT NULL,
        source TEXT NOT NULL,
        lines INTEGER NOT NULL DEFAULT 0,     -- lines of the file committed (a resumed run skips them)
        comments INTEGER NOT NULL DEFAULT 0,  -- comment records committed
        done INTEGER NOT NULL DEFAULT 0,      -- read to the end and numbered: a re-run reads nothing
        started TEXT NOT NULL, updated TEXT NOT NULL,
        PRIMARY KEY (path, size, mtime_ns, head_sha256)
    );
    CREATE TABLE dump_pending (thread_id TEXT PRIMARY KEY) WITHOUT ROWID;  -- threads to number at the end

    """),
    ('web compositions', """
    CREATE TABLE compositions (
        id INTEGER PRIMARY KEY,
        thread_id TEXT NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
        author TEXT NOT NULL,
        title TEXT NOT NULL DEFAULT '',
        items TEXT NOT NULL DEFAULT '[]',  -- JSON: [{"comment": ID, "keep": true|false} | {"note": TEXT}, ...]
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL
    );
    CREATE INDEX compositions_thread ON compositions(thread_id, author);
    """),
    ('watch announcements', """
    -- watch (threadpress.watch): every reply announced, so that a restart never announces it again.
    -- Keyed by the comments' native ids, which survive renumbering; natural_key (authors and times of
    -- both comments) also catches ids that change with a page template.
    CREATE TABLE watch_announcements (
        thread_id TEXT NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
        reply_id TEXT NOT NULL,
        target_id TEXT NOT NULL,
        source TEXT NOT NULL,         -- the SOURCE watched (URL), for the feed of one watch
        author TEXT NOT NULL,         -- the watched author as the thread spells the name
        natural_key TEXT,
        payload TEXT NOT NULL,        -- the reply as announced (JSON)
        announced_at TEXT NOT NULL,
        delivered_at TEXT,            -- NULL: recorded, not yet printed (delivered on the next start)
        PRIMARY KEY (thread_id, reply_id, target_id)
    );
    CREATE INDEX watch_announcements_natural ON watch_announcements(thread_id, natural_key);
    CREATE INDEX watch_announcements_source ON watch_announcements(source, author);
    """),
    ('published posts', """
    CREATE TABLE published_posts (
        post_key TEXT NOT NULL,   -- "digest:<thread id>:<author>" or "composition:<id>"
        target TEXT NOT NULL,     -- wordpress | ghost
        site TEXT NOT NULL,       -- the site's base URL
        remote_id TEXT NOT NULL,  -- the post's id on that site
        url TEXT, status TEXT,
        first_published TEXT NOT NULL, last_published TEXT NOT NULL,
        PRIMARY KEY (post_key, target, site)
    );
    """),
    ('watch seen comments', """
    -- watch: the comments each watch has read for replies, with the content it read. Only new or
    -- edited comments are read again, so a reply edge that moves only because deletions renumbered
    -- the thread (a stale "@5") is never announced as a new reply.
    CREATE TABLE watch_seen (
        thread_id TEXT NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
        author_key TEXT NOT NULL,     -- the watched author, case- and accent-folded
        comment_id TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        PRIMARY KEY (thread_id, author_key, comment_id)
    ) WITHOUT ROWID;
    """),
]

_COMMENT_COLS = ("id", "number", "author", "author_id", "author_url", "created_at", "created_raw",
                 "tz", "permalink", "html", "text", "format", "status")


def default_path() -> Path:
    if env := os.environ.get("THREADPRESS_DB"):
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("threadpress")) / "archive.db"


@dataclass(frozen=True)
class IngestResult:
    thread_id: str
    added: int
    changed: int
    unchanged: int
    edges_changed: bool

    @property
    def wrote(self) -> bool:
        return bool(self.added or self.changed or self.edges_changed)


@dataclass(frozen=True)
class ThreadSummary:
    id: str
    source: str
    title: str
    url: str | None
    comments: int
    authors: int
    first_comment: str | None
    last_comment: str | None


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Store:
    def __init__(self, path: str | Path, *, readonly: bool = False):
        self.path = Path(path)
        try:
            if not readonly:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            uri = f"file:{self.path}?mode=ro" if readonly else f"file:{self.path}"
            self.conn = sqlite3.connect(uri, uri=True, timeout=10, isolation_level=None,
                                        check_same_thread=False)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA foreign_keys = ON")
            self.conn.execute("PRAGMA busy_timeout = 10000")
            if not readonly:
                self.conn.execute("PRAGMA journal_mode = WAL")
                self._migrate()
        except sqlite3.DatabaseError as e:
            raise StoreError(f"{self.path}: cannot open the archive ({e})") from None

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- schema ---------------------------------------------------------------------------
    def _migrate(self) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        for number, (_name, sql) in enumerate(MIGRATIONS, 1):
            if number <= version:
                continue
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                for statement in _statements(sql):
                    self.conn.execute(statement)
                self.conn.execute(f"PRAGMA user_version = {number}")
                self.conn.execute("COMMIT")
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise

    @property
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    # -- writing ----------------------------------------------------------------------------
    def ingest(self, thread: Thread) -> IngestResult:
        """Store a thread in one transaction; unchanged comments are not touched."""
        now = _now()
        c = self.conn
        c.execute("BEGIN IMMEDIATE")
        try:
            result = self._ingest(thread, now)
            c.execute("COMMIT")
        except BaseException:
            c.execute("ROLLBACK")
            raise
        return result

    def ingest_in_transaction(self, thread: Thread, *, now: str | None = None) -> IngestResult:
        """Store a thread inside a transaction the caller opened (with other writes of its own)."""
        if not self.conn.in_transaction:
            raise StoreError(f"{self.path}: ingest_in_transaction needs an open transaction")
        return self._ingest(thread, now or _now())

    def _ingest(self, thread: Thread, now: str) -> IngestResult:
        c = self.conn
        row = c.execute("SELECT * FROM threads WHERE id = ?", (thread.id,)).fetchone()
        fields = (thread.source, thread.url, thread.title, thread.author, iso_utc(thread.published_at),
                  thread.body_html, json.dumps(thread.meta, sort_keys=True, default=str))
        if row is None:
            c.execute("INSERT INTO threads (source, url, title, author, published_at, body_html, meta,"
                      " first_ingested, last_changed, id) VALUES (?,?,?,?,?,?,?,?,?,?)",
                      (*fields, now, now, thread.id))
        existing = {r["id"]: r for r in c.execute(
            "SELECT id, version, content_hash, number FROM comments WHERE thread_id = ?", (thread.id,))}
        added = changed = unchanged = 0
        for com in thread.comments:
            h = com.content_hash
            values = _comment_values(com)
            old = existing.get(com.id)
            if old is None:
                c.execute(f"INSERT INTO comments (thread_id, {', '.join(_COMMENT_COLS)}, version, content_hash,"
                          f" first_seen) VALUES (?, {', '.join('?' * len(_COMMENT_COLS))}, 1, ?, ?)",
                          (thread.id, *values, h, now))
                self._version(thread.id, com, 1, h, now)
                added += 1
            elif old["content_hash"] != h:
                version = old["version"] + 1
                sets = ", ".join(f"{col} = ?" for col in _COMMENT_COLS[1:])
                c.execute(f"UPDATE comments SET {sets}, version = ?, content_hash = ? WHERE thread_id = ? AND id = ?",
                          (*values[1:], version, h, thread.id, com.id))
                self._version(thread.id, com, version, h, now)
                changed += 1
            else:
                if old["number"] != com.number:  # renumbered by deletions upstream; not a new version
                    c.execute("UPDATE comments SET number = ? WHERE thread_id = ? AND id = ?",
                              (com.number, thread.id, com.id))
                unchanged += 1
        edges_changed = self._edges(thread)
        if row is not None and (added or changed or edges_changed or tuple(row[k] for k in (
                "source", "url", "title", "author", "published_at", "body_html", "meta")) != fields):
            c.execute("UPDATE threads SET source=?, url=?, title=?, author=?, published_at=?, body_html=?, meta=?,"
                      " last_changed=? WHERE id=?", (*fields, now, thread.id))
        return IngestResult(thread.id, added, changed, unchanged, edges_changed)

    def _version(self, thread_id: str, com: Comment, version: int, h: str, now: str) -> None:
        self.conn.execute(
            "INSERT INTO comment_versions (thread_id, comment_id, version, author, html, text, status,"
            " content_hash, seen_at) VALUES (?,?,?,?,?,?,?,?,?)",
            (thread_id, com.id, version, com.author, com.html, com.text, com.status, h, now))

    def _edges(self, thread: Thread) -> bool:
        new = [(com.id, e.target_id, e.how, round(e.confidence, 6), e.evidence, i)
               for com in thread.comments for i, e in enumerate(com.parents)]
        old = [tuple(r) for r in self.conn.execute(
            "SELECT source_id, target_id, how, confidence, evidence, ord FROM edges WHERE thread_id = ?"
            " ORDER BY source_id, ord", (thread.id,))]
        if sorted(old) == sorted(new):
            return False
        self.conn.execute("DELETE FROM edges WHERE thread_id = ?", (thread.id,))
        self.conn.executemany(
            "INSERT INTO edges (thread_id, source_id, target_id, how, confidence, evidence, ord)"
            " VALUES (?,?,?,?,?,?,?)", [(thread.id, *e) for e in new])
        return True

    # -- reading ----------------------------------------------------------------------------
    def resolve_id(self, ref: str) -> str | None:
        """A stored thread id from its full id, its hash part, or a unique prefix of either."""
        rows = self.conn.execute(
            "SELECT id FROM threads WHERE id = ? OR id LIKE ? ESCAPE '\\' OR id LIKE ? ESCAPE '\\'",
            (ref, _like(ref) + "%", "%:" + _like(ref) + "%")).fetchall()
        ids = sorted({r["id"] for r in rows})
        if ref in ids:
            return ref
        if len(ids) > 1:
            raise NotFound(f"{ref}: matches several stored threads ({', '.join(ids[:5])})")
        return ids[0] if ids else None

    def load_thread(self, thread_id: str) -> Thread:
        row = self.conn.execute("SELECT * FROM threads WHERE id = ?", (thread_id,)).fetchone()
        if row is None:
            raise NotFound(f"{thread_id}: no such thread in {self.path}")
        edges: dict[str, list[ReplyEdge]] = {}
        for e in self.conn.execute("SELECT * FROM edges WHERE thread_id = ? ORDER BY source_id, ord", (thread_id,)):
            edges.setdefault(e["source_id"], []).append(
                ReplyEdge(e["target_id"], e["how"], e["confidence"], e["evidence"]))
        comments = [
            Comment(id=r["id"], number=r["number"], author=r["author"], created_at=parse_iso(r["created_at"]),
                    html=r["html"], text=r["text"], created_raw=r["created_raw"] or "", tz=r["tz"] or "unknown",
                    permalink=r["permalink"], author_id=r["author_id"], author_url=r["author_url"],
                    format=r["format"] or "html", status=r["status"], parents=edges.get(r["id"], []))
            for r in self.conn.execute(
                "SELECT * FROM comments WHERE thread_id = ? ORDER BY number IS NULL, number, created_at, pk",
                (thread_id,))
        ]
        return Thread(id=row["id"], source=row["source"], url=row["url"], title=row["title"] or "",
                      comments=comments, author=row["author"], published_at=parse_iso(row["published_at"]),
                      body_html=row["body_html"] or "", meta=json.loads(row["meta"] or "{}"))

    def threads(self) -> list[ThreadSummary]:
        rows = self.conn.execute("""
            SELECT t.id, t.source, t.title, t.url, count(c.pk) AS n, count(DISTINCT c.author) AS a,
                   min(c.created_at) AS first, max(c.created_at) AS last
            FROM threads t LEFT JOIN comments c ON c.thread_id = t.id
            GROUP BY t.id ORDER BY t.first_ingested, t.id""").fetchall()
        return [ThreadSummary(r["id"], r["source"], r["title"] or "", r["url"], r["n"], r["a"], r["first"], r["last"])
                for r in rows]

    def versions(self, thread_id: str, comment_id: str) -> list[dict]:
        return [dict(r) for r in self.conn.execute(
            "SELECT version, author, html, text, status, seen_at FROM comment_versions"
            " WHERE thread_id = ? AND comment_id = ? ORDER BY version", (thread_id, comment_id))]

    def counts(self) -> dict[str, int]:
        return {t: self.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("threads", "comments", "comment_versions", "edges")}


def _comment_values(c: Comment) -> tuple:
    return (c.id, c.number, c.author, c.author_id, c.author_url, iso_utc(c.created_at), c.created_raw,
            c.tz, c.permalink, c.html, c.text, c.format, c.status)


def _like(s: str) -> str:
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _statements(sql: str) -> list[str]:
    """Split a migration script into statements (triggers hold inner semicolons)."""
    out, buf = [], ""
    for line in sql.strip().splitlines():
        buf += line + "\n"
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out
