"""ingest, threads, sources: the archive and what can be read into it."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console

from ..sources import Document, registry
from .output import json_option, print_json, source_option, table


@click.command()
@click.argument("sources", nargs=-1, required=True, metavar="SOURCE...")
@source_option
@click.option("--parquet", "parquet_dir", type=click.Path(file_okay=False),
              help="Write a comment dump as Parquet (one row per comment, partitioned by thread) into DIR "
                   "instead of the archive.")
@click.option("--silent", is_flag=True, help="No progress bar on stderr.")
@json_option
@click.pass_obj
def ingest(app, sources: tuple[str, ...], source_name: str | None, select: str | None, infer: bool,
           parquet_dir: str | None, silent: bool, as_json: bool) -> None:
    """Store threads in the archive. Re-ingesting changes nothing; edits are kept as versions.

    Every SOURCE is read before anything is written, so one bad input stores nothing. Comment dumps
    (Pushshift / Arctic Shift NDJSON, plain or .zst) are streamed in constant memory, one batch per
    transaction; an interrupted dump ingest resumes where it stopped.

    \b
    Example:
      threadpress ingest examples/moa/thread.html
      threadpress ingest RC_2025-01.zst --parquet comments.parquet
    """
    dumps = [s for s in sources if is_dump(s, source_name)]
    if parquet_dir and (len(dumps) != len(sources)):
        raise click.UsageError("--parquet takes comment dumps only (Pushshift / Arctic Shift NDJSON)")
    threads = [app.load(s, source=source_name, select=select, infer=infer) for s in sources if s not in dumps]
    rows: list[dict] = []
    if threads:
        store = app.store()
        for t in threads:
            r = store.ingest(t)
            rows.append({"source": t.url or t.title, "thread_id": r.thread_id, "added": r.added,
                         "changed": r.changed, "unchanged": r.unchanged})
            if not as_json:
                click.echo(f"{r.thread_id}  {t.title or '(untitled)'}: {r.added} new, {r.changed} changed, "
                           f"{r.unchanged} unchanged comments")
    for path in dumps:
        result = _ingest_dump(app, path, parquet_dir, silent)
        rows.append({"source": path, **{k: v for k, v in result.__dict__.items() if k != "path"}})
        if not as_json:
            where = result.output or str(app.db_path)
            click.echo(f"{path}: {result.comments:,} comments in {result.threads:,} threads to {where}"
                       + (" (already done)" if result.already_done else "")
                       + (f", resumed after line {result.resumed_from:,}" if result.resumed_from else "")
                       + f" ({result.rate:,.0f} comments/s)")
    if as_json:
        print_json(rows)


def is_dump(ref: str, source_name: str | None) -> bool:
    """A local comment dump, read as a stream rather than as one thread."""
    if source_name and source_name != "reddit-dump":
        return False
    path = Path(ref)
    if not path.is_file():
        return False
    if source_name == "reddit-dump" or path.name.endswith((".zst", ".ndjson", ".jsonl")):
        with path.open("rb") as f:
            head = f.read(4096)
        doc = Document(head, ref)
        return source_name == "reddit-dump" or registry()["reddit-dump"].detect(doc) > 0.5
    return False


def _ingest_dump(app, path: str, parquet_dir: str | None, silent: bool):
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    from ..dumps import ingest_dump_sqlite, write_dump_parquet

    size = Path(path).stat().st_size
    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TextColumn("{task.fields[n]:,} comments"),
               TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), disable=silent, transient=True) as bar:
        task = bar.add_task(Path(path).name, total=size, n=0)

        def progress(done: int, comments: int) -> None:
            bar.update(task, completed=done, n=comments)

        if parquet_dir:
            return write_dump_parquet(path, parquet_dir, progress=progress)
        return ingest_dump_sqlite(app.store(), path, progress=progress)


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
