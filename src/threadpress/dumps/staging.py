"""The Parquet output directory: built in a hidden sibling, locked while written, swapped into place;
staging left by killed runs removed."""

from __future__ import annotations

import errno
import fcntl
import json
import os
import secrets
import shutil
from pathlib import Path

from ..errors import ThreadpressError

MARKER = "_threadpress.json"  # pyarrow.dataset skips names starting with "_" or "."


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
