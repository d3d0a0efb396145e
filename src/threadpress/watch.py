"""Follow live threads and announce each new reply to one author, exactly once.

`Watcher(store, sources, options, on_event=...).run()` polls every SOURCE URL on an adaptive
schedule, ingests what changed into the archive, and reports through `on_event`:

- `Reply`: a comment answering one of the author's comments (any edge kind: address, number,
  mention, quote...), announced once per (thread, replying comment, target comment), by native
  comment ids, which survive the renumbering that deletions cause. A restart never announces again:
  announcements are recorded in the archive in the same transaction as the ingest that found them.
- `Polled`, `PollFailed`, `Notice`: what each poll did, for progress lines.

Nothing here prints. Time goes through the injected `clock` and `sleep`, so a test can run days of
a scripted timeline in a second. Polls are polite: conditional GETs, robots.txt, Retry-After and
one request at a time per host come from `threadpress.fetch.Fetcher`; this module adds the schedule
(slower while a thread is quiet, never faster than `every`, exponential backoff with jitter on errors)
and diffs parsed comment records, not page text, so counters and timestamps in a page template are
not mistaken for activity.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import shlex
import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from .digest import DEFAULT_MIN_CONFIDENCE, find_author
from .errors import FetchError, InputError, NotFound, ThreadpressError
from .model import Comment, Thread, iso_utc
from .replies.explicit import fold
from .sanitize import normalize_space
from .store import Store

__all__ = [
    "DeferredInterrupt", "Interrupted", "Notice", "PollFailed", "Polled", "Reply", "WatchOptions", "Watcher",
    "announced", "parse_duration", "run_exec",
]

#: A quiet thread is polled at most this much slower than --every (and, unless --every is longer, at
#: least hourly), so a reply after a lull is still seen within the hour.
QUIET_FACTOR = 8
QUIET_CAP = 3600.0
#: Sleep at most this long at a time, then look at the wall clock again: after the machine wakes
#: from suspend, the next poll comes within a minute instead of after the rest of a long interval.
MAX_NAP = 60.0
#: More of the known comments than this vanishing at once is read as a broken or partial page (a new
#: template, a missing comment page), not as deletions: they are kept as they were.
MAX_VANISHED_SHARE = 0.2
MAX_VANISHED_ALWAYS_OK = 5
#: The longest Retry-After a watch waits for before trying again.
MAX_RETRY_AFTER = 24 * 3600.0
EXEC_TIMEOUT = 30.0
TEXT_START = 100

_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*([smhd])", re.I)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> float:
    """'30s', '5m', '12h', '2d' (or combinations like '1h30m') in seconds. ValueError names the problem."""
    s = text.strip().lower().replace(" ", "")
    if not s:
        raise ValueError("empty duration; give e.g. 30s, 5m, 12h or 2d")
    pos, total = 0, 0.0
    for m in _DURATION.finditer(s):
        if m.start() != pos:
            break
        total += float(m.group(1)) * _UNITS[m.group(2)]
        pos = m.end()
    if pos != len(s):
        hint = " (a unit is required)" if re.fullmatch(r"\d+(\.\d+)?", s) else ""
        raise ValueError(f"{text!r} is not a duration{hint}; give e.g. 30s, 5m, 12h or 2d")
    if total <= 0:
        raise ValueError(f"{text!r}: a duration must be longer than zero")
    return total


@dataclass(frozen=True)
class WatchOptions:
    author: str
    every: float = 300.0
    duration: float | None = None  # --for: stop after this long
    until_quiet: float | None = None  # stop when no comment appeared, changed or vanished for this long
    min_confidence: float = DEFAULT_MIN_CONFIDENCE

    @property
    def max_interval(self) -> float:
        return max(self.every, min(QUIET_FACTOR * self.every, QUIET_CAP))


# -- events --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    """One announced reply. `data` is its JSON form (stable field names; see docs/watch.md)."""

    data: dict[str, Any]

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.data["thread"]["id"], self.data["reply"]["id"], self.data["to"]["id"])

    @property
    def verb(self) -> str:
        return {"quote": "quoted", "mention": "mentioned"}.get(self.data["how"], "replied to")

    def line(self) -> str:
        """One line for people: who, which of the author's comments, the start of the text, the link."""
        r, t = self.data["reply"], self.data["to"]
        number = f"#{r['number']} " if r.get("number") is not None else ""
        target = f"#{t['number']}" if t.get("number") is not None else "a comment"
        stamp = f" ({t['time']})" if t.get("time") else ""
        link = r.get("permalink") or self.data["thread"].get("url") or ""
        return f"{number}{r['author']} {self.verb} your {target}{stamp}: “{r['start']}” {link}".rstrip()


