"""hackernews-text: copied text of a Hacker News item page (comment headers 'NAME 3 hours ago | parent')."""

from __future__ import annotations

import re
from datetime import datetime

from ..errors import InputError
from ..model import Thread
from ..sanitize import normalize_space
from .base import Document
from .copied_common import find_date, lines_of
from .copied_reader import Item, build_thread, cannot_tell, first_title, text_doc

_HN_USER = r"(?P<name>[A-Za-z0-9_-]{2,15})"
_HN_WHEN = (r"(?P<when>(?:\d+|an?)\s+(?:second|minute|hour|day|month|year)s?\s+ago|"
            r"on\s+[A-Z][a-z]{2}\s+\d{1,2},\s+\d{4}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?)")
_HN_COMMENT = re.compile(rf"^\s*{_HN_USER}\s+{_HN_WHEN}\s*(?P<tail>(?:\|.*?)?)\s*(?:\[[–\-+]\d*\]|\[\d+ more\])?\s*$")
_HN_STORY = re.compile(rf"^\s*(?P<points>\d+)\s+points?\s+by\s+{_HN_USER}\s+{_HN_WHEN}\s*\|")
_HN_REPLY = re.compile(r"^(?:reply|\[reply\])$", re.I)
_HN_STATUS = {"[deleted]": "deleted", "[flagged]": "removed", "[dead]": "removed", "[removed]": "removed"}
_HN_TAIL_WORDS = {"parent", "next", "prev", "root", "context", "flag", "favorite", "edit", "delete", "vouch", "on:"}


def _hn_time(when: str) -> tuple[datetime | None, str]:
    if when.startswith("on "):
        found = find_date(when[3:])
        if found is not None and found.created_at is not None:
            return found.created_at, found.tz
    return None, "unknown"


class HackerNewsTextSource:
    name = "hackernews-text"
    forms = ("copied text of a Hacker News item page: '123 points by NAME 5 hours ago' and comment headers "
             "'NAME 3 hours ago | parent | next [–]' (indentation is lost, so no parents)",)

    def _heads(self, lines: list[str]) -> list[tuple[int, re.Match]]:
        out = []
        for i, line in enumerate(lines):
            m = _HN_COMMENT.match(line)
            if not m:
                continue
            tail = m["tail"]
            words = {w.strip().lower() for w in tail.split("|") if w.strip()}
            if not (tail and any(w.split()[0] in _HN_TAIL_WORDS for w in words) or "[" in line):
                continue
            out.append((i, m))
        return out

    def detect(self, doc: Document) -> float:
        text = text_doc(doc)
        if text is None:
            return 0.0
        lines = lines_of(text)
        heads = self._heads(lines)
        if len(heads) < 2:
            return 0.0
        story = any(_HN_STORY.match(line) for line in lines[:80])
        return 0.8 if story else 0.7

    def parse(self, doc: Document) -> Thread:
        lines = lines_of(doc.text)
        heads = self._heads(lines)
        if not heads:
            if any(_HN_STORY.match(line) for line in lines):
                raise cannot_tell(doc, self.name, "'points by'")
            raise InputError(f"{doc.name}: hackernews-text: no 'NAME N hours ago | parent' comment headers found")
        title, author, published, raw_story = "", None, None, ""
        for k, line in enumerate(lines[: heads[0][0]]):
            if m := _HN_STORY.match(line):
                author = m["name"]
                published, _ = _hn_time(m["when"])
                title = first_title(list(reversed(lines[:k])))
                raw_story = m["when"]
                break
        items = []
        bounds = [i for i, _ in heads[1:]] + [len(lines)]
        for (i, m), end in zip(heads, bounds):
            block = lines[i + 1:end]
            for j in range(len(block) - 1, -1, -1):
                if _HN_REPLY.match(block[j].strip()):
                    block = block[:j]
                    break
            body = [b for b in block if not _HN_REPLY.match(b.strip())]
            joined = normalize_space(" ".join(body))
            status = _HN_STATUS.get(joined.lower(), "ok")
            created_at, tz = _hn_time(m["when"])
            cues = []
            if "parent" in m["tail"].lower():
                cues.append({"kind": "has_parent", "evidence": "'parent' link in the comment header"})
            items.append(Item(author=m["name"], lines=body, created_at=created_at, created_raw=m["when"],
                              tz=tz, status=status, cues=cues))
        # Document order is the page's (ranked) order; relative times cannot sort it.
        meta = {"story_time": raw_story} if raw_story else {}
        return build_thread(doc, self.name, items, title=title, author=author, published_at=published, meta=meta)


SOURCE = HackerNewsTextSource()
