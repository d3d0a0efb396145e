"""Blogger comments: rendered pages (classic and threaded), the comments feed, Takeout (formats §3).

Times: the Atom/Takeout `published` carries its offset (explicit). On pages the permalink's
`?showComment=<epoch ms>` is the exact UTC time (epoch); the display text is blog-local with no
zone, used only when no permalink has the number (assumed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..errors import InputError
from ..model import Comment, ReplyEdge, Thread, stable_id
from ..sanitize import clean_html, html_to_text, normalize_space, text_to_html
from ..times import from_epoch, from_iso
from ._shape import load_json, never_raises, sniff
from .base import Document
from .blog_common import finish, join_url, node_attr, node_text, parse_display_time, pick, xml_root

NAME = "blogger"
ATOM = "http://www.w3.org/2005/Atom"
_TAG = re.compile(r"tag:blogger\.com,1999:blog-(\d+)\.(?:post|page|comment)-(\d+)")
_TAIL_ID = re.compile(r"(\d+)\s*$")
_RELATED = re.compile(r"/comments/default/(\d+)")
_SHOW = re.compile(r"[?&]showComment=(\d{10,16})")
_BLOGGER_PAGE = re.compile(
    r"<meta\s+content=['\"]blogger['\"]\s+name=['\"]generator['\"]|"
    r"<meta\s+name=['\"]generator['\"]\s+content=['\"]blogger['\"]|Blog\d+_cmt-\d+|www\.blogger\.com/comment", re.I)
_PROFILE = re.compile(r"/profile/(\d+)")
_REMOVED_BY_ADMIN = re.compile(r"removed by (?:a|the) blog administrator", re.I)
_REMOVED_BY_AUTHOR = re.compile(r"(?:removed|deleted) by the author", re.I)
#: "NAME said..." in the blog's language (data:commentPostedByMsg); the ellipsis or colon is required.
_SAID = re.compile(
    r"\s+(?:said|dijo|disse|a dit|hat gesagt|ha detto|zei|sa|sagde|skrev|sanoi|napisał\(a\)|napisał|"
    r"napsal\(a\)|пишет|написал|說|说)\s*(?:\.\.\.|…|:)\s*$", re.I)


@dataclass
class _Entry:
    """One feed entry, from Atom XML or the `?alt=json` form."""

    kind: str = "other"  # comment | post
    blog: str = ""
    native: str = ""
    post: str = ""  # the post a comment belongs to
    parent: str = ""
    parent_evidence: str = ""
    title: str = ""
    html: str = ""
    published: str = ""
    author: str = ""
    author_uri: str = ""
    permalink: str = ""
    post_url: str = ""
    status: str = "ok"
    props: dict[str, str] = field(default_factory=dict)


class BloggerSource:
    name = NAME
    forms = (
        "Blogger comments feed (Atom or ?alt=json): parents from link rel=related",
        "Blogger export / Google Takeout feed.atom (blogger:inReplyTo parents)",
        "Blogger post page, threaded template (div.comment-replies nesting)",
        "Blogger post page, classic 'NAME said...' comments (no parents; @NAME left to the resolver)",
    )

    @never_raises
    def detect(self, doc: Document) -> float:
        head = doc.data[:65536]
        lead = sniff(head, 512)
        if lead.startswith((b"<?xml", b"<feed")):
            if b"schemas.google.com/blogger/2018" in head or _TAG.search(head.decode("latin-1")):
                return 0.95
            return 0.0
        if lead.startswith(b"{"):
            return 0.95 if b'"$t"' in head and b"tag:blogger.com,1999:blog-" in head else 0.0
        if not doc.is_html:
            return 0.0
        text = doc.text[:3_000_000]
        if not re.search(r"\bid=[\"']c\d{6,}[\"']|\bname=[\"']c\d{6,}[\"']", text):
            return 0.0
        if _BLOGGER_PAGE.search(text):  # Blogger's own generator tag and markup: certain
            return 0.95
        score = 0.45
        if "showComment=" in text:
            score += 0.2
        if re.search(r"comments-block|comment-thread|comment-replies|blogger\.com", text):
            score += 0.15
        return min(score, 0.85)

    def parse(self, doc: Document) -> Thread:
        lead = doc.text[:512].lstrip()
        if lead.startswith(("<?xml", "<feed")):
            return _from_entries(doc, *_atom_entries(doc))
        if lead.startswith("{"):
            return _from_entries(doc, *_json_entries(doc))
        return _parse_html(doc)


# --- feeds -----------------------------------------------------------------------------------------


def _ids(value: str) -> tuple[str, str]:
    m = _TAG.search(value or "")
    if m:
        return m.group(1), m.group(2)
    tail = _TAIL_ID.search(value or "")
    return "", tail.group(1) if tail else ""


def _atom_entries(doc: Document) -> tuple[list[_Entry], dict[str, str]]:
    root = xml_root(doc, "Blogger feed")
    if etree.QName(root).localname != "feed":
        raise InputError(f"{doc.name}: not an Atom feed (root is <{etree.QName(root).localname}>)")
    a = f"{{{ATOM}}}"
    entries = []
    for el in root.iterfind(f"{a}entry"):
        e = _Entry()
        e.blog, e.native = _ids(_t(el.find(f"{a}id")))
        e.title = _t(el.find(f"{a}title"))
        e.published = _t(el.find(f"{a}published"))
        author = el.find(f"{a}author")
        if author is not None:
            e.author = _t(author.find(f"{a}name"))
            e.author_uri = _t(author.find(f"{a}uri"))
        content = el.find(f"{a}content")
        e.html = _content_html(content.get("type", "text"), _t(content, strip=False)) if content is not None else ""
        for link in el.iterfind(f"{a}link"):
            rel, href = link.get("rel", ""), link.get("href", "")
            if rel == "alternate":
                e.permalink = href
            elif rel == "related" and (m := _RELATED.search(href)):
                e.parent, e.parent_evidence = m.group(1), f"link rel=related …/comments/default/{m.group(1)}"
        for prop in el.iterfind("{*}extendedProperty"):
            e.props[prop.get("name", "")] = prop.get("value", "")
        reply_to = el.find("{*}in-reply-to")
        if reply_to is not None:
            e.kind, e.post = "comment", _ids(reply_to.get("ref", ""))[1]
            e.post_url = reply_to.get("href", "")
        for cat in el.iterfind(f"{a}category"):
            term = cat.get("term", "")
            if term.endswith("#comment"):
                e.kind = "comment"
            elif term.endswith("#post"):
                e.kind = "post"
        _takeout(el, e)
        if e.props.get("blogger.contentRemoved") == "true":
            e.status = "deleted"
        entries.append(e)
    feed = {"title": _t(root.find(f"{a}title"))}
    return entries, feed


def _takeout(el: Any, e: _Entry) -> None:
    """Google Takeout marks: blogger:type, blogger:parent (post), blogger:inReplyTo, status."""
    kind = _t(el.find("{*}type")).upper()
    if kind:
        e.kind = {"COMMENT": "comment", "POST": "post", "PAGE": "post"}.get(kind, "other")
    parent_post = _t(el.find("{*}parent"))
    if parent_post:
        e.post = _ids(parent_post)[1]
    reply = _t(el.find("{*}inReplyTo"))
    if reply and (m := _TAIL_ID.search(reply)):
        e.parent, e.parent_evidence = m.group(1), f"blogger:inReplyTo={m.group(1)}"
    status = _t(el.find("{*}status")).upper()
    if "SPAM" in status:
        e.status = "spam"
    elif el.find("{*}trashed") is not None or any(w in status for w in ("DELETED", "TRASH", "REMOVED")):
        e.status = "deleted"
    filename = _t(el.find("{*}filename"))
    if filename and not e.permalink:
        e.permalink = filename


def _json_entries(doc: Document) -> tuple[list[_Entry], dict[str, str]]:
    data = load_json(doc)
    feed = data.get("feed") if isinstance(data, dict) else None
    if not isinstance(feed, dict):
        raise InputError(f"{doc.name}: not a Blogger JSON feed (no \"feed\" object)")
    entries = []
    raw = feed.get("entry")
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict):
            continue
        e = _Entry()
        e.blog, e.native = _ids(_j(item.get("id")))
        e.title = _j(item.get("title"))
        e.published = _j(item.get("published"))
        authors = item.get("author")
        author = authors[0] if isinstance(authors, list) and authors and isinstance(authors[0], dict) else {}
        e.author, e.author_uri = _j(author.get("name")), _j(author.get("uri"))
        content = item.get("content")
        if isinstance(content, dict):
            e.html = _content_html(str(content.get("type") or "html"), _j(content))
        for link in item.get("link") if isinstance(item.get("link"), list) else []:
            if not isinstance(link, dict):
                continue
            rel, href = str(link.get("rel") or ""), str(link.get("href") or "")
            if rel == "alternate":
                e.permalink = href
            elif rel == "related" and (m := _RELATED.search(href)):
                e.parent, e.parent_evidence = m.group(1), f"link rel=related …/comments/default/{m.group(1)}"
        reply_to = item.get("thr$in-reply-to")
        if isinstance(reply_to, dict):
            e.kind, e.post = "comment", _ids(str(reply_to.get("ref") or ""))[1]
            e.post_url = str(reply_to.get("href") or "")
        props = item.get("gd$extendedProperty")
        for prop in props if isinstance(props, list) else []:
            if isinstance(prop, dict):
                e.props[str(prop.get("name"))] = str(prop.get("value"))
        if e.props.get("blogger.contentRemoved") == "true":
            e.status = "deleted"
        entries.append(e)
    return entries, {"title": _j(feed.get("title"))}


def _j(value: Any) -> str:
    """A `{"$t": "..."}` text node of Blogger's JSON feeds."""
    if isinstance(value, dict):
        value = value.get("$t")
    return str(value).strip() if isinstance(value, (str, int, float)) else ""


