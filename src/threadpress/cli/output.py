"""Shared output helpers: JSON to stdout, tables through rich, options every data command has."""

from __future__ import annotations

import json
import sys
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from ..replies import INFERRED_MIN_CONFIDENCE

json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
min_confidence_option = click.option(
    "--min-confidence", type=click.FloatRange(0, 1), default=None,
    help="Use reply edges at or above this confidence (default: 0.5 for edges found from cues, "
         f"{INFERRED_MIN_CONFIDENCE:g} for edges the learned model inferred).")
_source = click.option("--source", "source_name", metavar="NAME",
                       help="Read SOURCE with this source instead of detecting it (see `threadpress sources`).")
_select = click.option("--select", metavar="ID",
                       help="From an export holding several posts or threads (WXR, Disqus, mbox, dumps), take this one.")


_infer = click.option("--infer", is_flag=True,
                      help="Also let the learned reply model propose parents for comments without a reply cue "
                           f"(how=inferred; shown at confidence {INFERRED_MIN_CONFIDENCE:g} and above by default, where "
                           "at least 9 in 10 are right on our generated test threads).")


def source_option(f):
    """--source, --select and --infer: how to read SOURCE."""
    return _source(_select(_infer(f)))


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def console() -> Console:
    return Console(file=sys.stdout, width=None if sys.stdout.isatty() else 120, highlight=False,
                   soft_wrap=False)


def table(title: str | None, columns: list[str], rows: list[list[Any]]) -> None:
    t = Table(title=title, show_lines=False, header_style="bold")
    for col in columns:
        t.add_column(col, overflow="fold")
    for row in rows:
        t.add_row(*("" if v is None else str(v) for v in row))
    console().print(t)
