"""Hacker News: Firebase items (array or id->item map) and Algolia item trees."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fuzzing import FUZZ, json_values, mutated_json, robust, truncated_flipped
from threadpress.errors import InputError
from threadpress.model import Thread
from threadpress.sources import detect
from threadpress.sources.base import Document
from threadpress.sources.hackernews import SOURCE, hn_html

FIX = Path(__file__).parent / "fixtures" / "hackernews"
FIREBASE = (FIX / "firebase_items.json").read_bytes()
FIREBASE_MAP = orjson.dumps({str(i["id"]): i for i in orjson.loads(FIREBASE)})
ALGOLIA = (FIX / "algolia_item.json").read_bytes()


def parse(data: bytes) -> Thread:
    return SOURCE.parse(Document(data, "hn.json"))


def edges(t: Thread) -> list[tuple]:
    return [(c.number, c.id, c.author, c.status, [(e.target_id, e.how) for e in c.parents]) for c in t.comments]


@pytest.mark.parametrize("data", [FIREBASE, FIREBASE_MAP], ids=["array", "map"])
def test_firebase_thread(data):
    t = parse(data)
    assert (t.id, t.source, t.title, t.author) == (
        "hackernews:38900001", "hackernews", "Show HN: A tide-table generator in 300 lines", "maplewood")
    assert t.url == "https://news.ycombinator.com/item?id=38900001"
    assert t.published_at == datetime(2024, 1, 1, tzinfo=timezone.utc)
    assert 'href="https://example.org/tides"' in t.body_html
    assert edges(t) == [
        (1, "38900002", "fern", "ok", []),
        (2, "38900003", "oakhill", "ok", []),
        (3, "38900004", "", "deleted", [("38900002", "platform")]),
        (4, "38900005", "quill", "ok", [("38900004", "platform")]),  # reply to a deleted comment
        (5, "38900006", "spam4u", "removed", [("38900002", "platform")]),  # dead
        (6, "38900007", "fern", "ok", [("38900005", "platform")]),
        (7, "38900009", "maplewood", "ok", [("38900007", "platform")]),
    ]
    # kids are HN's ranked display order, kept beside the posting order
    assert t.meta["display_order"] == [
        "38900003", "38900002", "38900004", "38900005", "38900007", "38900009", "38900006"]
    assert t.meta["missing"] == {"count": 1, "ids": ["38900008"]}
    assert t.meta["descendants"] == 9


def test_firebase_html_unclosed_paragraphs_entities_and_quotes():
    by = parse(FIREBASE).by_id()
    assert by["38900002"].html == (
        "<p>It's in the docs.</p><p>See <a href=\"https://example.org/x?a=1&amp;b=2\" "
        "rel=\"nofollow noopener noreferrer\">https://example.org/x?a=1&amp;b=2</a></p>")
    assert by["38900002"].text == "It's in the docs.\n\nSee https://example.org/x?a=1&b=2"
    # a ">" paragraph is HN's quoting convention: it becomes a blockquote
    assert by["38900003"].html.startswith("<blockquote><p>A tide-table generator</p></blockquote><p>Cool.")
    assert "Tromsø and Ōarai too — niño, 東京." in by["38900003"].text
    code = by["38900005"]
    assert "<pre><code>  def tide(t):\n" in code.html and "<script" not in code.html
    assert "<p></p>" not in code.html
    assert by["38900004"].html == by["38900004"].text == ""


def test_firebase_fields():
    c = parse(FIREBASE).by_id()["38900009"]
    assert c.created_at == datetime(2024, 1, 1, 0, 8, tzinfo=timezone.utc)
    assert (c.tz, c.created_raw, c.format) == ("epoch", "1704067680", "html")
    assert c.permalink == "https://news.ycombinator.com/item?id=38900009"
    assert c.author_url == "https://news.ycombinator.com/user?id=maplewood"


def test_firebase_comments_without_the_story():
    items = [i for i in orjson.loads(FIREBASE) if i.get("type") == "comment"]
    t = parse(orjson.dumps(items))
    assert t.id == "hackernews:38900001" and t.title == ""
    assert [c.id for c in t.comments if not c.parents] == ["38900002", "38900003"]


def test_algolia_tree():
    t = parse(ALGOLIA)
    assert (t.id, t.title, t.author) == ("hackernews:39100001", "Ask HN: How do you archive forum threads?", "lantern")
    assert t.published_at == datetime(2024, 1, 20, 8, tzinfo=timezone.utc)
    assert t.body_html == "<p>I keep losing good threads.</p><p>What do you use?</p>"
    assert edges(t) == [
        (1, "39100010", "brook", "ok", []),
        (2, "39100011", "lantern", "ok", []),  # posting order, not the tree's order
        (3, "39100012", "", "deleted", [("39100010", "platform")]),
        (4, "39100013", "Řeka", "ok", [("39100012", "platform")]),
    ]
    c = t.by_id()["39100013"]
    assert (c.created_raw, c.tz) == ("2024-01-20T08:30:00.000Z", "explicit")
    assert c.html == "<blockquote><p>cron</p></blockquote><p>systemd timers are nicer.</p>"
    assert t.comments[0].parents == [] and t.comments[0].text == "SQLite & a cron job."


def test_hn_html_edge_cases():
    assert hn_html("") == ""
    assert hn_html("one") == "<p>one</p>"
    assert hn_html("<p>&gt; q<p>a") == "<blockquote><p>q</p></blockquote><p>a</p>"
    assert hn_html('<a href="javascript:x()">x</a>') == '<p><a rel="nofollow noopener noreferrer">x</a></p>'


@pytest.mark.parametrize("data", [FIREBASE, FIREBASE_MAP, ALGOLIA], ids=["array", "map", "algolia"])
def test_autodetect(data):
    assert detect(Document(data, "hn.json")).name == "hackernews"


@pytest.mark.parametrize(
    "data, msg",
    [(b"[]", "no Hacker News items"), (b"{", "not valid JSON"), (b'"x"', "no Hacker News items"),
     (b'[{"id": 5, "type": "comment", "parent": 5}]', "without a story")],
)
def test_bad_input(data, msg):
    with pytest.raises(InputError, match=msg) as exc:
        parse(data)
    assert str(exc.value).startswith("hn.json: ")


# --- robustness ---------------------------------------------------------------------------------

JSON = json_values("comment", "story", "38900002", "<p>&gt;", "2024-01-20T08:30:00Z")


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes(data):
    robust(SOURCE, parse, data)


@FUZZ
@given(st.sampled_from([FIREBASE, FIREBASE_MAP, ALGOLIA]), st.data())
def test_truncated_and_flipped(base, data):
    robust(SOURCE, parse, truncated_flipped(data, base, max_flips=3, may_keep_whole=True))


@FUZZ
@given(st.sampled_from([FIREBASE, ALGOLIA]), st.data())
def test_structure_mutations(base, data):
    robust(SOURCE, parse, mutated_json(data, base, JSON))
