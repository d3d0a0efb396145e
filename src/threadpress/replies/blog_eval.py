"""How well does the learned reply model recover the edges of blog threads when the cues are hidden?

For every thread, the explicit cues are removed from the text (`cues.hide_cues`) and the model
predicts an antecedent for every comment. Known edges are the thread's explicit edges; for our
generated examples, `truth.json` also gives the implicit edges and the comments that answer nobody,
so every comment can be scored (`truth_links`).

Scores at each confidence threshold t, over the inferred edges with confidence >= t (an edge = the
top prediction is an earlier comment, not "starts a conversation"):

- explicit: comments with at least one explicit parent. precision = edges that hit one of the
  comment's parents / edges made on those comments; recall = hits / such comments.
- elsewhere: how many inferred edges `infer_edges` would add, i.e. on comments without any
  explicit edge (their answers are unknown unless there is a truth).
- truth (generated threads only): the cue-less predictions over every comment, against the full
  truth; and "uncued": the edges `infer_edges` adds (on the comments the explicit rules leave
  without an edge, knowing the other comments' explicit edges), against the truth.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..model import Thread
from .cues import gold_links, hide_cues, readable

THRESHOLDS = (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)


@dataclass(slots=True)
class Scored:
    """One comment's prediction, with what is known about its answer."""

    thread: str
    number: int | None
    confidence: float
    target: int | None  #: predicted antecedent (position), None = starts a conversation
    explicit: frozenset[int]  #: positions of its explicit parents (empty: none)
    truth: frozenset[int] | None = None  #: all true parents when the full truth is known
    cued: bool = False  #: the explicit rules gave it an edge
    #: the prediction `infer_edges` makes (it knows the explicit edges of the other comments)
    infer_confidence: float = 0.0
    infer_target: int | None = None

    @property
    def edge(self) -> bool:
        return self.target is not None


@dataclass(slots=True)
class Report:
    threads: int
    comments: int
    rows: list[dict] = field(default_factory=list)  #: one per threshold

    def as_dict(self) -> dict:
        return {"threads": self.threads, "comments": self.comments, "thresholds": self.rows}


def truth_links(thread: Thread, truth: dict) -> dict[int, frozenset[int]]:
    """{position: true parent positions} for every readable comment, from a generator's truth.json
    (matched by comment number; an empty set = answers nobody)."""
    comments = readable(thread)
    at = {c.number: i for i, c in enumerate(comments)}
    known = {c["number"] for c in truth.get("comments", [])}
    links: dict[int, set[int]] = {at[n]: set() for n in known if n in at}
    for e in truth.get("edges", []):
        s, t = at.get(e["source"]), at.get(e["target"])
        if s is not None and t is not None and t < s:
            links.setdefault(s, set()).add(t)
    return {k: frozenset(v) for k, v in links.items()}


def truth_for(path: Path) -> dict | None:
    """The truth.json next to a generated thread file, if there is one."""
    candidate = path.parent / "truth.json"
    if path.is_file() and candidate.is_file():
        try:
            return json.loads(candidate.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
    return None


def score_thread(thread: Thread, *, model=None, cueless=None, truth: dict | None = None,
                 name: str = "") -> list[Scored]:
    """Predict every comment of `thread` from its cue-less text; one Scored per readable comment.

    Two predictions per comment, each as `infer_edges` would make it: with every cue hidden and
    nothing known but the text (`confidence`, `target`, by the `cueless` model; scored against the
    explicit edges and the truth), and knowing the other comments' explicit edges (`infer_*`, by
    `model`; scored only on comments without explicit edges, "uncued")."""
    from . import blog_model
    from .learned import predict

    if model is None:
        model = blog_model(known=True)
    if cueless is None:
        cueless = blog_model(known=False)
    comments = readable(thread)
    if len(comments) < 2:
        return []
    gold = gold_links(thread)
    full = truth_links(thread, truth) if truth else None
    out = []
    # as infer_edges: the cue-less model when the thread has no explicit edge at all
    structured = any(e.explicit for c in comments for e in c.parents)
    known = predict(hide_cues(thread, with_edges=True), model=model if structured else cueless)
    for p, q in zip(predict(hide_cues(thread), model=cueless), known):
        i = p.index
        out.append(Scored(
            thread=name or thread.url or thread.title,
            number=comments[i].number,
            confidence=p.confidence,
            target=p.target,
            explicit=frozenset(gold.get(i, ())),
            truth=None if full is None else full.get(i),
            cued=any(e.explicit for e in comments[i].parents),
            infer_confidence=q.confidence,
            infer_target=q.target,
        ))
    return out


def report(scored: Sequence[Scored], thresholds: Sequence[float] = THRESHOLDS, *, threads: int = 0) -> Report:
    rows = []
    with_truth = [s for s in scored if s.truth is not None]
    for t in thresholds:
        sure = [s for s in scored if s.edge and s.confidence >= t]
        on_explicit = [s for s in sure if s.explicit]
        hits = sum(1 for s in on_explicit if s.target in s.explicit)
        n_explicit = sum(1 for s in scored if s.explicit)
        inferred = [s for s in scored if not s.cued and s.infer_target is not None and s.infer_confidence >= t]
        row = {
            "threshold": t,
            "explicit": _prf(hits, len(on_explicit), n_explicit),
            "elsewhere": len(inferred),
        }
        if with_truth:
            every = [s for s in sure if s.truth is not None]
            row["truth"] = _prf(sum(1 for s in every if s.target in s.truth), len(every),
                                sum(1 for s in with_truth if s.truth))
            uncued = [s for s in inferred if s.truth is not None]
            row["uncued"] = _prf(sum(1 for s in uncued if s.infer_target in s.truth), len(uncued),
                                 sum(1 for s in with_truth if s.truth and not s.cued))
        rows.append(row)
    return Report(threads=threads, comments=len(scored), rows=rows)


def _prf(hits: int, made: int, wanted: int) -> dict:
    return {
        "edges": made,
        "correct": hits,
        "precision": round(hits / made, 4) if made else None,
        "recall": round(hits / wanted, 4) if wanted else None,
        "of": wanted,
    }


__all__ = ["THRESHOLDS", "Report", "Scored", "report", "score_thread", "truth_for", "truth_links"]
