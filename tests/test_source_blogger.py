"""Blogger: classic and threaded pages, the comments feed (Atom and JSON), Google Takeout."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fuzzing import CUTS, FLIPS, FUZZ, comments_or_one_line_error, cut_and_flip
from threadpress.errors import InputError
from threadpress.model import Thread
from threadpress.sources import detect
from threadpress.sources.base import Document
from threadpress.sources.blogger import SOURCE

FIX = Path(__file__).parent / "fixtures" / "blogger"
FILES = ("classic.html", "threaded.html", "comments-feed.atom", "comments-feed.json", "takeout-feed.atom")


def doc(name: str, **extra) -> Document:
    return Document((FIX / name).read_bytes(), name, extra=extra)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def edges(thread: Thread) -> dict[str, list[tuple[str, str]]]:
    return {c.id: [(e.target_id, e.how) for e in c.parents] for c in thread.comments}


@pytest.mark.parametrize("name", FILES)
def test_autodetect_picks_blogger(name):
    assert detect(doc(name)).name == "blogger"


def test_classic_page_said_style():
    t = SOURCE.parse(doc("classic.html"))
    assert t.id == "blogger:4417001122334455667:8811223344556677889"
    assert t.title == "Cranes at dusk" and t.author == "Marla K."
    assert t.url == "https://prairiebirder.blogspot.com/2025/02/cranes-at-dusk.html"
    assert t.published_at == utc(2025, 2, 12, 23, 30)
    assert t.meta["form"] == "classic"
    assert [c.id for c in t.comments] == ["5550001", "5550002", "5550003", "5550004", "5550005"]
    assert all(not c.parents for c in t.comments)  # classic blocks are flat; @NAME is for the resolver
    c = t.by_id()
    assert [x.author for x in t.comments] == ["TideDruid", "Marla K.", "Anonymous", "Łucja Wiśniewska", "Anonymous"]
    # showComment epoch ms beats the blog-local display text (the blog is UTC-6)
    assert c["5550001"].created_at == datetime(2025, 2, 13, 5, 7, 57, 650000, tzinfo=timezone.utc)
    assert c["5550001"].tz == "epoch" and c["5550001"].created_raw == "1739423277650"
    assert c["5550005"].created_at == utc(2025, 2, 15, 3) and c["5550005"].tz == "assumed"
    assert c["5550005"].permalink == "https://prairiebirder.blogspot.com/2025/02/cranes-at-dusk.html#c5550005"
    assert c["5550005"].html == "<p>Old template copy: no showComment here.</p>"
    assert c["5550003"].status == "removed" and c["5550003"].html == ""  # removed by an administrator
    assert c["5550001"].author_id == "09876543210987654321"
    assert c["5550004"].text == "Dziękuję za zdjęcia! Our cranes left early this year.\nSecond line."


def test_threaded_page_nesting():
    t = SOURCE.parse(doc("threaded.html"))
    assert t.id == "blogger:7070707070707070707:3131313131313131313"
    assert t.meta == {"form": "threaded"}  # the "Load more" link is hidden: the page is complete
    assert edges(t) == {
        "9000000000000000001": [],
        "9000000000000000002": [("9000000000000000001", "nesting")],
        "9000000000000000003": [],
        "9000000000000000004": [("9000000000000000002", "nesting")],
        "9000000000000000005": [("9000000000000000004", "nesting")],
        "9000000000000000006": [],
    }
    c = t.by_id()
    assert c["9000000000000000004"].status == "deleted" and c["9000000000000000004"].text == ""
    assert c["9000000000000000002"].author == "Kettle & Kiln"
    assert c["9000000000000000002"].html == "<p>Cone 10 reduction, slow cool.<br>The rim is thinner there.</p>"
    assert c["9000000000000000004"].author == "Anonymous" and c["9000000000000000004"].author_url is None
    assert c["9000000000000000006"].author == "Lisa"  # a name ending in "sa" is not a "said" word
    assert c["9000000000000000002"].created_at == datetime(2023, 6, 1, 19, 2, 44, 120000, tzinfo=timezone.utc)
    assert [x.number for x in t.comments] == [1, 2, 3, 4, 5, 6]


def test_atom_comments_feed_parents_from_related_links():
    t = SOURCE.parse(doc("comments-feed.atom"))
    # the same thread id as the page of the same post
    assert t.id == "blogger:4417001122334455667:8811223344556677889"
    assert t.title == "Cranes at dusk"
    assert t.url == "https://prairiebirder.blogspot.com/2025/02/cranes-at-dusk.html"
    assert [c.id for c in t.comments] == ["5550001", "5550002", "5550003", "5550004", "5550005"]  # oldest first
    assert edges(t)["5550002"] == [("5550001", "platform")]
    assert edges(t)["5550005"] == [("5550003", "platform")]
    assert edges(t)["5550001"] == []  # thr:in-reply-to points at the post, not a comment
    c = t.by_id()
    assert c["5550002"].parents[0].confidence == 1.0
    assert c["5550003"].status == "removed" and c["5550003"].html == ""
    assert c["5550001"].created_at == datetime(2025, 2, 13, 5, 7, 57, 650000, tzinfo=timezone.utc)
    assert c["5550001"].tz == "explicit"
    assert c["5550001"].html == "<p>Not in our county. We had <b>eleven</b>.</p>"
    assert "javascript" not in c["5550005"].html
    assert c["5550004"].author == "Łucja Wiśniewska"


def test_json_feed():
    t = SOURCE.parse(doc("comments-feed.json"))
    assert t.id == "blogger:7070707070707070707:3131313131313131313"
    assert t.title == "Glaze test seven"
    assert edges(t) == {
        "9000000000000000001": [],
        "9000000000000000002": [("9000000000000000001", "platform")],
        "9000000000000000004": [("9000000000000000002", "platform")],
    }
    assert t.by_id()["9000000000000000004"].status == "deleted"
    assert t.comments[0].created_at == utc(2023, 6, 1, 18, 20, 5)


def test_takeout_export():
    t = SOURCE.parse(doc("takeout-feed.atom"))
    assert t.id == "blogger:6060606060606060606:1000000000000000001"
    assert t.title == "Potatoes, again" and t.author == "Bea Okafor"
    assert t.url == "https://allotmentdiary.blogspot.com/2022/08/potatoes-again.html"
    assert t.body_html == "<p>Third year of blight. <i>Sarpo Mira</i> next time.</p>"
    assert t.published_at == utc(2022, 8, 20, 9, 5)
    assert t.meta["other_posts"] == ["1000000000000000002"]
    ids = ["2000000000000000010", "2000000000000000011", "2000000000000000012",
           "2000000000000000013", "2000000000000000014"]
    assert [c.id for c in t.comments] == ids
    assert edges(t) == {
        ids[0]: [], ids[1]: [(ids[0], "platform")], ids[2]: [],
        ids[3]: [(ids[1], "platform")], ids[4]: [(ids[3], "platform")],  # inReplyTo as a full tag id
    }
    c = t.by_id()
    assert [x.status for x in t.comments] == ["ok", "ok", "spam", "deleted", "ok"]
    assert c[ids[3]].html == ""
    assert c[ids[1]].created_at == utc(2022, 8, 20, 13, 30)
    assert c[ids[4]].created_at == utc(2022, 8, 21, 8, 15)
    assert c[ids[1]].text == "Yes & no — it helps with the tubers, not the leaves."
    assert c[ids[0]].permalink == (
        "https://allotmentdiary.blogspot.com/2022/08/potatoes-again.html?showComment=1660996800000#c" + ids[0])


def test_takeout_named_post():
    t = SOURCE.parse(doc("takeout-feed.atom", post="1000000000000000002"))
    assert [c.text for c in t.comments] == ["Leeks!"] and t.title == "Leeks"
    with pytest.raises(InputError, match="takeout-feed.atom: no post '7'"):
        SOURCE.parse(doc("takeout-feed.atom", post="7"))


def test_bad_inputs():
    with pytest.raises(InputError, match="x.atom: not a well-formed Blogger feed"):
        SOURCE.parse(Document((FIX / "comments-feed.atom").read_bytes()[:2500], "x.atom"))
    with pytest.raises(InputError, match="no comments in this Blogger feed"):
        SOURCE.parse(Document(b"<feed xmlns='http://www.w3.org/2005/Atom'><title>t</title></feed>", "e.atom"))
    with pytest.raises(InputError, match="no Blogger comments"):
        SOURCE.parse(Document(b"<!DOCTYPE html><html><body><p>hi</p></body></html>", "p.html"))


BLOBS = [(FIX / n).read_bytes() for n in FILES]


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes(data):
    comments_or_one_line_error(SOURCE, data)


@FUZZ
@given(st.sampled_from(BLOBS), CUTS, FLIPS)
def test_mutated_fixtures(blob, cut, flips):
    comments_or_one_line_error(SOURCE, cut_and_flip(blob, cut, flips))
