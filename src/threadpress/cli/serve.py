"""serve: the local web app over the archive."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import click

LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.command()
@click.option("--db", "db", type=click.Path(dir_okay=False), default=None,
              help="Archive file to serve (default: the global --db, THREADPRESS_DB or the user data folder).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but loopback lets other machines read and change the archive.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option("--allow-private", is_flag=True,
              help="Let the add-a-thread form fetch loopback and private-network URLs.")
@click.pass_obj
def serve(app, db: str | None, host: str, port: int, allow_private: bool) -> None:
    """Open the archive in a browser: read threads, compose digests, see who engaged.

    Binds to 127.0.0.1 unless --host says otherwise. Stop it with Ctrl-C.

    \b
    Example:
      threadpress serve --port 8000
    """
    import uvicorn

    from ..web import create_app

    path = Path(db) if db else app.db_path
    web_app = create_app(path, allow_private=allow_private)
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"threadpress: serving {path} at http://{shown}:{port}/", err=True)
    if is_loopback(host):
        click.echo("threadpress: listening on loopback only: other machines cannot connect (--host to change)",
                   err=True)
    else:
        click.echo(f"threadpress: warning: listening on {host}: other machines can read and change this archive",
                   err=True)
    uvicorn.run(web_app, host=host, port=port, log_level="warning", access_log=False)


COMMANDS = [serve]
