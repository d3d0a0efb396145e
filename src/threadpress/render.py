"""Render a digest (or a composition made from one) as Markdown, paste-ready HTML or plain text.

Every comment carries its attribution line in the thread's own convention, on its own line;
for Typepad / Moon of Alabama exactly `Posted by: NAME | Mon D YYYY HH:MM utc | N`.
The author's comments are plain; the others are quoted (blockquotes). A composition adds the
writer's notes between comments as paragraphs of their own.
"""

from __future__ import annotations

import html as htmllib
import re
from datetime import timezone
from typing import Union

from jinja2 import Environment, PackageLoader, select_autoescape
from markdownify import markdownify

from .digest import Digest
from .model import Comment, Thread
from .sanitize import clean_html, html_to_text

FORMATS = ("markdown", "html", "text")

#: One piece of a post: (role, comment) with role "author", "context" or "reply", or ("note", text).
Entry = tuple[str, Union[Comment, str]]

_env = Environment(loader=PackageLoader("threadpress", "templates"),
                   autoescape=select_autoescape(["html", "j2"]), keep_trailing_newline=True)


def safe_url(url: str | None) -> str | None:
    return url if url and url.startswith(("http://", "https://")) else None


def attribution(thread: Thread, c: Comment) -> str:
    """The comment's attribution line in its thread's convention."""
    when = c.created_at.astimezone(timezone.utc) if c.created_at else None
    if thread.source in ("typepad",):
        stamp = f"{when:%b} {when.day} {when:%Y %H:%M} utc" if when else c.created_raw
        return f"Posted by: {c.author} | {stamp} | {c.number}"
    if thread.source == "transcript":
        return f"— {c.author}"
    parts = [c.author]
    if when:
        parts.append(f"{when:%Y-%m-%d %H:%M} UTC")
    if c.number is not None:
        parts.append(f"#{c.number}")
    return "Posted by: " + " | ".join(parts)


def gone_text(c: Comment) -> str:
    """What stands in for the body of a deleted or removed comment that a reply still points at."""
    return f"[comment {c.status}]"


def note_paragraphs(note: str) -> list[str]:
    """A writer's note as paragraphs (blank lines separate them; single newlines join)."""
    return [" ".join(p.split("\n")).strip() for p in re.split(r"\n\s*\n", note.strip()) if p.strip()]


def digest_entries(digest: Digest) -> list[Entry]:
    return [(item.role, item.comment) for item in digest.items]


def render(digest: Digest, fmt: str = "markdown") -> str:
    return render_entries(digest.thread, digest.author, digest_entries(digest), fmt)


def render_entries(thread: Thread, author: str, entries: list[Entry], fmt: str = "markdown", *,
                   title: str | None = None) -> str:
    title = title or thread.title or "Comments"
    if fmt == "markdown":
        return _markdown(thread, author, entries, title)
    if fmt == "html":
        return _env.get_template("digest.html.j2").render(
            title=title, url=safe_url(thread.url), author=author, items=html_items(thread, entries))
    if fmt == "text":
        return _text(thread, author, entries, title)
    raise ValueError(f"unknown format {fmt!r}")


def html_fragment(thread: Thread, author: str, entries: list[Entry], *, title: str | None = None) -> str:
    """The post's HTML body alone (a live preview, the rich-text clipboard, a publishing API)."""
    return _env.get_template("digest_body.html.j2").render(
        title=title or thread.title or "Comments", url=safe_url(thread.url), author=author,
        items=html_items(thread, entries))


def html_items(thread: Thread, entries: list[Entry]) -> list[dict]:
    items = []
    for role, entry in entries:
        if isinstance(entry, str):
            items.append({"role": "note", "paragraphs": note_paragraphs(entry)})
        else:
            body = clean_html(entry.html) or "<p>" + htmllib.escape(entry.text or gone_text(entry)) + "</p>"
            items.append({"role": role, "html": body, "attribution": attribution(thread, entry),
                          "number": entry.number})
    return items


def markdown_of(html: str) -> str:
    md = markdownify(html, heading_style="ATX", bullets="-", strip=["img"], escape_underscores=False)
    return "\n".join(line.rstrip() for line in md.strip().splitlines())


def quote_block(block: str) -> str:
    return "\n".join(("> " + line) if line else ">" for line in block.splitlines())


def _lines(thread: Thread, author: str, entries: list[Entry], head: list[str], body_of) -> str:
    out = list(head)
    for role, entry in entries:
        if isinstance(entry, str):
            out += ["\n\n".join(note_paragraphs(entry)), ""]
            continue
        block = f"{body_of(entry)}\n\n{attribution(thread, entry)}"
        out += [quote_block(block) if role != "author" else block, ""]
    return "\n".join(out).rstrip() + "\n"


def _markdown(thread: Thread, author: str, entries: list[Entry], title: str) -> str:
    url = safe_url(thread.url)
    head = [f"# {title}", "", f"Comments by {author}" + (f" on <{url}>" if url else "") + ".", ""]
    return _lines(thread, author, entries, head,
                  lambda c: markdown_of(c.html) if c.html else (c.text or gone_text(c)))


def _text(thread: Thread, author: str, entries: list[Entry], title: str) -> str:
    url = safe_url(thread.url)
    head = [title, "", f"Comments by {author}" + (f" on {url}" if url else "") + ".", ""]
    return _lines(thread, author, entries, head,
                  lambda c: html_to_text(c.html, quote_prefix="> ") if c.html else (c.text or gone_text(c)))
