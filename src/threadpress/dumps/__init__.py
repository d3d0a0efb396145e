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

from .parquet_dataset import write_dump_parquet
from .reading import FileIdentity, identify
from .result import DumpResult
from .sqlite_ingest import ingest_dump_sqlite

__all__ = ["DumpResult", "FileIdentity", "identify", "ingest_dump_sqlite", "write_dump_parquet"]
