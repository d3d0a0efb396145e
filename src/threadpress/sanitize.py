"""Comment HTML is hostile: everything we keep, render or export goes through here (nh3)."""

from __future__ import annotations

import html as htmllib
import re

import nh3
from selectolax.lexbor import LexborHTMLParser, LexborNode

#: Plain semantic tags only: what pastes cleanly into the Substack and WordPress editors.
ALLOWED_TAGS = {
    "p", "br", "b", "strong", "i", "em", "u", "s", "del", "a", "blockquote", "q", "cite",
    "ul", "ol", "li", "code", "pre", "h2", "h3", "h4", "hr", "sup", "sub",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}

_BLOCK = {"p", "div", "blockquote", "li", "ul", "ol", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "table", "tr"}
_WS = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


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
    """Collapse runs of spaces (including non-breaking ones) to one ASCII space."""
    return _WS.sub(" ", text).strip()


def html_to_text(fragment: str, *, quote_prefix: str = "") -> str:
    """Plain text of an HTML fragment with paragraph and line breaks kept.

    Blockquote lines get `quote_prefix` (e.g. "> ") when asked; the default keeps quotes as
    plain paragraphs, which is what reply matching and search want.
    """
    if not fragment.strip():
        return ""
    tree = LexborHTMLParser(f"<div id='tp-root'>{fragment}</div>")
    root = tree.css_first("#tp-root")
    lines: list[str] = []
    _walk(root, lines, [""], quote_prefix, 0)
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def _walk(node: LexborNode, lines: list[str], cur: list[str], qp: str, depth: int) -> None:
    def flush() -> None:
        line = normalize_space(cur[0])
        if line:
            lines.append((qp * depth) + line)
        cur[0] = ""

    def paragraph_break() -> None:
        flush()
        if lines and lines[-1] != "":
            lines.append("")

    child = node.child
    while child is not None:
        tag = child.tag
        if tag == "-text":
            cur[0] += child.text_content or ""
        elif tag in ("script", "style", "template", "noscript", "head"):
            pass
        elif tag == "br":
            flush()
        elif tag in _BLOCK:
            paragraph_break()
            _walk(child, lines, cur, qp, depth + (1 if tag == "blockquote" else 0))
            paragraph_break()
        else:
            _walk(child, lines, cur, qp, depth)
        child = child.next
    if node.tag != "-text" and node.attributes.get("id") == "tp-root":
        flush()


def text_to_html(text: str) -> str:
    """Paragraphs of plain text as escaped HTML (for copied-text sources)."""
    paras = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "\n".join(
        "<p>" + "<br>".join(htmllib.escape(line.strip()) for line in p.splitlines()) + "</p>"
        for p in paras
    )
