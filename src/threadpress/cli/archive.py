"""ingest, threads, sources: the archive and what can be read into it."""

from __future__ import annotations

import click

from ..sources import registry
from .output import json_option, print_json, source_option, table


@click.command()
@click.argument("sources", nargs=-1, required=True, metavar="SOURCE...")
@source_option
@json_option
@click.pass_obj
def ingest(app, sources: tuple[str, ...], source_name: str | None, select: str | None, infer: bool, as_json: bool) -> None:
    """Store threads in the archive. Re-ingesting changes nothing; edits are kept as versions.

    Every SOURCE is read before anything is written, so one bad input stores nothing.

    \b
    Example:
      threadpress ingest examples/moa/thread.html
    """
    threads = [app.load(s, source=source_name, select=select, infer=infer) for s in sources]
    store = app.store()
    results = [store.ingest(t) for t in threads]
    if as_json:
        print_json([{"thread_id": r.thread_id, "added": r.added, "changed": r.changed,
                     "unchanged": r.unchanged} for r in results])
        return
    for t, r in zip(threads, results):
        click.echo(f"{r.thread_id}  {t.title or '(untitled)'}: {r.added} new, {r.changed} changed, "
                   f"{r.unchanged} unchanged comments")


@click.command()
@json_option
@click.pass_obj
def threads(app, as_json: bool) -> None:
    """List the threads in the archive.

    \b
    Example:
      threadpress threads --json
    """
    store = app.existing_store()
    rows = store.threads() if store else []
    if as_json:
        print_json([r.__dict__ for r in rows])
        return
    table(f"{len(rows)} threads in {app.db_path}", ["id", "source", "comments", "authors", "title"],
          [[r.id, r.source, r.comments, r.authors, r.title] for r in rows])


@click.command("sources")
@json_option
def sources_cmd(as_json: bool) -> None:
    """List the sources threadpress reads and the forms each one reads.

    \b
    Example:
      threadpress sources
    """
    reg = registry()
    if as_json:
        print_json([{"name": n, "forms": list(s.forms)} for n, s in sorted(reg.items())])
        return
    table(None, ["source", "reads"], [[n, "\n".join(s.forms)] for n, s in sorted(reg.items())])


COMMANDS = [ingest, threads, sources_cmd]
