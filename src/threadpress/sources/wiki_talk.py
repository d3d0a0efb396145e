"""wiki-talk: wiki talk pages, wikitext or copied text (signed comments, ':' indentation for nesting)."""

from __future__ import annotations

import re

from ..errors import InputError
from ..model import ReplyEdge, Thread
from ..sanitize import normalize_space
from .base import Document
from .copied_common import find_date, lines_of
from .copied_reader import Item, build_thread, first_title, text_doc

_WIKILINK_USER = re.compile(r"\[\[\s*User\s*:\s*(?P<u>[^|\]/]+)", re.I)
_WIKILINK = re.compile(r"\[\[(?:[^|\]]*\|)?([^\]]*)\]\]")
_WIKI_DATE = r"(?P<date>\d{1,2}:\d{2},\s+\d{1,2}\s+[A-Z][a-z]+\s+\d{4})\s*\((?P<zone>UTC|[A-Z]{2,5})\)"
_WIKI_SIG_TALK = re.compile(
    r"(?P<before>.*?)(?P<name>[^\s(][^()]{0,60}?)\s*\((?:talk|t|talk page)(?:\s*[·|•/]\s*(?:contribs|c|email))*\)\s*"
    + _WIKI_DATE + r"\s*(?:Reply|\[reply\])?\s*$")
_WIKI_SIG_DASH = re.compile(
    r"(?P<before>.*)(?:--|—|–|~)\s*(?P<name>[^\s(][^()]{0,60}?)\s*,?\s+" + _WIKI_DATE + r"\s*(?:Reply|\[reply\])?\s*$")
_WIKI_HEADING = re.compile(r"^\s*(?P<eq>={2,6})\s*(?P<t>.+?)\s*(?P=eq)\s*$")
_WIKI_RENDERED_HEADING = re.compile(r"^(?P<t>\S.{0,120}?)\s*\[(?:edit|edit source)\]\s*$", re.I)
_WIKI_NOISE = re.compile(r"^(?:Reply|\[reply\]|Latest comment:.*|Start a discussion.*|\{\{outdent.*\}\}|"
                         r"\(edit conflict\)|Add topic)$", re.I)


def _wiki_name(before: str, name: str) -> str:
    """The signer's name from the words before '(talk)': trailing capitalised words, else the last word."""
    words = name.split()
    picked: list[str] = []
    for w in reversed(words):
        if len(picked) >= 4 or w.endswith((".", "!", "?", ":", ";")) and picked:
            break
        if w[:1].isupper() or w[:1].isdigit() or not picked:
            picked.insert(0, w)
            if not (w[:1].isupper() or w[:1].isdigit()):
                break
        else:
            break
    return " ".join(picked).strip(" -–—,")


def _wiki_signature(line: str) -> tuple[str, str, str, str] | None:
    """(text before the signature, author, date raw, zone) when `line` ends in a talk-page signature."""
    user = None
    if "[[" in line:
        users = _WIKILINK_USER.findall(line)
        user = normalize_space(users[-1]) if users else None
        line = _WIKILINK.sub(r"\1", line)
    line = normalize_space(line)
    m = _WIKI_SIG_DASH.match(line)
    if m:
        name = user or normalize_space(m["name"])
        return m["before"].strip(), name, m["date"], m["zone"]
    m = _WIKI_SIG_TALK.match(line)
    if m:
        head = (m["before"] + m["name"]).strip()
        name = user or _wiki_name(m["before"], head)
        before = head[: len(head) - len(name)].strip() if head.endswith(name) else m["before"].strip()
        before = re.sub(r"\s*(?:—|--|–)?\s*Preceding unsigned comment added by$", "", before).strip()
        return before.rstrip(" -–—"), name, m["date"], m["zone"]
    return None


class WikiTalkSource:
    name = "wiki-talk"
    forms = ("wiki talk pages (wikitext or copied text): comments ending in signatures such as "
             "'-- NAME 16:46, 15 April 2007 (UTC)' or 'NAME (talk) 16:46, 15 April 2007 (UTC)'; "
             "':' indentation gives the nesting",)

    def detect(self, doc: Document) -> float:
        text = text_doc(doc)
        if text is None:
            return 0.0
        if "(UTC)" not in text and "(talk" not in text:
            return 0.0
        n = sum(1 for line in lines_of(text[:500_000]) if "(" in line and _wiki_signature(line))
        return 0.75 if n >= 2 else 0.0

    def parse(self, doc: Document) -> Thread:
        lines = lines_of(doc.text)
        items: list[Item] = []
        section = ""
        sections: list[str] = []
        pending: list[str] = []
        pending_depth: int | None = None
        stack: list[tuple[int, Item]] = []  # (depth, item) chain within the section
        nested = False
        for line in lines:
            heading = _WIKI_HEADING.match(line) or _WIKI_RENDERED_HEADING.match(line.strip())
            if heading:
                section = normalize_space(heading["t"])
                sections.append(section)
                pending, pending_depth, stack = [], None, []
                continue
            stripped = line.strip()
            if not stripped:
                if pending:
                    pending.append("")
                continue
            m = re.match(r"^([:*#]+)\s*", stripped)
            depth = len(m.group(1)) if m else 0
            content = stripped[m.end():] if m else stripped
            if _WIKI_NOISE.match(content):
                continue
            if pending_depth is None:
                pending_depth = depth
            sig = _wiki_signature(content) if "(" in content else None
            if sig is None:
                pending.append(content)
                continue
            before, author, date_raw, zone = sig
            if before:
                pending.append(before)
            found = find_date(f"{date_raw} ({zone})")
            created_at, tz = (found.created_at, found.tz) if found else (None, "unknown")
            d = pending_depth
            it = Item(author=author, lines=pending, created_at=created_at, created_raw=f"{date_raw} ({zone})",
                      tz=tz, depth=d, extra={"section": section})
            while stack and stack[-1][0] >= d:
                stack.pop()
            if d > 0:
                nested = True
                if stack:
                    it.extra["parent"] = (stack[-1][1], f"indent {d} under {stack[-1][0]}")
            stack.append((d, it))
            items.append(it)
            pending, pending_depth = [], None
        if not items:
            raise InputError(f"{doc.name}: wiki-talk: no signed comments found "
                             "(signatures like 'NAME (talk) 16:46, 15 April 2007 (UTC)')")
        # Number in page order (talk pages interleave replies; time order would break the nesting view).
        for n, it in enumerate(items, 1):
            it.extra["n"] = n
        for it in items:
            if "parent" in it.extra:
                target, ev = it.extra["parent"]
                it.parents.append(ReplyEdge(str(target.extra["n"]), "nesting", 0.9, ev))
        title = sections[0] if sections else first_title(lines[:3])
        return build_thread(doc, self.name, items, title=title, sort=False,
                            meta={"sections": sections, "nested": nested})


SOURCE = WikiTalkSource()
