"""watch: a real HTTP server on 127.0.0.1 serves a live thread on a scripted timeline.

The thread grows, spills onto a second comment page, loses a comment (which renumbers the rest),
has a comment edited, changes its page template, answers with 503 bursts and a timeout, and the
machine sleeps for six hours; the watcher is restarted half way. Time is a scripted clock: the
watcher's sleeps and the fetcher's backoff sleeps advance it instead of waiting.
"""

from __future__ import annotations

import hashlib
import html
import itertools
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import feedparser
import pytest
from conftest import ROOT
from httpserver import Reply as HttpReply

from threadpress.errors import InputError
from threadpress.feed import entry_id, write_feed
from threadpress.fetch import Fetcher
from threadpress.load import fetch_thread
from threadpress.store import Store
from threadpress.watch import (
    MAX_NAP,
    DeferredInterrupt,
    Interrupted,
    Notice,
    Polled,
    PollFailed,
    Reply,
    Watcher,
    WatchOptions,
    announced,
    parse_duration,
    run_exec,
)

ME = "Rowan Ashgrove"
PATH = "/2025/12/ceasefire-theatre.html"
T0 = datetime(2025, 12, 31, 10, 0, tzinfo=timezone.utc)
EVERY = 300.0


def xid(n: int) -> str:
    return f"6a00d8341c{n:06x}"


@dataclass
class Post:
    n: int  # our label; the page numbers comments by position, so numbers shift when one is deleted
    author: str
    minute: int
    body: str

    @property
    def when(self) -> datetime:
        return T0 + timedelta(minutes=self.minute)

    @property
    def stamp(self) -> str:
        w = self.when
        return f"{w:%b} {w.day} {w:%Y %H:%M} utc"


