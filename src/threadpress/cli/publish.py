"""publish: a digest or a saved composition as a Markdown/HTML file or a WordPress/Ghost draft."""

from __future__ import annotations

from datetime import datetime, timezone

import click

from ..digest import DEFAULT_MIN_CONFIDENCE
from ..digest import select as select_comments
from ..errors import InputError, NotFound
from .output import json_option, min_confidence_option, print_json, source_option


def _date(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(f"--date {value!r}: expected an ISO 8601 date, e.g. 2026-01-05 or 2026-01-05T10:00Z") from None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


@click.command()
@click.argument("source", required=False)
@click.option("--to", "target", type=click.Choice(["markdown", "html", "wordpress", "ghost"]), required=True,
              help="Where the post goes: a file (markdown, html) or a draft on a site (wordpress, ghost).")
@click.option("--author", "-a", help="Whose comments make the post (with SOURCE).")
@click.option("--replies", "with_replies", is_flag=True, help="Follow each comment with the replies it received.")
@click.option("--composition", "composition_id", type=int, metavar="ID",
              help="Publish a composition saved in the web app instead of a digest of SOURCE.")
@click.option("--title", help="The post's title (default: the thread's or the composition's).")
@click.option("--slug", help="The post's URL slug (default: made from the title).")
@click.option("--tag", "tags", multiple=True, metavar="TAG", help="A tag for the post (repeatable).")
@click.option("--date", "date", metavar="ISO", help="The post's date in Markdown front matter (default: now).")
@click.option("--publish", "go_live", is_flag=True, help="Publish at once instead of leaving a draft.")
@click.option("-o", "--output", metavar="PATH",
              help="markdown/html: the file or folder to write (default: SLUG.md / SLUG.html here); - prints it.")
@click.option("--clipboard", is_flag=True, help="html: put the HTML on the clipboard (wl-copy or xclip).")
@json_option
@source_option
@min_confidence_option
@click.pass_obj
def publish(app, source: str | None, target: str, author: str | None, with_replies: bool,
            composition_id: int | None, title: str | None, slug: str | None, tags: tuple[str, ...],
            date: str | None, go_live: bool, output: str | None, clipboard: bool, as_json: bool,
            source_name: str | None, select: str | None, infer: bool,
            min_confidence: float | None) -> None:
    """Publish a digest or a saved composition as a file or a WordPress/Ghost draft.

    A post goes out as a draft unless --publish is given; publishing the same digest (thread and
    author) or composition to the same site again updates that draft. Site credentials come from
    the environment (THREADPRESS_WP_URL, THREADPRESS_WP_USER, THREADPRESS_WP_APP_PASSWORD,
    THREADPRESS_GHOST_URL, THREADPRESS_GHOST_ADMIN_KEY) or ~/.config/threadpress/config.toml.

    \b
    Example:
      threadpress publish examples/moa/thread.html --author "Rowan Ashgrove" --to markdown --tag moa
      threadpress publish examples/moa/thread.html --author "Rowan Ashgrove" --to wordpress
      threadpress publish --composition 3 --to ghost --publish
    """
    from ..publish import Request, from_composition, from_digest
    from ..publish import publish as send

    options = {"title": title, "slug": slug, "date": _date(date), "tags": tags}
    if composition_id is not None:
        if source or author:
            raise InputError("--composition: give either --composition ID or SOURCE --author NAME, not both")
        store = app.existing_store()
        if store is None:
            raise NotFound(f"--composition {composition_id}: no archive at {app.db_path}")
        post = from_composition(store, composition_id, **options)
    else:
        if not source or not author:
            raise InputError("publish: give SOURCE --author NAME (a digest) or --composition ID")
        thread = app.load(source, source=source_name, select=select, infer=infer, min_confidence=min_confidence)
        mc = DEFAULT_MIN_CONFIDENCE if min_confidence is None else min_confidence
        post = from_digest(select_comments(thread, author, replies=with_replies, min_confidence=mc), **options)
    needs_state = target in ("wordpress", "ghost")
    result = send(post, Request(target, publish=go_live, output=output, clipboard=clipboard),
                  store=app.store() if needs_state else None)
    if result.text is not None and not as_json:
        click.echo(result.text, nl=False)
        return
    if as_json:
        data = result.to_dict()
        if result.text is not None:
            data["text"] = result.text
        print_json(data)
        return
    if result.id:  # a site: "wordpress: created draft 12 'Title' → https://..."
        line = f"{result.target}: {result.action} {result.status} {result.id} {result.title!r}"
        click.echo(line + (f" → {result.url}" if result.url else ""))
    else:  # a file or the clipboard: "markdown: wrote my-post.md 'Title'"
        verb = "copied to" if result.action == "copied" else "wrote"
        click.echo(f"{result.target}: {verb} {result.path} {result.title!r}")


COMMANDS = [publish]
