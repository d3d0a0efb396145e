"""Engagement metrics for one thread: who answered whom, how fast, and what drew replies.

Everything here reads a resolved Thread (from a file, a URL or the archive) and returns plain data;
`thread_stats(...).to_dict()` is the `stats --json` document. Rules (docs/analytics.md):

- A reply is a reply edge at or above `min_confidence` (default 0.5, as for the digest) from a comment
  whose status is `ok`. Answering yourself is not engagement: self-replies are left out everywhere.
- A comment is *quoted* when a reply reached it through a `quote` edge.
- A comment is a *source post* when it quotes outside material: a blockquote of at least six words
  that is not taken from an earlier comment or from the post itself (an official statement, an
  interview...). In copied text, where blockquotes are lost, two or more paragraphs opening with a
  speaker label (`Question:`, `Minister Varga:`) that are not taken from earlier comments count too.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from .digest import DEFAULT_MIN_CONFIDENCE, find_author
from .model import Comment, Thread, iso_utc
from .replies.explicit import BLOCKQUOTE, MIN_QUOTE_WORDS, _passage_key, fold
from .sanitize import html_to_text

#: How many entries the "most answered" and "who answers whom" lists keep.
TOP = 10
#: A paragraph opening with a speaker label: one to four capitalised words and a colon.
SPEAKER = re.compile(r"^(?:[A-Z][\w.'’-]*)(?: [A-Z][\w.'’-]*){0,3}: \S", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Reply:
    number: int | None
    author: str
    how: str
    after_s: int | None  # seconds after the comment it answers


@dataclass(slots=True)
class CommentStats:
    number: int | None
    id: str
    author: str
    created_at: str | None
    replies: list[Reply] = field(default_factory=list)
    first_reply_after_s: int | None = None
    quoted_by: list[int | None] = field(default_factory=list)
    quotes_source: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number, "id": self.id, "author": self.author, "created_at": self.created_at,
            "replies": [r.number for r in self.replies],
            "repliers": [r.author for r in self.replies],
            "reply_details": [asdict(r) for r in self.replies],
            "first_reply_after_s": self.first_reply_after_s,
            "quoted": bool(self.quoted_by), "quoted_by": self.quoted_by,
            "quotes_source": self.quotes_source,
        }


@dataclass(frozen=True, slots=True)
class Engagement:
    """Replies drawn by source posts compared with the other comments (of the author, or of everyone)."""

    source_posts: int
    source_replies: int
    other_posts: int
    other_replies: int

    @property
    def source_mean(self) -> float | None:
        return round(self.source_replies / self.source_posts, 2) if self.source_posts else None

    @property
    def other_mean(self) -> float | None:
        return round(self.other_replies / self.other_posts, 2) if self.other_posts else None

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "source_mean": self.source_mean, "other_mean": self.other_mean}


@dataclass(slots=True)
class ThreadStats:
    thread_id: str
    title: str
    author: str | None
    min_confidence: float
    total_comments: int
    participants: list[tuple[str, int]]
    comments: list[CommentStats]          # the author's comments (all comments without an author)
    unanswered: list[int | None]
    most_answered: list[CommentStats]
    pairs: list[tuple[str, str, int]]     # (who replies, to whom, how many times), most first
    engagement: Engagement

    def to_dict(self) -> dict[str, Any]:
        return {
            "thread": {"id": self.thread_id, "title": self.title, "comments": self.total_comments},
            "author": self.author,
            "min_confidence": self.min_confidence,
            "participants": [{"author": a, "comments": n} for a, n in self.participants],
            "comments": [c.to_dict() for c in self.comments],
            "unanswered": self.unanswered,
            "most_answered": [{"number": c.number, "author": c.author, "replies": len(c.replies)}
                              for c in self.most_answered],
            "who_answers_whom": [{"from": a, "to": b, "replies": n} for a, b, n in self.pairs],
            "source_engagement": self.engagement.to_dict(),
        }


# -- building blocks ---------------------------------------------------------------------------------

def reply_map(thread: Thread, *, min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> dict[str, list[tuple[Comment, str]]]:
    """target id -> [(replying comment, how)], in thread order; self-replies and weak edges left out."""
    by_id = thread.by_id()
    out: dict[str, list[tuple[Comment, str]]] = {}
    for c in thread.comments:
        if c.status != "ok":
            continue
        for e in c.parents:
            target = by_id.get(e.target_id)
            if target is None or e.confidence < min_confidence or fold(target.author) == fold(c.author):
                continue
            out.setdefault(e.target_id, []).append((c, e.how))
    return out


def _seconds(a: Comment, b: Comment) -> int | None:
    if a.created_at is None or b.created_at is None:
        return None
    return int((b.created_at - a.created_at).total_seconds())


def comment_stats(c: Comment, replies: list[tuple[Comment, str]], *, source: bool) -> CommentStats:
    rs = [Reply(r.number, r.author, how, _seconds(c, r)) for r, how in replies]
    times = [r.after_s for r in rs if r.after_s is not None]
    return CommentStats(number=c.number, id=c.id, author=c.author, created_at=iso_utc(c.created_at),
                        replies=rs, first_reply_after_s=min(times) if times else None,
                        quoted_by=[r.number for r in rs if r.how == "quote"], quotes_source=source)


def source_posts(thread: Thread) -> set[str]:
    """Ids of the comments that quote outside material (see the module docstring).

    A quoted passage found anywhere in an earlier comment, its own quotes included, is taken from
    that comment (quoting someone's quote of a statement is a reply to them, not a new source).
    """
    post_key = _passage_key(html_to_text(thread.body_html)) if thread.body_html else ""
    keys = [_passage_key(c.text) if c.status == "ok" else "" for c in thread.comments]
    starts, pos = [], 0
    for k in keys:
        starts.append(pos)
        pos += len(k) + 1
    corpus = "\n".join(keys)
    found: set[str] = set()
    for at, c in enumerate(thread.comments):
        if c.status != "ok":
            continue
        for passage in _quoted_passages(c):
            key = _passage_key(passage)
            if len(key.split()) < MIN_QUOTE_WORDS:
                continue
            probe = key if len(key) <= 200 else key[:200].rsplit(" ", 1)[0]
            if probe in post_key or corpus.find(probe, 0, starts[at]) >= 0:
                continue
            found.add(c.id)
            break
    return found


def _quoted_passages(c: Comment) -> list[str]:
    if c.format == "html":
        if "<blockquote" not in c.html:
            return []
        return [html_to_text(m.group(1)) for m in BLOCKQUOTE.finditer(c.html)]
    labelled = [p for p in c.text.split("\n\n") if SPEAKER.match(p.strip())]
    return labelled if len(labelled) >= 2 else []


# -- the report ----------------------------------------------------------------------------------------

def thread_stats(thread: Thread, *, author: str | None = None,
                 min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> ThreadStats:
    name = find_author(thread, author) if author else None
    key = fold(name) if name else None
    replies = reply_map(thread, min_confidence=min_confidence)
    sources = source_posts(thread)
    ok = [c for c in thread.comments if c.status == "ok"]
    every = {c.id: comment_stats(c, replies.get(c.id, []), source=c.id in sources) for c in ok}
    mine = [every[c.id] for c in ok if key is None or fold(c.author) == key]

    counts = Counter(c.author for c in ok if c.author)
    first = {a: i for i, a in reversed(list(enumerate(c.author for c in ok)))}
    participants = sorted(counts.items(), key=lambda kv: (-kv[1], first[kv[0]]))

    by_id = thread.by_id()
    pairs = Counter((r.author, by_id[tid].author) for tid, rs in replies.items() for r, _ in rs)
    order = {c.id: i for i, c in enumerate(thread.comments)}
    most = sorted((s for s in every.values() if s.replies), key=lambda s: (-len(s.replies), order[s.id]))[:TOP]

    src = [s for s in mine if s.quotes_source]
    other = [s for s in mine if not s.quotes_source]
    engagement = Engagement(len(src), sum(len(s.replies) for s in src),
                            len(other), sum(len(s.replies) for s in other))
    return ThreadStats(
        thread_id=thread.id, title=thread.title, author=name, min_confidence=min_confidence,
        total_comments=len(thread.comments), participants=participants, comments=mine,
        unanswered=[s.number for s in mine if not s.replies],
        most_answered=most,
        pairs=[(a, b, n) for (a, b), n in sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0]))][:TOP],
        engagement=engagement,
    )


# -- one author across the archive ---------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ThreadPresence:
    id: str
    title: str
    comments: int
    replies: int
    first: str | None
    last: str | None


@dataclass(slots=True)
class AuthorReport:
    author: str
    min_confidence: float
    threads: list[ThreadPresence]
    comments: int
    replies: int
    unanswered: int
    period: str                             # "day" or "month"
    timeline: list[tuple[str, int, int]]    # (period, comments written, replies received)
    repliers: list[tuple[str, int]]         # who answers most, most first

    def to_dict(self) -> dict[str, Any]:
        return {
            "author": self.author, "min_confidence": self.min_confidence,
            "threads": [asdict(t) for t in self.threads],
            "comments": self.comments, "replies": self.replies, "unanswered": self.unanswered,
            "period": self.period,
            "timeline": [{"period": p, "comments": c, "replies": r} for p, c, r in self.timeline],
            "repliers": [{"author": a, "replies": n} for a, n in self.repliers],
        }


def author_report(store, name: str, *, min_confidence: float = DEFAULT_MIN_CONFIDENCE,
                  top: int = 15) -> AuthorReport:
    """Threads joined, comments, replies received over time and the people who answer most.

    Runs on the archive's indexes (comments by author, edges by target), without loading threads.
    """
    from .errors import NotFound

    spelled = _stored_spelling(store, name)
    key = fold(spelled)
    c = store.conn
    mine = [r for r in c.execute(
        "SELECT c.thread_id, c.id, c.created_at, c.author, t.title FROM comments c JOIN threads t ON t.id = c.thread_id"
        " WHERE c.author = ? COLLATE NOCASE AND c.status = 'ok'", (spelled,)) if fold(r["author"]) == key]
    if not mine:
        raise NotFound(f"{name!r}: no comments by that author in {store.path}")
    replies = [r for r in c.execute(
        """SELECT a.thread_id, a.id AS target, r.author AS replier, r.created_at AS at
           FROM comments a JOIN edges e ON e.thread_id = a.thread_id AND e.target_id = a.id
                JOIN comments r ON r.thread_id = e.thread_id AND r.id = e.source_id
           WHERE a.author = ? COLLATE NOCASE AND a.status = 'ok' AND r.status = 'ok' AND e.confidence >= ?""",
        (spelled, min_confidence)) if fold(r["replier"]) != key]
    per_thread: dict[str, dict[str, Any]] = {}
    for r in mine:
        t = per_thread.setdefault(r["thread_id"], {"title": r["title"] or "", "comments": 0, "replies": 0,
                                                   "times": []})
        t["comments"] += 1
        if r["created_at"]:
            t["times"].append(r["created_at"])
    answered: set[tuple[str, str]] = set()
    for r in replies:
        per_thread[r["thread_id"]]["replies"] += 1
        answered.add((r["thread_id"], r["target"]))
    threads = sorted(
        (ThreadPresence(tid, t["title"], t["comments"], t["replies"], min(t["times"], default=None),
                        max(t["times"], default=None)) for tid, t in per_thread.items()),
        key=lambda p: (p.first or "", p.id))
    times = sorted(r["created_at"] for r in mine if r["created_at"])
    period = "day"
    if times and times[0][:7] != times[-1][:7] and _days_between(times[0], times[-1]) > 90:
        period = "month"
    cut = 10 if period == "day" else 7
    buckets: dict[str, list[int]] = {}
    for r in mine:
        if r["created_at"]:
            buckets.setdefault(r["created_at"][:cut], [0, 0])[0] += 1
    for r in replies:
        if r["at"]:
            buckets.setdefault(r["at"][:cut], [0, 0])[1] += 1
    repliers = Counter(r["replier"] for r in replies)
    return AuthorReport(
        author=mine[0]["author"], min_confidence=min_confidence, threads=threads, comments=len(mine),
        replies=len(replies), unanswered=sum((r["thread_id"], r["id"]) not in answered for r in mine),
        period=period, timeline=[(p, v[0], v[1]) for p, v in sorted(buckets.items())],
        repliers=sorted(repliers.items(), key=lambda kv: (-kv[1], kv[0]))[:top])


def _days_between(a: str, b: str) -> int:
    from .model import parse_iso

    da, db = parse_iso(a), parse_iso(b)
    return (db - da).days if da and db else 0


def _stored_spelling(store, name: str) -> str:
    """`name` as the archive spells it (case- and accent-insensitive); NotFound with the nearest names."""
    import difflib

    from .errors import NotFound

    row = store.conn.execute("SELECT author FROM comments WHERE author = ? COLLATE NOCASE LIMIT 1",
                             (name.strip(),)).fetchone()
    if row:
        return row[0]
    key = fold(name)
    names = [r[0] for r in store.conn.execute("SELECT DISTINCT author FROM comments")]
    for n in names:
        if fold(n) == key:
            return n
    folded = {fold(n): n for n in names}
    near = [folded[k] for k in difflib.get_close_matches(key, list(folded), n=3, cutoff=0.6)]
    hint = f"; nearest: {', '.join(near)}" if near else ""
    raise NotFound(f"{name!r}: no comments by that author in {store.path}{hint}")
