"""Rendered WordPress comment lists (Walker_Comment html5 and xhtml markup, formats §2.2).

The parent of a comment is the nearest enclosing comment (DOM nesting). Past the site's thread
depth limit WordPress prints deeper replies at the last level, so nesting then names an ancestor
rather than the real parent: such comments carry a `depth` cue (and any `#comment-N` reply link the
theme printed) for the text-cue resolver, and their nesting edge is marked less certain.
"""

from __future__ import annotations

import re
from typing import Any
from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..errors import InputError
from ..model import Comment, ReplyEdge, Thread
from ..sanitize import clean_html, html_to_text, normalize_space
from ..times import from_iso
from .base import Document
from .blog_common import (
    NAME, finish, host_of, join_url, node_attr, node_text, parse_display_time, post_url, thread_id,
)

_ID = re.compile(r"^(li-)?comment-(\d{1,18})$")
_ID_IN_PAGE = re.compile(r"<(?:li|div|article)\b[^>]*\bid=[\"'](?:li-)?comment-\d+[\"']", re.I)
_TAGS = ("li", "div", "article", "section")
_DEPTH = re.compile(r"\bdepth-(\d+)\b")
_TARGET = re.compile(r"#comment-(\d+)\b")
_PAGE_LINK = re.compile(r"(?:/comment-page-\d+/?|[?&]cpage=\d+)")
#: Page furniture inside a comment body that is not the comment's text (xhtml walker, themes).
_FURNITURE = (".comment-author", ".comment-meta", ".commentmetadata", ".comment-metadata", ".reply",
              ".comment-awaiting-moderation", ".children", ".comment-edit-link", "footer", "header",
              ".avatar", "script", "style", "form")


def detect(doc: Document) -> float:
    if not doc.is_html:
        return 0.0
    text = doc.text[:3_000_000]
    if not _ID_IN_PAGE.search(text):
        return 0.0
    low = text.lower()
    walker_list = bool(re.search(r"class=[\"'][^\"']*\b(?:comment-list|commentlist)\b", low)
                       or 'id="commentlist"' in low)
    walker_body = "comment-body" in low or "comment-content" in low or "comment-author vcard" in low
    wordpress = 'content="wordpress' in low or "/wp-content/" in low or "/wp-includes/" in low
    if walker_list and walker_body and wordpress:  # WordPress's own markup on a WordPress page
        return 0.95
    return 0.5 + 0.15 * walker_list + 0.1 * walker_body + 0.1 * wordpress


class _Page:
    """The comment containers of one page and which comment owns each node."""

    def __init__(self, tree: LexborHTMLParser) -> None:
        self.owner: dict[int, str] = {}  # mem_id of a comment container -> comment id
        self.primary: dict[str, LexborNode] = {}
        for node in tree.css('[id*="comment-"]'):
            m = _ID.match(node.attributes.get("id") or "")
            if not m or node.tag not in _TAGS:
                continue
            cid = m.group(2)
            self.owner[node.mem_id] = cid
            if m.group(1) or cid not in self.primary:  # li-comment-N wraps comment-N (Twenty Ten)
                self.primary[cid] = node

    def owner_of(self, node: LexborNode | None) -> str | None:
        while node is not None:
            cid = self.owner.get(node.mem_id)
            if cid is not None:
                return cid
            node = node.parent
        return None

    def parent_of(self, cid: str) -> str | None:
        node = self.primary[cid].parent
        while node is not None:
            other = self.owner.get(node.mem_id)
            if other is not None and other != cid:
                return other
            node = node.parent
        return None

    def own(self, cid: str, selector: str) -> list[LexborNode]:
        """Nodes matching `selector` inside comment `cid` but not inside a nested comment."""
        return [n for n in self.primary[cid].css(selector) if self.owner_of(n) == cid]

    def first(self, cid: str, selector: str) -> LexborNode | None:
        """The first own match of the first alternative (` || `) that has one."""
        for sel in selector.split(" || "):
            for node in self.primary[cid].css(sel):
                if self.owner_of(node) == cid:
                    return node
        return None


