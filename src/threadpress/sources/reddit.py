"""Reddit thread JSON: the `/comments/<id>/.json` response (formats §5.1).

The response is a two-element array of Listings, `[submission, comments]`. Comments nest through
`replies` (a Listing, or "" when empty) and name their parent in `parent_id` (`t1_<id>` for a
comment, `t3_<id>` for the submission). Without `raw_json=1` Reddit entity-escapes `&`, `<` and `>`
in every string, and `body_html` is escaped HTML: we unescape it exactly once. "more" stubs stand
for comments the response left out; they are recorded in `thread.meta["missing"]`, never dropped
silently.
"""

from __future__ import annotations

import html as htmllib
from typing import Any

from ..errors import InputError
from ..model import Comment, ReplyEdge, Thread
from ..sanitize import clean_html, html_to_text, text_to_html
from ..times import from_epoch
from ._shape import as_dict, as_list, as_str, load_json, never_raises, sniff
from .base import Document

NAME = "reddit"
BASE = "https://www.reddit.com"
#: Bodies Reddit leaves in place of a comment that is gone, and the status each one means.
TOMBSTONES = {"[deleted]": "deleted", "[removed]": "removed"}


def _unescape(value: str, escaped: bool) -> str:
    return htmllib.unescape(value) if escaped and "&" in value else value


class RedditSource:
    name = NAME
    forms = (
        "Reddit thread JSON: https://www.reddit.com/r/SUB/comments/ID/.json (with or without raw_json=1)",
    )

    @never_raises
    def detect(self, doc: Document) -> float:
        head = sniff(doc.data, 4096)
        if not head.startswith(b"["):
            return 0.0
        compact = head.replace(b" ", b"")
        if b'"kind":"Listing"' in compact and b'"kind":"t3"' in compact:
            return 0.95
        return 0.0

    def parse(self, doc: Document) -> Thread:
        data = load_json(doc)
        if not (
            isinstance(data, list)
            and len(data) == 2
            and all(isinstance(x, dict) and x.get("kind") == "Listing" for x in data)
        ):
            raise InputError(f"{doc.name}: not a Reddit thread (expected [submission, comments] listings)")
        try:
            return _parse(doc, data)
        except RecursionError:
            raise InputError(f"{doc.name}: the comment tree is nested too deeply") from None


def _children(listing: Any) -> list:
    return as_list(as_dict(as_dict(listing).get("data")).get("children"))


def _is_escaped(post: dict, listing: Any) -> bool:
    """True unless the response was fetched with raw_json=1 (then `body_html` starts with `<`)."""
    samples = [as_str(post.get("selftext_html"))]
    stack = list(_children(listing))
    while stack and len(samples) < 50:
        thing = as_dict(stack.pop())
        data = as_dict(thing.get("data"))
        samples.append(as_str(data.get("body_html")))
        stack.extend(_children(data.get("replies")))
    for s in samples:
        s = s.lstrip()
        if s.startswith("&lt;"):
            return True
        if s.startswith("<"):
            return False
    return True


