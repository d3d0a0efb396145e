"""Pushshift / Arctic Shift NDJSON dumps, plain and zstd (long window), in memory and streamed."""

from __future__ import annotations

import io
from datetime import datetime, timezone
from pathlib import Path

import orjson
import pytest
import zstandard
from hypothesis import given, settings
from hypothesis import strategies as st

from fuzzing import FUZZ, json_values, thread_or_input_error, truncated_flipped
from threadpress.errors import InputError
from threadpress.model import Thread
from threadpress.sanitize import text_to_html
from threadpress.sources import detect, reddit_dump
from threadpress.sources.base import Document
from threadpress.sources.reddit_dump import SOURCE, _render, build_thread, iter_comments

FIX = Path(__file__).parent / "fixtures" / "reddit_dump"
NDJSON = (FIX / "comments.ndjson").read_bytes()


def zst(data: bytes, window_log: int = 28) -> bytes:
    """Compress like the dumps do: a window larger than the decoder's default limit (2**27)."""
    params = zstandard.ZstdCompressionParameters.from_level(3, window_log=window_log)
    out = io.BytesIO()
    with zstandard.ZstdCompressor(compression_params=params).stream_writer(out, closefd=False) as w:
        w.write(data)
    return out.getvalue()


ZST = zst(NDJSON)


def parse(data: bytes = NDJSON, **extra) -> Thread:
    return SOURCE.parse(Document(data, "RC_2024-03.ndjson", extra=extra))


def summary(t: Thread) -> list[tuple]:
    return [(c.number, c.id, c.author, c.status, [(e.target_id, e.how) for e in c.parents]) for c in t.comments]


EXPECTED = [
    (1, "m1a001", "tidal_clock", "ok", []),
    (2, "m1a002", "[deleted]", "deleted", [("m1a001", "platform")]),
    (3, "m1a004", "tidal_clock", "ok", [("m1a003", "platform")]),  # clock says earlier than its parent
    (4, "m1a003", "Søren_K", "ok", [("m1a002", "platform")]),  # reply to a deleted comment
    (5, "m1a005", "kelp_forest", "removed", [("m1a003", "platform")]),
    (6, "m1a006", "tidal_clock", "ok", [("m1a005", "platform")]),
    (7, "m1a007", "deep_sea", "deleted", [("m1a001", "platform")]),
]


@pytest.mark.parametrize("data", [NDJSON, ZST], ids=["plain", "zst"])
def test_parse_biggest_thread(data):
    t = parse(data)
    assert (t.id, t.source, t.title) == ("reddit:1xy9zz", "reddit-dump", "")
    assert t.url == "https://www.reddit.com/r/oceanography/comments/1xy9zz/"
    assert summary(t) == EXPECTED
    assert t.meta["other_threads"] == {"reddit:2aa000": 1}


def test_long_window_needs_the_raised_limit():
    with pytest.raises(zstandard.ZstdError, match="too much memory"):
        zstandard.ZstdDecompressor().stream_reader(io.BytesIO(ZST)).read()
    assert len(list(iter_comments(io.BytesIO(ZST)))) == 8


def test_bodies_times_and_fields():
    by = parse().by_id()
    c = by["m1a003"]
    assert c.text == "> same as last year\n\nThat's the point: it *shouldn't* be. Use `x < y` ⚓"
    assert c.format == "markdown"
    assert c.html == (
        "<p>&gt; same as last year</p>\n<p>That&#x27;s the point: it *shouldn&#x27;t* be. Use `x &lt; y` ⚓</p>"
    )
    assert (c.created_at, c.tz, c.created_raw) == (
        datetime(2024, 3, 1, 0, 10, 0, 250000, tzinfo=timezone.utc), "epoch", "1709251800.25")
    assert by["m1a002"].created_raw == "1709251500"  # created_utc as a string
    assert by["m1a002"].created_at == datetime(2024, 3, 1, 0, 5, tzinfo=timezone.utc)
    assert by["m1a001"].text == "Measured the tide gauge again & got 2.31 m.\n\nSame as last year."
    assert by["m1a001"].author_id == "t2_ab12"
    assert by["m1a001"].permalink == "https://www.reddit.com/r/oceanography/comments/1xy9zz/_/m1a001/"
    assert by["m1a004"].permalink == "https://www.reddit.com/r/oceanography/comments/1xy9zz/tide_gauges/m1a004/"
    assert "<script>" not in by["m1a004"].html and "&lt;script&gt;" in by["m1a004"].html
    assert by["m1a002"].html == by["m1a005"].text == ""
    # Arctic Shift saw it deleted later, but the archived body survives: kept, with the status
    assert by["m1a007"].text.startswith("Body survives")


@pytest.mark.parametrize("name", ["2aa000", "t3_2aa000", "reddit:2aa000"])
def test_choose_thread(name):
    t = parse(thread=name)
    assert t.id == "reddit:2aa000" and [c.id for c in t.comments] == ["m1b001"]


def test_unknown_thread_is_an_input_error():
    with pytest.raises(InputError, match="no comments for thread 'reddit:zzz'"):
        parse(thread="zzz")