@dataclass(frozen=True)
class Polled:
    source: str
    thread_id: str
    title: str
    changed: bool  # False: the same comment records as last time (or a 304)
    added: int
    edited: int
    vanished: int
    announced: int
    next_in: float


@dataclass(frozen=True)
class PollFailed:
    source: str
    message: str
    retry_in: float


@dataclass(frozen=True)
class Notice:
    source: str
    message: str


Event = Reply | Polled | PollFailed | Notice


# -- Ctrl-C ----------------------------------------------------------------------------------------


class Interrupted(KeyboardInterrupt):
    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


class DeferredInterrupt:
    """SIGINT/SIGTERM raise `Interrupted`, except inside `hold()`, where they wait for its end.

    The watcher holds it around each transaction and each announcement's delivery, so Ctrl-C
    never leaves a reply recorded but unprinted, or printed but not marked as delivered.
    """

    def __init__(self) -> None:
        self._depth = 0
        self._pending: int | None = None
        self._saved: dict[int, Any] = {}

    def install(self, signums: tuple[int, ...] = (signal.SIGINT, signal.SIGTERM)) -> None:
        for s in signums:
            try:
                self._saved[s] = signal.signal(s, self._handle)
            except ValueError:  # not the main thread: signals stay as they are
                return

    def restore(self) -> None:
        for s, handler in self._saved.items():
            signal.signal(s, handler)
        self._saved.clear()

    def _handle(self, signum: int, frame: Any) -> None:
        if self._depth:
            self._pending = signum
            return
        raise Interrupted(signum)

    @contextmanager
    def hold(self) -> Iterator[None]:
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1
            if not self._depth and self._pending is not None:
                signum, self._pending = self._pending, None
                raise Interrupted(signum)


# -- the watcher -----------------------------------------------------------------------------------


@dataclass
class _Source:
    url: str
    next_due: float
    interval: float
    errors: int = 0
    ok_once: bool = False
    records: str | None = None  # hash of the comment records of the last poll
    polled_at: float = float("-inf")  # when the last poll (failed or not) began
    thread_id: str | None = None
    author_missing_told: bool = False


@dataclass
class _Outcome:
    added: int = 0
    edited: int = 0
    vanished: int = 0
    replies: list[Reply] = field(default_factory=list)


