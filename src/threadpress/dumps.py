"""Streaming ingest of big Reddit dumps (Pushshift / Arctic Shift NDJSON, plain or .zst), design §6-§7.

Two sinks, both in constant memory, both safe to interrupt:

- `ingest_dump_sqlite(store, path)` writes into the archive one batch per transaction. A checkpoint
  row (`dump_checkpoints`: the file's path, size, mtime and a hash of its first 64 KiB, plus the
  number of lines committed) is written in the same transaction as each batch, so a killed run
  resumes after the last committed batch without duplicates, and a file already ingested to the
  end is not read again. Comments follow `Store.ingest`: an unchanged comment is not touched, a
  changed one gets a new version. Threads that received comments are listed in `dump_pending`
  (same transaction) and numbered at the end, in SQL, by posting order.
- `write_dump_parquet(path, out_dir)` writes one row per comment into a Hive-partitioned Parquet
  dataset (`thread_id=...` directories), built in a hidden sibling directory and renamed into place
  only when complete. A run that is killed leaves only that hidden directory, removed by the next run.

Nothing here prints: `progress(bytes_read, comments)` is called as the file is read (`bytes_read`
counts bytes of the file itself, compressed or not, so it runs up to the file's size).
The field semantics are those of `sources.reddit_dump` (created_utc as int, float or string → UTC;
`[deleted]`/`[removed]` bodies → status; Arctic Shift `_meta.removal_type`).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import functools
import gc
import hashlib
import json
import operator
import os
import queue
import secrets
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

import orjson
import zstandard

from .errors import InputError, ThreadpressError
from .model import Comment, Thread, iso_utc
from .sources.reddit_dump import (
    _REMOVAL,
    BASE,
    MAX_WINDOW,
    NAME,
    TOMBSTONES,
    ZSTD_MAGIC,
    _comment,
    _is_submission,
    _unescape,
    build_thread,
)
from .store import _COMMENT_COLS, Store, _comment_values, _now

Progress = Callable[[int, int], None]

#: Bytes of decompressed text read at a time; `progress` is called after each chunk.
CHUNK = 1 << 20
#: Chunks read and decompressed ahead of the parsing.
PREFETCH = 8
#: The identity of a dump file includes a hash of this many leading bytes.
HEAD_BYTES = 1 << 16
#: Rows decoded into Python lists before they become Arrow arrays.
CONVERT_ROWS = 8192
#: A Parquet batch is cut early after this many bytes of lines (bounds memory on huge bodies).
BATCH_BYTES = 32 << 20
#: SQLite page cache during a dump ingest (KiB, as PRAGMA cache_size takes negative values).
CACHE_KIB = 64 << 10
#: Raw Arrow data collected before a flush writes it. Each flush writes one file (one row group) per
#: thread it holds, so bigger means fewer, larger files, and more memory (about 3x this at the peak).
BUFFER_BYTES = 32 << 20
#: zstd level 1 on the columns that carry the bytes; snappy on the dictionary-encoded ones, which are
#: small: its codec is cheaper to set up, and there is a file per thread and flush (many small files).
ZSTD_COLUMNS = frozenset({"id", "parent_id", "created_at", "created_raw", "text", "score", "permalink"})
#: Columns dictionary-encoded (few distinct values); trying it on ids and bodies only costs time.
DICTIONARY = ("author", "author_id", "tz", "status", "format", "subreddit")
#: Columns written without min/max statistics (long strings: large footers, little use).
NO_STATISTICS = frozenset({"text", "permalink", "created_raw"})
#: sys.setswitchinterval while writing Parquet (restored after): the writer thread takes the GIL
#: back after each Arrow call, and would otherwise wait up to the default 5 ms for the decoding thread.
SWITCH_INTERVAL = 0.0001
MARKER = "_threadpress.json"  # pyarrow.dataset skips names starting with "_" or "."


@dataclass(frozen=True)
class FileIdentity:
    """How a dump file is recognised again: a changed file is a new ingest, never a resumed one."""

    path: str
    size: int
    mtime_ns: int
    head_sha256: str


@dataclass(frozen=True)
class DumpResult:
    path: str
    #: Comment records read in this run (after any resume point).
    comments: int
    #: Threads written: Parquet partitions, or archive threads that got new or changed comments.
    threads: int
    #: Lines of the file read in this run, and lines skipped because an earlier run committed them.
    lines: int = 0
    resumed_from: int = 0
    #: Bad lines skipped (`skip_bad=True` only).
    skipped_bad: int = 0
    #: SQLite only, as in Store.ingest.
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    submissions: int = 0
    #: The file was already ingested to the end (SQLite) or written to this output (Parquet): nothing done.
    already_done: bool = False
    output: str | None = None
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        """Comments per second."""
        return self.comments / self.seconds if self.seconds > 0 else 0.0


# -- reading ----------------------------------------------------------------------------------

def _open(path: str | os.PathLike) -> tuple[IO[bytes], str]:
    name = os.fspath(path)
    try:
        fh = open(name, "rb")  # noqa: SIM115 - the callers close it
    except OSError as exc:
        raise InputError(f"{name}: cannot open ({exc.strerror})") from None
    if not os.path.isfile(name):
        fh.close()
        raise InputError(f"{name}: not a file")
    return fh, name


def identify(fh: IO[bytes], name: str) -> FileIdentity:
    st = os.fstat(fh.fileno())
    fh.seek(0)
    head = fh.read(HEAD_BYTES)
    fh.seek(0)
    return FileIdentity(os.path.realpath(name), st.st_size, st.st_mtime_ns, hashlib.sha256(head).hexdigest())


def _read(fh: IO[bytes], name: str) -> Iterator[tuple[list[bytes], int]]:
    """(lines, bytes of the file read so far), a list of lines per chunk read (plain or zstd, any
    number of frames, long windows)."""
    fh.seek(0)
    reader: Any = fh
    if fh.read(4) == ZSTD_MAGIC:
        fh.seek(0)
        dctx = zstandard.ZstdDecompressor(max_window_size=MAX_WINDOW)
        reader = dctx.stream_reader(fh, read_size=CHUNK, read_across_frames=True)
    else:
        fh.seek(0)
    rest = b""
    first = True
    try:
        while chunk := reader.read(CHUNK):
            lines = chunk.split(b"\n")
            if rest:
                lines[0] = rest + lines[0]  # copy the partial line only, not the chunk
            rest = lines.pop()
            if first and lines:
                first = False
                if lines[0].startswith(b"\xef\xbb\xbf"):
                    lines[0] = lines[0][3:]
            yield lines, fh.tell()
    except zstandard.ZstdError as exc:
        raise InputError(f"{name}: cannot decompress the zstd data ({exc})") from None
    if rest:
        if first and rest.startswith(b"\xef\xbb\xbf"):
            rest = rest[3:]
        yield [rest], fh.tell()


_END = object()


def _chunks(fh: IO[bytes], name: str) -> Iterator[tuple[list[bytes], int]]:
    """`_read`, run ahead in a thread of its own: zstd decompresses with the GIL released, so it
    overlaps the parsing here. At most PREFETCH chunks wait; errors arrive in order."""
    todo: queue.Queue = queue.Queue(maxsize=PREFETCH)
    stop = threading.Event()

    def hand(item: object) -> bool:
        while not stop.is_set():
            try:
                todo.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def run() -> None:
        try:
            for item in _read(fh, name):
                if not hand(item):
                    return
            hand(_END)
        except BaseException as exc:  # noqa: BLE001 - raised again in the consuming thread
            hand(exc)

    reader = threading.Thread(target=run, name="threadpress-read", daemon=True)
    reader.start()
    try:
        while (item := todo.get()) is not _END:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        reader.join()


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """The decoders keep many small containers alive (rows, records): the cyclic collector would
    scan them over and over for nothing (nothing here makes cycles; reference counting frees it all)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _bad_json(name: str, lineno: int, exc: Exception) -> InputError:
    return InputError(f"{name}: line {lineno} is not valid JSON ({exc})")


