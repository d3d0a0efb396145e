"""Reply resolution: who answers whom, with how each edge was found and how sure we are."""

from __future__ import annotations

from ..model import Thread
from .explicit import ThreadIndex, find_edges, strip_headers

#: Edges the source itself states; text cues are not searched when a comment has one.
STRUCTURAL = frozenset({"platform", "turn"})


def resolve(thread: Thread) -> Thread:
    """Add text-cue edges to every comment (in place) and strip copied reply headers from `text`.

    Structural edges from the source (platform parents, transcript turns) are kept as they are;
    DOM nesting is kept too, but text cues are still read because sites flatten deep replies.
    """
    index = ThreadIndex(thread)
    for at, comment in enumerate(thread.comments):
        if comment.status != "ok" or any(e.how in STRUCTURAL for e in comment.parents):
            continue
        edges, headers = find_edges(index, at)
        have = {e.target_id for e in comment.parents}
        comment.parents.extend(e for e in edges if e.target_id not in have)
        comment.text = strip_headers(comment.text, headers)
    return thread


__all__ = ["resolve"]
