"""Property-test scaffolding shared by the source tests (`from fuzzing import ...`).

Every source must turn any input into a Thread or an InputError, never another exception: these are
the settings, strategies, mutations and checks the tests use to say so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import orjson
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from threadpress.errors import InputError
from threadpress.model import Thread
from threadpress.sources.base import Document

#: Settings of every fuzz test: 60 examples, 2 s each (a slow example is not a failure).
FUZZ = settings(max_examples=60, deadline=2000, suppress_health_check=[HealthCheck.too_slow])

#: A cut point and byte flips, as fractions of the length (for `cut_and_flip`).
CUTS = st.floats(0, 1)
FLIPS = st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), max_size=8)


def json_values(*samples: str) -> st.SearchStrategy:
    """Any small JSON value, with `samples` (strings the source looks for) among the leaves."""
    return st.recursive(
        st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.floats(allow_nan=False)
        | st.text(max_size=8) | st.sampled_from(list(samples)),
        lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=6), kids, max_size=3),
        max_leaves=8,
    )


def json_paths(obj: Any, path: tuple = ()) -> Iterator[tuple]:
    """The path (keys and indexes) of every value in a JSON structure, the root's () first."""
    yield path
    items = obj.items() if isinstance(obj, dict) else enumerate(obj) if isinstance(obj, list) else ()
    for k, v in items:
        yield from json_paths(v, (*path, k))


def mutated_json(data: st.DataObject, base: bytes, values: st.SearchStrategy) -> bytes:
    """The JSON document `base` with one to three of its values (not the root) replaced by draws
    from `values`."""
    obj = orjson.loads(base)
    paths = list(json_paths(obj))[1:]
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(paths))
        target = obj
        try:
            for k in path[:-1]:
                target = target[k]
            target[path[-1]] = data.draw(values)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation replaced this branch
    return orjson.dumps(obj, option=orjson.OPT_NON_STR_KEYS)


def truncated_flipped(data: st.DataObject, base: bytes, *, max_flips: int, may_keep_whole: bool = False) -> bytes:
    """`base` cut at a drawn point (or, when `may_keep_whole`, maybe kept whole), then up to
    `max_flips` bytes set to drawn values."""
    cut = data.draw(st.integers(0, len(base)))
    buf = bytearray(base[:cut] if not may_keep_whole or data.draw(st.booleans()) else base)
    for _ in range(data.draw(st.integers(0, max_flips))):
        if buf:
            buf[data.draw(st.integers(0, len(buf) - 1))] = data.draw(st.integers(0, 255))
    return bytes(buf)


def cut_and_flip(blob: bytes, cut: float, flips: list[tuple[float, int]]) -> bytes:
    """`blob` cut at the fraction `cut` (kept whole from 0.9, never emptied), with `flips` applied."""
    data = bytearray(blob[: max(1, int(len(blob) * cut))] if cut < 0.9 else blob)
    for where, byte in flips:
        data[min(len(data) - 1, int(where * len(data)))] = byte
    return bytes(data)


def thread_or_input_error(parse: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """`parse(*args, **kwargs)` returns a Thread or raises InputError."""
    try:
        assert isinstance(parse(*args, **kwargs), Thread)
    except InputError:
        pass


def robust(source: Any, parse: Callable[[bytes], Any], data: bytes) -> None:
    """`parse(data)` returns a Thread or raises InputError, and `source.detect` reads `data`."""
    thread_or_input_error(parse, data)
    source.detect(Document(data, "x"))


def parse_or_none(parse: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """What `parse(*args, **kwargs)` returns, or None when it raises InputError."""
    try:
        return parse(*args, **kwargs)
    except InputError:
        return None


def comments_or_one_line_error(source: Any, data: bytes) -> None:
    """`source` reads `data` as a Thread with comments, or raises an InputError of one line."""
    try:
        result = source.parse(Document(data, "fuzz"))
    except InputError as exc:
        assert "\n" not in str(exc)
    else:
        assert isinstance(result, Thread) and result.comments
