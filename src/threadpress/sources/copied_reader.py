"""What the copied-text readers share: the comment as found in the text, and the Thread built from them.

The readers take COPIED PLAIN TEXT: what a person gets with select-all / copy on a comment page.
Each is its own source, in its own module: `blogger-text` (blogger_text.py), `wordpress-text`
(wordpress_text.py), `hackernews-text` (hackernews_text.py), `mailarchive-text`
(mailarchive_text.py), `wiki-talk` (wiki_talk.py). Detection is conservative: a reader scores only
when several comment headers of its shape are present, and never claims Typepad / Moon of Alabama
text (`Posted by: NAME | date | N` footers: the typepad-text source reads those). When the reader
recognises its markers but cannot tell where comments start, `parse` says so instead of guessing.

Copied text has lost its markup: bodies are plain text (format "text"), parents survive only where
the text itself shows them (wiki-talk ":" indentation, mail "In reply to" lines).

Date finding and line helpers shared with other sources live in copied_common.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..errors import InputError
from ..model import Comment, ReplyEdge, Thread, stable_id
from ..sanitize import clean_html, html_to_text, normalize_space, text_to_html
from .base import Document
from .copied_common import find_date, is_typepad_text, tidy_lines
from .mbox import mail_text_to_html

MAX_NAME = 100


@dataclass
class Item:
    """One comment as found in the text, before it becomes a Comment."""

    author: str
    lines: list[str]
    created_at: datetime | None = None
    created_raw: str = ""
    tz: str = "unknown"
    status: str = "ok"
    depth: int = 0
    native_id: str | None = None
    mail: bool = False
    parents: list[ReplyEdge] = field(default_factory=list)
    cues: list[dict[str, Any]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


def text_doc(doc: Document) -> str | None:
    """The document's text when it is plain text that is not Typepad/MoA copied text, else None."""
    try:
        if doc.is_html:
            return None
        text = doc.text
    except InputError:
        return None
    if is_typepad_text(text[:500_000]):
        return None
    return text


def date_line(line: str) -> tuple[datetime | None, str, str] | None:
    """(created_at, tz, raw) when the whole line is a date (with small UI leftovers), else None."""
    s = normalize_space(line)
    if not s or len(s) > 80:
        return None
    found = find_date(s)
    if found is None or found.created_at is None:
        return None
    rest = (s[: found.start] + " " + s[found.end:]).strip(" |·•-–,")
    rest = re.sub(r"(?i)\b(?:edit|delete|reply|permalink|link|said|at|on)\b|[🗑✎]", "", rest).strip(" |·•-–,")
    if rest:
        return None
    return found.created_at, found.tz, found.raw


def sort_and_number(items: list[Item]) -> list[Item]:
    """Posting order: by time when every comment has one, else as found; stable either way."""
    if items and all(i.created_at is not None for i in items):
        items = sorted(items, key=lambda i: i.created_at)  # type: ignore[arg-type, return-value]
    return items


def build_thread(doc: Document, name: str, items: list[Item], *, title: str = "", author: str | None = None,
                 published_at: datetime | None = None, meta: dict[str, Any] | None = None,
                 sort: bool = True) -> Thread:
    if not items:
        raise InputError(f"{doc.name}: {name}: no comments found")
    if sort:
        items = sort_and_number(items)
    key_of = {id(it): str(n) for n, it in enumerate(items, 1)}
    comments = []
    for n, it in enumerate(items, 1):
        body = "\n".join(tidy_lines(it.lines))
        if it.mail:
            html, text = mail_text_to_html(body)
        else:
            html = clean_html(text_to_html(body))
            text = html_to_text(html)
        parents = list(it.parents)
        comments.append(Comment(
            id=key_of[id(it)], number=n, author=it.author, created_at=it.created_at,
            created_raw=it.created_raw, tz=it.tz, html=html, text=text, format="text",
            status=it.status, parents=parents, cues=it.cues,
        ))
    first = comments[0]
    key = doc.url or f"{title}\0{first.author}\0{first.created_raw}\0{first.text[:200]}"
    return Thread(id=f"{name}:{stable_id(key)}", source=name, url=doc.url, title=title,
                  comments=comments, author=author, published_at=published_at,
                  meta={"copied_text": True, **(meta or {})})


def cannot_tell(doc: Document, name: str, marker: str) -> InputError:
    return InputError(f"{doc.name}: {name}: found {marker} headers but cannot tell where comments start")


def strip_noise(lines: list[str], noise: re.Pattern[str], stop: re.Pattern[str] | None = None) -> list[str]:
    out = []
    for line in lines:
        s = normalize_space(line)
        if stop is not None and stop.match(s):
            break
        if noise.match(s):
            continue
        out.append(line)
    return out


def first_title(lines: list[str], *, skip: re.Pattern[str] | None = None) -> str:
    for line in lines:
        s = normalize_space(line)
        if s and not (skip and skip.match(s)):
            return s[:300]
    return ""
