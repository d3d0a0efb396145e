"""wordpress-text: copied text of a WordPress comment list ('NAME says:', a date line, the comment, 'Reply')."""

from __future__ import annotations

import re

from ..errors import InputError
from ..model import Thread
from ..sanitize import normalize_space
from .base import Document
from .copied_common import find_date, lines_of
from .copied_reader import MAX_NAME, Item, build_thread, cannot_tell, date_line, first_title, strip_noise, text_doc

_WP_HEADER = re.compile(rf"^\s*(?P<name>\S.{{0,{MAX_NAME}}}?)\s+says:\s*$")
_WP_HEADER_ON = re.compile(rf"^\s*(?P<name>\S.{{0,{MAX_NAME}}}?)\s+on\s+(?P<date>.{{6,60}}?)\s+said:\s*$")
_WP_REPLY = re.compile(r"^(?:Reply|Reply ↓|↓ Reply|Reply to .{1,100}|Log in to Reply|Login to Reply)$", re.I)
_WP_NOISE = re.compile(r"^(?:Your comment is awaiting moderation\.?|Edit|\(Edit\)|Like|Liked by \d+ (?:person|people)|Loading\.\.\.)$", re.I)
_WP_STOP = re.compile(r"^(?:Leave a Reply|Leave a Comment|Leave a Reply Cancel reply|Cancel reply|Comments are closed\.?|"
                      r"Post navigation|« Older Comments|Older Comments|Newer Comments ».*)$", re.I)
_WP_BYLINE = re.compile(r"^\s*Posted on (?P<date>.{6,40}?) by (?P<name>.{1,80}?)\s*$")
_WP_TITLE = re.compile(r"^\s*(?:\d+|One)\s+(?:thoughts?|responses?|comments?|replies|reply)\s+(?:on|to)\s+[“\"'‘](?P<t>.+?)[”\"'’]\s*$", re.I)


class WordPressTextSource:
    name = "wordpress-text"
    forms = ("copied text of a WordPress comment list: 'NAME says:', a date line such as "
             "'March 3, 2024 at 9:15 pm', the comment, then 'Reply'",)

    def _heads(self, lines: list[str]) -> list[tuple[int, str, tuple | None, int]]:
        """(line index, name, date or None, index of the first body line) for each header."""
        out = []
        for i, line in enumerate(lines):
            m = _WP_HEADER.match(line)
            if m:
                date, start = None, i + 1
                for j in range(i + 1, min(i + 4, len(lines))):
                    if not lines[j].strip():
                        continue
                    date = date_line(lines[j])
                    start = j + 1 if date else i + 1
                    break
                out.append((i, normalize_space(m["name"]), date, start))
                continue
            m = _WP_HEADER_ON.match(line)
            if m and (d := date_line(m["date"])):
                out.append((i, normalize_space(m["name"]), d, i + 1))
        return out

    def detect(self, doc: Document) -> float:
        text = text_doc(doc)
        if text is None:
            return 0.0
        heads = self._heads(lines_of(text))
        return 0.75 if sum(1 for h in heads if h[2]) >= 2 else 0.0

    def parse(self, doc: Document) -> Thread:
        lines = lines_of(doc.text)
        heads = self._heads(lines)
        if not heads:
            raise InputError(f"{doc.name}: wordpress-text: no 'NAME says:' comment headers found")
        good = [h for h in heads if h[2]]
        if not good:
            raise cannot_tell(doc, self.name, "'says:'")
        items = []
        bounds = [h[0] for h in good[1:]] + [len(lines)]
        for (i, name, date, start), end in zip(good, bounds):
            block = lines[start:end]
            for j, line in enumerate(block):
                if _WP_REPLY.match(normalize_space(line)) or _WP_STOP.match(normalize_space(line)):
                    block = block[:j]
                    break
            body = strip_noise(block, _WP_NOISE, _WP_STOP)
            created_at, tz, raw = date
            items.append(Item(author=name, lines=body, created_at=created_at, created_raw=raw, tz=tz))
        title = ""
        for line in lines[: good[0][0]]:
            if m := _WP_TITLE.match(line):
                title = normalize_space(m["t"])
        if not title:
            title = first_title(lines[: good[0][0]])
        author = published = None
        for line in lines[: good[0][0]]:
            if m := _WP_BYLINE.match(line):
                author, published = normalize_space(m["name"]), find_date(m["date"])
                published = published.created_at if published else None
                break
        return build_thread(doc, self.name, items, title=title, author=author, published_at=published)


SOURCE = WordPressTextSource()
