"""Compositions: a writer's edited digest of one author's comments, kept in the archive.

A composition is an ordered list of items, each either a comment of the thread (kept or set aside)
or a note the writer wrote between comments. It starts from the digest rule (the author's comments,
each preceded by the comments it answers) and is edited in the web app.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from ..digest import DEFAULT_MIN_CONFIDENCE, select
from ..errors import InputError, NotFound
from ..model import Thread
from ..store import Store

MAX_NOTE = 20_000
MAX_ITEMS = 5_000


@dataclass
class Item:
    """One row of a composition: a comment (`comment` set) or a note (`note` set)."""

    comment: str | None = None
    keep: bool = True
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        if self.comment is not None:
            return {"comment": self.comment, "keep": self.keep}
        return {"note": self.note or ""}


@dataclass
class Composition:
    thread_id: str
    author: str
    title: str
    items: list[Item] = field(default_factory=list)
    id: int | None = None
    created_at: str | None = None
    updated_at: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "thread_id": self.thread_id, "author": self.author, "title": self.title,
                "items": [i.to_dict() for i in self.items], "created_at": self.created_at,
                "updated_at": self.updated_at}

    def comment_ids(self) -> set[str]:
        return {i.comment for i in self.items if i.comment is not None}


def from_digest(thread: Thread, author: str, *, min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> Composition:
    """The starting point: "all comments of AUTHOR with their context" (the digest's rule)."""
    digest = select(thread, author, min_confidence=min_confidence)
    return Composition(thread.id, digest.author, thread.title or "",
                       [Item(comment=i.comment.id) for i in digest.items])


def items_from_json(raw: Any, thread: Thread) -> list[Item]:
    """Validate items sent by a client or read from the archive; unknown comments are an error."""
    if not isinstance(raw, list):
        raise InputError("items: expected a list")
    if len(raw) > MAX_ITEMS:
        raise InputError(f"items: at most {MAX_ITEMS} items")
    known = {c.id for c in thread.comments}
    out: list[Item] = []
    seen: set[str] = set()
    for n, entry in enumerate(raw, 1):
        if not isinstance(entry, dict):
            raise InputError(f"items[{n}]: expected an object")
        if "comment" in entry:
            cid = str(entry["comment"])
            if cid not in known:
                raise InputError(f"items[{n}]: no comment {cid!r} in this thread")
            if cid in seen:
                continue
            seen.add(cid)
            out.append(Item(comment=cid, keep=bool(entry.get("keep", True))))
        elif "note" in entry:
            note = str(entry["note"] or "")
            if len(note) > MAX_NOTE:
                raise InputError(f"items[{n}]: a note holds at most {MAX_NOTE} characters")
            out.append(Item(note=note))
        else:
            raise InputError(f"items[{n}]: expected a comment or a note")
    return out


def insert_in_posting_order(comp: Composition, thread: Thread, comment_id: str) -> None:
    """Add a comment before the first listed comment posted after it (context lands before its reply)."""
    if comment_id in comp.comment_ids():
        for item in comp.items:
            if item.comment == comment_id:
                item.keep = True
        return
    order = {c.id: i for i, c in enumerate(thread.comments)}
    if comment_id not in order:
        raise NotFound(f"comment {comment_id!r}: not in this thread")
    mine = order[comment_id]
    at = len(comp.items)
    for pos, item in enumerate(comp.items):
        if item.comment is not None and order.get(item.comment, -1) > mine:
            at = pos
            # a note written just before that comment stays attached to it
            while at > 0 and comp.items[at - 1].note is not None:
                at -= 1
            break
    comp.items.insert(at, Item(comment=comment_id))


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def save(store: Store, comp: Composition) -> Composition:
    now = _now()
    items = json.dumps([i.to_dict() for i in comp.items], ensure_ascii=False)
    with store.conn:
        if comp.id is None:
            cur = store.conn.execute(
                "INSERT INTO compositions (thread_id, author, title, items, created_at, updated_at)"
                " VALUES (?,?,?,?,?,?)", (comp.thread_id, comp.author, comp.title, items, now, now))
            comp.id, comp.created_at = cur.lastrowid, now
        else:
            cur = store.conn.execute("UPDATE compositions SET title = ?, items = ?, updated_at = ? WHERE id = ?",
                                     (comp.title, items, now, comp.id))
            if cur.rowcount == 0:
                raise NotFound(f"composition {comp.id}: not in the archive")
    comp.updated_at = now
    return comp


def get(store: Store, comp_id: int, thread: Thread | None = None) -> Composition:
    row = store.conn.execute("SELECT * FROM compositions WHERE id = ?", (comp_id,)).fetchone()
    if row is None:
        raise NotFound(f"composition {comp_id}: not in the archive")
    raw = json.loads(row["items"])
    items = items_from_json(raw, thread) if thread is not None else [
        Item(comment=e.get("comment"), keep=e.get("keep", True), note=e.get("note")) for e in raw]
    return Composition(row["thread_id"], row["author"], row["title"], items, row["id"], row["created_at"],
                       row["updated_at"])


def listing(store: Store, thread_id: str | None = None) -> list[dict[str, Any]]:
    sql = "SELECT id, thread_id, author, title, created_at, updated_at FROM compositions"
    args: tuple = ()
    if thread_id is not None:
        sql += " WHERE thread_id = ?"
        args = (thread_id,)
    return [dict(r) for r in store.conn.execute(sql + " ORDER BY updated_at DESC, id DESC", args)]
