"""What a dump ingest reports: `DumpResult` at the end, and `Progress` calls while it reads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

Progress = Callable[[int, int], None]


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
