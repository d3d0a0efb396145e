"""What a source is: something that recognises a document and parses it into a Thread."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol, runtime_checkable

from ..errors import InputError
from ..model import Thread


_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


@dataclass(slots=False)
class Document:
    """Raw input bytes plus where they came from."""

    data: bytes
    name: str  # what to call the input in messages: a path, a URL or "<stdin>"
    url: str | None = None
    content_type: str | None = None
    extra: dict = field(default_factory=dict)

    @cached_property
    def text(self) -> str:
        """The input decoded as text; refuses empty and binary input with one clear message."""
        data = self.data
        if not data.strip():
            raise InputError(f"{self.name}: the input is empty")
        head = data[:4096]
        if b"\0" in head:
            raise InputError(f"{self.name}: binary data, not a web page or text")
        for enc in ("utf-8-sig", "cp1252"):
            try:
                text = data.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:  # pragma: no cover - cp1252 decodes nearly anything
            raise InputError(f"{self.name}: cannot decode the input as text")
        if len(_CONTROLS.findall(text, 0, 4096)) > 8:
            raise InputError(f"{self.name}: binary data, not a web page or text")
        return text

    @cached_property
    def is_html(self) -> bool:
        if self.content_type and "html" in self.content_type:
            return True
        head = self.text[:2048].lstrip().lower()
        return head.startswith(("<!doctype", "<html", "<?xml")) or (
            head.startswith("<") and ("<div" in self.text[:20000].lower() or "<p" in head)
        )


    @cached_property
    def truncated_html(self) -> bool:
        """A whole HTML page (doctype or <html> at the start) that stops before </html>."""
        head = self.text[:512].lstrip().lower()
        return head.startswith(("<!doctype html", "<html")) and "</html>" not in self.text[-4096:].lower()

    def check_complete(self) -> None:
        if self.truncated_html:
            raise InputError(f"{self.name}: truncated HTML (the page ends before </html>)")


@runtime_checkable
class Source(Protocol):
    """A source plugin. Register it under the `threadpress.sources` entry-point group."""

    name: str
    #: One line per input form it reads, for `threadpress sources`.
    forms: tuple[str, ...]

    def detect(self, doc: Document) -> float:
        """How sure (0..1) that this source reads `doc`. Must be cheap and never raise."""

    def parse(self, doc: Document) -> Thread:
        """Parse `doc`, raising InputError with a one-line reason when it cannot."""


class Paged(Protocol):
    def next_pages(self, doc: Document) -> list[str]:
        """Absolute URLs of further comment pages linked from `doc`."""