def _t(el: Any, *, strip: bool = True) -> str:
    if el is None:
        return ""
    text = "".join(el.itertext())
    return text.strip() if strip else text


def _content_html(kind: str, value: str) -> str:
    if kind == "text":
        return text_to_html(value)
    return _paragraphs(clean_html(value))  # type="html": lxml/JSON already undid the escaping once


_BLOCK_START = re.compile(r"\s*<(?:p|div|blockquote|ul|ol|pre|h\d|table)\b", re.I)
_BR_RUN = re.compile(r"(?:\s*<br\s*/?>\s*){2,}", re.I)


def _paragraphs(html: str) -> str:
    """Blogger comment bodies are inline HTML with <br>s: make paragraphs like the page shows."""
    if not html or _BLOCK_START.match(html):
        return html
    return "\n".join(f"<p>{part.strip()}</p>" for part in _BR_RUN.split(html) if part.strip())


def _from_entries(doc: Document, entries: list[_Entry], feed: dict[str, str]) -> Thread:
    comments = [e for e in entries if e.kind == "comment" and e.native]
    if not comments:
        raise InputError(f"{doc.name}: no comments in this Blogger feed")
    counts: dict[str, int] = {}
    aliases: dict[str, str] = {}
    for e in comments:
        counts[e.post] = counts.get(e.post, 0) + 1
        if e.post_url:
            aliases.setdefault(e.post_url, e.post)
    posts = {e.native: e for e in entries if e.kind == "post"}
    for pid, p in posts.items():
        if p.permalink:
            aliases.setdefault(p.permalink, pid)
    key = pick(counts, doc.extra.get("post"), aliases, doc, "post")
    meta: dict[str, Any] = {"form": "feed", "post_id": key}
    others = sorted((k for k in counts if k != key), key=lambda k: -counts[k])
    if others:
        meta["other_posts"] = others
    out = [_feed_comment(e) for e in comments if e.post == key]
    seen: set[str] = set()
    out = [c for c in out if not (c.id in seen or seen.add(c.id))]
    post = posts.get(key)
    first = next((e for e in comments if e.post == key), None)
    url = (post.permalink if post and post.permalink.startswith("http") else "") or (first.post_url if first else "")
    for c in out:  # Takeout has no comment links: build Blogger's own permalink form
        if url and not (c.permalink or "").startswith("http") and c.created_at is not None:
            c.permalink = f"{url}?showComment={int(c.created_at.timestamp() * 1000)}#c{c.id}"
    blog = (post.blog if post else "") or (first.blog if first else "")
    title = post.title if post else re.sub(r"^Comments on [^:]*:\s*", "", feed.get("title", ""))
    published = from_iso(post.published)[0] if post else None
    return Thread(
        id=f"{NAME}:{blog}:{key}" if blog and key else f"{NAME}:{stable_id(url or title + out[0].text)}",
        source=NAME,
        url=url or None,
        title=title,
        comments=finish(out, meta, id_order=False),
        author=(post.author or None) if post else None,
        published_at=published,
        body_html=post.html if post else "",
        meta=meta,
    )


