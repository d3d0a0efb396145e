#!/usr/bin/env python3
"""Time threadpress parsing a 1,000-comment Typepad page against its peers, on the same bytes, in one run.

    .venv/bin/python bench/bench_parse.py [--comments 1000] [--repeat 15] [--write]

Lines (see bench/README.md): `floor` (selectolax/lexbor parsing the page and selecting the comments,
the practical limit), `threadpress parse` (structure: comments, authors, times, numbers, ids, bodies
located), `threadpress full` (the same plus every comment's sanitized html and text and reply
resolution, what `threadpress parse --json` does before printing), `bs4 html.parser` (BeautifulSoup
doing the same extraction as threadpress parse, plus each comment's text) and `trafilatura`
(`extract(include_comments=True)`).

The contenders run round-robin (one run of each per round, after a warm-up round) so that load from
other processes on the machine falls on all of them alike; best and median are reported. Garbage
collection stays on, as in real use, and is run between timed calls. Before timing, threadpress and
bs4 must find the same (number, author, time) for every comment, else the run exits with status 1.
`--write` replaces this benchmark's section of bench/RESULTS.md and keeps the others.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import platform
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import benchlib  # noqa: E402  (bench/ is not a package; the script's folder is on the path)
import make_page  # noqa: E402
from bs4 import BeautifulSoup  # noqa: E402
from selectolax.lexbor import LexborHTMLParser  # noqa: E402

import trafilatura  # noqa: E402
from threadpress.replies import resolve  # noqa: E402
from threadpress.sources.base import Document  # noqa: E402
from threadpress.sources.typepad import SOURCE as TYPEPAD  # noqa: E402

#: Targets from issue 2: structure extraction within 2x of the bare parse, 5x faster than bs4.
TARGET_VS_FLOOR = 2.0
TARGET_VS_BS4 = 5.0
LIBRARIES = ("selectolax", "beautifulsoup4", "trafilatura", "lxml", "nh3", "threadpress")

Triple = tuple[int, str, datetime]


# ------------------------------------------------------------------------------------------
# The contenders. Each takes the page's bytes and does its whole job, decoding included.
# ------------------------------------------------------------------------------------------

def floor(data: bytes) -> list:
    """The bare parse: lexbor builds the tree and the comment nodes are selected.

    It is given the bytes: selectolax 1.x reads them as UTF-8 without sniffing, which is faster than
    decoding to str first (a str is encoded back to UTF-8 for lexbor)."""
    return LexborHTMLParser(data).css("div.comment")


def threadpress_parse(data: bytes):
    return TYPEPAD.parse(Document(data, "page"))


@dataclass
class Stages:
    """Where `threadpress full` spends its time, per run (seconds)."""

    runs: list[dict[str, float]] = field(default_factory=list)


STAGES = Stages()


def threadpress_full(data: bytes):
    t0 = time.perf_counter()
    thread = TYPEPAD.parse(Document(data, "page"))
    t1 = time.perf_counter()
    for c in thread.comments:
        c.html  # noqa: B018  (sanitize: nh3)
    t2 = time.perf_counter()
    for c in thread.comments:
        c.text  # noqa: B018  (text from the sanitized html)
    t3 = time.perf_counter()
    resolve(thread)
    t4 = time.perf_counter()
    STAGES.runs.append({"parse": t1 - t0, "html": t2 - t1, "text": t3 - t2, "resolve": t4 - t3})
    return thread


_BS4_FOOTER = re.compile(
    r"^Posted by:\s*(?P<name>[^|]+?)\s*\|\s*(?P<mon>[A-Z][a-z]{2})\s+(?P<d>\d{1,2})\s+(?P<y>\d{4})\s+"
    r"(?P<H>\d{1,2}):(?P<M>\d{2})\s*utc\s*\|\s*(?P<n>\d+)\s*$"
)
_MONTHS = {m: i for i, m in enumerate(make_page.MONTHS, 1)}


@dataclass(slots=True)
class Bs4Comment:
    number: int
    author: str
    created_at: datetime
    id: str | None
    text: str


def bs4_extract(data: bytes) -> list[Bs4Comment]:
    """What a careful BeautifulSoup script does: each div.comment's footer fields and body text."""
    soup = BeautifulSoup(data.decode("utf-8"), "html.parser")
    out = []
    for div in soup.find_all("div", class_="comment"):
        footer = div.find("p", class_="comment-footer")
        content = div.find("div", class_="comment-content")
        if footer is None:
            continue
        m = _BS4_FOOTER.match(" ".join(footer.get_text().split()))
        if m is None:
            continue
        when = datetime(int(m["y"]), _MONTHS[m["mon"]], int(m["d"]), int(m["H"]), int(m["M"]),
                        tzinfo=timezone.utc)
        xid = None
        for a in footer.find_all("a", href=True):
            frag = a["href"].rpartition("#")[2]
            if frag.startswith("c"):
                xid = frag[1:]
                break
        text = content.get_text("\n", strip=True) if content is not None else ""
        out.append(Bs4Comment(int(m["n"]), m["name"], when, xid, text))
    return out


