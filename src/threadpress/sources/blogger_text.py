"""blogger-text: copied text of a Blogger comment list ('NAME said...', the comment, a date line)."""

from __future__ import annotations

import re

from ..errors import InputError
from ..model import Thread
from ..sanitize import normalize_space
from .base import Document
from .copied_common import lines_of
from .copied_reader import MAX_NAME, Item, build_thread, cannot_tell, date_line, first_title, strip_noise, text_doc

_BLOGGER_HEADER = re.compile(rf"^\s*(?P<name>\S.{{0,{MAX_NAME}}}?)\s+said(?:\.\.\.|…|\s*:)\s*$")
_BLOGGER_NOISE = re.compile(r"^(?:Reply|Delete|Replies|Reply Delete|Load more\.\.\.)$", re.I)
_BLOGGER_STOP = re.compile(
    r"^(?:Post a Comment|Newer Post|Older Post|Home|Subscribe to:.*|Add comment|Load more\.\.\.)$", re.I)
_BLOGGER_BYLINE = re.compile(r"^\s*Posted by (?P<name>.{1,80}?) at \d{1,2}:\d{2}\s*(?:[AaPp][Mm])?\s*$")
_BLOGGER_COUNT = re.compile(r"^\d+\s+comments?\s*:?\s*$", re.I)


def _blogger_status(text: str) -> str:
    low = text.lower()
    if "this comment has been removed by the author" in low:
        return "deleted"
    if "this comment has been removed by a blog administrator" in low or "removed by a blog admin" in low:
        return "removed"
    return "ok"


class BloggerTextSource:
    name = "blogger-text"
    forms = ("copied text of a Blogger comment list: 'NAME said...', the comment, then a date line "
             "such as 'January 14, 2009 at 11:07 AM'",)

    def detect(self, doc: Document) -> float:
        text = text_doc(doc)
        if text is None:
            return 0.0
        lines = lines_of(text)
        heads = [i for i, line in enumerate(lines) if _BLOGGER_HEADER.match(line)]
        if len(heads) < 2:
            return 0.0
        dated = sum(1 for i in heads[:50] if any(date_line(x) for x in lines[i + 1:i + 60]))
        return 0.75 if dated >= 2 else 0.0

    def parse(self, doc: Document) -> Thread:
        lines = lines_of(doc.text)
        heads = [(i, m) for i, line in enumerate(lines) if (m := _BLOGGER_HEADER.match(line))]
        if not heads:
            raise InputError(f"{doc.name}: blogger-text: no 'NAME said...' comment headers found")
        items: list[Item] = []
        bounds = [i for i, _ in heads] + [len(lines)]
        well_formed = 0
        for (i, m), end in zip(heads, bounds[1:]):
            block = lines[i + 1:end]
            date_at = None
            for j in range(len(block) - 1, -1, -1):
                if date_line(block[j]):
                    date_at = j
                    break
            created_at, tz, raw = (None, "unknown", "")
            if date_at is not None:
                well_formed += 1
                created_at, tz, raw = date_line(block[date_at])  # type: ignore[misc]
                block = block[:date_at]
            body = strip_noise(block, _BLOGGER_NOISE, _BLOGGER_STOP)
            status = _blogger_status(" ".join(body))
            items.append(Item(author=normalize_space(m["name"]), lines=body, created_at=created_at,
                              created_raw=raw, tz=tz, status=status))
        if not well_formed:
            raise cannot_tell(doc, self.name, "'said...'")
        title = first_title(lines[: heads[0][0]], skip=_BLOGGER_COUNT)
        author = next((normalize_space(m["name"]) for line in lines[: heads[0][0]]
                       if (m := _BLOGGER_BYLINE.match(line))), None)
        return build_thread(doc, self.name, items, title=title, author=author)


SOURCE = BloggerTextSource()
