"""Hacker News: Firebase items and Algolia item trees (formats §6).

Firebase (`/v0/item/<id>.json`) gives one item per request; a saved thread is a JSON array of items
or an object mapping id -> item. Each comment names its `parent`; the parent's `kids` list its
replies in HN's ranked display order (kept in `thread.meta["display_order"]`). Algolia
(`/api/v1/items/<id>`) gives the whole tree nested in `children`, with `parent_id`.

Comment `text` is an HTML fragment whose paragraphs are separated by a bare, unclosed `<p>`; the
first paragraph has no tag. Quoting is a `>` at the start of a paragraph by convention; such
paragraphs become `<blockquote>` so quotes look like quotes everywhere downstream.
"""

from __future__ import annotations

import html as htmllib
import re
from typing import Any

from ..errors import InputError
from ..model import Comment, ReplyEdge, Thread
from ..sanitize import clean_html, html_to_text
from ..times import from_epoch, from_iso
from ._shape import as_list, as_str, load_json, never_raises, sniff, walk_children
from .base import Document

NAME = "hackernews"
BASE = "https://news.ycombinator.com"
ROOT_TYPES = ("story", "job", "poll", "ask", "show")
_EMPTY_P = re.compile(r"<p>\s*</p>")
_QUOTE_P = re.compile(r"<p>\s*&gt;\s?(.*?)</p>", re.S)


def _id(value: Any) -> str:
    """Item ids are integers; accept numeric strings, refuse anything else."""
    if isinstance(value, bool):
        return ""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.strip().isdigit():
        return value.strip()
    return ""


def hn_html(text: str) -> str:
    """HN comment HTML, cleaned: paragraphs closed, `>` paragraphs as blockquotes, no empty `<p>`."""
    if not text.strip():
        return ""
    if not text.lstrip().lower().startswith(("<p>", "<pre")):
        text = "<p>" + text  # the first paragraph has no tag; the parser closes each one
    html = clean_html(text)
    html = _QUOTE_P.sub(lambda m: f"<blockquote><p>{m[1].strip()}</p></blockquote>", html)
    return _EMPTY_P.sub("", html).strip()


def _order_key(c: Comment) -> tuple:
    ts = c.created_at.timestamp() if c.created_at else float("inf")
    return (ts, int(c.id) if c.id.isdigit() else 0)


class HackerNewsSource:
    name = NAME
    forms = (
        "Hacker News Firebase items: a JSON array of /v0/item/<id>.json objects, or an object id -> item",
        "Hacker News Algolia item tree: https://hn.algolia.com/api/v1/items/<id>",
    )

    @never_raises
    def detect(self, doc: Document) -> float:
        head = sniff(doc.data, 4096).replace(b" ", b"")
        if not head.startswith((b"{", b"[")):
            return 0.0
        if b'"created_at_i":' in head and b'"story_id":' in head and (
            b'"children":' in head or b'"parent_id":' in head
        ):
            return 0.95
        if b'"type":"comment"' in head or any(b'"type":"%s"' % t.encode() in head for t in ROOT_TYPES):
            if b'"by":' in head and b'"time":' in head and (b'"parent":' in head or b'"kids":' in head):
                return 0.95
        return 0.0

    def parse(self, doc: Document) -> Thread:
        data = load_json(doc)
        if isinstance(data, dict) and "children" in data and ("created_at_i" in data or "created_at" in data):
            return _algolia(doc, data)
        if isinstance(data, dict):
            items = list(data.values()) if "id" not in data else [data]
        elif isinstance(data, list):
            items = data
        else:
            items = []
        items = [i for i in items if isinstance(i, dict) and _id(i.get("id"))]
        if not items:
            raise InputError(f"{doc.name}: no Hacker News items (expected Firebase items or an Algolia tree)")
        return _firebase(doc, items)


def _thread(doc: Document, root_id: str, root: dict | None, comments: list[Comment], meta: dict) -> Thread:
    comments.sort(key=_order_key)
    for n, c in enumerate(comments, 1):
        c.number = n
    root = root or {}
    published, _ = (
        from_epoch(root["time"]) if "time" in root
        else from_epoch(root["created_at_i"]) if "created_at_i" in root
        else from_iso(as_str(root.get("created_at")))
    )
    body = as_str(root.get("text"))
    link = as_str(root.get("url"))
    body_html = hn_html(body) if body else ""
    if not body_html and link.startswith(("http://", "https://")):
        body_html = clean_html(f'<p><a href="{htmllib.escape(link)}">{htmllib.escape(link)}</a></p>')
    return Thread(
        id=f"{NAME}:{root_id}",
        source=NAME,
        url=f"{BASE}/item?id={root_id}",
        title=as_str(root.get("title")),
        comments=comments,
        author=as_str(root.get("by")) or as_str(root.get("author")) or None,
        published_at=published,
        body_html=body_html,
        meta=meta,
    )


