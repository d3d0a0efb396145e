"""generic: repeated-block fallback for unknown comment engines."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import FIXTURES
from fuzzing import FUZZ, parse_or_none, truncated_flipped
from threadpress.errors import InputError
from threadpress.sources import detect, registry
from threadpress.sources.base import Document
from threadpress.sources.generic import SOURCE

DIR = FIXTURES / "generic"
NAMES = ["chatterbox.html", "forumly.html", "kidsboard.html"]
SLOW_FUZZ = settings(FUZZ, deadline=3000)


def load(name: str, url: str | None = "https://talk.example/t/7") -> Document:
    return Document((DIR / name).read_bytes(), name, url=url)


def utc(*a) -> datetime:
    return datetime(*a, tzinfo=timezone.utc)


@pytest.mark.parametrize("name", NAMES)
def test_detected_as_fallback_only(name):
    assert registry()["generic"] is SOURCE
    d = load(name)
    assert 0 < SOURCE.detect(d) <= 0.2
    assert detect(d).name == "generic"


def test_nested_engine():
    t = SOURCE.parse(load("chatterbox.html"))
    assert t.source == "generic" and t.title == "Chatterbox — Bike lanes on Elm Street"
    assert t.meta["generic"] is True and t.meta["selector"] == "div.cb-post"
    assert 0.8 <= t.meta["confidence"] <= 1
    assert [c.id for c in t.comments] == ["cb-101", "cb-102", "cb-103", "cb-104", "cb-105"]  # time order
    assert [c.author for c in t.comments] == ["maria_k", "tom", "José Ñúñez", "maria_k", "Deleted user"]
    by = t.by_id()
    (e,) = by["cb-102"].parents
    assert e.target_id == "cb-101" and e.how == "nesting" and 0 < e.confidence < 1
    assert by["cb-104"].parents[0].target_id == "cb-102"  # deep nesting
    assert not by["cb-101"].parents and not by["cb-103"].parents
    first = by["cb-101"]
    assert first.created_at == utc(2024, 5, 1, 7, 30) and first.tz == "explicit"
    assert first.author_url == "https://talk.example/u/maria_k"
    assert first.permalink == "https://talk.example/t/7#cb-101"
    assert "<b>dangerous</b>" in first.html and "onclick" not in first.html and "Report" not in first.text
    assert "Agreed" not in first.text  # a nested reply is not part of its parent's body
    assert "alert" not in by["cb-104"].html
    assert by["cb-105"].status == "deleted"


def test_table_engine_flat():
    t = SOURCE.parse(load("forumly.html"))
    assert t.title == "Forumly :: Sourdough starter keeps dying" and t.meta["selector"] == "tr.post-row"
    assert [c.author for c in t.comments] == ["Oskar", "breadhead", "Oskar", "Mathilde"]
    assert t.comments[0].created_at == utc(2023, 3, 14, 18, 19) and t.comments[0].tz == "assumed"
    assert t.comments[1].html.startswith("<i>Rye flour, 22°C</i>")
    assert t.comments[2].text == "Twice a day did it. Thanks!\nIt doubled overnight."
    assert all(not c.parents for c in t.comments)


def test_replies_in_sibling_containers():
    t = SOURCE.parse(load("kidsboard.html", url=None))
    assert t.title == "Which tent for the Alps?"
    assert [c.author for c in t.comments] == ["Hana", "Lu Wei", "Hana", "Gus"]
    parents = {c.number: [(e.target_id, e.how) for e in c.parents] for c in t.comments}
    assert parents == {1: [], 2: [("1", "nesting")], 3: [("2", "nesting")], 4: []}
    assert t.comments[0].created_raw == "July 4, 2023 at 2:05 PM"
    assert t.comments[0].author_url == "/profile/hana"  # no page URL to resolve against
    assert t.comments[3].text == "Bring extra guy lines. Always."


def test_irregular_page_lower_confidence():
    blocks = "".join(
        f'<div class="x"><b>user{i}</b> <span>May {i + 1}, 2024</span><p>{"text " * (i + 3)}</p>{"<ul><li>a</li></ul>" * (i % 2)}</div>'
        for i in range(6))
    odd = Document(f"<html><body>{blocks}</body></html>".encode(), "odd.html")
    regular = SOURCE.parse(load("forumly.html")).meta["confidence"]
    t = SOURCE.parse(odd)
    assert len(t.comments) == 6 and t.meta["confidence"] < regular


def test_page_without_comments():
    d = Document(b"<html><head><title>x</title></head><body><p>Just an article.</p></body></html>", "a.html")
    assert SOURCE.detect(d) == 0
    with pytest.raises(InputError, match="no comments found in this HTML page"):
        SOURCE.parse(d)
    with pytest.raises(InputError, match="not an HTML page"):
        SOURCE.parse(Document(b"plain text", "a.txt"))


@SLOW_FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes_never_crash(data):
    parse_or_none(SOURCE.parse, Document(data, "fuzz.html", content_type="text/html"))


@SLOW_FUZZ
@given(st.sampled_from(NAMES), st.data())
def test_mutated_fixtures_never_crash(name, data):
    raw = truncated_flipped(data, (DIR / name).read_bytes(), max_flips=8)
    parse_or_none(SOURCE.parse, Document(raw, "fuzz.html", content_type="text/html"))
