"""Full-text search over the archive: FTS5 with bm25 ranking, filters, highlighted snippets.

Queries use the FTS5 syntax: words (all must match), "exact phrases", prefix*, OR, NOT, NEAR(a b, 5),
parentheses. `a AND NOT b` is accepted as the FTS5 spelling `a NOT b`. A query searches the comment
text only; use `author=` to search one person's comments.

How a search runs (see docs/analytics.md, "Search at scale"). FTS5 scores every match before its
LIMIT, so the cost of a ranked query grows with its number of hits; each path below bounds it:

1. The query is checked on its own against an empty in-memory FTS5 table, so a malformed query gets
   a clear error (`SearchSyntaxError`) instead of an SQLite one about our wrapping.
2. Filter first: when the filters (`thread`, `author`, `since`, `until`) leave at most `SUBSET_MAX`
   comments (counted through the B-tree indexes, bounded), those comments are copied into a temporary
   FTS5 table and ranked there. The cost depends on the filtered set, not on how common the words
   are; bm25's statistics are then those of the filtered set.
3. Otherwise the ranked FTS query runs alone, `ORDER BY bm25 LIMIT n`, and comments and threads are
   joined afterwards for those n rows only. Filters narrow the FTS query itself: `author` becomes an
   `author : "NAME"` phrase (weight 0 in bm25), `thread` a rowid range (a thread's comments are stored
   together); exact filters are applied after the join, asking for more candidates when they drop rows.
4. A query estimated (by counting in the newest `SAMPLE` comments) to match more than `WINDOW_ABOVE`
   comments, or to make FTS5 visit more than `WORK_ABOVE` documents, is searched in the newest part
   of the archive only: the most recent comments where about `WINDOW` matches and `WORK_BUDGET`
   visited documents are expected. Those matches are ranked in a temporary table as in 2; the
   result says how many comments were searched (`SearchResult.window`).
"""

from __future__ import annotations

import re
import sqlite3
import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from .errors import InputError, NotFound
from .replies.explicit import fold

if TYPE_CHECKING:
    from .store import Store

#: Private-use characters that mark the start and the end of a match in an FTS5 snippet.
MARK_START, MARK_END = "\ue000", "\ue001"
#: Words of context in a snippet.
SNIPPET_TOKENS = 24
#: Above this many estimated matches, or this many documents to visit to find them (a phrase of common
#: words matches little but visits much), search only the newest part of the archive (step 4 above)...
WINDOW_ABOVE = 15_000
WORK_ABOVE = 60_000
#: ... a part where about WINDOW matches and WORK_BUDGET documents to visit are expected.
WINDOW = 1_000
WORK_BUDGET = 30_000
#: Filters that leave at most this many comments are applied first (step 3 above).
SUBSET_MAX = 3_000
#: A date window of at most this many comments narrows the search to their rowid range.
DATE_RANGE_MAX = 100_000
#: The newest comments in which the number of matches is counted to estimate the total.
SAMPLE = 10_000
DEFAULT_LIMIT = 20


class SearchSyntaxError(InputError):
    """The query is not valid FTS5 syntax."""


@dataclass(frozen=True, slots=True)
class SearchHit:
    thread_id: str
    thread_title: str
    comment_id: str
    number: int | None
    author: str
    created_at: str | None
    snippet: str
    #: (start, end) offsets of the highlighted matches in `snippet`.
    highlights: tuple[tuple[int, int], ...]
    #: bm25 relevance, higher is better (FTS5's rank negated).
    score: float


@dataclass(frozen=True, slots=True)
class SearchResult:
    query: str
    hits: list[SearchHit] = field(default_factory=list)
    #: When set, the query matched so many comments (or was so costly to evaluate) that only the matches
    #: among this many most recently stored comments were ranked.
    window: int | None = None


# -- the query ---------------------------------------------------------------------------------------

_AND_NOT = re.compile(r"\bAND\s+NOT\b")
_checker: sqlite3.Connection | None = None


