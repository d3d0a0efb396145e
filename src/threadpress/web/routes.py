"""The pages and their JSON twins."""

from __future__ import annotations

import gzip
import hashlib
import importlib
from html import escape as htmlescape
from typing import Any
from urllib.parse import quote

from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from ..errors import InputError, NotFound, ThreadpressError
from ..model import Thread
from . import compositions as comps
from . import views
from .app import WebState, thread_url
from .composed import FORMATS, fragment, render_composition
from .search import search_comments
from .security import CSRF_FIELD, CSRF_HEADER, check_url, same_origin

MAX_UPLOAD = 25 * 2**20
FORM_LIMITS = {"max_files": 2, "max_fields": 20_000, "max_part_size": MAX_UPLOAD}


# -- helpers --------------------------------------------------------------------------------------------

def web(request: Request) -> WebState:
    return request.app.state.web


def wants_json(request: Request) -> bool:
    if getattr(request.state, "json", False):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def csrf_token(request: Request) -> str:
    return web(request).csrf.token(request.state.session)


def render(request: Request, template: str, data: dict[str, Any], status: int = 200) -> Response:
    if wants_json(request):
        return JSONResponse(data, status_code=status)
    return HTMLResponse(html(request, template, data), status_code=status)


def html(request: Request, template: str, data: dict[str, Any]) -> str:
    env = request.app.state.templates
    return env.get_template(template).render(**data, page=data, csrf=csrf_token(request))


async def checked_form(request: Request) -> FormData:
    """The posted form, after the CSRF checks: same origin, and the session's token."""
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none") or not same_origin(
            request.headers.get("origin"), request.headers.get("host"), request.url.scheme):
        raise HTTPException(403, "cross-site request refused")
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > MAX_UPLOAD + 2**20:
        raise HTTPException(413, f"the upload is larger than {MAX_UPLOAD // 2**20} MB")
    form = await request.form(**FORM_LIMITS)
    token = request.headers.get(CSRF_HEADER) or form.get(CSRF_FIELD)
    if not web(request).csrf.valid(request.state.session, token if isinstance(token, str) else None):
        raise HTTPException(403, "missing or stale form token: reload the page and try again")
    return form


def load_thread(request: Request, tid: str) -> Thread:
    store = web(request).store
    resolved = store.resolve_id(tid)
    if resolved is None:
        raise NotFound(f"{tid}: no such thread in the archive")
    return store.load_thread(resolved)


