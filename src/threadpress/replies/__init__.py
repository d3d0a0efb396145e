"""Reply resolution: who answers whom, with how each edge was found and how sure we are."""

from __future__ import annotations

from ..model import ReplyEdge, Thread
from .explicit import ThreadIndex, find_edges, strip_headers

#: Edges the source itself states; text cues are not searched when a comment has one.
STRUCTURAL = frozenset({"platform", "turn"})
#: A thread with any of these edges has its structure from the source: a comment without a parent
#: there answers the post, so the learned model is not asked to guess one.
SOURCE_STRUCTURE = frozenset({"platform", "nesting", "turn"})
#: Inferred edges below this calibrated confidence are not used by commands unless --min-confidence
#: asks for them (explicit edges use `digest.DEFAULT_MIN_CONFIDENCE`). Chosen by scripts/train_blog.py
#: as the lowest threshold with precision >= 0.9 (plus a margin) on generated blog threads, both with
#: the explicit edges known and with every cue hidden (docs/replies.md); it equals both blog models'
#: meta["min_confidence"] (tested).
INFERRED_MIN_CONFIDENCE = 0.94
#: The blog model for threads whose explicit edges are known (it learns who is likely to answer whom),
#: and the one for threads where nothing is (no cue anywhere, or every cue hidden): there an opener
#: like "Agreed." says a comment answers someone, not whom, and the confidence must say so.
BLOG_DOMAIN = "blog"
CUELESS_DOMAIN = "blog_cueless"


def resolve(thread: Thread, *, infer: bool = False) -> Thread:
    """Add reply edges to every comment (in place) and strip copied reply headers from `text`.

    First the text cues (copied footers, @N, @NAME, quotes); structural edges from the source
    (platform parents, transcript turns) are kept as they are, and DOM nesting too, though text
    cues are still read there because sites flatten deep replies. Then, with `infer` and for flat
    threads, the learned model proposes an antecedent for each comment that has no edge
    (`how="inferred"`, with a confidence calibrated on blog threads); explicit edges always win.
    Commands use inferred edges only from INFERRED_MIN_CONFIDENCE up (docs/replies.md).
    """
    index = ThreadIndex(thread)
    for at, comment in enumerate(thread.comments):
        if comment.status != "ok" or any(e.how in STRUCTURAL for e in comment.parents):
            continue
        edges, headers = find_edges(index, at)
        have = {e.target_id for e in comment.parents}
        comment.parents.extend(e for e in edges if e.target_id not in have)
        comment.text = strip_headers(comment.text, headers)
    if infer:
        infer_edges(thread)
    return thread


def infer_edges(thread: Thread) -> int:
    """Inferred edges for the comments of a flat thread that have none. Returns how many were added."""
    if any(e.how in SOURCE_STRUCTURE for c in thread.comments for e in c.parents):
        return 0
    from .cues import hide_cues, readable
    from .learned import predict

    comments = readable(thread)
    if len(comments) < 2:
        return 0
    # the model reads the text as it was trained: without the explicit cues, which gave edges already
    # (their parents' authors are passed on as names the comment mentions)
    messages = hide_cues(thread, with_edges=True)
    known = any(e.explicit for c in comments for e in c.parents)
    added = 0
    for p in predict(messages, model=blog_model(known=known)):
        comment = comments[p.index]
        if comment.parents or p.target is None:
            continue
        target = comments[p.target]
        runner = next(((t, q) for t, q in p.candidates[1:]), None)
        second = "" if runner is None else (
            f"; next: {'a new conversation' if runner[0] is None else '#' + str(comments[runner[0]].number)}"
            f" ({runner[1]:.2f})")
        comment.parents.append(ReplyEdge(target.id, "inferred", round(p.confidence, 4),
                                         f"reply model: #{target.number} (p={p.confidence:.2f}){second}"))
        added += 1
    return added


def blog_model(*, known: bool = True, path=None):
    """The blog reply model for a thread whose explicit edges are `known` (some comment has one), or
    the cue-less one. A weights file without a cue-less model (trained before it existed) gives the
    blog model for both."""
    from ..errors import InputError
    from .learned import load_model

    if not known:
        try:
            return load_model(path, domain=CUELESS_DOMAIN)  # cached after the first call
        except InputError:
            pass  # an older file: no cue-less model in it (a broken file fails below as well)
    return load_model(path, domain=BLOG_DOMAIN)


__all__ = ["BLOG_DOMAIN", "CUELESS_DOMAIN", "blog_model", "infer_edges", "resolve"]