def _comment(item: dict, cid: str, author: str, text: str, created: tuple, raw: Any,
             parent: str, root_id: str, status: str, evidence: str) -> Comment:
    html = hn_html(text) if text else ""
    parents = [ReplyEdge(parent, "platform", 1.0, f"{evidence}={parent}")] if parent and parent != root_id else []
    return Comment(
        id=cid,
        number=None,
        author=author,
        created_at=created[0],
        html=html,
        text=html_to_text(html) if html else "",
        created_raw="" if raw is None else str(raw),
        tz=created[1],
        permalink=f"{BASE}/item?id={cid}",
        author_url=f"{BASE}/user?id={author}" if author else None,
        format="html",
        status=status,
        parents=parents,
    )


def _firebase(doc: Document, items: list[dict]) -> Thread:
    by_id = {_id(i.get("id")): i for i in items}
    roots = [i for i in items if i.get("type") in ROOT_TYPES]
    if roots:
        root = roots[0]
        root_id = _id(root.get("id"))
    else:
        # Only comments were saved: the root is the one parent that is not itself an item.
        outside = [p for p in (_id(i.get("parent")) for i in items) if p and p not in by_id]
        if not outside:
            raise InputError(f"{doc.name}: Hacker News items without a story or a parent to hang them on")
        root, root_id = None, max(sorted(set(outside)), key=outside.count)
    comments: list[Comment] = []
    orphans: list[str] = []
    for item in items:
        if item.get("type") != "comment":
            continue
        cid = _id(item.get("id"))
        parent = _id(item.get("parent"))
        if parent and parent != root_id and parent not in by_id:
            orphans.append(cid)
        status = "deleted" if item.get("deleted") else "removed" if item.get("dead") else "ok"
        text = as_str(item.get("text")) if status != "deleted" else ""
        comments.append(_comment(item, cid, as_str(item.get("by")), text, from_epoch(item.get("time")),
                                 item.get("time"), parent, root_id, status, "hn:parent"))
    meta: dict[str, Any] = {"api": "firebase", "display_order": _display_order(root_id, by_id)}
    if orphans:
        meta["orphans"] = orphans
    known = {c.id for c in comments}
    unfetched = [k for k in _all_kids(by_id) if k not in known]
    if unfetched:
        meta["missing"] = {"count": len(unfetched), "ids": unfetched}
    descendants = (root or {}).get("descendants")
    if isinstance(descendants, int):
        meta["descendants"] = descendants
    return _thread(doc, root_id, root, comments, meta)


def _kids(item: dict | None) -> list[str]:
    return [k for k in (_id(x) for x in as_list((item or {}).get("kids"))) if k]


def _all_kids(by_id: dict[str, dict]) -> list[str]:
    return [k for item in by_id.values() for k in _kids(item)]


def _display_order(root_id: str, by_id: dict[str, dict]) -> list[str]:
    """Comment ids in HN's ranked display order: depth first through `kids`."""
    out: list[str] = []
    seen: set[str] = {root_id}
    stack = list(reversed(_kids(by_id.get(root_id))))
    while stack:
        cid = stack.pop()
        if cid in seen or cid not in by_id:
            continue
        seen.add(cid)
        out.append(cid)
        stack.extend(reversed(_kids(by_id[cid])))
    return out


def _algolia(doc: Document, root: dict) -> Thread:
    root_id = _id(root.get("id")) or _id(root.get("story_id"))
    if not root_id:
        raise InputError(f"{doc.name}: the Algolia item has no id")
    comments: list[Comment] = []
    for node, cid, nesting_parent in walk_children(as_list(root.get("children")), _id, root_id):
        if node.get("type") not in (None, "comment"):
            continue  # pollopt and friends are not comments
        parent = _id(node.get("parent_id")) or nesting_parent
        author = as_str(node.get("author"))
        text = as_str(node.get("text"))
        status = "deleted" if not author and not text else "ok"
        raw = node.get("created_at") if node.get("created_at") else node.get("created_at_i")
        created = from_iso(as_str(node.get("created_at")))
        if created[0] is None:
            created = from_epoch(node.get("created_at_i"))
        comments.append(_comment(node, cid, author, text, created, raw, parent, root_id, status,
                                 "algolia:parent_id"))
    return _thread(doc, root_id, root, comments, {"api": "algolia"})


SOURCE = HackerNewsSource()
