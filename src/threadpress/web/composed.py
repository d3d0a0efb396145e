"""A composition as Markdown, paste-ready HTML or plain text.

Rendered by render.py exactly as `threadpress digest` renders (attribution lines in the thread's own
convention, the author's comments as paragraphs, other comments quoted), with the writer's notes as
paragraphs between comments. A composition with no notes and no edits renders exactly as the digest.
"""

from __future__ import annotations

from ..model import Thread
from ..render import Entry, html_fragment, render_entries
from ..replies.explicit import fold
from .compositions import Composition

FORMATS = {"markdown": ("md", "text/markdown"), "html": ("html", "text/html"), "text": ("txt", "text/plain")}


def entries(comp: Composition, thread: Thread) -> list[Entry]:
    """What is shown, in order: ("author" | "context", comment) or ("note", text); set-aside comments left out."""
    by_id = thread.by_id()
    key = fold(comp.author)
    out: list[Entry] = []
    for item in comp.items:
        if item.note is not None:
            if item.note.strip():
                out.append(("note", item.note.strip()))
        elif item.keep and item.comment in by_id:
            c = by_id[item.comment]
            out.append(("author" if fold(c.author) == key else "context", c))
    return out


def render_composition(comp: Composition, thread: Thread, fmt: str = "markdown") -> str:
    return render_entries(thread, comp.author, entries(comp, thread), fmt, title=comp.title or None)


def fragment(comp: Composition, thread: Thread) -> str:
    """The HTML body alone (the live preview and the rich-text clipboard)."""
    return html_fragment(thread, comp.author, entries(comp, thread), title=comp.title or None)
