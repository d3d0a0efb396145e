"""Arrow columns of the Parquet output: the schemas, raw record values → a raw RecordBatch
(`_raw_batch`, the semantics that need Python), and raw → final columns (`_finish`, Arrow kernels)."""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta
from typing import Any

from ..sources.reddit_dump import _REMOVAL, BASE, TOMBSTONES, _unescape


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
