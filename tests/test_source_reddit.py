"""Reddit thread JSON (`/comments/<id>/.json`): tree, parents, tombstones, "more" stubs, escaping."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fuzzing import FUZZ, json_values, mutated_json, robust, truncated_flipped
from threadpress.errors import InputError
from threadpress.model import Thread, thread_to_dict
from threadpress.sources import detect
from threadpress.sources.base import Document
from threadpress.sources.reddit import SOURCE

FIX = Path(__file__).parent / "fixtures" / "reddit"
THREAD = (FIX / "thread.json").read_bytes()
RAW_JSON = (FIX / "thread_raw_json.json").read_bytes()


def parse(data: bytes = THREAD) -> Thread:
    return SOURCE.parse(Document(data, "thread.json"))


def test_thread_fields():
    t = parse()
    assert t.id == "reddit:1ab2cd"
    assert t.source == "reddit"
    assert t.title == "Tram lines & bus lanes: <the> plan"  # entity-escaped title, unescaped once
    assert t.author == "planner_jo"
    assert t.url == "https://www.reddit.com/r/cityplanning/comments/1ab2cd/tram_lines_and_bus_lanes/"
    assert t.published_at == datetime(2024, 1, 1, tzinfo=timezone.utc)
    assert t.body_html == "<p>Thoughts on the <em>new</em> plan?</p>"
    assert t.meta["subreddit"] == "cityplanning"


def test_comments_in_posting_order_with_platform_parents():
    t = parse()
    got = [(c.number, c.id, c.author, [(e.target_id, e.how, e.confidence) for e in c.parents]) for c in t.comments]
    assert got == [
        (1, "k2b9x1", "quiet_lark", []),
        (2, "k2b9x6", "[deleted]", []),
        (3, "k2b9x8", "bus_driver_42", []),  # same second as k2b9x6: document order breaks the tie
        (4, "k2b9x2", "Märta_Ö", [("k2b9x1", "platform", 1.0)]),
        (5, "k2b9x7", "ferry_fan", [("k2b9x6", "platform", 1.0)]),
        (6, "k2b9x3", "quiet_lark", [("k2b9x2", "platform", 1.0)]),
        (7, "k2b9x4", "東京の電車", [("k2b9x3", "platform", 1.0)]),
        (8, "k2b9x5", "harbour_owl", [("k2b9x4", "platform", 1.0)]),  # depth 4
    ]
    assert t.comments[3].parents[0].evidence == "reddit:parent_id=t1_k2b9x1"


def test_times_are_created_utc_not_created():
    c = parse().by_id()["k2b9x2"]
    # `created` in the fixture is 8 hours off (a Reddit quirk); created_utc is the truth.
    assert c.created_at == datetime(2024, 1, 1, 0, 5, 0, 500000, tzinfo=timezone.utc)
    assert c.tz == "epoch"
    assert c.created_raw == "1704067500.5"


def test_body_html_unescaped_exactly_once():
    by = parse().by_id()
    first = by["k2b9x1"]
    assert first.html == (
        "<blockquote>\n<p>the numbers</p>\n</blockquote>\n\n<p>They don't add up &amp; never did.</p>"
    )
    assert first.text == "the numbers\n\nThey don't add up & never did."
    assert first.format == "html"
    # `a < b` was written by the user: after one unescape it is still an entity inside <code>.
    assert "<code>a &lt; b</code>" in by["k2b9x2"].html
    assert by["k2b9x2"].text == "Which ones? Use a < b notation please 🚋"


def test_hostile_html_is_cleaned():
    c = parse().by_id()["k2b9x7"]
    assert "<script" not in c.html and "javascript:" not in c.html
    assert 'href="https://example.org/plan?a=1&amp;b=2"' in c.html
    assert "<script>alert(1)</script>" in c.text  # the user's literal text, shown as text


def test_tombstones_keep_their_place():
    by = parse().by_id()
    assert (by["k2b9x6"].status, by["k2b9x6"].html, by["k2b9x6"].text) == ("deleted", "", "")
    assert by["k2b9x8"].status == "removed"
    assert by["k2b9x6"].author_url is None
    # the reply to the deleted comment still points at it
    assert [c.id for c in parse().replies_to("k2b9x6")] == ["k2b9x7"]


def test_more_stubs_are_recorded_not_dropped():
    missing = parse().meta["missing"]
    assert missing["count"] == 6  # 5 behind the first stub (3 ids listed) + 1
    assert missing["ids"] == ["k2b9y1", "k2b9y2", "k2b9y3", "k2b9z1"]
    assert missing["continue"] == ["k2b9x5"]  # "continue this thread" below the deepest comment


def test_permalinks_and_authors():
    c = parse().by_id()["k2b9x3"]
    assert c.permalink == "https://www.reddit.com/r/cityplanning/comments/1ab2cd/tram_lines_and_bus_lanes/k2b9x3/"
    assert c.author_url == "https://www.reddit.com/user/quiet_lark/"
    assert c.author_id == "t2_quie9x"
    assert c.cues == [{"type": "edited", "at": 1704067900.0}]


def test_raw_json_variant_is_not_unescaped_twice():
    a, b = parse(THREAD), parse(RAW_JSON)
    assert [(c.id, c.html, c.text, c.status) for c in a.comments] == [
        (c.id, c.html, c.text, c.status) for c in b.comments
    ]
    assert b.title == a.title


def test_json_contract():
    d = thread_to_dict(parse())
    assert d["thread"]["comment_count"] == 8
    assert d["comments"][0]["created_at"] == "2024-01-01T00:01:00Z"


@pytest.mark.parametrize("data", [THREAD, RAW_JSON])
def test_autodetect(data):
    assert detect(Document(data, "thread.json")).name == "reddit"
    assert SOURCE.detect(Document(b'{"comments": []}', "x")) == 0


@pytest.mark.parametrize(
    "data, msg",
    [
        (b"[1, 2]", "not a Reddit thread"),
        (b"[{", "not valid JSON"),
        (b"", "empty"),
        (b'[{"kind":"Listing","data":{"children":[]}},{"kind":"Listing","data":{"children":[]}}]', "no submission"),
    ],
)
def test_bad_input_names_the_file(data, msg):
    with pytest.raises(InputError, match=msg) as exc:
        parse(data)
    assert str(exc.value).startswith("thread.json: ")


# --- robustness: random and mutated input gives a Thread or InputError, nothing else ----------

JSON = json_values("t1_", "t3_1ab2cd", "more", "t1", "Listing", "[deleted]", "&lt;p&gt;")


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes(data):
    robust(SOURCE, parse, data)


@FUZZ
@given(st.sampled_from([THREAD, RAW_JSON]), st.data())
def test_truncated_and_flipped(base, data):
    robust(SOURCE, parse, truncated_flipped(data, base, max_flips=3, may_keep_whole=True))


@FUZZ
@given(st.data())
def test_structure_mutations(data):
    robust(SOURCE, parse, mutated_json(data, THREAD, JSON))
