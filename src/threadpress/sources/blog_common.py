"""Helpers shared by the blog comment sources: the WordPress readers (WXR, REST JSON, rendered
lists), Blogger and Disqus. Safe XML parsing, wpautop, display times, HTML node access, ordering
and tombstones; `NAME`, `thread_id` and `post_url` make WordPress's ids and URLs."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from urllib.parse import urljoin, urlsplit, urlunsplit

from lxml import etree
from selectolax.lexbor import LexborNode

from ..errors import InputError
from ..model import Comment, ReplyEdge, stable_id
from ..sanitize import normalize_space
from .base import Document

NAME = "wordpress"

# --- XML -------------------------------------------------------------------------------------------


_BAD_XML_CHARS = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
        dtd_validation=False, remove_comments=True, remove_pis=True,
    )


def xml_root(doc: Document, what: str) -> etree._Element:
    """Parse XML without entity expansion, DTD loading, network access or huge-tree mode."""
    doc.text  # empty / binary input fails here with the shared message
    try:
        try:
            root = etree.fromstring(doc.data, _parser())
        except etree.XMLSyntaxError:
            # Exports often carry raw control characters that XML 1.0 forbids: drop them, retry once.
            cleaned = _BAD_XML_CHARS.sub(b"", doc.data)
            if cleaned == doc.data:
                raise
            root = etree.fromstring(cleaned, _parser())
    except etree.XMLSyntaxError as exc:
        msg = str(exc).splitlines()[0] if str(exc) else "malformed XML"
        raise InputError(f"{doc.name}: not a well-formed {what} ({msg})") from None
    except (ValueError, TypeError) as exc:
        raise InputError(f"{doc.name}: cannot read this {what} ({exc})") from None
    if root is None:
        raise InputError(f"{doc.name}: empty {what}")
    return root


def xtext(el: etree._Element | None, path: str) -> str:
    """Text of the first child matching `path` (lxml `{*}name` paths), stripped; "" when absent."""
    if el is None:
        return ""
    found = el.find(path)
    if found is None:
        return ""
    return "".join(found.itertext()).strip()


# --- wpautop ---------------------------------------------------------------------------------------

# Tags that wpautop never wraps in <p>; a blank line is forced around those that hold paragraphs.
_CONTAINERS = "blockquote|div|ul|ol|dl|table|thead|tbody|tfoot|section|article|aside|figure|details|form|address"
_BLOCKS = _CONTAINERS + "|p|li|dt|dd|tr|td|th|pre|h[1-6]|hr|figcaption|summary|caption"
_CONTAINER_TAG = re.compile(rf"(</?(?:{_CONTAINERS})\b[^>]*>)", re.I)
_STARTS_BLOCK = re.compile(rf"^</?(?:{_BLOCKS})\b", re.I)
_PRE = re.compile(r"<pre\b.*?</pre>", re.I | re.S)


def autop(raw: str) -> str:
    """A small wpautop: blank lines make paragraphs, single newlines make <br>, blocks stay blocks."""
    text = re.sub(r"<!--.*?-->", "", raw.replace("\r\n", "\n").replace("\r", "\n"), flags=re.S)
    if not text.strip():
        return ""
    pres: list[str] = []

    def keep_pre(m: re.Match[str]) -> str:
        pres.append(m.group(0))
        return f"\n\n<pre tp-pre=\"{len(pres) - 1}\"></pre>\n\n"

    text = _PRE.sub(keep_pre, text)
    text = _CONTAINER_TAG.sub(r"\n\n\1\n\n", text)
    out: list[str] = []
    for chunk in re.split(r"\n\s*\n", text):
        chunk = chunk.strip()
        if not chunk:
            continue
        if _STARTS_BLOCK.match(chunk):
            out.append(chunk)
        else:
            out.append("<p>" + re.sub(r"\s*\n\s*", "<br>\n", chunk) + "</p>")
    html = "\n".join(out)
    return re.sub(r'<pre tp-pre="(\d+)"></pre>', lambda m: pres[int(m.group(1))], html)


# --- times -----------------------------------------------------------------------------------------

_MONTHS = {
    name: i
    for i, names in enumerate(
        (("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
         ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
         ("october", "oct"), ("november", "nov"), ("december", "dec")),
        1,
    )
    for name in names
}
_CLOCK = re.compile(r"\b(\d{1,2})[:.](\d{2})(?::(\d{2}))?\s*(?:([ap])\.?\s*m\b\.?)?", re.I)
_YMD = re.compile(r"\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b")
_MDY = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")


def parse_display_time(value: str, *, dayfirst: bool = False) -> datetime | None:
    """A localized display time ("March 1, 2024 at 1:00 pm", "1 March 2024 13:00"), as UTC.

    The zone is never written in these strings, so callers mark the result `assumed`. Numeric
    `a/b/yyyy` dates are month-first unless `dayfirst` (or the first number cannot be a month).
    """
    s = normalize_space(value).lower()
    if not s:
        return None
    hour = minute = second = 0
    clock = _CLOCK.search(s)
    if clock:
        hour, minute = int(clock[1]), int(clock[2])
        second = int(clock[3] or 0)
        if clock[4]:
            hour = hour % 12 + (12 if clock[4] == "p" else 0)
        s = s[: clock.start()] + " " + s[clock.end():]
    year = month = day = None
    if m := _YMD.search(s):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    elif m := _MDY.search(s):
        year, month, day = int(m[3]), int(m[1]), int(m[2])
        if month > 12 or (dayfirst and day <= 12):
            month, day = day, month
    else:
        for word in re.findall(r"[a-z]+", s):
            if word in _MONTHS:
                month = _MONTHS[word]
                break
        if ym := re.search(r"\b(\d{4})\b", s):
            year = int(ym[1])
            s = s[: ym.start()] + " " + s[ym.end():]
        if dm := re.search(r"\b(\d{1,2})(?:st|nd|rd|th)?\b", s):
            day = int(dm[1])
    if not (year and month and day):
        return None
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=timezone.utc)
    except ValueError:
        return None


# --- rendered pages ------------------------------------------------------------------------------


def node_attr(node: LexborNode | None, name: str) -> str:
    """An attribute of a parsed HTML node, stripped; "" when the node or the attribute is absent."""
    if node is None:
        return ""
    return (node.attributes.get(name) or "").strip()


def node_text(node: LexborNode | None) -> str:
    """The text of a parsed HTML node with white space folded; "" when there is no node."""
    return normalize_space(node.text()) if node is not None else ""


# --- ids, ordering, tombstones -------------------------------------------------------------------


def host_of(url: str | None) -> str:
    if not url:
        return ""
    try:
        host = (urlsplit(url.strip()).hostname or "").lower()
    except ValueError:
        return ""
    return host[4:] if host.startswith("www.") else host


def join_url(base: str | None, href: str) -> str | None:
    """`href` made absolute against `base`; None when either is not a valid URL."""
    if href.startswith(("https://", "http://")) and "[" not in href:
        return href
    try:
        return urljoin(base or "", href)
    except ValueError:
        return None


def thread_id(host: str, post_id: str, fallback: str) -> str:
    """`wordpress:<host>:<post id>` (post ids are only unique per site), else a hash of `fallback`."""
    if host and post_id and post_id.isdigit():
        return f"{NAME}:{host}:{post_id}"
    return f"{NAME}:{stable_id(fallback)}"


def _num(cid: str) -> int:
    return int(cid) if cid.isdigit() and len(cid) < 40 else 0


def finish(comments: list[Comment], meta: dict, *, id_order: bool = True) -> list[Comment]:
    """Add tombstones for missing parents, sort in posting order, number 1-based.

    Posting order is time, then (when `id_order`: the platform's ids grow with time) numeric id,
    then input order. Blogger, WordPress and Disqus all use this.

    A parent that is not in the input (WordPress exports leave spam out; feeds are partial)
    becomes a `removed` tombstone so the reply keeps its edge; meta["missing"] counts them.
    """
    ids = {c.id for c in comments}
    first_child_time: dict[str, datetime | None] = {}
    for c in comments:
        for e in c.parents:
            if e.target_id not in ids:
                t = first_child_time.get(e.target_id, c.created_at)
                if c.created_at and (t is None or c.created_at < t):
                    t = c.created_at
                first_child_time[e.target_id] = t
    for missing in first_child_time:
        comments.append(Comment(id=missing, number=None, author="", created_at=None, html="",
                                text="", status="removed"))
    if first_child_time:
        meta["missing"] = len(first_child_time)
    far = datetime.max.replace(tzinfo=timezone.utc)

    def key(pair: tuple[int, Comment]) -> tuple:
        i, c = pair
        t = c.created_at or first_child_time.get(c.id) or far
        return (t, c.id not in first_child_time, _num(c.id) if id_order else 0, i)

    ordered = [c for _, c in sorted(enumerate(comments), key=key)]
    for n, c in enumerate(ordered, 1):
        c.number = n
    return ordered


def platform_edge(parent: str, evidence: str) -> list[ReplyEdge]:
    parent = parent.strip()
    if not parent or parent == "0":
        return []
    return [ReplyEdge(parent, "platform", 1.0, evidence)]


def pick(counts: dict[str, int], wanted: object, aliases: dict[str, str], doc: Document, what: str) -> str:
    """The key named by `wanted` (an id or alias such as a slug), else the one with most comments."""
    if wanted not in (None, ""):
        w = str(wanted).strip()
        key = w if w in counts else aliases.get(w) or aliases.get(w.strip("/").rsplit("/", 1)[-1])
        if key is None or key not in counts:
            known = ", ".join(list(counts)[:8]) or "none"
            raise InputError(f"{doc.name}: no {what} {w!r} with comments (have: {known})")
        return key
    if not counts:
        raise InputError(f"{doc.name}: no comments found in this input")
    return max(counts, key=lambda k: counts[k])  # first one wins ties (dicts keep input order)


def post_url(permalink: str | None) -> str | None:
    """The post URL from a comment permalink (drop `#comment-N` and `/comment-page-N/`)."""
    if not permalink:
        return None
    try:
        parts = urlsplit(permalink)
    except ValueError:
        return None
    path = re.sub(r"comment-page-\d+/?$", "", parts.path)
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))
