"""search, stats, author, chart: look into the archive and into one thread's engagement."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import click
from rich.text import Text

from ..errors import InputError, NotFound
from .output import (
    console,
    json_option,
    min_confidence_option,
    print_json,
    source_option,
    table,
)


def _confidence(value: float | None) -> float:
    from ..digest import DEFAULT_MIN_CONFIDENCE

    return DEFAULT_MIN_CONFIDENCE if value is None else value


@click.command()
@click.argument("query")
@click.option("--author", metavar="NAME", help="Only comments by this author (case-insensitive).")
@click.option("--thread", "thread_ref", metavar="ID", help="Only comments of this stored thread (id or prefix).")
@click.option("--since", metavar="DATE", help="Only comments at or after DATE (YYYY-MM-DD or ISO date-time, UTC).")
@click.option("--until", metavar="DATE", help="Only comments at or before DATE (a date includes the whole day).")
@click.option("-n", "--limit", type=click.IntRange(1, 1000), default=20, show_default=True, help="Most results.")
@json_option
@click.pass_obj
def search(app, query: str, author: str | None, thread_ref: str | None, since: str | None, until: str | None,
           limit: int, as_json: bool) -> None:
    """Search the archive's comments (FTS5, ranked by bm25), with highlighted snippets.

    QUERY: words (all must match), "exact phrase", prefix*, OR, NOT, NEAR(a b, 5), parentheses.

    \b
    Example:
      threadpress search '"security strip" OR Lemm' --author "Rowan Ashgrove"
      threadpress search 'negotiat* NOT Halvard' --since 2025-12-30 --json
    """
    from ..search import search as run_search

    store = app.existing_store()
    if store is None:
        raise NotFound(f"{app.db_path}: no archive yet (store threads with `threadpress ingest`)")
    result = run_search(store, query, author=author, thread=thread_ref, since=since, until=until, limit=limit)
    if as_json:
        print_json({"query": result.query, "window": result.window,
                    "results": [asdict(h) | {"highlights": [list(s) for s in h.highlights]}
                                for h in result.hits]})
        return
    out = console()
    if not result.hits:
        click.echo(f"No comments match {query!r}.")
        return
    note = f" (ranked among the {result.window:,} newest matches)" if result.window else ""
    out.print(Text(f"{len(result.hits)} results for {query!r}{note}", style="bold"))
    for h in result.hits:
        when = (h.created_at or "time unknown").replace("T", " ").replace("Z", " UTC")
        head = Text()
        head.append(h.thread_id, style="cyan")
        head.append(f"  #{h.number if h.number is not None else '?'}  ")
        head.append(h.author or "(anonymous)", style="bold")
        head.append(f"  {when}")
        if h.thread_title:
            head.append(f"  {h.thread_title}", style="dim")
        body = Text("    " + h.snippet)
        for start, end in h.highlights:
            body.stylize("bold reverse", start + 4, end + 4)
        out.print(head)
        out.print(body)


def _duration(seconds: int | None) -> str:
    if seconds is None:
        return ""
    if seconds < 0:
        return f"-{_duration(-seconds)}"
    h, rest = divmod(seconds, 3600)
    return f"{h}h{rest // 60:02d}m" if h else f"{rest // 60}m"


def _nums(numbers) -> str:
    return ", ".join(f"#{n}" for n in numbers)


@click.command()
@click.argument("source", metavar="SOURCE")
@click.option("--author", metavar="NAME", help="Report on this author's comments (case-insensitive).")
@min_confidence_option
@source_option
@json_option
@click.pass_obj
def stats(app, source: str, author: str | None, min_confidence: float | None, source_name: str | None,
          select: str | None, infer: bool, as_json: bool) -> None:
    """Who took part in a thread, who answered whom, and what drew replies.

    With --author: every comment of the author with the replies it received, time to the first
    reply, whether anyone quoted it, the unanswered ones, and how source posts (quoting an outside
    statement or interview) fared against the author's other comments.

    \b
    Example:
      threadpress stats examples/moa/thread.html --author "Rowan Ashgrove"
      threadpress stats examples/moa/thread.html --author "Rowan Ashgrove" --json
    """
    from ..analytics import thread_stats

    thread = app.load(source, source=source_name, select=select, infer=infer, min_confidence=min_confidence)
    st = thread_stats(thread, author=author, min_confidence=_confidence(min_confidence))
    if as_json:
        print_json(st.to_dict())
        return
    out = console()
    out.print(Text(f"{st.title or st.thread_id}: {st.total_comments} comments by {len(st.participants)} people",
                   style="bold"))
    shown = st.participants[:15]
    more = f" (and {len(st.participants) - 15} more)" if len(st.participants) > 15 else ""
    table(f"Participants{more}", ["author", "comments"], [[a, n] for a, n in shown])
    if st.author:
        replies = sum(len(c.replies) for c in st.comments)
        people = len({r.author for c in st.comments for r in c.replies})
        out.print(Text(f"{st.author}: {len(st.comments)} comments, {replies} replies from {people} people; "
                       f"{len(st.unanswered)} unanswered" + (f" ({_nums(st.unanswered)})" if st.unanswered else ""),
                       style="bold"))
        table(f"Comments by {st.author}", ["#", "time (UTC)", "replies", "from", "first reply", "quoted by",
                                           "source post"],
              [[c.number, (c.created_at or "").replace("T", " ").replace("Z", ""), _nums(r.number for r in c.replies),
                "; ".join(dict.fromkeys(r.author for r in c.replies)), _duration(c.first_reply_after_s),
                _nums(c.quoted_by), "yes" if c.quotes_source else ""] for c in st.comments])
    table("Most answered comments", ["#", "author", "replies"],
          [[c.number, c.author, len(c.replies)] for c in st.most_answered])
    table("Who answers whom", ["from", "to", "replies"], [[a, b, n] for a, b, n in st.pairs])
    e = st.engagement
    whose = f"{st.author}'s" if st.author else "all"

    def mean(v: float | None) -> str:
        return "-" if v is None else f"{v:.2f}"

    out.print(f"Source posts ({whose} comments quoting an outside source): {e.source_posts}, drew "
              f"{e.source_replies} replies ({mean(e.source_mean)} each); other comments: {e.other_posts}, "
              f"drew {e.other_replies} ({mean(e.other_mean)} each).")


@click.command("author")
@click.argument("name")
@min_confidence_option
@json_option
@click.pass_obj
def author_cmd(app, name: str, min_confidence: float | None, as_json: bool) -> None:
    """One author across the archive: threads joined, comments, replies over time, who answers.

    \b
    Example:
      threadpress author "Rowan Ashgrove"
      threadpress author "Rowan Ashgrove" --json
    """
    from ..analytics import author_report

    store = app.existing_store()
    if store is None:
        raise NotFound(f"{app.db_path}: no archive yet (store threads with `threadpress ingest`)")
    rep = author_report(store, name, min_confidence=_confidence(min_confidence))
    if as_json:
        print_json(rep.to_dict())
        return
    out = console()
    out.print(Text(f"{rep.author}: {rep.comments} comments in {len(rep.threads)} threads, {rep.replies} replies "
                   f"received, {rep.unanswered} comments unanswered", style="bold"))
    table("Threads", ["thread", "title", "comments", "replies", "first", "last"],
          [[t.id, t.title, t.comments, t.replies, t.first, t.last] for t in rep.threads])
    table(f"Per {rep.period}", [rep.period, "comments", "replies received"], [list(r) for r in rep.timeline])
    table("Who answers most", ["author", "replies"], [list(r) for r in rep.repliers])


@click.command()
@click.argument("source", metavar="SOURCE")
@click.option("--kind", type=click.Choice(["timeline", "network", "engagement"]), required=True,
              help="timeline: comments per interval; network: who replies to whom; engagement: replies per "
                   "comment of --author.")
@click.option("--author", metavar="NAME", help="Highlight this author (required for --kind engagement).")
@click.option("-o", "--output", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The image to write: FILE.png or FILE.svg.")
@min_confidence_option
@source_option
@json_option
@click.pass_obj
def chart(app, source: str, kind: str, author: str | None, out: Path, min_confidence: float | None,
          source_name: str | None, select: str | None, infer: bool, as_json: bool) -> None:
    """Draw a chart of a thread as PNG or SVG: timeline, reply network or engagement.

    \b
    Example:
      threadpress chart examples/moa/thread.html --kind network --author "Rowan Ashgrove" -o network.svg
      threadpress chart examples/moa/thread.html --kind engagement --author "Rowan Ashgrove" -o replies.png
    """
    from ..plots import chart_format, render_chart

    chart_format(out)
    if kind == "engagement" and not author:
        raise InputError("--kind engagement: needs --author NAME (whose comments to chart)")
    thread = app.load(source, source=source_name, select=select, infer=infer, min_confidence=min_confidence)
    result = render_chart(thread, kind, out, author=author, min_confidence=_confidence(min_confidence))
    if as_json:
        print_json({"path": str(result.path), "format": result.format, "kind": kind,
                    "width": result.width, "height": result.height})
        return
    click.echo(f"{result.path}: {kind} chart, {result.width}×{result.height} ({result.format})")


COMMANDS = [search, stats, author_cmd, chart]
