"""State shared by commands: the archive path, opened only when a command needs it."""

from __future__ import annotations

import sys
from pathlib import Path

from ..store import Store, default_path


class AppContext:
    def __init__(self, db: str | None):
        self.db_path = Path(db) if db else default_path()
        self._store: Store | None = None

    def store(self) -> Store:
        """The archive, created if missing (commands that write)."""
        if self._store is None:
            self._store = Store(self.db_path)
        return self._store

    def existing_store(self) -> Store | None:
        """The archive if it exists (commands that only look a thread id up never create one)."""
        if self._store is None and self.db_path.exists():
            self._store = Store(self.db_path)
        return self._store

    def load(self, ref: str, *, source: str | None = None, select: str | None = None, infer: bool = False,
             min_confidence: float | None = None):
        """SOURCE to a resolved thread; inferred edges below their default threshold are dropped
        unless --min-confidence asked for another."""
        from ..digest import apply_default_thresholds
        from ..load import load

        thread = load(ref, source=source, select=select, infer=infer, stdin=sys.stdin.buffer,
                      store_opener=self.existing_store)
        return apply_default_thresholds(thread, min_confidence)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
