"""SOURCE on the command line to a resolved Thread: a file, `-` (stdin), an http(s) URL or a stored id."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Callable

from .errors import InputError
from .model import Thread
from .replies import resolve
from .sources import Document, detect, get

if TYPE_CHECKING:
    from .fetch import Fetcher
    from .store import Store

MAX_PAGES = 100


def load(ref: str, *, source: str | None = None, select: str | None = None, infer: bool = False,
         stdin: BinaryIO | None = None,
         store: "Store | None" = None, fetcher: "Fetcher | None" = None,
         store_opener: Callable[[], "Store | None"] | None = None) -> Thread:
    """Read, parse and resolve replies for one SOURCE.

    A stored thread comes back as stored (its edges included). `store_opener` lets callers
    open the archive only when a thread id has to be looked up. `select` picks one post or
    thread from an export that holds several (WXR, Disqus, mbox, dumps).
    """
    extra = {"post": select, "thread": select} if select else {}
    if ref == "-":
        if stdin is None:
            raise InputError("-: no standard input to read")
        return parse_bytes(stdin.read(), name="<stdin>", source=source, extra=extra, infer=infer)
    if ref.startswith(("http://", "https://")):
        return fetch_thread(ref, source=source, fetcher=fetcher, extra=extra, infer=infer)
    if "://" in ref:
        raise InputError(f"{ref}: only http and https URLs can be fetched")
    path = Path(ref)
    if path.is_dir():
        raise InputError(f"{ref}: is a directory, not a thread file")
    if path.exists():
        try:
            data = path.read_bytes()
        except OSError as e:
            raise InputError(f"{ref}: cannot read ({e.strerror})") from None
        return parse_bytes(data, name=ref, source=source, extra=extra, infer=infer)
    if store is None and store_opener is not None:
        store = store_opener()
    if store is not None and (tid := store.resolve_id(ref)):
        return store.load_thread(tid)
    raise InputError(f"{ref}: no such file, URL or stored thread")


def parse_bytes(data: bytes, *, name: str, source: str | None = None, url: str | None = None,
                content_type: str | None = None, extra: dict | None = None, infer: bool = False) -> Thread:
    doc = Document(data, name, url=url, content_type=content_type, extra=dict(extra or {}))
    src = get(source) if source else detect(doc)
    return resolve(src.parse(doc), infer=infer)


def fetch_thread(url: str, *, source: str | None = None, fetcher: "Fetcher | None" = None,
                 extra: dict | None = None, infer: bool = False) -> Thread:
    """Fetch a thread page and every further comment page it links to, as one thread."""
    from .fetch import Fetcher

    own = fetcher is None
    fetcher = fetcher or Fetcher(cache_dir=_cache_dir())
    try:
        first = fetcher.get(url)
        doc = Document(first.content, url, url=first.final_url, content_type=first.content_type,
                       extra=dict(extra or {}))
        src = get(source) if source else detect(doc)
        thread = src.parse(doc)
        seen = {first.final_url, url}
        queue = list(getattr(src, "next_pages", lambda d: [])(doc))
        pages = 1
        while queue and pages < MAX_PAGES:
            page_url = queue.pop(0)
            if page_url in seen:
                continue
            seen.add(page_url)
            res = fetcher.get(page_url)
            page_doc = Document(res.content, page_url, url=res.final_url, content_type=res.content_type)
            try:
                page = src.parse(page_doc)
            except InputError:
                break  # a trailing page without comments ends the thread
            pages += 1
            _merge_page(thread, page)
            queue.extend(u for u in src.next_pages(page_doc) if u not in seen)
        if pages > 1:
            thread.meta["pages"] = pages
        return resolve(thread, infer=infer)
    finally:
        if own:
            fetcher.close()


def _merge_page(thread: Thread, page: Thread) -> None:
    have = {c.id for c in thread.comments}
    thread.comments.extend(c for c in page.comments if c.id not in have)
    thread.comments.sort(key=lambda c: (c.number is None, c.number or 0))


def _cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("threadpress")) / "http"
