"""The WordPress target: a draft through the REST API (`/wp-json/wp/v2/posts`) with an application password.

Create: POST /wp-json/wp/v2/posts. Update: POST /wp-json/wp/v2/posts/ID (a repeated publish).
Tags are given to WordPress as ids: each name is looked up and created when missing.
An update leaves the post's status alone unless `publish` is asked for, so that republishing a
post that went live never turns it back into a draft, and its slug alone unless one was given.
"""

from __future__ import annotations

import html as htmllib
from dataclasses import dataclass

import httpx

from .config import WordPressSite
from .http import check_redirect, client, fail, json_body, request
from .post import Post, PublishError

TARGET = "wordpress"
_AUTH_HINT = "check THREADPRESS_WP_USER and THREADPRESS_WP_APP_PASSWORD (an application password, not the login one)"


@dataclass(frozen=True)
class Published:
    remote_id: str
    url: str | None
    status: str
    created: bool


class WordPress:
    def __init__(self, site: WordPressSite, *, http: httpx.Client | None = None):
        self.site = site
        self.api = f"{site.url}/wp-json/wp/v2"
        self.http = http or client()
        self.auth = httpx.BasicAuth(site.user, site.app_password)

    def close(self) -> None:
        self.http.close()

    def _call(self, method: str, path: str, **kwargs) -> httpx.Response:
        response = request(self.http, TARGET, method, self.api + path, auth=self.auth, **kwargs)
        check_redirect(TARGET, response, "THREADPRESS_WP_URL")
        if response.status_code in (401, 403):
            raise fail(TARGET, response, _AUTH_HINT)
        return response

    def tag_ids(self, names: tuple[str, ...]) -> list[int]:
        ids = []
        for name in names:
            found = self._call("GET", "/tags", params={"search": name, "per_page": 100})
            if found.status_code != 200:
                raise fail(TARGET, found)
            exact = [t for t in found.json() if htmllib.unescape(t.get("name", "")).casefold() == name.casefold()]
            if exact:
                ids.append(int(exact[0]["id"]))
                continue
            made = self._call("POST", "/tags", json={"name": name})
            data = json_body(TARGET, made)
            if made.status_code == 201:
                ids.append(int(data["id"]))
            elif data.get("code") == "term_exists" and isinstance(data.get("data"), dict):
                ids.append(int(data["data"]["term_id"]))
            else:
                raise fail(TARGET, made, f"tag {name!r}")
        return ids

    def publish(self, post: Post, *, publish: bool, remote_id: str | None = None) -> Published:
        body: dict = {"title": post.title, "content": post.html}
        if post.tags:
            body["tags"] = self.tag_ids(post.tags)
        if post.slug_given:  # otherwise an update keeps the post's slug, and so its links
            body["slug"] = post.slug
        if remote_id is not None:
            if publish:
                body["status"] = "publish"
            response = self._call("POST", f"/posts/{remote_id}", json=body)
            if response.status_code not in (404, 410):
                return self._result(response, created=False)
            # the post was deleted on the site: make a new one
        body["status"] = "publish" if publish else "draft"
        body["slug"] = post.slug
        return self._result(self._call("POST", "/posts", json=body), created=True)

    def get(self, remote_id: str) -> dict:
        response = self._call("GET", f"/posts/{remote_id}", params={"context": "edit"})
        if response.status_code != 200:
            raise fail(TARGET, response)
        return json_body(TARGET, response)

    def _result(self, response: httpx.Response, *, created: bool) -> Published:
        if response.status_code not in (200, 201):
            raise fail(TARGET, response)
        data = json_body(TARGET, response)
        if "id" not in data:
            raise PublishError(f"{TARGET}: {response.request.url}: the answer holds no post id")
        return Published(str(data["id"]), data.get("link"), str(data.get("status", "")), created)