def _not_object(name: str, lineno: int) -> InputError:
    return InputError(f"{name}: line {lineno} is not a JSON object")


def _not_comment(name: str, lineno: int) -> InputError:
    return InputError(f"{name}: line {lineno} is not a Reddit comment (no id or link_id)")


# -- SQLite -----------------------------------------------------------------------------------

def ingest_dump_sqlite(
    store: Store,
    path: str | os.PathLike,
    *,
    source_name: str = NAME,
    batch: int = 5000,
    progress: Progress | None = None,
    skip_bad: bool = False,
) -> DumpResult:
    """Stream a dump into the archive, `batch` records per transaction, resumably.

    Re-running after an interruption continues after the last committed batch; running again on a
    file that was ingested to the end reads nothing and writes nothing. A bad line raises InputError
    naming the file and line (the batches before it stay committed; a re-run stops at the same line
    unless `skip_bad`).
    """
    if batch < 1:
        raise ValueError("batch must be at least 1")
    t0 = time.perf_counter()
    fh, name = _open(path)
    with fh, _gc_paused():
        ident = identify(fh, name)
        if ident.size == 0:
            raise InputError(f"{name}: the input is empty")
        writer = _SqliteWriter(store, ident, source_name)
        done, start = writer.checkpoint()
        if done:
            return DumpResult(name, 0, 0, resumed_from=start, already_done=True,
                              seconds=time.perf_counter() - t0)
        report = progress or (lambda _b, _c: None)
        items: list[tuple] = []
        lineno = comments = bad = 0
        loads, decode_error = orjson.loads, orjson.JSONDecodeError
        old_cache = store.conn.execute("PRAGMA cache_size").fetchone()[0]
        store.conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        chunks = _chunks(fh, name)
        try:
            for lines, position in chunks:
                if lineno + len(lines) <= start:  # committed by an earlier run
                    lineno += len(lines)
                    report(position, 0)
                    continue
                for line in lines:
                    lineno += 1
                    if lineno <= start:
                        continue
                    try:
                        obj = loads(line)
                    except decode_error as exc:
                        if not line.strip():
                            continue
                        if skip_bad:
                            bad += 1
                            continue
                        raise _bad_json(name, lineno, exc) from None
                    if type(obj) is not dict:
                        if skip_bad:
                            bad += 1
                            continue
                        raise _not_object(name, lineno)
                    if _is_submission(obj):
                        items.append(("submission", obj))
                    else:
                        item = _comment(obj)
                        if item is None:
                            if skip_bad:
                                bad += 1
                                continue
                            raise _not_comment(name, lineno)
                        items.append(item)
                        comments += 1
                    if len(items) >= batch:
                        writer.write(items, lineno)
                        items = []
                        report(position, comments)
                report(position, comments)
            writer.write(items, lineno)
            items = []
            threads = writer.finish(lineno)
        finally:
            chunks.close()  # stops the reading thread before the file closes
            store.conn.execute(f"PRAGMA cache_size = {old_cache}")
        report(ident.size, comments)
    return DumpResult(name, comments, threads, lines=max(lineno - start, 0), resumed_from=start,
                      skipped_bad=bad, added=writer.added, changed=writer.changed, unchanged=writer.unchanged,
                      submissions=writer.submissions, seconds=time.perf_counter() - t0)


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