def trafilatura_extract(data: bytes) -> str | None:
    return trafilatura.extract(data, include_comments=True)


CONTENDERS: list[tuple[str, Callable[[bytes], Any]]] = [
    ("floor", floor),
    ("threadpress parse", threadpress_parse),
    ("threadpress full", threadpress_full),
    ("bs4 html.parser", bs4_extract),
    ("trafilatura", trafilatura_extract),
]


# ------------------------------------------------------------------------------------------
# Correctness, timing, machine
# ------------------------------------------------------------------------------------------

def check(data: bytes, page: make_page.Page) -> list[str]:
    """Problems found (empty when threadpress and bs4 agree with each other and the generator)."""
    problems = []
    want: list[Triple] = [(c.number, c.author, c.created_at) for c in page.comments]
    thread = threadpress_parse(data)
    ours: list[Triple] = [(c.number, c.author, c.created_at) for c in thread.comments]
    theirs: list[Triple] = [(c.number, c.author, c.created_at) for c in bs4_extract(data)]
    if ours != theirs:
        diff = sorted(set(ours) ^ set(theirs), key=lambda t: t[0])[:5]
        problems.append(f"threadpress found {len(ours)} comments and bs4 {len(theirs)}; they differ, e.g. {diff}")
    if ours != want:
        problems.append(f"threadpress does not match the generated page ({len(ours)} of {len(want)} comments)")
    if [c.id for c in thread.comments] != [c.xid for c in page.comments]:
        problems.append("threadpress comment ids are not the Typepad xids")
    if len(floor(data)) != len(want):
        problems.append("the floor does not select every comment node")
    full = threadpress_full(data)
    if any(not c.text or not c.html for c in full.comments):
        problems.append("threadpress full left a comment without html or text")
    STAGES.runs.clear()
    return problems


@dataclass
class Timing:
    name: str
    runs: list[float] = field(default_factory=list)

    @property
    def best(self) -> float:
        return min(self.runs)

    @property
    def median(self) -> float:
        return statistics.median(self.runs)


def run(data: bytes, repeat: int, *, progress: bool = True) -> dict[str, Timing]:
    timings = {name: Timing(name) for name, _ in CONTENDERS}
    for r in range(repeat + 1):  # round 0 warms up (imports, caches, lexbor and lxml allocators)
        for name, fn in CONTENDERS:
            gc.collect()
            t0 = time.perf_counter()
            fn(data)
            elapsed = time.perf_counter() - t0
            if r:
                timings[name].runs.append(elapsed)
        if r == 0:
            STAGES.runs.clear()
        if progress:
            print(f"\rround {r}/{repeat}", end="", file=sys.stderr, flush=True)
    if progress:
        print(file=sys.stderr)
    return timings


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def machine() -> dict[str, str]:
    return {
        "CPU": benchlib.cpu_model(),
        "cores": benchlib.cores(),
        "RAM": benchlib.ram(),
        "OS": platform.platform(),
        "Python": f"{platform.python_implementation()} {platform.python_version()}",
        "libraries": ", ".join(f"{d} {_version(d)}" for d in LIBRARIES),
        "threadpress commit": benchlib.git_rev(),
        "load average (1/5/15 min) at start": benchlib.load_average(),
    }


# ------------------------------------------------------------------------------------------
# Report
# ------------------------------------------------------------------------------------------

def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f}"


@dataclass
class Ratio:
    label: str
    value: float        # best / best
    median: float       # median / median
    target: str = ""
    met: bool | None = None


def ratios(t: dict[str, Timing]) -> list[Ratio]:
    def r(a: str, b: str) -> tuple[float, float]:
        return t[a].best / t[b].best, t[a].median / t[b].median

    out = []
    v, m = r("threadpress parse", "floor")
    out.append(Ratio("threadpress parse / floor", v, m, f"≤ {TARGET_VS_FLOOR:g}×", v <= TARGET_VS_FLOOR))
    v, m = r("threadpress full", "floor")
    out.append(Ratio("threadpress full / floor", v, m))
    v, m = r("bs4 html.parser", "threadpress parse")
    out.append(Ratio("bs4 / threadpress parse", v, m, f"≥ {TARGET_VS_BS4:g}×", v >= TARGET_VS_BS4))
    v, m = r("bs4 html.parser", "threadpress full")
    out.append(Ratio("bs4 / threadpress full", v, m))
    v, m = r("trafilatura", "threadpress parse")
    out.append(Ratio("trafilatura / threadpress parse", v, m))
    v, m = r("trafilatura", "threadpress full")
    out.append(Ratio("trafilatura / threadpress full", v, m))
    return out


