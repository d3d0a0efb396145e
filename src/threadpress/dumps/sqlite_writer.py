"""`_SqliteWriter`: one batch of dump records into the archive per transaction (threads, comments,
versions, edges, pending threads, checkpoint), and the SQL it runs."""

from __future__ import annotations

import json
from collections.abc import Callable

import orjson

from ..model import Comment, Thread, iso_utc
from ..sources.reddit_dump import build_thread
from ..store import _COMMENT_COLS, Store, _comment_values, _now
from .reading import FileIdentity

_CP_KEY = "path = ? AND size = ? AND mtime_ns = ? AND head_sha256 = ?"
# New comments, versions and edges go in one INSERT ... SELECT per batch, from a JSON array of rows:
# the FTS5 triggers on `comments` cost ~5x more when each row is a statement of its own (SQLite 3.40).
def _from_json(table: str, columns: str, n: int, extra: str = "") -> str:
    values = ", ".join(f"value ->> {i}" for i in range(n))
    return f"INSERT INTO {table} ({columns}) SELECT {values}{extra} FROM json_each(?)"


_INSERT_COMMENT = _from_json("comments", f"thread_id, {', '.join(_COMMENT_COLS)}, content_hash, first_seen, version",
                             len(_COMMENT_COLS) + 3, ", 1")
# `number` is left alone on update: the thread is renumbered at the end.
_UPDATE_COLS = [col for col in _COMMENT_COLS[1:] if col != "number"]
_UPDATE_COMMENT = (f"UPDATE comments SET {', '.join(f'{col} = ?' for col in _UPDATE_COLS)}, version = ?,"
                   " content_hash = ? WHERE thread_id = ? AND id = ?")
_INSERT_VERSION = _from_json("comment_versions",
                             "thread_id, comment_id, version, author, html, text, status, content_hash, seen_at", 9)
_INSERT_EDGES = _from_json("edges", "thread_id, source_id, target_id, how, confidence, evidence, ord", 7).replace(
    "INSERT INTO", "INSERT OR REPLACE INTO")
_THREAD_COLS = "id, source, url, title, author, published_at, body_html, meta, first_ingested, last_changed"
_EXISTING = ("SELECT c.thread_id, c.id, c.version, c.content_hash FROM json_each(?) AS j"
             " JOIN comments AS c ON c.thread_id = j.value ->> 0 AND c.id = j.value ->> 1")
#: Posting order: time, then id (base-36 ids grow with time: shorter is older).
_NUMBER = """
    UPDATE comments SET number = r.n
    FROM (SELECT pk, row_number() OVER (PARTITION BY thread_id
                                        ORDER BY created_at IS NULL, created_at, length(id), id) AS n
          FROM comments WHERE thread_id IN (SELECT thread_id FROM dump_pending)) AS r
    WHERE comments.pk = r.pk AND comments.number IS NOT r.n
"""


