"""Typepad / Moon of Alabama comment pages (formats.md §1).

Comments are found by their visible footer, `Posted by: NAME | Mon D YYYY HH:MM utc | N`, first
through Typepad's own `.comment-footer` class and otherwise anywhere in the page, because templates
change and the footer text stays. A comment's body is what precedes its footer inside the same
wrapper (classic markup) or since the previous footer (flat markup).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from functools import partial
from urllib.parse import urldefrag, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..errors import InputError
from ..model import Comment, LazyBodyComment, Thread, stable_id
from ..sanitize import clean_html, normalize_space
from .base import Document
from .footer import (
    ANY_FOOTER_SEARCH,
    FOOTER_SEARCH,
    MOA_FAST_DATE,
    UTC,
    Footer,
    moa_day,
    parse_byline,
    parse_footer,
    real_footers,
)

_TAGS = re.compile(r"<[^>]+>")
#: A comment anchor: `c<xid>` or `comment-<n>`, any case (spelled out: faster than re.I, same matches).
_FRAGMENT = r"(?:[cC]|[cC][oO][mM][mM][eE][nN][tT]-)([0-9a-fA-F]{8,64}|\d+)"
_FRAGMENT_ID = re.compile(_FRAGMENT + "$")
# A footer's inner HTML as Typepad writes it (`Posted by: NAME | DATE | N`), read in one match: the
# name in a link or as text, the date in a link, nothing else (no other element, no comment, `rel`
# and `href` the only attributes) and no `&` (checked before matching). Lexbor writes text with `<`
# and `&` escaped and attribute values in double quotes with `"` and `&` escaped, so on such HTML
# the groups hold exactly each link's href and text, and the text pieces joined are the footer's
# text, `node.text()`. Over that text the pattern is footer._MOA_FAST: the same date groups, the
# same ordinal; the name group stripped is _MOA_FAST's name when it is not empty and holds no `|`
# (checked after the match). A link's fragment group is what `_fragment_id(href)` gives: a comment
# anchor after the href's last `#` (no `#` or `"` can follow in it), at the end or before a final
# newline (`$`). Groups: name href, its fragment, name link text | name as text; date href, its
# fragment, date link text, day, hours, minutes; ordinal.
_LINK = rf'<a(?: rel="[^"]*")? href="((?:[^"]*#{_FRAGMENT}\n?|[^"]*))">'
_FOOTER_HTML = re.compile(
    rf"\s*Posted by:\s*(?:{_LINK}([^<]*)</a>|([^<|]*))\s*\|\s*{_LINK}({MOA_FAST_DATE})</a>\s*\|\s*(\d{{1,6}})\s*"
)
_NEXT_TEXT = re.compile(r"^\s*(?:next|older comments|more comments|newer comments)\b|»\s*$", re.I)
_BLOCKISH = {"p", "div", "li", "footer", "span", "small", "dd", "td", "section", "article", "em", "font"}


class TypepadSource:
    name = "typepad"
    forms = (
        "Typepad comment pages (div.comment, div.comment-content, p.comment-footer)",
        "any HTML page whose comments end in 'Posted by: NAME | Mon D YYYY HH:MM utc | N' (Moon of Alabama)",
        "paged comments: follows 'Next' comment-page links when fetched by URL",
    )

    def detect(self, doc: Document) -> float:
        try:
            if not doc.is_html or "Posted by" not in doc.text:
                return 0.0
            text = doc.text
        except InputError:
            return 0.0
        plain = _TAGS.sub(" ", text).replace("&nbsp;", " ").replace("\xa0", " ")
        if "comment-footer" in text and ANY_FOOTER_SEARCH.search(plain):
            return 0.9
        return 0.85 if FOOTER_SEARCH.search(plain) else 0.0

    def parse(self, doc: Document) -> Thread:
        doc.check_complete()
        utf8 = doc.utf8  # the bytes as they are when they are UTF-8: lexbor need not re-encode the text
        tree = LexborHTMLParser(doc.text if utf8 is None else utf8)
        bodies = _Bodies()
        comments = _classic_comments(tree, doc.url or "", bodies)
        if not comments:
            bodies.flat = True
            comments = [_comment(node, footer, i, doc.url or "", bodies)
                        for i, (node, footer) in enumerate(real_footers(_footers_by_text(tree)), 1)]
        if not comments:
            raise InputError(
                f"{doc.name}: no comments found (no 'Posted by: NAME | date | N' comment footers)"
            )
        return _thread(doc, tree, comments)

    def next_pages(self, doc: Document) -> list[str]:
        if not doc.url:
            return []
        tree = LexborHTMLParser(doc.text)
        base = urlsplit(doc.url)
        urls: list[str] = []
        for a in tree.css("a[href]"):
            href = a.attributes.get("href") or ""
            rel = (a.attributes.get("rel") or "").lower().split()
            if "next" not in rel and not _NEXT_TEXT.search(a.text(deep=True) or ""):
                continue
            url, _ = urldefrag(urljoin(doc.url, href))
            parts = urlsplit(url)
            if parts.scheme in ("http", "https") and parts.netloc == base.netloc and url != urldefrag(doc.url)[0]:
                if url not in urls:
                    urls.append(url)
        return urls


def _classic_comments(tree: LexborHTMLParser, base: str, bodies: "_Bodies") -> list[LazyBodyComment]:
    """The comments closed by Typepad's own `.comment-footer`s, in one pass over them.

    Each footer is parsed, kept or dropped as `real_footers` would (a quoted footer's ordinal is not
    above the last real one) and made into its comment at once. Empty when the page has no such
    footer: its comments are then found by their text alone (unknown markup, `_footers_by_text`).

    A `p` footer in the form Typepad writes it (`_FOOTER_HTML`) is read from its inner HTML in one
    match: its text, its links and the links' texts at once, where the general way (`parse_footer`
    and `_comment`) asks lexbor for the text, the links, each link's href and the author link's text.
    This runs 1,000 times on a big page and gives what the general way gives; any other footer, or
    one whose name is empty or holds a `|`, takes the general way.
    """
    comments: list[LazyBodyComment] = []
    last_n: int | None = None
    match = _FOOTER_HTML.fullmatch
    html_of = _Bodies.html
    kept = bodies.nodes
    for node in tree.css(".comment-footer"):
        inner = node.inner_html if node.tag == "p" else None
        m = match(inner) if inner and "&" not in inner else None
        if m is not None:
            href1, frag1, linked_name, plain_name, href2, frag2, date_text, written, hh, mm, n_text = m.groups()
            name = plain_name.rstrip() if linked_name is None else linked_name.strip()
            day = moa_day(written) if name and "|" not in name else None
            if day is not None:  # else: not a month, or a name _MOA_FAST reads otherwise
                y, month, d, raw_day = day
                try:
                    when = datetime(y, month, d, int(hh), int(mm), 0, 0, UTC)
                except ValueError:
                    continue  # no such day or time: parse_footer gives None
                n = int(n_text)
                if last_n is not None and n <= last_n:
                    continue
                last_n = n
                if "  " in name or "\xa0" in name or "\n" in name:
                    name = normalize_space(name)
                # The links in order, as `_comment` reads them; one without href is skipped.
                native = permalink = author_url = None
                if href1:  # the name's link (None: the name is not linked)
                    if frag1:
                        native = frag1
                        permalink = href1 if href1.startswith(("http://", "https://")) else urljoin(base, href1)
                    elif linked_name == name or normalize_space(linked_name) == name:
                        author_url = href1
                if href2:  # the date's link
                    if native is None and frag2:
                        native = frag2
                        permalink = href2 if href2.startswith(("http://", "https://")) else urljoin(base, href2)
                    elif author_url is None and (date_text == name or normalize_space(date_text) == name):
                        author_url = href2
                if native is None:
                    native = _wrapper_id(node)
                kept.append(node)
                comments.append(LazyBodyComment.fast(  # positional: a measurable share of 1,000 calls
                    partial(html_of, bodies, node), _link_cues, native or str(n), n, name, when,
                    f"{raw_day} {hh}:{mm} utc", "explicit", permalink, None, author_url,
                ))
                continue
        footer = parse_footer(node.text(deep=True))
        if footer is None:
            continue
        n = footer[4]
        if n is not None:
            if last_n is not None and n <= last_n:
                continue
            last_n = n
        comments.append(_comment(node, footer, len(comments) + 1, base, bodies))
    return comments


def _footers_by_text(tree: LexborHTMLParser) -> list[tuple[LexborNode, Footer]]:
    """Any element whose whole text is a footer: climb from each 'Posted by' text node."""
    found: list[tuple[LexborNode, Footer]] = []
    seen: set[int] = set()
    body = tree.body or tree.root
    if body is None:
        return found
    for node in body.traverse(include_text=True):
        if node.tag != "-text" or "Posted by" not in (node.text_content or ""):
            continue
        el = node.parent
        for _ in range(4):
            if el is None or el.tag in ("body", "html"):
                break
            text = el.text(deep=True)
            if len(text) > 400:
                break
            footer = parse_footer(text) if el.tag in _BLOCKISH or el.tag == "a" else None
            if footer and el.mem_id not in seen:
                seen.add(el.mem_id)
                found.append((el, footer))
                break
            el = el.parent
    return found


class _Holders:
    """How many footers each element holds, counted on first need (most pages never need it)."""

    def __init__(self, footers: list[LexborNode]) -> None:
        self._footers = footers
        self._counts: dict[int, int] | None = None

    def get(self, mem_id: int) -> int:
        if self._counts is None:
            counts: dict[int, int] = {}
            for node in self._footers:
                el = node.parent
                while el is not None:
                    counts[el.mem_id] = counts.get(el.mem_id, 0) + 1
                    el = el.parent
            self._counts = counts
        return self._counts.get(mem_id, 0)


class _Bodies:
    """What locating a comment's body needs to know about the page's other footers.

    Filled as the comments are made (each footer is added once kept) and read only when a body is
    first asked for, after parsing: nothing here costs anything during the parse itself.
    """

    def __init__(self) -> None:
        self.flat = False  # footers found by their text alone (unknown markup)
        self.nodes: list[LexborNode] = []
        self._ids: set[int] | None = None
        self._holders: _Holders | None = None

    def html(self, footer: LexborNode) -> str:
        """The body's HTML: what precedes `footer` in its wrapper, or since the previous footer."""
        if self._ids is None:
            self._ids = {node.mem_id for node in self.nodes}
            self._holders = _Holders(self.nodes)
        return _inner(_body_nodes(footer, self._ids, self._holders, self.flat))  # type: ignore[arg-type]


