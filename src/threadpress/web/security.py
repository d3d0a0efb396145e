"""What keeps the local app safe: response headers (CSP), CSRF tokens, and the URL guard.

- Every response carries a Content-Security-Policy that allows scripts, styles and images from the
  app's own origin only: no inline scripts (so a script smuggled into content cannot run), no remote loads.
- Requests that change the archive need the per-session CSRF token (a hidden form field or the
  X-CSRF-Token header) and, when the browser sends one, an Origin equal to the app's own.
- The add-a-thread URL form refuses non-http(s) schemes and, unless allowed, hosts that resolve to
  loopback, private, link-local or otherwise non-public addresses; redirects are checked the same way.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
import socket
from typing import Callable
from urllib.parse import urlsplit

import httpx

from ..errors import FetchError

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
}
SESSION_COOKIE = "tp_session"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"


class Csrf:
    """Tokens bound to a session cookie: token = HMAC(secret, session id)."""

    def __init__(self, secret: bytes | None = None):
        self.secret = secret or secrets.token_bytes(32)

    @staticmethod
    def new_session() -> str:
        return secrets.token_urlsafe(24)

    def token(self, session: str) -> str:
        return hmac.new(self.secret, session.encode(), hashlib.sha256).hexdigest()[:40]

    def valid(self, session: str | None, token: str | None) -> bool:
        return bool(session and token) and hmac.compare_digest(self.token(session), token)


def same_origin(origin: str | None, host_header: str | None, scheme: str) -> bool:
    """True when the request has no Origin (not a browser form) or it is the app's own."""
    if origin is None:
        return True
    if origin == "null" or not host_header:
        return False
    return origin.rstrip("/") == f"{scheme}://{host_header}"


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


Resolver = Callable[[str], list[str]]


def resolve_host(host: str) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except OSError as e:
        raise FetchError(f"{host}: cannot resolve the host ({e.strerror or e})") from None
    return sorted({str(info[4][0]) for info in infos})


def check_url(url: str, *, allow_private: bool = False, resolver: Resolver = resolve_host) -> str:
    """The URL, stripped, if the app may fetch it; FetchError naming the URL and the problem otherwise."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise FetchError(f"{url}: only http and https URLs can be added")
    host = parts.hostname
    if not host:
        raise FetchError(f"{url}: the URL has no host")
    if not allow_private:
        check_host(host, resolver=resolver, label=url)
    return url


def check_host(host: str, *, resolver: Resolver = resolve_host, label: str | None = None) -> None:
    label = label or host
    try:
        addresses = [str(ipaddress.ip_address(host.strip("[]")))]
    except ValueError:
        addresses = resolver(host)
    bad = [a for a in addresses if not _public(a)]
    if bad or not addresses:
        raise FetchError(f"{label}: refusing a loopback or private address ({', '.join(bad) or 'none'});"
                         " start the app with --allow-private to allow it")


class GuardedTransport(httpx.BaseTransport):
    """An httpx transport that checks every request's host (redirect hops and robots.txt included)."""

    def __init__(self, inner: httpx.BaseTransport | None = None, *, resolver: Resolver = resolve_host):
        self.inner = inner or httpx.HTTPTransport()
        self.resolver = resolver

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        check_host(request.url.host, resolver=self.resolver, label=str(request.url))
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()
