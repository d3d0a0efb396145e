"""Publish a digest or a saved composition: a Markdown or HTML file, a WordPress or Ghost draft.

    from threadpress.publish import Request, from_digest, publish
    post = from_digest(digest, tags=("media",))
    result = publish(post, Request(target="wordpress"), store=store)

A post goes out as a draft unless `publish=True`. Publishing the same digest (same thread and author)
or the same composition to the same site again updates the post made the first time (state.py).
Credentials come from the environment or the config file (config.py), never from arguments.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from ..files import atomic_write
from ..store import Store
from . import state
from .config import ghost_site, wordpress_site
from .htmlpage import NO_CLIPBOARD, clipboard_command, copy_html
from .markdown import markdown_file
from .post import Post, PublishError, from_composition, from_digest, slugify

TARGETS = ("markdown", "html", "wordpress", "ghost")
_SUFFIX = {"markdown": ".md", "html": ".html"}

__all__ = ["TARGETS", "Post", "PublishError", "Request", "Result", "from_composition", "from_digest",
           "publish", "slugify"]


@dataclass(frozen=True)
class Request:
    target: str
    publish: bool = False  # go live at once; otherwise a draft
    output: str | None = None  # markdown/html: a file or an existing folder; "-" for the text itself
    clipboard: bool = False  # html: also put the HTML on the clipboard


@dataclass(frozen=True)
class Result:
    target: str
    action: str  # created | updated | written | copied | printed
    title: str
    status: str  # draft | publish | published (the target's own word)
    key: str
    id: str | None = None
    url: str | None = None
    path: str | None = None
    text: str | None = None  # the file's text when output is "-"

    def to_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if k != "text"}


def publish(post: Post, request: Request, *, store: Store | None = None) -> Result:
    if request.target in ("wordpress", "ghost") and (request.output or request.clipboard):
        raise PublishError(f"--to {request.target}: -o and --clipboard are for the markdown and html targets")
    if request.target in ("markdown", "html"):
        return _to_file(post, request)
    if request.target == "wordpress":
        from .wordpress import WordPress

        site = wordpress_site()
        return _to_site(post, request, WordPress(site), site.url, store)
    if request.target == "ghost":
        from .ghost import Ghost

        site = ghost_site()
        return _to_site(post, request, Ghost(site), site.url, store)
    raise PublishError(f"--to {request.target!r}: expected one of {', '.join(TARGETS)}")


def _to_site(post: Post, request: Request, api, site_url: str, store: Store | None) -> Result:
    known = state.find(store, post.key, request.target, site_url) if store is not None else None
    try:
        done = api.publish(post, publish=request.publish, remote_id=known.remote_id if known else None)
    finally:
        api.close()
    if store is not None:
        state.remember(store, post.key, request.target, site_url, done.remote_id, done.url, done.status)
    return Result(request.target, "created" if done.created else "updated", post.title, done.status, post.key,
                  id=done.remote_id, url=done.url)


def _to_file(post: Post, request: Request) -> Result:
    status = "publish" if request.publish else "draft"
    if request.target == "markdown":
        if request.clipboard:
            raise PublishError("--clipboard: only the html target copies to the clipboard")
        text = markdown_file(post, draft=not request.publish)
    else:
        text = post.document
    if request.output == "-":
        return Result(request.target, "printed", post.title, status, post.key, text=text)
    if request.clipboard:
        if clipboard_command() is None:  # checked before any file is written
            raise PublishError(NO_CLIPBOARD)
    if request.clipboard and request.output is None:
        tool = copy_html(post)
        return Result(request.target, "copied", post.title, status, post.key, path=f"clipboard ({tool})")
    path = Path(request.output or ".")
    if path.is_dir():
        path = path / (post.slug + _SUFFIX[request.target])
    if not path.parent.is_dir():
        raise PublishError(f"-o {request.output}: no such folder {str(path.parent)!r}")
    atomic_write(path, text)
    if request.clipboard:
        copy_html(post)
    return Result(request.target, "written", post.title, status, post.key, path=str(path))
