"""The bundled example thread end to end: HTML and copied text agree, and reply edges match the truth."""

from __future__ import annotations

import json
import re

import pytest

from conftest import EXAMPLE
from threadpress.digest import select
from threadpress.load import fetch_thread, parse_bytes
from threadpress.model import thread_to_dict
from threadpress.render import render

TRUTH = json.loads((EXAMPLE / "truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def from_html():
    return parse_bytes((EXAMPLE / "thread.html").read_bytes(), name="thread.html")


@pytest.fixture(scope="module")
def from_text():
    return parse_bytes((EXAMPLE / "thread.txt").read_bytes(), name="thread.txt")


def comments(thread):
    return [(c["number"], c["author"], c["created_at"]) for c in thread_to_dict(thread)["comments"]]


def edge_set(thread, explicit_only=True):
    by_id = thread.by_id()
    return {(c.number, by_id[e.target_id].number) for c in thread.comments for e in c.parents
            if e.confidence >= 0.5 and (e.how != "inferred" or not explicit_only)}


def test_example_is_big_enough():
    assert len(TRUTH["comments"]) >= 150
    assert len({c["author"] for c in TRUTH["comments"]}) >= 20


def test_html_and_copied_text_give_the_same_thread(from_html, from_text):
    truth = [(c["number"], c["author"], c["created_at"]) for c in TRUTH["comments"]]
    assert comments(from_html) == truth
    assert comments(from_text) == truth
    assert edge_set(from_html) == edge_set(from_text)
    # Not just the same targets: the same kinds of evidence.
    def hows(t):
        by_id = t.by_id()
        return {(c.number, by_id[e.target_id].number, e.how) for c in t.comments for e in c.parents}
    assert hows(from_html) == hows(from_text)


@pytest.mark.parametrize("which", ["from_html", "from_text"])
def test_reply_edges_precision_recall(which, request):
    thread = request.getfixturevalue(which)
    truth = {(e["source"], e["target"]) for e in TRUTH["edges"] if e["explicit"]}
    found = edge_set(thread)
    tp = len(found & truth)
    precision, recall = tp / len(found), tp / len(truth)
    assert precision >= 0.98 and recall >= 0.98, (precision, recall, sorted(found ^ truth)[:20])


def test_every_reply_form_resolves(from_html):
    found = edge_set(from_html)
    for form in ("address", "stale-address", "number", "mention", "quote"):
        edges = [(e["source"], e["target"]) for e in TRUTH["edges"] if e["form"] == form]
        assert edges, form
        missed = [e for e in edges if e not in found]
        assert not missed, (form, missed)


def test_digest_of_the_example(from_html):
    d = select(from_html, "Rowan Ashgrove")
    out = render(d, "markdown")
    mine = [c["number"] for c in TRUTH["comments"] if c["author"] == "Rowan Ashgrove"]
    shown = [i.comment.number for i in d.items if i.role == "author"]
    assert shown == mine
    for item in d.items:
        c = item.comment
        when = c.created_at
        line = f"Posted by: {c.author} | {when:%b} {when.day} {when:%Y %H:%M} utc | {c.number}"
        assert re.search(rf"^(> )?{re.escape(line)}$", out, re.M), line
    # Each comment the author answers comes before the author's comment, and only once.
    numbers = [i.comment.number for i in d.items]
    assert len(numbers) == len(set(numbers))
    pos = {n: i for i, n in enumerate(numbers)}
    for e in TRUTH["edges"]:
        if e["explicit"] and e["source"] in mine:
            assert pos[e["target"]] < pos[e["source"]]


def test_parse_url_follows_comment_pages(server, tmp_path):
    pages = sorted((EXAMPLE / "pages").glob("page-*.html"))
    assert len(pages) >= 2
    path = "/2025/12/example-thread.html"
    from httpserver import Reply

    server.robots("User-agent: *\nDisallow: /private/\n")
    server.route(path, Reply(200, pages[0].read_bytes(), headers={"Content-Type": "text/html; charset=utf-8"}))
    for i, page in enumerate(pages[1:], 2):
        server.route(f"{path}?page={i}", Reply(200, page.read_bytes(), headers={"Content-Type": "text/html"}))
    from threadpress.fetch import Fetcher

    with Fetcher(cache_dir=tmp_path / "cache") as f:
        thread = fetch_thread(server.url(path), fetcher=f)
    truth = [(c["number"], c["author"], c["created_at"]) for c in TRUTH["comments"]]
    assert comments(thread) == truth
    assert thread.meta["pages"] == len(pages)
    assert [p for p in server.paths() if p != "/robots.txt"] == [path] + [f"{path}?page={i}" for i in range(2, len(pages) + 1)]
