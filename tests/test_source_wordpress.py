"""WordPress: WXR export, REST comments JSON, rendered Walker_Comment lists (html5 and xhtml)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fuzzing import CUTS, FLIPS, FUZZ, comments_or_one_line_error, cut_and_flip
from threadpress.errors import InputError
from threadpress.model import Thread
from threadpress.sources import detect
from threadpress.sources.base import Document
from threadpress.sources.blog_common import autop, parse_display_time
from threadpress.sources.wordpress import SOURCE

FIX = Path(__file__).parent / "fixtures" / "wordpress"
FILES = ("export.xml", "comments.json", "html5.html", "xhtml.html")


def doc(name: str, **extra) -> Document:
    return Document((FIX / name).read_bytes(), name, extra=extra)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def edges(thread: Thread) -> dict[str, list[tuple[str, str, float]]]:
    return {c.id: [(e.target_id, e.how, e.confidence) for e in c.parents] for c in thread.comments}


@pytest.mark.parametrize("name", FILES)
def test_autodetect_picks_wordpress(name):
    assert detect(doc(name)).name == "wordpress"


# --- WXR ---------------------------------------------------------------------------------------


def test_wxr_picks_the_post_with_most_comments_and_lists_the_others():
    t = SOURCE.parse(doc("export.xml"))
    assert t.id == "wordpress:rivernotes.example.org:7"
    assert t.title == "Weirs, salmon & the spring flood"
    assert t.url == "https://rivernotes.example.org/2024/03/weirs-salmon-spring-flood/"
    assert t.author == "Hedda Lindqvist"  # login mapped to the display name
    assert t.published_at == utc(2024, 3, 1, 8, 30)
    assert t.body_html == "<p>The weir at Kvarnbacken came out last autumn.</p>\n<p>This spring we count fish.<br>\nTwice a day.</p>"
    assert t.meta["other_posts"] == ["12"]
    assert t.meta["pingbacks"] == 1 and t.meta["missing"] == 1 and t.meta["pending"] == ["48"]


def test_wxr_comments_parents_times_and_statuses():
    t = SOURCE.parse(doc("export.xml"))
    assert [c.id for c in t.comments] == ["41", "43", "44", "45", "46", "40", "47", "48"]
    assert [c.number for c in t.comments] == list(range(1, 9))
    assert edges(t) == {
        "41": [], "43": [("41", "platform", 1.0)], "44": [("43", "platform", 1.0)], "45": [],
        "46": [("45", "platform", 1.0)], "40": [], "47": [("40", "platform", 1.0)], "48": [],
    }
    c = t.by_id()
    assert c["43"].parents[0].evidence == "wp:comment_parent=41"
    assert c["41"].created_at == utc(2024, 3, 1, 12) and c["41"].tz == "naive_utc"
    assert c["41"].created_raw == "2024-03-01 12:00:00"
    # 0000-00-00 GMT date: fall back to the local date, zone assumed
    assert c["48"].created_at == utc(2024, 3, 2, 10, 30) and c["48"].tz == "assumed"
    assert c["45"].status == "deleted" and c["45"].html == "" and c["45"].text == ""
    assert c["40"].status == "removed" and c["40"].created_at is None  # spam left out of the export
    assert c["43"].author_id == "1" and c["41"].author_id is None
    assert c["47"].author_url == "https://priya.example.com/"
    assert c["44"].author == "Jörg Åberg"
    assert c["41"].permalink == "https://rivernotes.example.org/2024/03/weirs-salmon-spring-flood/#comment-41"
    assert all(cm.status == "ok" for cm in t.comments if cm.id not in ("45", "40"))


def test_wxr_content_gets_paragraphs_and_is_sanitized():
    c = SOURCE.parse(doc("export.xml")).by_id()
    assert c["41"].html == (
        "<p>Are you counting at the fish ladder or below it?</p>\n"
        '<p>Second question: is the <a href="https://example.net/counts" rel="nofollow noopener noreferrer">'
        "2023 count</a> online?<br>\nI could not find it.</p>"
    )
    assert c["41"].text == (
        "Are you counting at the fish ladder or below it?\n\n"
        "Second question: is the 2023 count online?\nI could not find it."
    )
    assert "<blockquote>\n<p>The counter sits below the old weir line.</p>\n</blockquote>" in c["44"].html
    assert "🐟" in c["44"].text


def test_wxr_drops_pii():
    t = SOURCE.parse(doc("export.xml"))
    blob = repr(t)
    assert "dana@example.net" not in blob and "198.51.100.7" not in blob


@pytest.mark.parametrize("wanted", ["12", 12, "eels", "https://rivernotes.example.org/2024/03/eels/"])
def test_wxr_named_post(wanted):
    t = SOURCE.parse(doc("export.xml", post=wanted))
    assert t.id == "wordpress:rivernotes.example.org:12"
    assert edges(t) == {"60": [], "61": [("60", "platform", 1.0)]}
    assert t.meta["other_posts"] == ["7"]
    assert t.body_html == "<p>Eels, briefly.</p>"


def test_wxr_unknown_post_is_an_input_error():
    with pytest.raises(InputError, match=r"export\.xml: no post 'nope'"):
        SOURCE.parse(doc("export.xml", post="nope"))


def test_wxr_truncated_is_one_line_input_error():
    data = (FIX / "export.xml").read_bytes()[:3000]
    with pytest.raises(InputError, match=r"^cut\.xml: not a well-formed WordPress export") as exc:
        SOURCE.parse(Document(data, "cut.xml"))
    assert "\n" not in str(exc.value)


def test_wxr_does_not_resolve_external_entities(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    data = f"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY x SYSTEM "file://{secret}">]>
<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><item><title>t</title><wp:post_id>1</wp:post_id>
<wp:comment><wp:comment_id>1</wp:comment_id><wp:comment_author>a</wp:comment_author>
<wp:comment_content>before &x; after</wp:comment_content><wp:comment_parent>0</wp:comment_parent>
</wp:comment></item></channel></rss>""".encode()
    t = SOURCE.parse(Document(data, "xxe.xml"))
    assert "TOP-SECRET" not in t.comments[0].text
    assert t.comments[0].text.startswith("before")


