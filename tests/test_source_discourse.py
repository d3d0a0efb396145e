"""Discourse topic JSON: post numbers with gaps, reply_to_post_number, quote asides, batches."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fuzzing import FUZZ, json_values, mutated_json, truncated_flipped
from threadpress.errors import InputError
from threadpress.model import Thread
from threadpress.sources import detect
from threadpress.sources.base import Document
from threadpress.sources.discourse import SOURCE, batch_urls, merge, missing_post_ids

FIX = Path(__file__).parent / "fixtures" / "discourse"
TOPIC = (FIX / "topic.json").read_bytes()
BATCH = (FIX / "posts_batch.json").read_bytes()
URL = "https://forum.example.org/t/cache-keeps-growing/77.json"


def doc(data: bytes = TOPIC, url: str | None = URL, name: str = "topic.json") -> Document:
    return Document(data, name, url=url)


def parents(t: Thread) -> list[tuple]:
    return [(c.number, c.id, c.author, c.status, [(e.target_id, e.how) for e in c.parents]) for c in t.comments]


def test_topic_fields():
    t = SOURCE.parse(doc())
    assert t.id == "discourse:forum.example.org:77"
    assert (t.source, t.title, t.author) == ("discourse", "Cache keeps growing & won't shrink", "ines")
    assert t.url == "https://forum.example.org/t/cache-keeps-growing/77"
    assert t.published_at == datetime(2024, 5, 2, 9, tzinfo=timezone.utc)
    assert t.body_html == t.comments[0].html  # post 1 is the topic post, and a comment
    assert t.meta["missing"] == {"count": 2, "ids": ["510", "511"]}
    assert t.meta["actions"] == [{"post_number": 6, "action_code": "pinned.enabled"}]
    assert t.meta["placeholders"] == [4]


def test_numbers_parents_and_statuses():
    assert parents(SOURCE.parse(doc())) == [
        (1, "501", "ines", "ok", []),
        (2, "502", "olek", "ok", []),  # reply_to_post_number null: a reply to the topic
        (3, "503", "marek", "deleted", [("502", "platform")]),
        (4, "post-4", "marek", "deleted", []),  # gap, referenced by post 7: a tombstone
        (5, "505", "ines", "ok", [("503", "platform"), ("502", "quote")]),
        (7, "507", "zoë", "ok", [("post-4", "platform")]),
        (8, "508", "olek", "removed", [("501", "platform")]),  # reply_to_post_number 1: post 1; hidden
        (9, "509", "ines", "ok", [("507", "platform")]),  # quote of 7 is the same parent: one edge
    ]


def test_quote_asides():
    t = SOURCE.parse(doc())
    c = t.by_id()["505"]
    assert c.html.startswith("<blockquote><p><cite>olek</cite>:</p>\n<p>Try clearing the cache first.</p>\n</blockquote>")
    assert c.text == "Did that, @olek. It came back in a day. Marek’s tip (now deleted) was about prune."
    q = next(e for e in c.parents if e.how == "quote")
    assert (q.confidence, q.evidence) == (1.0, "discourse:quote post=2 user=olek")
    assert {"type": "mention", "username": "olek"} in c.cues
    assert 'href="https://forum.example.org/u/olek"' in c.html  # relative links made absolute
    other = t.by_id()["509"]
    assert other.text == "Same root cause, I think."
    assert {"type": "quote", "username": "karl", "post": 12, "topic": 42} in other.cues  # another topic


def test_html_clean_and_times():
    by = SOURCE.parse(doc()).by_id()
    first = by["501"]
    assert ":worried:" in first.text and "<img" not in first.html
    assert "1204×678" not in first.text  # lightbox meta is chrome, not content
    assert (first.created_raw, first.tz) == ("2024-05-02T09:00:00.000Z", "explicit")
    assert by["502"].created_at == datetime(2024, 5, 2, 9, 30, 12, 451000, tzinfo=timezone.utc)
    z = by["507"]
    assert "<script" not in z.html and "Ответ на пост 4" in z.text and "🍎" in z.text
    assert by["503"].html == "" and by["503"].text == ""
    assert z.permalink == "https://forum.example.org/t/cache-keeps-growing/77/7"
    assert (z.author_id, z.author_url) == ("1007", "https://forum.example.org/u/zoë")
    assert {"type": "edited", "at": "2024-05-02T10:09:30.000Z", "version": 2} in by["505"].cues


def test_missing_ids_batches_and_merge():
    d = doc()
    assert missing_post_ids(d) == [510, 511]
    assert SOURCE.next_pages(d) == ["https://forum.example.org/t/77/posts.json?post_ids[]=510&post_ids[]=511"]
    assert SOURCE.next_pages(doc(url=None)) == []
    t = merge(d, [Document(BATCH, "batch1.json")])
    assert "missing" not in t.meta
    assert parents(t)[-2:] == [
        (10, "510", "olek", "ok", [("509", "platform")]),
        (11, "511", "marek", "ok", [("510", "quote")]),
    ]


def test_batch_urls():
    ids = list(range(1, 46))
    urls = batch_urls("https://forum.example.org/forum/t/some-slug/77/3?u=x", ids)
    assert len(urls) == 3
    assert urls[0].startswith("https://forum.example.org/forum/t/77/posts.json?post_ids[]=1&post_ids[]=2&")
    assert urls[2].endswith("post_ids[]=41&post_ids[]=42&post_ids[]=43&post_ids[]=44&post_ids[]=45")
    assert batch_urls("https://f.example/t/77", [1, 2, 3], batch=2) == [
        "https://f.example/t/77/posts.json?post_ids[]=1&post_ids[]=2",
        "https://f.example/t/77/posts.json?post_ids[]=3",
    ]
    assert batch_urls("https://f.example/t/77", []) == []
    for bad in ("ftp://f.example/t/77", "https://f.example/c/general", "https://f.example/t/slug-only"):
        with pytest.raises(InputError):
            batch_urls(bad, [1])


def test_without_url_the_id_has_no_host():
    t = SOURCE.parse(doc(url=None))
    assert t.id == "discourse:77" and t.comments[0].permalink is None


def test_merge_names_a_bad_batch():
    with pytest.raises(InputError, match="^batch2.json: "):
        merge(doc(), [Document(b"<html>rate limited</html>", "batch2.json")])


@pytest.mark.parametrize("data", [TOPIC, BATCH], ids=["topic", "posts.json"])
def test_autodetect(data):
    assert detect(Document(data, "t.json")).name == "discourse"


@pytest.mark.parametrize("data, msg", [(b'{"id": 1}', "no post_stream"), (b"[", "not valid JSON")])
def test_bad_input(data, msg):
    with pytest.raises(InputError, match=msg) as exc:
        SOURCE.parse(doc(data))
    assert str(exc.value).startswith("topic.json: ")


# --- robustness ---------------------------------------------------------------------------------

JSON = json_values("1", "<aside class=quote data-post=2>", "2024-05-02T09:00:00.000Z", "/u/x")


def _robust(data: bytes, url: str | None = URL) -> None:
    d = doc(data, url=url)
    try:
        assert isinstance(SOURCE.parse(d), Thread)
        assert isinstance(merge(d, [doc(data, url=url)]), Thread)
        assert isinstance(SOURCE.next_pages(d), list)
    except InputError:
        pass
    SOURCE.detect(d)


@FUZZ
@given(st.binary(max_size=2000), st.sampled_from([URL, None, "ftp://x", "https://f.example/"]))
def test_random_bytes(data, url):
    _robust(data, url)


@FUZZ
@given(st.sampled_from([TOPIC, BATCH]), st.data())
def test_truncated_and_flipped(base, data):
    _robust(truncated_flipped(data, base, max_flips=3, may_keep_whole=True))


@FUZZ
@given(st.data())
def test_structure_mutations(data):
    _robust(mutated_json(data, TOPIC, JSON))