def _feed_comment(e: _Entry) -> Comment:
    created, tz = from_iso(e.published)
    raw = e.published
    if created is None and (m := _SHOW.search(e.permalink)):
        (created, tz), raw = from_epoch(m.group(1)), m.group(1)
    if e.props.get("blogger.contentRemoved") == "true" and _REMOVED_BY_ADMIN.search(e.html[:200]):
        e.status = "removed"
    if e.status in ("deleted", "removed"):
        e.html = ""
    profile = _PROFILE.search(e.author_uri)
    c = Comment(
        id=e.native, number=None, author=e.author, created_at=created, html=e.html,
        text=html_to_text(e.html), created_raw=raw, tz=tz, permalink=e.permalink or None,
        author_id=profile.group(1) if profile else None, author_url=e.author_uri or None,
        status=e.status,
    )
    if e.parent and e.parent != e.native and e.parent != e.post:
        c.parents.append(ReplyEdge(e.parent, "platform", 1.0, e.parent_evidence))
    return c


# --- pages -----------------------------------------------------------------------------------------


def _parse_html(doc: Document) -> Thread:
    doc.check_complete()
    tree = LexborHTMLParser(doc.text)
    threaded = [n for n in tree.css("li.comment") if re.fullmatch(r"c\d+", n.attributes.get("id") or "")]
    meta: dict[str, Any] = {"form": "threaded" if threaded else "classic"}
    comments = _threaded(threaded) if threaded else _classic(tree)
    if not comments:
        raise InputError(f"{doc.name}: no Blogger comments on this page")
    more = tree.css_first(".loadmore")  # "Load more..." for replies the server did not render
    if more is not None and "hidden" not in (more.attributes.get("class") or ""):
        meta["load_more"] = True
    url = (doc.url or node_attr(tree.css_first('link[rel="canonical"]'), "href")
           or node_attr(tree.css_first('meta[property="og:url"]'), "content") or "")
    if not url and comments[0].permalink:
        url = comments[0].permalink.split("?", 1)[0].split("#", 1)[0]
    for c in comments:
        if url and c.permalink and not c.permalink.startswith(("http://", "https://")):
            c.permalink = join_url(url, c.permalink)
    title = (node_text(tree.css_first(".post-title"))
             or node_attr(tree.css_first('meta[property="og:title"]'), "content")
             or node_text(tree.css_first("title")))
    body = tree.css_first(".post-body")
    post_id = node_attr(tree.css_first('meta[itemprop="postId"]'), "content")
    if not post_id and body is not None:
        post_id = (re.findall(r"post-body-(\d+)", body.attributes.get("id") or "") or [""])[0]
    blog_id = node_attr(tree.css_first('meta[itemprop="blogId"]'), "content")
    if not blog_id and (m := re.search(r"blog-(\d{5,})|blogId['\"]?\s*[:=]\s*['\"]?(\d{5,})", doc.text, re.I)):
        blog_id = m.group(1) or m.group(2)
    published_node = tree.css_first("abbr.published[title], time.published[datetime], .published[title]")
    published = from_iso(node_attr(published_node, "title") or node_attr(published_node, "datetime"))[0]
    ordered = finish(comments, meta, id_order=False)
    return Thread(
        id=(f"{NAME}:{blog_id}:{post_id}" if blog_id.isdigit() and post_id.isdigit()
            else f"{NAME}:{stable_id(url or title + ordered[0].text)}"),
        source=NAME,
        url=url or None,
        title=title,
        comments=ordered,
        author=node_text(tree.css_first(".post-author .fn, .post-author a, .byline.post-author a")) or None,
        published_at=published,
        body_html=clean_html(body.inner_html or "") if body is not None else "",
        meta=meta,
    )


