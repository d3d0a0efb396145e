"""Which remote post a digest or composition became, per target and site (table published_posts).

A second publish of the same post key to the same site updates that remote post instead of
creating another one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from ..store import Store


@dataclass(frozen=True)
class Remote:
    remote_id: str
    url: str | None
    status: str | None
    first_published: str
    last_published: str


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def find(store: Store, key: str, target: str, site: str) -> Remote | None:
    row = store.conn.execute(
        "SELECT remote_id, url, status, first_published, last_published FROM published_posts"
        " WHERE post_key = ? AND target = ? AND site = ?", (key, target, site)).fetchone()
    return Remote(*row) if row else None


def remember(store: Store, key: str, target: str, site: str, remote_id: str, url: str | None,
             status: str | None) -> None:
    now = _now()
    with store.conn:
        store.conn.execute(
            "INSERT INTO published_posts (post_key, target, site, remote_id, url, status, first_published,"
            " last_published) VALUES (?,?,?,?,?,?,?,?)"
            " ON CONFLICT (post_key, target, site) DO UPDATE SET remote_id = excluded.remote_id,"
            " url = excluded.url, status = excluded.status, last_published = excluded.last_published,"
            " first_published = CASE WHEN published_posts.remote_id = excluded.remote_id"
            " THEN published_posts.first_published ELSE excluded.first_published END",
            (key, target, site, remote_id, url, status, now, now))


def listing(store: Store, key: str | None = None) -> list[dict]:
    sql = "SELECT * FROM published_posts"
    args: tuple = ()
    if key is not None:
        sql += " WHERE post_key = ?"
        args = (key,)
    return [dict(r) for r in store.conn.execute(sql + " ORDER BY last_published DESC", args)]