def parse(doc: Document) -> Thread:
    doc.check_complete()
    tree = LexborHTMLParser(doc.text)
    page = _Page(tree)
    if not page.primary:
        raise InputError(f"{doc.name}: no WordPress comments (li#comment-N) on this page")
    base = doc.url or node_attr(tree.css_first('link[rel="canonical"]'), "href") or None
    lang = node_attr(tree.css_first("html"), "lang").lower()
    dayfirst = bool(lang) and lang not in ("en", "en-us")
    depths = {cid: _depth(page, cid) for cid in page.primary}
    max_depth = max(depths.values())
    meta: dict[str, Any] = {"form": "html", "max_depth_seen": max_depth}
    comments: list[Comment] = []
    pings = 0
    for cid in page.primary:
        classes = (page.primary[cid].attributes.get("class") or "").split()
        if "pingback" in classes or "trackback" in classes:
            pings += 1
            if not any(page.parent_of(o) == cid for o in page.primary):
                continue
        comments.append(_comment(page, cid, base, depths[cid], max_depth, dayfirst))
    if pings:
        meta["pingbacks"] = pings
    if not comments:
        raise InputError(f"{doc.name}: this page lists only pingbacks, no comments")
    pending = [c.id for c in comments if any(q.get("kind") == "pending" for q in c.cues)]
    if pending:
        meta["pending"] = pending
    ordered = finish(comments, meta)
    base = base or post_url(next((c.permalink for c in ordered if c.permalink), None))
    post_id = _post_id(tree)
    title = (node_attr(tree.css_first('meta[property="og:title"]'), "content")
             or node_text(tree.css_first("h1.entry-title, .entry-title, h1"))
             or node_text(tree.css_first("title")))
    published = None
    for node in (tree.css_first('meta[property="article:published_time"]'),
                 tree.css_first("time.entry-date[datetime], .entry-meta time[datetime]")):
        value = node_attr(node, "content") or node_attr(node, "datetime")
        if value:
            published, _ = from_iso(value)
            break
    body = tree.css_first(".entry-content, .post-content")
    author = (node_attr(tree.css_first('meta[name="author"]'), "content")
              or node_text(tree.css_first(".entry-meta .author, .byline .author, .entry-author .fn")))
    return Thread(
        id=thread_id(host_of(base), post_id, base or title + ordered[0].text),
        source=NAME,
        url=base,
        title=title,
        comments=ordered,
        author=author or None,
        published_at=published,
        body_html=clean_html(body.inner_html or "") if body is not None else "",
        meta=meta,
    )


def _comment(page: _Page, cid: str, base: str | None, depth: int, max_depth: int,
             dayfirst: bool) -> Comment:
    fn = page.first(cid, ".fn || .comment-author cite || .comment-author")
    author = _author_name(fn)
    link = fn.css_first("a[href]") if fn is not None else None
    created = None
    tz, raw = "unknown", ""
    when = page.first(cid, "time[datetime]")
    if when is not None:
        raw = when.attributes.get("datetime") or ""
        created, tz = from_iso(raw, naive="assumed")
    if created is None:
        shown = page.first(cid, ".comment-metadata a || .comment-meta a || .commentmetadata a || time")
        if shown is not None:
            raw = normalize_space(shown.text())
            created = parse_display_time(raw, dayfirst=dayfirst)
            tz = "assumed" if created else "unknown"
    permalink = None
    for a in page.own(cid, 'a[href*="#comment-"]'):
        cls = a.attributes.get("class") or ""
        if f"#comment-{cid}" in (a.attributes.get("href") or "") and "reply" not in cls:
            permalink = join_url(base, a.attributes["href"] or "")
            break
    html = _body_html(page, cid)
    c = Comment(
        id=cid, number=None, author=author, created_at=created, html=html, text=html_to_text(html),
        created_raw=raw, tz=tz, permalink=permalink,
        author_url=(link.attributes.get("href") or None) if link is not None else None,
    )
    if page.first(cid, ".comment-awaiting-moderation") is not None:
        c.cues.append({"kind": "pending"})
    cue = _reply_link(page, cid)
    parent = page.parent_of(cid)
    flattened = depth >= 2 and depth == max_depth
    c.cues.append({"kind": "depth", "depth": depth, "at_max_depth": flattened})
    if cue:
        c.cues.append(cue)
    if parent is not None:
        sure = not (flattened and cue and cue["target"] != parent)
        evidence = f"inside li#comment-{parent}" + ("" if sure else f" at max depth {depth}; flattened?")
        c.parents.append(ReplyEdge(parent, "nesting", 1.0 if sure else 0.5, evidence))
    return c


