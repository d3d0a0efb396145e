"""Thread statistics and the author report, checked against the bundled example's recorded reply edges.

examples/moa/truth.json records every reply edge of the fictional thread with its form. The resolver
finds the explicit ones (address, stale address, number, mention, quote); the implicit ones have no
cue in the text. So the expected numbers below are computed from the truth's explicit edges, with
self-replies left out as `stats` does, and must match exactly.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections import Counter, defaultdict
from datetime import datetime

import pytest
from conftest import EXAMPLE, ROOT
from moa_text import moa_text

from threadpress.analytics import source_posts, thread_stats
from threadpress.cli import main
from threadpress.cli.analyze import COMMANDS
from threadpress.errors import NotFound
from threadpress.load import parse_bytes

TRUTH = json.loads((EXAMPLE / "truth.json").read_text(encoding="utf-8"))
AUTHOR = TRUTH["main_author"]
AUTHOR_OF = {c["number"]: c["author"] for c in TRUTH["comments"]}
TIME_OF = {c["number"]: datetime.fromisoformat(c["created_at"].replace("Z", "+00:00")) for c in TRUTH["comments"]}
EDGES = [e for e in TRUTH["edges"] if e["explicit"] and AUTHOR_OF[e["source"]] != AUTHOR_OF[e["target"]]]
REPLIES: dict[int, list[int]] = defaultdict(list)
for _e in EDGES:
    REPLIES[_e["target"]].append(_e["source"])
QUOTED = {e["target"] for e in EDGES if e["form"] == "quote"}
MINE = [c["number"] for c in TRUTH["comments"] if c["author"] == AUTHOR]


def _generator_sources() -> list[str]:
    """The first quoted paragraph of each outside source the generator can post, as plain text."""
    spec = importlib.util.spec_from_file_location("generate_moa", ROOT / "examples" / "generate_moa.py")
    gen = importlib.util.module_from_spec(spec)
    sys.modules["generate_moa"] = gen  # dataclasses look their module up
    try:
        spec.loader.exec_module(gen)
    finally:
        sys.modules.pop("generate_moa", None)
    return [gen.to_text(s["quote"][0])[:80] for s in gen.SOURCES]


@pytest.fixture(scope="module")
def html_thread():
    return parse_bytes((EXAMPLE / "thread.html").read_bytes(), name="thread.html")


@pytest.fixture(scope="module")
def stats(html_thread):
    return thread_stats(html_thread, author="rowan ashgrove")


def test_the_authors_comments_replies_and_first_reply_times(stats):
    assert stats.author == AUTHOR
    assert [c.number for c in stats.comments] == MINE
    for c in stats.comments:
        assert sorted(r.number for r in c.replies) == sorted(REPLIES[c.number]), c.number
        assert [r.author for r in c.replies] == [AUTHOR_OF[r.number] for r in c.replies]
        expected_first = min((int((TIME_OF[s] - TIME_OF[c.number]).total_seconds()) for s in REPLIES[c.number]),
                             default=None)
        assert c.first_reply_after_s == expected_first, c.number
        assert bool(c.quoted_by) == (c.number in QUOTED), c.number
    assert stats.unanswered == [n for n in MINE if not REPLIES[n]]
    # The example is built so that the main character gets replies, but not to everything.
    assert sum(len(REPLIES[n]) for n in MINE) > 20 and stats.unanswered


def test_source_posts_match_the_generators_quoted_sources(html_thread, stats):
    starts = _generator_sources()
    expected = set()
    for start in starts:
        carriers = sorted(c.number for c in html_thread.comments if start in c.text)
        if carriers:
            expected.add(carriers[0])  # later carriers quote the first one
    found = {html_thread.by_id()[i].number for i in source_posts(html_thread)}
    assert found == expected and len(expected) >= 6
    assert {c.number for c in stats.comments if c.quotes_source} == expected & set(MINE)
    e = stats.engagement
    src = [n for n in MINE if n in expected]
    other = [n for n in MINE if n not in expected]
    assert (e.source_posts, e.other_posts) == (len(src), len(other))
    assert e.source_replies == sum(len(REPLIES[n]) for n in src)
    assert e.other_replies == sum(len(REPLIES[n]) for n in other)
    assert e.source_mean == round(e.source_replies / e.source_posts, 2)


def test_copied_text_finds_speaker_labelled_sources_only_where_they_are(html_thread):
    text_thread = parse_bytes((EXAMPLE / "thread.txt").read_bytes(), name="thread.txt")
    from_text = {text_thread.by_id()[i].number for i in source_posts(text_thread)}
    from_html = {html_thread.by_id()[i].number for i in source_posts(html_thread)}
    assert from_text and from_text <= from_html


def test_participants_most_answered_and_who_answers_whom(stats):
    counts = Counter(AUTHOR_OF.values())
    assert dict(stats.participants) == dict(counts)
    assert stats.participants[0] == counts.most_common(1)[0]
    assert [n for _, n in stats.participants] == sorted((n for _, n in stats.participants), reverse=True)
    for c in stats.most_answered:
        assert len(c.replies) == len(REPLIES[c.number])
    assert len(stats.most_answered[0].replies) == max(len(v) for v in REPLIES.values())
    pairs = Counter((AUTHOR_OF[e["source"]], AUTHOR_OF[e["target"]]) for e in EDGES)
    for a, b, n in stats.pairs:
        assert pairs[(a, b)] == n
    assert stats.pairs[0][2] == max(pairs.values())


def test_without_an_author_every_comment_is_reported(html_thread):
    st = thread_stats(html_thread)
    assert st.author is None and len(st.comments) == len(TRUTH["comments"])
    assert sum(len(c.replies) for c in st.comments) == len(EDGES)


def test_min_confidence_drops_weaker_edges(html_thread):
    strict = thread_stats(html_thread, author=AUTHOR, min_confidence=0.95)
    normal = thread_stats(html_thread, author=AUTHOR)
    by_id = html_thread.by_id()
    weak = [e for c in html_thread.comments for e in c.parents
            if 0.5 <= e.confidence < 0.95 and by_id[e.target_id].author == AUTHOR and c.author != AUTHOR]
    assert weak and "mention" in {e.how for e in weak}
    assert sum(len(c.replies) for c in strict.comments) == sum(len(c.replies) for c in normal.comments) - len(weak)


def test_unknown_author_names_the_nearest(html_thread):
    with pytest.raises(NotFound, match="nearest: Rowan Ashgrove"):
        thread_stats(html_thread, author="Rowan Ashgrve")


# -- the commands ----------------------------------------------------------------------------------------

@pytest.fixture
def acli(cli, monkeypatch):
    """The CLI with this module's commands (set for the test only, whether or not main registers them)."""
    for command in COMMANDS:
        monkeypatch.setitem(main.commands, command.name, command)
    return cli


