"""The web app in-process (Starlette's TestClient): every page, its JSON twin, the composer, adding
threads, CSRF and the URL guard. Browser-only behaviour is in test_web_browser.py."""

from __future__ import annotations

import re
import time
from urllib.parse import urlencode
import warnings
from datetime import datetime, timezone

import pytest

warnings.filterwarnings("ignore", message=".*httpx2.*")

from starlette.testclient import TestClient  # noqa: E402

from httpserver import Reply  # noqa: E402
from moa_text import moa_text  # noqa: E402
from threadpress.digest import select  # noqa: E402
from threadpress.errors import FetchError  # noqa: E402
from threadpress.load import parse_bytes  # noqa: E402
from threadpress.model import Comment, ReplyEdge, Thread  # noqa: E402
from threadpress.render import render  # noqa: E402
from threadpress.store import Store  # noqa: E402
from threadpress.web import create_app  # noqa: E402
from threadpress.web.security import GuardedTransport, check_url  # noqa: E402

PAYLOAD = ('<p>hello <script>window.pwned=1</script><img src="x" onerror="window.pwned=2">'
           '<a href="javascript:window.pwned=3">click</a> <b>bold</b></p>')

THREAD_TEXT = moa_text([
    ("Alice", "The talks will fail, Gravka is the real map."),
    ("Bob", "{f1}\nWhy fail? The envoys keep meeting."),
    ("Alice", "{f2}\nBecause neither side can give up the ridge."),
    ("Carol", "Unrelated thought about the weather."),
    ("Bob", "{f3}\nThe ridge, fair point."),
], title="Gravka talks")


def _thread() -> Thread:
    return parse_bytes(THREAD_TEXT.encode(), name="t.txt")


def _hostile_thread() -> Thread:
    when = datetime(2025, 12, 29, 14, 0, tzinfo=timezone.utc)
    c1 = Comment(id="1", number=1, author="Mallory <script>x</script>", created_at=when, html=PAYLOAD, text="hello")
    c2 = Comment(id="2", number=2, author="Dave", created_at=when, html="<p>guessing</p>", text="guessing",
                 parents=[ReplyEdge("1", "inferred", 0.62, "time gap, overlap")])
    return Thread(id="test:xss", source="generic", url="javascript:alert(1)", title="Hostile <b>thread</b>",
                  comments=[c1, c2])


@pytest.fixture
def archive(db):
    with Store(db) as s:
        s.ingest(_thread())
        s.ingest(_hostile_thread())
    return db


@pytest.fixture
def client(archive):
    with TestClient(create_app(archive)) as c:
        yield c


@pytest.fixture
def tid():
    return _thread().id


def token(client: TestClient, url: str = "/threads") -> str:
    return re.search(r'name="csrf" value="([^"]+)"', client.get(url).text).group(1)


def post_pairs(client: TestClient, url: str, pairs: list[tuple[str, str]], **kw):
    """POST a form whose field order matters (the composer reads rows in document order)."""
    headers = {"content-type": "application/x-www-form-urlencoded", **kw.pop("headers", {})}
    return client.post(url, content=urlencode(pairs), headers=headers, **kw)


def wait_job(client: TestClient, location: str) -> dict:
    for _ in range(200):
        job = client.get(location + ".json").json()
        if job["finished"]:
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {location} did not finish")


# -- Threads ------------------------------------------------------------------------------------------

def test_threads_page_lists_threads_and_has_a_json_twin(client, tid):
    page = client.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "Gravka talks" in page.text and f'href="/threads/{tid}"' in page.text
    twin = client.get("/threads.json").json()
    assert {t["id"] for t in twin["threads"]} == {tid, "test:xss"}
    assert client.get("/threads", headers={"accept": "application/json"}).json() == twin
    assert client.get("/index.json").json()["threads"] == twin["threads"]


def test_search_finds_comments_with_highlighted_snippets(client, tid):
    data = client.get("/threads.json", params={"q": "ridge"}).json()
    assert {(r["thread_id"], r["number"]) for r in data["results"]} == {(tid, 3), (tid, 5)}
    assert "<mark>ridge</mark>" in client.get("/threads", params={"q": "ridge"}).text
    page = client.get("/threads", params={"q": 'ridge"'})  # a broken query: one clear line, not a 500
    assert page.status_code == 200 and 'id="search-error">search' in page.text
    assert client.get("/threads.json", params={"q": "talks"}).json()["threads"][0]["id"] == tid  # title filter


