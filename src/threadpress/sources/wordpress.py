"""WordPress comments: the WXR export, the REST API JSON, and rendered comment lists (formats §2)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from ..errors import InputError
from ..model import Comment, Thread
from ..sanitize import clean_html, html_to_text
from ..times import from_iso
from . import wordpress_html
from ._shape import load_json, never_raises, sniff
from .base import Document
from .blog_common import (
    NAME, autop, finish, host_of, pick, platform_edge, post_url, thread_id, xml_root, xtext,
)

_WXR_NS = re.compile(rb"xmlns:wp=[\"']http://wordpress\.org/export/")
_PINGS = ("pingback", "trackback")
_WXR_STATUS = {"1": "ok", "approve": "ok", "approved": "ok", "0": "ok", "hold": "ok",
               "spam": "spam", "trash": "deleted", "post-trashed": "deleted"}
_REST_STATUS = {"approved": "ok", "approve": "ok", "hold": "ok", "unapproved": "ok",
                "spam": "spam", "trash": "deleted"}
_PENDING = {"0", "hold", "unapproved"}


def _naive_utc(gmt: str, local: str) -> tuple[datetime | None, str, str]:
    """Prefer the *_gmt value (UTC without an offset); fall back to the site-local one (assumed)."""
    if gmt and not gmt.startswith("0000"):
        dt, tz = from_iso(gmt, naive="naive_utc")
        if dt is not None:
            return dt, tz, gmt
    if local and not local.startswith("0000"):
        dt, tz = from_iso(local, naive="assumed")
        return dt, tz, local
    return None, "unknown", gmt or local


def _tombstone(c: Comment) -> None:
    """Deleted comments keep their place but not their words."""
    if c.status == "deleted":
        c.html = c.text = ""


class WordPressSource:
    name = NAME
    forms = (
        "WordPress WXR export (Tools > Export): the busiest post's comments with parents, or the named post",
        "WordPress REST API JSON (/wp-json/wp/v2/comments): comment array with parents",
        "WordPress post page with a rendered comment list (Walker_Comment, html5 or xhtml)",
    )

    @never_raises
    def detect(self, doc: Document) -> float:
        head = doc.data[:8192]
        if b"<rss" in head and _WXR_NS.search(head):
            return 0.95
        if sniff(head, 8192).startswith(b"[") and _looks_rest(head):
            return 0.95
        return wordpress_html.detect(doc)

    def parse(self, doc: Document) -> Thread:
        head = doc.data[:8192]
        if b"<rss" in head and _WXR_NS.search(head):
            return _parse_wxr(doc)
        if doc.text.lstrip()[:1] == "[":
            return _parse_rest(doc)
        if doc.text.lstrip()[:1] == "<" and b"<rss" in head:
            return _parse_wxr(doc)
        return wordpress_html.parse(doc)

    def next_pages(self, doc: Document) -> list[str]:
        try:
            return wordpress_html.next_pages(doc)
        except Exception:
            return []


def _looks_rest(head: bytes) -> bool:
    return all(k in head for k in (b'"author_name"', b'"date_gmt"', b'"rendered"', b'"parent"'))


# --- WXR -------------------------------------------------------------------------------------------


def _parse_wxr(doc: Document) -> Thread:
    root = xml_root(doc, "WordPress export")
    channel = root.find("channel")
    if root.tag != "rss" or channel is None:
        raise InputError(f"{doc.name}: not a WordPress export (no <rss><channel>)")
    items = channel.findall("item")
    counts: dict[str, int] = {}
    aliases: dict[str, str] = {}
    by_key: dict[str, Any] = {}
    for i, item in enumerate(items):
        n = sum(1 for c in item.iterfind("{*}comment") if xtext(c, "{*}comment_type") not in _PINGS)
        if not n:
            continue
        key = xtext(item, "{*}post_id") or f"#{i + 1}"
        if key in counts:
            continue
        counts[key], by_key[key] = n, item
        for alias in (xtext(item, "{*}post_name"), xtext(item, "link"), xtext(item, "guid")):
            if alias:
                aliases.setdefault(alias, key)
                aliases.setdefault(alias.rstrip("/").rsplit("/", 1)[-1], key)
    if not counts:
        raise InputError(f"{doc.name}: no post in this WordPress export has comments")
    key = pick(counts, doc.extra.get("post"), aliases, doc, "post")
    item = by_key[key]

    site = xtext(channel, "{*}base_blog_url") or xtext(channel, "link")
    names = {xtext(a, "{*}author_login"): xtext(a, "{*}author_display_name")
             for a in channel.iterfind("{*}author")}
    meta: dict[str, Any] = {"form": "wxr", "post_id": key}
    others = sorted((k for k in counts if k != key), key=lambda k: -counts[k])
    if others:
        meta["other_posts"] = others

    link = xtext(item, "link") or None
    raw: dict[str, Comment] = {}
    for el in item.iterfind("{*}comment"):
        c = _wxr_comment(el, link)
        if c is not None:
            raw.setdefault(c.id, c)  # an id repeated by a botched merge counts once
    comments = _drop_pings(list(raw.values()), meta)
    pending = [c.id for c in comments if any(q.get("kind") == "pending" for q in c.cues)]
    if pending:
        meta["pending"] = pending
    if not comments:
        raise InputError(f"{doc.name}: the chosen post has no readable comments")
    title = xtext(item, "title")
    creator = xtext(item, "{*}creator")
    published, _, _ = _naive_utc(xtext(item, "{*}post_date_gmt"), xtext(item, "{*}post_date"))
    return Thread(
        id=thread_id(host_of(site or link), key, link or title + comments[0].text),
        source=NAME,
        url=link,
        title=title,
        comments=finish(comments, meta),
        author=names.get(creator) or creator or None,
        published_at=published,
        body_html=clean_html(autop(xtext(item, "{*}encoded"))),
        meta=meta,
    )


def _wxr_comment(el: Any, link: str | None) -> Comment | None:
    cid = xtext(el, "{*}comment_id")
    if not cid:
        return None
    approved = xtext(el, "{*}comment_approved").lower()
    created, tz, raw_time = _naive_utc(xtext(el, "{*}comment_date_gmt"), xtext(el, "{*}comment_date"))
    html = clean_html(autop(xtext(el, "{*}comment_content")))
    user = xtext(el, "{*}comment_user_id")
    parent = xtext(el, "{*}comment_parent")
    c = Comment(
        id=cid,
        number=None,
        author=xtext(el, "{*}comment_author"),
        created_at=created,
        html=html,
        text=html_to_text(html),
        created_raw=raw_time,
        tz=tz,
        permalink=f"{link.split('#', 1)[0]}#comment-{cid}" if link else None,
        author_id=user if user not in ("", "0") else None,
        author_url=xtext(el, "{*}comment_author_url") or None,
        status=_WXR_STATUS.get(approved, "ok"),
        parents=platform_edge(parent, f"wp:comment_parent={parent}"),
    )
    if approved in _PENDING:
        c.cues.append({"kind": "pending"})
    ctype = xtext(el, "{*}comment_type")
    if ctype in _PINGS:
        c.cues.append({"kind": ctype})
    _tombstone(c)
    return c


def _drop_pings(comments: list[Comment], meta: dict[str, Any]) -> list[Comment]:
    """Pingbacks and trackbacks are links, not discussion: keep only those someone answered."""
    answered = {e.target_id for c in comments for e in c.parents}
    kept = [c for c in comments
            if c.id in answered or not any(q.get("kind") in _PINGS for q in c.cues)]
    if len(kept) != len(comments):
        meta["pingbacks"] = len(comments) - len(kept)
    return kept


# --- REST JSON -------------------------------------------------------------------------------------


def _s(value: Any) -> str:
    if value is None or isinstance(value, (dict, list)):
        return ""
    return str(value).strip()


def _parse_rest(doc: Document) -> Thread:
    data = load_json(doc)
    if not isinstance(data, list):
        raise InputError(f"{doc.name}: expected a JSON array of WordPress comments")
    rows: list[dict[str, Any]] = []
    for item in data:  # several pages pasted together arrive as a list of lists
        rows.extend(r for r in (item if isinstance(item, list) else [item]) if isinstance(r, dict))
    rows = [r for r in rows if _s(r.get("id")) and ("author_name" in r or "content" in r)]
    if not rows:
        raise InputError(f"{doc.name}: no WordPress comments in this JSON")
    counts: dict[str, int] = {}
    for r in rows:
        if _s(r.get("type")) not in _PINGS:
            counts[_s(r.get("post"))] = counts.get(_s(r.get("post")), 0) + 1
    key = pick(counts, doc.extra.get("post"), {}, doc, "post")
    meta: dict[str, Any] = {"form": "rest", "post_id": key}
    others = sorted((k for k in counts if k != key), key=lambda k: -counts[k])
    if others:
        meta["other_posts"] = others
    seen: set[str] = set()
    comments: list[Comment] = []
    for r in rows:
        cid = _s(r.get("id"))
        if _s(r.get("post")) != key or cid in seen:
            continue
        seen.add(cid)
        comments.append(_rest_comment(r, cid))
    comments = _drop_pings(comments, meta)
    pending = [c.id for c in comments if any(q.get("kind") == "pending" for q in c.cues)]
    if pending:
        meta["pending"] = pending
    url = post_url(next((c.permalink for c in comments if c.permalink), None))
    return Thread(
        id=thread_id(host_of(url), key, url or comments[0].text),
        source=NAME,
        url=url,
        title="",
        comments=finish(comments, meta),
        meta=meta,
    )


def _rest_comment(r: dict[str, Any], cid: str) -> Comment:
    content = r.get("content")
    rendered = _s(content.get("rendered")) if isinstance(content, dict) else _s(content)
    html = clean_html(rendered)
    created, tz, raw_time = _naive_utc(_s(r.get("date_gmt")), _s(r.get("date")))
    status_raw = _s(r.get("status")).lower()
    author = _s(r.get("author"))
    parent = _s(r.get("parent"))
    c = Comment(
        id=cid,
        number=None,
        author=_s(r.get("author_name")),
        created_at=created,
        html=html,
        text=html_to_text(html),
        created_raw=raw_time,
        tz=tz,
        permalink=_s(r.get("link")) or None,
        author_id=author if author not in ("", "0") else None,
        author_url=_s(r.get("author_url")) or None,
        status=_REST_STATUS.get(status_raw, "ok"),
        parents=platform_edge(parent, f"parent={parent}"),
    )
    if status_raw in _PENDING:
        c.cues.append({"kind": "pending"})
    if _s(r.get("type")) in _PINGS:
        c.cues.append({"kind": _s(r.get("type"))})
    _tombstone(c)
    return c


SOURCE = WordPressSource()