# -- Parquet ----------------------------------------------------------------------------------
#
# Three threads, so that two cores overlap:
#   1. `_chunks` reads and decompresses ahead (zstd releases the GIL);
#   2. this thread parses each line (orjson), picks the raw field values out (one itemgetter call),
#      checks id/link_id (so that an error names its line) and, every CONVERT_ROWS rows, turns them
#      into Arrow arrays (`_raw_batch`, where the semantics that need Python are applied: created_utc
#      that is not a whole number of seconds, bodies: unescaping, tombstones);
#   3. the writer thread applies the rest of the field semantics to each batch's columns (`_finish`:
#      Arrow kernels, which release the GIL), sorts it by thread, and every BUFFER_BYTES writes one
#      file per thread it holds (`_FlushWriter`).
# Within a thread, rows keep file order: files are numbered by flush, so path order is file order.

@functools.cache
def _schema() -> Any:
    import pyarrow as pa

    return pa.schema([
        ("thread_id", pa.string()),  # the partition key: in the directory names, not in the files
        ("id", pa.string()),
        ("parent_id", pa.string()),  # the comment it answers; null for a top-level comment
        ("author", pa.string()),
        ("author_id", pa.string()),
        ("created_at", pa.timestamp("us", tz="UTC")),
        ("created_raw", pa.string()),
        ("tz", pa.string()),
        ("status", pa.string()),
        ("format", pa.string()),
        ("text", pa.string()),
        ("score", pa.int64()),
        ("subreddit", pa.string()),
        ("permalink", pa.string()),
    ])


