"""Typepad / Moon of Alabama comment pages (formats.md §1).

Comments are found by their visible footer, `Posted by: NAME | Mon D YYYY HH:MM utc | N`, first
through Typepad's own `.comment-footer` class and otherwise anywhere in the page, because templates
change and the footer text stays. A comment's body is what precedes its footer inside the same
wrapper (classic markup) or since the previous footer (flat markup).
"""

from __future__ import annotations

import re
from typing import Callable
from urllib.parse import urldefrag, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..errors import InputError
from ..model import LazyBodyComment, Thread, stable_id
from ..sanitize import clean_html, normalize_space
from .base import Document
from .footer import ANY_FOOTER_SEARCH, FOOTER_SEARCH, Footer, parse_byline, parse_footer, real_footers

_TAGS = re.compile(r"<[^>]+>")
_FRAGMENT_ID = re.compile(r"^(?:c|comment-)([0-9a-f]{8,64}|\d+)$", re.I)
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
        html = doc.text
        doc.check_complete()
        tree = LexborHTMLParser(html)
        footers, flat = _find_footers(tree)
        if not footers:
            raise InputError(
                f"{doc.name}: no comments found (no 'Posted by: NAME | date | N' comment footers)"
            )
        footer_ids = {node.mem_id for node, _ in footers}
        holders = _Holders(node for node, _ in footers)
        comments = [
            _comment(doc, node, footer, i, lambda node=node: _inner(_body_nodes(node, footer_ids, holders, flat)))
            for i, (node, footer) in enumerate(footers, 1)
        ]
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


def _find_footers(tree: LexborHTMLParser) -> tuple[list[tuple[LexborNode, Footer]], bool]:
    """The comments' footers, and whether they were found by their text alone (unknown markup)."""
    found = []
    for node in tree.css(".comment-footer"):
        footer = parse_footer(node.text(deep=True))
        if footer:
            found.append((node, footer))
    flat = not found
    if flat:
        found = _footers_by_text(tree)
    return real_footers(found), flat  # type: ignore[arg-type]


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

    def __init__(self, footers) -> None:
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
    m = _FRAGMENT_ID.match(href.rpartition("#")[2]) if "#" in href else None
    return m.group(1) if m else None


def _link_cues(raw_html: str) -> list[dict]:
    """Links in a body to another comment's anchor (`#c<xid>`): a reply header that names its target."""
    if "#c" not in raw_html and "#comment-" not in raw_html:
        return []
    cues = []
    for a in LexborHTMLParser(raw_html).css("a[href]"):
        if frag := _fragment_id(a.attributes.get("href") or ""):
            cues.append({"kind": "link", "target": frag, "text": normalize_space(a.text(deep=True))})
    return cues


def _comment(doc: Document, node: LexborNode, footer: Footer, ordinal: int,
             body: Callable[[], str]) -> LazyBodyComment:
    """A comment from its footer; its body is located and serialized when first needed."""
    permalink = native = author_url = None
    name = footer.name
    for a in node.iter() if node.tag == "p" else node.css("a"):
        href = a.attrs.get("href") if a.tag == "a" else None
        if not href:
            continue
        frag = _fragment_id(href)
        if frag and native is None:
            native = frag
            permalink = href if href.startswith(("http://", "https://")) else urljoin(doc.url or "", href)
        elif author_url is None and ((t := a.text(deep=True)) == name or normalize_space(t) == name):
            author_url = href
    if native is None:
        native = _wrapper_id(node)
    number = footer.number if footer.number is not None else ordinal
    return LazyBodyComment.fast(
        body, _link_cues,
        id=native or str(number), number=number, author=name, created_at=footer.created_at,
        created_raw=footer.created_raw, tz=footer.tz, permalink=permalink, author_url=author_url,
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
    candidates = tree.css(".posted, .entry-footer") or tree.css("p")
    for p in candidates:
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


SOURCE = TypepadSource()
