"""The Ghost target: a draft through the Admin API, the body given as HTML (`?source=html`).

Authentication is a short-lived JWT made from the Admin API key `ID:SECRET`: HS256, header `kid` = ID,
payload `iat`, `exp` (five minutes later) and `aud` = "/admin/", signed with the hex-decoded SECRET,
sent as `Authorization: Ghost <token>`. Without `?source=html` Ghost would create the post empty.
An update (PUT) must carry the post's current `updated_at` (Ghost answers 422 otherwise), so it is
read first.
"""

from __future__ import annotations

import time

import httpx
import jwt

from .config import GhostSite
from .http import check_redirect, client, fail, json_body, request
from .post import Post, PublishError
from .wordpress import Published

TARGET = "ghost"
API_VERSION = "v5.0"
TOKEN_LIFETIME = 300  # seconds; Ghost refuses tokens that live longer than five minutes
_AUTH_HINT = "check THREADPRESS_GHOST_ADMIN_KEY (Ghost Admin > Integrations > Admin API key)"


def admin_token(site: GhostSite, *, now: float | None = None) -> str:
    iat = int(time.time() if now is None else now)
    return jwt.encode({"iat": iat, "exp": iat + TOKEN_LIFETIME, "aud": "/admin/"}, site.secret,
                      algorithm="HS256", headers={"kid": site.key_id})


class Ghost:
    def __init__(self, site: GhostSite, *, http: httpx.Client | None = None):
        self.site = site
        self.api = f"{site.url}/ghost/api/admin"
        self.http = http or client()

    def close(self) -> None:
        self.http.close()

    def _call(self, method: str, path: str, **kwargs) -> httpx.Response:
        headers = {"Authorization": f"Ghost {admin_token(self.site)}", "Accept-Version": API_VERSION}
        response = request(self.http, TARGET, method, self.api + path, headers=headers, **kwargs)
        check_redirect(TARGET, response, "THREADPRESS_GHOST_URL")
        if response.status_code in (401, 403):
            raise fail(TARGET, response, _AUTH_HINT)
        return response

    def publish(self, post: Post, *, publish: bool, remote_id: str | None = None) -> Published:
        body: dict = {"title": post.title, "html": post.html}
        if post.slug_given:  # otherwise an update keeps the post's slug, and so its links
            body["slug"] = post.slug
        if post.tags:  # given tags replace the post's; none given leaves them as they are
            body["tags"] = [{"name": t} for t in post.tags]
        if remote_id is not None:
            current = self._call("GET", f"/posts/{remote_id}/")
            if current.status_code == 200:
                body["updated_at"] = _first_post(current).get("updated_at")
                if publish:
                    body["status"] = "published"
                response = self._call("PUT", f"/posts/{remote_id}/", params={"source": "html"},
                                      json={"posts": [body]})
                return self._result(response, created=False)
            if current.status_code != 404:
                raise fail(TARGET, current)
            # the post was deleted on the site: make a new one
        body["status"] = "published" if publish else "draft"
        body["slug"] = post.slug
        response = self._call("POST", "/posts/", params={"source": "html"}, json={"posts": [body]})
        return self._result(response, created=True)

    def _result(self, response: httpx.Response, *, created: bool) -> Published:
        if response.status_code not in (200, 201):
            raise fail(TARGET, response)
        data = _first_post(response)
        return Published(str(data["id"]), data.get("url"), str(data.get("status", "")), created)


def _first_post(response: httpx.Response) -> dict:
    data = json_body(TARGET, response)
    posts = data.get("posts")
    if not isinstance(posts, list) or not posts or not isinstance(posts[0], dict) or "id" not in posts[0]:
        raise PublishError(f"{TARGET}: {response.request.url}: the answer holds no post")
    return posts[0]
