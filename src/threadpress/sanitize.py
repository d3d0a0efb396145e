"""Comment HTML is hostile: everything we keep, render or export goes through here (nh3)."""

from __future__ import annotations

import html as htmllib
import re

import nh3

#: Plain semantic tags only: what pastes cleanly into the Substack and WordPress editors.
ALLOWED_TAGS = {
    "p", "br", "b", "strong", "i", "em", "u", "s", "del", "a", "blockquote", "q", "cite",
    "ul", "ol", "li", "code", "pre", "h2", "h3", "h4", "hr", "sup", "sub",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}

_BLOCK = {"p", "div", "blockquote", "li", "ul", "ol", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "table", "tr"}


def clean_html(fragment: str) -> str:
    """Sanitize comment HTML: no scripts, handlers, styles, images or remote loads; safe links."""
    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
    ).strip()


def normalize_space(text: str) -> str:
    """Collapse runs of whitespace (including non-breaking spaces) to one ASCII space, and strip."""
    return " ".join(text.split())  # str.split() knows every Unicode space and is ~3x faster than a regex


_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?(/?)>|<!--.*?-->", re.S)
_DROP = re.compile(r"<(script|style|template|noscript|head)\b.*?</\1\s*>", re.S | re.I)


def html_to_text(fragment: str, *, quote_prefix: str = "") -> str:
    """Plain text of an HTML fragment with paragraph and line breaks kept.

    Meant for sanitized HTML (see clean_html), so a tag scan is enough and much faster than
    building a tree for every comment. Blockquote lines get `quote_prefix` (e.g. "> ") when
    asked; by default quotes stay plain paragraphs, which is what reply matching and search want.
    """
    if not fragment or not fragment.strip():
        return ""
    fragment = _DROP.sub("", fragment)
    lines: list[str] = []
    buf: list[str] = []
    depth = 0

    def flush() -> None:
        line = normalize_space(htmllib.unescape("".join(buf)))
        buf.clear()
        if line:
            lines.append(quote_prefix * depth + line)

    def paragraph_break() -> None:
        flush()
        if lines and lines[-1] != "":
            lines.append("")

    pos = 0
    for m in _TAG.finditer(fragment):
        buf.append(fragment[pos:m.start()])
        pos = m.end()
        tag = (m.group(2) or "").lower()
        if not tag:
            continue  # an HTML comment
        if tag == "br":
            flush()
        elif tag in _BLOCK:
            paragraph_break()
            if tag == "blockquote":
                depth = max(0, depth + (-1 if m.group(1) else 1))
    buf.append(fragment[pos:])
    flush()
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines)


def text_to_html(text: str) -> str:
    """Paragraphs of plain text as escaped HTML (for copied-text sources)."""
    paras = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "\n".join(
        "<p>" + "<br>".join(htmllib.escape(line.strip()) for line in p.splitlines()) + "</p>"
        for p in paras
    )
