"""Copied plain text: blogger-text, wordpress-text, hackernews-text, mailarchive-text, wiki-talk."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import FIXTURES, REFERENCE_POST
from fuzzing import FUZZ, parse_or_none, truncated_flipped
from threadpress.errors import InputError
from threadpress.sources import copied, detect, registry
from threadpress.sources.base import Document

DIR = FIXTURES / "copied"
CASES = {
    "blogger.txt": copied.BLOGGER,
    "wordpress.txt": copied.WORDPRESS,
    "hackernews.txt": copied.HACKERNEWS,
    "mailarchive.txt": copied.MAILARCHIVE,
    "wikitalk.txt": copied.WIKI_TALK,
    "wikitalk-rendered.txt": copied.WIKI_TALK,
}
READERS = [copied.BLOGGER, copied.WORDPRESS, copied.HACKERNEWS, copied.MAILARCHIVE, copied.WIKI_TALK]


def load(name: str) -> Document:
    return Document((DIR / name).read_bytes(), name)


def utc(*a) -> datetime:
    return datetime(*a, tzinfo=timezone.utc)


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_fixture_detected_by_its_reader_only(name):
    src = CASES[name]
    assert registry()[src.name] is src
    d = load(name)
    assert detect(d).name == src.name
    for other in READERS:
        if other is not src:
            assert other.detect(d) == 0, other.name


def test_blogger_text():
    t = copied.BLOGGER.parse(load("blogger.txt"))
    assert t.source == "blogger-text" and t.title == "Notes from the Allotment" and t.author == "Margaret"
    assert [c.author for c in t.comments] == ["Anonymous", "Tomás Ruiz", "Margaret", "Spam Bot 3000", "Peter"]
    assert [c.status for c in t.comments] == ["ok", "ok", "ok", "removed", "deleted"]
    c = t.comments[1]
    assert c.created_at == utc(2009, 1, 14, 13, 22) and c.tz == "assumed"
    assert c.created_raw == "January 14, 2009 at 1:22 PM"
    assert c.text == "I prune mine in February.\n\nAlways with clean shears, as my grandfather said."
    assert "Delete" not in c.text and c.format == "text" and c.id == "2" and c.number == 2
    assert t.comments[-1].text == "This comment has been removed by the author."  # tombstone kept
    assert all(not c.parents for c in t.comments)


def test_wordpress_text_sorted_by_time():
    t = copied.WORDPRESS.parse(load("wordpress.txt"))
    assert t.title == "Why I switched to a standing desk" and t.author == "Kim"
    assert [c.author for c in t.comments] == ["Zoë Østergaard", "Jane Doe", "Ravi Patel", "Kim"]
    assert t.comments[0].created_at == utc(2024, 3, 2, 23, 59)
    assert t.comments[0].text == "First! Great write-up."  # moderation notice dropped
    assert t.comments[2].text.endswith("a small thing, but annoying.")
    assert "Reply" not in " ".join(c.text for c in t.comments)
    assert "Leave a Reply" not in t.comments[-1].text and "Name *" not in t.comments[-1].text


def test_hackernews_text():
    t = copied.HACKERNEWS.parse(load("hackernews.txt"))
    assert t.title == "Show HN: A tiny static site generator in 300 lines (example.com)"
    assert t.author == "maker42"
    assert [c.author for c in t.comments] == ["alice_b", "maker42", "cdr", "zed_", "olduser"]
    assert [c.status for c in t.comments] == ["ok", "ok", "deleted", "ok", "ok"]
    first = t.comments[0]
    assert first.created_at is None and first.tz == "unknown" and first.created_raw == "5 hours ago"
    old = t.comments[-1]
    assert old.created_at == utc(2019, 3, 3) and old.tz == "assumed"
    assert all(not c.parents for c in t.comments)  # indentation is lost
    assert [bool(c.cues) for c in t.comments] == [False, True, True, False, True]
    assert 'for f in *.md; do pandoc "$f"' in t.comments[3].text
    assert "Guidelines" not in t.comments[-1].text


def test_mailarchive_text():
    t = copied.MAILARCHIVE.parse(load("mailarchive.txt"))
    assert t.title == "Proposal: drop Python 3.8"
    assert [c.author for c in t.comments] == ["Alice Martin", "Chen Wei", "Bob Stone"]  # time order
    alice, chen, bob = t.comments
    assert chen.created_at == utc(2024, 1, 2, 10, 0) and chen.tz == "explicit"
    assert [(e.target_id, e.how, e.confidence) for e in bob.parents] == [("1", "platform", 1.0)]
    assert [(e.target_id, e.how) for e in chen.parents] == [("1", "mention")]
    assert bob.text == "+1, CI time halves."  # quote, attribution and signature left out of text
    assert "<blockquote>" in bob.html and "<hr><p>Bob</p>" in bob.html
    assert "Previous message" not in alice.text and "More information" not in chen.text


def test_wiki_talk_nesting():
    t = copied.WIKI_TALK.parse(load("wikitalk.txt"))
    assert t.title == "Merge proposal" and t.meta["sections"] == ["Merge proposal", "Infobox image"]
    assert [c.author for c in t.comments] == [
        "Alice", "Bob", "Alice", "Bob", "Çelik Yılmaz", "203.0.113.7", "Dana", "Erik Lund"]
    parents = {c.number: [(e.target_id, e.how) for e in c.parents] for c in t.comments}
    assert parents == {1: [], 2: [("1", "nesting")], 3: [("2", "nesting")], 4: [("3", "nesting")],
                       5: [("1", "nesting")], 6: [], 7: [], 8: [("7", "nesting")]}
    assert all(e.confidence < 1 for c in t.comments for e in c.parents)
    assert t.comments[0].created_at == utc(2007, 4, 15, 16, 46) and t.comments[0].tz == "explicit"
    assert t.comments[0].text == "I propose merging Foo (band) into this article, as it has no independent sources."
    assert t.comments[1].text == "Oppose. The band charted twice.\nSources exist in print – see the 1999 yearbook."
    assert t.comments[5].text == "This is unsigned, added later."


def test_wiki_talk_rendered_copy_has_no_parents():
    t = copied.WIKI_TALK.parse(load("wikitalk-rendered.txt"))
    assert [c.author for c in t.comments] == ["Dana", "Erik Lund", "Mira"]
    assert all(not c.parents for c in t.comments) and t.meta["nested"] is False
    assert t.comments[2].text == "Oppose for now: common usage still favours the old name.\nGive it a year."
    assert t.title == "Proposed rename"


def test_recognised_but_cannot_tell_where_comments_start():
    says = b"Alice says:\nno date follows this\n\nBob says:\nnor this one\n"
    with pytest.raises(InputError, match="wordpress-text: found 'says:' headers but cannot tell where comments start"):
        copied.WORDPRESS.parse(Document(says, "w.txt"))
    said = b"Alice said...\nhello\n\nBob said...\nhi\n"
    with pytest.raises(InputError, match="blogger-text: found 'said...' headers but cannot tell"):
        copied.BLOGGER.parse(Document(said, "b.txt"))
    assert copied.WORDPRESS.detect(Document(says, "w.txt")) == 0
    with pytest.raises(InputError, match="no 'NAME said...' comment headers"):
        copied.BLOGGER.parse(Document(b"nothing here", "b.txt"))


def test_typepad_text_is_not_claimed():
    data = REFERENCE_POST.read_bytes()
    moa = Document(data, "moa.txt")
    assert all(r.detect(moa) == 0 for r in READERS)
    tiny = Document(b"Alice said...\nhi\nJanuary 14, 2009 at 11:07 AM\n\nBob said...\nho\n"
                    b"January 14, 2009 at 11:08 AM\n\nPosted by: b | Dec 29 2025 18:50 utc | 83\n", "t.txt")
    assert copied.BLOGGER.detect(tiny) == 0


def test_a_single_header_is_not_enough():
    one = Document(b"Jane Doe says:\nMarch 3, 2024 at 9:15 pm\nHello.\nReply\n", "one.txt")
    assert copied.WORDPRESS.detect(one) == 0
    assert copied.WORDPRESS.parse(one).comments[0].author == "Jane Doe"  # but parse reads it when asked


@FUZZ
@given(st.sampled_from(READERS), st.binary(max_size=1500))
def test_random_bytes_never_crash(reader, data):
    parse_or_none(reader.parse, Document(data, "fuzz.txt"))


@FUZZ
@given(st.sampled_from(sorted(CASES)), st.data())
def test_mutated_fixtures_never_crash(name, data):
    raw = truncated_flipped(data, (DIR / name).read_bytes(), max_flips=8)
    parse_or_none(CASES[name].parse, Document(raw, "fuzz.txt"))