@functools.cache
def _raw_schema() -> Any:
    import pyarrow as pa

    s, large = pa.string(), pa.large_string()
    return pa.schema([("id", s), ("link_id", s), ("parent_id", s), ("author", s), ("author_fullname", s),
                      ("created_at", pa.timestamp("us", tz="UTC")), ("created_raw", s), ("tz", s),
                      ("status", s), ("text", large), ("score", pa.int64()), ("subreddit", s), ("permalink", large)])


def _finish(raw: Any) -> Any:
    """The rest of reddit_dump's field semantics, over whole columns: raw table → `_schema()`."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n = raw.num_rows
    null = pa.scalar(None, pa.string())

    def nonempty(arr: Any) -> Any:
        return pc.if_else(pc.equal(arr, ""), null, arr)

    link = raw["link_id"]
    t3 = pc.starts_with(link, "t3_")
    stripped = pc.utf8_slice_codeunits(link, 3)
    k = pc.sum(t3).as_py() or 0
    link = stripped if k == n else link if k == 0 else pc.if_else(t3, stripped, link)
    parent = raw["parent_id"]
    tail = pc.utf8_slice_codeunits(parent, 3)
    parent = pc.if_else(pc.and_(pc.starts_with(parent, "t1_"), pc.not_equal(tail, "")), tail, null)
    sub = nonempty(raw["subreddit"])
    perm = raw["permalink"].cast(pa.string())
    rel = pc.fill_null(pc.starts_with(perm, "/"), False)
    k = pc.sum(rel).as_py() or 0
    full = pc.binary_join_element_wise(BASE, perm, "")
    if k < n:
        built = pc.binary_join_element_wise(f"{BASE}/r/", sub, "/comments/", link, "/_/", raw["id"], "/", "")
        full = built if k == 0 else pc.if_else(rel, full, built)
    columns = {
        "thread_id": pc.binary_join_element_wise("reddit:", link, ""),
        "id": raw["id"],
        "parent_id": parent,
        "author": pc.fill_null(raw["author"], ""),
        "author_id": nonempty(raw["author_fullname"]),
        "created_at": raw["created_at"],
        "created_raw": raw["created_raw"],
        "tz": raw["tz"],
        "status": raw["status"],
        "format": pa.repeat(pa.scalar("markdown", pa.string()), n),
        "text": raw["text"].cast(pa.string()),
        "score": raw["score"],
        "subreddit": sub,
        "permalink": full,
    }
    schema = _schema()
    return pa.table([columns[f.name] for f in schema], schema=schema)


def _by_thread(table: Any) -> Iterator[tuple[str, Any]]:
    """(thread id, its rows without `thread_id`, in file order) for one batch: a stable sort, one
    gather (small: a batch), then zero-copy slices."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    threads = pc.dictionary_encode(table["thread_id"]).combine_chunks()
    codes = threads.indices.to_numpy(zero_copy_only=False)
    order = np.argsort(codes, kind="stable")
    rows = table.drop_columns(["thread_id"]).take(pa.array(order))
    start = 0
    for tid, end in zip(threads.dictionary.to_pylist(), np.cumsum(np.bincount(codes)).tolist()):
        yield tid, rows.slice(start, end - start)
        start = end