def normalize_query(query: str) -> str:
    q = query.strip()
    if not q:
        raise SearchSyntaxError("search: the query is empty")
    return _AND_NOT.sub("NOT", q)


def check_query(query: str) -> None:
    """Raise SearchSyntaxError when `query` is not valid FTS5 syntax (checked on an empty table)."""
    global _checker
    if _checker is None:
        _checker = sqlite3.connect(":memory:", check_same_thread=False)
        _checker.execute("CREATE VIRTUAL TABLE q USING fts5(text, author)")
    try:
        _checker.execute("SELECT rowid FROM q WHERE q MATCH ?", (query,)).fetchall()
    except sqlite3.OperationalError as e:
        raise SearchSyntaxError(f"search {query!r}: {_explain(str(e))}") from None


def _explain(msg: str) -> str:
    msg = msg.removeprefix("fts5: ")
    if msg.startswith("no such column"):
        col = msg.split(":", 1)[-1].strip()
        return (f"unknown column {col!r} (a word followed by ':' names a column; put such terms in double "
                f"quotes, e.g. \"{col}:...\")")
    if msg == 'syntax error near ""':
        return "the query ends too early (an operator without a term after it?)"
    if msg.startswith("unterminated string"):
        return "a double quote is not closed"
    return (f"not a valid query ({msg}); use words, \"phrases\", prefix*, OR, NOT, NEAR(a b) and "
            "parentheses, and quote words with punctuation")


def _phrase(s: str) -> str:
    return '"' + s.replace('"', '""') + '"'


def _has_tokens(s: str) -> bool:
    return any(ch.isalnum() for ch in s)


# -- dates -------------------------------------------------------------------------------------------

def parse_when(value: str, *, end: bool = False, name: str = "--since") -> str:
    """A date (YYYY-MM-DD) or ISO date-time as the archive's UTC text form; a date `end` is exclusive."""
    v = value.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
            d = date.fromisoformat(v)
            dt = datetime.combine(d + timedelta(days=1) if end else d, time(), UTC)
        else:
            dt = datetime.fromisoformat(v.replace("Z", "+00:00"))
            if dt.tzinfo is None:
                dt = dt.replace(tzinfo=UTC)
            if end:
                dt += timedelta(seconds=1)
    except ValueError:
        raise InputError(f"{name} {value!r}: not a date (use YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][Z])") from None
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# -- searching ---------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Plan:
    query: str                     # the user's query, checked
    match: str                     # the MATCH expression on comments_fts (text column, author phrase)
    where: str = ""                # exact filters on comments, as SQL
    args: tuple = ()
    rowid_min: int | None = None
    rowid_max: int | None = None
    thread_id: str | None = None
    author_key: str | None = None
    since: str | None = None
    until: str | None = None  # exclusive

    @property
    def post_filtered(self) -> bool:
        return bool(self.thread_id or self.author_key or self.since or self.until)


def search(store: Store, query: str, *, author: str | None = None, thread: str | None = None,
           since: str | None = None, until: str | None = None, limit: int = DEFAULT_LIMIT) -> SearchResult:
    """The `limit` best-ranked comments matching `query` (see the module docstring for how)."""
    q = normalize_query(query)
    check_query(q)
    if limit < 1:
        raise InputError(f"--limit {limit}: must be at least 1")
    plan = _plan(store, q, author=author, thread=thread, since=since, until=until)
    try:
        if plan.where and _bounded_count(store, plan) <= SUBSET_MAX:
            _subset_rows(store, f"SELECT pk, text FROM comments WHERE {plan.where}", plan.args)
            return SearchResult(query, _rank_subset(store, plan, limit))
        est = _estimate(store, plan)
        if est.too_big:
            window = est.window()
            sql, args = _newest_matches(plan, est.hi - window + 1, est.hi)
            _subset_rows(store, sql, args)
            return SearchResult(query, _rank_subset(store, plan, limit), window=window)
        return SearchResult(query, _ranked(store, plan, limit))
    except sqlite3.OperationalError as e:  # e.g. an author phrase the tokenizer rejects
        raise SearchSyntaxError(f"search {query!r}: {_explain(str(e))}") from None


