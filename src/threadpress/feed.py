"""An Atom feed of the replies `watch` announced (feedgen), rebuilt whole and written atomically.

Entries come from the archive's announcement records, so the feed keeps every reply across runs,
and a reader that saw an entry once recognises it again by its id (a UUID derived from the thread,
the replying comment and the answered comment).
"""

from __future__ import annotations

import html
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from feedgen.feed import FeedGenerator

from .files import atomic_write
from .model import parse_iso
from .render import safe_url
from .sanitize import clean_html

__all__ = ["MAX_ENTRIES", "atom", "entry_id", "write_feed"]

#: The newest entries a feed keeps; readers poll often, so older ones have been seen long ago.
MAX_ENTRIES = 500
_NS = uuid.UUID("1f3b0a52-7a42-4c1e-9d0c-6f1d8e2b5a7c")  # threadpress watch feeds


def entry_id(reply: dict[str, Any]) -> str:
    key = "\0".join((reply["thread"]["id"], reply["reply"]["id"], reply["to"]["id"]))
    return f"urn:uuid:{uuid.uuid5(_NS, key)}"


def atom(replies: list[dict[str, Any]], *, author: str, sources: list[str], now: datetime) -> bytes:
    """The Atom document for these announced replies (oldest first in, newest first out)."""
    fg = FeedGenerator()
    fg.id(f"urn:uuid:{uuid.uuid5(_NS, chr(0).join(['feed', author, *sorted(sources)]))}")
    fg.title(f"Replies to {author}")
    fg.subtitle(f"New replies to {author}, found by threadpress watch")
    fg.author({"name": "threadpress watch"})
    fg.generator("threadpress")
    for src in sources[:1]:
        if url := safe_url(src):
            fg.link(href=url, rel="related")
    fg.updated(_aware(now))
    for reply in reversed(replies[-MAX_ENTRIES:]):
        _entry(fg, reply)
    return fg.atom_str(pretty=True)


def write_feed(path: str | Path, replies: list[dict[str, Any]], *, author: str, sources: list[str],
               now: datetime | None = None) -> None:
    atomic_write(path, atom(replies, author=author, sources=sources, now=now or datetime.now(timezone.utc)))


def _entry(fg: FeedGenerator, reply: dict[str, Any]) -> None:
    r, t, th = reply["reply"], reply["to"], reply["thread"]
    verb = {"quote": "quoted", "mention": "mentioned"}.get(reply["how"], "replied to")
    target = f"comment #{t['number']}" if t.get("number") is not None else "a comment"
    e = fg.add_entry(order="append")
    e.id(entry_id(reply))
    e.title(f"{r['author']} {verb} your {target}" + (f" in {th['title']}" if th.get("title") else ""))
    if link := safe_url(r.get("permalink")) or safe_url(th.get("url")):
        e.link(href=link, rel="alternate")
    e.author({"name": r["author"] or "anonymous"})
    announced = parse_iso(reply.get("announced_at")) or datetime.now(timezone.utc)
    e.published(_aware(parse_iso(r.get("created_at")) or announced))
    e.updated(_aware(announced))
    quoted = html.escape(t.get("start") or "")
    head = (f"<p><strong>{html.escape(r['author'])}</strong> {verb} your {html.escape(target)}"
            f"{' (' + html.escape(t['time']) + ')' if t.get('time') else ''}:</p>"
            f"<blockquote><p>{quoted}</p></blockquote>")
    e.content(clean_html(head + (r.get("html") or "")), type="html")


def _aware(dt: datetime) -> datetime:
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)
