"""Discourse topics: `/t/<id>.json` (formats §7).

`post_stream.posts` holds the posts the response carries (about 20); `post_stream.stream` lists the
ids of every post in the topic. The rest come from `/t/<id>/posts.json?post_ids[]=…` in batches:
`missing_post_ids()` and `batch_urls()` say what to fetch (`next_pages()` does both for a document
with a URL), and `merge()` parses the topic together with the fetched batches.

Each post is a comment numbered by its `post_number` (gaps where posts were deleted). Post 1 is the
topic's opening post and stays a comment (number 1). `reply_to_post_number` gives the parent:
null means a reply to the topic, so no parent; 1 means post 1. Quote asides
(`<aside class="quote" data-username data-post>`) add "quote" parents; their quoted text is kept in
`html` as a blockquote and left out of `text`. A reply to a post that is gone gets a tombstone for
that post number (id `post-<n>`), so the reply keeps its parent.
"""

from __future__ import annotations

import html as htmllib
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..errors import InputError
from ..model import Comment, ReplyEdge, Thread, stable_id
from ..sanitize import clean_html, html_to_text
from ..times import from_iso
from ._shape import as_dict, as_list, as_str, load_json, never_raises, sniff
from .base import Document

NAME = "discourse"
BATCH = 20
#: post_type 3 is a "small action" (closed, pinned, split...): a system line, not a comment.
SMALL_ACTION = 3


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def _load(doc: Document) -> dict:
    data = load_json(doc)
    if not isinstance(data, dict) or not isinstance(data.get("post_stream"), dict):
        raise InputError(f"{doc.name}: not a Discourse topic (no post_stream)")
    return data


def _posts(data: dict) -> list[dict]:
    posts = as_list(data["post_stream"].get("posts"))
    return [p for p in posts if isinstance(p, dict) and _int(p.get("post_number")) is not None]


# ---------------------------------------------------------------- paging: what to fetch next


def _missing(data: dict) -> list[int]:
    stream = data["post_stream"].get("stream")
    if not isinstance(stream, list):
        return []
    have = {_int(p.get("id")) for p in _posts(data)}
    return [i for i in (_int(x) for x in stream) if i is not None and i not in have]


def missing_post_ids(doc: Document) -> list[int]:
    """Ids in `post_stream.stream` whose posts the document does not carry, in stream order."""
    return _missing(_load(doc))


