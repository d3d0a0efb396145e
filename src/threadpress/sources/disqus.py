"""Disqus XML export (formats §4): flat `thread` and `post` lists joined by `dsq:id` attributes.

One Thread per Disqus thread: the one with the most posts, unless `doc.extra["thread"]` names one
(by dsq:id, the site's identifier or the article link). Deleted posts stay as tombstones without
their words; spam stays with status "spam".
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import InputError
from ..model import Comment, ReplyEdge, Thread
from ..sanitize import clean_html, html_to_text, text_to_html
from ..times import from_iso
from ._shape import never_raises
from .base import Document
from .blog_common import finish, pick, xml_root, xtext

NAME = "disqus"
DSQ = "{http://disqus.com/disqus-internals}id"
_ROOT = re.compile(rb"<disqus\b[^>]*xmlns=[\"']http://disqus\.com[\"']")
_HAS_TAG = re.compile(r"<[a-zA-Z/][^>]*>")


def _true(value: str) -> bool:
    return value.strip().lower() in ("true", "1", "yes")


class DisqusSource:
    name = NAME
    forms = ("Disqus XML export: the thread with the most posts, unless one is named (dsq:id, identifier or link)",)

    @never_raises
    def detect(self, doc: Document) -> float:
        return 0.95 if _ROOT.search(doc.data[:8192]) else 0.0

    def parse(self, doc: Document) -> Thread:
        root = xml_root(doc, "Disqus export")
        if not isinstance(root.tag, str) or not root.tag.endswith("disqus"):
            raise InputError(f"{doc.name}: not a Disqus export (no <disqus> root)")
        threads: dict[str, Any] = {}
        aliases: dict[str, str] = {}
        for el in root.iterfind("{*}thread"):
            tid = el.get(DSQ, "").strip()
            if tid and tid not in threads:
                threads[tid] = el
                for alias in (xtext(el, "{*}id"), xtext(el, "{*}link")):
                    if alias:
                        aliases.setdefault(alias, tid)
        posts_by_thread: dict[str, list[Any]] = {}
        for el in root.iterfind("{*}post"):
            owner = el.find("{*}thread")
            tid = owner.get(DSQ, "").strip() if owner is not None else ""
            if el.get(DSQ, "").strip():
                posts_by_thread.setdefault(tid, []).append(el)
        counts = {tid: len(posts) for tid, posts in posts_by_thread.items()}
        if not counts:
            raise InputError(f"{doc.name}: no posts in this Disqus export")
        key = pick(counts, doc.extra.get("thread"), aliases, doc, "thread")
        meta: dict[str, Any] = {"form": "export", "thread_id": key}
        others = sorted((k for k in counts if k != key), key=lambda k: -counts[k])
        if others:
            meta["other_threads"] = others
        t = threads.get(key)
        link = xtext(t, "{*}link") if t is not None else ""
        seen: set[str] = set()
        comments: list[Comment] = []
        for el in posts_by_thread[key]:
            c = _post(el)
            if c.id not in seen:
                seen.add(c.id)
                if link.startswith(("http://", "https://")):
                    c.permalink = f"{link.split('#', 1)[0]}#comment-{c.id}"
                comments.append(c)
        forum = xtext(root, "{*}category/{*}forum") or (xtext(t, "{*}forum") if t is not None else "")
        if forum:
            meta["forum"] = forum
        if t is not None and xtext(t, "{*}id"):
            meta["identifier"] = xtext(t, "{*}id")
        if t is not None and _true(xtext(t, "{*}isDeleted")):
            meta["thread_deleted"] = True
        message = xtext(t, "{*}message") if t is not None else ""
        return Thread(
            id=f"{NAME}:{key}" if key else f"{NAME}:unknown",
            source=NAME,
            url=link or None,
            title=xtext(t, "{*}title") if t is not None else "",
            comments=finish(comments, meta),
            author=(xtext(t, "{*}author/{*}name") or None) if t is not None else None,
            published_at=from_iso(xtext(t, "{*}createdAt"), naive="naive_utc")[0] if t is not None else None,
            body_html=_message_html(message),
            meta=meta,
        )


def _message_html(message: str) -> str:
    """Disqus messages are HTML (CDATA or entity-escaped); very old ones are plain text."""
    if not message.strip():
        return ""
    if not _HAS_TAG.search(message):
        return text_to_html(message)
    return clean_html(message)


def _post(el: Any) -> Comment:
    pid = el.get(DSQ, "").strip()
    raw = xtext(el, "{*}createdAt")
    created, tz = from_iso(raw, naive="naive_utc")  # the export's times are UTC, Z or not
    status = "ok"
    if _true(xtext(el, "{*}isSpam")):
        status = "spam"
    if _true(xtext(el, "{*}isDeleted")):
        status = "deleted"
    html = "" if status == "deleted" else _message_html(xtext(el, "{*}message"))
    username = xtext(el, "{*}author/{*}username")
    c = Comment(
        id=pid, number=None, author=xtext(el, "{*}author/{*}name") or username, created_at=created,
        html=html, text=html_to_text(html), created_raw=raw, tz=tz, author_id=username or None,
        author_url=f"https://disqus.com/by/{username}/" if username else None, status=status,
    )
    parent = el.find("{*}parent")
    target = parent.get(DSQ, "").strip() if parent is not None else ""
    if target and target != pid:
        c.parents.append(ReplyEdge(target, "platform", 1.0, f"parent dsq:id={target}"))
    return c


SOURCE = DisqusSource()
