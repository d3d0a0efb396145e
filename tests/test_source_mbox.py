"""mbox: JWZ threading, MIME bodies, quotes and signatures marked, dates to UTC."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import FIXTURES
from fuzzing import FUZZ, parse_or_none, truncated_flipped
from threadpress.errors import InputError
from threadpress.sources import detect, registry
from threadpress.sources.base import Document
from threadpress.sources.jwz import thread as jwz_thread
from threadpress.sources.mbox import SOURCE, mail_text_to_html

MBOX = (FIXTURES / "mbox" / "list.mbox").read_bytes()


def doc(data: bytes = MBOX, **extra) -> Document:
    return Document(data, "list.mbox", extra=extra)


def utc(*a) -> datetime:
    return datetime(*a, tzinfo=timezone.utc)


def test_registered_and_detected():
    assert registry()["mbox"] is SOURCE
    assert detect(doc()).name == "mbox"


def test_largest_thread_with_platform_parents():
    t = SOURCE.parse(doc())
    assert t.id == "mbox:a1@example.org" and t.source == "mbox"
    assert t.title == "release plan"  # "[devel]" and "Re:" prefixes stripped
    assert t.author == "Alice Martin" and t.published_at == utc(2024, 1, 2, 9, 0)
    assert [c.id for c in t.comments] == [
        "a1@example.org", "b2@example.org", "c3@example.net", "e5@example.de", "d4@example.com"]
    assert [c.number for c in t.comments] == [1, 2, 3, 4, 5]
    by = t.by_id()
    assert by["a1@example.org"].parents == []
    (e,) = by["b2@example.org"].parents
    assert (e.target_id, e.how, e.confidence, e.evidence) == ("a1@example.org", "platform", 1.0, "In-Reply-To")
    (e,) = by["c3@example.net"].parents  # no In-Reply-To: the last References entry
    assert (e.target_id, e.evidence) == ("b2@example.org", "References")
    (e,) = by["d4@example.com"].parents  # its parent <m9> is missing: promoted to the grandparent
    assert e.target_id == "a1@example.org" and e.how == "platform" and e.confidence < 1
    assert "m9@example.org" in e.evidence
    assert t.meta["missing"] == 1 and t.meta["threads"] == 3 and t.meta["messages"] == 8


def test_dates_authors_and_unicode():
    by = SOURCE.parse(doc()).by_id()
    zoe = by["e5@example.de"]
    assert zoe.author == "Zoë Müller"  # RFC 2047 encoded word
    assert zoe.created_at == utc(2024, 1, 2, 19, 30) and zoe.tz == "explicit"
    assert zoe.created_raw == "Tue, 02 Jan 2024 11:30:00 -0800"
    assert by["d4@example.com"].tz == "naive_utc"  # -0000
    assert by["c3@example.net"].author == "carol@example.net"  # no display name: the address
    assert by["b2@example.org"].author_id == "bob@example.org"


def test_quotes_and_signature_marked_in_html_dropped_from_text():
    by = SOURCE.parse(doc()).by_id()
    bob = by["b2@example.org"]
    assert "<blockquote><p>Should we ship 2.0 on Friday?</p>\n<blockquote><p>(nested quote" in bob.html
    assert bob.html.endswith("<hr><p>Bob</p>")
    assert "wrote:" in bob.html
    assert bob.text == "Monday is safer: the mirror sync runs on weekends.\nFrom experience, Friday releases go wrong."
    alice = by["a1@example.org"]
    # ">From" unescaped and an unescaped "From the changelog" line did not split the message
    assert "From the changelog: nothing blocks it." in alice.text
    assert "<hr><p>Alice Martin<br>Release manager</p>" in alice.html and "Release manager" not in alice.text
    assert bob.format == "mime"


def test_html_only_part_is_cleaned_and_quotes_left_out_of_text():
    zoe = SOURCE.parse(doc()).by_id()["e5@example.de"]
    assert "<script" not in zoe.html and "alert" not in zoe.html
    assert "<blockquote>Monday is safer</blockquote>" in zoe.html
    assert zoe.text == "Moínday works for München too."


def test_thread_chosen_by_message_id():
    t = SOURCE.parse(doc(thread="<g7@example.org>"))
    assert t.title == "Build farm outage" and [c.author for c in t.comments] == ["Frank", "Gina"]
    assert t.comments[1].parents[0].target_id == "f6@example.org"
    with pytest.raises(InputError, match="no message with Message-ID <zz@x>"):
        SOURCE.parse(doc(thread="zz@x"))


def test_single_eml_message_and_missing_root():
    eml = (b"Message-ID: <r2@x.org>\nIn-Reply-To: <gone@x.org>\nFrom: Ann <ann@x.org>\n"
           b"Date: Mon, 01 Apr 2024 12:00:00 +0200\nSubject: Re: Fwd: plans\n\nSounds good.\n")
    d = Document(eml, "reply.eml")
    assert SOURCE.detect(d) >= 0.8 and detect(d).name == "mbox"
    t = SOURCE.parse(d)
    assert t.title == "plans" and t.comments[0].parents == [] and t.comments[0].created_at == utc(2024, 4, 1, 10)


def test_jwz_placeholder_root_with_several_children_and_loops():
    roots = jwz_thread([("b", ["a"], 1), ("c", ["a"], 2), ("d", ["e"], 3), ("e", ["d"], 4)])
    assert [r.id for r in roots][0] == "a" and roots[0].empty
    assert sorted(c.id for c in roots[0].children) == ["b", "c"]
    ids = {c.id for r in roots for c in r.walk()}
    assert {"d", "e"} <= ids  # the d <-> e loop did not hang or drop messages
    t = SOURCE.parse(Document(
        b"From x@y Mon Apr  1 10:00:00 2024\nMessage-ID: <b@x>\nReferences: <a@x>\nFrom: B <b@x>\nSubject: Re: t\n\nb\n\n"
        b"From x@y Mon Apr  1 10:00:00 2024\nMessage-ID: <c@x>\nReferences: <a@x>\nFrom: C <c@x>\nSubject: Re: t\n\nc\n",
        "x.mbox"))
    assert [c.author for c in t.comments] == ["B", "C"] and all(not c.parents for c in t.comments)
    assert t.meta["missing"] == 1


def test_mail_text_to_html_attribution_and_plain_lines():
    html, text = mail_text_to_html("Hi\n\nOn Mon, Bob wrote:\n> old\n\nnew <b>x</b>\n")
    assert html == "<p>Hi</p>\n<p>On Mon, Bob wrote:</p>\n<blockquote><p>old</p></blockquote>\n<p>new &lt;b&gt;x&lt;/b&gt;</p>"
    assert text == "Hi\n\nnew <b>x</b>"


def test_not_mail_is_refused():
    assert SOURCE.detect(Document(b"just some text\nwith lines", "t.txt")) == 0
    with pytest.raises(InputError, match="no mail headers found"):
        SOURCE.parse(Document(b"just some text\nwith lines", "t.txt"))


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes_never_crash(data):
    parse_or_none(SOURCE.parse, Document(data, "fuzz.mbox"))


@FUZZ
@given(st.data())
def test_mutated_fixture_never_crashes(data):
    t = parse_or_none(SOURCE.parse, Document(truncated_flipped(data, MBOX, max_flips=8), "fuzz.mbox"))
    assert t is None or t.comments
