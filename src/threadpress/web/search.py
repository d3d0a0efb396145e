"""Search for the Threads page: threadpress.search when present, else a small FTS5 query of our own."""

from __future__ import annotations

import html as htmllib
from typing import Any

from ..store import Store

LIMIT = 50
_START, _END = "\x02", "\x03"


def fts_query(q: str) -> str:
    """User words as FTS5 phrases (so quotes, dashes and operators in the input cannot break the query)."""
    return " ".join('"' + w.replace('"', '""') + '"' for w in q.split())


def search_comments(store: Store, q: str, *, limit: int = LIMIT) -> list[dict[str, Any]]:
    if not q.strip():
        return []
    rows = store.conn.execute(
        """SELECT c.thread_id, c.id, c.number, c.author, t.title, m.snip
           FROM (SELECT rowid AS pk, rank, snippet(comments_fts, 0, ?, ?, '…', 16) AS snip
                 FROM comments_fts WHERE comments_fts MATCH ? ORDER BY rank LIMIT ?) AS m
           JOIN comments c ON c.pk = m.pk JOIN threads t ON t.id = c.thread_id
           ORDER BY m.rank""", (_START, _END, fts_query(q), limit)).fetchall()
    return [{"thread_id": r["thread_id"], "thread_title": r["title"] or "(untitled)", "comment_id": r["id"],
             "number": r["number"], "author": r["author"], "snippet": r["snip"].replace(_START, "").replace(_END, ""),
             "snippet_html": htmllib.escape(r["snip"]).replace(_START, "<mark>").replace(_END, "</mark>")}
            for r in rows]
