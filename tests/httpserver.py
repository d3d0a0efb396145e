"""A real, scriptable HTTP/1.1 server on 127.0.0.1 for tests (stdlib ThreadingHTTPServer, ephemeral port).

    with ScriptedServer() as server:
        server.route("/page?x=1", Reply(503, headers={"Retry-After": "3"}), Reply(200, body="ok"))
        server.robots("User-agent: *\\nDisallow: /private\\n")
        fetch(server.url("/page?x=1"))
        assert server.paths() == ["/robots.txt", "/page?x=1", "/page?x=1"]

Each path (with its query string) has a list of replies served in order; the last one repeats.
Unknown paths get 404. Every request is recorded (method, path, headers, start and end times).
A reply with `etag` / `last_modified` sends those validators and answers 304 when the request's
If-None-Match / If-Modified-Since match them.
"""

from __future__ import annotations

import gzip as gzip_module
import socket
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None  # e.g. '"v1"'; enables conditional 304s
    last_modified: float | None = None  # a Unix time; enables conditional 304s
    delay: float = 0.0  # seconds to wait before answering (to provoke client timeouts)
    drop: bool = False  # close the connection without answering (a reset, as the client sees it)
    chunked: bool = False  # Transfer-Encoding: chunked, no Content-Length
    gzip: bool = False  # Content-Encoding: gzip
    content_length: int | None = None  # announce this Content-Length instead of the true one

    def payload(self) -> bytes:
        body = self.body.encode("utf-8") if isinstance(self.body, str) else self.body
        return gzip_module.compress(body) if self.gzip else body


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]  # lower-cased names
    started: float  # time.monotonic()
    ended: float | None = None  # when the response was written (None if the client went away)


class ScriptedServer:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._routes: dict[str, list[Reply]] = {}
        self._served: dict[str, int] = {}
        self.requests: list[Request] = []
        #: Most requests waiting for an answer at once (1 means the client never overlapped requests;
        #: delayed replies are not counted).
        self.max_in_flight = 0
        self._in_flight = 0
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> ScriptedServer:
        handler = type("Handler", (_Handler,), {"server_script": self})
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        httpd.daemon_threads = True
        self._httpd = httpd
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.01},
                                        name="scripted-http", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> ScriptedServer:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # -- scripting ---------------------------------------------------------------------------

    @property
    def port(self) -> int:
        assert self._httpd is not None, "server not started"
        return self._httpd.server_address[1]

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.origin + (path if path.startswith("/") else "/" + path)

    def route(self, path: str, *replies: Reply) -> None:
        """Script `path` (with query string): the replies are served in order, the last one repeats."""
        if not replies:
            raise ValueError("route() needs at least one Reply")
        with self._lock:
            self._routes[path] = list(replies)
            self._served[path] = 0

    def robots(self, text: str) -> None:
        self.route("/robots.txt", Reply(200, text, {"Content-Type": "text/plain"}))

    def requests_for(self, path: str) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def paths(self) -> list[str]:
        with self._lock:
            return [r.path for r in self.requests]

    # -- used by the handler -----------------------------------------------------------------

    def _next_reply(self, path: str) -> Reply:
        with self._lock:
            replies = self._routes.get(path)
            if not replies:
                return Reply(404, "not found", {"Content-Type": "text/plain"})
            index = min(self._served[path], len(replies) - 1)
            self._served[path] += 1
            return replies[index]

    def _record(self, request: Request) -> int:
        with self._lock:
            self.requests.append(request)
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
            return len(self.requests) - 1

    def _answering(self) -> None:
        """The reply is about to be written: from here the client may send its next request."""
        with self._lock:
            self._in_flight -= 1

    def _finish(self, index: int) -> None:
        with self._lock:
            r = self.requests[index]
            self.requests[index] = Request(r.method, r.path, r.headers, r.started, time.monotonic())


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (for connection-refused tests)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _not_modified(reply: Reply, headers: dict[str, str]) -> bool:
    if "if-none-match" in headers:  # RFC 9110 §13.2.2: If-None-Match wins over If-Modified-Since
        tags = [t.strip() for t in headers["if-none-match"].split(",")]
        return reply.etag is not None and ("*" in tags or reply.etag in tags)
    if "if-modified-since" in headers and reply.last_modified is not None:
        try:
            since = parsedate_to_datetime(headers["if-modified-since"]).timestamp()
        except (TypeError, ValueError):
            return False
        return int(reply.last_modified) <= since
    return False


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in separate writes; avoid 40 ms stalls
    server_script: ScriptedServer

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def _answer(self, *, send_body: bool) -> None:
        script = self.server_script
        headers = {k.lower(): v for k, v in self.headers.items()}
        index = script._record(Request(self.command, self.path, headers, time.monotonic()))
        reply = script._next_reply(self.path)
        # A delayed reply is how tests provoke client timeouts; the client then retries while this
        # thread still sleeps, so such a request stops counting as waiting before the delay.
        script._answering()
        if reply.delay:
            time.sleep(reply.delay)
        if reply.drop:
            self.close_connection = True
            return
        validators = {}
        if reply.etag is not None:
            validators["ETag"] = reply.etag
        if reply.last_modified is not None:
            validators["Last-Modified"] = formatdate(reply.last_modified, usegmt=True)
        try:
            if validators and _not_modified(reply, headers):
                self.send_response(304)
                for name, value in validators.items():
                    self.send_header(name, value)
                self.end_headers()
            else:
                self._send(reply, validators, send_body)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (size cap, timeout)
            self.close_connection = True
            return
        script._finish(index)

    def _send(self, reply: Reply, validators: dict[str, str], send_body: bool) -> None:
        payload = reply.payload()
        self.send_response(reply.status)
        for name, value in {**validators, **reply.headers}.items():
            self.send_header(name, value)
        if reply.gzip:
            self.send_header("Content-Encoding", "gzip")
        if reply.chunked:
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            if send_body:
                for i in range(0, len(payload), 8192):
                    piece = payload[i:i + 8192]
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                self.wfile.write(b"0\r\n\r\n")
            return
        length = reply.content_length if reply.content_length is not None else len(payload)
        self.send_header("Content-Length", str(length))
        self.end_headers()
        if send_body:
            self.wfile.write(payload[:length])
        if length != len(payload):
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass
