"""Render a Digest as Markdown, paste-ready HTML or plain text.

Every comment carries its attribution line in the thread's own convention, on its own line;
for Typepad / Moon of Alabama exactly `Posted by: NAME | Mon D YYYY HH:MM utc | N`.
Comments the author answered or that answered the author are quoted (blockquotes).
"""

from __future__ import annotations

import html as htmllib
from datetime import timezone

from jinja2 import Environment, PackageLoader, select_autoescape
from markdownify import markdownify

from .digest import Digest
from .model import Comment, Thread
from .sanitize import clean_html, html_to_text

FORMATS = ("markdown", "html", "text")

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


def _gone(c: Comment) -> str:
    """What stands in for the body of a deleted or removed comment that a reply still points at."""
    return f"[comment {c.status}]"


def render(digest: Digest, fmt: str = "markdown") -> str:
    if fmt == "markdown":
        return to_markdown(digest)
    if fmt == "html":
        return to_html(digest)
    if fmt == "text":
        return to_text(digest)
    raise ValueError(f"unknown format {fmt!r}")


def _md(html: str) -> str:
    md = markdownify(html, heading_style="ATX", bullets="-", strip=["img"], escape_underscores=False)
    return "\n".join(line.rstrip() for line in md.strip().splitlines())


def _quote(block: str) -> str:
    return "\n".join(("> " + line) if line else ">" for line in block.splitlines())


def to_markdown(d: Digest) -> str:
    t = d.thread
    out = [f"# {t.title or 'Comments'}" if t.title else "# Comments", "",
           f"Comments by {d.author}" + (f" on <{url}>" if (url := safe_url(t.url)) else "") + ".", ""]
    for item in d.items:
        c = item.comment
        body = _md(c.html) if c.html else (c.text or _gone(c))
        block = f"{body}\n\n{attribution(t, item.comment)}"
        out += [_quote(block) if item.role != "author" else block, ""]
    return "\n".join(out).rstrip() + "\n"


def to_html(d: Digest) -> str:
    t = d.thread
    items = [
        {"role": i.role,
         "html": clean_html(i.comment.html) or "<p>" + htmllib.escape(i.comment.text or _gone(i.comment)) + "</p>",
         "attribution": attribution(t, i.comment), "number": i.comment.number}
        for i in d.items
    ]
    return _env.get_template("digest.html.j2").render(thread=t, url=safe_url(t.url), author=d.author, items=items)


def to_text(d: Digest) -> str:
    t = d.thread
    out = [t.title or "Comments", "", f"Comments by {d.author}" + (f" on {t.url}" if t.url else "") + ".", ""]
    for item in d.items:
        c = item.comment
        body = html_to_text(c.html, quote_prefix="> ") if c.html else (c.text or _gone(c))
        block = f"{body}\n\n{attribution(t, item.comment)}"
        out += [_quote(block) if item.role != "author" else block, ""]
    return "\n".join(out).rstrip() + "\n"
