"""parse, replies, digest: read one thread and show it, its reply edges, or a digest."""

from __future__ import annotations

import click

from ..digest import DEFAULT_MIN_CONFIDENCE
from ..digest import select as select_comments
from ..files import atomic_write
from ..model import iso_utc, thread_to_dict
from ..render import FORMATS, render
from .output import json_option, min_confidence_option, print_json, source_option, table


def _min(value: float | None) -> float:
    return DEFAULT_MIN_CONFIDENCE if value is None else value


@click.command()
@click.argument("source")
@json_option
@source_option
@min_confidence_option
@click.pass_obj
def parse(app, source: str, as_json: bool, source_name: str | None, select: str | None, infer: bool,
          min_confidence: float | None) -> None:
    """Parse SOURCE into threads and comments.

    \b
    Example:
      threadpress parse examples/moa/thread.html --json
    """
    thread = app.load(source, source=source_name, select=select, infer=infer, min_confidence=min_confidence)
    mc = _min(min_confidence)
    if as_json:
        print_json(thread_to_dict(thread, min_confidence=mc))
        return
    by_id = thread.by_id()
    rows = []
    for c in thread.comments:
        answers = ", ".join(str(by_id[e.target_id].number) for e in c.parents
                            if e.confidence >= mc and e.target_id in by_id)
        first = c.text.replace("\n", " ")
        rows.append([c.number, c.author, iso_utc(c.created_at), answers, c.status,
                     first[:70] + ("…" if len(first) > 70 else "")])
    table(f"{thread.title} — {len(thread.comments)} comments ({thread.source}, id {thread.id})",
          ["#", "author", "time (UTC)", "answers", "status", "text"], rows)


@click.command()
@click.argument("source")
@json_option
@source_option
@min_confidence_option
@click.pass_obj
def replies(app, source: str, as_json: bool, source_name: str | None, select: str | None, infer: bool,
            min_confidence: float | None) -> None:
    """List who replies to whom in SOURCE, with how each edge was found.

    \b
    Example:
      threadpress replies examples/moa/thread.txt --json
    """
    thread = app.load(source, source=source_name, select=select, infer=infer, min_confidence=min_confidence)
    mc = _min(min_confidence)
    by_id = thread.by_id()
    edges = []
    for c in thread.comments:
        for e in c.parents:
            if e.confidence < mc or e.target_id not in by_id:
                continue
            t = by_id[e.target_id]
            edges.append({"from": {"id": c.id, "number": c.number, "author": c.author},
                          "to": {"id": t.id, "number": t.number, "author": t.author},
                          "how": e.how, "confidence": round(e.confidence, 3), "evidence": e.evidence})
    if as_json:
        print_json({"thread": {"id": thread.id, "title": thread.title}, "edges": edges})
        return
    table(f"{len(edges)} reply edges in {thread.title or thread.id}",
          ["from", "author", "to", "author", "how", "conf.", "evidence"],
          [[e["from"]["number"], e["from"]["author"], e["to"]["number"], e["to"]["author"], e["how"],
            f"{e['confidence']:.2f}", e["evidence"]] for e in edges])


@click.command()
@click.argument("source")
@click.option("--author", "-a", required=True, help="Whose comments to collect (as shown in the thread).")
@click.option("--replies", "with_replies", is_flag=True, help="Follow each comment with the replies it received.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="markdown", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Write to this file (atomically) instead of standard output.")
@source_option
@min_confidence_option
@click.pass_obj
def digest(app, source: str, author: str, with_replies: bool, fmt: str, output: str | None,
           source_name: str | None, select: str | None, infer: bool, min_confidence: float | None) -> None:
    """Make a post of one author's comments, each preceded by the comments it answers.

    \b
    Example:
      threadpress digest examples/moa/thread.html --author "Rowan Ashgrove" --format html -o post.html
    """
    thread = app.load(source, source=source_name, select=select, infer=infer, min_confidence=min_confidence)
    d = select_comments(thread, author, replies=with_replies, min_confidence=_min(min_confidence))
    text = render(d, fmt)
    if output:
        atomic_write(output, text)
        click.echo(f"wrote {len(d.items)} comments to {output}", err=True)
    else:
        click.echo(text, nl=False)


COMMANDS = [parse, replies, digest]
