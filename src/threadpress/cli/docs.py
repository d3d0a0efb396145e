"""Generate docs/cli.md from the commands' own --help (run: python -m threadpress.cli.docs)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

HEADER = """# Command-line reference

Generated from `--help` by `python -m threadpress.cli.docs`; `tests/test_docs.py` fails when
this file is out of date.
"""


def _help(command: click.Command, path: list[str]) -> str:
    ctx = click.Context(command, info_name=" ".join(path), terminal_width=100, max_content_width=100,
                        help_option_names=["-h", "--help"])
    return command.get_help(ctx)


def cli_reference() -> str:
    from . import main

    parts = [HEADER, "## threadpress\n", "```\n" + _help(main, ["threadpress"]) + "\n```\n"]
    for name in sorted(main.commands):
        cmd = main.commands[name]
        parts.append(f"## threadpress {name}\n")
        parts.append("```\n" + _help(cmd, ["threadpress", name]) + "\n```\n")
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args and args[0].startswith("-"):
        raise SystemExit("usage: python -m threadpress.cli.docs [FILE]  (writes docs/cli.md by default)")
    target = Path(args[0]) if args else Path("docs/cli.md")
    from ..files import atomic_write

    atomic_write(target, cli_reference())


if __name__ == "__main__":
    main()