def _plan(store: Store, q: str, *, author: str | None, thread: str | None, since: str | None,
          until: str | None) -> _Plan:
    match = f"{{text}} : ({q})"
    where: list[str] = []
    args: list = []
    fields: dict = {}
    if thread:
        tid = store.resolve_id(thread)
        if tid is None:
            raise NotFound(f"--thread {thread!r}: no such thread in {store.path}")
        lo, hi = store.conn.execute("SELECT min(pk), max(pk) FROM comments WHERE thread_id = ?", (tid,)).fetchone()
        fields.update(thread_id=tid, rowid_min=lo if lo is not None else 0, rowid_max=hi if hi is not None else -1)
        where.append("thread_id = ?")
        args.append(tid)
    if author is not None and author.strip():
        name = author.strip()
        fields["author_key"] = fold(name)
        where.append("author = ? COLLATE NOCASE")
        args.append(name)
        if _has_tokens(name):
            match = f"({match}) AND (author : {_phrase(name)})"
    if since:
        fields["since"] = parse_when(since)
        where.append("created_at >= ?")
        args.append(fields["since"])
    if until:
        fields["until"] = parse_when(until, end=True, name="--until")
        where.append("created_at < ?")
        args.append(fields["until"])
    if since or until:
        _date_range(store, fields)
    return _Plan(query=q, match=match, where=" AND ".join(where), args=tuple(args), **fields)


def _date_range(store: Store, fields: dict) -> None:
    """Narrow the rowid range to the comments of the date window, when the window is not too large.

    Comments are usually stored in time order, so the window's rowids are close together; the exact
    dates are still checked after the join.
    """
    cond, args = [], []
    if fields.get("since"):
        cond.append("created_at >= ?")
        args.append(fields["since"])
    if fields.get("until"):
        cond.append("created_at < ?")
        args.append(fields["until"])
    lo, hi, n = store.conn.execute(
        f"SELECT min(pk), max(pk), count(*) FROM (SELECT pk FROM comments WHERE {' AND '.join(cond)} LIMIT ?)",
        (*args, DATE_RANGE_MAX + 1)).fetchone()
    if n > DATE_RANGE_MAX:
        return
    if not n:
        lo, hi = 0, -1
    fields["rowid_min"] = max(lo, fields.get("rowid_min", lo))
    fields["rowid_max"] = min(hi, fields.get("rowid_max", hi))


def _bounded_count(store: Store, plan: _Plan) -> int:
    """How many comments pass the filters, counted up to SUBSET_MAX + 1 (through the indexes)."""
    return store.conn.execute(f"SELECT count(*) FROM (SELECT 1 FROM comments WHERE {plan.where} LIMIT ?)",
                              (*plan.args, SUBSET_MAX + 1)).fetchone()[0]


def _newest_matches(plan: _Plan, lo: int, hi: int) -> tuple[str, tuple]:
    """The matches among rowids lo..hi (the newest part of the plan's range), as (pk, text)."""
    sql = ("SELECT pk, text FROM comments WHERE pk IN (SELECT rowid FROM comments_fts WHERE comments_fts"
           " MATCH ? AND rowid BETWEEN ? AND ?)")
    return sql, (plan.match, lo, hi)


def _subset_name() -> str:
    """The temporary table of this thread (threads sharing a connection do not share it)."""
    return f"threadpress_search_subset_{threading.get_ident()}"


def _subset_rows(store: Store, sql: str, args: tuple) -> int:
    """Fill a temporary FTS5 table with the comments `sql` selects (pk, text); returns how many."""
    c = store.conn
    name = _subset_name()
    c.execute(f"DROP TABLE IF EXISTS temp.{name}")
    c.execute(f"CREATE VIRTUAL TABLE temp.{name} USING fts5(text, tokenize='unicode61 remove_diacritics 2')")
    return c.execute(f"INSERT INTO temp.{name}(rowid, text) {sql}", args).rowcount


