"""The Markdown target: a file with YAML front matter for static site generators (Hugo, Jekyll, Eleventy...).

    ---
    title: "Comments on a thread"
    date: 2026-01-05T10:00:00Z
    draft: true
    tags: ["politics", "media"]
    slug: "comments-on-a-thread"
    ---

Strings are always double-quoted with every character a YAML parser could misread escaped, so a title
holding `: # " ' - [ ] { } @ \\` or a line break stays one plain string.
"""

from __future__ import annotations

import json

from .post import Post

#: Characters YAML 1.1/1.2 treat as line breaks or cannot carry unescaped in a double-quoted scalar.
_YAML_ESCAPES = {0x85: "\\N", 0x2028: "\\L", 0x2029: "\\P", 0xFEFF: "\\uFEFF", 0xFFFE: "\\uFFFE",
                 0xFFFF: "\\uFFFF"}


def yaml_string(value: str) -> str:
    """A YAML double-quoted scalar holding exactly `value` (read back the same by YAML 1.1 and 1.2 parsers)."""
    out = []
    for ch in json.dumps(value, ensure_ascii=False)[1:-1]:  # JSON escapes " \\ and C0 controls; YAML reads them
        code = ord(ch)
        if code in _YAML_ESCAPES:
            out.append(_YAML_ESCAPES[code])
        elif 0x7F <= code <= 0x9F or 0xD800 <= code <= 0xDFFF:
            out.append(f"\\x{code:02X}" if code <= 0xFF else "\\uFFFD")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def front_matter(post: Post, *, draft: bool) -> str:
    tags = "[" + ", ".join(yaml_string(t) for t in post.tags) + "]"
    return "\n".join([
        "---",
        f"title: {yaml_string(post.title)}",
        f"date: {post.date:%Y-%m-%dT%H:%M:%SZ}",
        f"draft: {'true' if draft else 'false'}",
        f"tags: {tags}",
        f"slug: {yaml_string(post.slug)}",
        "---",
        "",
    ])


def markdown_file(post: Post, *, draft: bool) -> str:
    return front_matter(post, draft=draft) + "\n" + post.markdown.rstrip() + "\n"
