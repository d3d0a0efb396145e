#!/usr/bin/env python3
"""Search and stats latency on a 1,000,000-comment archive.

    .venv/bin/python bench/bench_search.py [--archive bench/.work/archive-1m.db] [--repeat 5] [--write]

The archive is built by bench/make_archive.py when missing (about 3 minutes, ~1 GB under bench/.work/).
Searches: a fixed mix of typical queries (rare and topic words, phrases, prefixes, OR / NOT / NEAR,
filtered by author, thread or dates, and common words), each run `--repeat` times after one warm-up
run; p50 and p95 over all runs, per category and overall; target p95 < 50 ms. Stop words alone ("the")
are reported apart. For comparison, `naive` runs the straightforward query (FTS5 joined with comments,
ORDER BY rank LIMIT 20) on the unfiltered queries. Stats: `stats --author` on 20 stored 1,000-comment
threads (load from the archive + every metric + the JSON document), in-process; target < 200 ms; and
the whole command in a fresh process (interpreter start and imports included) for reference.
`--write` replaces this benchmark's section of bench/RESULTS.md and keeps the others.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))

import benchlib  # noqa: E402  (bench/ is not a package; the script's folder is on the path)
from threadpress.analytics import thread_stats
from threadpress.search import search
from threadpress.store import Store

HEADING = "Search and stats on a 1,000,000-comment archive"
SEARCH_TARGET_MS = 50
STATS_TARGET_MS = 200


def queries(store: Store) -> list[tuple[str, str, dict]]:
    """(category, query, filters): a fixed, typical mix (authors and threads picked from the archive)."""
    c = store.conn
    threads = [r[0] for r in c.execute("SELECT id FROM threads ORDER BY id")]
    pick = [threads[i * len(threads) // 8] for i in range(8)]
    # Authors at several activity levels: the busiest ones and a few ordinary ones.
    busy = [r[0] for r in c.execute("SELECT author FROM comments WHERE pk % 97 = 0 GROUP BY author"
                                    " ORDER BY count(*) DESC LIMIT 200")]
    authors = [busy[0], busy[3], busy[20], busy[60], busy[120], busy[199]]
    import random

    from make_archive import COMMON, TOPICS, vocabulary

    vocab, _ = vocabulary(random.Random(20260105))
    first_rare = len(COMMON) + len(TOPICS)
    rare_words = [vocab[first_rare + k] for k in (10, 100, 1000, 5000, 20000)]  # rarer and rarer
    q: list[tuple[str, str, dict]] = []
    q += [("rare word", w, {}) for w in rare_words]
    q += [("topic word", w, {}) for w in ("ceasefire", "sanctions", "refinery", "blockade", "referendum")]
    q += [("two words", w, {}) for w in ("ceasefire treaty", "drones harbour", "summit delegation")]
    q += [("phrase", w, {}) for w in ('"the ceasefire"', '"sanctions on"', '"the people of"')]
    q += [("prefix", w, {}) for w in ("negotia*", "sanction*", "refuge*", "mobiliz*")]
    q += [("boolean", w, {}) for w in ("drones OR missile", "treaty NOT embassy", "(sanctions OR tariffs) NOT inflation",
                                        "NEAR(ceasefire treaty, 10)")]
    q += [("author filter", "ceasefire", {"author": a}) for a in authors[:3]]
    q += [("author filter", "people", {"author": a}) for a in authors[3:]]
    q += [("thread filter", w, {"thread": t}) for w, t in zip(("ceasefire", "people", "the", "sanctions"), pick[:4])]
    q += [("date filter", "ceasefire", {"since": "2024-03-01", "until": "2024-03-07"}),
          ("date filter", "people", {"since": "2024-06-01", "until": "2024-06-01"})]
    q += [("common word", w, {}) for w in ("people", "think", "because")]
    return q


STOP = [("stop words", "the", {}), ("stop words", "of and", {})]


def naive(store: Store, query: str) -> int:
    rows = store.conn.execute(
        "SELECT c.pk, c.thread_id, c.number, c.author, c.created_at,"
        " snippet(comments_fts, 0, '[', ']', '…', 24) FROM comments_fts JOIN comments c ON c.pk = comments_fts.rowid"
        " WHERE comments_fts MATCH ? ORDER BY rank LIMIT 20", (f"{{text}} : ({query})",)).fetchall()
    return len(rows)


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    k = max(0, min(len(s) - 1, round(p / 100 * (len(s) - 1))))
    return s[k]


def timed(fn, repeat: int) -> list[float]:
    fn()  # warm-up
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def machine() -> dict[str, str]:
    import sqlite3

    return {"CPU": benchlib.cpu_model(), "cores": benchlib.cores(), "RAM": benchlib.ram(),
            "OS": platform.platform(), "Python": platform.python_version(), "SQLite": sqlite3.sqlite_version,
            "threadpress commit": benchlib.git_rev(),
            "load average at start": benchlib.load_average()}


def run(args) -> str:
    if not args.archive.exists():
        from make_archive import build

        print(f"building {args.archive} (about 3 minutes)…", file=sys.stderr)
        build(args.archive, comments=1_000_000, per_thread=1000, seed=20260105,
              log=lambda m: print(m, file=sys.stderr))
    host = machine()
    store = Store(args.archive, readonly=True)
    n_comments = store.conn.execute("SELECT count(*) FROM comments").fetchone()[0]
    n_threads = store.conn.execute("SELECT count(*) FROM threads").fetchone()[0]
    size_mb = args.archive.stat().st_size / 1e6

    # -- searches
    per_cat: dict[str, list[float]] = {}
    typical: list[float] = []
    lines = []
    for cat, q, kw in queries(store) + STOP:
        result = search(store, q, **kw)
        ts = timed(lambda: search(store, q, **kw), args.repeat)
        per_cat.setdefault(cat, []).extend(ts)
        if cat != "stop words":
            typical.extend(ts)
        how = f"window {result.window:,}" if result.window else ""
        lines.append((cat, q, kw, len(result.hits), how, statistics.median(ts)))
    naive_ts: list[float] = []
    naive_rows = []
    for cat, q, kw in queries(store):
        if kw or cat == "stop words":
            continue
        ts = timed(lambda: naive(store, q), max(1, args.repeat // 2))
        naive_ts.extend(ts)
        naive_rows.append((q, statistics.median(ts)))
    naive_stop = timed(lambda: naive(store, "the"), 1)

    # -- stats
    tids = [r[0] for r in store.conn.execute(
        "SELECT thread_id FROM comments GROUP BY thread_id HAVING count(*) = 1000 ORDER BY thread_id LIMIT 20")]
    stats_ts, load_ts = [], []
    for tid in tids:
        top = store.conn.execute("SELECT author FROM comments WHERE thread_id = ? GROUP BY author"
                                 " ORDER BY count(*) DESC, author LIMIT 1", (tid,)).fetchone()[0]

        def once():
            t0 = time.perf_counter()
            thread = store.load_thread(tid)
            t1 = time.perf_counter()
            json.dumps(thread_stats(thread, author=top).to_dict())
            return t1 - t0

        once()  # warm-up
        t = time.perf_counter()
        load_ts.append(once())
        stats_ts.append(time.perf_counter() - t)
    cli_ts = []
    env = dict(os.environ, THREADPRESS_DB=str(args.archive))
    top0 = store.conn.execute("SELECT author FROM comments WHERE thread_id = ? GROUP BY author"
                              " ORDER BY count(*) DESC, author LIMIT 1", (tids[0],)).fetchone()[0]
    cli = [sys.executable, "-c", "from threadpress.cli import main; from threadpress.cli.analyze import COMMANDS;"
           "[main.add_command(c) for c in COMMANDS]; main()", "stats", tids[0], "--author", top0, "--json"]
    for _ in range(3):
        t = time.perf_counter()
        p = subprocess.run(cli, env=env, capture_output=True, cwd=ROOT)
        cli_ts.append(time.perf_counter() - t)
        if p.returncode != 0:
            raise SystemExit(f"stats command failed: {p.stderr.decode()[:400]}")
    store.close()

    ms = lambda s: f"{s * 1000:,.1f}"
    p95 = pct(typical, 95)
    sp95 = pct(stats_ts, 95)
    out = [f"## {HEADING}", ""]
    out.append(f"Command: `.venv/bin/python bench/bench_search.py --repeat {args.repeat} --write` "
               f"(run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC).")
    out.append("")
    out.append(f"Archive: `bench/make_archive.py` (seed 20260105): {n_comments:,} comments in {n_threads:,} threads, "
               f"{size_mb:,.0f} MB (SQLite with the FTS5 index, threadpress's own schema). Times are wall clock "
               f"(`time.perf_counter`), in-process, warm page cache, after one warm-up run; p50/p95 over "
               f"{args.repeat} runs of each query.")
    out.append("")
    out.append("Machine: " + "; ".join(f"{k}: {v}" for k, v in host.items()) + ".")
    out.append("")
    out.append("### Summary")
    out.append("")
    out.append("| measure | p50 (ms) | p95 (ms) | target | |")
    out.append("|---|---:|---:|---|---|")
    out.append(f"| typical searches ({len(typical) // args.repeat} queries) | {ms(pct(typical, 50))} | {ms(p95)} "
               f"| p95 < {SEARCH_TARGET_MS} ms | {'met' if p95 * 1000 < SEARCH_TARGET_MS else '**not met**'} |")
    out.append(f"| `stats --author`, 1,000-comment stored thread ({len(stats_ts)} threads) | {ms(pct(stats_ts, 50))} "
               f"| {ms(sp95)} | < {STATS_TARGET_MS} ms | {'met' if sp95 * 1000 < STATS_TARGET_MS else '**not met**'} |")
    out.append(f"| of which loading the thread from the archive | {ms(pct(load_ts, 50))} | {ms(pct(load_ts, 95))} | | |")
    out.append(f"| `threadpress stats --author --json` in a new process (start-up and imports included) "
               f"| {ms(statistics.median(cli_ts))} | {ms(max(cli_ts))} | | |")
    out.append(f"| stop words alone (`the`, `of and`; not typical) | {ms(pct(per_cat['stop words'], 50))} "
               f"| {ms(pct(per_cat['stop words'], 95))} | | |")
    out.append(f"| naive FTS5 query (join + ORDER BY rank LIMIT 20), the unfiltered typical queries "
               f"| {ms(pct(naive_ts, 50))} | {ms(pct(naive_ts, 95))} | | |")
    out.append(f"| naive FTS5 query, `the` | {ms(naive_stop[0])} | | | |")
    out.append("")
    out.append("### Searches by category (ms)")
    out.append("")
    out.append("| category | p50 | p95 |")
    out.append("|---|---:|---:|")
    for cat, ts in per_cat.items():
        out.append(f"| {cat} | {ms(pct(ts, 50))} | {ms(pct(ts, 95))} |")
    out.append("")
    out.append("### Every query (median ms)")
    out.append("")
    out.append("| category | query | filters | hits | path | median |")
    out.append("|---|---|---|---:|---|---:|")
    for cat, q, kw, hits, how, med in lines:
        filters = ", ".join(f"{k}={v}" for k, v in kw.items())
        out.append(f"| {cat} | `{q}` | {filters} | {hits} | {how} | {ms(med)} |")
    out.append("")
    out.append("`path`: \"window N\" means the query was estimated to match more than 15,000 comments (or to "
               "visit more than 60,000) and only the matches among the N most recently stored comments were "
               "ranked (docs/analytics.md, \"Search at scale\"). The naive query's "
               "median per query: " + ", ".join(f"`{q}` {ms(t)}" for q, t in naive_rows) + ".")
    out.append("")
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--archive", type=Path, default=HERE / ".work" / "archive-1m.db")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--write", action="store_true", help="rewrite this benchmark's section of bench/RESULTS.md")
    args = ap.parse_args()
    section = run(args)
    print(section)
    if args.write:
        benchlib.write_section(HEADING, section)


if __name__ == "__main__":
    main()