def _topic_base(topic_url: str) -> tuple[str, str]:
    """(site base URL including any subfolder, topic id) from a topic URL in any of its forms."""
    parts = urlsplit(topic_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(f"{topic_url}: not an http(s) Discourse topic URL")
    path = parts.path
    prefix, sep, rest = path.partition("/t/")
    segs = [s.removesuffix(".json") for s in rest.split("/") if s] if sep else []
    if not segs:
        raise InputError(f"{topic_url}: not a Discourse topic URL (expected /t/<slug>/<id>)")
    if segs[0].isdigit():
        topic = segs[0]  # /t/<id>[/<post_number>]
    elif len(segs) > 1 and segs[1].isdigit():
        topic = segs[1]  # /t/<slug>/<id>[/<post_number>]
    else:
        raise InputError(f"{topic_url}: no topic id in the URL")
    return f"{parts.scheme}://{parts.netloc}{prefix}", topic


def batch_urls(topic_url: str, ids: Iterable[int], batch: int = BATCH) -> list[str]:
    """`/t/<id>/posts.json?post_ids[]=…` URLs fetching `ids`, `batch` posts per request."""
    base, topic = _topic_base(topic_url)
    ids = list(ids)
    batch = max(1, batch)
    return [
        f"{base}/t/{topic}/posts.json?" + "&".join(f"post_ids[]={i}" for i in ids[k:k + batch])
        for k in range(0, len(ids), batch)
    ]


# ---------------------------------------------------------------- parsing


class DiscourseSource:
    name = NAME
    forms = (
        "Discourse topic JSON: https://FORUM/t/SLUG/ID.json (remaining posts via /t/ID/posts.json batches)",
    )

    @never_raises
    def detect(self, doc: Document) -> float:
        head = sniff(doc.data, 65536)
        if not head.startswith(b"{"):
            return 0.0
        compact = head.replace(b" ", b"")
        if b'"post_stream":{' in compact and (b'"post_number":' in compact or b'"stream":' in compact):
            return 0.95
        return 0.0

    def parse(self, doc: Document) -> Thread:
        return _parse(doc, _load(doc))

    def next_pages(self, doc: Document) -> list[str]:
        """URLs of the posts.json batches that complete the topic (needs `doc.url`)."""
        if not doc.url:
            return []
        try:
            return batch_urls(doc.url, missing_post_ids(doc))
        except InputError:
            return []


def merge(doc: Document, extra_docs: Iterable[Document]) -> Thread:
    """The topic in `doc` together with the posts fetched from its posts.json batches."""
    data = _load(doc)
    posts = {(_int(p.get("id")), _int(p.get("post_number"))): p for p in _posts(data)}
    for extra in extra_docs:
        for p in _posts(_load(extra)):
            posts[(_int(p.get("id")), _int(p.get("post_number")))] = p  # a later fetch is fresher
    merged = dict(data)
    merged["post_stream"] = dict(data["post_stream"], posts=list(posts.values()))
    return _parse(doc, merged)


def _parse(doc: Document, data: dict) -> Thread:
    topic_id = _int(data.get("id"))
    posts = _posts(data)
    if topic_id is None:
        topic_id = next((t for t in (_int(p.get("topic_id")) for p in posts) if t is not None), None)
    base: str | None = None
    if doc.url:
        try:
            base = _topic_base(doc.url)[0]
        except InputError:
            parts = urlsplit(doc.url)
            base = f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") else None
    slug = as_str(data.get("slug")) or next((as_str(p.get("topic_slug")) for p in posts if p.get("topic_slug")), "")
    if topic_id is None and not posts:
        raise InputError(f"{doc.name}: the Discourse topic has no id and no posts")
    topic_url = f"{base}/t/{slug or 'topic'}/{topic_id}" if base and topic_id is not None else doc.url

    # One post per number; skip system "small action" lines but note them.
    by_number: dict[int, dict] = {}
    actions: list[dict[str, Any]] = []
    for p in posts:
        n = _int(p.get("post_number"))
        if n is None:
            continue
        if _int(p.get("post_type")) == SMALL_ACTION:
            actions.append({"post_number": n, "action_code": as_str(p.get("action_code"))})
            continue
        by_number.setdefault(n, p)
    ids = {n: str(_int(p.get("id")) if _int(p.get("id")) is not None else f"post-{n}") for n, p in by_number.items()}
    comments: list[Comment] = []
    placeholders: dict[int, Comment] = {}

    def target(n: int, username: str) -> str:
        if n in ids:
            return ids[n]
        if n not in placeholders:
            placeholders[n] = Comment(
                id=f"post-{n}", number=n, author=username, created_at=None, html="", text="",
                status="deleted", permalink=f"{topic_url}/{n}" if topic_url else None,
                cues=[{"type": "placeholder", "reason": f"post {n} is not in the topic (deleted or not loaded)"}],
            )
        return placeholders[n].id

    for n in sorted(by_number):
        comments.append(_post(by_number[n], n, ids[n], topic_id, topic_url, base, target))
    comments.extend(placeholders.values())
    comments.sort(key=lambda c: c.number or 0)

    first = by_number.get(1)
    created, _ = from_iso(as_str(data.get("created_at")) or as_str((first or {}).get("created_at")))
    details = as_dict(data.get("details"))
    creator = as_dict(details.get("created_by"))
    meta: dict[str, Any] = {}
    missing = _missing(data)
    if missing:
        meta["missing"] = {"count": len(missing), "ids": [str(i) for i in missing]}
    if placeholders:
        meta["placeholders"] = sorted(placeholders)
    if actions:
        meta["actions"] = actions
    if isinstance(data.get("posts_count"), int):
        meta["posts_count"] = data["posts_count"]
    host = urlsplit(base).netloc if base else ""
    if topic_id is not None:
        tid = f"{NAME}:{host}:{topic_id}" if host else f"{NAME}:{topic_id}"
    else:
        tid = f"{NAME}:{stable_id(doc.url or doc.name, comments[0].text if comments else '')}"
    return Thread(
        id=tid,
        source=NAME,
        url=topic_url,
        title=as_str(data.get("title")) or htmllib.unescape(as_str(data.get("fancy_title"))),
        comments=comments,
        author=as_str(creator.get("username")) or as_str((first or {}).get("username")) or None,
        published_at=created,
        body_html=comments[0].html if comments and comments[0].number == 1 else "",
        meta=meta,
    )


def _post(p: dict, n: int, cid: str, topic_id: int | None, topic_url: str | None, base: str | None,
          target: Any) -> Comment:
    username = as_str(p.get("username"))
    raw_time = as_str(p.get("created_at"))
    created, tz = from_iso(raw_time)
    status = "ok"
    if p.get("deleted_at") or p.get("user_deleted"):
        status = "deleted"
    elif p.get("hidden"):
        status = "removed"
    parents: list[ReplyEdge] = []
    reply_to = _int(p.get("reply_to_post_number"))
    if reply_to is not None and reply_to != n:
        ru = p.get("reply_to_user")
        ru_name = as_str(as_dict(ru).get("username"))
        parents.append(ReplyEdge(target(reply_to, ru_name), "platform", 1.0,
                                 f"discourse:reply_to_post_number={reply_to}"))
    html = text = ""
    cues: list[dict[str, Any]] = []
    cooked = as_str(p.get("cooked"))
    if status != "deleted" and cooked:
        html, text, quotes, mentions = _cooked(cooked, base)
        for user, num, topic in quotes:
            if num is None or (topic is not None and topic_id is not None and topic != topic_id):
                cues.append({"type": "quote", "username": user, "post": num, "topic": topic})
                continue
            if num == n:
                continue
            tgt = target(num, user)
            if all(e.target_id != tgt for e in parents):
                parents.append(ReplyEdge(tgt, "quote", 1.0, f"discourse:quote post={num} user={user}"))
        cues.extend({"type": "mention", "username": m} for m in mentions)
    if as_str(p.get("updated_at")) and p.get("version", 1) not in (1, None):
        cues.append({"type": "edited", "at": as_str(p.get("updated_at")), "version": p.get("version")})
    uid = _int(p.get("user_id"))
    return Comment(
        id=cid,
        number=n,
        author=username,
        created_at=created,
        html=html,
        text=text,
        created_raw=raw_time,
        tz=tz,
        permalink=f"{topic_url}/{n}" if topic_url else None,
        author_id=str(uid) if uid is not None else None,
        author_url=f"{base}/u/{username}" if base and username else None,
        format="html",
        status=status,
        parents=parents,
        cues=cues,
    )


def _inside_quote(node: LexborNode) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag == "aside" and "quote" in (parent.attributes.get("class") or "").split():
            return True
        parent = parent.parent
    return False


def _replace_image(img: LexborNode) -> None:
    """Images are not kept (no remote loads): emoji become their `:code:`, pictures their label."""
    attrs = img.attributes
    classes = (attrs.get("class") or "").split()
    label = attrs.get("alt") or attrs.get("title") or ""
    if "emoji" in classes:
        img.replace_with(label)
        return
    if "avatar" in classes or "site-icon" in classes:
        img.decompose()
        return
    link = img.parent
    while link is not None and link.tag != "a":
        link = link.parent
    if link is not None and not label:
        label = link.attributes.get("title") or "image"
    if label:
        img.replace_with(label if link is not None else f"[{label}]")
    else:
        img.decompose()


def _cooked(cooked: str, base: str | None) -> tuple[str, str, list[tuple[str, int | None, int | None]], list[str]]:
    """(html, text, quotes [(username, post, topic)], mentioned usernames) of a post's `cooked` HTML."""
    tree = LexborHTMLParser(cooked)
    body = tree.body
    if body is None:
        return "", "", [], []
    mentions: list[str] = []
    for a in tree.css("a[href]"):
        href = a.attributes.get("href") or ""
        if "mention" in (a.attributes.get("class") or "").split():
            mentions.append(a.text(strip=True).lstrip("@"))
        if base and href.startswith("/") and not href.startswith("//"):
            a.attrs["href"] = base + href
    for img in tree.css("img"):
        _replace_image(img)
    for meta in tree.css("div.lightbox-wrapper div.meta"):
        meta.decompose()
    quotes: list[tuple[str, int | None, int | None]] = []
    swaps: list[tuple[str, str]] = []
    for aside in tree.css("aside.quote"):
        if _inside_quote(aside):
            continue
        attrs = aside.attributes
        user = attrs.get("data-username") or ""
        quotes.append((user, _int(attrs.get("data-post")), _int(attrs.get("data-topic"))))
        inner = aside.css_first("blockquote")
        quoted = inner.inner_html if inner is not None else ""
        cite = f"<p><cite>{htmllib.escape(user)}</cite>:</p>" if user else ""
        swaps.append((aside.html or "", f"<blockquote>{cite}{quoted}</blockquote>"))
    full = body.inner_html or ""
    bare = full
    for old, new in swaps:
        full = full.replace(old, new, 1)
        bare = bare.replace(old, "", 1)
    html = clean_html(full)
    text = html_to_text(clean_html(bare)) if swaps else html_to_text(html)
    return html, text, quotes, mentions


SOURCE = DiscourseSource()

__all__ = ["SOURCE", "missing_post_ids", "batch_urls", "merge"]
