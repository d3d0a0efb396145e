"""The HTML target: a clean paste-ready page, and the system clipboard where one exists.

Paste targets such as Substack's editor keep semantic HTML (paragraphs, emphasis, links, blockquotes,
lists) and drop classes and inline CSS; the page has none of those.
"""

from __future__ import annotations

import os
import shutil
import subprocess

from .post import Post, PublishError

NO_CLIPBOARD = ("--clipboard: no clipboard here (needs wl-copy under Wayland or xclip under X11);"
                " write a file with -o and copy from a browser instead")


def clipboard_command(env: dict[str, str] | None = None) -> list[str] | None:
    """The command that puts text/html on the clipboard here: wl-copy under Wayland, xclip under X11."""
    env = os.environ if env is None else env
    path = env.get("PATH")
    if env.get("WAYLAND_DISPLAY") and (tool := shutil.which("wl-copy", path=path)):
        return [tool, "--type", "text/html"]
    if env.get("DISPLAY") and (tool := shutil.which("xclip", path=path)):
        return [tool, "-selection", "clipboard", "-t", "text/html"]
    return None


def copy_html(post: Post) -> str:
    """Put the post's HTML (its title as a heading, then the body) on the clipboard; returns the tool used."""
    command = clipboard_command()
    if command is None:
        raise PublishError(NO_CLIPBOARD)
    from markupsafe import escape

    fragment = f"<h2>{escape(post.title)}</h2>\n{post.html}"
    try:
        subprocess.run(command, input=fragment.encode("utf-8"), check=True, timeout=10,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    except subprocess.CalledProcessError as e:
        reason = (e.stderr or b"").decode("utf-8", "replace").strip().splitlines()
        raise PublishError(f"--clipboard: {os.path.basename(command[0])} failed"
                           f" ({reason[-1] if reason else f'exit {e.returncode}'})") from None
    except (OSError, subprocess.TimeoutExpired) as e:
        raise PublishError(f"--clipboard: {os.path.basename(command[0])} failed ({e})") from None
    return os.path.basename(command[0])
