"""watch: follow live threads and report each new reply to one author."""

from __future__ import annotations

import json
import signal
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import click

from ..digest import DEFAULT_MIN_CONFIDENCE
from ..errors import InputError
from ..watch import (
    DeferredInterrupt,
    Interrupted,
    Notice,
    Polled,
    PollFailed,
    Reply,
    Watcher,
    WatchOptions,
    announced,
    parse_duration,
    run_exec,
)
from .output import min_confidence_option

#: Polling more often than this is not polite to anybody's blog.
MIN_EVERY = 30.0

# Seams for tests: a scripted clock, and sleeps that advance it instead of waiting.
_clock = time.time
_sleep = time.sleep


class Duration(click.ParamType):
    name = "DURATION"

    def convert(self, value, param, ctx):
        if isinstance(value, (int, float)):
            return float(value)
        try:
            return parse_duration(value)
        except ValueError as e:
            self.fail(str(e), param, ctx)


DURATION = Duration()


@click.command()
@click.argument("sources", metavar="SOURCE...", nargs=-1, required=True)
@click.option("--author", "-a", metavar="NAME", required=True, help="Whose replies to report (as the thread spells the name).")
@click.option("--every", type=DURATION, default="5m", show_default=True,
              help="Poll interval (30s, 5m, 12h, 2d). Quiet threads are polled less often, never more often.")
@click.option("--for", "duration", type=DURATION, help="Stop after this long.")
@click.option("--until-quiet", type=DURATION, help="Stop when no comment appeared, changed or vanished for this long.")
@click.option("--feed", type=click.Path(dir_okay=False), help="Keep an Atom feed of the replies in this file.")
@click.option("--exec", "command", metavar="CMD",
              help="Run CMD for each reply, with the reply as JSON on its standard input (no shell).")
@click.option("--json", "as_json", is_flag=True, help="Print each reply as one JSON object per line.")
@min_confidence_option
@click.pass_obj
def watch(app, sources: tuple[str, ...], author: str, every: float, duration: float | None,
          until_quiet: float | None, feed: str | None, command: str | None, as_json: bool,
          min_confidence: float | None) -> None:
    """Follow live threads and report each new reply to an author, once.

    Each poll is a conditional GET that respects robots.txt and Retry-After; new comments go into
    the archive, and a reply is never announced twice, also across restarts. Ctrl-C stops cleanly.

    \b
    Example:
      threadpress watch https://www.moonofalabama.org/2025/12/open-thread.html \\
          --author "Rowan Ashgrove" --every 10m --until-quiet 12h --feed replies.xml
    """
    if every < MIN_EVERY:
        raise click.BadParameter(f"{every:g} s is too often; poll at most every {MIN_EVERY:g}s", param_hint="--every")
    store = app.store()
    urls = [_source_url(app, s) for s in sources]
    options = WatchOptions(author=author, every=every, duration=duration, until_quiet=until_quiet,
                           min_confidence=DEFAULT_MIN_CONFIDENCE if min_confidence is None else min_confidence)

    def write_feed() -> None:
        if feed:
            from ..feed import write_feed as write

            write(feed, announced(store, urls, author), author=author, sources=urls,
                  now=datetime.fromtimestamp(_clock(), timezone.utc))

    def on_event(event) -> None:
        if isinstance(event, Reply):
            click.echo(json.dumps(event.data, ensure_ascii=False) if as_json else event.line())
            sys.stdout.flush()
            if command and (problem := run_exec(command, event.data)):
                click.echo(f"threadpress: warning: {problem}", err=True)
        elif isinstance(event, Polled):
            if event.announced:
                write_feed()
            if event.changed:
                click.echo(f"{event.title or event.source}: {_summary(event)}; next poll in {_span(event.next_in)}",
                           err=True)
        elif isinstance(event, PollFailed):
            click.echo(f"threadpress: warning: {event.message}; next try in {_span(event.retry_in)}", err=True)
        elif isinstance(event, Notice):
            click.echo(f"threadpress: note: {event.source}: {event.message}", err=True)

    fetcher = _fetcher()
    guard = DeferredInterrupt()
    watcher = Watcher(store, urls, options, on_event=on_event, fetch=lambda url: _fetch(url, fetcher),
                      clock=_clock, sleep=_sleep, hold=guard.hold)
    guard.install()
    try:
        write_feed()  # a subscriber finds a valid feed from the start
        click.echo(f"watching {len(urls)} thread{'s' if len(urls) != 1 else ''} for replies to {author},"
                   f" every {_span(every)}", err=True)
        reason = watcher.run()
    except Interrupted as e:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the feed short
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        write_feed()
        click.echo(f"threadpress: interrupted; {_count(watcher.announced_count)} announced", err=True)
        sys.exit(128 + e.signum)
    finally:
        guard.restore()
        fetcher.close()
    write_feed()
    click.echo(f"watch ended ({_ended(reason, options)}); {_count(watcher.announced_count)} announced", err=True)


def _source_url(app, ref: str) -> str:
    if ref.startswith(("http://", "https://")):
        return ref
    store = app.existing_store()
    tid = store.resolve_id(ref) if store else None
    if tid is None:
        raise InputError(f"{ref}: watch needs an http(s) URL or a stored thread that has one")
    url = store.load_thread(tid).url  # type: ignore[union-attr]
    if not url or not url.startswith(("http://", "https://")):
        raise InputError(f"{ref}: the stored thread has no http(s) URL to watch")
    return url


def _fetcher():
    from platformdirs import user_cache_dir

    from ..fetch import Fetcher

    # Fewer retries per poll than a one-off fetch: the watch itself backs off and tries again later.
    return Fetcher(cache_dir=Path(user_cache_dir("threadpress")) / "http", retries=2, sleep=_sleep)


def _fetch(url: str, fetcher):
    from ..load import fetch_thread

    return fetch_thread(url, fetcher=fetcher)


def _summary(e: Polled) -> str:
    parts = [f"{n} {what}" for n, what in ((e.added, "new"), (e.edited, "edited"), (e.vanished, "deleted")) if n]
    if e.announced:
        parts.append(_count(e.announced))
    return ", ".join(parts) or "nothing new"


def _count(n: int) -> str:
    return f"{n} repl{'y' if n == 1 else 'ies'}"


def _ended(reason: str, options: WatchOptions) -> str:
    if reason == "quiet" and options.until_quiet:
        return f"quiet for {_span(options.until_quiet)}"
    if reason == "time limit" and options.duration:
        return f"watched for {_span(options.duration)}"
    return reason


def _span(seconds: float) -> str:
    s = round(seconds)
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if s >= size:
            whole, rest = divmod(s, size)
            small = {"d": ("h", 3600), "h": ("m", 60), "m": ("s", 1)}[unit]
            extra = rest // small[1]
            return f"{whole}{unit}{extra}{small[0]}" if extra else f"{whole}{unit}"
    return f"{s}s"


COMMANDS = [watch]
