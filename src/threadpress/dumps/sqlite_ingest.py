"""`ingest_dump_sqlite`: a dump streamed into the archive, a batch per transaction, resumably."""

from __future__ import annotations

import os
import time

import orjson

from ..errors import InputError
from ..sources.reddit_dump import NAME, _comment, _is_submission
from ..store import Store
from .line_errors import _bad_json, _not_comment, _not_object
from .reading import _chunks, _gc_paused, _open, identify
from .result import DumpResult, Progress
from .sqlite_writer import _SqliteWriter

#: SQLite page cache during a dump ingest (KiB, as PRAGMA cache_size takes negative values).
CACHE_KIB = 64 << 10


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
