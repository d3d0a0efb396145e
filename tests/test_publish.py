"""publish: Markdown and HTML files, the clipboard, credentials, and Ghost's Admin API contract.

Ghost itself does not run in the test suite (a real Ghost needs its own Node 22 build; see
docs/publish.md). Instead a real HTTP server on 127.0.0.1 plays Ghost's documented Admin API
contract: it verifies the JWT's HS256 signature with the hex-decoded secret (with hmac, not the
library the client signs with), its `kid`, `aud` = /admin/ and a lifetime of at most five minutes;
it keeps a post's HTML only with `?source=html`, and refuses an update (422) that does not carry
the post's current `updated_at`, as Ghost does.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import stat
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from conftest import FIXTURES
from hypothesis import given
from hypothesis import strategies as st
from moa_text import moa_text

REF = str(FIXTURES / "reference" / "reference-thread.txt")
AUTHOR = "karlof1"
KEY_ID = "6489c2f3a1b2c3d4e5f60718"
SECRET_HEX = "a3f1" * 16


# -- a Ghost Admin API that checks the documented contract ---------------------------------------

def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


class FakeGhost:
    """Ghost's Admin API posts endpoints on 127.0.0.1, strict about authentication and updates."""

    def __init__(self, key_id: str = KEY_ID, secret_hex: str = SECRET_HEX):
        self.key_id, self.secret = key_id, bytes.fromhex(secret_hex)
        self.posts: dict[str, dict] = {}
        self.requests: list[dict] = []  # method, path, query, headers, body, claims
        self.lock = threading.Lock()

    def check_token(self, header: str | None) -> tuple[dict | None, str]:
        if not header or not header.startswith("Ghost "):
            return None, "Authorization header format is \"Authorization: Ghost [token]\""
        token = header[len("Ghost "):]
        try:
            head_b64, body_b64, sig_b64 = token.split(".")
            head, claims = json.loads(_b64decode(head_b64)), json.loads(_b64decode(body_b64))
        except ValueError:
            return None, "Invalid token"
        if head.get("alg") != "HS256" or head.get("kid") != self.key_id:
            return None, "Unknown Admin API Key"
        expected = hmac.new(self.secret, f"{head_b64}.{body_b64}".encode(), hashlib.sha256).digest()
        if not hmac.compare_digest(expected, _b64decode(sig_b64)):
            return None, "Invalid token: invalid signature"
        now = time.time()
        if claims.get("aud") != "/admin/":
            return None, "Invalid token: jwt audience invalid"
        if not isinstance(claims.get("exp"), int) or not isinstance(claims.get("iat"), int):
            return None, "Invalid token: iat and exp are required"
        if claims["exp"] - claims["iat"] > 300 or claims["exp"] <= now or claims["iat"] > now + 60:
            return None, "Invalid token: jwt expired or lives longer than 5 minutes"
        return claims, ""

    def handle(self, method: str, raw_path: str, headers: dict, body: bytes) -> tuple[int, dict]:
        parts = urlsplit(raw_path)
        query = parse_qs(parts.query)
        claims, problem = self.check_token(headers.get("authorization"))
        payload = json.loads(body) if body else None
        with self.lock:
            self.requests.append({"method": method, "path": parts.path, "query": query, "headers": headers,
                                  "body": payload, "claims": claims})
        if claims is None:
            return 401, {"errors": [{"message": problem, "type": "UnauthorizedError"}]}
        segments = [s for s in parts.path.split("/") if s]
        if segments[:4] != ["ghost", "api", "admin", "posts"] or not parts.path.endswith("/"):
            return 404, {"errors": [{"message": "Resource not found", "type": "NotFoundError"}]}
        post_id = segments[4] if len(segments) > 4 else None
        with self.lock:
            if method == "POST" and post_id is None:
                return self._create(payload, query)
            if post_id not in self.posts:
                return 404, {"errors": [{"message": "Post not found.", "type": "NotFoundError"}]}
            if method == "GET":
                return 200, {"posts": [dict(self.posts[post_id])]}
            if method == "PUT":
                return self._update(post_id, payload, query)
        return 405, {"errors": [{"message": "Method not allowed"}]}

    def _stamp(self) -> str:
        return time.strftime("%Y-%m-%dT%H:%M:%S.", time.gmtime()) + f"{len(self.requests):03d}Z"

    def _create(self, payload, query) -> tuple[int, dict]:
        new = payload["posts"][0]
        post_id = uuid.uuid4().hex[:24]
        post = {"id": post_id, "title": new["title"], "slug": new.get("slug", post_id),
                "html": new.get("html", "") if query.get("source") == ["html"] else "",  # Ghost: empty without it
                "status": new.get("status", "draft"), "tags": [{"name": t["name"]} for t in new.get("tags", [])],
                "url": f"http://ghost.test/p/{post_id}/", "updated_at": self._stamp()}
        self.posts[post_id] = post
        return 201, {"posts": [dict(post)]}

    def _update(self, post_id, payload, query) -> tuple[int, dict]:
        post, change = self.posts[post_id], payload["posts"][0]
        if change.get("updated_at") != post["updated_at"]:
            return 422, {"errors": [{"message": "Saving failed! Someone else is editing this post.",
                                     "type": "UpdateCollisionError"}]}
        for field in ("title", "slug", "status"):
            if field in change:
                post[field] = change[field]
        if "html" in change:
            post["html"] = change["html"] if query.get("source") == ["html"] else ""
        if "tags" in change:
            post["tags"] = [{"name": t["name"]} for t in change["tags"]]
        post["updated_at"] = self._stamp()
        return 200, {"posts": [dict(post)]}

    def edit_in_admin(self, post_id: str) -> None:
        """Someone edits the post in Ghost's editor: its updated_at moves on."""
        with self.lock:
            self.posts[post_id]["updated_at"] = "2030-01-01T00:00:00.000Z"