def _author_name(fn: LexborNode | None) -> str:
    if fn is None:
        return ""
    node = fn.clone()
    for junk in node.css(".says, .avatar, img, .screen-reader-text"):
        junk.decompose()
    name = normalize_space(node.text())
    return re.sub(r"\s*(?:says|said|wrote)\s*:?\s*$", "", name, flags=re.I)


def _body_html(page: _Page, cid: str) -> str:
    node = page.first(cid, ".comment-content || .comment-text || .comment-entry || .comment-body")
    if node is None:
        node = page.primary[cid]
    copy = node.clone()
    for sel in _FURNITURE + ('[id*="comment-"]',):
        for junk in copy.css(sel):
            junk.decompose()
    return clean_html(copy.inner_html or "")


def _reply_link(page: _Page, cid: str) -> dict[str, Any] | None:
    """A link the theme or author put at the top of a reply: `@Dana` -> #comment-40, "In reply to"."""
    content = page.first(cid, ".comment-content || .comment-text || .comment-body")
    scopes = page.own(cid, ".comment--parent__link, .in-reply-to a, .comment-parent-link")
    if content is not None:  # a link among the first words of the body
        text = normalize_space(content.text())
        scopes += [a for a in content.css("a[href]")[:2]
                   if 0 <= text.find(normalize_space(a.text()) or "\0") < 40]
    for a in scopes:
        m = _TARGET.search(a.attributes.get("href") or "")
        if m and m.group(1) != cid:
            return {"kind": "link", "target": m.group(1), "text": normalize_space(a.text())}
    return None


def _depth(page: _Page, cid: str) -> int:
    for node in (page.primary[cid], page.primary[cid].parent):
        m = _DEPTH.search((node.attributes.get("class") or "") if node is not None else "")
        if m:
            return int(m.group(1))
    depth, parent = 1, page.parent_of(cid)
    while parent is not None and depth < 1000:
        depth, parent = depth + 1, page.parent_of(parent)
    return depth


def _post_id(tree: LexborHTMLParser) -> str:
    for node, attr in ((tree.css_first(".comment-reply-link[data-postid]"), "data-postid"),
                       (tree.css_first('input[name="comment_post_ID"]'), "value")):
        value = node_attr(node, attr)
        if value.isdigit():
            return value
    body = node_attr(tree.body, "class")
    m = re.search(r"\bpostid-(\d+)\b", body) or re.search(
        r"^post-(\d+)$", node_attr(tree.css_first('article[id^="post-"]'), "id"))
    return m.group(1) if m else ""


def next_pages(doc: Document) -> list[str]:
    """Other comment pages (`/comment-page-N/`, `?cpage=N`) linked from this page."""
    tree = LexborHTMLParser(doc.text)
    base = doc.url or ""
    seen: dict[str, None] = {}
    for a in tree.css("a[href]"):
        href = a.attributes.get("href") or ""
        if _PAGE_LINK.search(href):
            url = (join_url(base, href) or "").split("#", 1)[0]
            if url.startswith(("http://", "https://")) and url != base.split("#", 1)[0]:
                seen.setdefault(url, None)
    return list(seen)

