"""Full-text search over a real SQLite archive (FTS5): ranking, query syntax, filters, snippets, errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from threadpress import search as search_mod
from threadpress.cli import main
from threadpress.cli.analyze import COMMANDS
from threadpress.errors import InputError, NotFound
from threadpress.model import Comment, Thread
from threadpress.search import SearchSyntaxError, search, split_marks
from threadpress.store import Store

T0 = datetime(2025, 12, 30, 9, 0, tzinfo=UTC)


def make_thread(tid: str, rows: list[tuple[str, str]], *, start: datetime = T0, title: str = "") -> Thread:
    comments = [Comment(id=f"c{i}", number=i, author=a, created_at=start + timedelta(hours=i),
                        html=f"<p>{t}</p>", text=t, tz="explicit") for i, (a, t) in enumerate(rows, 1)]
    return Thread(id=tid, source="typepad", url=None, title=title or tid, comments=comments)


ALPHA = [
    ("Rowan Ashgrove", "The security strip is now eighteen kilometres deep, said General Lemm."),
    ("Sable", "Negotiations in Halvard are stalled again."),
    ("Rowan Ashgrove", "Strip after strip: the security strip grows, the strip widens, the strip holds."),
    ("Nils Åberg", "A strip of security along the border is not a negotiating position."),
    ("rowan ashgrove", "Negotiating with Sorvik is pointless, Varga says."),
    ("Rowan", "Nothing about the talks today. Ashgrove park was closed."),
]
BETA = [
    ("Sable", "The negotiators met in Varnholm; the security strip was not discussed."),
    ("Rowan Ashgrove", "Lemm spoke of the strip once more."),
]


FILLER = [(f"Reader {i}", f"Happy new year to everyone here, number {i}.") for i in range(40)]


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "a.db")
    s.ingest(make_thread("typepad:filler", FILLER, start=T0 - timedelta(days=5)))  # bm25 needs rare words
    s.ingest(make_thread("typepad:alpha", ALPHA, title="Alpha thread"))
    s.ingest(make_thread("typepad:beta", BETA, start=T0 + timedelta(days=3), title="Beta thread"))
    yield s
    s.close()


def numbers(result) -> list[tuple[str, int]]:
    return [(h.thread_id.split(":")[1], h.number) for h in result.hits]


def test_bm25_ranks_the_comment_that_says_it_most_first(store):
    r = search(store, "strip")
    assert r.window is None
    # Comment 3 says "strip" five times in a short text; it must come first.
    assert numbers(r)[0] == ("alpha", 3)
    assert set(numbers(r)) == {("alpha", 1), ("alpha", 3), ("alpha", 4), ("beta", 1), ("beta", 2)}
    scores = [h.score for h in r.hits]
    assert scores == sorted(scores, reverse=True) and scores[0] > scores[-1]


def test_each_result_has_thread_number_author_time_and_title(store):
    hit = search(store, "Varnholm").hits[0]
    assert (hit.thread_id, hit.number, hit.author, hit.thread_title) == ("typepad:beta", 1, "Sable", "Beta thread")
    assert hit.created_at == "2026-01-02T10:00:00Z"
    assert hit.comment_id == "c1"


def test_phrase_prefix_and_boolean_queries(store):
    assert set(numbers(search(store, '"security strip"'))) == {("alpha", 1), ("alpha", 3), ("beta", 1)}
    assert set(numbers(search(store, "negotiat*"))) == {("alpha", 2), ("alpha", 4), ("alpha", 5), ("beta", 1)}
    assert set(numbers(search(store, "Lemm OR Varga"))) == {("alpha", 1), ("alpha", 5), ("beta", 2)}
    assert set(numbers(search(store, "strip NOT security"))) == {("beta", 2)}
    # "AND NOT" is accepted as FTS5's "NOT".
    assert numbers(search(store, "strip AND NOT security")) == numbers(search(store, "strip NOT security"))
    assert set(numbers(search(store, "NEAR(strip border, 6)"))) == {("alpha", 4)}


def test_accents_and_case_fold(store):
    assert numbers(search(store, "HALVARD")) == [("alpha", 2)]


def test_the_query_searches_text_not_author_names(store):
    # "Ashgrove" is in many author names but only in the text of comment 6.
    assert numbers(search(store, "Ashgrove")) == [("alpha", 6)]


def test_snippet_highlights_the_matches(store):
    hit = search(store, '"security strip"').hits[0]
    assert hit.highlights
    for start, end in hit.highlights:
        assert hit.snippet[start:end].lower() in {"security", "strip", "security strip"}
    text, spans = split_marks("a \ue000b\ue001 c \ue000dd\ue001")
    assert text == "a b c dd" and spans == ((2, 3), (6, 8))


def test_author_filter_is_exact_and_case_insensitive(store):
    r = search(store, "strip OR negotiating", author="ROWAN ASHGROVE")
    assert set(numbers(r)) == {("alpha", 1), ("alpha", 3), ("alpha", 5), ("beta", 2)}
    assert all(h.author.lower() == "rowan ashgrove" for h in r.hits)
    assert numbers(search(store, "talks OR Ashgrove", author="Rowan")) == [("alpha", 6)]
    assert search(store, "strip", author="Nobody Here").hits == []


def test_thread_and_date_filters(store):
    assert set(numbers(search(store, "strip", thread="beta"))) == {("beta", 1), ("beta", 2)}
    # --until a date includes that whole day; --since is inclusive.
    r = search(store, "strip OR negotiations", since="2025-12-30T11:00:00Z", until="2025-12-30")
    assert set(numbers(r)) == {("alpha", 2), ("alpha", 3), ("alpha", 4)}
    assert set(numbers(search(store, "strip", since="2026-01-01"))) == {("beta", 1), ("beta", 2)}
    with pytest.raises(NotFound, match="--thread 'gamma'"):
        search(store, "strip", thread="gamma")
    with pytest.raises(InputError, match="--since 'last week': not a date"):
        search(store, "strip", since="last week")


@pytest.mark.parametrize("query, problem", [
    ("strip AND", "ends too early"),
    ('"security strip', "double quote is not closed"),
    ("Lavrov:interview", "unknown column 'Lavrov'"),
    ("U.S. sanctions", "not a valid query"),
    ("(strip OR", "ends too early"),
    ("strip) OR (security", "not a valid query"),
    ("   ", "query is empty"),
])
def test_malformed_queries_are_clear_errors(store, query, problem):
    with pytest.raises(SearchSyntaxError, match=problem):
        search(store, query)


def test_limit_and_filter_expansion(store, monkeypatch):
    # Without the filter-first path, the author filter is applied after ranking; the search must
    # keep asking for candidates until it has enough hits.
    monkeypatch.setattr(search_mod, "SUBSET_MAX", -1)
    r = search(store, "strip OR negotiating OR Lemm", author="Rowan Ashgrove", limit=1)
    assert len(r.hits) == 1 and r.hits[0].author.lower() == "rowan ashgrove"
    all_hits = search(store, "strip OR negotiating OR Lemm", author="Rowan Ashgrove", limit=50)
    assert set(numbers(all_hits)) == {("alpha", 1), ("alpha", 3), ("alpha", 5), ("beta", 2)}


def test_filter_first_and_index_paths_find_the_same_comments(store, monkeypatch):
    cases = [dict(author="rowan ashgrove"), dict(thread="alpha"), dict(since="2025-12-30T12:00:00Z"),
             dict(author="Sable", thread="beta")]
    for query in ("strip", "negotiat* OR Lemm", '"security strip"'):
        for kw in cases:
            monkeypatch.setattr(search_mod, "SUBSET_MAX", 3000)
            first = set(numbers(search(store, query, **kw)))
            monkeypatch.setattr(search_mod, "SUBSET_MAX", -1)
            index = set(numbers(search(store, query, **kw)))
            assert first == index, (query, kw)


def test_very_common_queries_search_the_newest_comments(store, monkeypatch):
    monkeypatch.setattr(search_mod, "WINDOW_ABOVE", 0)  # every query counts as very common
    monkeypatch.setattr(search_mod._Estimate, "window", lambda self: 2)
    r = search(store, "strip")
    assert r.window == 2
    # Only the matches among the two most recently stored comments: beta's.
    assert set(numbers(r)) == {("beta", 1), ("beta", 2)}
    assert r.hits[0].highlights


def test_window_size_follows_the_estimates():
    E = search_mod._Estimate
    # 100,000 matches in 1,000,000 comments: the newest 10,000 hold about WINDOW (1,000) of them.
    assert E(matches=100_000, work=100_000, lo=1, hi=1_000_000).window() == 10_000
    # A phrase of common words: few matches, but 300,000 documents to visit: a tenth of the archive.
    assert E(matches=1_000, work=300_000, lo=1, hi=1_000_000).window() == 100_000
    assert E(matches=1_000, work=300_000, lo=1, hi=1_000_000).too_big
    assert not E(matches=5_000, work=20_000, lo=1, hi=1_000_000).too_big
    # Never fewer than WINDOW comments, never more than there are.
    assert E(matches=10**7, work=10**7, lo=1, hi=1_000_000).window() == 1_000
    assert E(matches=10**6, work=10**6, lo=1, hi=500).window() == 500


# -- the command ---------------------------------------------------------------------------------------

@pytest.fixture
def acli(cli, monkeypatch):
    """The CLI with this module's commands (set for the test only, whether or not main registers them)."""
    for command in COMMANDS:
        monkeypatch.setitem(main.commands, command.name, command)
    return cli