def _threaded(nodes: list[LexborNode]) -> list[Comment]:
    ids = {n.mem_id: (n.attributes.get("id") or "")[1:] for n in nodes}
    out: list[Comment] = []
    for node in nodes:
        cid = ids[node.mem_id]
        block = node.css_first(".comment-block") or node
        user = block.css_first("cite.user, .user")
        stamp = block.css_first(".datetime a[href], .comment-timestamp a[href]")
        body = block.css_first(".comment-content")
        c = _make(cid, user, stamp, body)
        parent = node.parent
        while parent is not None and parent.mem_id not in ids:
            parent = parent.parent
        if parent is not None:
            pid = ids[parent.mem_id]
            c.parents.append(ReplyEdge(pid, "nesting", 1.0, f"inside li#c{pid} .comment-replies"))
        out.append(c)
    return out


def _classic(tree: LexborHTMLParser) -> list[Comment]:
    """`dt.comment-author` / `dd.comment-body` / `dd.comment-footer` siblings (or divs)."""
    out: list[Comment] = []
    for n, head in enumerate(tree.css(".comment-author"), 1):
        body = footer = None
        sib = head.next
        while sib is not None:
            cls = (sib.attributes.get("class") or "") if sib.tag != "-text" else ""
            if "comment-author" in cls:
                break
            if "comment-body" in cls and body is None:
                body = sib
            elif "comment-footer" in cls and footer is None:
                footer = sib
            sib = sib.next
        if body is None:
            continue
        stamp = (footer or body).css_first(".comment-timestamp a[href], a[href*='showComment=']")
        cid = _classic_id(head, body, stamp) or str(n)
        author = head.clone()
        for junk in author.css("a[name]:not([href]), img, .avatar-image-container"):
            junk.decompose()
        out.append(_make(cid, author, stamp, body))
    return out


