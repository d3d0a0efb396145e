"""Reading a dump file: open it, identify it (for resume), read it in chunks of lines (plain or
zstd, decompressed ahead in a thread of its own)."""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

import zstandard

from ..errors import InputError
from ..sources.reddit_dump import MAX_WINDOW, ZSTD_MAGIC

#: Bytes of decompressed text read at a time; `progress` is called after each chunk.
CHUNK = 1 << 20
#: Chunks read and decompressed ahead of the parsing.
PREFETCH = 8
#: The identity of a dump file includes a hash of this many leading bytes.
HEAD_BYTES = 1 << 16


@dataclass(frozen=True)
class FileIdentity:
    """How a dump file is recognised again: a changed file is a new ingest, never a resumed one."""

    path: str
    size: int
    mtime_ns: int
    head_sha256: str


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
