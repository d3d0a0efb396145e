"""The local web app: `create_app(db_path)` returns a Starlette application.

Pages are rendered on the server with Jinja2; /static holds our small CSS and JavaScript. Every page
has a JSON twin: the same URL with `.json`, or the header `Accept: application/json`.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..store import Store
from .jobs import Jobs
from .security import SECURITY_HEADERS, SESSION_COOKIE, Csrf

STATIC = Path(__file__).parent / "static"
PAGE_CACHE_SIZE = 64


def thread_url(tid: str, *rest: str, **query: str) -> str:
    path = "/threads/" + quote(tid, safe=":") + "".join("/" + quote(r, safe="") for r in rest)
    q = "&".join(f"{k}={quote(str(v), safe='')}" for k, v in query.items() if v)
    return path + ("?" + q if q else "")


@dataclass
class WebState:
    db_path: Path
    store: Store
    csrf: Csrf
    jobs: Jobs
    allow_private: bool = False
    fetcher_factory: Callable[[], Any] | None = None
    page_cache: OrderedDict = field(default_factory=OrderedDict)

    def cached(self, key: tuple, stamp: tuple, build: Callable[[], Any]) -> Any:
        """A rendered page from the cache while the thread's stamp is unchanged."""
        hit = self.page_cache.get(key)
        if hit is not None and hit[0] == stamp:
            self.page_cache.move_to_end(key)
            return hit[1]
        value = build()
        self.page_cache[key] = (stamp, value)
        while len(self.page_cache) > PAGE_CACHE_SIZE:
            self.page_cache.popitem(last=False)
        return value

    def forget(self, thread_id: str) -> None:
        for key in [k for k in list(self.page_cache) if k[1] == thread_id]:
            self.page_cache.pop(key, None)

    def thread_stamp(self, thread_id: str) -> tuple | None:
        """Changes whenever the stored thread may have: its last change, and SQLite's data_version,
        which moves whenever another connection (an ingest job, the CLI, `watch`) commits."""
        row = self.store.conn.execute("SELECT last_changed FROM threads WHERE id = ?", (thread_id,)).fetchone()
        if row is None:
            return None
        return (row[0], self.store.conn.execute("PRAGMA data_version").fetchone()[0])


def templates() -> Environment:
    env = Environment(loader=PackageLoader("threadpress.web", "templates"),
                      autoescape=select_autoescape(["html", "j2"]), trim_blocks=True, lstrip_blocks=True)
    env.globals["thread_url"] = thread_url
    env.globals["quote"] = lambda s: quote(str(s), safe="")
    return env


class JsonSuffix:
    """`/x.json` is `/x` asking for JSON: strip the suffix and mark the request."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].endswith(".json") and not scope["path"].startswith("/static/"):
            scope = dict(scope)
            path = scope["path"][:-5] or "/"
            scope["path"] = "/" if path in ("/index", "/") else path
            scope["raw_path"] = scope["path"].encode()
            scope.setdefault("state", {})["json"] = True
        await self.app(scope, receive, send)


class Session:
    """Security headers on every response, and a session cookie (the CSRF token is bound to it)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        session = None
        for name, value in scope.get("headers", []):
            if name == b"cookie":
                for part in value.decode("latin-1").split(";"):
                    k, _, v = part.strip().partition("=")
                    if k == SESSION_COOKIE and v:
                        session = v
        new = session is None
        scope.setdefault("state", {})["session"] = session or Csrf.new_session()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items() if k.encode() not in present]
                if new:
                    cookie = f"{SESSION_COOKIE}={scope['state']['session']}; Path=/; HttpOnly; SameSite=Strict"
                    headers.append((b"set-cookie", cookie.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(db_path: str | Path, *, allow_private: bool = False, csrf_secret: bytes | None = None,
               fetcher_factory: Callable[[], Any] | None = None) -> ASGIApp:
    """The web app over the archive at `db_path` (created if missing)."""
    from .routes import exception_handlers, routes

    path = Path(db_path)
    store = Store(path)
    state = WebState(db_path=path, store=store, csrf=Csrf(csrf_secret), jobs=Jobs(path),
                     allow_private=allow_private, fetcher_factory=fetcher_factory)
    state.jobs.on_stored = state.forget
    app = Starlette(routes=[*routes(), Mount("/static", StaticFiles(directory=STATIC), name="static")],
                    exception_handlers=exception_handlers())
    app.state.web = state
    app.state.templates = templates()
    return JsonSuffix(Session(app))