@pytest.fixture
def ghost(monkeypatch, tmp_path):
    fake = FakeGhost()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _any(self):
            length = int(self.headers.get("Content-Length") or 0)
            status, data = fake.handle(self.command, self.path, {k.lower(): v for k, v in self.headers.items()},
                                       self.rfile.read(length))
            raw = json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        do_GET = do_POST = do_PUT = _any

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    monkeypatch.setenv("THREADPRESS_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("THREADPRESS_GHOST_URL", fake.url)
    monkeypatch.setenv("THREADPRESS_GHOST_ADMIN_KEY", f"{KEY_ID}:{SECRET_HEX}")
    yield fake
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def pub(cli, monkeypatch, tmp_path):
    """The `cli` fixture with the publish command registered (the lead wires it into the group).

    The user's own config file is never read: THREADPRESS_CONFIG points into the test's folder.
    """
    from threadpress.cli import main
    from threadpress.cli.publish import publish

    if "THREADPRESS_CONFIG" not in os.environ:
        monkeypatch.setenv("THREADPRESS_CONFIG", str(tmp_path / "no-config.toml"))
    added = "publish" not in main.commands
    if added:
        main.add_command(publish)

    def run(*args, **kwargs):
        return cli("publish", *args, **kwargs)

    yield run
    if added:
        main.commands.pop("publish", None)


def one_line_error(result, *needles: str) -> str:
    assert result.exit_code == 1, result.output
    assert result.stdout == "" and "Traceback" not in result.stderr
    line = result.stderr.strip()
    assert "\n" not in line, result.stderr
    for n in needles:
        assert n in line, (n, line)
    return line


def expected_html(title=None) -> str:
    from threadpress.digest import select
    from threadpress.load import load
    from threadpress.publish import from_digest

    return from_digest(select(load(REF), AUTHOR), title=title).html


# -- Ghost ---------------------------------------------------------------------------------------

def test_ghost_draft_with_valid_jwt_html_source_and_tags(pub, ghost):
    r = pub(REF, "--author", AUTHOR, "--to", "ghost", "--tag", "moa", "--tag", "Q&A", "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["action"] == "created" and out["status"] == "draft"
    [post] = ghost.posts.values()
    assert out["id"] == post["id"] and out["url"] == post["url"]
    assert post["html"] == expected_html() and "Posted by: karlof1 | Dec 29 2025" in post["html"]
    assert post["title"] == "Negotiations and the attack on the Novgorod residence"
    assert post["tags"] == [{"name": "moa"}, {"name": "Q&A"}]
    [req] = ghost.requests
    assert req["method"] == "POST" and req["path"] == "/ghost/api/admin/posts/"
    assert req["query"] == {"source": ["html"]}
    assert req["headers"]["accept-version"].startswith("v5")
    assert req["claims"]["aud"] == "/admin/" and req["claims"]["exp"] - req["claims"]["iat"] == 300


def test_ghost_second_publish_updates_with_current_updated_at(pub, ghost):
    first = json.loads(pub(REF, "--author", AUTHOR, "--to", "ghost", "--json").stdout)
    ghost.edit_in_admin(first["id"])  # the stored updated_at is stale now: only a fresh read works
    r = pub(REF, "--author", AUTHOR, "--to", "ghost", "--title", "Retitled", "--json")
    assert r.exit_code == 0, r.output
    second = json.loads(r.stdout)
    assert second["action"] == "updated" and second["id"] == first["id"]
    assert len(ghost.posts) == 1
    post = ghost.posts[first["id"]]
    assert post["title"] == "Retitled" and post["status"] == "draft" and post["html"] == expected_html("Retitled")
    assert post["slug"] == "negotiations-and-the-attack-on-the-novgorod-residence"  # links keep working
    methods = [(q["method"], q["path"]) for q in ghost.requests]
    assert methods[1:] == [("GET", f"/ghost/api/admin/posts/{first['id']}/"),
                           ("PUT", f"/ghost/api/admin/posts/{first['id']}/")]
    assert ghost.requests[-1]["body"]["posts"][0]["updated_at"] == "2030-01-01T00:00:00.000Z"
    assert ghost.requests[-1]["query"] == {"source": ["html"]}
    pub(REF, "--author", AUTHOR, "--to", "ghost", "--slug", "new-slug")
    assert ghost.posts[first["id"]]["slug"] == "new-slug"  # changed only when asked
    # --publish makes it live; a later publish without it leaves it live
    pub(REF, "--author", AUTHOR, "--to", "ghost", "--publish")
    assert ghost.posts[first["id"]]["status"] == "published"
    pub(REF, "--author", AUTHOR, "--to", "ghost")
    assert ghost.posts[first["id"]]["status"] == "published" and len(ghost.posts) == 1


def test_ghost_post_deleted_on_the_site_is_made_again(pub, ghost):
    first = json.loads(pub(REF, "--author", AUTHOR, "--to", "ghost", "--json").stdout)
    del ghost.posts[first["id"]]
    again = json.loads(pub(REF, "--author", AUTHOR, "--to", "ghost", "--json").stdout)
    assert again["action"] == "created" and again["id"] != first["id"] and list(ghost.posts) == [again["id"]]


def test_ghost_token_signed_with_the_wrong_secret_is_refused(pub, ghost, monkeypatch):
    monkeypatch.setenv("THREADPRESS_GHOST_ADMIN_KEY", f"{KEY_ID}:{'b7' * 32}")
    one_line_error(pub(REF, "--author", AUTHOR, "--to", "ghost"), "ghost: 401", "invalid signature",
                   "THREADPRESS_GHOST_ADMIN_KEY")
    assert ghost.posts == {}


def test_ghost_token_claims_and_header():
    import jwt as pyjwt

    from threadpress.publish.config import GhostSite
    from threadpress.publish.ghost import admin_token

    site = GhostSite("https://g.example", KEY_ID, bytes.fromhex(SECRET_HEX))
    token = admin_token(site, now=1_700_000_000)
    assert pyjwt.get_unverified_header(token) == {"alg": "HS256", "kid": KEY_ID, "typ": "JWT"}
    claims = pyjwt.decode(token, bytes.fromhex(SECRET_HEX), algorithms=["HS256"], audience="/admin/",
                          options={"verify_exp": False})
    assert claims == {"iat": 1_700_000_000, "exp": 1_700_000_300, "aud": "/admin/"}
    assert SECRET_HEX not in repr(site)


@pytest.mark.parametrize("key", ["nocolon", f"{KEY_ID}:not-hex", f":{SECRET_HEX}"])
def test_ghost_malformed_admin_key(pub, ghost, monkeypatch, key):
    monkeypatch.setenv("THREADPRESS_GHOST_ADMIN_KEY", key)
    one_line_error(pub(REF, "--author", AUTHOR, "--to", "ghost"), "ghost:", "ID:SECRET")
    assert ghost.requests == []


def test_unreachable_site_is_one_line(pub, monkeypatch, tmp_path):
    from httpserver import free_port

    monkeypatch.setenv("THREADPRESS_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("THREADPRESS_WP_URL", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setenv("THREADPRESS_WP_USER", "admin")
    monkeypatch.setenv("THREADPRESS_WP_APP_PASSWORD", "x")
    one_line_error(pub(REF, "--author", AUTHOR, "--to", "wordpress"), "wordpress:", "cannot connect")


def test_redirecting_site_names_the_setting(pub, server, monkeypatch, tmp_path):
    from httpserver import Reply

    # the first request of a post with a tag looks the tag up (a GET, which the scripted server answers)
    server.route("/wp-json/wp/v2/tags?search=moa&per_page=100",
                 Reply(301, headers={"Location": "https://blog.example/wp-json/wp/v2/tags"}))
    monkeypatch.setenv("THREADPRESS_WP_URL", server.origin + "/")
    monkeypatch.setenv("THREADPRESS_WP_USER", "admin")
    monkeypatch.setenv("THREADPRESS_WP_APP_PASSWORD", "x")
    one_line_error(pub(REF, "--author", AUTHOR, "--to", "wordpress", "--tag", "moa"), "wordpress: 301",
                   "https://blog.example/wp-json/wp/v2/tags", "set THREADPRESS_WP_URL")
    assert server.paths() == ["/wp-json/wp/v2/tags?search=moa&per_page=100"]
    assert server.requests[0].headers["authorization"].startswith("Basic ")


# -- credentials ---------------------------------------------------------------------------------

def test_missing_credentials_name_the_variable_and_the_file(pub, monkeypatch, tmp_path):
    for var in ("THREADPRESS_WP_URL", "THREADPRESS_WP_USER", "THREADPRESS_WP_APP_PASSWORD"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("THREADPRESS_CONFIG", str(tmp_path / "config.toml"))
    one_line_error(pub(REF, "--author", AUTHOR, "--to", "wordpress"), "THREADPRESS_WP_URL", "config.toml")


def _config(tmp_path, text: str, mode: int):
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    os.chmod(path, mode)
    return path


def test_config_file_readable_by_others_is_refused(pub, ghost, monkeypatch, tmp_path):
    monkeypatch.delenv("THREADPRESS_GHOST_ADMIN_KEY")
    path = _config(tmp_path, f'[ghost]\nadmin_key = "{KEY_ID}:{SECRET_HEX}"\n', 0o644)
    monkeypatch.setenv("THREADPRESS_CONFIG", str(path))
    one_line_error(pub(REF, "--author", AUTHOR, "--to", "ghost"), str(path), "mode 644", "chmod 600")
    assert ghost.requests == []


def test_config_file_gives_credentials_and_environment_wins(pub, ghost, monkeypatch, tmp_path):
    monkeypatch.delenv("THREADPRESS_GHOST_ADMIN_KEY")  # the key comes from the file...
    path = _config(tmp_path, f'[ghost]\nurl = "http://127.0.0.1:1"\nadmin_key = "{KEY_ID}:{SECRET_HEX}"\n',
                   stat.S_IRUSR | stat.S_IWUSR)
    monkeypatch.setenv("THREADPRESS_CONFIG", str(path))  # ...the URL from THREADPRESS_GHOST_URL, not the file
    r = pub(REF, "--author", AUTHOR, "--to", "ghost", "--json")
    assert r.exit_code == 0, r.output  # ...and the key came from the file
    assert len(ghost.posts) == 1 and ghost.requests[0]["claims"] is not None


def test_bad_toml_is_one_line(pub, monkeypatch, tmp_path):
    path = _config(tmp_path, "[wordpress\nurl = 1\n", 0o600)
    monkeypatch.setenv("THREADPRESS_CONFIG", str(path))
    one_line_error(pub(REF, "--author", AUTHOR, "--to", "wordpress"), str(path), "not valid TOML")


def test_no_credential_options_exist_on_the_command_line():
    from threadpress.cli.publish import publish

    names = " ".join(o for p in publish.params for o in getattr(p, "opts", []))
    for word in ("password", "key", "token", "user", "secret"):
        assert word not in names


# -- Markdown ------------------------------------------------------------------------------------

def _front_matter(text: str) -> tuple[dict, str]:
    assert text.startswith("---\n")
    head, body = text[4:].split("\n---\n", 1)
    return yaml.safe_load(head), body


def test_markdown_file_with_front_matter(pub, tmp_path):
    r = pub(REF, "--author", AUTHOR, "--to", "markdown", "-o", str(tmp_path), "--tag", "moa",
            "--tag", "Ukraine: talks", "--date", "2026-01-05T10:00:00Z", "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    path = tmp_path / "negotiations-and-the-attack-on-the-novgorod-residence.md"
    assert out["path"] == str(path) and out["action"] == "written"
    meta, body = _front_matter(path.read_text(encoding="utf-8"))
    assert meta["title"] == "Negotiations and the attack on the Novgorod residence"
    assert meta["draft"] is True and meta["tags"] == ["moa", "Ukraine: talks"]
    assert meta["slug"] == "negotiations-and-the-attack-on-the-novgorod-residence"
    assert meta["date"].isoformat() == "2026-01-05T10:00:00+00:00"
    assert not body.lstrip().startswith("# ")  # the title lives in the front matter
    assert body.lstrip().startswith("Comments by karlof1")
    assert "Posted by: karlof1 | Dec 29 2025" in body
    digest = json.loads(pub(REF, "--author", AUTHOR, "--to", "markdown", "-o", "-", "--json").stdout)["text"]
    assert _front_matter(digest)[1] == body


def test_markdown_hostile_title_round_trips_and_publish_is_not_draft(pub, tmp_path):
    title = 'He said: "no" # not a comment\n- [x] {y}: @z \\ \u2028 \x85 ok'
    target = tmp_path / "post.md"
    r = pub(REF, "--author", AUTHOR, "--to", "markdown", "-o", str(target), "--title", title, "--publish")
    assert r.exit_code == 0, r.output
    meta, _ = _front_matter(target.read_text(encoding="utf-8"))
    assert meta["title"] == title and meta["draft"] is False
    assert meta["slug"] == "he-said-no-not-a-comment-x-y-z-ok"


@given(st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=60))
def test_yaml_string_round_trips(value):
    from threadpress.publish.markdown import yaml_string

    quoted = yaml_string(value)
    assert "\n" not in quoted
    assert yaml.safe_load(f"k: {quoted}\n")["k"] == value


def test_markdown_stdout_and_bad_options(pub, tmp_path):
    r = pub(REF, "--author", AUTHOR, "--to", "markdown", "-o", "-")
    assert r.exit_code == 0 and r.stdout.startswith("---\ntitle: ")
    one_line_error(pub(REF, "--author", AUTHOR, "--to", "markdown", "--slug", "Not A Slug"), "--slug",
                   "not-a-slug")
    one_line_error(pub(REF, "--author", AUTHOR, "--to", "markdown", "--date", "yesterday"), "--date")
    one_line_error(pub(REF, "--author", AUTHOR, "--to", "markdown", "-o", str(tmp_path / "no" / "x.md")),
                   "no such folder")
    one_line_error(pub(REF, "--to", "markdown"), "--author")
    one_line_error(pub(REF, "--author", AUTHOR, "--composition", "1", "--to", "markdown"), "--composition")
    one_line_error(pub(REF, "--author", "nobody-here", "--to", "markdown"), "--author 'nobody-here'")
    assert list(tmp_path.iterdir()) == []


# -- HTML and the clipboard -----------------------------------------------------------------------

def test_html_file_is_a_clean_page(pub, tmp_path):
    thread = tmp_path / "t.txt"
    thread.write_text(moa_text([("ann", "Read <script>alert(1)</script> this."), ("bob", "{f1}\nNo.")],
                               title="A & B"), encoding="utf-8")
    out = tmp_path / "out.html"
    r = pub(str(thread), "--author", "bob", "--to", "html", "-o", str(out), "--title", "Bob <answers>")
    assert r.exit_code == 0, r.output
    page = out.read_text(encoding="utf-8")
    assert "<title>Bob &lt;answers&gt;</title>" in page and "<h2>Bob &lt;answers&gt;</h2>" in page
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "Posted by: bob | Dec 29 2025 14:07 utc | 2" in page
    assert "<blockquote>" in page and "style=" not in page and "class=" not in page


def test_clipboard_without_one_is_a_clear_error_and_writes_nothing(pub, tmp_path, monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    out = tmp_path / "x.html"
    one_line_error(pub(REF, "--author", AUTHOR, "--to", "html", "--clipboard", "-o", str(out)),
                   "--clipboard", "no clipboard here")
    assert not out.exists()
    one_line_error(pub(REF, "--author", AUTHOR, "--to", "markdown", "--clipboard"), "html")
    one_line_error(pub(REF, "--author", AUTHOR, "--to", "ghost", "--clipboard"), "--clipboard")


def test_clipboard_gets_text_html_through_xclip(pub, tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    record = tmp_path / "xclip.txt"
    tool = bin_dir / "xclip"  # stands in for xclip: records its arguments and what it was given
    tool.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > {record}.args\ncat > {record}\n', encoding="utf-8")
    tool.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("DISPLAY", ":99")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    r = pub(REF, "--author", AUTHOR, "--to", "html", "--clipboard", "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["action"] == "copied"
    assert (tmp_path / "xclip.txt.args").read_text().split() == ["-selection", "clipboard", "-t", "text/html"]
    copied = record.read_text(encoding="utf-8")
    assert copied.startswith("<h2>Negotiations and the attack on the Novgorod residence</h2>\n")
    assert copied.endswith(expected_html())


# -- compositions and state ---------------------------------------------------------------------

def test_composition_markdown_and_unknown_composition(pub, db, tmp_path):
    from threadpress.load import load
    from threadpress.store import Store
    from threadpress.web.compositions import Item, from_digest, save

    thread = load(REF)
    with Store(db) as store:
        store.ingest(thread)
        comp = from_digest(thread, AUTHOR)
        comp.items = [Item(note="Why I wrote this."), *comp.items[:2]]
        comp.title = "Mine"
        save(store, comp)
    r = pub("--composition", str(comp.id), "--to", "markdown", "-o", "-")
    assert r.exit_code == 0, r.output
    meta, body = _front_matter(r.stdout)
    assert meta["title"] == "Mine" and meta["slug"] == "mine"
    assert body.lstrip().startswith("Comments by karlof1") and "Why I wrote this." in body
    one_line_error(pub("--composition", "999", "--to", "markdown"), "composition 999")


def test_ghost_and_wordpress_state_are_kept_apart(pub, ghost, db):
    from threadpress.publish import state
    from threadpress.store import Store

    pub(REF, "--author", AUTHOR, "--to", "ghost")
    pub(REF, "--author", AUTHOR, "--replies", "--to", "ghost")  # same thread and author: the same post
    with Store(db) as store:
        rows = state.listing(store)
    assert len(rows) == 1 and len(ghost.posts) == 1
    assert rows[0]["post_key"].startswith("digest:") and rows[0]["post_key"].endswith(":karlof1")
    assert rows[0]["target"] == "ghost" and rows[0]["site"] == ghost.url