def _rank_subset(store: Store, plan: _Plan, limit: int) -> list[SearchHit]:
    """Rank within the temporary table: every match scored (the table is small), exact filters applied."""
    c = store.conn
    name = _subset_name()
    try:
        ranked = [(r[0], -r[1]) for r in c.execute(
            f"SELECT rowid, bm25({name}) FROM temp.{name} WHERE {name} MATCH ? ORDER BY bm25({name}), rowid DESC",
            (f"{{text}} : ({plan.query})",))]
        hits: list[SearchHit] = []
        for i in range(0, len(ranked), limit * 2):
            chunk = ranked[i:i + limit * 2]
            rows = _rows(store, plan, [pk for pk, _ in chunk], fts=name, match=f"{{text}} : ({plan.query})",
                         table=f"temp.{name}")
            score = dict(chunk)
            hits += [_hit(r, score[r["pk"]]) for r in rows if _keep(plan, r)]
            if len(hits) >= limit:
                break
        return hits[:limit]
    finally:
        c.execute(f"DROP TABLE IF EXISTS temp.{name}")


def _ranked(store: Store, plan: _Plan, limit: int) -> list[SearchHit]:
    """Rank with the archive's index: the FTS query alone, ORDER BY bm25 LIMIT, then join.

    With filters to apply after the join, every match is ranked once (no LIMIT; the cost of ranking
    is scoring every match either way) and read in chunks until `limit` of them pass.
    """
    if not plan.post_filtered:
        ranked = _top_rowids(store, plan, limit)
        rows = _rows(store, plan, [pk for pk, _ in ranked])
        score = dict(ranked)
        return [_hit(r, score[r["pk"]]) for r in rows]
    cursor = store.conn.execute(*_ranked_sql(plan, None))
    hits: list[SearchHit] = []
    chunk = limit * 3
    while len(hits) < limit:
        ranked = [(r[0], -r[1]) for r in cursor.fetchmany(chunk)]
        if not ranked:
            break
        score = dict(ranked)
        hits += [_hit(r, score[r["pk"]]) for r in _rows(store, plan, [pk for pk, _ in ranked]) if _keep(plan, r)]
        chunk = min(chunk * 4, 4000)
    cursor.close()
    return hits[:limit]


def _ranked_sql(plan: _Plan, n: int | None) -> tuple[str, list]:
    sql = "SELECT rowid, bm25(comments_fts, 1.0, 0.0) FROM comments_fts WHERE comments_fts MATCH ?"
    args: list = [plan.match]
    if plan.rowid_min is not None:
        sql += " AND rowid BETWEEN ? AND ?"
        args += [plan.rowid_min, plan.rowid_max]
    # bm25 weights: text 1, author 0 (the author phrase only filters).
    sql += " ORDER BY bm25(comments_fts, 1.0, 0.0), rowid DESC"
    if n is not None:
        sql += " LIMIT ?"
        args.append(n)
    return sql, args


def _top_rowids(store: Store, plan: _Plan, n: int) -> list[tuple[int, float]]:
    """(rowid, bm25 score) of the n best matches, best first."""
    return [(r[0], -r[1]) for r in store.conn.execute(*_ranked_sql(plan, n))]


def _rows(store: Store, plan: _Plan, pks: list[int], *, fts: str = "comments_fts", match: str | None = None,
          table: str = "comments_fts") -> list[sqlite3.Row]:
    """Comment, thread and snippet for the given rowids, in the given order."""
    if not pks:
        return []
    order = {pk: i for i, pk in enumerate(pks)}
    marks = ",".join("?" * len(pks))
    rows = store.conn.execute(
        f"""SELECT c.pk, c.thread_id, c.id, c.number, c.author, c.created_at, t.title,
                   snippet({fts}, 0, ?, ?, '…', ?) AS snippet
            FROM {table} JOIN comments c ON c.pk = {fts}.rowid
                 JOIN threads t ON t.id = c.thread_id
            WHERE {fts} MATCH ? AND {fts}.rowid IN ({marks})""",
        (MARK_START, MARK_END, SNIPPET_TOKENS, match or plan.match, *pks)).fetchall()
    return sorted(rows, key=lambda r: order[r["pk"]])


