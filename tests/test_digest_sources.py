"""`digest --author` on threads from other platforms: the same rule, each platform's attribution."""

from __future__ import annotations

import re

from conftest import FIXTURES


def digest(cli, fixture: str, author: str, *extra: str) -> str:
    r = cli("digest", str(FIXTURES / fixture), "--author", author, "--format", "text", *extra)
    assert r.exit_code == 0, r.stderr
    return r.stdout


def attributions(out: str) -> list[str]:
    return re.findall(r"^(?:> )?(Posted by: .+|— .+)$", out, re.M)


def test_wordpress_export(cli):
    out = digest(cli, "wordpress/export.xml", "Hedda Lindqvist")
    lines = attributions(out)
    # Hedda answers Dana (#1): Dana's comment comes first, quoted, then Hedda's.
    assert [l.split(" | ")[0] for l in lines] == ["Posted by: Dana", "Posted by: Hedda Lindqvist"]
    assert lines[1].endswith("| #2") and re.search(r"\| \d{4}-\d\d-\d\d \d\d:\d\d UTC \|", lines[1])
    assert out.index("Are you counting at the fish ladder") < out.index("Both, Dana.")


def test_reddit_thread(cli):
    out = digest(cli, "reddit/thread.json", "quiet_lark", "--replies")
    names = [l.split(" | ")[0].removeprefix("Posted by: ") for l in attributions(out)]
    # #1 by quiet_lark, its reply #4 (Märta_Ö); #6 answers #4 (already shown), then its reply #7.
    assert names == ["quiet_lark", "Märta_Ö", "quiet_lark", "東京の電車"]


def test_discourse_topic(cli):
    out = digest(cli, "discourse/topic.json", "ines")
    numbers = [int(l.rsplit("#", 1)[1]) for l in attributions(out)]
    # ines: #1; #5 answers deleted #3 (kept as a tombstone) and quotes #2; #9 answers #7.
    assert numbers == [1, 2, 3, 5, 7, 9]
    assert "[comment deleted]" in out


def test_transcript_speaker(cli):
    out = digest(cli, "transcript/press.txt", "Ana Kovač")
    speakers = [l.removeprefix("— ") for l in attributions(out)]
    assert speakers == ["Question", "Ana Kovač", "Ana Kovač", "Question", "Ana Kovač",
                        "Pieter de Vries", "Ana Kovač", "Question", "Ana Kovač"]
    assert out.index("fishing quotas?") < out.index("Not yet. We agreed on a framework")
