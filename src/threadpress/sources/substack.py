"""Substack comments JSON: `/api/v1/post/<post id>/comments?all_comments=true` (formats §8.1).

The response is `{"comments": [...]}`, a tree nested in `children`; each comment also carries its
chain of ancestors in `ancestor_path`. `body` is plain text (null when the comment was deleted),
`date` is ISO 8601 in UTC. We link bare URLs in the body, as Substack's own page does.
"""

from __future__ import annotations

import html as htmllib
import re
from typing import Any
from urllib.parse import urlsplit

from ..errors import InputError
from ..model import Comment, ReplyEdge, Thread, stable_id
from ..sanitize import clean_html
from ..times import from_iso
from ._shape import as_str, load_json, never_raises, sniff, walk_children
from .base import Document

NAME = "substack"
_URL = re.compile(r"\bhttps?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]")
_PARA = re.compile(r"\n\s*\n")
_REMOVED = {"moderator_removed", "removed", "hidden", "spam", "reported"}


def _id(value: Any) -> str:
    if isinstance(value, bool):
        return ""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return ""


def _link_line(line: str) -> str:
    """One line of plain text as escaped HTML, with bare http(s) URLs made links."""
    out: list[str] = []
    pos = 0
    for m in _URL.finditer(line):
        url = htmllib.escape(m[0])
        out.append(htmllib.escape(line[pos:m.start()]))
        out.append(f'<a href="{url}">{url}</a>')
        pos = m.end()
    out.append(htmllib.escape(line[pos:]))
    return "".join(out)


def text_html(text: str) -> str:
    """Plain text as paragraphs (like sanitize.text_to_html) with links, as Substack shows it."""
    paras = [p.strip() for p in _PARA.split(text) if p.strip()]
    return "\n".join("<p>" + "<br>".join(_link_line(ln.strip()) for ln in p.splitlines()) + "</p>" for p in paras)


def _ancestors(value: Any) -> list[str]:
    if isinstance(value, list):
        return [i for i in (_id(x) for x in value) if i]
    return [p for p in re.split(r"[.,/\s]+", as_str(value)) if p]


class SubstackSource:
    name = NAME
    forms = ("Substack comments JSON: https://PUB/api/v1/post/POST_ID/comments?all_comments=true",)

    @never_raises
    def detect(self, doc: Document) -> float:
        head = sniff(doc.data, 8192).replace(b" ", b"")
        if head.startswith(b'{"comments":[') or (head.startswith(b"{") and b'"comments":[' in head):
            if b'"ancestor_path":' in head or (b'"handle":' in head and b'"children":' in head):
                return 0.95
        return 0.0

    def parse(self, doc: Document) -> Thread:
        data = load_json(doc)
        roots = data.get("comments") if isinstance(data, dict) else data
        if not isinstance(roots, list):
            raise InputError(f"{doc.name}: not Substack comments (expected {{\"comments\": [...]}})")
        return _parse(doc, data if isinstance(data, dict) else {}, roots)


def _parse(doc: Document, data: dict, roots: list) -> Thread:
    base = None
    slug = ""
    if doc.url:
        parts = urlsplit(doc.url)
        if parts.scheme in ("http", "https") and parts.netloc:
            base = f"{parts.scheme}://{parts.netloc}"
            m = re.search(r"/p/([^/?#]+)", parts.path)
            slug = m[1] if m else ""
    comments: list[Comment] = []
    post_ids: list[str] = []
    for node, cid, nest_parent in walk_children(roots, _id):
        pid = _id(node.get("post_id"))
        if pid:
            post_ids.append(pid)
        comments.append(_comment(node, cid, nest_parent, base, slug))

    comments.sort(key=lambda c: (c.created_at is None, c.created_at.timestamp() if c.created_at else 0.0))
    for n, c in enumerate(comments, 1):
        c.number = n
    post_id = max(set(post_ids), key=post_ids.count) if post_ids else _id(data.get("post_id"))
    if post_id:
        tid = f"{NAME}:{post_id}"  # Substack post ids are global, not per publication
    else:
        tid = f"{NAME}:{stable_id(doc.url or doc.name, comments[0].text if comments else '')}"
    meta: dict[str, Any] = {}
    if post_id:
        meta["post_id"] = post_id
    title = doc.extra.get("title")
    return Thread(
        id=tid,
        source=NAME,
        url=f"{base}/p/{slug}" if base and slug else doc.url,
        title=title if isinstance(title, str) else "",
        comments=comments,
        meta=meta,
    )


def _comment(node: dict, cid: str, nest_parent: str, base: str | None, slug: str) -> Comment:
    body = node.get("body")
    deleted = node.get("deleted") is True or body is None
    status_field = as_str(node.get("status")).lower()
    status = "deleted" if deleted else "removed" if status_field in _REMOVED else "ok"
    text = as_str(body) if status == "ok" else ""
    html = clean_html(text_html(text)) if text else ""
    path = _ancestors(node.get("ancestor_path"))
    parent = nest_parent or (path[-1] if path else "")
    parents: list[ReplyEdge] = []
    if parent and parent != cid:
        evidence = "substack:children" if nest_parent else "substack:ancestor_path"
        parents.append(ReplyEdge(parent, "platform", 1.0, f"{evidence}={parent}"))
    raw = as_str(node.get("date"))
    created, tz = from_iso(raw)
    handle = as_str(node.get("handle"))
    uid = _id(node.get("user_id"))
    return Comment(
        id=cid,
        number=None,
        author=as_str(node.get("name")) or handle,
        created_at=created,
        html=html,
        text=text.strip(),
        created_raw=raw,
        tz=tz,
        permalink=f"{base}/p/{slug}/comment/{cid}" if base and slug else None,
        author_id=uid or None,
        author_url=f"https://substack.com/@{handle}" if handle else None,
        format="text",
        status=status,
        parents=parents,
    )


SOURCE = SubstackSource()

__all__ = ["SOURCE"]