@dataclass
class Site:
    """The thread as the server currently serves it."""

    server: object
    posts: list[Post] = field(default_factory=list)
    template: str = "classic"
    page_size: int = 6
    validators: bool = True  # ETag (304 when unchanged); else a visit counter that changes every request

    @property
    def base(self) -> str:
        return self.server.url(PATH)

    def number(self, label: int) -> int:
        return next(i for i, p in enumerate(self.posts, 1) if p.n == label)

    def address(self, label: int, *, number: int | None = None) -> str:
        """A copied footer `NAME | date | N` (pass `number` to write a stale one)."""
        p = next(p for p in self.posts if p.n == label)
        return f"{p.author} | {p.stamp} | {number if number is not None else self.number(label)}"

    def page(self, page: int, visit: int = 0) -> str:
        rows = list(enumerate(self.posts, 1))[(page - 1) * self.page_size: page * self.page_size]
        out = ['<!DOCTYPE html><html><head><meta charset="utf-8"><title>Ceasefire Theatre | Moon of Alabama</title>'
               '</head><body><div class="entry"><h3 class="entry-header">Ceasefire Theatre</h3>'
               '<div class="entry-body"><p>The talks are stalled.</p></div>'
               f'<p class="posted">Posted by b on December 31, 2025 at 09:14 AM | <a href="{self.base}">Permalink</a>'
               '</p></div><div class="comments" id="comments">']
        for number, p in rows:
            link = f'<a href="{self.base}#c{xid(p.n)}">{p.stamp}</a>'
            who = html.escape(p.author)
            if self.template == "classic":
                out.append(f'<a id="c{xid(p.n)}"></a><div class="comment" id="comment-{xid(p.n)}">'
                           f'<div class="comment-content">{p.body}</div>'
                           f'<p class="comment-footer">Posted by: {who} | {link} | {number}</p></div>')
            else:  # the new template: no Typepad classes, different wrappers, same footer text and anchors
                out.append(f'<article class="reply"><section class="txt">{p.body}</section>'
                           f'<footer><span>Posted by: {who} | {link} | {number}</span></footer></article>')
        if len(self.posts) > page * self.page_size:
            out.append(f'<div class="comments-nav"><a rel="next" href="?page={page + 1}#comments">Next »</a></div>')
        if not self.validators:
            out.append(f'<div class="sidebar">Visitors today: {1000 + visit}</div>')
        out.append("</div></body></html>")
        return "\n".join(out)

    def publish(self, *, first: list[HttpReply] | None = None) -> None:
        """Serve the current thread; `first` are answers served before it on page 1 (503s, a timeout)."""
        pages = max(1, -(-len(self.posts) // self.page_size))
        for page in range(1, pages + 1):
            path = PATH if page == 1 else f"{PATH}?page={page}"
            if self.validators:
                body = self.page(page)
                tag = '"' + hashlib.sha1(body.encode()).hexdigest()[:12] + '"'
                replies = [HttpReply(200, body, {"Content-Type": "text/html; charset=utf-8"}, etag=tag)]
            else:
                replies = [HttpReply(200, self.page(page, visit), {"Content-Type": "text/html; charset=utf-8"})
                           for visit in range(200)]
            if page == 1 and first:
                replies = [*first, *replies]
            self.server.route(path, *replies)


class Timeline:
    """A scripted clock. `sleep` advances it and applies the changes that are due."""

    def __init__(self, start: float) -> None:
        self.now = start
        self.steps: list[tuple[float, object]] = []
        self.slept: list[float] = []

    def at(self, offset: float, change) -> None:
        self.steps.append((self.start + offset, change))
        self.steps.sort(key=lambda s: s[0])

    @property
    def start(self) -> float:
        return T0.timestamp()

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.slept.append(seconds)
        self.now += seconds
        while self.steps and self.steps[0][0] <= self.now:
            _, change = self.steps.pop(0)
            change()

    def offset(self) -> float:
        return self.now - self.start


def watcher(store: Store, site: Site, tl: Timeline, tmp_path: Path, events: list, **options) -> Watcher:
    fetcher = Fetcher(cache_dir=tmp_path / "cache", retries=2, timeout=0.4, sleep=tl.sleep)

    def on_event(event):
        events.append((tl.offset(), event))

    return Watcher(store, [site.base], WatchOptions(author=ME, every=EVERY, **options), on_event=on_event,
                   fetch=lambda url: fetch_thread(url, fetcher=fetcher), clock=tl.clock, sleep=tl.sleep,
                   rng=random.Random(7))


def replies_in(events) -> list[tuple[str, str]]:
    return [(e.data["reply"]["id"], e.data["to"]["id"]) for _, e in events if isinstance(e, Reply)]


def test_watch_follows_a_live_thread_through_a_scripted_timeline(server, tmp_path):
    site = Site(server)
    tl = Timeline(T0.timestamp())
    p = site.posts
    # At the start: one reply to the author already there (announced on the first poll).
    p += [Post(1, "Aldous K", 5, "<p>Thanks b, the Varga statement is the key document here.</p>"),
          Post(2, ME, 7, "<p>The ceasefire talk is theatre: nobody has drawn a line on any map yet.</p>"),
          Post(3, "Sable", 9, ""),
          Post(4, "Nils Åberg", 11, "<p>Thanks b, clearer than anything in our papers.</p>")]
    p[2].body = f"<p>{site.address(2)}</p><p>I disagree, the maps exist.</p>"
    site.publish()

    def grow():  # +20 min: the author answers; somebody quotes the author's first comment
        p.append(Post(5, ME, 21, "<p>Sable, the maps exist only in Westmarch; nobody in Sorvik has seen them.</p>"))
        p.append(Post(6, "Hieronymus", 23,
                      "<blockquote>nobody has drawn a line on any map yet</blockquote><p>Exactly right.</p>"))
        site.publish()

    def page_two():  # +40 min: more comments than fit on one page; replies land on page 2
        p.append(Post(7, "Pellinore", 41, "<p>@Rowan Ashgrove the maps were printed in Halvard.</p>"))
        p.append(Post(8, "Mina_77", 43, "<p>@5 that is wishful thinking.</p>"))
        # "@4" is Nils here; after the deletion below, #4 is the author's: not a new reply to announce.
        p.append(Post(14, "Ilse", 45, "<p>@4 our papers are no better, they copy each other.</p>"))
        site.publish()

    def deletion():  # +90 min: the moderator deletes comment 1; everybody's number drops by one
        stale = site.address(5)  # written before the deletion: "| 5", now pointing at the wrong comment
        del p[0]
        p.append(Post(9, "Ottoline", 88, f"<p>{stale}</p><p>Westmarch is not the world.</p>"))
        site.publish()

    def burst():  # +2 h: three 503s with Retry-After, then the page again, with an edit and a new reply
        p[1].body = f"<p>{site.address(2)}</p><p>I disagree, the maps exist. [edit: they were shown in Halvard]</p>"
        p.append(Post(10, "Dr. Kettle-Black", 118, f"<p>{site.address(2)}--</p><p>Theatre is how wars end.</p>"))
        busy = HttpReply(503, "busy", {"Retry-After": "120"})
        site.publish(first=[busy, busy, busy])

    def new_template():  # +3 h (second run): a new page template, without validators, with a visit counter
        site.template, site.validators = "flat", False
        p.append(Post(11, "Sable", 175, "<p>@Rowan Ashgrove fair point about Sorvik.</p>"))
        site.publish()

    def slow():  # +3 h 30: three answers in a row take longer than the client's timeout (0.4 s)
        page = site.page(1)
        late = HttpReply(200, page, delay=0.8)
        site.server.route(PATH, late, late, late, HttpReply(200, page))

    def laptop_lid():  # +4 h: the machine sleeps six hours; meanwhile the author and a reply to them appear
        p.append(Post(12, ME, 300, "<p>Replying to everyone at once: the line will be drawn by the front.</p>"))
        p.append(Post(13, "Aldous K", 302, ""))
        p[-1].body = f"<p>{site.address(12)}</p><p>Then there is nothing to negotiate.</p>"
        site.publish()
        tl.now += 6 * 3600

    for offset, change in [(20 * 60, grow), (40 * 60, page_two), (90 * 60, deletion), (120 * 60, burst),
                           (180 * 60, new_template), (210 * 60, slow), (240 * 60, laptop_lid)]:
        tl.at(offset, change)

    db = tmp_path / "archive.db"
    first_run: list = []
    with Store(db) as store:
        assert watcher(store, site, tl, tmp_path, first_run, duration=2.5 * 3600).run() == "time limit"
    # The restart: a new process would open the archive again, with a new fetcher.
    second_run: list = []
    with Store(db) as store:
        w = watcher(store, site, tl, tmp_path, second_run, until_quiet=3 * 3600)
        assert w.run() == "quiet"

    expected = {
        (xid(3), xid(2)),   # address, there before the watch started
        (xid(6), xid(2)),   # quote
        (xid(7), xid(5)),   # @NAME: the author's latest earlier comment
        (xid(8), xid(5)),   # @5 while 5 was the author's
        (xid(9), xid(5)),   # a stale address number after the deletion: name and time decide
        (xid(10), xid(2)),  # after the 503 burst
        (xid(11), xid(5)),  # after the template change, in the second run
        (xid(13), xid(12)),  # while the machine slept
    }
    announced_now = replies_in(first_run) + replies_in(second_run)
    assert len(announced_now) == len(set(announced_now)), "a reply was announced twice"
    assert set(announced_now) == expected
    assert set(replies_in(first_run)) == {k for k in expected if int(k[0][-6:], 16) <= 10}

    # The first run announced the old reply on its first poll, and the quote on the first poll after it
    # appeared (quiet polls had slowed down to 5, 10, 20 minutes apart by then).
    when = {(e.data["reply"]["id"]): t for t, e in first_run if isinstance(e, Reply)}
    polled = [t for t, e in first_run if isinstance(e, Polled)]
    assert when[xid(3)] == polled[0] == 0
    assert polled[:4] == [0, 300, 900, 2100]
    assert when[xid(6)] == min(t for t in polled if t >= 20 * 60)

    # The 503 burst: the fetcher waited as Retry-After asked, then the watch backed off and came back.
    assert 120.0 in tl.slept
    failures = [e for _, e in first_run if isinstance(e, PollFailed)]
    assert len(failures) == 1 and "HTTP 503" in failures[0].message
    assert EVERY <= failures[0].retry_in <= 2 * EVERY

    timeouts = [e for _, e in second_run if isinstance(e, PollFailed)]
    assert len(timeouts) == 1 and timeouts[0].message.endswith("timed out after 2 retries")

    # Conditional GETs: unchanged pages came back as 304s.
    page_requests = server.requests_for(PATH)
    assert any("if-none-match" in r.headers for r in page_requests)
    # One request at a time: no two requests to the server overlapped.
    # (Counted in the server between reading a request and writing its answer: timestamps of the
    # answer's last byte race with the client's next request.)
    assert server.max_in_flight == 1

    # The machine slept: the reply written meanwhile came with the first poll after waking, a minute at most.
    woke = 240 * 60 + 6 * 3600
    second_when = {e.data["reply"]["id"]: t for t, e in second_run if isinstance(e, Reply)}
    assert woke <= second_when[xid(13)] <= woke + MAX_NAP

    # A visit counter that changes on every request is not activity: the same comment records are no change.
    polls = [e for _, e in second_run if isinstance(e, Polled)]
    quiet = [e for e in polls if not e.changed]
    assert quiet, "no poll saw an unchanged thread"
    # Quiet polls slow down, doubling up to the cap, and never poll faster than --every.
    gaps = [e.next_in for e in polls]
    assert min(gaps) == EVERY
    assert max(gaps) == 8 * EVERY
    tail = [e.next_in for e in polls[-4:]]
    assert tail == sorted(tail)

    with Store(db) as store:
        tid = store.resolve_id("typepad")
        thread = store.load_thread(tid)
        status = {c.id: (c.status, c.number) for c in thread.comments}
        # The deleted comment is kept, marked deleted; the others carry their new numbers.
        assert status[xid(1)][0] == "deleted"
        assert status[xid(2)] == ("ok", 1)
        assert status[xid(13)] == ("ok", 13)
        # The edited reply: two versions, announced once.
        texts = [v["text"] for v in store.versions(tid, xid(3))]
        assert len(texts) == 2 and "[edit:" in texts[1] and "[edit:" not in texts[0]
        # Its reply edge survived the deletion and re-ingests.
        assert [e.target_id for e in thread.by_id()[xid(1)].parents] == []
        assert store.conn.execute("SELECT count(*) FROM watch_announcements WHERE delivered_at IS NULL"
                                  ).fetchone()[0] == 0
        feed_path = tmp_path / "replies.xml"
        entries = announced(store, [site.base], ME)
        write_feed(feed_path, entries, author=ME, sources=[site.base])

    feed = feedparser.parse(feed_path.read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert len(feed.entries) == len(expected)
    assert {e.id for e in feed.entries} == {entry_id(r) for r in entries}
    ottoline = next(e for e in feed.entries if e.author == "Ottoline")
    assert ottoline.link == f"{site.base}#c{xid(9)}"
    assert "Westmarch is not the world." in ottoline.content[0].value
    assert ottoline.title.startswith("Ottoline replied to your comment #4")  # its number after the deletion
    assert ottoline.published_parsed[:5] == (2025, 12, 31, 11, 28)


def test_a_reply_recorded_but_not_printed_is_delivered_once_on_restart(server, tmp_path):
    site = Site(server)
    site.posts += [Post(1, ME, 1, "<p>The line will be drawn by the front, not in Halvard.</p>"),
                   Post(2, "Sable", 3, "")]
    site.posts[1].body = f"<p>{site.address(1)}</p><p>Then Halvard is pointless.</p>"
    site.publish()
    tl = Timeline(T0.timestamp())
    db = tmp_path / "archive.db"

    class Crash(Exception):
        pass

    with Store(db) as store:
        w = watcher(store, site, tl, tmp_path, [], duration=600)

        def crash(event):
            if isinstance(event, Reply):
                raise Crash  # as if the process died between the commit and the printing

        w.on_event = crash
        with pytest.raises(Crash):
            w.run()
        assert store.conn.execute("SELECT count(*) FROM watch_announcements").fetchone()[0] == 1

    again: list = []
    with Store(db) as store:
        watcher(store, site, tl, tmp_path, again, duration=900).run()
    assert replies_in(again) == [(xid(2), xid(1))]
    # The replay came before any poll of the new run, and nothing else was announced.
    assert isinstance(again[0][1], Reply)


def test_a_page_that_loses_most_comments_does_not_mark_them_deleted(server, tmp_path):
    site = Site(server, page_size=50)
    site.posts += [Post(i, "Aldous K" if i % 2 else ME, i, f"<p>Comment number {i} about the talks.</p>")
                   for i in range(1, 21)]
    site.publish()
    tl = Timeline(T0.timestamp())
    tl.at(400, lambda: (site.posts.__delitem__(slice(5, None)), site.publish()))
    events: list = []
    db = tmp_path / "archive.db"
    with Store(db) as store:
        watcher(store, site, tl, tmp_path, events, duration=1000).run()
        statuses = [r[0] for r in store.conn.execute("SELECT status FROM comments")]
    assert statuses.count("ok") == 20
    notes = [e.message for _, e in events if isinstance(e, Notice)]
    assert any("15 known comments are missing" in n for n in notes)


def test_not_a_thread_is_an_error_on_the_first_poll(server, tmp_path):
    server.route("/plain", HttpReply(200, "just text", {"Content-Type": "text/plain"}))
    tl = Timeline(T0.timestamp())
    with Store(tmp_path / "a.db") as store:
        site = Site(server)
        w = watcher(store, site, tl, tmp_path, [], duration=600)
        w.sources = [server.url("/plain")]
        with pytest.raises(InputError):
            w.run()


@pytest.mark.parametrize("text, seconds", [("30s", 30), ("5m", 300), ("12h", 43200), ("2d", 172800),
                                           ("1h30m", 5400), (" 90S ", 90), ("1.5h", 5400)])
def test_durations(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text, problem", [("5", "a unit is required"), ("", "empty"), ("5x", "not a duration"),
                                           ("m5", "not a duration"), ("0s", "longer than zero")])
def test_bad_durations(text, problem):
    with pytest.raises(ValueError, match=problem):
        parse_duration(text)


def test_exec_gets_the_reply_on_stdin_and_its_failures_are_one_line(tmp_path):
    out = tmp_path / "got.json"
    script = f"import sys; open({str(out)!r}, 'w').write(sys.stdin.read())"
    assert run_exec(f"{sys.executable} -c {json.dumps(script)}", {"reply": {"author": "Sable"}}) is None
    assert json.loads(out.read_text()) == {"reply": {"author": "Sable"}}
    failed = run_exec(f"{sys.executable} -c \"import sys; sys.exit('no notifier here')\"", {})
    assert failed.startswith("--exec ") and failed.endswith(": exited with status 1: no notifier here")
    assert run_exec("no-such-command-tp --x", {}).endswith("no-such-command-tp: command not found")
    assert "killed after 0.2 s" in run_exec(f"{sys.executable} -c \"import time; time.sleep(5)\"", {}, timeout=0.2)


def test_deferred_interrupt_waits_for_the_end_of_a_held_block():
    guard = DeferredInterrupt()
    guard.install()
    try:
        done = []
        with pytest.raises(Interrupted), guard.hold():
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.01)
            done.append("finished")  # the signal arrived in the block; the block still finished
        assert done == ["finished"]
    finally:
        guard.restore()


# -- the command line ------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def watch_command():
    """The command, also before the lead registers the module in cli/__init__.py."""
    from threadpress.cli import main
    from threadpress.cli.watch import watch

    added = "watch" not in main.commands
    if added:
        main.add_command(watch)
    yield
    if added:
        main.commands.pop("watch", None)


LAUNCH = ("from threadpress.cli import main; from threadpress.cli.watch import watch;"
          " main.commands.setdefault('watch', watch); main()")


@pytest.fixture
def scripted(monkeypatch):
    """Run the CLI on a scripted clock."""
    import threadpress.cli.watch as cli_watch

    tl = Timeline(T0.timestamp())
    monkeypatch.setattr(cli_watch, "_clock", tl.clock)
    monkeypatch.setattr(cli_watch, "_sleep", tl.sleep)
    return tl


def small_thread(site: Site) -> None:
    site.posts += [Post(1, ME, 1, "<p>The line will be drawn by the front, not in Halvard.</p>"),
                   Post(2, "Sable", 3, ""), Post(3, "Nils Åberg", 5, "<p>Unrelated.</p>")]
    site.posts[1].body = f"<p>{site.address(1)}</p><p>Then Halvard is pointless.</p>"
    site.publish()


def test_cli_watch_prints_json_writes_the_feed_and_runs_exec(cli, server, scripted, tmp_path):
    site = Site(server)
    small_thread(site)

    def later():
        site.posts.append(Post(4, "Pellinore", 30, "<p>@Rowan Ashgrove the front moves both ways.</p>"))
        site.publish()

    scripted.at(1200, later)
    feed_path = tmp_path / "feed.xml"
    got = tmp_path / "exec.jsonl"
    hook = f"{sys.executable} -c {json.dumps(f'import sys; open({str(got)!r}, chr(97)).write(sys.stdin.read())')}"
    r = cli("watch", site.base, "--author", "rowan ashgrove", "--every", "5m", "--for", "1h", "--json",
            "--feed", str(feed_path), "--exec", hook)
    assert r.exit_code == 0, r.stderr
    lines = [json.loads(line) for line in r.stdout.splitlines()]
    assert [(d["reply"]["author"], d["to"]["number"], d["how"]) for d in lines] == [
        ("Sable", 1, "address"), ("Pellinore", 1, "mention")]
    assert lines[0]["reply"]["permalink"] == f"{site.base}#c{xid(2)}"
    assert [json.loads(line)["reply"]["id"] for line in got.read_text().splitlines()] == [xid(2), xid(4)]
    feed = feedparser.parse(feed_path.read_bytes())
    assert not feed.bozo and [e.author for e in feed.entries] == ["Pellinore", "Sable"]  # newest first
    assert "watch ended (watched for 1h); 2 replies announced" in r.stderr

    # Run again: the archive remembers; nothing is announced twice, and the feed keeps both entries.
    r = cli("watch", site.base, "--author", ME, "--for", "10m", "--feed", str(feed_path))
    assert r.exit_code == 0, r.stderr
    assert r.stdout == ""
    assert len(feedparser.parse(feed_path.read_bytes()).entries) == 2


def test_cli_watch_line_and_failing_exec(cli, server, scripted):
    site = Site(server)
    small_thread(site)
    r = cli("watch", site.base, "-a", ME, "--for", "6m", "--exec", f"{sys.executable} -c \"raise SystemExit(4)\"")
    assert r.exit_code == 0, r.stderr
    assert r.stdout.splitlines() == [
        f"#2 Sable replied to your #1 (Dec 31 2025 10:01 utc): “Then Halvard is pointless.” {site.base}#c{xid(2)}"]
    assert "warning: --exec" in r.stderr and "exited with status 4" in r.stderr


@pytest.mark.parametrize("args, message", [
    (["--every", "5"], "a unit is required"),
    (["--every", "10s"], "too often"),
    (["--for", "soon"], "not a duration"),
])
def test_cli_watch_bad_options(cli, args, message):
    r = cli("watch", "https://example.org/t.html", "--author", ME, *args)
    assert r.exit_code == 2 and message in r.stderr


def test_cli_watch_needs_a_url_or_a_stored_thread(cli):
    r = cli("watch", "nothing-like-this", "--author", ME)
    assert r.exit_code == 1
    assert r.stderr.strip() == ("threadpress: error: nothing-like-this: watch needs an http(s) URL or a stored"
                                " thread that has one")


def test_ctrl_c_stops_cleanly(server, tmp_path):
    """A real process, a real SIGINT while it waits for the next poll."""
    site = Site(server)
    small_thread(site)
    db, feed_path = tmp_path / "archive.db", tmp_path / "feed.xml"
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-c", LAUNCH, "--db", str(db), "watch", site.base, "--author", ME, "--every", "1h",
         "--json", "--feed", str(feed_path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    watchdog = threading.Timer(60, proc.kill)  # never hang the suite, whatever goes wrong
    watchdog.start()
    try:
        first = proc.stdout.readline()  # the first poll announced the reply; now it sleeps
        assert json.loads(first)["reply"]["id"] == xid(2)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        watchdog.cancel()
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130
    lines = err.decode().strip().splitlines()
    assert lines[-1] == "threadpress: interrupted; 1 reply announced"
    assert "Traceback" not in err.decode()
    assert out == b""
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no temp files left
    feed = feedparser.parse(feed_path.read_bytes())
    assert not feed.bozo and len(feed.entries) == 1
    with Store(db) as store:
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert store.conn.execute("SELECT count(*) FROM watch_announcements WHERE delivered_at IS NOT NULL"
                                  ).fetchone()[0] == 1


def test_cli_watch_a_stored_thread_by_its_id(cli, server, scripted, db):
    site = Site(server)
    small_thread(site)
    with Store(db) as store:
        tid = store.ingest(fetch_thread(site.base, fetcher=Fetcher(cache_dir=None))).thread_id
    r = cli("watch", tid.split(":", 1)[1][:6], "--author", ME, "--for", "5m", "--json")
    assert r.exit_code == 0, r.stderr
    assert [json.loads(line)["reply"]["id"] for line in r.stdout.splitlines()] == [xid(2)]
    # Nothing new for the archive (so the next poll is later), but one reply not announced before.
    assert "Ceasefire Theatre: 1 reply; next poll in 10m" in r.stderr


def test_errors_back_off_with_jitter_and_honour_a_retry_after_the_fetcher_reports(tmp_path):
    """Scheduling alone, with a fake fetch: failures double the wait (with jitter, never below --every);
    a FetchError that carries the server's Retry-After (seconds) is waited out in full."""
    from threadpress.errors import FetchError

    tl = Timeline(T0.timestamp())
    attempts: list[float] = []

    def fetch(url):
        attempts.append(tl.offset())
        err = FetchError(f"{url}: HTTP 503 Service Unavailable after 2 retries")
        if len(attempts) == 4:
            err.retry_after = 5 * 3600
        raise err

    events: list = []
    with Store(tmp_path / "a.db") as store:
        w = Watcher(store, ["https://example.org/t.html"], WatchOptions(author=ME, every=EVERY, duration=8 * 3600),
                    on_event=lambda e: events.append(e), fetch=fetch, clock=tl.clock, sleep=tl.sleep,
                    rng=random.Random(3))
        assert w.run() == "time limit"
    waits = [e.retry_in for e in events if isinstance(e, PollFailed)]
    gaps = [b - a for a, b in itertools.pairwise(attempts)]
    assert gaps == pytest.approx(waits[:len(gaps)])
    assert EVERY <= waits[0] <= 2 * EVERY and 2 * EVERY <= waits[1] <= 4 * EVERY
    assert waits[2] >= 4 * EVERY and all(w <= 8 * EVERY for w in waits[:3])
    assert waits[3] == 5 * 3600


def test_a_thread_disallowed_by_robots_txt_is_never_fetched(server, tmp_path):
    site = Site(server)
    small_thread(site)
    server.robots("User-agent: threadpress\nDisallow: /2025/\n")
    events: list = []
    tl = Timeline(T0.timestamp())
    with Store(tmp_path / "a.db") as store:
        watcher(store, site, tl, tmp_path, events, duration=3600).run()
    failures = [e for _, e in events if isinstance(e, PollFailed)]
    assert failures and all("disallowed by robots.txt" in e.message for e in failures)
    assert server.requests_for(PATH) == []


def test_ctrl_c_during_the_ingest_finishes_it_and_announces_what_it_found(server, tmp_path, monkeypatch):
    site = Site(server)
    small_thread(site)
    tl = Timeline(T0.timestamp())
    printed: list = []
    real_ingest = Store._ingest

    def ingest_then_ctrl_c(self, thread, now):
        result = real_ingest(self, thread, now)
        os.kill(os.getpid(), signal.SIGINT)  # arrives in the middle of the transaction
        time.sleep(0.01)
        return result

    monkeypatch.setattr(Store, "_ingest", ingest_then_ctrl_c)
    guard = DeferredInterrupt()
    guard.install()
    try:
        with Store(tmp_path / "a.db") as store:
            w = watcher(store, site, tl, tmp_path, printed, duration=3600)
            w.hold = guard.hold
            with pytest.raises(Interrupted):
                w.run()
            assert store.counts()["comments"] == 3
            rows = store.conn.execute("SELECT delivered_at FROM watch_announcements").fetchall()
    finally:
        guard.restore()
    assert replies_in(printed) == [(xid(2), xid(1))]
    assert len(rows) == 1 and rows[0][0] is not None


def test_feed_content_is_sanitized_and_dates_are_aware(tmp_path):
    from threadpress.feed import atom

    reply = {
        "thread": {"id": "typepad:x", "title": "T <b>", "url": "javascript:alert(1)"},
        "author": ME,
        "reply": {"id": "r1", "number": 7, "author": "Mallory <script>", "created_at": "2025-12-31T10:03:00Z",
                  "permalink": "javascript:alert(2)", "start": "hi", "text": "hi",
                  "html": '<p onclick="steal()">hi<script>alert(3)</script><img src="https://evil.example/x.png"></p>'},
        "to": {"id": "t1", "number": 3, "author": ME, "created_at": None, "time": "Dec 31 2025 10:00 utc",
               "permalink": None, "start": "<i>mine</i>"},
        "how": "address", "confidence": 1.0, "evidence": "", "announced_at": "2025-12-31T10:05:00Z",
    }
    feed = feedparser.parse(atom([reply], author=ME, sources=["https://example.org/t.html"],
                                 now=datetime(2025, 12, 31, 11, 0, tzinfo=timezone.utc)))
    assert not feed.bozo
    (entry,) = feed.entries
    raw = entry.content[0].value
    assert "script" not in raw.replace("Mallory &lt;script&gt;", "") and "onclick" not in raw
    assert "&lt;i&gt;mine&lt;/i&gt;" in raw  # the quoted start of the author's comment is text, not markup
    assert "link" not in entry or not entry.link.startswith("javascript:")
    assert entry.updated_parsed[:5] == (2025, 12, 31, 10, 5)
    assert entry.published_parsed[:5] == (2025, 12, 31, 10, 3)


def test_a_busy_archive_delays_the_ingest_instead_of_failing(server, tmp_path):
    import sqlite3

    site = Site(server)
    small_thread(site)
    tl = Timeline(T0.timestamp())
    db = tmp_path / "a.db"
    Store(db).close()
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program is writing

    def release(seconds: float) -> None:
        if other.in_transaction:
            other.execute("COMMIT")
        tl.sleep(seconds)

    events: list = []
    with Store(db) as store:
        store.conn.execute("PRAGMA busy_timeout = 50")
        w = watcher(store, site, tl, tmp_path, events, duration=900)
        w.sleep = release
        w.run()
    other.close()
    kinds = [type(e).__name__ for _, e in events]
    assert kinds[0] == "PollFailed" and "archive busy" in events[0][1].message
    assert replies_in(events) == [(xid(2), xid(1))]
