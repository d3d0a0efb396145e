"""Substack comments JSON: nested children, ancestor_path, plain-text bodies, deleted comments."""

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
from threadpress.sanitize import text_to_html
from threadpress.sources import detect
from threadpress.sources.base import Document
from threadpress.sources.substack import SOURCE, text_html

FIX = Path(__file__).parent / "fixtures" / "substack"
COMMENTS = (FIX / "comments.json").read_bytes()
URL = "https://pub.example.com/p/the-chart/comments"


def parse(data: bytes = COMMENTS, url: str | None = URL) -> Thread:
    return SOURCE.parse(Document(data, "comments.json", url=url))


def test_thread():
    t = parse()
    assert (t.id, t.source, t.url) == ("substack:140221", "substack", "https://pub.example.com/p/the-chart")
    assert t.meta["post_id"] == "140221"
    assert parse(url=None).id == "substack:140221"


def test_order_parents_statuses():
    got = [(c.number, c.id, c.author, c.status, [(e.target_id, e.how) for e in c.parents]) for c in parse().comments]
    assert got == [
        (1, "880001", "Mara K.", "ok", []),
        (2, "880004", "Rafa", "ok", []),  # posted before the first reply: posting order, not tree order
        (3, "880007", "The Author", "ok", [("880001", "platform")]),
        (4, "880009", "spambot", "removed", [("880001", "platform")]),
        (5, "880012", "", "deleted", [("880007", "platform")]),
        (6, "880019", "Jürgen Ø.", "ok", [("880012", "platform")]),  # reply to a deleted comment
    ]


def test_bodies_and_times():
    by = parse().by_id()
    first = by["880001"]
    assert first.text == "Great piece.\n\nOne quibble about the chart: see https://example.org/data?x=1&y=2."
    assert first.html.startswith("<p>Great piece.</p>\n<p>One quibble about the chart: see <a href=")
    assert 'href="https://example.org/data?x=1&amp;y=2"' in first.html and "y=2</a>.</p>" in first.html
    assert first.format == "text"
    assert (first.created_at, first.tz, first.created_raw) == (
        datetime(2024, 2, 10, 14, 3, 11, 201000, tzinfo=timezone.utc), "explicit", "2024-02-10T14:03:11.201Z")
    # plain text: markup typed by the user is shown, not rendered
    assert by["880007"].html == "<p>Fair, fixed. &lt;b&gt;Thanks&lt;/b&gt;!</p>"
    assert by["880004"].html == "<p>Second top-level comment,<br>with a line break.</p>"
    assert by["880012"].html == by["880012"].text == ""
    assert by["880009"].text == ""
    c = by["880019"]
    assert (c.author_id, c.author_url) == ("55003", "https://substack.com/@jurgen")
    assert c.permalink == "https://pub.example.com/p/the-chart/comment/880019"


def test_ancestor_path_when_flat():
    flat = []

    def walk(nodes):
        for n in nodes:
            flat.append({k: v for k, v in n.items() if k != "children"})
            walk(n.get("children") or [])

    walk(orjson.loads(COMMENTS)["comments"])
    t = parse(orjson.dumps({"comments": flat}))
    c = t.by_id()["880019"]
    assert [(e.target_id, e.evidence) for e in c.parents] == [("880012", "substack:ancestor_path=880012")]


def test_text_html_matches_text_to_html_without_urls():
    for s in ["a\n\n b \r\nc  \n\n\n d", "x < y & 'z'", "", "  \n  "]:
        assert text_html(s) == text_to_html(s)
    assert text_html('("https://x.org/a")') == '<p>(&quot;<a href="https://x.org/a">https://x.org/a</a>&quot;)</p>'


def test_autodetect():
    assert detect(Document(COMMENTS, "comments.json")).name == "substack"


@pytest.mark.parametrize("data, msg", [(b'{"x": 1}', "not Substack comments"), (b"{", "not valid JSON")])
def test_bad_input(data, msg):
    with pytest.raises(InputError, match=msg) as exc:
        parse(data)
    assert str(exc.value).startswith("comments.json: ")


# --- robustness ---------------------------------------------------------------------------------

JSON = json_values("880001", "1.2.3", "2024-02-10T14:03:11Z", "https://x.org")


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes(data):
    robust(SOURCE, parse, data)


@FUZZ
@given(st.data())
def test_truncated_and_flipped(data):
    robust(SOURCE, parse, truncated_flipped(data, COMMENTS, max_flips=3, may_keep_whole=True))


@FUZZ
@given(st.data())
def test_structure_mutations(data):
    robust(SOURCE, parse, mutated_json(data, COMMENTS, JSON))