def _body_nodes(footer: LexborNode, footer_ids: set[int], holders: _Holders,
                flat: bool) -> list[LexborNode]:
    """What precedes a footer in its wrapper, or since the previous footer in flat markup."""
    node = footer
    while True:
        prevs: list[LexborNode] = []
        sib = node.prev
        while sib is not None and sib.mem_id not in footer_ids:
            # An element holding another footer belongs to another comment. Beside the footer
            # itself (in its wrapper) no element can hold one, so that common case skips the count.
            if (flat or node is not footer) and sib.tag != "-text" and holders.get(sib.mem_id):
                break
            # In flat markup the first comment must not swallow the post above it.
            if flat and (sib.tag in ("h1", "h2", "h3", "h4") or _is_byline(sib)):
                break
            prevs.append(sib)
            sib = sib.prev
        if any(p.tag != "-text" or (p.text_content or "").strip() for p in prevs):
            prevs.reverse()
            return prevs
        parent = node.parent
        if parent is None or holders.get(parent.mem_id) > 1 or parent.tag in ("body", "html"):
            return []
        node = parent


def _is_byline(node: LexborNode) -> bool:
    if node.tag == "-text":
        return False
    text = node.text(deep=True)
    return len(text) < 300 and "Posted by" in text and parse_byline(text.strip()) is not None