# -- Thread ---------------------------------------------------------------------------------------------

def test_thread_page_shows_reply_links_both_ways(client, tid):
    page = client.get(f"/threads/{tid}").text
    c2 = page[page.index('id="c2"'):page.index('id="c3"')]
    assert 'class="reply-link" href="#c1" data-target="c1"' in c2 and "address" in c2
    c1 = page[page.index('id="c1"'):page.index('id="c2"')]
    assert '<a href="#c2">#2 Bob</a>' in c1  # the jump link from a comment to its reply


def test_thread_json_twin_and_tree_view(client, tid):
    flat = client.get(f"/threads/{tid}.json").json()
    assert [c["number"] for c in flat["comments"]] == [1, 2, 3, 4, 5] and flat["view"] == "flat"
    tree = client.get(f"/threads/{tid}.json", params={"view": "tree"}).json()
    assert [(c["number"], c["depth"]) for c in tree["comments"]] == [(1, 0), (2, 1), (3, 2), (5, 3), (4, 0)]
    page = client.get(f"/threads/{tid}", params={"view": "tree"}).text
    assert 'class="comment d3' in page and 'aria-current="page" id="view-tree"' in page
    assert 'href="/threads/' + tid + '?view=flat"' in page  # the toggle keeps the choice in the URL


def test_thread_page_highlights_the_chosen_author(client, tid):
    data = client.get(f"/threads/{tid}.json", params={"author": "alice"}).json()
    assert [c["number"] for c in data["comments"] if c["highlight"]] == [1, 3]
    page = client.get(f"/threads/{tid}", params={"author": "Alice"}).text
    assert page.count('class="comment d0 hl"') == 2


def test_inferred_edges_are_marked_with_their_confidence(client):
    page = client.get("/threads/test:xss").text
    assert 'class="reply-link inferred"' in page and "inferred, confidence 0.62" in page
    edge = client.get("/threads/test:xss.json").json()["comments"][1]["parents"][0]
    assert edge["inferred"] is True and edge["confidence"] == 0.62


def test_comment_html_is_sanitized_and_csp_forbids_inline_scripts(client):
    page = client.get("/threads/test:xss")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp and "unsafe-inline" not in csp
    body = page.text
    assert "window.pwned" not in body and "onerror" not in body and "javascript:" not in body
    assert "<b>bold</b>" in body and "&lt;script&gt;x&lt;/script&gt;" in body  # author names escaped
    assert 'href="javascript' not in body  # an unsafe thread URL is not linked
    assert re.findall(r"<script[^>]*>", body) == ['<script src="/static/app.js" defer>']


def test_thread_page_follows_changes_in_the_archive(client, archive, tid):
    assert "The ridge, fair point." in client.get(f"/threads/{tid}").text
    changed = parse_bytes(THREAD_TEXT.replace("The ridge, fair point.", "The ridge, I concede.").encode(),
                          name="t.txt")
    with Store(archive) as s:
        s.ingest(changed)
    page = client.get(f"/threads/{tid}").text
    assert "I concede" in page and "fair point" not in page


def test_thread_page_answers_304_to_its_etag(client, tid):
    first = client.get(f"/threads/{tid}")
    again = client.get(f"/threads/{tid}", headers={"if-none-match": first.headers["etag"]})
    assert again.status_code == 304


def test_unknown_thread_is_404_in_html_and_json(client):
    page = client.get("/threads/nope")
    assert page.status_code == 404 and "nope: no such thread" in page.text
    assert client.get("/threads/nope.json").json() == {"error": "nope: no such thread in the archive"}
    assert client.get("/no/such/page.json").status_code == 404


# -- Author ---------------------------------------------------------------------------------------------

