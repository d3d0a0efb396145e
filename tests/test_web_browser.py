"""The web app in a real browser: Playwright driving Debian's chromium (/usr/bin/chromium).

These tests fail, never skip, when chromium or playwright is missing: CI installs both.
Set THREADPRESS_SCREENSHOTS=DIR to keep the screenshots (docs/images holds the published ones).
"""

from __future__ import annotations

import base64
import os
import socket
import threading
import time
import warnings
from datetime import datetime, timezone
from pathlib import Path

import pytest

from conftest import EXAMPLE
from threadpress.load import load
from threadpress.model import Comment, ReplyEdge, Thread
from threadpress.store import Store

CHROMIUM = os.environ.get("THREADPRESS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
AUTHOR = "Rowan Ashgrove"
XSS_HTML = ('<p>Look <script>window.pwned = "script"</script>'
            '<img src="x" onerror="window.pwned = \'onerror\'">'
            '<a id="jslink" href="javascript:window.pwned = \'href\'">here</a>'
            '<svg onload="window.pwned = \'svg\'"></svg> <b>safe bold</b></p>')


def _hostile_thread() -> Thread:
    when = datetime(2025, 12, 29, 14, 0, tzinfo=timezone.utc)
    return Thread(id="test:hostile", source="generic", url="javascript:window.pwned='url'",
                  title="Hostile <img src=x onerror=window.pwned='title'>", comments=[
                      Comment(id="1", number=1, author="Mallory<script>window.pwned='name'</script>",
                              created_at=when, html=XSS_HTML, text="Look here"),
                      Comment(id="2", number=2, author="Dave", created_at=when, html="<p>an answer</p>",
                              text="an answer", parents=[ReplyEdge("1", "inferred", 0.7, "gap")]),
                  ])


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The app on 127.0.0.1 at an ephemeral port, in a background thread, over a fresh archive."""
    import uvicorn

    from threadpress.web import create_app

    db = tmp_path_factory.mktemp("web") / "archive.db"
    thread = load(str(EXAMPLE / "thread.html"))
    with Store(db) as s:
        s.ingest(thread)
        s.ingest(_hostile_thread())
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(create_app(db), log_level="warning"))
    worker = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    worker.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the app did not start"
        time.sleep(0.02)
    yield {"base": f"http://127.0.0.1:{sock.getsockname()[1]}", "thread": thread}
    server.should_exit = True
    worker.join(10)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (the browser tests do not skip)")
    from playwright.sync_api import sync_playwright

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield b
            b.close()


@pytest.fixture
def page(browser, site):
    context = browser.new_context(viewport={"width": 1100, "height": 850}, accept_downloads=True,
                                  permissions=["clipboard-read", "clipboard-write"])
    context.set_default_timeout(10_000)
    pg = context.new_page()
    pg.dialogs = []
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    pg.errors = []
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    yield pg
    context.close()


def check_not_blank(page, png: bytes, name: str) -> None:
    """Decode the screenshot in the browser and require real content: many colours, much non-white."""
    out = os.environ.get("THREADPRESS_SCREENSHOTS")
    if out:
        Path(out).mkdir(parents=True, exist_ok=True)
        Path(out, name).write_bytes(png)
    blank = page.context.new_page()
    stats = blank.evaluate("""async (b64) => {
        const img = new Image(); img.src = "data:image/png;base64," + b64; await img.decode();
        const c = document.createElement("canvas"); c.width = img.width; c.height = img.height;
        const g = c.getContext("2d"); g.drawImage(img, 0, 0);
        const d = g.getImageData(0, 0, c.width, c.height).data;
        const colours = new Set(); let ink = 0, n = 0;
        for (let i = 0; i < d.length; i += 4 * 7) {
            n++; colours.add((d[i] >> 3) + "," + (d[i+1] >> 3) + "," + (d[i+2] >> 3));
            if (d[i] + d[i+1] + d[i+2] < 600) ink++;
        }
        return {w: c.width, h: c.height, colours: colours.size, ink: ink / n};
    }""", base64.b64encode(png).decode())
    blank.close()
    assert stats["w"] > 300 and stats["h"] > 300, stats
    assert stats["colours"] >= 8 and stats["ink"] > 0.02, f"{name} looks blank: {stats}"


def wait_until(page, expression: str, timeout: float = 10.0) -> None:
    """Poll a JS expression (page.wait_for_function evaluates strings, which our CSP forbids)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(f"() => Boolean({expression})"):
        assert time.monotonic() < deadline, f"timed out waiting for {expression}: " + page.evaluate(
            "() => (document.querySelector('#save-status') || {}).textContent")
        page.wait_for_timeout(50)


def thread_url(site) -> str:
    return f"{site['base']}/threads/{site['thread'].id}"


def test_thread_tree_toggle_and_hover_shows_the_answered_comment(page, site):
    page.goto(thread_url(site))
    assert page.locator("ol.comments > li").count() == len(site["thread"].comments)
    page.click("#view-tree")
    page.wait_for_url("**view=tree**")
    assert page.locator("#view-tree").get_attribute("aria-current") == "page"
    nested = page.locator("ol.comments.tree li.comment:not(.d0)")
    assert nested.count() > 20
    reply = nested.first
    link = reply.locator("a.reply-link").first
    target_id = link.get_attribute("data-target")
    target_text = " ".join(page.locator(f"#{target_id} .body").inner_text().split())
    tip = page.locator("#tip")
    assert tip.is_hidden()
    link.hover()
    tip.wait_for(state="visible")
    assert target_text[:60] in " ".join(tip.inner_text().split())
    # keyboard: focus shows it too, Escape hides it, Enter follows the jump link
    page.mouse.move(0, 0)
    link.focus()
    tip.wait_for(state="visible")
    assert link.get_attribute("aria-describedby") == "tip"
    page.keyboard.press("Escape")
    tip.wait_for(state="hidden")
    link.press("Enter")
    page.wait_for_url(f"**#{target_id}")
    # and back down: the target lists the reply
    assert page.locator(f"#{target_id} .replies a[href='#{reply.get_attribute('id')}']").count() == 1
    check_not_blank(page, page.screenshot(), "web-thread.png")


def test_author_highlight_and_author_page(page, site):
    page.goto(thread_url(site))
    page.select_option("#author-pick", AUTHOR)
    page.click("button:text('Highlight')")
    page.wait_for_url("**author=**")
    mine = [c for c in site["thread"].comments if c.author == AUTHOR]
    assert page.locator("li.comment.hl").count() == len(mine)
    page.select_option("#author-pick", AUTHOR)
    page.click("#author-btn")
    page.wait_for_selector("#stat-comments")
    assert page.locator("#stat-comments").inner_text() == str(len(mine))
    assert page.locator("ol.mine > li").count() == len(mine)
    check_not_blank(page, page.screenshot(full_page=False), "web-author.png")


def test_compose_remove_one_comment_add_a_note_and_download(page, site, tmp_path):
    page.goto(thread_url(site))
    page.select_option("#author-pick", AUTHOR)
    page.click("#compose-btn")
    page.click("#start-btn")
    page.wait_for_selector("#compose-form")
    rows = page.locator("#rows > li.comment")
    first_author_row = page.locator("#rows > li.comment", has_text=AUTHOR).first
    removed = " ".join(first_author_row.locator(".body").inner_text().split())[:80]
    assert removed in " ".join(page.locator("#preview").inner_text().split())
    first_author_row.locator("input[name=keep]").uncheck()
    note = "(I made this statement before the news broke.)"
    rows.nth(1).locator("button.add-note").click()
    page.keyboard.type(note)
    wait_until(page, "document.querySelector('#save-status').textContent.startsWith('Saved')"
                           " && document.querySelector('#preview').textContent.includes('before the news broke')")
    preview = " ".join(page.locator("#preview").inner_text().split())
    assert note in preview and removed not in preview
    with page.expect_download() as dl:
        page.click("#dl-md")
    path = tmp_path / "digest.md"
    dl.value.save_as(path)
    text = path.read_text()
    assert dl.value.suggested_filename.endswith(".md")
    assert text.startswith("# ") and note in text
    assert removed[:40] not in " ".join(text.split())
    assert "Posted by: Rowan Ashgrove | " in text
    # rich text on the clipboard: both text/html and text/plain
    page.click("#copy-btn")
    wait_until(page, "document.querySelector('#copy-status').textContent === 'Copied.'")
    kinds = page.evaluate("""async () => { const items = await navigator.clipboard.read();
        const out = {}; for (const t of items[0].types) out[t] = await (await items[0].getType(t)).text(); return out; }""")
    assert note in kinds["text/plain"] and "<blockquote>" in kinds["text/html"] and note in kinds["text/html"]
    # reopening restores the composition
    page.reload()
    assert page.locator("#rows > li.note textarea").input_value() == note
    assert not page.locator("#rows > li.comment", has_text=AUTHOR).first.locator("input[name=keep]").is_checked()
    check_not_blank(page, page.screenshot(), "web-compose.png")


def test_hostile_comment_runs_nothing(page, site):
    page.goto(f"{site['base']}/threads/test:hostile")
    page.locator("a.reply-link").first.hover()
    page.wait_for_selector("#tip", state="visible")
    page.locator("#c1 .body b").click()
    links = page.locator("#c1 .body a")
    assert links.count() == 1 and links.first.get_attribute("href") is None  # javascript: dropped by nh3
    links.first.click()
    page.wait_for_timeout(300)
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert page.dialogs == [] and page.errors == []
    assert "Mallory<script>" in page.locator("#c1 .who").inner_text()  # shown as text, not run
    # the same payload as a composer note, typed in the browser, previewed live
    page.goto(f"{site['base']}/threads/test:hostile/compose?author=Dave")
    page.click("#start-btn")
    page.wait_for_selector("#compose-form")
    page.click("button.add-note >> nth=0")
    page.keyboard.type('<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>')
    wait_until(page, "document.querySelector('#preview').textContent.includes('onerror')")
    page.wait_for_timeout(200)
    assert page.evaluate("typeof window.pwned") == "undefined" and page.dialogs == []


def test_add_a_thread_by_pasting_text_and_see_errors(page, site):
    page.goto(f"{site['base']}/threads")
    page.fill("#add-url", "file:///etc/passwd")
    page.click("#add-form button[type=submit]")
    err = page.locator("#add-error")
    err.wait_for()
    assert "only http and https URLs can be added" in err.inner_text()
    page.fill("#add-url", "")
    text = (EXAMPLE / "thread.txt").read_text()
    page.fill("#add-text", text)
    page.click("#add-form button[type=submit]")
    page.wait_for_url("**/threads/**", timeout=30_000)
    assert page.locator("ol.comments > li").count() > 100


def test_pages_fit_a_phone_and_do_not_shift(page, site):
    page.set_viewport_size({"width": 390, "height": 844})
    for url in (f"{site['base']}/threads", thread_url(site) + "?view=tree",
                f"{thread_url(site)}/author?name={AUTHOR}"):
        page.goto(url)
        page.wait_for_load_state("load")
        page.wait_for_timeout(200)
        width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert width[0] <= width[1], f"{url} scrolls sideways on a phone: {width}"
        shift = page.evaluate("""() => new Promise((ok) => { let total = 0;
            new PerformanceObserver((list) => { for (const e of list.getEntries()) total += e.value; })
              .observe({type: "layout-shift", buffered: true});
            setTimeout(() => ok(total), 100); })""")
        assert shift < 0.01, f"{url}: layout shift {shift}"
    # the skip link is the first thing the keyboard reaches
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"

