"""Disqus XML export: threads and posts joined by dsq:id, tombstones, spam, thread choice."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fuzzing import CUTS, FLIPS, FUZZ, comments_or_one_line_error, cut_and_flip
from threadpress.errors import InputError
from threadpress.sources import detect
from threadpress.sources.base import Document
from threadpress.sources.disqus import SOURCE

FIX = Path(__file__).parent / "fixtures" / "disqus"


def doc(**extra) -> Document:
    return Document((FIX / "export.xml").read_bytes(), "export.xml", extra=extra)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def test_autodetect_picks_disqus():
    assert detect(doc()).name == "disqus"


def test_busiest_thread_is_chosen():
    t = SOURCE.parse(doc())
    assert t.id == "disqus:5001" and t.source == "disqus"
    assert t.title == "Old survey maps & why they lie"
    assert t.url == "https://quietcartography.example.com/2014/06/old-survey-maps/"
    assert t.author == "Inge Brandt" and t.published_at == utc(2014, 6, 1, 18)
    assert t.meta["other_threads"] == ["5002"]
    assert t.meta["forum"] == "quietcartography"
    assert t.meta["identifier"] == "42 https://quietcartography.example.com/?p=42"


def test_posts_parents_and_order():
    t = SOURCE.parse(doc())
    # posts come out of order in the export; the missing parent 8999 becomes a tombstone
    assert [c.id for c in t.comments] == ["9001", "9002", "9003", "9004", "9005", "9006", "8999", "9007"]
    assert [c.number for c in t.comments] == list(range(1, 9))
    assert {c.id: [(e.target_id, e.how, e.confidence) for e in c.parents] for c in t.comments} == {
        "9001": [], "9002": [("9001", "platform", 1.0)], "9003": [("9002", "platform", 1.0)],
        "9004": [("9001", "platform", 1.0)], "9005": [("9004", "platform", 1.0)], "9006": [],
        "8999": [], "9007": [("8999", "platform", 1.0)],
    }
    assert t.by_id()["9003"].parents[0].evidence == "parent dsq:id=9002"
    assert t.meta["missing"] == 1


def test_statuses_times_and_bodies():
    c = SOURCE.parse(doc()).by_id()
    assert c["9004"].status == "deleted" and c["9004"].html == "" and c["9004"].author == "Deleted Person"
    assert c["9006"].status == "spam" and "<img" not in c["9006"].html
    assert c["8999"].status == "removed"
    assert c["9001"].created_at == utc(2014, 6, 2, 7, 30) and c["9001"].tz == "explicit"
    assert c["9007"].created_at == utc(2014, 6, 4, 10) and c["9007"].tz == "naive_utc"  # no Z
    # entity-escaped message
    assert c["9001"].html.startswith("<p>Surveyors were paid by the mile, not by the truth.</p><p>See <a href=")
    assert c["9001"].text == "Surveyors were paid by the mile, not by the truth.\n\nSee this."
    # CDATA message
    assert c["9002"].text == "Good point, but see the errata.\n\npaid by the mile\n\nNot always."
    # plain-text message
    assert c["9007"].html == "<p>An old plain-text comment.<br>Two lines, no markup &amp; an ampersand.</p>"
    assert "地図" in c["9005"].text
    assert c["9003"].author == "Ngozi A." and c["9003"].author_id == "ngozi_maps"
    assert c["9003"].author_url == "https://disqus.com/by/ngozi_maps/"
    assert c["9001"].author_id is None
    assert c["9001"].permalink == "https://quietcartography.example.com/2014/06/old-survey-maps/#comment-9001"
    assert "tom@example.net" not in repr(list(c.values()))


@pytest.mark.parametrize("wanted", ["5002", "43 https://quietcartography.example.com/?p=43",
                                    "https://quietcartography.example.com/2014/07/contours/"])
def test_named_thread(wanted):
    t = SOURCE.parse(doc(thread=wanted))
    assert t.id == "disqus:5002" and [c.id for c in t.comments] == ["9101"]
    assert t.meta["other_threads"] == ["5001"]


def test_named_thread_without_posts():
    with pytest.raises(InputError, match="export.xml: no thread '5003' with comments"):
        SOURCE.parse(doc(thread="5003"))


def test_bad_inputs():
    with pytest.raises(InputError, match="^cut.xml: not a well-formed Disqus export"):
        SOURCE.parse(Document((FIX / "export.xml").read_bytes()[:1500], "cut.xml"))
    with pytest.raises(InputError, match="no posts in this Disqus export"):
        SOURCE.parse(Document(b'<disqus xmlns="http://disqus.com"><thread/></disqus>', "e.xml"))
    with pytest.raises(InputError, match="not a Disqus export"):
        SOURCE.parse(Document(b"<rss><channel/></rss>", "r.xml"))


def test_billion_laughs_is_refused_or_harmless():
    data = b"""<?xml version="1.0"?>
<!DOCTYPE disqus [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">
<post dsq:id="1"><message>&d;&d;&d;&d;</message><createdAt>2014-01-01T00:00:00Z</createdAt>
<thread dsq:id="9"/></post></disqus>"""
    try:
        t = SOURCE.parse(Document(data, "lol.xml"))
    except InputError:
        return
    assert len(t.comments[0].text) < 1000


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes(data):
    comments_or_one_line_error(SOURCE, data)


BLOB = (FIX / "export.xml").read_bytes()


@FUZZ
@given(CUTS, FLIPS)
def test_mutated_fixture(cut, flips):
    comments_or_one_line_error(SOURCE, cut_and_flip(BLOB, cut, flips))