class Watcher:
    def __init__(
        self,
        store: Store,
        sources: list[str],
        options: WatchOptions,
        *,
        on_event: Callable[[Event], None] = lambda e: None,
        fetch: Callable[[str], Thread] | None = None,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        hold: Callable[[], AbstractContextManager[Any]] = nullcontext,
        rng: random.Random | None = None,
    ) -> None:
        if not sources:
            raise InputError("watch: no SOURCE to watch")
        self.store = store
        self.options = options
        self.on_event = on_event
        self._fetch = fetch or _default_fetch
        self.clock = clock
        self.sleep = sleep
        self.hold = hold
        self.rng = rng or random.Random()
        self.sources = list(dict.fromkeys(sources))
        self.announced_count = 0

    def run(self) -> str:
        """Watch until --for or --until-quiet ends it: returns "time limit" or "quiet".
        Ctrl-C (with `DeferredInterrupt` installed) raises `Interrupted` between transactions.

        --until-quiet is judged by polls, not by the clock alone: after the machine slept through
        the quiet period, the sources are polled once more (catching up) before the watch ends."""
        opts = self.options
        start = last_activity = self.clock()
        states = [_Source(url, start, opts.every) for url in self.sources]
        self._deliver(self._undelivered())  # recorded by a run that was killed before printing them
        while True:
            now = self.clock()
            if opts.duration is not None and now >= start + opts.duration:
                return "time limit"
            checked = min(st.polled_at for st in states)  # every source was polled since then
            if opts.until_quiet is not None and checked >= last_activity + opts.until_quiet:
                return "quiet"
            st = min(states, key=lambda s: s.next_due)
            if st.next_due > now:
                ends = [st.next_due]
                if opts.duration is not None:
                    ends.append(start + opts.duration)
                self._sleep_until(min(ends))
                continue
            polled_at = self.clock()
            active = self._poll(st)
            st.polled_at = polled_at
            if active:
                last_activity = polled_at

    # -- one poll ------------------------------------------------------------------------------

    def _poll(self, st: _Source) -> bool:
        """Poll one source; True when its comments changed (activity)."""
        try:
            thread = self._fetch(st.url)
        except ThreadpressError as e:
            if not st.ok_once and not isinstance(e, FetchError):
                raise  # not a thread at all (wrong URL, unknown format): a user error, not an outage
            st.errors += 1
            nominal = min(self.options.max_interval, self.options.every * 2 ** min(st.errors, 20))
            delay = max(self.options.every, nominal * (0.5 + 0.5 * self.rng.random()))
            # A server that said when to come back (Retry-After on the last answer) is taken at its word.
            if (asked := getattr(e, "retry_after", None)) is not None:
                delay = max(delay, min(float(asked), MAX_RETRY_AFTER))
            st.next_due = self.clock() + delay
            self.on_event(PollFailed(st.url, str(e), delay))
            return False
        st.ok_once, st.errors, st.thread_id = True, 0, thread.id
        records = records_hash(thread)
        changed = records != st.records
        # Ctrl-C waits while the poll's findings are stored and announced: it stops the watch after
        # them, never between them.
        try:
            with self.hold():
                outcome = self._ingest(st, thread) if changed else _Outcome()
                self._deliver(outcome.replies)
        except sqlite3.OperationalError as e:  # another program held the archive past the busy timeout
            if "locked" not in str(e) and "busy" not in str(e):
                raise
            st.next_due = self.clock() + self.options.every
            self.on_event(PollFailed(st.url, f"{self.store.path}: archive busy ({e}); nothing written",
                                     self.options.every))
            return False
        st.records = records
        active = bool(outcome.added or outcome.edited or outcome.vanished)
        st.interval = self.options.every if active else min(st.interval * 2, self.options.max_interval)
        st.next_due = self.clock() + st.interval
        self.on_event(Polled(st.url, thread.id, thread.title, changed, outcome.added,
                             outcome.edited, outcome.vanished, len(outcome.replies), st.interval))
        return active

    def _ingest(self, st: _Source, thread: Thread) -> _Outcome:
        """Ingest the thread and record its new replies to the author, in one transaction."""
        now = _iso(self.clock())
        conn = self.store.conn
        with self.hold():
            conn.execute("BEGIN IMMEDIATE")
            try:
                vanished, kept = self._keep_vanished(thread)
                result = self.store.ingest_in_transaction(thread, now=now)
                replies = self._record_replies(st, thread, now)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        if kept:
            self.on_event(Notice(st.url, f"{kept} known comments are missing from the page; kept as they were"
                                         " (a partial page or a new template?)"))
        return _Outcome(result.added, result.changed - vanished, vanished, replies)

    def _keep_vanished(self, thread: Thread) -> tuple[int, int]:
        """Comments of the archive missing from the page join the thread before it is ingested: the
        archive never loses a comment (nor its reply edges). Newly vanished ones are marked deleted,
        unless so many vanished at once that the page itself is suspect. Returns (marked, kept as is)."""
        stored = {r[0]: r[1] for r in self.store.conn.execute(
            "SELECT id, status FROM comments WHERE thread_id = ?", (thread.id,))}
        on_page = {c.id for c in thread.comments}
        missing = [cid for cid in stored if cid not in on_page]
        if not missing:
            return 0, 0
        live = [cid for cid in missing if stored[cid] != "deleted"]
        known_live = sum(1 for s in stored.values() if s != "deleted")
        mark = len(live) <= max(MAX_VANISHED_ALWAYS_OK, MAX_VANISHED_SHARE * known_live)
        old = {c.id: c for c in self.store.load_thread(thread.id).comments}
        for cid in missing:
            c = old[cid]
            if mark:
                c.status = "deleted"
            thread.comments.append(c)
        return (len(live), 0) if mark else (0, len(live))

    def _record_replies(self, st: _Source, thread: Thread, now: str) -> list[Reply]:
        """Read the comments this watch has not read yet (new, or edited since) for replies to the
        author, and record the ones not announced before. Comments read unchanged are not read again:
        their edges can only have moved because deletions renumbered the thread."""
        conn = self.store.conn
        key = fold(self.options.author)
        seen = {r[0]: r[1] for r in conn.execute(
            "SELECT comment_id, content_hash FROM watch_seen WHERE thread_id = ? AND author_key = ?",
            (thread.id, key))}
        fresh = [c for c in thread.comments if seen.get(c.id) != c.content_hash]
        conn.executemany(
            "INSERT INTO watch_seen (thread_id, author_key, comment_id, content_hash) VALUES (?,?,?,?)"
            " ON CONFLICT (thread_id, author_key, comment_id) DO UPDATE SET content_hash = excluded.content_hash",
            [(thread.id, key, c.id, c.content_hash) for c in fresh])
        try:
            name = find_author(thread, self.options.author)
        except NotFound as e:
            if not st.author_missing_told:
                st.author_missing_told = True
                self.on_event(Notice(st.url, f"{e} (yet); watching for replies once they comment"))
            return []
        by_id = thread.by_id()
        done = set()
        natural = set()
        for r in conn.execute("SELECT reply_id, target_id, natural_key FROM watch_announcements WHERE thread_id = ?",
                              (thread.id,)):
            done.add((r[0], r[1]))
            if r[2]:
                natural.add(r[2])
        new: list[Reply] = []
        for c in fresh:
            if c.status != "ok" or fold(c.author) == key:
                continue
            for e in c.parents:
                target = by_id.get(e.target_id)
                if e.confidence < self.options.min_confidence or target is None or fold(target.author) != key:
                    continue
                nat = _natural_key(c, target)
                if (c.id, target.id) in done or (nat and nat in natural):
                    continue
                done.add((c.id, target.id))
                if nat:
                    natural.add(nat)
                reply = Reply(_reply_data(thread, c, target, e, name, now))
                conn.execute(
                    "INSERT INTO watch_announcements (thread_id, reply_id, target_id, source, author, natural_key,"
                    " payload, announced_at) VALUES (?,?,?,?,?,?,?,?)",
                    (thread.id, c.id, target.id, st.url, name, nat, json.dumps(reply.data, ensure_ascii=False), now))
                new.append(reply)
        return new

    # -- delivery --------------------------------------------------------------------------------

    def _deliver(self, replies: list[Reply]) -> None:
        for reply in replies:
            with self.hold():
                self.on_event(reply)
                self.store.conn.execute(
                    "UPDATE watch_announcements SET delivered_at = ? WHERE thread_id = ? AND reply_id = ?"
                    " AND target_id = ?", (_iso(self.clock()), *reply.key))
                self.announced_count += 1

    def _undelivered(self) -> list[Reply]:
        marks = ",".join("?" * len(self.sources))
        rows = self.store.conn.execute(
            f"SELECT payload FROM watch_announcements WHERE delivered_at IS NULL AND source IN ({marks})"
            " ORDER BY announced_at, rowid", self.sources).fetchall()
        return [Reply(json.loads(r[0])) for r in rows]

    def _sleep_until(self, when: float) -> None:
        while (left := when - self.clock()) > 0:
            self.sleep(min(left, MAX_NAP))


