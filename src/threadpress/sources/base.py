"""What a source is: something that recognises a document and parses it into a Thread."""

from __future__ import annotations

import codecs
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
        if not data or data.isspace():  # isspace stops at the first other byte; strip() copies
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
        self._utf8 = enc == "utf-8-sig" and not data.startswith(codecs.BOM_UTF8)
        return text

    @property
    def utf8(self) -> bytes | None:
        """The input bytes when `text` is exactly their UTF-8 decoding (valid UTF-8, no byte order
        mark), else None. An HTML parser can read these bytes as they are: given `text`, lexbor
        would first encode it back to the same bytes (about 1.5 ms for a 1.4 MB page). Reading it
        checks the input as `text` does, without decoding all of it when it is UTF-8."""
        self._ends  # noqa: B018  (checks the input once; sets _utf8)
        return self.data if self.__dict__.get("_utf8") else None

    @cached_property
    def _ends(self) -> tuple[str, str]:
        """The start and the end of `text`, at least 4,096 characters of each (all of it when short),
        with the input checked as `text` checks it.

        When the input is UTF-8 without a byte order mark, which is what `text` would decode it as,
        only its two ends are decoded: the rest is checked to be UTF-8 in pieces that fit the CPU's
        caches (a whole 1.4 MB page decoded at once is a 3 MB str built and freed). Any other input
        is decoded by `text`, which refuses it or falls back to cp1252 as before.
        """
        data = self.data
        if "text" not in self.__dict__ and len(data) > _ENDS_BYTES and not data.startswith(codecs.BOM_UTF8):
            if data.isspace():
                raise InputError(f"{self.name}: the input is empty")
            if b"\0" in data[:4096]:
                raise InputError(f"{self.name}: binary data, not a web page or text")
            if _is_utf8(data):
                # Cut inside a character, the ends lose its pieces and nothing else ("ignore"), and
                # 16,388 bytes hold more than 4,096 characters of at most 4 bytes.
                head = data[:_ENDS_BYTES].decode("utf-8", "ignore")
                if len(_CONTROLS.findall(head, 0, 4096)) > 8:
                    raise InputError(f"{self.name}: binary data, not a web page or text")
                self._utf8 = True
                return head, data[-_ENDS_BYTES:].decode("utf-8", "ignore")
        text = self.text
        return text[:_ENDS_BYTES], text[-_ENDS_BYTES:]

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
        head, tail = self._ends
        head = head[:512].lstrip().lower()
        return head.startswith(("<!doctype html", "<html")) and "</html>" not in tail[-4096:].lower()

    def check_complete(self) -> None:
        if self.truncated_html:
            raise InputError(f"{self.name}: truncated HTML (the page ends before </html>)")


_ENDS_BYTES = 4 * 4096 + 4  # bytes that hold at least 4,096 characters, a cut character aside
_UTF8_PIECE = 8192  # bytes checked at a time: a piece and its str stay in the CPU's caches


def _is_utf8(data: bytes) -> bool:
    """Whether `data` is valid UTF-8: `data.decode("utf-8")` would succeed.

    Decoded piece by piece and thrown away; the incremental decoder carries a character cut between
    two pieces over to the next, so a piece boundary changes nothing.
    """
    decode = codecs.getincrementaldecoder("utf-8")().decode
    view = memoryview(data)
    try:
        for at in range(0, len(data), _UTF8_PIECE):
            decode(view[at:at + _UTF8_PIECE])
        decode(b"", True)
    except UnicodeDecodeError:
        return False
    return True


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