def test_stats_json_contract_on_a_file_and_on_a_stored_thread(acli):
    r = acli("stats", str(EXAMPLE / "thread.html"), "--author", AUTHOR, "--json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["author"] == AUTHOR
    assert doc["unanswered"] == [n for n in MINE if not REPLIES[n]]
    first = doc["comments"][0]
    assert set(first) >= {"number", "replies", "first_reply_after_s", "quotes_source", "quoted"}
    assert {c["number"]: sorted(c["replies"]) for c in doc["comments"]} == {n: sorted(REPLIES[n]) for n in MINE}
    assert set(doc["source_engagement"]) >= {"source_posts", "source_replies", "other_posts", "other_replies"}
    # The same thread from the archive, named by a prefix of its id.
    assert acli("ingest", str(EXAMPLE / "thread.html")).exit_code == 0
    tid = json.loads(acli("threads", "--json").stdout)[0]["id"]
    r2 = acli("stats", tid.split(":")[1][:8], "--author", AUTHOR, "--json")
    assert r2.exit_code == 0, r2.output
    assert json.loads(r2.stdout)["comments"] == doc["comments"]


def test_stats_text_report(acli):
    r = acli("stats", str(EXAMPLE / "thread.html"), "--author", AUTHOR)
    assert r.exit_code == 0, r.output
    replies = sum(len(REPLIES[n]) for n in MINE)
    assert f"{AUTHOR}: {len(MINE)} comments, {replies} replies" in r.stdout
    assert "Who answers whom" in r.stdout and "Source posts" in r.stdout


def test_stats_bad_author_is_one_line(acli):
    r = acli("stats", str(EXAMPLE / "thread.html"), "--author", "Nobody At All")
    assert r.exit_code == 1
    assert r.stderr.startswith("threadpress: error: --author 'Nobody At All'") and r.stderr.count("\n") == 1


def test_author_across_threads(acli, tmp_path):
    other = tmp_path / "other.txt"
    other.write_text(moa_text([
        (AUTHOR, "Varga's statement is worth reading in full."),
        ("Sable", "{f1}\nThanks, that is useful."),
        ("Mina_77", "@1 Agreed."),
        (AUTHOR, "Another one, nobody answers this."),
    ], title="Another thread"), encoding="utf-8")
    assert acli("ingest", str(EXAMPLE / "thread.html"), str(other)).exit_code == 0
    r = acli("author", "ROWAN ASHGROVE", "--json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["author"] == AUTHOR
    assert len(doc["threads"]) == 2
    assert doc["comments"] == len(MINE) + 2
    example_replies = sum(len(REPLIES[n]) for n in MINE)
    assert doc["replies"] == example_replies + 2
    assert sorted(t["replies"] for t in doc["threads"]) == sorted([example_replies, 2])
    assert sum(p["replies"] for p in doc["timeline"]) == doc["replies"]
    assert sum(p["comments"] for p in doc["timeline"]) == doc["comments"]
    truth_repliers = Counter(AUTHOR_OF[s] for n in MINE for s in REPLIES[n])
    truth_repliers.update(["Sable", "Mina_77"])
    assert doc["repliers"][0] == {"author": truth_repliers.most_common(1)[0][0],
                                  "replies": truth_repliers.most_common(1)[0][1]}
    assert doc["unanswered"] == len([n for n in MINE if not REPLIES[n]]) + 1
    text = acli("author", AUTHOR)
    assert text.exit_code == 0 and "Who answers most" in text.stdout
    bad = acli("author", "Rowan Ashgrov")
    assert bad.exit_code == 1 and "nearest: Rowan Ashgrove" in bad.stderr