# -- helpers -----------------------------------------------------------------------------------------


def announced(store: Store, sources: list[str], author: str | None = None) -> list[dict[str, Any]]:
    """Every reply announced for these SOURCE URLs (optionally one author), oldest first: the feed's
    entries, which therefore persist across runs."""
    if not sources:
        return []
    marks = ",".join("?" * len(sources))
    rows = store.conn.execute(
        f"SELECT payload, author FROM watch_announcements WHERE source IN ({marks}) ORDER BY announced_at, rowid",
        list(sources)).fetchall()
    want = fold(author) if author else None
    return [json.loads(r[0]) for r in rows if want is None or fold(r[1]) == want]


def records_hash(thread: Thread) -> str:
    """What a poll compares: the parsed comment records, not the page (whose counters, timestamps and
    validators may change on every request)."""
    h = hashlib.sha256()
    for c in thread.comments:
        for part in (c.id, str(c.number), c.author, iso_utc(c.created_at) or c.created_raw, c.status, c.content_hash):
            h.update(part.encode("utf-8"))
            h.update(b"\0")
        for e in c.parents:
            h.update(f"{e.target_id}\0{e.how}\0{e.confidence:.3f}\0".encode("utf-8"))
        h.update(b"\1")
    return h.hexdigest()


def run_exec(command: str, payload: dict[str, Any], *, timeout: float = EXEC_TIMEOUT) -> str | None:
    """Run `command` (split like a shell would, but run without one) with the reply as JSON on stdin.
    Returns None on success, else one line saying what went wrong."""
    try:
        argv = shlex.split(command)
    except ValueError as e:
        return f"--exec {command!r}: cannot split the command ({e})"
    if not argv:
        return "--exec: empty command"
    data = (json.dumps(payload, ensure_ascii=False) + "\n").encode("utf-8")
    try:
        done = subprocess.run(argv, input=data, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              timeout=timeout, check=False)
    except FileNotFoundError:
        return f"--exec {command!r}: {argv[0]}: command not found"
    except PermissionError:
        return f"--exec {command!r}: {argv[0]}: permission denied"
    except subprocess.TimeoutExpired:
        return f"--exec {command!r}: killed after {timeout:g} s"
    except OSError as e:
        return f"--exec {command!r}: {e.strerror or e}"
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        said = f": {lines[-1].strip()}" if lines else ""
        how = (f"killed by signal {-done.returncode}" if done.returncode < 0
               else f"exited with status {done.returncode}")
        return f"--exec {command!r}: {how}{said}"
    return None


