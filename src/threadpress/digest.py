"""Choose and order the comments of a digest (the rule of the reference post).

The author's comments in posting order. Before each one, the comments it answers that were not
shown yet. With `replies`, the replies each comment received follow it.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from .errors import NotFound
from .model import Comment, ReplyEdge, Thread
from .replies import INFERRED_MIN_CONFIDENCE
from .replies.explicit import fold

#: Edges below this confidence are not used by commands unless --min-confidence says otherwise.
DEFAULT_MIN_CONFIDENCE = 0.5


def min_confidence_for(edge: ReplyEdge, min_confidence: float | None = None) -> float:
    """The confidence `edge` needs to be used: --min-confidence when given, else the default for its
    kind (inferred edges: `replies.INFERRED_MIN_CONFIDENCE`, chosen for precision >= 0.9 on blog
    threads; explicit edges: DEFAULT_MIN_CONFIDENCE)."""
    if min_confidence is not None:
        return min_confidence
    return INFERRED_MIN_CONFIDENCE if edge.how == "inferred" else DEFAULT_MIN_CONFIDENCE


def apply_default_thresholds(thread: Thread, min_confidence: float | None = None) -> Thread:
    """Without an explicit --min-confidence, drop inferred edges below their own default (in place),
    so code that compares every edge with one number (DEFAULT_MIN_CONFIDENCE) sees only those."""
    if min_confidence is None:
        for c in thread.comments:
            if any(e.how == "inferred" for e in c.parents):
                c.parents = [e for e in c.parents if e.confidence >= min_confidence_for(e)]
    return thread


@dataclass(frozen=True, slots=True)
class DigestItem:
    comment: Comment
    role: str  # "author" | "context" (answered by the author) | "reply" (answers the author)
    answers: tuple[str, ...] = ()  # ids of shown comments this one answers


@dataclass(frozen=True, slots=True)
class Digest:
    thread: Thread
    author: str
    items: tuple[DigestItem, ...]


def find_author(thread: Thread, name: str) -> str:
    """The author's name as the thread spells it; NotFound lists the nearest names that exist."""
    names = thread.authors()
    key = fold(name)
    for n in names:
        if fold(n) == key:
            return n
    folded = {fold(n): n for n in names}
    near = difflib.get_close_matches(key, list(folded), n=3, cutoff=0.5)
    near_names = [folded[k] for k in near] or names[:3]
    hint = f"; nearest: {', '.join(near_names)}" if near_names else ""
    where = thread.title or thread.id
    raise NotFound(f"--author {name!r}: nobody of that name commented in {where!r}{hint}")


def select(thread: Thread, author: str, *, replies: bool = False,
           min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> Digest:
    name = find_author(thread, author)
    key = fold(name)
    by_id = thread.by_id()
    order = {c.id: i for i, c in enumerate(thread.comments)}
    answered_by: dict[str, list[Comment]] = {}
    for c in thread.comments:
        for e in c.parents:
            if e.confidence >= min_confidence:
                answered_by.setdefault(e.target_id, []).append(c)

    shown: set[str] = set()
    items: list[DigestItem] = []

    def show(c: Comment, role: str) -> None:
        shown.add(c.id)
        answers = tuple(e.target_id for e in c.parents if e.target_id in shown and e.confidence >= min_confidence)
        items.append(DigestItem(c, role, answers))

    for c in thread.comments:
        if fold(c.author) != key or c.status != "ok" or c.id in shown:
            continue
        targets = sorted(
            {e.target_id for e in c.parents if e.confidence >= min_confidence} - shown,
            key=lambda i: order.get(i, 0),
        )
        for tid in targets:
            if tid in by_id:
                show(by_id[tid], "context")
        show(c, "author")
        if replies:
            for r in answered_by.get(c.id, []):
                if r.id not in shown and fold(r.author) != key:
                    show(r, "reply")
    return Digest(thread, name, tuple(items))