def write_dump_parquet(
    path: str | os.PathLike,
    out_dir: str | os.PathLike,
    *,
    batch_rows: int = 65536,
    progress: Progress | None = None,
    skip_bad: bool = False,
) -> DumpResult:
    """Write a dump as a Parquet dataset, one row per comment, Hive-partitioned by `thread_id`.

    The dataset is built in a hidden sibling of `out_dir` and renamed into place when complete, so
    `out_dir` is never half-written. An existing `out_dir` is replaced only if it is empty or an
    earlier output of this function; if it already holds this very file's output, nothing is done.
    Read it back with `pyarrow.dataset.dataset(out_dir, partitioning="hive")`.

    `batch_rows` bounds the rows decoded ahead of the writer; rows become Arrow arrays every
    min(CONVERT_ROWS, batch_rows) rows, and are written every BUFFER_BYTES.
    """
    if batch_rows < 1:
        raise ValueError("batch_rows must be at least 1")
    t0 = time.perf_counter()
    out = Path(out_dir)
    fh, name = _open(path)
    with fh, _gc_paused():
        ident = identify(fh, name)
        if ident.size == 0:
            raise InputError(f"{name}: the input is empty")
        previous = _check_target(out)
        if previous.get("source") == asdict(ident):
            return DumpResult(name, 0, previous.get("threads", 0), already_done=True, output=str(out),
                              seconds=time.perf_counter() - t0)
        out.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale(out)
        stats = _Stats()
        with _Staging(out) as tmp:
            batches = _parquet_batches(fh, name, batch_rows=batch_rows, skip_bad=skip_bad, progress=progress,
                                       stats=stats)
            interval = sys.getswitchinterval()
            sys.setswitchinterval(min(interval, SWITCH_INTERVAL))
            try:
                _write_partitioned(batches, tmp, batch_rows)
            finally:
                batches.close()  # its reading thread stops before the file closes
                sys.setswitchinterval(interval)
            if stats.rows == 0:
                raise InputError(f"{name}: no Reddit comments in the dump")
            threads = sum(1 for e in os.scandir(tmp) if e.is_dir())
            marker = {"format": "threadpress reddit-dump parquet", "version": 1, "source": asdict(ident),
                      "rows": stats.rows, "threads": threads, "written": _now()}
            (tmp / MARKER).write_text(json.dumps(marker, indent=1) + "\n", encoding="utf-8")
            _swap_into_place(tmp, out)
        if progress:
            progress(ident.size, stats.rows)
    return DumpResult(name, stats.rows, threads, lines=stats.lines, skipped_bad=stats.bad, output=str(out),
                      seconds=time.perf_counter() - t0)


@dataclass
class _Stats:
    rows: int = 0
    lines: int = 0
    bad: int = 0


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)
_MAX_SECONDS = 100_000_000_000  # from_epoch: above this a number is milliseconds


def _epoch_us(raw: Any) -> int | None:
    """times.from_epoch, as microseconds since the epoch (for the rare created_utc that is not an int)."""
    if raw is None or raw == "":
        return None
    try:
        n = float(raw)
    except (TypeError, ValueError):
        return None
    if n > 1e11:
        n /= 1000.0
    try:
        return (datetime.fromtimestamp(n, tz=UTC) - _EPOCH) // _US
    except (OverflowError, OSError, ValueError):
        return None


#: The fields a Parquet row is made of, fetched from each record by one C-level itemgetter call.
_FIELDS = ("id", "link_id", "parent_id", "author", "author_fullname", "created_utc", "body", "score",
           "subreddit", "permalink")


def _parquet_batches(fh: IO[bytes], name: str, *, batch_rows: int, skip_bad: bool,
                     progress: Progress | None, stats: _Stats) -> Iterator:
    """RecordBatches (`_raw_schema`) of at most min(CONVERT_ROWS, batch_rows) rows; no Comment objects."""
    chunks = _chunks(fh, name)
    try:
        yield from _decode(chunks, name, batch_rows, skip_bad, progress, stats)
    finally:
        chunks.close()  # stops the reading thread before the file closes


