"""The one model every source parses into: a Thread of Comments joined by ReplyEdges."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable

#: How a reply edge was found, from most to least certain.
HOWS = ("platform", "nesting", "address", "number", "mention", "quote", "turn", "inferred")
#: Edges found from the text or the structure; "inferred" edges are the learned model's guesses.
EXPLICIT_HOWS = frozenset(HOWS) - {"inferred"}
STATUSES = ("ok", "deleted", "removed", "spam")
TZ_KINDS = ("explicit", "epoch", "naive_utc", "assumed", "unknown")


@dataclass(slots=True)
class ReplyEdge:
    """One "this comment answers that one" link, with how it was found and how sure we are."""

    target_id: str
    how: str
    confidence: float
    evidence: str = ""

    def __post_init__(self) -> None:
        if self.how not in HOWS:
            raise ValueError(f"unknown edge kind {self.how!r}")

    @property
    def explicit(self) -> bool:
        return self.how in EXPLICIT_HOWS


@dataclass
class Comment:
    id: str
    number: int | None
    author: str
    created_at: datetime | None
    html: str
    text: str
    created_raw: str = ""
    tz: str = "unknown"
    permalink: str | None = None
    author_id: str | None = None
    author_url: str | None = None
    format: str = "html"
    status: str = "ok"
    parents: list[ReplyEdge] = field(default_factory=list)
    #: Reply cues the source saw in the markup (e.g. a header link to "#c<xid>"), for the resolver.
    cues: list[dict[str, Any]] = field(default_factory=list)

    @property
    def content_hash(self) -> str:
        h = hashlib.sha256()
        for part in (self.author, self.status, self.html):
            h.update(part.encode("utf-8"))
            h.update(b"\0")
        return h.hexdigest()[:16]


class LazyBodyComment(Comment):
    """A comment whose body is read from the page only when asked for.

    Parsing a page locates comments; serializing each body, sanitizing it (nh3) and extracting its
    text cost several times more than the parse, and some uses (counting, listing, reply numbers)
    never need them. `raw_html` is the page's own body HTML or a function returning it; `find_cues`
    reads reply cues (e.g. header links) from it. Whoever reads `html` gets sanitized HTML, exactly
    as with a plain Comment.
    """

    def __init__(self, *, raw_html: "str | Callable[[], str]",
                 find_cues: "Callable[[str], list[dict[str, Any]]] | None" = None, **fields: Any):
        fields.setdefault("cues", None)  # None: read from the body when first asked for
        super().__init__(html=None, text=None, **fields)  # type: ignore[arg-type]
        self._raw = raw_html
        self._find_cues = find_cues

    @classmethod
    def fast(cls, raw_html: "str | Callable[[], str]", find_cues: "Callable[[str], list] | None",
             id: str, number: int | None, author: str, created_at: datetime | None, created_raw: str = "",
             tz: str = "unknown", permalink: str | None = None, author_id: str | None = None,
             author_url: str | None = None, format: str = "html", status: str = "ok") -> "LazyBodyComment":
        """Build without the dataclass __init__ (a measurable share of parsing 1,000 comments).

        The instance dict is written in one literal: no keyword dict to pack and merge. It holds
        every Comment field (html, text and cues behind their properties), as __init__ would. The
        fields may be passed by position, in this order (cheaper than by keyword in a hot loop).
        """
        obj = cls.__new__(cls)
        obj.__dict__ = {
            "id": id, "number": number, "author": author, "created_at": created_at, "_html": None, "_text": None,
            "created_raw": created_raw, "tz": tz, "permalink": permalink, "author_id": author_id,
            "author_url": author_url, "format": format, "status": status, "parents": [], "_cues": None,
            "_raw": raw_html, "_find_cues": find_cues,
        }
        return obj

    @property
    def raw_html(self) -> str:
        raw = self.__dict__.get("_raw", "")
        if callable(raw):
            raw = self._raw = raw()
        return raw

    @property  # type: ignore[override]
    def html(self) -> str:
        if self.__dict__.get("_html") is None:
            from .sanitize import clean_html

            self._html = clean_html(self.raw_html)
        return self._html

    @html.setter
    def html(self, value: str | None) -> None:
        if value is not None:
            self._html = value

    @property  # type: ignore[override]
    def text(self) -> str:
        if self.__dict__.get("_text") is None:
            from .sanitize import html_to_text

            self._text = html_to_text(self.html)
        return self._text

    @text.setter
    def text(self, value: str | None) -> None:
        if value is not None:
            self._text = value

    @property  # type: ignore[override]
    def cues(self) -> list[dict[str, Any]]:
        if self.__dict__.get("_cues") is None:
            finder = self.__dict__.get("_find_cues")
            self._cues = finder(self.raw_html) if finder else []
        return self._cues

    @cues.setter
    def cues(self, value: list[dict[str, Any]] | None) -> None:
        self._cues = value


@dataclass(slots=True)
class Thread:
    id: str
    source: str
    url: str | None
    title: str
    comments: list[Comment] = field(default_factory=list)
    author: str | None = None
    published_at: datetime | None = None
    body_html: str = ""
    fetched_at: datetime | None = None
    #: Free-form facts about how the thread was read (e.g. pages followed, the generic path used).
    meta: dict[str, Any] = field(default_factory=dict)

    def by_id(self) -> dict[str, Comment]:
        return {c.id: c for c in self.comments}

    def by_number(self) -> dict[int, Comment]:
        return {c.number: c for c in self.comments if c.number is not None}

    def authors(self) -> list[str]:
        """Distinct comment authors in order of first appearance."""
        seen: dict[str, None] = {}
        for c in self.comments:
            if c.status == "ok" and c.author:
                seen.setdefault(c.author, None)
        return list(seen)

    def replies_to(self, comment_id: str, *, min_confidence: float = 0.0) -> list[Comment]:
        return [
            c
            for c in self.comments
            if any(e.target_id == comment_id and e.confidence >= min_confidence for e in c.parents)
        ]


def iso_utc(dt: datetime | None) -> str | None:
    """ISO 8601 in UTC ending in Z, or None (the parse --json contract)."""
    if dt is None:
        return None
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def stable_id(*parts: str) -> str:
    return hashlib.sha1("\0".join(parts).encode("utf-8")).hexdigest()[:12]


def edge_dict(edge: ReplyEdge, by_id: dict[str, Comment]) -> dict[str, Any]:
    target = by_id.get(edge.target_id)
    return {
        "id": edge.target_id,
        "number": target.number if target else None,
        "author": target.author if target else None,
        "how": edge.how,
        "confidence": round(edge.confidence, 3),
        "evidence": edge.evidence,
    }


def thread_to_dict(thread: Thread, *, min_confidence: float = 0.0) -> dict[str, Any]:
    """The `parse --json` document (design §4). Field names are a contract: add, never rename."""
    by_id = thread.by_id()
    return {
        "thread": {
            "id": thread.id,
            "source": thread.source,
            "url": thread.url,
            "title": thread.title,
            "author": thread.author,
            "published_at": iso_utc(thread.published_at),
            "comment_count": len(thread.comments),
            "meta": thread.meta,
        },
        "comments": [
            {
                "id": c.id,
                "number": c.number,
                "author": c.author,
                "author_url": c.author_url,
                "created_at": iso_utc(c.created_at),
                "created_raw": c.created_raw,
                "tz": c.tz,
                "permalink": c.permalink,
                "text": c.text,
                "html": c.html,
                "format": c.format,
                "status": c.status,
                "parents": [
                    edge_dict(e, by_id) for e in c.parents if e.confidence >= min_confidence
                ],
            }
            for c in thread.comments
        ],
    }
