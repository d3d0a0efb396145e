"""What the API targets share: one httpx client with timeouts, and one-line errors naming the target."""

from __future__ import annotations

import httpx

from .. import __version__
from .post import PublishError

TIMEOUT = httpx.Timeout(30.0, connect=10.0)
USER_AGENT = f"threadpress/{__version__} (+publish)"


def client(**kwargs) -> httpx.Client:
    return httpx.Client(timeout=TIMEOUT, headers={"User-Agent": USER_AGENT}, follow_redirects=False, **kwargs)


def request(http: httpx.Client, target: str, method: str, url: str, **kwargs) -> httpx.Response:
    try:
        return http.request(method, url, **kwargs)
    except httpx.TimeoutException:
        raise PublishError(f"{target}: {url}: no answer in time") from None
    except httpx.HTTPError as e:
        raise PublishError(f"{target}: {url}: cannot connect ({e or type(e).__name__})") from None


def check_redirect(target: str, response: httpx.Response, setting: str) -> None:
    """A redirect would drop the request body: say where the site lives instead of following it."""
    if response.is_redirect:
        where = response.headers.get("location", "elsewhere")
        raise PublishError(f"{target}: {response.status_code} {response.reason_phrase}: the site answers from"
                           f" {where}; set {setting} to the site's own address")


def server_message(response: httpx.Response) -> str:
    """The server's own explanation of an error, shortened to one line."""
    try:
        data = response.json()
    except ValueError:
        text = " ".join(response.text.split())
        return text[:200]
    if isinstance(data, dict):
        if isinstance(data.get("message"), str):  # WordPress
            return data["message"]
        errors = data.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):  # Ghost
            first = errors[0]
            return " ".join(str(first.get(k)) for k in ("message", "context") if first.get(k))
    return ""


def fail(target: str, response: httpx.Response, hint: str = "") -> PublishError:
    reason = f"{response.status_code} {response.reason_phrase}".strip()
    detail = server_message(response)
    text = f"{target}: {reason}" + (f": {detail}" if detail else "") + (f" ({hint})" if hint else "")
    return PublishError(" ".join(text.split()))


def json_body(target: str, response: httpx.Response) -> dict:
    try:
        data = response.json()
    except ValueError:
        raise PublishError(f"{target}: {response.request.url}: the answer is not JSON"
                           f" (is this the site's address?)") from None
    if not isinstance(data, dict):
        raise PublishError(f"{target}: {response.request.url}: unexpected answer")
    return data