def _decode(chunks: Iterator, name: str, batch_rows: int, skip_bad: bool, progress: Progress | None,
            stats: _Stats) -> Iterator:
    loads, decode_error = orjson.loads, orjson.JSONDecodeError
    pick = operator.itemgetter(*_FIELDS)
    lineno = rows_total = 0
    rows: list[tuple] = []
    metas: list[tuple[int, Any]] = []  # (row, _meta) of the Arctic Shift records that have one
    # Python objects are several times the size of their Arrow form: every `limit` rows (or
    # BATCH_BYTES of lines) become a RecordBatch, handed on at once.
    limit = min(CONVERT_ROWS, batch_rows)
    line_bytes = 0
    for lines, position in chunks:
        for line in lines:
            lineno += 1
            try:
                obj = loads(line)
            except decode_error as exc:
                if not line.strip():
                    continue
                if skip_bad:
                    stats.bad += 1
                    continue
                raise _bad_json(name, lineno, exc) from None
            try:
                vals = pick(obj)
            except KeyError:  # a field missing: fine, unless it is a submission or not a comment
                if "parent_id" not in obj and "link_id" not in obj and "title" in obj:
                    continue
                vals = tuple(map(obj.get, _FIELDS))
            except TypeError:  # a JSON array, string or number
                if skip_bad:
                    stats.bad += 1
                    continue
                raise _not_object(name, lineno) from None
            cid, link = vals[0], vals[1]
            if type(cid) is not str or type(link) is not str or not cid or not link:
                if skip_bad:
                    stats.bad += 1
                    continue
                raise _not_comment(name, lineno)
            if "_meta" in obj:
                metas.append((len(rows), obj["_meta"]))
            rows.append(vals)
            if len(rows) >= limit:
                rows_total += len(rows)
                stats.rows, stats.lines = rows_total, lineno
                yield _raw_batch(rows, metas)
                rows, metas, line_bytes = [], [], 0
        stats.rows, stats.lines = rows_total + len(rows), lineno
        if progress:
            progress(position, stats.rows)
        line_bytes += sum(map(len, lines))
        if line_bytes >= BATCH_BYTES and rows:
            rows_total += len(rows)
            yield _raw_batch(rows, metas)
            rows, metas, line_bytes = [], [], 0
    if rows:
        rows_total += len(rows)
        stats.rows = rows_total
        yield _raw_batch(rows, metas)
    stats.rows, stats.lines = rows_total, lineno


def _strings(values: Any, *, large: bool = False) -> Any:
    """A string array; anything that is not a str becomes null. Long strings convert several times
    faster to large_string (pyarrow 26: ~100 ns instead of ~900 ns a body); `_finish` casts them."""
    import pyarrow as pa

    try:
        return pa.array(values, pa.large_string() if large else pa.string())
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        return _strings([v if type(v) is str else None for v in values], large=large)


def _ints(values: tuple) -> Any:
    """int64, null for anything that is not an int (bools and floats too), as reddit_dump does."""
    import pyarrow as pa

    try:
        arr = pa.array(values)
        if arr.type in (pa.int64(), pa.null()):
            return arr.cast(pa.int64())
    except (pa.ArrowTypeError, pa.ArrowInvalid, OverflowError):
        pass
    return pa.array([v if type(v) is int and -(1 << 63) <= v < (1 << 63) else None for v in values], pa.int64())