def test_wxr_with_raw_control_characters_still_parses():
    data = (FIX / "export.xml").read_bytes().replace(
        b"I could not find it.", b"I could not\x0b find it.\x1b")
    t = SOURCE.parse(Document(data, "ctl.xml"))
    assert t.by_id()["41"].text.endswith("I could not find it.")


def test_wxr_without_comments():
    data = b"""<?xml version="1.0"?><rss xmlns:wp="http://wordpress.org/export/1.2/"><channel>
    <item><title>t</title><wp:post_id>1</wp:post_id></item></channel></rss>"""
    with pytest.raises(InputError, match="no post in this WordPress export has comments"):
        SOURCE.parse(Document(data, "empty.xml"))


# --- REST --------------------------------------------------------------------------------------


def test_rest_comments():
    t = SOURCE.parse(doc("comments.json"))
    assert t.id == "wordpress:bridges.example.net:88"
    assert t.url == "https://bridges.example.net/2024/07/new-bridge/"
    assert t.meta["other_posts"] == ["90"] and t.meta["missing"] == 1
    assert [c.id for c in t.comments] == ["212", "214", "215", "219", "216", "220"]
    assert edges(t) == {
        "212": [], "214": [], "215": [("212", "platform", 1.0)], "219": [("215", "platform", 1.0)],
        "216": [], "220": [("216", "platform", 1.0)],
    }
    c = t.by_id()
    assert c["212"].created_at == utc(2024, 7, 14, 19, 40) and c["212"].tz == "naive_utc"
    assert c["215"].html == "<p>Yes – twice. The ford is under a car park now.</p>"  # script gone
    assert c["215"].author_id == "3"
    assert c["214"].text == "Lovely photos. 橋 means bridge, by the way."
    assert c["216"].status == "removed"
    assert c["219"].permalink.endswith("/comment-page-2/#comment-219")


def test_rest_named_post_and_bad_json():
    assert [c.id for c in SOURCE.parse(doc("comments.json", post=90)).comments] == ["301"]
    with pytest.raises(InputError, match="bad.json: not valid JSON"):
        SOURCE.parse(Document(b'[{"id": 1, "author_name": "x", "date_gmt"', "bad.json"))
    with pytest.raises(InputError, match="no WordPress comments"):
        SOURCE.parse(Document(b'[{"nothing": 1}]', "other.json"))


# --- rendered pages ----------------------------------------------------------------------------


