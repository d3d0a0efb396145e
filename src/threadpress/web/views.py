"""The data behind each page, as plain dicts: the HTML templates and the JSON twins both use them."""

from __future__ import annotations

from datetime import timezone
from statistics import median
from typing import Any

from ..digest import DEFAULT_MIN_CONFIDENCE, find_author
from ..model import Comment, Thread, iso_utc
from ..render import attribution, safe_url
from ..replies.explicit import fold
from ..sanitize import clean_html
from ..store import ThreadSummary

VIEWS = ("flat", "tree")
MAX_DEPTH_CLASS = 8  # deeper replies are drawn at this indent (phone screens stay readable)
EXCERPT = 280


def when(c: Comment) -> str:
    if c.created_at is None:
        return c.created_raw or ""
    t = c.created_at.astimezone(timezone.utc)
    return f"{t:%b} {t.day} {t:%Y %H:%M} utc"


def anchors(thread: Thread) -> dict[str, str]:
    """A fragment id per comment: c<number> when numbers are unique, else c-<position>."""
    numbers = [c.number for c in thread.comments]
    if None not in numbers and len(set(numbers)) == len(numbers):
        return {c.id: f"c{c.number}" for c in thread.comments}
    return {c.id: f"c-{i}" for i, c in enumerate(thread.comments, 1)}


def label(c: Comment) -> str:
    return f"#{c.number}" if c.number is not None else "comment"


def thread_summary(s: ThreadSummary) -> dict[str, Any]:
    return {"id": s.id, "source": s.source, "title": s.title or "(untitled)", "url": safe_url(s.url),
            "comments": s.comments, "authors": s.authors, "first_comment": s.first_comment,
            "last_comment": s.last_comment}


def thread_head(thread: Thread) -> dict[str, Any]:
    return {"id": thread.id, "title": thread.title or "(untitled)", "url": safe_url(thread.url),
            "source": thread.source, "comment_count": len(thread.comments), "authors": thread.authors()}


def _excerpt(c: Comment) -> str:
    if c.status != "ok":
        return f"[comment {c.status}]"
    text = " ".join((c.text or "").split())
    return text if len(text) <= EXCERPT else text[:EXCERPT].rsplit(" ", 1)[0] + " …"


def _primary_parent(c: Comment, position: dict[str, int], min_confidence: float) -> str | None:
    best = None
    for e in c.parents:
        if e.confidence < min_confidence or position.get(e.target_id, 1 << 30) >= position[c.id]:
            continue  # unknown, later (a cycle would follow) or too unsure
        if best is None or e.confidence > best.confidence:
            best = e
    return best.target_id if best else None