def test_author_page_lists_comments_and_replies_received(client, tid):
    data = client.get(f"/threads/{tid}/author.json", params={"name": "alice"}).json()
    assert data["author"] == "Alice"
    assert [(c["label"], [r["label"] for r in c["replies"]]) for c in data["comments"]] == [
        ("#1", ["#2"]), ("#3", ["#5"])]
    assert data["stats"]["replies_received"] == 2 and data["stats"]["distinct_repliers"] == 1
    assert data["stats"]["median_minutes_to_first_reply"] == 10.5
    page = client.get(f"/threads/{tid}/author", params={"name": "Alice"}).text
    assert 'id="stat-replies">2<' in page and "Compose a digest of Alice" in page


def test_unknown_author_is_404_with_the_nearest_names(client, tid):
    page = client.get(f"/threads/{tid}/author.json", params={"name": "Alise"})
    assert page.status_code == 404 and "nearest: Alice" in page.json()["error"]


# -- Compose --------------------------------------------------------------------------------------------

def _create(client, tid, author="Alice") -> str:
    start = client.get(f"/threads/{tid}/compose", params={"author": author})
    assert start.status_code == 200 and "Start composing" in start.text
    tok = re.search(r'name="csrf" value="([^"]+)"', start.text).group(1)
    r = client.post("/compositions", data={"csrf": tok, "thread_id": tid, "author": author},
                    follow_redirects=False)
    assert r.status_code == 303
    return r.headers["location"]


def test_new_composition_follows_the_digest_rule_and_renders_like_the_digest(client, tid):
    loc = _create(client, tid, "alice")
    data = client.get(loc + ".json").json()
    thread = _thread()
    by_id = thread.by_id()
    assert [by_id[i["comment"]].number for i in data["composition"]["items"]] == [1, 2, 3]
    digest = select(thread, "Alice")
    assert client.get(loc + "/download.md").text == render(digest, "markdown")
    assert client.get(loc + "/download.txt").text == render(digest, "text")
    assert data["markdown"] == render(digest, "markdown")


def test_editing_a_composition_untick_note_move_and_reopen(client, tid):
    loc = _create(client, tid)
    page = client.get(loc).text
    tok = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    ids = re.findall(r'name="item" value="c:([^"]+)"', page)
    assert len(ids) == 3
    form = [("csrf", tok), ("title", "My week at Gravka"),
            ("item", "n"), ("note", "(An introduction.)"),
            ("item", f"c:{ids[0]}"), ("keep", ids[0]),
            ("item", f"c:{ids[1]}"),  # unticked: kept in the list, left out of the post
            ("item", f"c:{ids[2]}"), ("keep", ids[2]),
            ("item", "n"), ("note", "(I made this statement before the news.)\n\nSecond paragraph.")]
    r = post_pairs(client, loc, form, follow_redirects=False)
    assert r.status_code == 303
    md = client.get(loc + "/download.md")
    assert md.headers["content-disposition"].startswith('attachment; filename="my-week-at-gravka.md"')
    text = md.text
    assert text.startswith("# My week at Gravka\n")
    assert "Why fail?" not in text and "Gravka is the real map" in text
    assert text.index("(An introduction.)") < text.index("Gravka is the real map")
    assert text.rstrip().endswith("(I made this statement before the news.)\n\nSecond paragraph.")
    html = client.get(loc + "/download.html").text
    assert "<p>(An introduction.)</p>" in html and "Posted by: Alice | Dec 29 2025 14:00 utc | 1" in html
    reopened = client.get(loc + ".json").json()["composition"]
    assert reopened["title"] == "My week at Gravka"
    assert [i.get("keep") for i in reopened["items"]] == [None, True, False, True, None]
    # move the last comment up, pull in a context comment by number, add a note after row 0
    for action in ("up:3", "add-number", "note-after:0"):
        page = client.get(loc).text
        page = page[page.index('id="rows"'):page.index('id="note-template"')]
        rows = re.findall(r'name="item" value="([^"]+)"', page)
        notes = re.findall(r'<textarea id="note-\d+" name="note"[^>]*>([^<]*)</textarea>', page)
        fields = [("csrf", tok), ("title", "T"), ("action", action), ("number", "4")]
        notes_iter = iter(notes)
        for row in rows:
            fields.append(("item", row))
            if row == "n":
                fields.append(("note", next(notes_iter)))
            elif "keep" not in row and row != f"c:{ids[1]}":
                fields.append(("keep", row[2:]))
        assert post_pairs(client, loc, fields, follow_redirects=False).status_code == 303
    items = client.get(loc + ".json").json()["composition"]["items"]
    by_id = _thread().by_id()
    shape = [("note" if "note" in i else f"#{by_id[i['comment']].number}") for i in items]
    assert shape == ["note", "note", "#1", "#3", "#2", "note", "#4"]  # #4 is newest: it goes last


