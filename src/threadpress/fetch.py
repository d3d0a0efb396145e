"""Polite HTTP: robots.txt, one request at a time per host, retries with backoff, size caps, an ETag cache.

`Fetcher.get(url)` returns a `FetchResult` or raises `FetchError` whose message is one line naming the
URL and the problem. All waiting (backoff, Retry-After, pacing) goes through the injected `sleep`, so
tests record the delays instead of sleeping.

Redirects are built by httpx (`Response.next_request`: relative Location, method rewriting, dropping
credentials across origins) but sent by us hop by hop, so that every hop is checked for its scheme and
against its own host's robots.txt, and goes through that host's lock, pacing and retries.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import random
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from pathlib import Path
from types import TracebackType

import httpx
from protego import Protego

from . import __version__
from .errors import FetchError

__all__ = ["DEFAULT_USER_AGENT", "ROBOTS_TOKEN", "FetchResult", "Fetcher"]

log = logging.getLogger(__name__)

# No hostname on purpose: we have no public page to point at yet, and must not name someone else's.
DEFAULT_USER_AGENT = f"threadpress/{__version__} (+thread archiver; obeys robots exclusion rules)"
ROBOTS_TOKEN = "threadpress"  # the product token matched against robots.txt User-agent lines

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_REDIRECTS = 10
ROBOTS_TTL = 24 * 3600.0  # RFC 9309 §2.4: do not use a cached robots.txt for more than 24 h
# A 5xx or unreachable robots.txt means "disallow all" (RFC 9309 §2.3.1.4), but a transient outage
# should not block a host for a whole day: such verdicts are kept in memory only, and briefly.
ROBOTS_ERROR_TTL = 600.0
ROBOTS_MAX_BYTES = 512 * 1024  # RFC 9309 §2.5: parse at least 500 KiB; the rest is ignored
ROBOTS_MAX_REDIRECTS = 5  # RFC 9309 §2.3.1.2: more than five means "unavailable"

# Not kept in the cache: the body is stored decoded, and cookies are nobody's business on disk.
_UNCACHED_HEADERS = frozenset({
    "content-length", "content-encoding", "transfer-encoding", "connection", "keep-alive", "set-cookie",
})
_CACHE_MAGIC = b"threadpress-cache 1\n"


@dataclass(frozen=True)
class FetchResult:
    url: str  # as requested
    final_url: str  # after redirects
    status: int
    headers: dict[str, str]  # lower-cased names; repeated headers joined with ", "
    content: bytes  # decoded from any Content-Encoding
    from_cache: bool  # True when served from the on-disk cache after a 304

    @property
    def content_type(self) -> str | None:
        """The media type without parameters, lower-cased (`text/html`), or None."""
        value = self.headers.get("content-type", "")
        media = value.split(";", 1)[0].strip().lower()
        return media or None


class Fetcher:
    """A polite HTTP client. Thread-safe; use one per program so hosts see one well-behaved client."""

    def __init__(
        self,
        *,
        cache_dir: Path | None = None,
        user_agent: str = DEFAULT_USER_AGENT,
        timeout: float = 20.0,
        max_bytes: int = 25 * 2**20,
        retries: int = 4,
        backoff: float = 1.0,
        max_backoff: float = 120.0,
        respect_robots: bool = True,
        min_interval: float = 0.0,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.user_agent = user_agent
        self.max_bytes = max_bytes
        self.retries = max(0, retries)
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.respect_robots = respect_robots
        self.min_interval = min_interval
        self._sleep = sleep
        self._clock: Callable[[], float] = time.time  # wall clock, for robots.txt ages (tests replace it)
        self._random = random.Random()
        self._cache = _DiskCache(Path(cache_dir)) if cache_dir is not None else None
        self._client = httpx.Client(
            headers={"User-Agent": user_agent},
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,  # we follow hop by hop; see the module docstring
            transport=transport,
        )
        self._guard = threading.Lock()
        self._locks: dict[tuple[str, str], threading.Lock] = {}
        self._last_request: dict[str, float] = {}  # origin -> time.monotonic() when its last request ended
        self._crawl_delay: dict[str, float] = {}  # origin -> Crawl-delay from its robots.txt
        self._robots: dict[str, _Robots] = {}

    # -- public API ---------------------------------------------------------------------------

    def get(self, url: str) -> FetchResult:
        """GET `url` politely. Raises FetchError (one line: the URL and the problem)."""
        start = _http_url(url, url)
        entry = self._cache.load(url) if self._cache else None
        headers = entry.validators() if entry else {}
        try:
            reply = self._follow(
                url, self._client.build_request("GET", start, headers=headers), check_robots=self.respect_robots,
                limit=self.max_bytes, truncate=False, max_redirects=MAX_REDIRECTS,
            )
        except _Unreachable as exc:
            raise exc.error() from None
        except httpx.HTTPError as exc:  # e.g. a body that fails to decompress
            raise FetchError(f"{url}: {_one_line(exc)}") from exc
        final_url = str(reply.url)

        if reply.status == 304 and entry is not None:
            merged = {**entry.headers, **_cacheable(reply.headers)}
            if self._cache and (merged.get("etag"), merged.get("last-modified")) != (
                    entry.headers.get("etag"), entry.headers.get("last-modified")):
                self._cache.store(url, merged, entry.content)
            return FetchResult(url, final_url, 200, merged, entry.content, from_cache=True)
        if not 200 <= reply.status < 300:
            error = FetchError(f"{reply.label}: HTTP {reply.status} {reply.reason}{_after(reply.retries)}")
            if "retry-after" in reply.headers:
                error.retry_after = _parse_retry_after(reply.headers["retry-after"], now=time.time())
            raise error
        if self._cache and reply.status == 200:
            if "etag" in reply.headers or "last-modified" in reply.headers:
                self._cache.store(url, _cacheable(reply.headers), reply.content)
            elif entry is not None:
                self._cache.drop(url)  # the page lost its validators; do not send stale ones
        return FetchResult(url, final_url, reply.status, reply.headers, reply.content, from_cache=False)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    # -- redirects, retries, pacing -----------------------------------------------------------

    def _follow(self, url: str, request: httpx.Request, *, check_robots: bool, limit: int,
                truncate: bool, max_redirects: int) -> _Reply:
        hops = 0
        while True:
            label = url if hops == 0 else f"{url} (redirected to {request.url})"
            if check_robots:
                self._check_robots(request.url, label)
            reply = self._send(request, label, limit=limit, truncate=truncate)
            if reply.next_request is None:
                return reply
            hops += 1
            request = reply.next_request
            _http_url(str(request.url), f"{url}: refused redirect to {request.url}")
            if hops > max_redirects:
                raise FetchError(f"{url}: more than {max_redirects} redirects")

    def _send(self, request: httpx.Request, label: str, *, limit: int, truncate: bool) -> _Reply:
        """One hop: under the host's lock, with pacing and retries. Returns the last reply, whatever its
        status; raises _Unreachable when the last attempt failed below HTTP."""
        key = _origin(request.url)
        # The lock is held through backoff sleeps too: while a host asks us to slow down, none of our
        # threads should be hitting it.
        with self._lock("host", key):
            attempt = 0
            while True:
                self._pace(key)
                failure: Exception | None = None
                reply: _Reply | None = None
                try:
                    reply = self._attempt(request, label, limit=limit, truncate=truncate)
                except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as exc:
                    failure = exc  # timeouts, refused/reset connections, a server hanging up
                finally:
                    self._last_request[key] = time.monotonic()
                if reply is not None and (reply.status not in RETRY_STATUSES or attempt >= self.retries):
                    reply.retries = attempt
                    return reply
                if reply is None and attempt >= self.retries:
                    raise _Unreachable(label, _describe(failure), attempt)
                delay = self._retry_delay(attempt, reply.headers.get("retry-after") if reply else None)
                attempt += 1
                log.debug("%s: retry %d in %.1f s", label, attempt, delay)
                self._sleep(delay)

    def _attempt(self, request: httpx.Request, label: str, *, limit: int, truncate: bool) -> _Reply:
        try:
            response = self._client.send(request, stream=True)
        except httpx.InvalidURL as exc:  # raised while httpx builds a redirect from a bad Location
            raise FetchError(f"{label}: invalid redirect ({_one_line(exc)})") from exc
        try:
            headers = {name.lower(): value for name, value in response.headers.items()}
            status = response.status_code
            # Only success bodies are read; error and redirect bodies are dropped unread.
            content = _read_body(response, headers, label, limit, truncate) if 200 <= status < 300 else b""
            reason = response.reason_phrase or _phrase(status)
            return _Reply(request.url, label, status, reason, headers, content, response.next_request)
        finally:
            response.close()

    def _retry_delay(self, attempt: int, retry_after: str | None) -> float:
        if retry_after is not None:
            wanted = _parse_retry_after(retry_after, now=time.time())
            if wanted is not None:
                return min(wanted, self.max_backoff)
        nominal = min(self.max_backoff, self.backoff * 2 ** min(attempt, 30))
        # "Equal jitter": spread out clients that failed together, yet never wait less than half.
        return nominal * (0.5 + 0.5 * self._random.random())

    def _pace(self, key: str) -> None:
        interval = max(self.min_interval, self._crawl_delay.get(key, 0.0))
        last = self._last_request.get(key)
        if interval > 0 and last is not None:
            wait = last + interval - time.monotonic()
            if wait > 0:
                self._sleep(wait)

    @contextmanager
    def _lock(self, kind: str, key: str) -> Iterator[None]:
        # Lock order is always "robots" before "host", and host locks never nest, so no deadlock.
        with self._guard:
            lock = self._locks.setdefault((kind, key), threading.Lock())
        with lock:
            yield

    # -- robots.txt ---------------------------------------------------------------------------

    def _check_robots(self, url: httpx.URL, label: str) -> None:
        robots = self._robots_for(url)
        if not robots.allows(str(url)):
            raise FetchError(f"{label}: disallowed by robots.txt{robots.note}")

    def _robots_for(self, url: httpx.URL) -> _Robots:
        key = _origin(url)
        with self._lock("robots", key):  # one fetch per origin even when threads race
            now = self._clock()
            robots = self._robots.get(key)
            if robots is None or not robots.fresh(now):
                robots = (self._cache.load_robots(key, now) if self._cache else None) or self._fetch_robots(key)
                self._robots[key] = robots
                delay = robots.crawl_delay()
                if delay:
                    self._crawl_delay[key] = min(delay, self.max_backoff)
                else:
                    self._crawl_delay.pop(key, None)
            return robots

    def _fetch_robots(self, key: str) -> _Robots:
        robots_url = f"{key}/robots.txt"
        now = self._clock()
        try:
            reply = self._follow(robots_url, self._client.build_request("GET", robots_url), check_robots=False,
                                 limit=ROBOTS_MAX_BYTES, truncate=True, max_redirects=ROBOTS_MAX_REDIRECTS)
        except _Unreachable as exc:
            return _Robots(now, ROBOTS_ERROR_TTL, None, allow_all=False,
                           note=f" (robots.txt unreachable: {exc.problem})")
        except (FetchError, httpx.HTTPError) as exc:  # too many or refused redirects, bad encoding
            log.info("%s: treated as unavailable: %s", robots_url, exc)
            return _Robots(now, ROBOTS_TTL, None, allow_all=True)
        if 200 <= reply.status < 300:
            text = reply.content.decode("utf-8", errors="replace").removeprefix("\ufeff")
            robots = _Robots(now, ROBOTS_TTL, text, allow_all=True)
        elif 400 <= reply.status < 500 and reply.status != 429:
            robots = _Robots(now, ROBOTS_TTL, None, allow_all=True)  # "unavailable": crawl freely
        elif reply.status >= 500 or reply.status == 429:
            return _Robots(now, ROBOTS_ERROR_TTL, None, allow_all=False,
                           note=f" (robots.txt answered HTTP {reply.status} {reply.reason})")
        else:  # 1xx, or a 3xx without Location: nothing usable
            robots = _Robots(now, ROBOTS_TTL, None, allow_all=True)
        if self._cache:
            self._cache.store_robots(key, robots)
        return robots


# -- internals -------------------------------------------------------------------------------


@dataclass
class _Reply:
    url: httpx.URL
    label: str  # how errors name this hop
    status: int
    reason: str
    headers: dict[str, str]
    content: bytes
    next_request: httpx.Request | None
    retries: int = 0


class _Unreachable(Exception):
    """The last attempt failed below HTTP (timeout, refused, reset)."""

    def __init__(self, label: str, problem: str, retries: int) -> None:
        super().__init__(f"{label}: {problem}{_after(retries)}")
        self.label, self.problem, self.retries = label, problem, retries

    def error(self) -> FetchError:
        return FetchError(str(self))


class _Robots:
    """One origin's robots.txt verdict: parsed rules, or allow-all / disallow-all."""

    def __init__(self, fetched_at: float, ttl: float, text: str | None, *, allow_all: bool,
                 note: str = "") -> None:
        self.fetched_at, self.ttl, self.text, self.allow_all, self.note = fetched_at, ttl, text, allow_all, note
        self._parser = _parse_robots(text) if text is not None else None

    def fresh(self, now: float) -> bool:
        return self.fetched_at <= now < self.fetched_at + self.ttl

    def allows(self, url: str) -> bool:
        if self._parser is None:
            return self.allow_all
        return bool(self._parser.can_fetch(url, ROBOTS_TOKEN))

    def crawl_delay(self) -> float | None:
        if self._parser is None:
            return None
        delay = self._parser.crawl_delay(ROBOTS_TOKEN)
        return float(delay) if delay else None


