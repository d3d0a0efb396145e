"""Build small Moon of Alabama threads in copied-text form for tests."""

from __future__ import annotations

from datetime import datetime, timedelta


def moa_text(comments: list[tuple[str, str]], *, start: datetime = datetime(2025, 12, 29, 14, 0),
             first_number: int = 1, title: str = "Test thread", step_minutes: int = 7) -> str:
    """comments: (author, body) pairs; numbers and times are assigned in order.

    In bodies, {fN} is replaced by comment N's footer address `NAME | Mon D YYYY HH:MM utc | N`,
    {pN} by its whole footer line `Posted by: NAME | ... | N`.
    """
    stamps = []
    for i, (author, _) in enumerate(comments):
        when = start + timedelta(minutes=step_minutes * i)
        n = first_number + i
        stamps.append((n, author, f"{when:%b} {when.day} {when:%Y %H:%M} utc"))
    fmt = {f"f{n}": f"{a} | {s} | {n}" for n, a, s in stamps}
    fmt.update({f"p{n}": f"Posted by: {a} | {s} | {n}" for n, a, s in stamps})
    out = [title, "", "Post.", "", "Posted by b on December 29, 2025 at 12:51 PM | Permalink", "", "Comments", ""]
    for (n, author, stamp), (_, body) in zip(stamps, comments):
        out += [body.format(**fmt), "", f"Posted by: {author} | {stamp} | {n}", ""]
    return "\n".join(out)
