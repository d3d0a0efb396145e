"""Copied plain text of a Typepad / Moon of Alabama page (select all, copy).

Comments are delimited by their footers. A `Posted by:` line quoted inside a later comment is a
reply reference, not a footer: its ordinal is not the next in sequence (footer.real_footers).
"""

from __future__ import annotations

import re

from ..errors import InputError
from ..model import Comment, Thread, stable_id
from ..sanitize import normalize_space, text_to_html
from .base import Document
from .footer import FOOTER_SEARCH, parse_byline, parse_footer, real_footers

_COMMENTS_HEADING = re.compile(r"^\s*(?:\d+\s+)?Comments(?:\s*\(\d+\))?\s*:?\s*$", re.I)


class TypepadTextSource:
    name = "typepad-text"
    forms = ("copied text of a Typepad / Moon of Alabama page: comments ending in "
             "'Posted by: NAME | Mon D YYYY HH:MM utc | N' lines",)

    def detect(self, doc: Document) -> float:
        try:
            if doc.is_html:
                return 0.0
            return 0.9 if FOOTER_SEARCH.search(doc.text.replace("\xa0", " ")) else 0.0
        except InputError:
            return 0.0

    def parse(self, doc: Document) -> Thread:
        lines = doc.text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        found = []
        for i, line in enumerate(lines):
            if "Posted by" in line and (f := parse_footer(line)):
                found.append((i, f))
        footers = real_footers(found)
        if not footers:
            raise InputError(
                f"{doc.name}: no comments found (no 'Posted by: NAME | date | N' comment footers)"
            )
        first = footers[0][0]
        start, title, author, published = _preamble(lines[:first])
        comments = []
        prev = start
        for ordinal, (i, f) in enumerate(footers, 1):
            body = "\n".join(lines[prev:i]).strip("\n")
            text = _paragraphs(body)
            number = f.number if f.number is not None else ordinal
            comments.append(Comment(
                id=str(number), number=number, author=f.name, created_at=f.created_at,
                created_raw=f.created_raw, tz=f.tz, html=text_to_html(text), text=text, format="text",
            ))
            prev = i + 1
        key = f"{title}\0{comments[0].author}\0{comments[0].created_raw}"
        return Thread(id="typepad:" + stable_id(key), source="typepad", url=doc.url, title=title,
                      comments=comments, author=author, published_at=published,
                      meta={"copied_text": True})


def _preamble(lines: list[str]):
    """Where comments start, and the post's title and byline, from the text before the first footer."""
    start = 0
    author = published = None
    for i, line in enumerate(lines):
        if _COMMENTS_HEADING.match(line):
            start = i + 1
        elif (by := parse_byline(line.strip())) is not None:
            author, published = by
            start = i + 1
    title = next((normalize_space(x) for x in lines if x.strip()), "")
    if start == 0:
        title = ""
    return start, title, author, published


def _paragraphs(body: str) -> str:
    """Normalize spaces per line and collapse runs of blank lines to one."""
    out: list[str] = []
    for line in body.split("\n"):
        line = normalize_space(line)
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


SOURCE = TypepadTextSource()