def _inner(nodes: list[LexborNode]) -> str:
    if len(nodes) == 1 and "comment-content" in (nodes[0].attributes.get("class") or ""):
        return nodes[0].inner_html or ""
    parts = []
    for n in nodes:
        if n.tag == "-text":
            parts.append(n.text_content or "")
        elif n.tag == "a" and not n.attributes.get("href"):
            continue  # Typepad's empty "#c<xid>" anchors
        else:
            parts.append(n.html or "")
    return "".join(parts)


def _fragment_id(href: str) -> str | None:
    """The comment id in a link's fragment (after its last `#`), if it names a comment."""
    hash_at = href.rfind("#")
    m = _FRAGMENT_ID.match(href, hash_at + 1) if hash_at >= 0 else None
    return m[1] if m else None


def _link_cues(raw_html: str) -> list[dict]:
    """Links in a body to another comment's anchor (`#c<xid>`): a reply header that names its target."""
    if "#c" not in raw_html and "#comment-" not in raw_html:
        return []
    cues = []
    for a in LexborHTMLParser(raw_html).css("a[href]"):
        if frag := _fragment_id(a.attributes.get("href") or ""):
            cues.append({"kind": "link", "target": frag, "text": normalize_space(a.text(deep=True))})
    return cues


def _comment(node: LexborNode, footer: Footer, ordinal: int, base: str, bodies: _Bodies) -> LazyBodyComment:
    """A comment from its footer; its body is located and serialized when first needed.

    The footer's first link to a comment anchor is the permalink (and gives the id), a link whose
    text is the author's name is the author's URL. Runs once per comment, so `_fragment_id` is
    written out inline.
    """
    name, created_at, created_raw, tz, number = footer
    permalink = native = author_url = None
    for a in node.iter() if node.tag == "p" else node.css("a"):
        if a.tag != "a" or not (href := a.attrs.get("href")):
            continue
        if native is None and (hash_at := href.rfind("#")) >= 0 and (m := _FRAGMENT_ID.match(href, hash_at + 1)):
            native = m[1]
            permalink = href if href.startswith(("http://", "https://")) else urljoin(base, href)
        elif author_url is None and ((t := a.text(deep=True)) == name or normalize_space(t) == name):
            author_url = href
    if native is None:
        native = _wrapper_id(node)
    if number is None:
        number = ordinal
    bodies.nodes.append(node)
    return LazyBodyComment.fast(
        partial(_Bodies.html, bodies, node), _link_cues,
        id=native or str(number), number=number, author=name, created_at=created_at,
        created_raw=created_raw, tz=tz, permalink=permalink, author_url=author_url,
    )