def test_json_save_returns_the_live_preview(client, tid):
    loc = _create(client, tid)
    tok = token(client, loc)
    ids = re.findall(r'name="item" value="c:([^"]+)"', client.get(loc).text)
    r = post_pairs(client, loc, [("csrf", tok), ("title", "T"), ("item", f"c:{ids[0]}"), ("keep", ids[0]),
                               ("item", "n"), ("note", "<script>window.pwned=1</script>")],
                    headers={"accept": "application/json"})
    data = r.json()
    assert r.status_code == 200 and "&lt;script&gt;" in data["preview_html"] and "<script>" not in data["preview_html"]
    assert data["markdown"].startswith("# T\n") and "Why fail?" not in data["markdown"]


def test_composition_rejects_comments_from_elsewhere(client, tid):
    loc = _create(client, tid)
    r = post_pairs(client, loc, [("csrf", token(client, loc)), ("item", "c:not-here"), ("keep", "not-here")])
    assert r.status_code == 400 and "no comment &#39;not-here&#39; in this thread" in r.text


def test_missing_composition_is_404(client):
    assert client.get("/compositions/999.json").json() == {"error": "composition 999: not in the archive"}


# -- CSRF -----------------------------------------------------------------------------------------------

def test_changes_need_the_session_token(client, tid):
    r = client.post("/compositions", data={"thread_id": tid, "author": "Alice"})
    assert r.status_code == 403 and "form token" in r.text
    other = TestClient(client.app)  # another session: its cookie does not match this token
    r = other.post("/compositions", data={"csrf": token(client), "thread_id": tid, "author": "Alice"})
    assert r.status_code == 403


def test_cross_origin_posts_are_refused(client, tid):
    tok = token(client)
    r = client.post("/compositions", data={"csrf": tok, "thread_id": tid, "author": "Alice"},
                    headers={"origin": "http://evil.example"})
    assert r.status_code == 403 and "cross-site" in r.text
    r = client.post("/compositions", data={"csrf": tok, "thread_id": tid, "author": "Alice"},
                    headers={"sec-fetch-site": "cross-site"})
    assert r.status_code == 403
    ok = client.post("/compositions", data={"csrf": tok, "thread_id": tid, "author": "Alice"},
                     headers={"origin": "http://testserver"}, follow_redirects=False)
    assert ok.status_code == 303


def test_session_cookie_is_httponly_and_samesite(archive):
    with TestClient(create_app(archive)) as c:
        cookie = c.get("/").headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie


# -- Adding threads -------------------------------------------------------------------------------------