def _met(x: bool | None) -> str:
    return "" if x is None else ("met" if x else "**not met**")


def table_text(t: dict[str, Timing], rs: list[Ratio]) -> str:
    fl = t["floor"].best
    lines = [f"{'':22} {'best ms':>10} {'median ms':>10} {'× floor':>8}"]
    for name, _ in CONTENDERS:
        lines.append(f"{name:22} {ms(t[name].best):>10} {ms(t[name].median):>10} {t[name].best / fl:>7.1f}×")
    for stage, best, med in stage_rows():
        lines.append(f"  full: {stage:14} {ms(best):>10} {ms(med):>10}")
    lines.append("")
    for r in rs:
        lines.append(f"{r.label:32} {r.value:6.2f}× (median {r.median:5.2f}×)  {r.target} {_met(r.met)}".rstrip())
    return "\n".join(lines)


def stage_rows() -> list[tuple[str, float, float]]:
    if not STAGES.runs:
        return []
    return [(k, min(run[k] for run in STAGES.runs), statistics.median(run[k] for run in STAGES.runs))
            for k in STAGES.runs[0]]


def section(*, heading: str, command: str, data: bytes, n: int, repeat: int, t: dict[str, Timing],
            rs: list[Ratio], mach: dict[str, str], traf_chars: int, traf_footers: int, load_end: str) -> str:
    fl = t["floor"]
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    rows = "\n".join(
        f"| {name} | {ms(t[name].best)} | {ms(t[name].median)} | {t[name].best / fl.best:.1f}× |"
        for name, _ in CONTENDERS)
    stages = "\n".join(f"| full: {k} | {ms(b)} | {ms(m)} | |" for k, b, m in stage_rows())
    ratio_rows = "\n".join(
        f"| {r.label} | {r.value:.2f}× | {r.median:.2f}× | {r.target or '–'} | {_met(r.met) or '–'} |" for r in rs)
    mach_rows = "\n".join(f"- {k}: {v}" for k, v in mach.items())
    return f"""## {heading}

Command: `{command}` (run {when}).

Input: `bench/make_page.py` (seed {make_page.SEED}): {len(data):,} bytes, {n:,} comments, sha256
`{hashlib.sha256(data).hexdigest()[:16]}…`. Every line below got these same bytes; {repeat} timed rounds after
one warm-up round, contenders interleaved round-robin; times are wall clock (`time.perf_counter`), GC on.
Correctness: threadpress and bs4 found the same {n:,} (number, author, time) triples, equal to the generator's.

### Timings (ms)

| line | best | median | best ÷ floor best |
|---|---:|---:|---:|
{rows}
{stages}

The `full:` rows split `threadpress full` into its stages (sanitizing with nh3, text from the sanitized
html, reply resolution); they add up to it. trafilatura returned {traf_chars:,} characters of flat text
holding {traf_footers:,} `Posted by:` footers (no comment structure).

### Ratios (best ÷ best; the median ratio alongside)

| ratio | best | median | target | |
|---|---:|---:|---|---|
{ratio_rows}

### Machine

{mach_rows}
- load average (1/5/15 min) at end: {load_end}

The machine is shared and may be busy; the median shows how much that moved the runs.
"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--comments", type=int, default=1000, help="comments on the generated page (default 1000)")
    ap.add_argument("--repeat", type=int, default=15, help="timed rounds (default 15)")
    ap.add_argument("--write", action="store_true", help="rewrite this benchmark's section of bench/RESULTS.md")
    ap.add_argument("--save-page", type=Path, metavar="FILE", help="also write the generated page here")
    args = ap.parse_args(argv)
    if args.comments < 1 or args.repeat < 1:
        ap.error("--comments and --repeat must be at least 1")

    page = make_page.make_page(args.comments)
    data = page.html
    if args.save_page:
        args.save_page.write_bytes(data)
    mach = machine()
    print(f"page: {len(data):,} bytes, {args.comments:,} comments; {args.repeat} rounds", file=sys.stderr)

    problems = check(data, page)
    if problems:
        for p in problems:
            print(f"error: {p}", file=sys.stderr)
        return 1
    traf = trafilatura_extract(data) or ""

    t = run(data, args.repeat)
    rs = ratios(t)
    load_end = benchlib.load_average()
    print(table_text(t, rs))

    if args.write:
        heading = f"Parse a {args.comments:,}-comment page"
        cmd = " ".join([".venv/bin/python", "bench/bench_parse.py",
                        *(a for a in (argv if argv is not None else sys.argv[1:]))])
        new = section(heading=heading, command=cmd, data=data, n=args.comments, repeat=args.repeat, t=t, rs=rs,
                      mach=mach, traf_chars=len(traf), traf_footers=traf.count("Posted by:"), load_end=load_end)
        benchlib.write_section(heading, new)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