def _wrapper_id(node: LexborNode) -> str | None:
    el = node.parent
    for _ in range(3):
        if el is None:
            return None
        m = _FRAGMENT_ID.match(el.attributes.get("id") or "")
        if m:
            return m.group(1)
        el = el.parent
    return None


def _thread(doc: Document, tree: LexborHTMLParser, comments: list[Comment]) -> Thread:
    title_node = tree.css_first(".entry-header, h1.entry-title, h2.entry-title, h3.entry-title")
    title = normalize_space(title_node.text(deep=True)) if title_node else ""
    if not title and (t := tree.css_first("title")):
        title = normalize_space(t.text()).split(" | ")[0]
    body = tree.css_first(".entry-body")
    author = published = None
    post_url = None
    for p in _byline_candidates(tree):
        text = p.text(deep=True)
        if len(text) < 300 and (by := parse_byline(text.strip())):
            author, published = by
            link = p.css_first("a[href]")
            post_url = urljoin(doc.url or "", link.attributes.get("href")) if link else None
            break
    canonical = tree.css_first('link[rel="canonical"]')
    url = doc.url or (canonical.attributes.get("href") if canonical else None) or post_url
    key = urldefrag(url)[0].split("?")[0] if url else f"{title}\0{comments[0].author}\0{comments[0].created_raw}"
    return Thread(
        id="typepad:" + stable_id(key),
        source="typepad",
        url=url,
        title=title,
        comments=comments,
        author=author,
        published_at=published,
        body_html=clean_html(body.inner_html or "") if body else "",
    )


_POST_FOOTER = ".posted, .entry-footer"


def _byline_candidates(tree: LexborHTMLParser) -> Iterator[LexborNode]:
    """Where the post's byline may be, in document order: the `.posted` / `.entry-footer` elements,
    or every paragraph when there is none. The first one usually is the byline, so the others are
    selected (a second walk over the whole page) only when it is not."""
    first = tree.css_first(_POST_FOOTER)
    if first is None:
        yield from tree.css("p")
        return
    yield first
    yield from tree.css(_POST_FOOTER)[1:]


SOURCE = TypepadSource()