def tree_order(thread: Thread, min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> list[tuple[Comment, int]]:
    """Comments as a reply tree: each under the comment it most surely answers, siblings in posting order."""
    position = {c.id: i for i, c in enumerate(thread.comments)}
    children: dict[str | None, list[Comment]] = {}
    for c in thread.comments:
        children.setdefault(_primary_parent(c, position, min_confidence), []).append(c)
    out: list[tuple[Comment, int]] = []
    stack = [(c, 0) for c in reversed(children.get(None, []))]
    while stack:
        c, depth = stack.pop()
        out.append((c, depth))
        stack.extend((k, depth + 1) for k in reversed(children.get(c.id, [])))
    return out


def thread_page(thread: Thread, *, view: str = "flat", author: str | None = None) -> dict[str, Any]:
    by_id = thread.by_id()
    anchor = anchors(thread)
    replies: dict[str, list[Comment]] = {}
    for c in thread.comments:
        for e in c.parents:
            replies.setdefault(e.target_id, []).append(c)
    key = fold(author) if author else None
    order = tree_order(thread) if view == "tree" else [(c, 0) for c in thread.comments]
    comments = []
    for c, depth in order:
        parents = []
        for e in c.parents:
            target = by_id.get(e.target_id)
            parents.append({
                "id": e.target_id, "anchor": anchor.get(e.target_id), "number": target.number if target else None,
                "label": label(target) if target else "an unknown comment",
                "author": target.author if target else None, "how": e.how, "confidence": round(e.confidence, 3),
                "inferred": not e.explicit, "evidence": e.evidence,
            })
        comments.append({
            "id": c.id, "anchor": anchor[c.id], "number": c.number, "label": label(c), "author": c.author,
            "created_at": iso_utc(c.created_at), "when": when(c), "status": c.status,
            "permalink": safe_url(c.permalink), "html": clean_html(c.html) if c.html else "",
            "text": c.text if not c.html else None,
            "depth": depth, "indent": min(depth, MAX_DEPTH_CLASS),
            "highlight": bool(key) and fold(c.author) == key,
            "parents": parents,
            "replies": [{"id": r.id, "anchor": anchor[r.id], "label": label(r), "author": r.author}
                        for r in replies.get(c.id, [])],
        })
    return {"thread": thread_head(thread), "view": view, "author": author, "comments": comments}


def author_page(thread: Thread, name: str) -> dict[str, Any]:
    """One author's comments and the replies each received, with a few engagement numbers."""
    name = find_author(thread, name)
    key = fold(name)
    anchor = anchors(thread)
    mine = [c for c in thread.comments if fold(c.author) == key]
    mine_ids = {c.id for c in mine}
    got: dict[str, list[tuple[Comment, Any]]] = {}
    for c in thread.comments:
        for e in c.parents:
            if e.target_id in mine_ids:
                got.setdefault(e.target_id, []).append((c, e))
    first_reply_minutes = []
    rows = []
    for c in mine:
        answers = got.get(c.id, [])
        delays = [(r.created_at - c.created_at).total_seconds() / 60 for r, _ in answers
                  if r.created_at and c.created_at]
        if delays:
            first_reply_minutes.append(min(delays))
        rows.append({
            "id": c.id, "anchor": anchor[c.id], "label": label(c), "when": when(c),
            "created_at": iso_utc(c.created_at), "html": clean_html(c.html) if c.html else "",
            "attribution": attribution(thread, c),
            "replies": [{"id": r.id, "anchor": anchor[r.id], "label": label(r), "author": r.author, "when": when(r),
                         "excerpt": _excerpt(r), "how": e.how, "confidence": round(e.confidence, 3),
                         "inferred": not e.explicit} for r, e in answers],
        })
    repliers = sorted({r.author for rs in got.values() for r, _ in rs if fold(r.author) != key}, key=str.lower)
    stats = {
        "comments": len(mine),
        "replies_received": sum(len(v) for v in got.values()),
        "comments_with_replies": sum(1 for c in mine if got.get(c.id)),
        "distinct_repliers": len(repliers),
        "median_minutes_to_first_reply": round(median(first_reply_minutes), 1) if first_reply_minutes else None,
    }
    return {"thread": thread_head(thread), "author": name, "stats": stats, "repliers": repliers, "comments": rows}


def compose_candidates(thread: Thread, listed: set[str]) -> dict[str, list[dict[str, Any]]]:
    """Per listed comment, the comments it answers and the replies it got that are not listed yet."""
    by_id = thread.by_id()
    replies: dict[str, list[Comment]] = {}
    for c in thread.comments:
        for e in c.parents:
            replies.setdefault(e.target_id, []).append(c)
    out: dict[str, list[dict[str, Any]]] = {}
    for cid in listed:
        c = by_id.get(cid)
        if c is None:
            continue
        found = [("answers", by_id[e.target_id]) for e in c.parents if e.target_id in by_id]
        found += [("reply", r) for r in replies.get(cid, [])]
        rows = [{"id": o.id, "label": label(o), "author": o.author, "relation": rel, "excerpt": _excerpt(o)}
                for rel, o in found if o.id not in listed]
        if rows:
            out[cid] = rows
    return out


def comment_card(thread: Thread, c: Comment, anchor: str) -> dict[str, Any]:
    return {"id": c.id, "anchor": anchor, "label": label(c), "author": c.author, "when": when(c),
            "html": clean_html(c.html) if c.html else "", "text": c.text if not c.html else None,
            "status": c.status, "attribution": attribution(thread, c)}