def test_submission_line_fills_the_thread():
    sub = orjson.dumps({"id": "1xy9zz", "title": "Tide gauges &amp; you", "author": "tidal_clock",
                        "created_utc": 1709250000, "selftext": "Post body", "subreddit": "oceanography",
                        "permalink": "/r/oceanography/comments/1xy9zz/tide_gauges/"})
    t = parse(sub + b"\n" + NDJSON)
    assert (t.title, t.author) == ("Tide gauges & you", "tidal_clock")
    assert t.published_at == datetime(2024, 2, 29, 23, 40, tzinfo=timezone.utc)
    assert t.url == "https://www.reddit.com/r/oceanography/comments/1xy9zz/tide_gauges/"
    assert t.body_html == "<p>Post body</p>"


def test_iter_comments_path_fileobj_and_frames(tmp_path):
    path = tmp_path / "RC_2024-03.zst"
    path.write_bytes(ZST)
    from_path = [(tid, c.id) for tid, c in iter_comments(path)]
    assert from_path[:4] == [("reddit:1xy9zz", "m1a001"), ("reddit:1xy9zz", "m1a002"),
                             ("reddit:1xy9zz", "m1a003"), ("reddit:2aa000", "m1b001")]
    assert [c.number for _, c in iter_comments(str(path))] == [None] * 8  # build_thread numbers them
    with open(path, "rb") as fh:
        assert [x[1].id for x in iter_comments(fh)] == [x[1] for x in from_path]
    lines = NDJSON.splitlines(keepends=True)
    two_frames = zst(b"".join(lines[:3])) + zst(b"".join(lines[3:]))
    assert [c.id for _, c in iter_comments(io.BytesIO(two_frames))] == [x[1] for x in from_path]
    assert [c.id for _, c in iter_comments(io.BytesIO(NDJSON))] == [x[1] for x in from_path]


def test_streaming_across_tiny_chunks(monkeypatch):
    # Multi-byte UTF-8 (ø, ⚓) and line ends fall across chunk boundaries.
    monkeypatch.setattr(reddit_dump, "CHUNK", 7)
    for data in (NDJSON, ZST):
        got = {c.id: c.text for _, c in iter_comments(io.BytesIO(data))}
        assert got["m1a003"].endswith("⚓") and len(got) == 8


def test_build_thread_from_streamed_comments():
    groups: dict[str, list] = {}
    for tid, c in iter_comments(io.BytesIO(ZST)):
        groups.setdefault(tid, []).append(c)
    t = build_thread("reddit:1xy9zz", groups["reddit:1xy9zz"])
    assert summary(t) == EXPECTED


def test_bad_lines(tmp_path):
    bad = NDJSON + b'{"id": "x", "link_id": \n'
    with pytest.raises(InputError, match=r"^RC_2024-03.ndjson: line 9 is not valid JSON"):
        parse(bad)
    assert len(list(iter_comments(io.BytesIO(bad), skip_bad=True))) == 8
    with pytest.raises(InputError, match="line 1 is not a Reddit comment"):
        list(iter_comments(io.BytesIO(b'{"id": "x"}\n')))
    with pytest.raises(InputError, match="cannot open"):
        list(iter_comments(tmp_path / "nope.zst"))
    with pytest.raises(InputError, match="cannot decompress"):
        list(iter_comments(io.BytesIO(ZST[:-9] + b"\xff" * 9)))
    for data, msg in ((b"", "empty"), (b"[1]\n", "not a JSON object"), (b"\n\n", "empty")):
        with pytest.raises(InputError, match=msg):
            parse(data)


def test_autodetect():
    assert detect(Document(NDJSON, "RC_2024-03.ndjson")).name == "reddit-dump"
    # zstd bytes are binary to the registry's text check; the source itself knows them
    assert SOURCE.detect(Document(ZST, "RC_2024-03.zst")) == 0.95
    assert SOURCE.detect(Document(b'{"comments": []}\n', "x")) == 0


@settings(max_examples=60, deadline=2000)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_render_is_text_to_html(body):
    assert _render(body) == text_to_html(body)


# --- robustness ---------------------------------------------------------------------------------

JSON = json_values("t1_", "t3_1xy9zz", "[deleted]", "1709251800", "removed by reddit")


def _robust(data: bytes, thread=None) -> None:
    thread_or_input_error(parse, data, thread=thread)
    for skip in (False, True):
        try:
            for tid, c in iter_comments(io.BytesIO(data), skip_bad=skip):
                assert tid.startswith("reddit:") and c.id
        except InputError:
            assert not skip or data[:4] == reddit_dump.ZSTD_MAGIC
    SOURCE.detect(Document(data, "x"))


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes(data):
    _robust(data)


@FUZZ
@given(st.sampled_from([NDJSON, ZST]), st.data())
def test_truncated_and_flipped(base, data):
    buf = truncated_flipped(data, base, max_flips=3, may_keep_whole=True)
    _robust(buf, data.draw(st.sampled_from([None, "1xy9zz", "t3_2aa000"])))


@FUZZ
@given(st.data())
def test_structure_mutations(data):
    records = [orjson.loads(line) for line in NDJSON.splitlines()]
    for _ in range(data.draw(st.integers(1, 3))):
        rec = data.draw(st.sampled_from(records))
        key = data.draw(st.sampled_from([*rec, "_meta", "body"]))
        rec[key] = data.draw(JSON)
    out = b"\n".join(orjson.dumps(r) for r in records)
    _robust(zst(out) if data.draw(st.booleans()) else out)