def _parse_robots(text: str) -> Protego | None:
    try:
        return Protego.parse(text)
    except Exception:  # Protego is lenient; if it still chokes, treat the file as empty (allow all)
        log.warning("unparseable robots.txt ignored", exc_info=True)
        return None


def _http_url(url: str, label: str) -> httpx.URL:
    """Parse `url`, refusing anything but http(s) with a host. `label` starts the error message."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise FetchError(f"{label}: invalid URL ({_one_line(exc)})") from None
    if parsed.scheme not in ("http", "https"):
        scheme = f"scheme {parsed.scheme!r}" if parsed.scheme else "no scheme"
        raise FetchError(f"{label}: {scheme} is not allowed (only http and https)")
    if not parsed.host:
        raise FetchError(f"{label}: URL has no host")
    return parsed


def _origin(url: httpx.URL) -> str:
    port = url.port or (443 if url.scheme == "https" else 80)
    host = f"[{url.host}]" if ":" in url.host else url.host
    return f"{url.scheme}://{host}:{port}"


def _read_body(response: httpx.Response, headers: dict[str, str], label: str, limit: int,
               truncate: bool) -> bytes:
    too_big = f"{label}: response larger than {_size(limit)}"
    declared = headers.get("content-length", "")
    if not truncate and declared.isdigit() and int(declared) > limit:
        raise FetchError(f"{too_big} (Content-Length {declared})")  # before reading a byte of it
    chunks: list[bytes] = []
    total = 0
    # iter_bytes() yields decoded bytes, so the cap also stops compression bombs.
    for chunk in response.iter_bytes():
        total += len(chunk)
        if total > limit:
            if truncate:
                chunks.append(chunk[: len(chunk) - (total - limit)])
                break
            raise FetchError(too_big)
        chunks.append(chunk)
    return b"".join(chunks)


def _parse_retry_after(value: str, *, now: float) -> float | None:
    """Retry-After as seconds from `now`: delta-seconds or an HTTP-date (RFC 9110 §10.2.3)."""
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - now)  # a naive date is taken as UTC by email.utils


def _cacheable(headers: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in headers.items() if k not in _UNCACHED_HEADERS}


def _describe(exc: Exception | None) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    if isinstance(exc, httpx.ConnectError):
        return f"could not connect ({_one_line(exc)})"
    return f"connection failed ({_one_line(exc)})"


def _after(retries: int) -> str:
    return f" after {retries} {'retry' if retries == 1 else 'retries'}" if retries else ""


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _one_line(exc: object) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


def _size(n: int) -> str:
    for unit, scale in (("GB", 2**30), ("MB", 2**20), ("KB", 2**10)):
        if n >= scale:
            return f"{n / scale:.{0 if n % scale == 0 else 1}f} {unit}"
    return f"{n} bytes"


# -- on-disk cache ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    headers: dict[str, str]
    content: bytes

    def validators(self) -> dict[str, str]:
        sent = {}
        if etag := self.headers.get("etag"):
            sent["If-None-Match"] = etag
        if modified := self.headers.get("last-modified"):
            sent["If-Modified-Since"] = modified
        return sent


class _DiskCache:
    """Bodies with their validators, one file per URL named by the URL's SHA-256:
    a magic line, a JSON line (url, headers, length, sha256), then the body. Anything that does
    not check out is treated as absent."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, kind: str, key: str, suffix: str) -> Path:
        return self.root / kind / (hashlib.sha256(key.encode("utf-8")).hexdigest() + suffix)

    def load(self, url: str) -> _Entry | None:
        try:
            data = self._path("http", url, ".cache").read_bytes()
        except OSError:
            return None
        return _decode_entry(data, url)

    def store(self, url: str, headers: dict[str, str], content: bytes) -> None:
        meta = {"url": url, "headers": headers, "length": len(content),
                "sha256": hashlib.sha256(content).hexdigest()}
        data = _CACHE_MAGIC + json.dumps(meta).encode("utf-8") + b"\n" + content
        _write_quietly(self._path("http", url, ".cache"), data)

    def drop(self, url: str) -> None:
        try:
            self._path("http", url, ".cache").unlink(missing_ok=True)
        except OSError as exc:
            log.warning("cache: could not remove entry for %s: %s", url, exc)

    def load_robots(self, origin: str, now: float) -> _Robots | None:
        try:
            meta = json.loads(self._path("robots", origin, ".json").read_text("utf-8"))
            if meta["origin"] != origin:
                return None
            text = meta["text"]
            robots = _Robots(float(meta["fetched_at"]), ROBOTS_TTL, text if isinstance(text, str) else None,
                             allow_all=True)
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return robots if robots.fresh(now) else None

    def store_robots(self, origin: str, robots: _Robots) -> None:
        meta = {"origin": origin, "fetched_at": robots.fetched_at, "text": robots.text}
        _write_quietly(self._path("robots", origin, ".json"), json.dumps(meta).encode("utf-8"))


def _decode_entry(data: bytes, url: str) -> _Entry | None:
    if not data.startswith(_CACHE_MAGIC):
        return None
    meta_line, sep, content = data[len(_CACHE_MAGIC):].partition(b"\n")
    try:
        meta = json.loads(meta_line)
        ok = (sep and meta["url"] == url and meta["length"] == len(content)
              and meta["sha256"] == hashlib.sha256(content).hexdigest())
        headers = meta["headers"]
        if not ok or not all(isinstance(k, str) and isinstance(v, str) for k, v in headers.items()):
            return None
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    return _Entry(headers, content)


def _write_quietly(path: Path, data: bytes) -> None:
    """Atomically replace `path` (temp file + os.replace). A cache that cannot be written is logged,
    not fatal: the fetch itself succeeded."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError as exc:
        log.warning("cache: could not write %s: %s", path, exc)