def parse_int(value: str, what: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise NotFound(f"{what} {value!r}: not found") from None


# -- Threads ----------------------------------------------------------------------------------------

async def threads_page(request: Request) -> Response:
    state = web(request)
    q = request.query_params.get("q", "").strip()
    rows = [views.thread_summary(s) for s in state.store.threads()]
    if q:
        words = q.lower().split()
        rows = [r for r in rows if all(w in (r["title"] + " " + r["id"]).lower() for w in words)]
    data = {"query": q, "threads": rows, "results": [], "compositions": comps.listing(state.store)}
    if q:
        try:
            data["results"] = search(state, q)
        except ThreadpressError as e:
            data["search_error"] = str(e)
    return render(request, "threads.html", data)


def search(state: WebState, q: str) -> list[dict[str, Any]]:
    """Comments matching `q`: threadpress.search (the archive's ranked search) when present."""
    try:
        from ..search import search as archive_search
    except ImportError:  # an older tree without the search module
        return search_comments(state.store, q)
    result = archive_search(state.store, q, limit=50)
    out = []
    for h in result.hits:
        parts, pos = [], 0
        for start, end in h.highlights:
            parts += [htmlescape(h.snippet[pos:start]), "<mark>", htmlescape(h.snippet[start:end]), "</mark>"]
            pos = end
        parts.append(htmlescape(h.snippet[pos:]))
        out.append({"thread_id": h.thread_id, "thread_title": h.thread_title or "(untitled)",
                    "comment_id": h.comment_id, "number": h.number, "author": h.author,
                    "snippet": h.snippet, "snippet_html": "".join(parts)})
    return out


async def add_thread(request: Request) -> Response:
    state = web(request)
    form = await checked_form(request)
    url = str(form.get("url") or "").strip()
    text = str(form.get("text") or "")
    upload = form.get("file")
    source = str(form.get("source") or "").strip() or None
    has_file = isinstance(upload, UploadFile) and bool(upload.filename)
    given = [n for n, present in (("URL", url), ("file", has_file), ("text", text.strip())) if present]
    try:
        if len(given) != 1:
            raise InputError("give one of: a URL, a file or pasted text" if not given
                             else f"give only one of: {', '.join(given)}")
        if url:
            url = check_url(url, allow_private=state.allow_private)
            read, label = _url_reader(state, url, source), url
        else:
            if has_file:
                data, label = await upload.read(), upload.filename or "upload"
            else:
                data, label = text.encode("utf-8"), "pasted text"
            if len(data) > MAX_UPLOAD:
                raise InputError(f"{label}: larger than {MAX_UPLOAD // 2**20} MB")
            read = _bytes_reader(data, label, source)
    except ThreadpressError as e:
        data = {"error": str(e), "query": "", "threads": [views.thread_summary(s) for s in state.store.threads()],
                "results": [], "compositions": comps.listing(state.store)}
        return render(request, "threads.html", data, status=400)
    job = state.jobs.start(label, read, wait=request.query_params.get("wait") == "1")
    if wants_json(request):
        return JSONResponse(job.to_dict(), status_code=202, headers={"location": f"/jobs/{job.id}"})
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


def _bytes_reader(data: bytes, label: str, source: str | None):
    def read(stage):
        from ..load import parse_bytes

        stage("parsing")
        return parse_bytes(data, name=label, source=source)
    return read


def _url_reader(state: WebState, url: str, source: str | None):
    def read(stage):
        from ..fetch import Fetcher
        from ..load import _cache_dir, fetch_thread
        from .security import GuardedTransport

        stage("fetching")
        if state.fetcher_factory is not None:
            fetcher = state.fetcher_factory()
        elif state.allow_private:
            fetcher = Fetcher(cache_dir=_cache_dir())
        else:
            fetcher = Fetcher(cache_dir=_cache_dir(), transport=GuardedTransport())
        with fetcher:
            return fetch_thread(url, source=source, fetcher=fetcher)
    return read


async def job_page(request: Request) -> Response:
    job = web(request).jobs.get(request.path_params["job_id"])
    if job is None:
        raise NotFound(f"job {request.path_params['job_id']}: not found (jobs are forgotten when the app restarts)")
    data = job.to_dict()
    if job.thread_id:
        data["thread_url"] = thread_url(job.thread_id)
    return render(request, "job.html", data)


# -- Thread -----------------------------------------------------------------------------------------

async def thread_page(request: Request) -> Response:
    state = web(request)
    tid = state.store.resolve_id(request.path_params["tid"])
    if tid is None:
        raise NotFound(f"{request.path_params['tid']}: no such thread in the archive")
    view = request.query_params.get("view", "flat")
    view = view if view in views.VIEWS else "flat"
    author = request.query_params.get("author", "").strip() or None
    as_json = wants_json(request)
    stamp = state.thread_stamp(tid)
    key = ("thread", tid, view, author, as_json)

    def build() -> dict[str, Any]:
        thread = state.store.load_thread(tid)
        data = views.thread_page(thread, view=view, author=author)
        if as_json:
            body, media = JSONResponse(data).body, "application/json"
        else:
            data["compositions"] = comps.listing(state.store, tid)
            env = request.app.state.templates
            body = env.get_template("thread.html").render(**data, page=data, csrf="").encode("utf-8")
            media = "text/html; charset=utf-8"
        return {"body": body, "media": media}

    entry = state.cached(key, stamp, build)
    body, media = entry["body"], entry["media"]
    etag = '"' + hashlib.sha1(repr((key, stamp)).encode()).hexdigest()[:20] + '"'
    headers = {"etag": etag, "cache-control": "no-cache", "vary": "Accept, Accept-Encoding"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", ""):
        if "gzip" not in entry:  # compressed once, on the first request that accepts it
            entry["gzip"] = gzip.compress(body, compresslevel=5, mtime=0)
        return Response(entry["gzip"], media_type=media, headers={**headers, "content-encoding": "gzip"})
    return Response(body, media_type=media, headers=headers)


async def author_page(request: Request) -> Response:
    thread = load_thread(request, request.path_params["tid"])
    data = views.author_page(thread, _author_param(request))
    data["charts"] = charts_available(request, thread, data["author"])
    data["analytics"] = _analytics(thread, data["author"])
    return render(request, "author.html", data)


def _analytics(thread: Thread, author: str) -> dict[str, Any] | None:
    try:
        from ..analytics import thread_stats
    except ImportError:
        return None
    stats = thread_stats(thread, author=author).to_dict()
    stats["who_answers_whom"] = [p for p in stats["who_answers_whom"] if author in (p["from"], p["to"])]
    return stats


def _author_param(request: Request) -> str:
    """`?name=` (links) or `?author=` (the thread page's author picker)."""
    return request.query_params.get("name") or request.query_params.get("author") or ""


def _plots():
    try:
        return importlib.import_module("threadpress.plots")
    except ImportError:  # matplotlib missing: the page shows no charts
        return None


def charts_available(request: Request, thread: Thread, author: str) -> list[dict[str, Any]]:
    """The analytics charts for this author, drawn once per thread version and kept in the page cache."""
    plots = _plots()
    if plots is None:
        return []
    out = []
    for kind in plots.KINDS:
        svg, width, height = chart(request, plots, thread, kind, author)
        out.append({"kind": kind, "width": width, "height": height,
                    "url": thread_url(thread.id, "author", "charts", f"{kind}.svg", name=author)})
    return out


def chart(request: Request, plots, thread: Thread, kind: str, author: str) -> tuple[bytes, int, int]:
    import tempfile
    from pathlib import Path

    state = web(request)

    def build() -> tuple[bytes, int, int]:
        with tempfile.TemporaryDirectory() as tmp:
            made = plots.render_chart(thread, kind, Path(tmp) / f"{kind}.svg", author=author)
            return made.path.read_bytes(), made.width, made.height

    return state.cached(("chart", thread.id, kind, author), state.thread_stamp(thread.id), build)


async def author_chart(request: Request) -> Response:
    plots = _plots()
    if plots is None:
        raise NotFound("charts: matplotlib is not installed")
    kind = request.path_params["kind"]
    if kind not in plots.KINDS:
        raise NotFound(f"chart {kind!r}: not a chart kind ({', '.join(plots.KINDS)})")
    thread = load_thread(request, request.path_params["tid"])
    name = views.find_author(thread, _author_param(request))
    svg, _, _ = chart(request, plots, thread, kind, name)
    # An SVG opened on its own is a document: it gets the strictest policy (no scripts at all).
    return Response(svg, media_type="image/svg+xml",
                    headers={"content-security-policy": "default-src 'none'; style-src 'unsafe-inline'",
                             "cache-control": "no-cache"})


# -- Compose ----------------------------------------------------------------------------------------

async def compose_start(request: Request) -> Response:
    thread = load_thread(request, request.path_params["tid"])
    author = request.query_params.get("author", "").strip()
    data: dict[str, Any] = {"thread": views.thread_head(thread), "author": None, "start": None,
                            "compositions": comps.listing(web(request).store, thread.id)}
    if author:
        comp = comps.from_digest(thread, author)
        data["author"] = comp.author
        data["start"] = comp.to_dict()
        data["compositions"] = [c for c in data["compositions"] if c["author"] == comp.author]
    return render(request, "compose_start.html", data)


async def composition_create(request: Request) -> Response:
    form = await checked_form(request)
    thread = load_thread(request, str(form.get("thread_id") or ""))
    comp = comps.from_digest(thread, str(form.get("author") or ""))
    if title := str(form.get("title") or "").strip():
        comp.title = title
    comps.save(web(request).store, comp)
    web(request).forget(thread.id)  # the thread page lists its compositions
    if wants_json(request):
        return JSONResponse(comp.to_dict(), status_code=201, headers={"location": f"/compositions/{comp.id}"})
    return RedirectResponse(f"/compositions/{comp.id}", status_code=303)


def _composition(request: Request) -> tuple[comps.Composition, Thread]:
    cid = parse_int(request.path_params["cid"], "composition")
    store = web(request).store
    row = store.conn.execute("SELECT thread_id FROM compositions WHERE id = ?", (cid,)).fetchone()
    if row is None:
        raise NotFound(f"composition {cid}: not in the archive")
    thread = store.load_thread(row["thread_id"])
    return comps.get(store, cid, thread), thread


def composition_data(comp: comps.Composition, thread: Thread) -> dict[str, Any]:
    anchor = views.anchors(thread)
    by_id = thread.by_id()
    rows = []
    for item in comp.items:
        if item.note is not None:
            rows.append({"kind": "note", "note": item.note})
        else:
            c = by_id[item.comment]
            rows.append({"kind": "comment", "keep": item.keep, **views.comment_card(thread, c, anchor[c.id])})
    return {
        "composition": comp.to_dict(), "thread": views.thread_head(thread), "rows": rows,
        "candidates": views.compose_candidates(thread, comp.comment_ids()),
        "preview_html": fragment(comp, thread),
        "markdown": render_composition(comp, thread, "markdown"),
        "text": render_composition(comp, thread, "text"),
    }


async def composition_page(request: Request) -> Response:
    comp, thread = _composition(request)
    return render(request, "compose.html", composition_data(comp, thread))


def apply_form(comp: comps.Composition, thread: Thread, form: FormData) -> str | None:
    """Read the editor's rows from the form (in document order), then apply its action. Returns a fragment."""
    if "item" in form or "title" in form:
        keep = set(form.getlist("keep"))
        notes = iter(form.getlist("note"))
        raw: list[dict[str, Any]] = []
        for value in form.getlist("item"):
            value = str(value)
            if value.startswith("c:"):
                raw.append({"comment": value[2:], "keep": value[2:] in keep})
            elif value == "n":
                raw.append({"note": str(next(notes, ""))})
            else:
                raise InputError(f"item {value!r}: expected c:ID or n")
        comp.items = comps.items_from_json(raw, thread)
        comp.title = str(form.get("title") or "").strip()[:300]
    action = str(form.get("action") or "")
    verb, _, arg = action.partition(":")
    items = comp.items
    if verb in ("up", "down", "delete", "note-after"):
        pos = parse_int(arg, "row")
        if not -1 <= pos < len(items):
            raise InputError(f"row {pos}: there is no such row")
        if verb == "up" and pos > 0:
            items[pos - 1], items[pos] = items[pos], items[pos - 1]
            return f"row-{pos - 1}"
        if verb == "down" and 0 <= pos < len(items) - 1:
            items[pos + 1], items[pos] = items[pos], items[pos + 1]
            return f"row-{pos + 1}"
        if verb == "delete" and pos >= 0 and items[pos].note is not None:
            del items[pos]
        if verb == "note-after":
            items.insert(pos + 1, comps.Item(note=""))
            return f"row-{pos + 1}"
        return f"row-{max(pos, 0)}"
    if verb == "add":
        comps.insert_in_posting_order(comp, thread, arg)
    elif verb == "add-number":
        wanted = str(form.get("number") or "").strip().lstrip("#")
        match = [c for c in thread.comments if str(c.number) == wanted]
        if not match:
            raise InputError(f"comment #{wanted}: not in this thread")
        comps.insert_in_posting_order(comp, thread, match[0].id)
    elif verb:
        raise InputError(f"action {action!r}: not understood")
    return None


async def composition_save(request: Request) -> Response:
    form = await checked_form(request)
    comp, thread = _composition(request)
    try:
        where = apply_form(comp, thread, form)
    except ThreadpressError as e:
        data = composition_data(comp, thread)
        data["error"] = str(e)
        return render(request, "compose.html", data, status=400)
    comps.save(web(request).store, comp)
    if wants_json(request):
        data = composition_data(comp, thread)
        return JSONResponse({k: data[k] for k in ("composition", "preview_html", "markdown", "text")})
    return RedirectResponse(f"/compositions/{comp.id}" + (f"#{where}" if where else ""), status_code=303)


async def composition_download(request: Request) -> Response:
    comp, thread = _composition(request)
    ext = request.path_params["ext"]
    fmt = {"md": "markdown", "html": "html", "txt": "text"}.get(ext)
    if fmt is None:
        raise NotFound(f"download .{ext}: use .md, .html or .txt")
    body = render_composition(comp, thread, fmt)
    name = _filename(comp.title or thread.title or "digest") + "." + FORMATS[fmt][0]
    return Response(body, media_type=FORMATS[fmt][1] + "; charset=utf-8",
                    headers={"content-disposition": f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name)}"})


def _filename(title: str) -> str:
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in title.lower())
    return "-".join(p for p in safe.split("-") if p)[:60] or "digest"


# -- wiring -----------------------------------------------------------------------------------------

def routes() -> list[Route]:
    return [
        Route("/", threads_page, methods=["GET"]),
        Route("/threads", threads_page, methods=["GET"]),
        Route("/threads", add_thread, methods=["POST"]),
        Route("/jobs/{job_id}", job_page, methods=["GET"]),
        Route("/threads/{tid}", thread_page, methods=["GET"]),
        Route("/threads/{tid}/author", author_page, methods=["GET"]),
        Route("/threads/{tid}/author/charts/{kind}.svg", author_chart, methods=["GET"]),
        Route("/threads/{tid}/compose", compose_start, methods=["GET"]),
        Route("/compositions", composition_create, methods=["POST"]),
        Route("/compositions/{cid}", composition_page, methods=["GET"]),
        Route("/compositions/{cid}", composition_save, methods=["POST"]),
        Route("/compositions/{cid}/download.{ext}", composition_download, methods=["GET"]),
    ]


def _error(request: Request, status: int, message: str) -> Response:
    if wants_json(request):
        return JSONResponse({"error": message}, status_code=status)
    return HTMLResponse(html(request, "error.html", {"status": status, "message": message}), status_code=status)


def exception_handlers() -> dict:
    async def on_not_found(request: Request, exc: Exception) -> Response:
        return _error(request, 404, str(exc))

    async def on_input(request: Request, exc: Exception) -> Response:
        return _error(request, 400, str(exc))

    async def on_http(request: Request, exc: HTTPException) -> Response:
        message = exc.detail if exc.status_code != 404 or exc.detail != "Not Found" else \
            f"{request.url.path}: no such page"
        return _error(request, exc.status_code, message)

    return {NotFound: on_not_found, ThreadpressError: on_input, HTTPException: on_http}
