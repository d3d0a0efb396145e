"""Typepad / Moon of Alabama pages and copied text."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from conftest import FIXTURES
from threadpress.errors import InputError
from threadpress.load import parse_bytes
from threadpress.sources import Document, detect
from threadpress.sources.footer import parse_footer

TP = FIXTURES / "typepad"


def parents(thread):
    by_id = thread.by_id()
    return {c.number: [(by_id[e.target_id].number, e.how) for e in c.parents] for c in thread.comments}


@pytest.mark.parametrize("line, name, when, number", [
    ("Posted by: karlof1 | Dec 29 2025 18:50 utc | 83", "karlof1", (2025, 12, 29, 18, 50), 83),
    ("Posted by: b | Jan 5 2023 9:05 UTC | 1", "b", (2023, 1, 5, 9, 5), 1),
    ("Posted by:\u00a0Hale, Marguerite\u00a0| Dec 9 2025 18:50 utc |\u00a012", "Hale, Marguerite", (2025, 12, 9, 18, 50), 12),
    ("Posted by: Dr. O'Rourke-Smith Jr. | Feb 1 2026 00:01 utc | 205", "Dr. O'Rourke-Smith Jr.", (2026, 2, 1, 0, 1), 205),
    ("Posted by: Łukasz | Mar 3 2026 23:59 utc | 7", "Łukasz", (2026, 3, 3, 23, 59), 7),
    ("Posted by: Bob | Thursday, 01 December 2005 at 01:09 PM", "Bob", (2005, 12, 1, 13, 9), None),
])
def test_footer_forms(line, name, when, number):
    f = parse_footer(line)
    assert f is not None
    assert (f.name, f.number) == (name, number)
    assert f.created_at == datetime(*when, tzinfo=timezone.utc)


@pytest.mark.parametrize("line", [
    "Posted by b on December 29, 2025 at 12:51 PM | Permalink",
    "Posted by: karlof1 | yesterday | 83",
    "karlof1 | Dec 29 2025 18:50 utc | 83",
])
def test_not_footers(line):
    assert parse_footer(line) is None


def test_classic_typepad_markup():
    doc = Document((TP / "classic.html").read_bytes(), "classic.html")
    assert detect(doc).name == "typepad"
    t = parse_bytes(doc.data, name="classic.html")
    assert t.title == "An old Typepad post"
    assert t.author == "Ann Author"
    assert [c.author for c in t.comments] == ["Bob Smith", "Carol"]  # the sidebar is not a comment
    bob, carol = t.comments
    assert bob.id == "6a00d8341c2df453ef00d8346302e253ef"
    assert bob.number == 1 and carol.number == 2  # document order when the footer has no ordinal
    assert bob.author_url == "http://bob.example.org/"
    assert bob.permalink.endswith("#comment-6a00d8341c2df453ef00d8346302e253ef")
    assert bob.tz == "assumed"  # classic Typepad times are blog-local
    assert "<b>bold</b>" in bob.html and 'href="http://example.com/x"' in bob.html
    assert "script" not in carol.html and "onerror" not in carol.html and "<img" not in carol.html
    assert parents(t)[2] == [(1, "mention")]


def test_other_markup_found_by_footer_text():
    t = parse_bytes((TP / "flat-new-template.html").read_bytes(), name="flat.html")
    assert t.title == "Talks resume"
    assert [(c.number, c.author) for c in t.comments] == [
        (1, "Jürgen Weiß"), (2, "Hale, Marguerite"), (3, "Dr. Kettle-Black"), (4, "b")]
    first = t.comments[0]
    assert "Second paragraph of the first comment." in first.text
    assert "Posted by" not in first.text  # the post and its byline are not part of the first comment
    # The quoted footer inside comment 3 is a reference to comment 1, not a comment of its own.
    assert "Posted by: Jürgen Weiß | Jan 4 2026 11:02 utc | 1" in t.comments[2].text
    assert parents(t) == {1: [], 2: [(1, "address")], 3: [(1, "quote")], 4: [(2, "number")]}
    # The copied reply header is kept in html but removed from text.
    assert "Jürgen Weiß | Jan 4 2026" in t.comments[1].html
    assert t.comments[1].text.startswith("Why nothing?")


COPIED = """A thread title

Post paragraph one.

Posted by b on December 29, 2025 at 12:51 PM | Permalink

Comments

The first comment says something long enough to quote from later on in the thread.

Posted by: Mina_77 | Dec 29 2025 17:10 utc | 1

Mina_77 | Dec 29 2025 17:10 utc | 1—

Thanks for your reply.

Posted by: José Ramírez | Dec 29 2025 17:20 utc | 2

…says something long enough to quote from later on…

Posted by: Mina_77 | Dec 29 2025 17:10 utc | 1

That quote above is not a comment of its own.

Posted by: O'Rourke | Dec 29 2025 18:00 utc | 3

Recent Comments
Mina_77 on A thread title
"""


def test_copied_text_quoted_footer_is_a_reference():
    t = parse_bytes(COPIED.encode(), name="copied.txt")
    assert t.source == "typepad" and t.title == "A thread title" and t.author == "b"
    assert [(c.number, c.author) for c in t.comments] == [(1, "Mina_77"), (2, "José Ramírez"), (3, "O'Rourke")]
    assert parents(t) == {1: [], 2: [(1, "address")], 3: [(1, "quote")]}
    assert t.comments[0].text.startswith("The first comment")  # the post is not in comment 1
    assert "Recent Comments" not in t.comments[-1].text


@pytest.mark.parametrize("tail", ["—", "–", "--", ":", "", " -"])
def test_copied_footer_trailers(tail):
    text = COPIED.replace("| 1—\n", f"| 1{tail}\n")
    t = parse_bytes(text.encode(), name="copied.txt")
    assert parents(t)[2] == [(1, "address")]
    assert t.comments[1].text == "Thanks for your reply."


@pytest.mark.parametrize("data, message", [
    (b"", "the input is empty"),
    (b"   \n\n", "the input is empty"),
    (bytes(range(256)) * 8, "binary data"),
    (b"<!DOCTYPE html><html><body><div class='comment'><p>cut he", "truncated HTML"),
    (b"<!DOCTYPE html><html><body><p>A page without comments.</p></body></html>", "no comments found"),
    (b"Just some text.\nNothing like a comment here.\n", "no comments found"),
])
def test_bad_input_messages(data, message):
    with pytest.raises(InputError) as err:
        parse_bytes(data, name="bad.input")
    assert str(err.value).startswith("bad.input: ")
    assert message in str(err.value)
    assert "\n" not in str(err.value)