def _default_fetch(url: str) -> Thread:
    from .load import fetch_thread

    return fetch_thread(url)


def _natural_key(reply: Comment, target: Comment) -> str | None:
    """Who and when, of both comments: the same pair even if a new template changes the comment ids."""
    rt = iso_utc(reply.created_at) or reply.created_raw
    tt = iso_utc(target.created_at) or target.created_raw
    if not (rt and tt and reply.author and target.author):
        return None
    return "\0".join((fold(reply.author), rt, fold(target.author), tt))


def _start(text: str) -> str:
    s = normalize_space(text)
    return s if len(s) <= TEXT_START else s[:TEXT_START].rsplit(" ", 1)[0] + "…"


def _stamp(c: Comment) -> str:
    if c.created_at is None:
        return c.created_raw
    w = c.created_at.astimezone(timezone.utc)
    return f"{w:%b} {w.day} {w:%Y %H:%M} utc"


def _reply_data(thread: Thread, c: Comment, target: Comment, edge: Any, author: str, now: str) -> dict[str, Any]:
    return {
        "thread": {"id": thread.id, "title": thread.title, "url": thread.url},
        "author": author,
        "reply": {"id": c.id, "number": c.number, "author": c.author, "created_at": iso_utc(c.created_at),
                  "permalink": c.permalink, "start": _start(c.text), "text": c.text, "html": c.html},
        "to": {"id": target.id, "number": target.number, "author": target.author,
               "created_at": iso_utc(target.created_at), "time": _stamp(target), "permalink": target.permalink,
               "start": _start(target.text)},
        "how": edge.how,
        "confidence": round(edge.confidence, 3),
        "evidence": edge.evidence,
        "announced_at": now,
    }


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
