"""The Parquet files: finished batches sorted by thread, held, and written every BUFFER_BYTES as one
file per thread (`_FlushWriter`), with the encoding options of each column."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .arrow_columns import _finish, _schema

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
