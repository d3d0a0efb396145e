"""The fast paths of the Typepad parser give what the general ones give.

Parsing a 1,000-comment page is benchmarked (bench/bench_parse.py), so the per-comment work has
shortcuts: the lexbor tree built from the input bytes when they are UTF-8, which are then checked
without being decoded whole, a footer read from its inner HTML in one match, a footer fast path with
a cache of days, comment anchors matched without re.I, quoted footers dropped while the comments are
made, comment objects built without the dataclass __init__, the post's byline looked for in the
first candidate before all of them. Each test here sets a shortcut against the general way.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest

from threadpress.errors import InputError
from threadpress.model import Comment, LazyBodyComment, thread_to_dict
from threadpress.sanitize import normalize_space
from threadpress.sources import base as base_mod
from threadpress.sources import footer as footer_mod
from threadpress.sources import typepad as typepad_mod
from threadpress.sources.base import Document
from threadpress.sources.footer import FOOTER, parse_footer, real_footers
from threadpress.sources.typepad import SOURCE, _fragment_id, _wrapper_id
from threadpress.times import from_moa


def comment_div(xid: str, name: str, when: str, n: int, body: str = "", *, footer_class: str = "comment-footer",
                author_url: str | None = None) -> str:
    who = f'<a rel="nofollow" href="{author_url}">{name}</a>' if author_url else name
    return (
        f'<a id="c{xid}"></a>\n<div class="comment" id="comment-{xid}">\n'
        f'<div class="comment-content"><p>{body or f"Comment {n} by {name}."}</p></div>\n'
        f'<p class="{footer_class}">Posted by: {who} | '
        f'<a href="https://blog.example.org/2025/12/post.html#c{xid}">{when}</a> | {n}</p>\n</div>\n'
    )


POSTED = ('<p class="posted">Posted by b on December 29, 2025 at 12:51 PM | '
          '<a href="https://blog.example.org/2025/12/post.html">Permalink</a></p>')


def page(comments: str, *, posted: str = POSTED) -> str:
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>A post | Blog</title></head><body>\n'
        '<div class="entry"><h3 class="entry-header">A post</h3>\n'
        f'<div class="entry-body"><p>The post, by Jürgen.</p></div>\n{posted}</div>\n'
        f'<div class="comments-content">\n{comments}</div>\n</body></html>\n'
    )


XIDS = [f"6a00d8341c640e53ef{i:016x}" for i in range(1, 6)]
PAGE = page("".join([
    comment_div(XIDS[0], "Jürgen Weiß", "Dec 29 2025 13:00 utc", 1, author_url="https://example.com/jw/"),
    comment_div(XIDS[1], "Łukasz", "Dec 29 2025 13:05 utc", 2),
    comment_div(XIDS[2], "b", "Dec 30 2025 00:01 utc", 3, author_url="https://example.com/b/"),
]))


#: Links whose fragment may or may not name a comment.
FRAGMENT_HREFS = [
    "https://b.example/p.html#c6a00d8341c640e53ef45ffc55d6f8bb79d", "#C6A00D8341C640E53EF", "#Comment-12",
    "#COMMENT-6a00d834", "p.html#comment-", "p.html#c1234567", "p.html#c12", "a#b#cdeadbeef00", "a#cdeadbeef00#",
    "a#cdeadbeef00\n", "a#cdeadbeef00\n\n", "a#cdeadbeef00\r", "a#cdeadbeef00 ", "x#cdeadbeefz0",
    "/c6a00d8341c640e53ef", "#k6a00d8341c6", "#ç6a00d8341c6", "#c" + "a" * 65, "#c" + "a" * 64, "#comment-K",
    "#ﬀ12345678", "#comment-\u0661\u0662", "", "#",
]


def everything(data: bytes, *, url: str | None = None) -> dict:
    """All a parse gives: the --json document plus the fields it leaves out."""
    thread = SOURCE.parse(Document(data, "page.html", url=url))
    d = thread_to_dict(thread)
    d["extra"] = [(c.raw_html, c.cues, c.tz, c.created_raw) for c in thread.comments]
    d["post"] = (thread.body_html, thread.published_at)
    return d


# ------------------------------------------------------------------------------------------
# Input bytes to the parser
# ------------------------------------------------------------------------------------------

def test_utf8_bytes_are_handed_over_only_when_they_are_the_text():
    data = PAGE.encode("utf-8")
    assert Document(data, "p").utf8 is data
    assert Document(b"\xef\xbb\xbf" + data, "p").utf8 is None  # a byte order mark: not the text's bytes
    cp1252 = PAGE.replace("Ł", "L").encode("cp1252")
    assert Document(cp1252, "p").utf8 is None  # not UTF-8: decoded as cp1252
    assert Document(cp1252, "p").text == PAGE.replace("Ł", "L")


@pytest.mark.parametrize("data, message", [(b"  \n", "the input is empty"), (b"<p>\0\0</p>", "binary data")])
def test_utf8_checks_the_input_as_text_does(data, message):
    with pytest.raises(Exception, match=message):
        Document(data, "p").utf8  # noqa: B018


def test_same_thread_from_utf8_bom_and_cp1252_input():
    text = PAGE.replace("Ł", "L")  # cp1252 has no Ł
    want = everything(text.encode("utf-8"))
    assert everything(b"\xef\xbb\xbf" + text.encode("utf-8")) == want
    assert everything(text.encode("cp1252")) == want
    assert [c["author"] for c in want["comments"]] == ["Jürgen Weiß", "Lukasz", "b"]


def text_way(data: bytes) -> tuple:
    """What `Document` says about `data` the general way: decoding all of it first."""
    doc = Document(data, "p")
    try:
        doc.text  # noqa: B018
    except InputError as e:
        return ("refused", str(e))
    return (doc.truncated_html, doc.utf8 is data, doc.is_html)


def bytes_way(data: bytes) -> tuple:
    """The same, asked in the order a parse asks: the checks and the bytes, and only then the text."""
    doc = Document(data, "p")
    try:
        truncated = doc.truncated_html
        utf8 = doc.utf8 is data
    except InputError as e:
        return ("refused", str(e))
    decoded = "text" in doc.__dict__
    assert doc.text == data.decode("utf-8-sig" if utf8 or data.startswith(b"\xef\xbb\xbf") else "cp1252")
    return (truncated, utf8, doc.is_html), decoded


BIG = page("".join(comment_div(f"6a00d8341c640e53ef{i:016x}", "Łukasz", "Dec 29 2025 13:05 utc", i)
                   for i in range(1, 81))).encode()  # 40 kB: more than the 16,388 bytes decoded at each end
ASSORTED = ("a", "é", "文", "😀")  # characters of 1, 2, 3 and 4 bytes
C9 = "\x01\x02\x03\x04\x05\x06\x07\x08\x0b"  # nine control characters: binary within the first 4,096


@pytest.mark.parametrize("data", [
    # control characters just inside and just outside the first 4,096 characters
    *[(ch * k + C9).encode() + BIG for ch in ASSORTED for k in (4087, 4088)],
    # `</html>` just inside and just outside the last 4,096 characters
    *[BIG + (ch * k).encode() for ch in ASSORTED for k in (4088, 4089)],  # BIG ends in "</html>\n"
    *[BIG.rstrip() + (ch * 4089).encode() for ch in ASSORTED],  # `</html>` opens the last 4,096
    # the doctype within or beyond the first 512 characters
    *[(ch * k).encode() + b"\n" + BIG for ch in ("\u2003", "\u3000", " ") for k in (400, 600)],
    BIG.replace(b"</html>", b"</HTML>"), BIG[:-100], BIG.replace(b"<!DOCTYPE html>", b"<!doctype HTML>", 1),
    b"\xef\xbb\xbf" + BIG, BIG[:20000] + b"\0" + BIG[20000:], b"<html>\0" + BIG,
    b" \n" * 10000, b" " * 20000 + b"x",  # empty, and not
    BIG[:30000] + b"\xff" + BIG[30000:],  # not UTF-8: cp1252
    BIG[:-30] + b"\xc3" + BIG[-30:],  # not UTF-8, near the end
    BIG[:30000] + b"\x81\x8d" + BIG[30000:],  # neither
    BIG + b"\xe6\x96",  # cut inside the last character
    (C9 + "x").encode() * 2000,
])
def test_input_checks_on_the_bytes_give_what_the_text_gives(data):
    assert len(data) > 16388
    got = bytes_way(data)
    want = text_way(data)
    if want[0] == "refused":
        assert got == want
    else:
        assert got[0] == want
        # UTF-8 input is checked without decoding all of it; anything else is decoded as before
        assert got[1] is (not want[1])


def test_valid_utf8_pages_are_not_decoded_to_parse():
    doc = Document(BIG, "p")
    SOURCE.parse(doc)
    assert "text" not in doc.__dict__
    assert doc.text == BIG.decode()  # still there for whoever asks


def test_short_input_is_checked_through_the_text():
    doc = Document(PAGE.encode(), "p")
    assert doc.utf8 is not None and "text" in doc.__dict__  # 1.6 kB: decoding it all costs nothing


@pytest.mark.parametrize("insert", [
    b"", b"\xc3\xa9", b"\xe6\x96\x87", b"\xf0\x9f\x98\x80",  # characters across a piece boundary
    b"\xc3", b"\xe6\x96", b"\xf0\x9f\x98", b"\x80", b"\xff",  # cut or stray bytes at the boundary
    b"\xed\xa0\x80", b"\xc0\x80", b"\xf4\x90\x80\x80",  # a surrogate, an overlong form, beyond U+10FFFF
])
@pytest.mark.parametrize("at", [base_mod._UTF8_PIECE - 3, base_mod._UTF8_PIECE - 2, base_mod._UTF8_PIECE - 1,
                                base_mod._UTF8_PIECE, 3 * base_mod._UTF8_PIECE - 1])
def test_utf8_check_in_pieces_is_the_decoder(insert, at):
    data = b"a" * at + insert + b"b" * 100
    try:
        data.decode("utf-8")
        valid = True
    except UnicodeDecodeError:
        valid = False
    assert base_mod._is_utf8(data) is valid
    assert base_mod._is_utf8(data[:at + 1]) is (data[:at + 1].decode("utf-8", "ignore").encode() == data[:at + 1])


# ------------------------------------------------------------------------------------------
# Footers
# ------------------------------------------------------------------------------------------

def general_footer(text: str):
    """The general path of parse_footer (normalize, FOOTER, from_moa), with no shortcut."""
    m = FOOTER.match(normalize_space(text))
    assert m is not None
    when, tz = from_moa(m["date"])
    return m["name"].strip(), when, m["date"], tz, int(m["n"])


@pytest.mark.parametrize("text", [
    "Posted by: karlof1 | Dec 29 2025 18:50 utc | 83",
    "\n\tPosted by: Jürgen Weiß | Dec 29 2025 13:00 utc | 1\t",
    "Posted by:  Two  Spaces  |  Jan  5   2023   9:05  utc  |  7 ",
    "Posted by:\u00a0Hale, Marguerite\u00a0| Dec\u00a09 2025 18:50 utc |\u00a012",
    "Posted by: Line\nBreak | Feb 1 2026 00:01 utc | 205",
])
def test_fast_footer_path_equals_the_general_one(text):
    f = parse_footer(text)
    assert f is not None and footer_mod._MOA_FAST.match(text)  # it took the fast path
    assert tuple(f) == general_footer(text)
    assert type(f) is footer_mod.Footer and f.number == f[4]


def test_day_cache_keeps_results_and_rejects_what_is_not_a_month(monkeypatch):
    monkeypatch.setattr(footer_mod, "_DAYS", {})
    first = parse_footer("Posted by: a | Dec 29 2025 18:50 utc | 1")
    again = parse_footer("Posted by: b | Dec 29 2025 07:05 utc | 2")
    assert footer_mod._DAYS == {"Dec 29 2025": (2025, 12, 29, "Dec 29 2025")}
    assert first.created_at == datetime(2025, 12, 29, 18, 50, tzinfo=timezone.utc)
    assert again.created_at == datetime(2025, 12, 29, 7, 5, tzinfo=timezone.utc)
    assert parse_footer("Posted by: a | Dex 29 2025 18:50 utc | 1") is None
    assert footer_mod._DAYS["Dex 29 2025"] is None
    assert parse_footer("Posted by: a | Dex 29 2025 18:50 utc | 1") is None  # and from the cache
    assert parse_footer("Posted by: a | Feb 30 2025 18:50 utc | 1") is None  # no such day
    assert parse_footer("Posted by: a | Feb 28 2025 24:00 utc | 1") is None  # no such hour


def test_day_cache_is_bounded(monkeypatch):
    monkeypatch.setattr(footer_mod, "_DAYS", {})
    monkeypatch.setattr(footer_mod, "_DAYS_MAX", 3)
    for day in range(1, 8):
        assert parse_footer(f"Posted by: a | Jan {day} 2026 10:00 utc | 1").created_at.day == day
        assert len(footer_mod._DAYS) <= 3


def test_quoted_footers_are_dropped_as_real_footers_drops_them():
    quote = '<p class="comment-footer">Posted by: Jürgen Weiß | Dec 29 2025 13:00 utc | 1</p>'
    html = page("".join([
        comment_div(XIDS[0], "Jürgen Weiß", "Dec 29 2025 13:00 utc", 1),
        comment_div(XIDS[1], "Łukasz", "Dec 29 2025 13:05 utc", 2),
        comment_div(XIDS[2], "c", "Dec 29 2025 13:10 utc", 3, body=f"As he said:</p>{quote}<p>Quite."),
        comment_div(XIDS[3], "d", "Dec 29 2025 13:20 utc", 4),
    ]))
    thread = SOURCE.parse(Document(html.encode(), "p"))
    assert [(c.number, c.author, c.id) for c in thread.comments] == [
        (1, "Jürgen Weiß", XIDS[0]), (2, "Łukasz", XIDS[1]), (3, "c", XIDS[2]), (4, "d", XIDS[3])]
    # The same as real_footers over every footer found.
    from selectolax.lexbor import LexborHTMLParser

    found = [(n.mem_id, f) for n in LexborHTMLParser(html).css(".comment-footer")
             if (f := parse_footer(n.text(deep=True)))]
    assert len(found) == 5
    assert [f.number for _, f in real_footers(found)] == [c.number for c in thread.comments]


def test_footers_without_ordinals_are_numbered_in_document_order():
    html = page("".join(
        comment_div(x, name, when, 0).replace(" | 0</p>", "</p>")
        for x, name, when in [(XIDS[0], "Bob", "Thursday, 01 December 2005 at 01:09 PM"),
                              (XIDS[1], "Carol", "Thursday, 01 December 2005 at 03:30 PM")]))
    thread = SOURCE.parse(Document(html.encode(), "p"))
    assert [(c.number, c.author, c.tz) for c in thread.comments] == [(1, "Bob", "assumed"), (2, "Carol", "assumed")]


# The footers' inner HTML as lexbor writes it back is read in one match (typepad._FOOTER_HTML); each
# variant below is set against the general way (the pattern switched off), which reads the text and
# the links from the tree. Most variants must still take the one-match way, the rest must not.
PERMA = "https://blog.example.org/2025/12/post.html#c"
FOOTER_VARIANTS = [
    # (inner HTML of p.comment-footer with {n} for the ordinal, whether it is read in one match)
    ('Posted by: <a rel="nofollow" href="https://a.example/">Ann</a> | <a href="%s{x}">Dec 29 2025 13:00 utc</a> | {n}', True),
    ('\n\tPosted by: Bob | <a href="%s{x}">Dec 29 2025 13:01 utc</a> | {n}\t', True),
    ('Posted by:<a rel="nofollow" href="https://a.example/">  Ann  Lee \n</a>|<a href="%s{x}">Jan  5 2026  9:05  utc</a>|{n}', True),
    ('Posted by:   Bob   Jones   \n | <a href="%s{x}">Dec 29 2025 13:02 utc</a>   |   {n}  ', True),
    ('Posted by: <a rel="nofollow" href="https://a.example/">\u2003Ann\u2003</a> | <a href="%s{x}">Dec 29 2025 13:03 utc</a> | {n}', True),
    ('Posted by: <a rel="nofollow" href="https://a.example/">Ann "the" Lee</a> | <a href="%s{x}">Dec 29 2025 13:04 utc</a> | {n}', True),
    ('Posted by: <a rel="ugc nofollow" href="">Ann</a> | <a href="%s{x}">Dec 29 2025 13:05 utc</a> | {n}', True),
    ('Posted by: <a rel="nofollow" href="https://a.example/#c6a00d8341c640e53ef00000000000000ff">Ann</a> | <a href="%s{x}">Dec 29 2025 13:06 utc</a> | {n}', True),
    ('Posted by: <a rel="nofollow" href="https://a.example/#">Ann</a> | <a href="#c{x}">Dec 29 2025 13:07 utc</a> | {n}', True),
    ('Posted by: <a href="https://a.example/">Dec 29 2025 13:08 utc</a> | <a href="%s{x}">Dec 29 2025 13:08 utc</a> | {n}', True),
    ('Posted by: Bob | <a href="%s{x}\n">Dec 29 2025 13:09 utc</a> | {n}', True),
    ('Posted by: Bob | <a href="%s{x}\n\n">Dec 29 2025 13:10 utc</a> | {n}', True),
    ('Posted by: Bob | <a href="%s{x}#top">Dec 29 2025 13:11 utc</a> | {n}', True),
    ('Posted by: Bob | <a href="https://b.example/#x#c{x}">Dec 29 2025 13:12 utc</a> | {n}', True),
    ('Posted by: Bob | <a href="https://b.example/#COMMENT-{n}">Dec 29 2025 13:13 utc</a> | {n}', True),
    ('Posted by: Bob | <a href="https://b.example/#c1234567">Dec 29 2025 13:14 utc</a> | {n}', True),
    ('Posted by: Bob | <a href="https://b.example/#comment-\u0661\u0662">Dec 29 2025 13:15 utc</a> | {n}', True),
    ('Posted by: Bob | <a href="https://b.example/">Dec 29 2025 13:16 utc</a> | {n}', True),
    ('Posted by: Bob | <a href="%s{x}">Feb 30 2025 13:17 utc</a> | {n}', True),
    ('Posted by: Bob | <a href="%s{x}">Dec 29 2025 24:18 utc</a> | {n}', True),
    ('Posted by: Bob | <a href="%s{x}">Dec 29 2025 13:60 utc</a> | {n}', True),
    ('Posted by: Bob | <a href="%s{x}">Dex 29 2025 13:19 utc</a> | {n}', False),
    ('Posted by: Bob | <a href="%s{x}">Dec 29 2025 13:20 utc</a> | 00{n}', True),
    ('Posted by: Bob | <a href="%s{x}">Dec 29 2025 13:21 utc</a> | 1234567', False),
    ('Posted by: Bob | <a href="%s{x}">Dec 29 2025 13:22 utc</a> | 1', True),  # a quoted footer: dropped
    ('Posted by: <a rel="nofollow" href="https://a.example/">Ann | Lee</a> | <a href="%s{x}">Dec 29 2025 13:23 utc</a> | {n}', False),
    ('Posted by: <a rel="nofollow" href="https://a.example/">   </a> | <a href="%s{x}">Dec 29 2025 13:24 utc</a> | {n}', False),
    ('Posted by: <a rel="nofollow" href="https://a.example/">Pat &amp; Mike</a> | <a href="%s{x}">Dec 29 2025 13:25 utc</a> | {n}', False),
    ('Posted by:&nbsp;Bob | <a href="%s{x}">Dec 29 2025 13:26 utc</a> | {n}', False),
    ('Posted by: <a rel="nofollow" href="https://a.example/?a=1&amp;b=2">Ann</a> | <a href="%s{x}">Dec 29 2025 13:27 utc</a> | {n}', False),
    ('Posted by: <a rel="nofollow" title="x" href="https://a.example/">Ann</a> | <a href="%s{x}">Dec 29 2025 13:28 utc</a> | {n}', False),
    ('Posted by: <a rel="nofollow" data-href="https://a.example/">Ann</a> | <a href="%s{x}">Dec 29 2025 13:29 utc</a> | {n}', False),
    ('Posted by: <span>Bob</span> | <a href="%s{x}">Dec 29 2025 13:30 utc</a> | {n}', False),
    ('Posted by: Bob <!-- x --> | <a href="%s{x}">Dec 29 2025 13:31 utc</a> | {n}', False),
    ('Posted by: Bob | <a href="%s{x}">Dec 29 2025 13:32</a> | {n}', False),
    ('Posted by: Bob | <a href="%s{x}">Dec 29 2025 13:33 utc</a> | {n} more', False),
    ('posted by: Bob | <a href="%s{x}">Dec 29 2025 13:34 utc</a> | {n}', False),
    ('Posted by: Bob | <a href="%s{x}">Thursday, 01 January 2026 at 01:35 PM</a>', False),
    ('Posted by: <A REL="nofollow" HREF="https://a.example/">Ann</A> | <a href="%s{x}">Dec 29 2025 13:36 utc</a> | {n}', True),
    ('Posted by: <a rel="nofollow" href="#c{x}">Ann</a> | <a href="%s{x}">Dec 29 2025 13:37 utc</a> | {n}', True),
    ('Posted by: Dec 29 2025 13:38 utc | <a href="https://b.example/">Dec 29 2025 13:38 utc</a> | {n}', True),
    ('Posted by: Bob | <a href="https://b.example/">Dec 29 2025 13:39 utc</a> | 0{n}', True),
]


def footer_page(variants: list[tuple[str, bool]], *, tag: str = "p", wrapper_ids: bool = True) -> str:
    divs = []
    for i, (inner, _) in enumerate(variants, 1):
        x = f"6a00d8341c640e53ef{i:016x}"
        footer = inner.replace("%s", PERMA).replace("{x}", x).replace("{n}", str(i + 1))
        div_id = f' id="comment-{x}"' if wrapper_ids else ""
        divs.append(f'<div class="comment"{div_id}><div class="comment-content"><p>Comment {i}.</p></div>'
                    f'<{tag} class="comment-footer">{footer}</{tag}></div>\n')
    return page("".join(divs))


def general_way(monkeypatch, data: bytes, url: str | None) -> dict:
    with monkeypatch.context() as m:
        m.setattr(typepad_mod, "_FOOTER_HTML", re.compile(r"(?!)"))  # matches nothing: every footer the general way
        return everything(data, url=url)


@pytest.mark.parametrize("wrapper_ids", [True, False])
@pytest.mark.parametrize("url", [None, "https://blog.example.org/2025/12/post.html?page=2"])
def test_footer_read_in_one_match_gives_what_the_general_way_gives(monkeypatch, url, wrapper_ids):
    data = footer_page(FOOTER_VARIANTS, wrapper_ids=wrapper_ids).encode()
    general_calls = []
    monkeypatch.setattr(typepad_mod, "parse_footer", lambda text: general_calls.append(text) or parse_footer(text))
    got = everything(data, url=url)
    # the variants marked False, and only those, went the general way
    assert len(general_calls) == sum(not fast for _, fast in FOOTER_VARIANTS)
    assert got == general_way(monkeypatch, data, url)
    assert all("13:22" not in c["created_raw"] for c in got["comments"])  # the quoted footer was dropped
    assert len(got["comments"]) > 25


def test_footer_read_in_one_match_gives_the_general_way_on_the_bench_page(monkeypatch):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent.parent / "bench"))
    import make_page

    data = make_page.make_page(300).html
    assert everything(data) == general_way(monkeypatch, data, None)


def test_footers_read_in_one_match_bound_each_other_s_bodies(monkeypatch):
    # Two comments in one wrapper: the second body starts after the first footer.
    footers = [inner.replace("%s", PERMA).replace("{x}", XIDS[i]).replace("{n}", str(i + 1))
               for i, (inner, _) in enumerate(FOOTER_VARIANTS[:2])]
    data = page(f'<div class="comment"><p>First.</p><p class="comment-footer">{footers[0]}</p>'
                f'<p>Second.</p><p class="comment-footer">{footers[1]}</p></div>').encode()
    got = everything(data)
    assert [raw for raw, *_ in got["extra"]] == ["<p>First.</p>", "<p>Second.</p>"]
    assert got == general_way(monkeypatch, data, None)


def test_only_p_footers_are_read_in_one_match(monkeypatch):
    data = footer_page(FOOTER_VARIANTS[:3], tag="div").encode()
    general_calls = []
    monkeypatch.setattr(typepad_mod, "parse_footer", lambda text: general_calls.append(text) or parse_footer(text))
    got = everything(data)
    assert len(general_calls) == 3  # a div footer's links are all its links, not only its children
    assert got == general_way(monkeypatch, data, None)


@pytest.mark.parametrize("href", FRAGMENT_HREFS)
def test_footer_pattern_finds_the_comment_anchor_as_fragment_id_does(href):
    for inner in (f'Posted by: <a href="{href}">n</a> | <a href="x">Dec 1 2025 1:00 utc</a> | 1',
                  f'Posted by: n | <a href="{href}">Dec 1 2025 1:00 utc</a> | 1'):
        m = typepad_mod._FOOTER_HTML.fullmatch(inner)
        if '"' in href or "<" in href:
            continue
        assert m is not None
        href_group, frag_group = (1, 2) if inner.startswith("Posted by: <a") else (5, 6)
        assert m[href_group] == href
        assert m[frag_group] == _fragment_id(href)


# ------------------------------------------------------------------------------------------
# Comment anchors
# ------------------------------------------------------------------------------------------

_OLD_FRAGMENT_ID = re.compile(r"^(?:c|comment-)([0-9a-f]{8,64}|\d+)$", re.I)


def old_fragment_id(href: str) -> str | None:
    """The definition the spelled-out pattern replaced."""
    m = _OLD_FRAGMENT_ID.match(href.rpartition("#")[2]) if "#" in href else None
    return m.group(1) if m else None


@pytest.mark.parametrize("href", FRAGMENT_HREFS)
def test_fragment_id_matches_the_case_insensitive_definition(href):
    assert _fragment_id(href) == old_fragment_id(href)


def test_fragment_id_letters_that_fold_to_ascii_under_re_i():
    # re.I matches e.g. the Kelvin sign to "k" and "ſ" to "s"; none of them folds to a letter in "comment-"
    # or to a hex digit, so spelling the cases out changes nothing.
    for cp in list(range(0x80, 0x250)) + [0x212A, 0x212B, 0x017F, 0x0130, 0x0131, 0x1E9E, 0xFB00, 0xFB05]:
        ch = chr(cp)
        for href in (f"#{ch}deadbeef0", f"#c{ch * 8}", f"#comm{ch}nt-12", f"#co{ch}ment-1", f"#commen{ch}-1"):
            assert _fragment_id(href) == old_fragment_id(href), href


def test_permalink_author_url_and_wrapper_ids():
    t = SOURCE.parse(Document(PAGE.encode(), "p"))
    first, second, third = t.comments
    assert first.permalink == f"https://blog.example.org/2025/12/post.html#c{XIDS[0]}"
    assert first.author_url == "https://example.com/jw/" and second.author_url is None
    assert third.created_at == datetime(2025, 12, 30, 0, 1, tzinfo=timezone.utc)
    # Without a comment link the id comes from the wrapper, as before.
    no_links = re.sub(r'<a href="[^"]*#c[0-9a-f]+">([^<]*)</a>', r"\1", PAGE)
    t2 = SOURCE.parse(Document(no_links.encode(), "p"))
    assert [c.id for c in t2.comments] == XIDS[:3] and all(c.permalink is None for c in t2.comments)
    from selectolax.lexbor import LexborHTMLParser

    footer = LexborHTMLParser(no_links).css_first(".comment-footer")
    assert _wrapper_id(footer) == XIDS[0]


def test_relative_permalinks_are_joined_to_the_page_url():
    relative = PAGE.replace("https://blog.example.org/2025/12/post.html#c", "#c")
    t = SOURCE.parse(Document(relative.encode(), "p", url="https://blog.example.org/2025/12/post.html?x=1"))
    assert t.comments[1].permalink == f"https://blog.example.org/2025/12/post.html?x=1#c{XIDS[1]}"
    t = SOURCE.parse(Document(relative.encode(), "p"))
    assert t.comments[1].permalink == f"#c{XIDS[1]}"


# ------------------------------------------------------------------------------------------
# Comment objects and the post's byline
# ------------------------------------------------------------------------------------------

def test_fast_comment_is_a_lazy_comment_like_any_other():
    when = datetime(2025, 12, 29, 13, 0, tzinfo=timezone.utc)
    calls = []

    def body() -> str:
        calls.append(1)
        return '<p>Hi <a href="#c6a00d8341c640e53ef0000000000000001">x</a></p>'

    fast = LazyBodyComment.fast(body, lambda raw: [{"raw": raw}], id="1", number=1, author="a", created_at=when,
                                created_raw="Dec 29 2025 13:00 utc", tz="explicit", permalink=None, author_url=None)
    slow = LazyBodyComment(raw_html=body, find_cues=lambda raw: [{"raw": raw}], id="1", number=1, author="a",
                           created_at=when, created_raw="Dec 29 2025 13:00 utc", tz="explicit")
    assert not calls  # nothing read yet
    assert isinstance(fast, Comment)
    assert fast == slow
    assert fast.html == slow.html and "<p>Hi" in fast.html
    assert fast.text == slow.text == "Hi x"
    assert fast.cues == slow.cues == [{"raw": body()}]
    assert (fast.format, fast.status, fast.author_id, fast.parents) == ("html", "ok", None, [])
    fast.parents.append("edge")
    assert LazyBodyComment.fast("", None, id="2", number=2, author="b", created_at=None).parents == []


def test_fast_comment_fields_by_position_are_the_fields_by_keyword():
    when = datetime(2025, 12, 29, 13, 0, tzinfo=timezone.utc)
    by_keyword = LazyBodyComment.fast("<p>x</p>", None, id="7", number=7, author="a", created_at=when,
                                      created_raw="Dec 29 2025 13:00 utc", tz="explicit", permalink="p#c7",
                                      author_url="https://a.example/")
    by_position = LazyBodyComment.fast("<p>x</p>", None, "7", 7, "a", when, "Dec 29 2025 13:00 utc", "explicit",
                                       "p#c7", None, "https://a.example/")
    assert by_position.__dict__ == by_keyword.__dict__
    assert (by_position.permalink, by_position.author_id, by_position.author_url) == ("p#c7", None, "https://a.example/")


def test_byline_found_after_a_first_candidate_that_is_not_one():
    posted = ('<p class="entry-footer">Filed under News</p>'
              '<p class="posted">Posted by Ann Author on December 1, 2005 at 10:00 AM | '
              '<a href="https://blog.example.org/old.html">Permalink</a></p>')
    t = SOURCE.parse(Document(page(comment_div(XIDS[0], "a", "Dec 29 2025 13:00 utc", 1), posted=posted).encode(),
                              "p"))
    assert t.author == "Ann Author"
    assert t.published_at == datetime(2005, 12, 1, 10, 0, tzinfo=timezone.utc)
    assert t.url == "https://blog.example.org/old.html"


def test_byline_from_any_paragraph_without_post_footer_classes():
    posted = '<p>Posted by Ann Author on December 1, 2005 at 10:00 AM | <a href="/old.html">Permalink</a></p>'
    t = SOURCE.parse(Document(page(comment_div(XIDS[0], "a", "Dec 29 2025 13:00 utc", 1), posted=posted).encode(),
                              "p"))
    assert t.author == "Ann Author"
    first = page(comment_div(XIDS[0], "a", "Dec 29 2025 13:00 utc", 1),
                 posted='<p class="posted">Nothing here</p>' + posted)
    assert SOURCE.parse(Document(first.encode(), "p")).author is None  # .posted exists: paragraphs not searched