def _times(values: tuple) -> tuple[Any, Any, Any]:
    """created_utc → (created_at, created_raw, tz) with the semantics of times.from_epoch.

    The usual value, whole seconds as an int, is converted per column; anything else (floats,
    strings, milliseconds, missing) goes through `_epoch_us` one value at a time."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(values)
    arr = None
    try:
        arr = pa.array(values)
        if arr.type not in (pa.int64(), pa.null()):
            arr = None
    except (pa.ArrowTypeError, pa.ArrowInvalid, OverflowError):
        pass
    if arr is not None:
        arr = arr.cast(pa.int64())
        secs = arr.fill_null(-1).to_numpy()
        ok = (secs >= 0) & (secs <= _MAX_SECONDS)
        us = np.where(ok, secs * 1_000_000, 0)
        raw = pc.cast(arr, pa.string())
        odd = np.flatnonzero(~ok)
    else:
        ok = np.zeros(n, dtype=bool)
        us = np.zeros(n, dtype=np.int64)
        raw = None
        odd = np.arange(n)
    if len(odd):
        raws = raw.to_pylist() if raw is not None else [""] * n
        for i in odd.tolist():
            v = values[i]
            u = _epoch_us(v)
            if u is not None:
                us[i] = u
                ok[i] = True
            raws[i] = "" if v is None else str(v)
        raw = pa.array(raws, pa.string())
    created = pa.array(us, pa.int64(), mask=~ok).cast(pa.timestamp("us", tz="UTC"))
    tz = pc.if_else(pa.array(ok), "epoch", "unknown")
    return created, raw, tz


def _bodies(values: tuple, metas: list[tuple[int, Any]]) -> tuple[list, list | None]:
    """Bodies → (text, status), exactly as reddit_dump: &lt; &gt; &amp; undone; a tombstone
    ("[deleted]", "[removed]") is a status and no text; else Arctic Shift's `_meta.removal_type`."""
    if set(map(type, values)) == {str}:  # the usual case: find the few bodies to look at, at C speed
        texts = list(values)
        for i in [i for i, body in enumerate(texts) if "&" in body]:
            texts[i] = _unescape(texts[i])
    else:  # a body that is not a string (null, a number, a list...): no text
        texts = [_unescape(b) if b.__class__ is str else "" for b in values]
    short = [i for i, body in enumerate(texts) if len(body) < 16]
    status: list | None = None
    for i in short:
        if kind := TOMBSTONES.get(texts[i].strip()):
            texts[i] = ""
            if status is None:
                status = ["ok"] * len(texts)
            status[i] = kind
    for i, meta in metas:  # removed later, but the archived body survives
        if (status is None or status[i] == "ok") and type(meta) is dict:
            kind = meta.get("removal_type")
            if type(kind) is str:
                if status is None:
                    status = ["ok"] * len(texts)
                status[i] = _REMOVAL.get(kind, "ok")
    return texts, status


def _raw_batch(rows: list[tuple], metas: list[tuple[int, Any]]) -> Any:
    """Raw field values of comment records → a RecordBatch of `_raw_schema` (`_finish` does the rest)."""
    import pyarrow as pa

    n = len(rows)
    ids, links, parents, authors, fullnames, created, bodies, scores, subs, perms = zip(*rows)
    created_at, created_raw, tz = _times(created)
    texts, status = _bodies(bodies, metas)
    return pa.RecordBatch.from_arrays([
        pa.array(ids, pa.string()), pa.array(links, pa.string()), _strings(parents), _strings(authors),
        _strings(fullnames), created_at, created_raw, tz,
        pa.array(status, pa.string()) if status else pa.repeat(pa.scalar("ok", pa.string()), n),
        _strings(texts, large=True), _ints(scores), _strings(subs), _strings(perms, large=True),
    ], schema=_raw_schema())