class _SqliteWriter:
    """One transaction per batch: threads, comments, versions, edges, pending threads, checkpoint."""

    def __init__(self, store: Store, ident: FileIdentity, source: str) -> None:
        self.conn = store.conn
        self.ident = ident
        self.key = (ident.path, ident.size, ident.mtime_ns, ident.head_sha256)
        self.source = source
        self.added = self.changed = self.unchanged = self.submissions = 0

    def checkpoint(self) -> tuple[bool, int]:
        row = self.conn.execute(f"SELECT done, lines FROM dump_checkpoints WHERE {_CP_KEY}", self.key).fetchone()
        return (bool(row[0]), row[1]) if row else (False, 0)

    def _transaction(self, body: Callable[[], None]) -> None:
        c = self.conn
        c.execute("BEGIN IMMEDIATE")
        try:
            body()
            c.execute("COMMIT")
        except BaseException:
            if c.in_transaction:
                c.execute("ROLLBACK")
            raise

    def write(self, items: list[tuple], upto_line: int) -> None:
        self._transaction(lambda: self._write(items, upto_line))

    def finish(self, lines: int) -> int:
        box = [0]

        def body() -> None:
            c = self.conn
            box[0] = c.execute("SELECT count(*) FROM dump_pending").fetchone()[0]
            if box[0]:
                c.execute(_NUMBER)
                c.execute("DELETE FROM dump_pending")
            self._checkpoint(lines, 0, _now(), done=True)

        self._transaction(body)
        return box[0]

    def _checkpoint(self, lines: int, comments: int, now: str, *, done: bool = False) -> None:
        c = self.conn
        if lines == 0 and not done:
            return
        c.execute(
            "INSERT INTO dump_checkpoints (path, size, mtime_ns, head_sha256, source, lines, comments, done,"
            " started, updated) VALUES (?,?,?,?,?,?,?,?,?,?)"
            " ON CONFLICT (path, size, mtime_ns, head_sha256) DO UPDATE SET lines = excluded.lines,"
            " comments = comments + excluded.comments, done = excluded.done, updated = excluded.updated",
            (*self.key, self.source, lines, comments, int(done), now, now))
        # A checkpoint left by an earlier version of this file can never resume: drop it.
        c.execute("DELETE FROM dump_checkpoints WHERE path = ? AND done = 0 AND NOT (" + _CP_KEY + ")",
                  (self.key[0], *self.key))

    def _write(self, items: list[tuple], upto_line: int) -> None:
        c = self.conn
        now = _now()
        # Threads, as first seen: from a comment (no title) unless a submission record says more.
        first_seen: dict[str, tuple] = {}
        submissions: list[tuple] = []
        comments: list[tuple[str, Comment]] = []
        for tid, x in items:
            if tid == "submission":
                sid = x.get("id")
                if isinstance(sid, str) and sid:
                    submissions.append(self._thread_row(build_thread(f"reddit:{sid}", [], submission=x), now))
                continue
            comments.append((tid, x))
            if tid not in first_seen:
                first_seen[tid] = self._thread_row(build_thread(tid, [_copy_for_thread(x)]), now)
        if first_seen:
            c.executemany(f"INSERT INTO threads ({_THREAD_COLS}) VALUES (?,?,?,?,?,?,?,?,?,?)"
                          " ON CONFLICT (id) DO NOTHING", list(first_seen.values()))
        for row in submissions:
            c.execute(
                f"INSERT INTO threads ({_THREAD_COLS}) VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT (id) DO UPDATE SET"
                " source = excluded.source, url = excluded.url, title = excluded.title, author = excluded.author,"
                " published_at = excluded.published_at, body_html = excluded.body_html, meta = excluded.meta,"
                " last_changed = excluded.last_changed"
                " WHERE (source, url, title, author, published_at, body_html, meta) IS NOT"
                " (excluded.source, excluded.url, excluded.title, excluded.author, excluded.published_at,"
                "  excluded.body_html, excluded.meta)", row)
        self.submissions += len(submissions)

        existing: dict[tuple[str, str], tuple[int, str]] = {}
        if comments:
            keys = orjson.dumps([(tid, com.id) for tid, com in comments]).decode()
            existing = {(r[0], r[1]): (r[2], r[3]) for r in c.execute(_EXISTING, (keys,))}
        inserts, updates, versions, edges, edge_resets = [], [], [], [], []
        touched: set[str] = set()
        for tid, com in comments:
            h = com.content_hash
            key = (tid, com.id)
            old = existing.get(key)
            if old is None:
                version = 1
                inserts.append((tid, *_comment_values(com), h, now))  # version 1: the SELECT adds it
                self.added += 1
            elif old[1] != h:
                version = old[0] + 1
                values = _comment_values(com)
                updates.append((*(v for col, v in zip(_COMMENT_COLS, values) if col in _UPDATE_SET),
                                version, h, tid, com.id))
                edge_resets.append(key)
                self.changed += 1
            else:
                self.unchanged += 1
                continue
            existing[key] = (version, h)
            touched.add(tid)
            versions.append((tid, com.id, version, com.author, com.html, com.text, com.status, h, now))
            edges.extend((tid, com.id, e.target_id, e.how, round(e.confidence, 6), e.evidence, i)
                         for i, e in enumerate(com.parents))
        if inserts:
            c.execute(_INSERT_COMMENT, (orjson.dumps(inserts),))
        if updates:
            c.executemany(_UPDATE_COMMENT, updates)
        if versions:
            c.execute(_INSERT_VERSION, (orjson.dumps(versions),))
        if edge_resets:
            c.executemany("DELETE FROM edges WHERE thread_id = ? AND source_id = ? AND how = 'platform'",
                          edge_resets)
        if edges:
            c.execute(_INSERT_EDGES, (orjson.dumps(edges),))
        if touched:
            rows = [(t,) for t in sorted(touched)]
            c.executemany("INSERT OR IGNORE INTO dump_pending (thread_id) VALUES (?)", rows)
            c.executemany("UPDATE threads SET last_changed = ? WHERE id = ? AND last_changed IS NOT ?",
                          [(now, t, now) for (t,) in rows])
        self._checkpoint(upto_line, len(comments), now)

    def _thread_row(self, t: Thread, now: str) -> tuple:
        return (t.id, self.source, t.url, t.title, t.author, iso_utc(t.published_at), t.body_html,
                json.dumps(t.meta, sort_keys=True, default=str), now, now)


_UPDATE_SET = frozenset(_UPDATE_COLS)


def _copy_for_thread(com: Comment) -> Comment:
    """build_thread numbers the comments it is given; give it a throwaway with the permalink only."""
    return Comment(id=com.id, number=None, author="", created_at=None, html="", text="", permalink=com.permalink)
