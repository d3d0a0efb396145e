"""Explicit reply cues hidden from comment text: what the learned model sees when there is no cue.

Threads whose replies our explicit rules found (`explicit.py`) are labelled data for free: the
edges are the labels, and the text with every cue removed is what the model must work from. The
same view is used to evaluate the model on blog threads (`blog_eval.py`).

- `hide_cues(thread)`: one `Message` per readable comment, its text stripped of copied footers
  (`NAME | date | N`), quote references (`Posted by: ...` lines and the quoted paragraph before
  them), `@N`, `#N`, `NAME @N`, `@NAME N`, `@NAME`, and quoted passages found in an earlier comment.
- `gold_links(thread)`: {message position: [antecedent positions]} from the explicit edges.

Positions are indexes into the list of readable (`status == "ok"`) comments, which is also
`Message.index`.
"""

from __future__ import annotations

import re

from ..model import Comment, Thread
from .explicit import (
    ADDRESS,
    MIN_QUOTE_WORDS,
    QUOTED,
    ThreadIndex,
    _passage_key,
    fold,
    number_cues,
)
from .features import Message

#: what is left at the start of a line after a cue is cut out ("@5: Interesting" -> ": Interesting")
_LEAD = re.compile(r"^[ \t\u00a0]*(?:[,:;/&—–\-]+[ \t\u00a0]*)+", re.MULTILINE)


def readable(thread: Thread) -> list[Comment]:
    """The comments the model sees (deleted and hidden ones are left out)."""
    return [c for c in thread.comments if c.status == "ok"]


def hide_cues(thread: Thread, *, with_edges: bool = False) -> list[Message]:
    """The readable comments as model input, with every explicit reply cue removed from the text.

    With `with_edges`, a comment's explicit edges are kept as knowledge: the authors of its explicit
    parents go into `Message.mentions` (as if it named them). That is what inference knows about a
    thread (the explicit rules ran first), and it tells the model who is expected to answer whom;
    leave it off when the explicit edges themselves are what is being predicted."""
    comments = readable(thread)
    by_id = {c.id: c for c in comments}
    index = ThreadIndex(thread)
    pos = {c.id: i for i, c in enumerate(thread.comments)}
    names = _name_pattern(thread)
    out = []
    for k, c in enumerate(comments):
        text = strip_cues(c.text, index, pos[c.id], names)
        named = tuple(dict.fromkeys(by_id[e.target_id].author for e in c.parents
                                    if e.explicit and e.target_id in by_id)) if with_edges else ()
        out.append(Message(index=k, author=c.author, time=c.created_at, text=text, mentions=named))
    return out


def gold_links(thread: Thread) -> dict[int, list[int]]:
    """{position: [antecedent positions]} for the readable comments that have explicit edges."""
    comments = readable(thread)
    at = {c.id: i for i, c in enumerate(comments)}
    gold: dict[int, list[int]] = {}
    for i, c in enumerate(comments):
        targets = [at[e.target_id] for e in c.parents
                   if e.explicit and e.target_id in at and at[e.target_id] < i]
        if targets:
            gold[i] = sorted(set(targets))
    return gold


def strip_cues(text: str, index: ThreadIndex, at: int, names: re.Pattern | None) -> str:
    """`text` (of the comment at thread position `at`) without its explicit reply cues."""
    spans: list[tuple[int, int]] = []
    if "|" in text:
        for m in ADDRESS.finditer(text):
            start = m.start()
            if m["posted"]:
                # the quoted passage: the paragraph just before the reference line
                before = text[:start].rstrip()
                cut = before.rfind("\n\n")
                start = cut + 2 if cut >= 0 else 0
            spans.append((start, m.end()))
    if names is not None and "@" in text:
        for m in names.finditer(text):
            spans.append(m.span())
    for m, _, target in number_cues(index, at, text):
        start = m.start()
        if target.author:  # "NAME @N": the name goes too
            lead = re.search(re.escape(target.author) + r"[ \t,:;]*$", text[max(0, start - len(target.author) - 4):start],
                             re.IGNORECASE)
            if lead:
                start -= len(lead.group(0))
        spans.append((start, m.end()))
    for m in QUOTED.finditer(text) if any(q in text for q in "\"“«") else ():
        key = _passage_key(m.group(1))
        if len(key.split()) >= MIN_QUOTE_WORDS:
            probe = key if len(key) <= 200 else key[:200].rsplit(" ", 1)[0]
            if index.latest_containing(probe, at) is not None:
                spans.append(m.span())
    return _cut(text, spans)


def _name_pattern(thread: Thread) -> re.Pattern | None:
    """`@NAME` and `@NAME N` for every commenter (longest names first), not the host's `@b`."""
    host = fold(thread.author) if thread.author else None
    names = sorted({c.author for c in thread.comments if c.author and fold(c.author) != host}, key=len, reverse=True)
    if not names:
        return None
    alt = "|".join(re.escape(n) for n in names)
    return re.compile(rf"(?<![\w.])@[ \t]?(?:{alt})(?![\w])(?:[ \t]*\d{{1,6}}\b(?!:\d))?", re.IGNORECASE)


def _cut(text: str, spans: list[tuple[int, int]]) -> str:
    if not spans:
        return text
    out, last = [], 0
    for start, end in sorted(spans):
        if end <= last:
            continue
        out.append(text[last:max(start, last)])
        last = end
    out.append(text[last:])
    cleaned = _LEAD.sub("", "".join(out))
    cleaned = re.sub(r"[ \t]{2,}", " ", cleaned)
    cleaned = re.sub(r"[ \t]+([,.;:!?])", r"\1", cleaned)
    cleaned = re.sub(r"\n[ \t]*\n(?:[ \t]*\n)+", "\n\n", cleaned)
    return cleaned.strip()


__all__ = ["gold_links", "hide_cues", "readable", "strip_cues"]