def test_add_pasted_text_shows_progress_then_the_thread(client):
    text = moa_text([("Zed", "First words."), ("Yan", "{f1}\nAnswer.")], title="Pasted thread")
    r = client.post("/threads", data={"csrf": token(client), "text": text}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/jobs/")
    job = wait_job(client, r.headers["location"])
    assert job["stage"] == "done" and job["comments"] == 2
    page = client.get(r.headers["location"]).text
    assert "Done: 2 comments stored." in page and f'href="/threads/{job["thread_id"]}"' in page
    assert "Pasted thread" in client.get("/").text


def test_add_uploaded_file(client):
    text = moa_text([("Zed", "Uploaded words.")], title="Uploaded thread").encode()
    r = client.post("/threads", data={"csrf": token(client)}, files={"file": ("thread.txt", text, "text/plain")},
                    headers={"accept": "application/json"})
    assert r.status_code == 202
    job = wait_job(client, r.headers["location"])
    assert job["stage"] == "done"
    assert client.get(f"/threads/{job['thread_id']}.json").json()["thread"]["title"] == "Uploaded thread"


def test_add_bad_input_fails_with_a_clear_error(client):
    r = client.post("/threads?wait=1", data={"csrf": token(client), "text": "\x00\x01 not a thread"},
                    headers={"accept": "application/json"})
    job = wait_job(client, r.headers["location"])
    assert job["stage"] == "failed" and job["error"].startswith("pasted text:")
    page = client.get(r.headers["location"]).text
    assert 'id="job-error" class="error" role="alert">pasted text:' in page


def test_add_needs_exactly_one_input(client):
    r = client.post("/threads", data={"csrf": token(client)})
    assert r.status_code == 400 and "give one of: a URL, a file or pasted text" in r.text
    r = client.post("/threads.json", data={"csrf": token(client), "url": "https://x.test/", "text": "abc"})
    assert r.json()["error"] == "give only one of: URL, text"


@pytest.mark.parametrize("url, problem", [
    ("file:///etc/passwd", "only http and https URLs can be added"),
    ("javascript:alert(1)", "only http and https URLs can be added"),
    ("http://127.0.0.1:9/x", "refusing a loopback or private address (127.0.0.1)"),
    ("http://[::1]/x", "refusing a loopback or private address (::1)"),
    ("http://10.1.2.3/x", "refusing a loopback or private address (10.1.2.3)"),
    ("http://169.254.169.254/latest", "refusing a loopback or private address"),
])
def test_url_form_refuses_schemes_and_private_addresses(client, url, problem):
    r = client.post("/threads.json", data={"csrf": token(client), "url": url})
    assert r.status_code == 400 and problem in r.json()["error"] and r.json()["error"].startswith(url)


def test_url_guard_resolves_names():
    private = lambda host: ["192.168.1.20"]  # noqa: E731
    public = lambda host: ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"]  # noqa: E731
    with pytest.raises(FetchError, match="192.168.1.20"):
        check_url("https://intranet.example/", resolver=private)
    assert check_url(" https://blog.example/t ", resolver=public) == "https://blog.example/t"
    assert check_url("http://localhost:8000/", allow_private=True) == "http://localhost:8000/"


def test_guarded_transport_checks_every_hop(server):
    import httpx

    server.route("/t", Reply(200, body="hi"))
    with httpx.Client(transport=GuardedTransport()) as c:
        with pytest.raises(FetchError, match="127.0.0.1"):
            c.get(server.url("/t"))
    assert server.paths() == []


def test_add_by_url_with_allow_private(db, server, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    server.route("/thread.html", Reply(200, body=(ROOT_EXAMPLE / "thread.html").read_bytes(),
                                       headers={"content-type": "text/html"}))
    with TestClient(create_app(db, allow_private=True)) as c:
        r = c.post("/threads.json", data={"csrf": token(c), "url": server.url("/thread.html")})
        job = wait_job(c, r.headers["location"])
    assert job["stage"] == "done" and job["comments"] > 100, job
    assert "/thread.html" in server.paths()


# -- serve ----------------------------------------------------------------------------------------------

def test_serve_help_and_loopback_default():
    from click.testing import CliRunner

    from threadpress.cli.serve import is_loopback, serve

    out = CliRunner().invoke(serve, ["--help"]).output
    assert "Example:" in out and "127.0.0.1" in out and "--allow-private" in out
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.2")


from conftest import EXAMPLE as ROOT_EXAMPLE  # noqa: E402


def test_author_page_shows_the_analytics_charts_from_our_origin(client, tid):
    page = client.get(f"/threads/{tid}/author", params={"name": "Alice"}).text
    urls = re.findall(r'<img src="([^"]+)" alt="(\w+) chart for Alice" width="(\d+)" height="(\d+)"', page)
    assert {kind for _, kind, _, _ in urls} == {"timeline", "network", "engagement"}
    url = urls[0][0].replace("&amp;", "&")
    assert url.startswith(f"/threads/{tid}/author/charts/")
    svg = client.get(url)
    assert svg.headers["content-type"] == "image/svg+xml" and b"<svg" in svg.content[:500]
    assert "script-src" not in svg.headers["content-security-policy"]  # default-src 'none': no scripts
    assert b"<script" not in svg.content
    data = client.get(f"/threads/{tid}/author.json", params={"name": "Alice"}).json()
    assert data["analytics"]["author"] == "Alice" and len(data["charts"]) == 3