def test_html5_nesting_times_and_moderation():
    t = SOURCE.parse(doc("html5.html"))
    assert t.id == "wordpress:raildiary.example.com:310"
    assert t.title == "Night trains are back" and t.author == "Ana Popescu"
    assert t.published_at == utc(2024, 5, 10, 6)
    assert t.body_html == "<p>The Vienna sleeper runs again <strong>three times a week</strong>.</p>"
    assert [c.id for c in t.comments] == ["501", "502", "503", "504", "505"]  # the pingback is dropped
    assert t.meta["pingbacks"] == 1 and t.meta["pending"] == ["504"]
    assert edges(t) == {
        "501": [], "502": [("501", "nesting", 1.0)], "503": [("502", "nesting", 1.0)], "504": [],
        "505": [("502", "nesting", 0.5)],
    }
    c = t.by_id()
    assert c["501"].author == "Lukas" and c["501"].author_url == "https://lukas.example.org"
    assert c["501"].created_at == utc(2024, 5, 10, 7, 15) and c["501"].tz == "explicit"
    assert c["504"].created_at == utc(2024, 5, 11, 2) and c["504"].author == "Guest & Friend"
    assert c["504"].html == "<p>Is there a dining car?</p>"  # tracking image and handler gone
    assert c["502"].text == "Sleeper, if you can get one. The couchettes are loud."
    assert c["501"].permalink == "https://raildiary.example.com/2024/05/night-trains/#comment-501"


def test_html5_flattened_reply_keeps_its_cues():
    c = SOURCE.parse(doc("html5.html")).by_id()
    assert {"kind": "depth", "depth": 3, "at_max_depth": True} in c["505"].cues
    assert {"kind": "link", "target": "503", "text": "@Lukas"} in c["505"].cues
    assert "flattened" in c["505"].parents[0].evidence
    assert c["505"].text == "@Lukas take earplugs anyway."
    assert {"kind": "depth", "depth": 1, "at_max_depth": False} in c["501"].cues


def test_html5_next_pages():
    assert SOURCE.next_pages(doc("html5.html")) == [
        "https://raildiary.example.com/2024/05/night-trains/comment-page-1/"
    ]


def test_xhtml_walker_li_comment_ids_and_display_times():
    t = SOURCE.parse(doc("xhtml.html"))
    assert t.id == "wordpress:brotzeit.example.de:57"
    assert t.url == "http://brotzeit.example.de/2011/09/sourdough-week-three/"
    assert edges(t) == {"71": [], "72": [("71", "nesting", 1.0)], "73": []}
    c = t.by_id()
    assert c["71"].author == "Bäcker Max" and c["71"].author_url == "http://baker.example.de"
    assert c["71"].html == "<p>Apples is good. Vinegar is bad.</p>\n<p>Feed it rye for a week.</p>"
    assert c["71"].created_at == utc(2011, 9, 3, 20, 14) and c["71"].tz == "assumed"
    assert c["71"].created_raw == "September 3, 2011 at 8:14 pm"
    assert c["73"].created_at == utc(2011, 9, 12, 11, 30)  # de-DE page: 12/09 is day first
    assert c["73"].text == "Mine smells of nail varnish.\nIs that bad?"


def test_truncated_page_is_an_input_error():
    data = (FIX / "html5.html").read_bytes()[:4000]
    with pytest.raises(InputError, match="truncated HTML"):
        SOURCE.parse(Document(data, "cut.html"))


# --- helpers -----------------------------------------------------------------------------------


def test_autop():
    assert autop("one\n\ntwo\nthree") == "<p>one</p>\n<p>two<br>\nthree</p>"
    assert autop("a\n<blockquote>q1\n\nq2</blockquote>\nb") == (
        "<p>a</p>\n<blockquote>\n<p>q1</p>\n<p>q2</p>\n</blockquote>\n<p>b</p>"
    )
    assert autop("<pre>x\n\n  y</pre>") == "<pre>x\n\n  y</pre>"
    assert autop("<ul>\n<li>a</li>\n<li>b</li>\n</ul>") == "<ul>\n<li>a</li>\n<li>b</li>\n</ul>"
    assert autop("<p>already</p>") == "<p>already</p>"
    assert autop("  \n ") == ""


@pytest.mark.parametrize("text, expected", [
    ("March 1, 2024 at 1:00 pm", utc(2024, 3, 1, 13)),
    ("1 March 2024 at 13:05", utc(2024, 3, 1, 13, 5)),
    ("2024-03-01 13:00", utc(2024, 3, 1, 13)),
    ("January 14, 2009 at 12:07 AM", utc(2009, 1, 14, 0, 7)),
    ("02/13/2025 8:30 PM", utc(2025, 2, 13, 20, 30)),
    ("no date here", None),
    ("February 30, 2024", None),
])
def test_parse_display_time(text, expected):
    assert parse_display_time(text) == expected


# --- robustness --------------------------------------------------------------------------------

BLOBS = [(FIX / n).read_bytes() for n in FILES]


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes(data):
    comments_or_one_line_error(SOURCE, data)


@FUZZ
@given(st.sampled_from(BLOBS), CUTS, FLIPS)
def test_mutated_fixtures(blob, cut, flips):
    comments_or_one_line_error(SOURCE, cut_and_flip(blob, cut, flips))
