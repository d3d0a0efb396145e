"""Small helpers the JSON sources share: safe access to values of unknown shape, a walk through
comment trees nested in `children`, JSON loading that names the input when it fails, the head of a
document for sniffing, and the guard that keeps `detect` from raising."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import orjson

from ..errors import InputError
from .base import Document

#: What may stand before the first JSON token: a UTF-8 byte order mark and white space.
LEADING = b"\xef\xbb\xbf \t\r\n"

_Self = TypeVar("_Self")


def as_str(value: Any) -> str:
    """`value` when it is a string, else ""."""
    return value if isinstance(value, str) else ""


def as_dict(value: Any) -> dict:
    """`value` when it is a dict, else {}."""
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list:
    """`value` when it is a list, else []."""
    return value if isinstance(value, list) else []


def walk_children(roots: list, node_id: Callable[[Any], str], parent: str = "") -> Iterator[tuple[dict, str, str]]:
    """Depth first, in document order, through comment trees nested in `children` lists: for each
    dict with an id (`node_id` of its "id") not met before, (the dict, its id, the id of the node it
    is nested in, `parent` for `roots`). Iterative, so hostile nesting cannot exhaust the stack."""
    seen: set[str] = set()
    stack: list[tuple[Any, str]] = [(c, parent) for c in reversed(roots)]
    while stack:
        node, nest_parent = stack.pop()
        if not isinstance(node, dict):
            continue
        cid = node_id(node.get("id"))
        if not cid or cid in seen:
            continue
        seen.add(cid)
        stack.extend((c, cid) for c in reversed(as_list(node.get("children"))))
        yield node, cid, nest_parent


def load_json(doc: Document) -> Any:
    """The document's JSON, or InputError naming the document."""
    try:
        return orjson.loads(doc.text)
    except orjson.JSONDecodeError as exc:
        raise InputError(f"{doc.name}: not valid JSON ({exc})") from None


def sniff(data: bytes, size: int) -> bytes:
    """The first `size` bytes of `data`, without a leading byte order mark or white space."""
    return data[:size].lstrip(LEADING)


def never_raises(detect: Callable[[_Self, Document], float]) -> Callable[[_Self, Document], float]:
    """A source's `detect`, answering 0.0 instead of raising (detect must never raise)."""

    @functools.wraps(detect)
    def guarded(self: _Self, doc: Document) -> float:
        try:
            return detect(self, doc)
        except Exception:  # noqa: BLE001 - detect must never raise
            return 0.0

    return guarded