def _keep(plan: _Plan, r: sqlite3.Row) -> bool:
    if plan.thread_id and r["thread_id"] != plan.thread_id:
        return False
    if plan.author_key is not None and fold(r["author"] or "") != plan.author_key:
        return False
    created = r["created_at"]
    if plan.since and (created is None or created < plan.since):
        return False
    if plan.until and (created is None or created >= plan.until):
        return False
    return True


def _hit(r: sqlite3.Row, score: float) -> SearchHit:
    text, spans = split_marks(r["snippet"] or "")
    return SearchHit(thread_id=r["thread_id"], thread_title=r["title"] or "", comment_id=r["id"],
                     number=r["number"], author=r["author"], created_at=r["created_at"], snippet=text,
                     highlights=spans, score=round(score, 4))


def split_marks(marked: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """A snippet without its match marks, and the (start, end) spans they enclosed."""
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    pos, start = 0, None
    for ch in marked:
        if ch == MARK_START:
            start = pos
        elif ch == MARK_END:
            if start is not None:
                spans.append((start, pos))
            start = None
        else:
            out.append(ch)
            pos += 1
    text = " ".join("".join(out).split("\n"))
    return text, tuple(spans)


# -- hit estimation for very common queries -------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Estimate:
    matches: int
    work: int
    lo: int
    hi: int

    @property
    def too_big(self) -> bool:
        return self.matches > WINDOW_ABOVE or self.work > WORK_ABOVE

    def window(self) -> int:
        """How many of the newest rowids to search so that about WINDOW matches and WORK_BUDGET
        visited documents remain (at least WINDOW)."""
        span = self.hi - self.lo + 1
        share = min(WINDOW / max(1, self.matches), WORK_BUDGET / max(1, self.work), 1.0)
        return min(span, max(WINDOW, int(span * share)))


def _estimate(store: Store, plan: _Plan) -> _Estimate:
    """Matches and work, estimated from a SAMPLE of the newest rowids in the plan's range.

    FTS5 seeks to a rowid range, so counting among SAMPLE rowids costs about SAMPLE/total of counting
    them all, for any query syntax. `matches` counts the whole query; `work` estimates how many
    documents FTS5 must visit to find them: the smallest count among the words that must all be
    there (the largest sum with OR). A phrase of common words matches little but visits much.
    Only used to choose how to rank.
    """
    lo = plan.rowid_min
    hi = plan.rowid_max
    if hi is None:
        hi = store.conn.execute("SELECT max(rowid) FROM comments").fetchone()[0] or 0
    lo = 0 if lo is None else lo
    if hi <= lo:
        return _Estimate(0, 0, lo, hi)
    start = max(lo, hi - SAMPLE)
    scale = (hi - lo + 1) / (hi - start + 1)

    def count(match: str) -> int:
        return store.conn.execute("SELECT count(*) FROM comments_fts WHERE comments_fts MATCH ? AND rowid"
                                  " BETWEEN ? AND ?", (match, start, hi)).fetchone()[0]

    matches = int(count(plan.match) * scale)
    terms = [(m.group(2), m.group(3)) for m in _TERM.finditer(_NEAR.sub(" ", plan.query))
             if m.group(2) not in ("AND", "OR", "NOT", "NEAR") and not m.group(1)]
    if len(terms) <= 1 and '"' not in plan.query:  # one word: visiting is matching
        return _Estimate(matches, matches, lo, hi)
    counts = [count(f"{{text}} : ({w}{star})") for w, star in terms]
    work = sum(counts) if re.search(r"\bOR\b", plan.query) else min(counts)
    return _Estimate(matches, max(matches, int(work * scale)), lo, hi)


#: A word (or prefix*) of a query, and whether NOT comes right before it.
_TERM = re.compile(r"(NOT\s+)?\b(\w+)(\*?)")
_NEAR = re.compile(r"NEAR\(|,\s*\d+\s*\)")
