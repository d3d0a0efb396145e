"""The source registry. Built-ins register through entry points exactly as third-party plugins do."""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import entry_points

from ..errors import InputError, UnknownFormat
from ..model import Thread
from .base import Document, Source

ENTRY_POINT_GROUP = "threadpress.sources"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
# Used only when the package metadata is missing (running from a source tree without installing).
_BUILTINS = {
    "typepad": "threadpress.sources.typepad:SOURCE",
    "typepad-text": "threadpress.sources.typepad_text:SOURCE",
}
_registry: dict[str, Source] | None = None


def _load(spec: str) -> Source:
    module, _, attr = spec.partition(":")
    return getattr(import_module(module), attr)


def registry() -> dict[str, Source]:
    """All sources by name, loaded once."""
    global _registry
    if _registry is None:
        found: dict[str, Source] = {}
        for ep in entry_points(group=ENTRY_POINT_GROUP):
            found[ep.name] = ep.load()
        for name, spec in _BUILTINS.items():
            found.setdefault(name, _load(spec))
        _registry = found
    return _registry


def register(source: Source) -> None:
    """Register a source at run time (tests, notebooks)."""
    registry()[source.name] = source


def get(name: str) -> Source:
    try:
        return registry()[name]
    except KeyError:
        known = ", ".join(sorted(registry()))
        raise InputError(f"unknown source {name!r} (known: {known})") from None


def detect(doc: Document) -> Source:
    """The source that reads `doc` best, or UnknownFormat naming what was tried."""
    if not doc.data.startswith(ZSTD_MAGIC):  # compressed dumps are binary by nature
        doc.text  # empty and binary input fail here, with their own message
    scored = sorted(
        ((src.detect(doc), name, src) for name, src in registry().items()),
        key=lambda t: (-t[0], t[1]),
    )
    if not scored or scored[0][0] <= 0:
        doc.check_complete()
        tried = ", ".join(name for _, name, _ in scored)
        kind = "HTML page" if doc.is_html else "text"
        raise UnknownFormat(f"{doc.name}: no comments found in this {kind} (tried: {tried})")
    return scored[0][2]


def parse_document(doc: Document, *, source: str | None = None) -> Thread:
    src = get(source) if source else detect(doc)
    return src.parse(doc)


__all__ = ["Document", "Source", "registry", "register", "get", "detect", "parse_document"]