class _FlushWriter:
    """Finishes each batch as it comes and sorts it by thread (`_by_thread`: the sorted copy replaces
    the raw batch); every BUFFER_BYTES, writes one file (one row group) per thread held:
    thread_id=<uri-escaped id>/part-<flush>.parquet.

    (Keeping each thread's file open across flushes, a row group per flush, was measured slower and
    bigger: an open writer holds its last row group's encoders.)
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.held: dict[str, list] = {}  # thread id -> slices of sorted batches, in file order
        self.bytes = 0
        self.flushes = 0
        columns = [f.name for f in _schema() if f.name != "thread_id"]
        self.options = {
            "compression": {c: "zstd" if c in ZSTD_COLUMNS else "snappy" for c in columns},
            "compression_level": {c: 1 for c in columns if c in ZSTD_COLUMNS},
            "use_dictionary": list(DICTIONARY),
            "write_statistics": [c for c in columns if c not in NO_STATISTICS],
            # The Parquet types read back as the same Arrow types (timestamps adjusted to UTC →
            # tz="UTC"); serializing the Arrow schema into every file only costs time.
            "store_schema": False,
        }

    def add(self, box: list) -> None:
        table = _finish(box.pop())
        self.bytes += table.nbytes
        for tid, rows in _by_thread(table):
            self.held.setdefault(tid, []).append(rows)
        if self.bytes >= BUFFER_BYTES:
            self.flush()

    def flush(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if not self.held:
            return
        held, self.held, self.bytes = self.held, {}, 0
        self.flushes += 1
        for tid in list(held):
            rows = pa.concat_tables(held.pop(tid))  # chunked, no copy; one row group all the same
            folder = self.root / f"thread_id={quote(tid, safe='')}"  # Hive, URI-escaped as pyarrow reads it
            folder.mkdir(exist_ok=True)
            pq.write_table(rows, folder / f"part-{self.flushes:06d}.parquet", row_group_size=1 << 30,
                           **self.options)


def _write_partitioned(batches: Iterator, root: Path, batch_rows: int) -> None:
    """Write the batches from a thread of their own: pyarrow works with the GIL released, so decoding
    here and finishing, encoding and compressing there overlap. At most `batch_rows` rows wait."""
    writer = _FlushWriter(root)
    todo: queue.Queue = queue.Queue(maxsize=max(1, batch_rows // min(CONVERT_ROWS, batch_rows)))
    failed: list[BaseException] = []

    def work() -> None:
        ended = False
        try:
            while (box := todo.get()) is not None:
                if not failed:
                    writer.add(box)
            ended = True
            if not failed:
                writer.flush()
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            failed.append(exc)
            while not ended and todo.get() is not None:  # let the producer finish or stop
                pass

    worker = threading.Thread(target=work, name="threadpress-parquet", daemon=True)
    worker.start()
    try:
        for batch in batches:
            if failed:
                break
            todo.put([batch])
            del batch
    except BaseException as exc:
        failed.append(exc)
        raise
    finally:
        todo.put(None)
        worker.join()
    if failed:
        raise failed[0]


# -- Parquet output directory: staged, locked, swapped into place ------------------------------

def _check_target(out: Path) -> dict:
    """The marker of an earlier output in `out`, {} if `out` is absent or empty; refuse anything else."""
    if not out.exists():
        return {}
    if not out.is_dir():
        raise ThreadpressError(f"{out}: exists and is not a directory")
    marker = out / MARKER
    if marker.is_file():
        try:
            return json.loads(marker.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
    if any(out.iterdir()):
        raise ThreadpressError(f"{out}: exists and is not a threadpress Parquet output; choose another directory")
    return {}


def _staging_prefix(out: Path) -> str:
    return f".{out.name}.partial-"


def _remove_stale(out: Path) -> None:
    """Remove staging directories of runs that were killed (their lock is free), never a live run's."""
    prefix = _staging_prefix(out)
    try:
        names = os.listdir(out.parent)
    except OSError:
        return
    locks = {n[:-5] for n in names if n.startswith(prefix) and n.endswith(".lock")}
    for n in names:
        if not n.startswith(prefix) or n.endswith(".lock"):
            continue
        if n in locks:
            continue  # judged through its lock below
        shutil.rmtree(out.parent / n, ignore_errors=True)  # no lock: its writer is gone
    for n in locks:
        lock_path = out.parent / (n + ".lock")
        try:
            fd = os.open(lock_path, os.O_RDWR)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                os.close(fd)
                continue  # a live run
            raise
        try:
            shutil.rmtree(out.parent / n, ignore_errors=True)
            lock_path.unlink(missing_ok=True)
        finally:
            os.close(fd)


class _Staging:
    """A hidden sibling directory, locked while we write it; removed on failure."""

    def __init__(self, out: Path) -> None:
        token = f"{os.getpid()}-{secrets.token_hex(4)}"
        self.dir = out.parent / f"{_staging_prefix(out)}{token}"
        self.lock = out.parent / f"{_staging_prefix(out)}{token}.lock"
        self.fd = -1

    def __enter__(self) -> Path:
        self.fd = os.open(self.lock, os.O_RDWR | os.O_CREAT, 0o644)  # the lock first, then the directory
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        self.dir.mkdir()
        return self.dir

    def __exit__(self, *exc: object) -> None:
        try:
            shutil.rmtree(self.dir, ignore_errors=True)  # gone already after a successful swap
            self.lock.unlink(missing_ok=True)
        finally:
            os.close(self.fd)


def _swap_into_place(tmp: Path, out: Path) -> None:
    if out.exists():
        old = out.parent / f"{_staging_prefix(out)}old-{secrets.token_hex(4)}"
        os.rename(out, old)
        os.rename(tmp, out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(tmp, out)


__all__ = ["DumpResult", "FileIdentity", "identify", "ingest_dump_sqlite", "write_dump_parquet"]