def _classic_id(head: LexborNode, body: LexborNode, stamp: LexborNode | None) -> str:
    for value in (head.attributes.get("id"), node_attr(head.css_first("a[name]"), "name"),
                  node_attr(stamp, "href").rsplit("#", 1)[-1] if stamp is not None else "",
                  body.attributes.get("id")):
        if value and (m := re.fullmatch(r"(?:c|Blog\d+_cmt-)(\d+)", value)):
            return m.group(1)
    return ""


def _make(cid: str, user: LexborNode | None, stamp: LexborNode | None, body: LexborNode | None) -> Comment:
    link = user.css_first("a[href]") if user is not None else None
    if link is not None:
        author = normalize_space(link.text())
    else:  # "Anonymous said..."
        author = _SAID.sub("", normalize_space(user.text() if user is not None else ""))
    author_url = node_attr(link, "href") or None
    href = node_attr(stamp, "href")
    shown = normalize_space(stamp.text()) if stamp is not None else ""
    if m := _SHOW.search(href):
        (created, tz), raw = from_epoch(m.group(1)), m.group(1)
    else:
        created, raw = parse_display_time(shown), shown
        tz = "assumed" if created else "unknown"
    status = "ok"
    html = _paragraphs(clean_html(body.inner_html or "")) if body is not None else ""
    text = html_to_text(html)
    removed = body.css_first(".deleted-comment") if body is not None else None
    notice = len(text) < 90 and (_REMOVED_BY_AUTHOR.search(text) or _REMOVED_BY_ADMIN.search(text))
    if removed is not None or notice:
        status = "removed" if _REMOVED_BY_ADMIN.search(text) else "deleted"
        html = text = ""
    profile = _PROFILE.search(author_url or "")
    return Comment(
        id=cid, number=None, author=author, created_at=created, html=html, text=text,
        created_raw=raw, tz=tz, permalink=href or None,
        author_id=profile.group(1) if profile else None, author_url=author_url, status=status,
    )



SOURCE = BloggerSource()
