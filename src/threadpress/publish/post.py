"""A Post: what every publish target receives, built from a digest or from a saved composition.

A post carries a stable `key` so that publishing the same digest or composition again updates the
draft made the first time instead of making a second one (see state.py).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timezone

from ..digest import Digest
from ..errors import ThreadpressError
from ..render import render
from ..replies.explicit import fold


class PublishError(ThreadpressError):
    """A publish target refused the post or could not be reached (one line, naming the target)."""


@dataclass(frozen=True)
class Post:
    key: str  # "digest:<thread id>:<author>" or "composition:<id>": the identity of repeated publishes
    title: str
    slug: str
    html: str  # the body as an HTML fragment (sanitized comment HTML), without the title
    markdown: str  # the body as Markdown, without the title
    document: str  # a complete paste-ready HTML page, title included
    date: datetime  # aware UTC
    tags: tuple[str, ...] = field(default_factory=tuple)
    slug_given: bool = False  # --slug was given: an update changes the slug only then (links stay valid)


_ARTICLE = re.compile(r"<article>\s*(.*?)\s*</article>", re.S)
_LEADING_HEADING = re.compile(r"\A\s*<h[12]>.*?</h[12]>\s*", re.S)
_LEADING_TITLE = re.compile(r"\A# [^\n]*\n+")


def body_fragment(document: str) -> str:
    """The inside of a rendered page's <article>, its heading (the title) left out."""
    m = _ARTICLE.search(document)
    inner = m.group(1) if m else document
    inner = _LEADING_HEADING.sub("", inner, count=1)
    return re.sub(r"\n{3,}", "\n\n", inner).strip() + "\n"


def markdown_body(markdown: str) -> str:
    return _LEADING_TITLE.sub("", markdown, count=1)


def slugify(text: str, *, max_length: int = 80) -> str:
    """A URL slug: ASCII letters and digits joined by hyphens ("comments" when nothing is left)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return slug or "comments"


def _options(title: str | None, slug: str | None, date: datetime | None, tags: tuple[str, ...],
             default_title: str) -> tuple[str, str, datetime, tuple[str, ...]]:
    title = (title or "").strip() or default_title
    if slug is not None and slugify(slug) != slug:
        raise PublishError(f"--slug {slug!r}: use lower-case ASCII letters, digits and hyphens (e.g. {slugify(slug)!r})")
    when = (date or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(microsecond=0)
    clean_tags = tuple(dict.fromkeys(t.strip() for t in tags if t.strip()))
    return title, slug or slugify(title), when, clean_tags


def from_digest(digest: Digest, *, title: str | None = None, slug: str | None = None,
                date: datetime | None = None, tags: tuple[str, ...] = ()) -> Post:
    """A post of a digest (threadpress.digest.select): the same text `threadpress digest` prints."""
    t = digest.thread
    default = t.title or f"Comments by {digest.author}"
    slug_given = slug is not None
    title, slug, when, tags = _options(title, slug, date, tags, default)
    document = render(digest, "html")
    return Post(key=f"digest:{t.id}:{fold(digest.author)}", title=title, slug=slug,
                html=body_fragment(document), markdown=markdown_body(render(digest, "markdown")),
                document=_retitle(document, t.title or "Comments", title), date=when, tags=tags,
                slug_given=slug_given)


def from_composition(store, composition_id: int, *, title: str | None = None, slug: str | None = None,
                     date: datetime | None = None, tags: tuple[str, ...] = ()) -> Post:
    """A post of a composition saved in the archive by the web app (read only)."""
    try:
        from ..web.composed import fragment, render_composition
        from ..web.compositions import get
    except ImportError:  # pragma: no cover - the web app is an optional part
        raise PublishError("--composition: this installation has no web app, so no compositions") from None
    has_table = store.conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'compositions'").fetchone()
    if not has_table:
        raise PublishError(f"--composition {composition_id}: the archive {store.path} holds no compositions")
    comp = get(store, composition_id)
    thread = store.load_thread(comp.thread_id)
    default = comp.title or thread.title or f"Comments by {comp.author}"
    slug_given = slug is not None
    title, slug, when, tags = _options(title, slug, date, tags, default)
    document = render_composition(comp, thread, "html")
    return Post(key=f"composition:{comp.id}", title=title, slug=slug,
                html=_LEADING_HEADING.sub("", fragment(comp, thread), count=1).strip() + "\n",
                markdown=markdown_body(render_composition(comp, thread, "markdown")),
                document=_retitle(document, comp.title or thread.title or "Comments", title), date=when, tags=tags,
                slug_given=slug_given)


def _retitle(document: str, old: str, new: str) -> str:
    """Put a --title given on the command line into a rendered page's <title> and heading."""
    if old == new:
        return document
    from markupsafe import escape  # the escaping the templates used

    for tag in ("title", "h2"):
        document = document.replace(f"<{tag}>{escape(old)}</{tag}>", f"<{tag}>{escape(new)}</{tag}>", 1)
    return document
