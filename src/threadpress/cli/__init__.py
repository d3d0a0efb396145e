"""The command line: a thin shell over the library. Commands live in one module per group."""

from __future__ import annotations

import sys

import click

from .. import __version__
from ..errors import ThreadpressError
from .context import AppContext


class Group(click.Group):
    """Turns our exceptions into one line on stderr and exit status 1, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ThreadpressError as e:
            click.echo(f"threadpress: error: {e}", err=True)
            ctx.exit(1)
        except KeyboardInterrupt:
            click.echo("threadpress: interrupted", err=True)
            ctx.exit(130)
        except BrokenPipeError:
            sys.stderr.close()
            ctx.exit(1)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="threadpress")
@click.option("--db", type=click.Path(dir_okay=False), envvar="THREADPRESS_DB", show_envvar=True,
              help="Archive file (SQLite). Default: threadpress/archive.db in the user data folder.")
@click.pass_context
def main(ctx: click.Context, db: str | None) -> None:
    """Turn discussion threads into publishable posts, and see how a conversation went.

    SOURCE is a file, - for standard input, an http(s) URL, or the id of a stored thread.

    \b
    Example:
      threadpress digest examples/moa/thread.html --author "Rowan Ashgrove"
    """
    ctx.obj = AppContext(db)
    ctx.call_on_close(ctx.obj.close)


#: Command modules, one per group; each exposes COMMANDS.
COMMAND_MODULES = ("core", "archive", "analyze", "watch", "publish", "serve")


def _register() -> None:
    from importlib import import_module

    for name in COMMAND_MODULES:
        for command in import_module(f"{__name__}.{name}").COMMANDS:
            main.add_command(command)
    try:
        from .evaluate import eval_replies
    except ImportError:  # the learned-model extra is optional while it is being built
        return
    main.add_command(eval_replies)


_register()
