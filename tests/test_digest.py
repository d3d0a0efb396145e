"""Digest selection, order and rendering."""

from __future__ import annotations

import re

import pytest
from selectolax.lexbor import LexborHTMLParser

from conftest import FIXTURES, REFERENCE_POST
from threadpress.digest import select
from threadpress.errors import NotFound
from threadpress.load import parse_bytes
from threadpress.render import render
from threadpress.sanitize import ALLOWED_TAGS

from moa_text import moa_text

REFERENCE_THREAD = FIXTURES / "reference" / "reference-thread.txt"
FOOTER_LINE = re.compile(r"^(?:> )?Posted by: (.+?) \| ([A-Z][a-z]{2} \d{1,2} \d{4} \d{2}:\d{2}) utc \| (\d+)$", re.M)

# One phrase from each comment of the reference post, in the post's order.
REFERENCE_PHRASES = [
    "Putin held yet another meeting",
    "Thanks for your reply. As I concluded several months ago",
    "After reading the NATO/EU strategy",
    "Thanks for your reply. Here’s part of what Lavrov said",
    "It wasn’t just Putin’s movements",
    "Lavrov was interviewed by Rossiya Segodnya",
    "Wow, Lavrov is drawing attention",
    "When Putin brought forth the legal issues",
    "yes, and this means, that the correct order is",
    "Your ordering of 1 then 2 is correct",
]


def positions(text: str, phrases: list[str]) -> list[int]:
    return [text.index(p) for p in phrases]


def test_digest_order_matches_reference_post():
    post = REFERENCE_POST.read_text(encoding="utf-8")
    assert positions(post, REFERENCE_PHRASES) == sorted(positions(post, REFERENCE_PHRASES))
    thread = parse_bytes(REFERENCE_THREAD.read_bytes(), name="reference-thread.txt")
    out = render(select(thread, "karlof1"), "markdown")
    pos = positions(out, REFERENCE_PHRASES)
    assert pos == sorted(pos), "digest order differs from the reference post"
    # The sequence of comments, by number: the author's, each preceded by what it answers.
    numbers = [int(m[3]) for m in FOOTER_LINE.finditer(out) if not m[0].startswith("> Posted by: karlof1 | Dec 29 2025 22:19")]
    assert numbers == [52, 68, 83, 93, 101, 122, 157, 161, 185, 188, 191]
    # Attribution lines exactly in the reference post's convention, each on its own line.
    for line in ("Posted by: karlof1 | Dec 29 2025 18:50 utc | 83", "Posted by: smartfox | Dec 29 2025 19:18 utc | 93",
                 "Posted by: karlof1 | Dec 29 2025 22:19 utc | 157", "Posted by: karlof1 | Dec 29 2025 23:22 utc | 185"):
        assert line in post
        assert re.search(rf"^(> )?{re.escape(line)}$", out, re.M), line


THREAD = moa_text([
    ("Mina_77", "Opening comment about the talks."),            # 1
    ("Rowan Ashgrove", "My first comment, on the <b>talks</b>."),  # 2
    ("Łukasz", "@Rowan Ashgrove I disagree with you."),         # 3
    ("Hale, Marguerite", "{f3}—\nŁukasz is right."),             # 4
    ("Rowan Ashgrove", "{f3}—\n{f1}:\nThanks for your replies."),  # 5 answers 3 and 1
    ("Łukasz", "{f5}—\nYou are welcome."),                        # 6
    ("Rowan Ashgrove", "{f4}—\nAnd you, Marguerite."),           # 7 answers 4
])


def numbers(d):
    return [(i.comment.number, i.role) for i in d.items]


def test_context_before_each_comment_once():
    t = parse_bytes(THREAD.encode(), name="t.txt")
    d = select(t, "rowan ashgrove")
    assert d.author == "Rowan Ashgrove"
    assert numbers(d) == [(2, "author"), (1, "context"), (3, "context"), (5, "author"), (4, "context"), (7, "author")]


def test_with_replies_follow_each_comment():
    t = parse_bytes(THREAD.encode(), name="t.txt")
    d = select(t, "Rowan Ashgrove", replies=True)
    assert numbers(d) == [(2, "author"), (3, "reply"), (1, "context"), (5, "author"), (6, "reply"),
                          (4, "context"), (7, "author")]


def test_unknown_author_lists_nearest_names():
    t = parse_bytes(THREAD.encode(), name="t.txt")
    with pytest.raises(NotFound) as err:
        select(t, "Rowan Ashgrov")
    assert "nearest: Rowan Ashgrove" in str(err.value)


HOSTILE = moa_text([
    ("Mina_77", "Opening comment."),
    ("Rowan Ashgrove", "x"),
])


def hostile_thread():
    html = b"""<!DOCTYPE html><html><body><div class="comments-content">
<div class="comment"><div class="comment-content"><p>Evil <script>alert(1)</script><img src=x onerror=alert(2)>
<a href="javascript:alert(3)">click</a> <b>bold</b> <i>it</i> <a href="https://example.org/src">source</a></p>
<blockquote><p>Quoted <em>statement</em> here.</p></blockquote><p style="color:red" class="x" onclick="y()">styled</p></div>
<p class="comment-footer">Posted by: Mina_77 | Dec 29 2025 14:00 utc | 1</p></div>
</div></body></html>"""
    return parse_bytes(html, name="hostile.html")


def test_html_digest_is_sanitized_semantic_and_keeps_formatting():
    out = render(select(hostile_thread(), "Mina_77"), "html")
    tree = LexborHTMLParser(out)
    tags = {n.tag for n in tree.root.traverse() if n.tag and not n.tag.startswith("-")}
    assert tags <= ALLOWED_TAGS | {"html", "head", "meta", "title", "body", "article"}
    for bad in ("<script", "onerror", "javascript:", "onclick", "style=", "<img"):
        assert bad not in out
    assert "<b>bold</b>" in out and "<i>it</i>" in out and "<blockquote>" in out
    assert 'href="https://example.org/src"' in out
    assert "<p>Posted by: Mina_77 | Dec 29 2025 14:00 utc | 1</p>" in out


def test_markdown_and_text_keep_emphasis_links_quotes():
    d = select(hostile_thread(), "Mina_77")
    md = render(d, "markdown")
    assert "**bold**" in md and "*it*" in md and "[source](https://example.org/src)" in md
    assert "> Quoted *statement* here." in md
    assert "javascript" not in md and "alert" not in md
    assert re.search(r"^Posted by: Mina_77 \| Dec 29 2025 14:00 utc \| 1$", md, re.M)
    txt = render(d, "text")
    assert "> Quoted statement here." in txt and "**" not in txt
    assert re.search(r"^Posted by: Mina_77 \| Dec 29 2025 14:00 utc \| 1$", txt, re.M)