def _parse(doc: Document, data: list) -> Thread:
    posts = [as_dict(t.get("data")) for t in _children(data[0]) if as_dict(t).get("kind") == "t3"]
    if not posts:
        raise InputError(f"{doc.name}: the Reddit listing has no submission (t3)")
    post = posts[0]
    escaped = _is_escaped(post, data[1])
    post_id = as_str(post.get("id")) or as_str(post.get("name")).removeprefix("t3_")
    if not post_id:
        raise InputError(f"{doc.name}: the Reddit submission has no id")

    comments: list[Comment] = []
    missing_ids: list[str] = []
    missing_count = 0
    continued: list[str] = []
    # Iterative pre-order walk (document order), so hostile nesting cannot exhaust the stack.
    stack: list[Any] = list(reversed(_children(data[1])))
    while stack:
        thing = as_dict(stack.pop())
        kind = thing.get("kind")
        item = as_dict(thing.get("data"))
        if kind == "more":
            kids = item.get("children")
            ids = [str(i) for i in kids if isinstance(i, str | int)] if isinstance(kids, list) else []
            count = item.get("count")
            if not ids and as_str(item.get("id")) in ("_", ""):
                # "continue this thread": the rest of a deep branch sits on another page.
                parent = as_str(item.get("parent_id")).partition("_")[2]
                if parent:
                    continued.append(parent)
                continue
            missing_ids.extend(ids)
            missing_count += count if isinstance(count, int) and count >= len(ids) else len(ids)
            continue
        if kind != "t1":
            continue
        comments.append(_comment(item, escaped, f"_{len(comments) + 1}"))
        stack.extend(reversed(_children(item.get("replies"))))

    # Posting order: time, then document order (the sort is stable).
    comments.sort(key=lambda c: (c.created_at is None, c.created_at.timestamp() if c.created_at else 0))
    for n, c in enumerate(comments, 1):
        c.number = n

    meta: dict[str, Any] = {}
    if missing_ids or missing_count or continued:
        meta["missing"] = {"count": missing_count, "ids": missing_ids}
        if continued:
            meta["missing"]["continue"] = continued
    num = post.get("num_comments")
    if isinstance(num, int):
        meta["num_comments"] = num
    sub = as_str(post.get("subreddit"))
    if sub:
        meta["subreddit"] = sub

    permalink = as_str(post.get("permalink"))
    url = BASE + permalink if permalink.startswith("/") else doc.url
    published, _tz = from_epoch(post.get("created_utc"))
    body = _unescape(as_str(post.get("selftext_html")), escaped)
    body_html = clean_html(body) if body else ""
    link = _unescape(as_str(post.get("url")), escaped)
    if not body_html and link and not post.get("is_self") and link.startswith(("http://", "https://")):
        body_html = clean_html(f'<p><a href="{htmllib.escape(link)}">{htmllib.escape(link)}</a></p>')
    return Thread(
        id=f"{NAME}:{post_id}",
        source=NAME,
        url=url,
        title=_unescape(as_str(post.get("title")), escaped),
        comments=comments,
        author=as_str(post.get("author")) or None,
        published_at=published,
        body_html=body_html,
        meta=meta,
    )


def _comment(item: dict, escaped: bool, fallback_id: str) -> Comment:
    cid = as_str(item.get("id")) or as_str(item.get("name")).removeprefix("t1_") or fallback_id
    author = as_str(item.get("author"))
    body = _unescape(as_str(item.get("body")), escaped)
    status = TOMBSTONES.get(body.strip(), "ok")
    if status == "ok" and item.get("removed_by_category") in ("moderator", "reddit", "anti_evil_ops"):
        status = "removed"
    html = text = ""
    fmt = "markdown"
    if status == "ok":
        raw_html = as_str(item.get("body_html"))
        if raw_html:
            html = clean_html(_unescape(raw_html, escaped))
            fmt = "html"
        else:
            html = text_to_html(body)
        text = html_to_text(html)
    created, tz = from_epoch(item.get("created_utc"))
    raw = item.get("created_utc")
    parents: list[ReplyEdge] = []
    parent_id = as_str(item.get("parent_id"))
    if parent_id.startswith("t1_") and len(parent_id) > 3:
        parents.append(ReplyEdge(parent_id[3:], "platform", 1.0, f"reddit:parent_id={parent_id}"))
    permalink = as_str(item.get("permalink"))
    edited = item.get("edited")
    cues = [{"type": "edited", "at": edited}] if isinstance(edited, int | float) and edited else []
    return Comment(
        id=cid,
        number=None,
        author=author,
        created_at=created,
        html=html,
        text=text,
        created_raw="" if raw is None else str(raw),
        tz=tz,
        permalink=BASE + permalink if permalink.startswith("/") else None,
        author_id=as_str(item.get("author_fullname")) or None,
        author_url=f"{BASE}/user/{author}/" if author and author not in TOMBSTONES else None,
        format=fmt,
        status=status,
        parents=parents,
        cues=cues,
    )


SOURCE = RedditSource()
