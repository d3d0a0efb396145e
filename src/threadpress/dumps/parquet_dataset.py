"""`write_dump_parquet`: a dump as a Hive-partitioned Parquet dataset, decoded in this thread and
written in another."""

from __future__ import annotations

import json
import operator
import os
import queue
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

import orjson

from ..errors import InputError
from ..store import _now
from .arrow_columns import _raw_batch
from .line_errors import _bad_json, _not_comment, _not_object
from .parquet_files import _FlushWriter
from .reading import _chunks, _gc_paused, _open, identify
from .result import DumpResult, Progress
from .staging import MARKER, _check_target, _remove_stale, _Staging, _swap_into_place

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

#: Rows decoded into Python lists before they become Arrow arrays.
CONVERT_ROWS = 8192
#: A Parquet batch is cut early after this many bytes of lines (bounds memory on huge bodies).
BATCH_BYTES = 32 << 20
#: sys.setswitchinterval while writing Parquet (restored after): the writer thread takes the GIL
#: back after each Arrow call, and would otherwise wait up to the default 5 ms for the decoding thread.
SWITCH_INTERVAL = 0.0001


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