def test_cli_search_json_and_text(acli, db):
    with Store(db) as s:
        s.ingest(make_thread("typepad:filler", FILLER, start=T0 - timedelta(days=5)))
        s.ingest(make_thread("typepad:alpha", ALPHA, title="Alpha thread"))
    r = acli("search", "strip", "--json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["query"] == "strip"
    assert [h["number"] for h in doc["results"]][0] == 3
    first = doc["results"][0]
    assert set(first) >= {"thread_id", "number", "author", "created_at", "snippet", "highlights", "score"}
    start, end = first["highlights"][0]
    assert first["snippet"][start:end].lower() in {"security", "strip"}
    r = acli("search", "Varga", "--author", "rowan ashgrove")
    assert r.exit_code == 0
    assert "typepad:alpha  #5  rowan ashgrove  2025-12-30 14:00:00 UTC" in r.stdout
    assert "Varga says" in r.stdout
    r = acli("search", "nothingmatchesthis")
    assert r.exit_code == 0 and "No comments match" in r.stdout


@pytest.mark.parametrize("args, message", [
    (["search", "strip AND"], "search 'strip AND': the query ends too early"),
    (["search", "strip", "--since", "soon"], "--since 'soon': not a date"),
    (["search", "strip", "--thread", "nope"], "--thread 'nope': no such thread"),
])
def test_cli_errors_are_one_line(acli, db, args, message):
    with Store(db) as s:
        s.ingest(make_thread("typepad:alpha", ALPHA))
    r = acli(*args)
    assert r.exit_code == 1
    assert r.stderr.startswith(f"threadpress: error: {message}")
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr


def test_cli_search_without_an_archive(acli):
    r = acli("search", "strip")
    assert r.exit_code == 1 and "no archive yet" in r.stderr


def test_common_word_end_to_end_with_small_thresholds(tmp_path, monkeypatch):
    """The real estimate (counting in the newest SAMPLE comments) picks the window and sizes it."""
    s = Store(tmp_path / "c.db")
    rows = [(f"P{i % 7}", f"the people {'talk ' * (i % 5)}of item{i}") for i in range(600)]
    s.ingest(make_thread("typepad:common", rows))
    monkeypatch.setattr(search_mod, "SAMPLE", 100)
    monkeypatch.setattr(search_mod, "WINDOW_ABOVE", 200)
    monkeypatch.setattr(search_mod, "WINDOW", 50)
    r = search(s, "people", limit=100)
    assert r.window == 50  # 600 matches estimated: the newest 50 comments hold 50 of them
    assert sorted(h.number for h in r.hits) == list(range(551, 601))
    # A rarer word is ranked over the whole archive.
    r = search(s, "item7")
    assert r.window is None and [h.number for h in r.hits] == [8]
    s.close()
