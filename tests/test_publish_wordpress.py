"""Publishing to a real WordPress: WordPress Playground on 127.0.0.1 with Debian's WordPress files.

One server for the whole session (tests/wordpress/playground.py; prepared by tests/wordpress/prepare.sh).
Each test reads what landed back through the REST API with the admin's application password.
If the server cannot start, these tests FAIL: they never skip.
"""

from __future__ import annotations

import json

import httpx
import pytest
from conftest import FIXTURES, ROOT

REF = str(FIXTURES / "reference" / "reference-thread.txt")
AUTHOR = "karlof1"


@pytest.fixture(scope="session")
def wordpress(tmp_path_factory):
    import sys

    sys.path.insert(0, str(ROOT / "tests" / "wordpress"))
    from playground import Playground, PlaygroundError

    wp = Playground(tmp_path_factory.mktemp("wordpress"))
    try:
        wp.start()
    except PlaygroundError as e:
        pytest.fail(f"the test WordPress did not start: {e}", pytrace=False)
    yield wp
    wp.stop()


@pytest.fixture
def wp_env(wordpress, monkeypatch, tmp_path):
    monkeypatch.setenv("THREADPRESS_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("THREADPRESS_WP_URL", wordpress.url)
    monkeypatch.setenv("THREADPRESS_WP_USER", wordpress.user)
    monkeypatch.setenv("THREADPRESS_WP_APP_PASSWORD", wordpress.app_password)
    return wordpress


@pytest.fixture
def publish_cli(cli):
    """The `cli` fixture with the publish command registered (the lead wires it into the group)."""
    from threadpress.cli import main
    from threadpress.cli.publish import publish

    added = "publish" not in main.commands
    if added:
        main.add_command(publish)
    yield cli
    if added:
        main.commands.pop("publish", None)


def read_back(wp, post_id) -> dict:
    r = httpx.get(f"{wp.url}/wp-json/wp/v2/posts/{post_id}", params={"context": "edit"},
                  auth=(wp.user, wp.app_password), timeout=60)
    assert r.status_code == 200, r.text
    return r.json()


def drafts_titled(wp, words: str) -> list[dict]:
    r = httpx.get(f"{wp.url}/wp-json/wp/v2/posts", params={"status": "draft,publish", "search": words,
                                                           "context": "edit", "per_page": 100},
                  auth=(wp.user, wp.app_password), timeout=60)
    assert r.status_code == 200, r.text
    return r.json()


def publish_json(publish_cli, *args):
    r = publish_cli("publish", *args, "--to", "wordpress", "--json")
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def expected_post(title=None, tags=()):
    from threadpress.digest import select
    from threadpress.load import load
    from threadpress.publish import from_digest

    return from_digest(select(load(REF), AUTHOR), title=title, tags=tags)


def test_draft_lands_and_second_publish_updates_it(publish_cli, wp_env):
    first = publish_json(publish_cli, REF, "--author", AUTHOR, "--title", "Karlof1 on Novgorod (first)")
    assert first["action"] == "created" and first["status"] == "draft"
    post = read_back(wp_env, first["id"])
    assert post["status"] == "draft"
    assert post["title"]["raw"] == "Karlof1 on Novgorod (first)"
    content = post["content"]["raw"]
    assert content == expected_post().html  # the digest arrives exactly as rendered
    assert "Posted by: karlof1 | Dec 29 2025" in content
    assert "safety strips" in content and "<blockquote>" in content

    anonymous = httpx.get(f"{wp_env.url}/wp-json/wp/v2/posts/{first['id']}", timeout=60)
    assert anonymous.status_code in (401, 403, 404)  # a draft is not public

    second = publish_json(publish_cli, REF, "--author", AUTHOR, "--title", "Karlof1 on Novgorod (second)")
    assert second["action"] == "updated" and second["id"] == first["id"]
    post = read_back(wp_env, first["id"])
    assert post["title"]["raw"] == "Karlof1 on Novgorod (second)"
    assert post["slug"] == "karlof1-on-novgorod-first"  # an update keeps the slug, so links keep working
    assert post["status"] == "draft"
    assert post["content"]["raw"] == content
    assert [p["id"] for p in drafts_titled(wp_env, "Karlof1 on Novgorod")] == [int(first["id"])]


def test_tags_become_wordpress_tag_ids_and_publish_goes_live(publish_cli, wp_env):
    made = publish_json(publish_cli, REF, "--author", AUTHOR, "--replies", "--title", "Tagged digest",
                        "--tag", "Moon of Alabama", "--tag", "Q&A")
    post = read_back(wp_env, made["id"])
    names = sorted(httpx.get(f"{wp_env.url}/wp-json/wp/v2/tags/{t}", timeout=60).json()["name"]
                   for t in post["tags"])
    assert names == ["Moon of Alabama", "Q&amp;A"]  # WordPress returns names HTML-escaped
    again = publish_json(publish_cli, REF, "--author", AUTHOR, "--replies", "--title", "Tagged digest",
                         "--tag", "Moon of Alabama", "--tag", "Q&A", "--publish")
    assert again["id"] == made["id"] and again["status"] == "publish"
    post = read_back(wp_env, made["id"])
    assert post["status"] == "publish"
    tags = httpx.get(f"{wp_env.url}/wp-json/wp/v2/tags", params={"per_page": 100}, timeout=60).json()
    assert sorted(t["name"] for t in tags) == ["Moon of Alabama", "Q&amp;A"]  # found again, none made twice
    # republishing without --publish never turns a live post back into a draft
    third = publish_json(publish_cli, REF, "--author", AUTHOR, "--replies", "--title", "Tagged digest")
    assert third["status"] == "publish" and read_back(wp_env, made["id"])["status"] == "publish"


def test_post_deleted_on_the_site_is_made_again(publish_cli, wp_env, tmp_path):
    from moa_text import moa_text

    thread = tmp_path / "t.txt"
    thread.write_text(moa_text([("ann", "First point."), ("bob", "{f1}\nI disagree."),
                                ("ann", "{f2}\nHere is why.")], title="Deleted then again"), encoding="utf-8")
    first = publish_json(publish_cli, str(thread), "--author", "ann")
    gone = httpx.delete(f"{wp_env.url}/wp-json/wp/v2/posts/{first['id']}", params={"force": "true"},
                        auth=(wp_env.user, wp_env.app_password), timeout=60)
    assert gone.status_code == 200
    again = publish_json(publish_cli, str(thread), "--author", "ann")
    assert again["action"] == "created" and again["id"] != first["id"]
    third = publish_json(publish_cli, str(thread), "--author", "ann")
    assert third["action"] == "updated" and third["id"] == again["id"]
    assert read_back(wp_env, again["id"])["title"]["raw"] == "Deleted then again"


def test_wrong_application_password_is_one_line_401(publish_cli, wp_env, monkeypatch):
    monkeypatch.setenv("THREADPRESS_WP_APP_PASSWORD", "abcd efgh ijkl mnop qrst uvwx")
    r = publish_cli("publish", REF, "--author", AUTHOR, "--to", "wordpress")
    assert r.exit_code == 1 and r.stdout == ""
    line = r.stderr.strip()
    assert "\n" not in line and "Traceback" not in r.stderr
    assert line.startswith("threadpress: error: wordpress: 401")
    assert "THREADPRESS_WP_APP_PASSWORD" in line


def test_composition_from_the_web_app_publishes_and_updates(publish_cli, wp_env, db):
    from threadpress.load import load
    from threadpress.store import Store
    from threadpress.web.compositions import Item, from_digest, save

    thread = load(REF)
    with Store(db) as store:
        store.ingest(thread)
        comp = from_digest(thread, AUTHOR)
        comp.title = "Composed: the Novgorod thread"
        comp.items.insert(0, Item(note="My notes <b>before</b> the comments."))
        save(store, comp)
    first = publish_json(publish_cli, "--composition", str(comp.id))
    post = read_back(wp_env, first["id"])
    assert post["title"]["raw"] == "Composed: the Novgorod thread"
    assert "<p>My notes &lt;b&gt;before&lt;/b&gt; the comments.</p>" in post["content"]["raw"]
    assert post["status"] == "draft"
    with Store(db) as store:
        comp.title = "Composed: the Novgorod thread, edited"
        save(store, comp)
    second = publish_json(publish_cli, "--composition", str(comp.id))
    assert second["action"] == "updated" and second["id"] == first["id"]
    assert read_back(wp_env, first["id"])["title"]["raw"] == "Composed: the Novgorod thread, edited"
