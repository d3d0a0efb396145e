"""Readers for COPIED PLAIN TEXT: what a person gets with select-all / copy on a comment page.

Each is its own source: `blogger-text`, `wordpress-text`, `hackernews-text`, `mailarchive-text`,
`wiki-talk`. Detection is conservative: a reader scores only when several comment headers of its
shape are present, and never claims Typepad / Moon of Alabama text (`Posted by: NAME | date | N`
footers: the typepad-text source reads those). When the reader recognises its markers but cannot
tell where comments start, `parse` says so instead of guessing.

Copied text has lost its markup: bodies are plain text (format "text"), parents survive only where
the text itself shows them (wiki-talk ":" indentation, mail "In reply to" lines).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import getaddresses, parsedate_to_datetime
from typing import Any

from ..errors import InputError
from ..model import Comment, ReplyEdge, Thread, stable_id
from ..sanitize import clean_html, html_to_text, normalize_space, text_to_html
from .base import Document
from .copied_common import find_date, is_typepad_text, lines_of, tidy_lines
from .mbox import SOURCE as MBOX, mail_text_to_html

_MAX_NAME = 100


@dataclass
class _Item:
    """One comment as found in the text, before it becomes a Comment."""

    author: str
    lines: list[str]
    created_at: datetime | None = None
    created_raw: str = ""
    tz: str = "unknown"
    status: str = "ok"
    depth: int = 0
    native_id: str | None = None
    mail: bool = False
    parents: list[ReplyEdge] = field(default_factory=list)
    cues: list[dict[str, Any]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


def _text_doc(doc: Document) -> str | None:
    """The document's text when it is plain text that is not Typepad/MoA copied text, else None."""
    try:
        if doc.is_html:
            return None
        text = doc.text
    except InputError:
        return None
    if is_typepad_text(text[:500_000]):
        return None
    return text


def _date_line(line: str) -> tuple[datetime | None, str, str] | None:
    """(created_at, tz, raw) when the whole line is a date (with small UI leftovers), else None."""
    s = normalize_space(line)
    if not s or len(s) > 80:
        return None
    found = find_date(s)
    if found is None or found.created_at is None:
        return None
    rest = (s[: found.start] + " " + s[found.end:]).strip(" |·•-–,")
    rest = re.sub(r"(?i)\b(?:edit|delete|reply|permalink|link|said|at|on)\b|[🗑✎]", "", rest).strip(" |·•-–,")
    if rest:
        return None
    return found.created_at, found.tz, found.raw


def _sort_and_number(items: list[_Item]) -> list[_Item]:
    """Posting order: by time when every comment has one, else as found; stable either way."""
    if items and all(i.created_at is not None for i in items):
        items = sorted(items, key=lambda i: i.created_at)  # type: ignore[arg-type, return-value]
    return items


def _build(doc: Document, name: str, items: list[_Item], *, title: str = "", author: str | None = None,
           published_at: datetime | None = None, meta: dict[str, Any] | None = None,
           sort: bool = True) -> Thread:
    if not items:
        raise InputError(f"{doc.name}: {name}: no comments found")
    if sort:
        items = _sort_and_number(items)
    key_of = {id(it): str(n) for n, it in enumerate(items, 1)}
    comments = []
    for n, it in enumerate(items, 1):
        body = "\n".join(tidy_lines(it.lines))
        if it.mail:
            html, text = mail_text_to_html(body)
        else:
            html = clean_html(text_to_html(body))
            text = html_to_text(html)
        parents = list(it.parents)
        comments.append(Comment(
            id=key_of[id(it)], number=n, author=it.author, created_at=it.created_at,
            created_raw=it.created_raw, tz=it.tz, html=html, text=text, format="text",
            status=it.status, parents=parents, cues=it.cues,
        ))
    first = comments[0]
    key = doc.url or f"{title}\0{first.author}\0{first.created_raw}\0{first.text[:200]}"
    return Thread(id=f"{name}:{stable_id(key)}", source=name, url=doc.url, title=title,
                  comments=comments, author=author, published_at=published_at,
                  meta={"copied_text": True, **(meta or {})})


def _cannot_tell(doc: Document, name: str, marker: str) -> InputError:
    return InputError(f"{doc.name}: {name}: found {marker} headers but cannot tell where comments start")


def _strip_noise(lines: list[str], noise: re.Pattern[str], stop: re.Pattern[str] | None = None) -> list[str]:
    out = []
    for line in lines:
        s = normalize_space(line)
        if stop is not None and stop.match(s):
            break
        if noise.match(s):
            continue
        out.append(line)
    return out


# --------------------------------------------------------------------------------------- Blogger

_BLOGGER_HEADER = re.compile(rf"^\s*(?P<name>\S.{{0,{_MAX_NAME}}}?)\s+said(?:\.\.\.|…|\s*:)\s*$")
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
        text = _text_doc(doc)
        if text is None:
            return 0.0
        lines = lines_of(text)
        heads = [i for i, line in enumerate(lines) if _BLOGGER_HEADER.match(line)]
        if len(heads) < 2:
            return 0.0
        dated = sum(1 for i in heads[:50] if any(_date_line(x) for x in lines[i + 1:i + 60]))
        return 0.75 if dated >= 2 else 0.0

    def parse(self, doc: Document) -> Thread:
        lines = lines_of(doc.text)
        heads = [(i, m) for i, line in enumerate(lines) if (m := _BLOGGER_HEADER.match(line))]
        if not heads:
            raise InputError(f"{doc.name}: blogger-text: no 'NAME said...' comment headers found")
        items: list[_Item] = []
        bounds = [i for i, _ in heads] + [len(lines)]
        well_formed = 0
        for (i, m), end in zip(heads, bounds[1:]):
            block = lines[i + 1:end]
            date_at = None
            for j in range(len(block) - 1, -1, -1):
                if _date_line(block[j]):
                    date_at = j
                    break
            created_at, tz, raw = (None, "unknown", "")
            if date_at is not None:
                well_formed += 1
                created_at, tz, raw = _date_line(block[date_at])  # type: ignore[misc]
                block = block[:date_at]
            body = _strip_noise(block, _BLOGGER_NOISE, _BLOGGER_STOP)
            status = _blogger_status(" ".join(body))
            items.append(_Item(author=normalize_space(m["name"]), lines=body, created_at=created_at,
                               created_raw=raw, tz=tz, status=status))
        if not well_formed:
            raise _cannot_tell(doc, self.name, "'said...'")
        title = _first_title(lines[: heads[0][0]], skip=_BLOGGER_COUNT)
        author = next((normalize_space(m["name"]) for line in lines[: heads[0][0]]
                       if (m := _BLOGGER_BYLINE.match(line))), None)
        return _build(doc, self.name, items, title=title, author=author)


def _first_title(lines: list[str], *, skip: re.Pattern[str] | None = None) -> str:
    for line in lines:
        s = normalize_space(line)
        if s and not (skip and skip.match(s)):
            return s[:300]
    return ""


# ------------------------------------------------------------------------------------- WordPress

_WP_HEADER = re.compile(rf"^\s*(?P<name>\S.{{0,{_MAX_NAME}}}?)\s+says:\s*$")
_WP_HEADER_ON = re.compile(rf"^\s*(?P<name>\S.{{0,{_MAX_NAME}}}?)\s+on\s+(?P<date>.{{6,60}}?)\s+said:\s*$")
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
                    date = _date_line(lines[j])
                    start = j + 1 if date else i + 1
                    break
                out.append((i, normalize_space(m["name"]), date, start))
                continue
            m = _WP_HEADER_ON.match(line)
            if m and (d := _date_line(m["date"])):
                out.append((i, normalize_space(m["name"]), d, i + 1))
        return out

    def detect(self, doc: Document) -> float:
        text = _text_doc(doc)
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
            raise _cannot_tell(doc, self.name, "'says:'")
        items = []
        bounds = [h[0] for h in good[1:]] + [len(lines)]
        for (i, name, date, start), end in zip(good, bounds):
            block = lines[start:end]
            for j, line in enumerate(block):
                if _WP_REPLY.match(normalize_space(line)) or _WP_STOP.match(normalize_space(line)):
                    block = block[:j]
                    break
            body = _strip_noise(block, _WP_NOISE, _WP_STOP)
            created_at, tz, raw = date
            items.append(_Item(author=name, lines=body, created_at=created_at, created_raw=raw, tz=tz))
        title = ""
        for line in lines[: good[0][0]]:
            if m := _WP_TITLE.match(line):
                title = normalize_space(m["t"])
        if not title:
            title = _first_title(lines[: good[0][0]])
        author = published = None
        for line in lines[: good[0][0]]:
            if m := _WP_BYLINE.match(line):
                author, published = normalize_space(m["name"]), find_date(m["date"])
                published = published.created_at if published else None
                break
        return _build(doc, self.name, items, title=title, author=author, published_at=published)


# ----------------------------------------------------------------------------------- Hacker News

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
        text = _text_doc(doc)
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
                raise _cannot_tell(doc, self.name, "'points by'")
            raise InputError(f"{doc.name}: hackernews-text: no 'NAME N hours ago | parent' comment headers found")
        title, author, published, raw_story = "", None, None, ""
        for k, line in enumerate(lines[: heads[0][0]]):
            if m := _HN_STORY.match(line):
                author = m["name"]
                published, _ = _hn_time(m["when"])
                title = _first_title(list(reversed(lines[:k])))
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
            items.append(_Item(author=m["name"], lines=body, created_at=created_at, created_raw=m["when"],
                               tz=tz, status=status, cues=cues))
        # Document order is the page's (ranked) order; relative times cannot sort it.
        meta = {"story_time": raw_story} if raw_story else {}
        return _build(doc, self.name, items, title=title, author=author, published_at=published, meta=meta)


# ---------------------------------------------------------------------------- mail archive pages

_MAIL_FIELD = re.compile(
    r"^\s*(?P<k>From|Date|Subject|To|Cc|Message-ID|Message ID|In-Reply-To|In reply to|References|Reply-To|Sent)\s*:\s*(?P<v>.*)$",
    re.I)
_MAIL_NOISE = re.compile(
    r"^(?:Previous message(?: \(by thread\))?:.*|Next message(?: \(by thread\))?:.*|Messages sorted by:.*|"
    r"\[ date \].*|More information about the .* mailing list|Reply via email to.*|Permalink|"
    r"Reply|Follow-Ups?:.*|References?:.*|Thread view|Attachments?:.*|_{5,}|.*mailing list\s*$)",
    re.I)
_MSGID = re.compile(r"<([^<>\s]{3,300})>")
_RE_PREFIX = re.compile(r"^(?:\s*(?:re|fwd?|aw|sv)\s*:\s*|\s*\[[^\]\n]{1,40}\]\s*)+", re.I)


def _mail_blocks(lines: list[str]) -> list[tuple[int, int, dict[str, str]]]:
    """(first line, line after the block, fields) for each header block with From and Date/Subject."""
    out = []
    i = 0
    while i < len(lines):
        m = _MAIL_FIELD.match(lines[i])
        if not m:
            i += 1
            continue
        j = i
        fields: dict[str, str] = {}
        while j < len(lines) and (mm := _MAIL_FIELD.match(lines[j])):
            key = mm["k"].lower().replace(" ", "-")
            fields.setdefault(key, normalize_space(mm["v"]))
            j += 1
        if "from" in fields and ("date" in fields or "sent" in fields or "subject" in fields):
            out.append((i, j, fields))
        i = j
    return out


def _mail_author(value: str) -> str:
    v = re.sub(r"\s+at\s+", "@", value)
    try:
        pairs = getaddresses([v])
    except Exception:  # noqa: BLE001 - hostile input
        pairs = []
    name, addr = pairs[0] if pairs else ("", "")
    name = normalize_space(name.strip("\"'"))
    if name:
        return name
    if addr:
        return addr.replace("@", " at ")
    return normalize_space(value)


def _mail_date(value: str) -> tuple[datetime | None, str]:
    if not value:
        return None, "unknown"
    try:
        dt = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        dt = None
    if dt is not None:
        if dt.tzinfo is None:
            return dt.replace(tzinfo=timezone.utc), "naive_utc" if "-0000" in value else "assumed"
        return dt.astimezone(timezone.utc), "explicit"
    found = find_date(value)
    if found is not None:
        return found.created_at, found.tz
    return None, "unknown"


class MailArchiveTextSource:
    name = "mailarchive-text"
    forms = ("copied text of mailing-list archive pages: messages with 'From:', 'Date:', 'Subject:' "
             "(and 'In reply to') lines",)

    def detect(self, doc: Document) -> float:
        text = _text_doc(doc)
        if text is None:
            return 0.0
        lines = lines_of(text[:500_000])
        if MBOX.detect(doc) > 0:  # an mbox or a single .eml: the mbox source reads those
            return 0.0
        blocks = _mail_blocks(lines)
        return 0.65 if len(blocks) >= 2 else 0.0

    def parse(self, doc: Document) -> Thread:
        lines = lines_of(doc.text)
        blocks = _mail_blocks(lines)
        if not blocks:
            if any(_MAIL_FIELD.match(line) for line in lines):
                raise _cannot_tell(doc, self.name, "'From:'/'Date:'")
            raise InputError(f"{doc.name}: mailarchive-text: no 'From:' / 'Date:' message headers found")
        items: list[_Item] = []
        by_msgid: dict[str, _Item] = {}
        bounds = [b[0] for b in blocks[1:]] + [len(lines)]
        for (start, end, fields), nxt in zip(blocks, bounds):
            body = _strip_noise(lines[end:nxt], _MAIL_NOISE)
            created_at, tz = _mail_date(fields.get("date") or fields.get("sent", ""))
            ids = _MSGID.findall(fields.get("message-id", ""))
            it = _Item(author=_mail_author(fields["from"]), lines=body, created_at=created_at,
                       created_raw=fields.get("date") or fields.get("sent", ""), tz=tz, mail=True,
                       native_id=ids[0] if ids else None, extra={"subject": fields.get("subject", "")})
            self._parent(it, fields, items, by_msgid)
            if it.native_id:
                by_msgid.setdefault(it.native_id, it)
            items.append(it)
        title = _RE_PREFIX.sub("", items[0].extra["subject"]).strip() if items else ""
        return _build_mail(doc, self.name, items, title)

    @staticmethod
    def _parent(it: _Item, fields: dict[str, str], earlier: list[_Item], by_msgid: dict[str, _Item]) -> None:
        raw = fields.get("in-reply-to", "")
        if not raw:
            return
        ids = _MSGID.findall(raw)
        if ids and ids[-1] in by_msgid:
            it.extra["parent"] = (by_msgid[ids[-1]], "platform", 1.0, "In-Reply-To")
            return
        name = normalize_space(re.split(r"[:,(<]|\s+on\s+", raw, maxsplit=1)[0]).strip("\"'")
        if not name:
            return
        for other in reversed(earlier):
            if other.author.lower() == name.lower():
                it.extra["parent"] = (other, "mention", 0.8, f"In reply to: {raw[:80]}")
                return


def _build_mail(doc: Document, name: str, items: list[_Item], title: str) -> Thread:
    items = _sort_and_number(items)
    for n, it in enumerate(items, 1):
        it.extra["n"] = n
    for it in items:
        if "parent" in it.extra:
            target, how, conf, ev = it.extra["parent"]
            it.parents.append(ReplyEdge(str(target.extra["n"]), how, conf, ev))
    return _build(doc, name, items, title=title, sort=False)


# ------------------------------------------------------------------------------------- wiki talk

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
        text = _text_doc(doc)
        if text is None:
            return 0.0
        if "(UTC)" not in text and "(talk" not in text:
            return 0.0
        n = sum(1 for line in lines_of(text[:500_000]) if "(" in line and _wiki_signature(line))
        return 0.75 if n >= 2 else 0.0

    def parse(self, doc: Document) -> Thread:
        lines = lines_of(doc.text)
        items: list[_Item] = []
        section = ""
        sections: list[str] = []
        pending: list[str] = []
        pending_depth: int | None = None
        stack: list[tuple[int, _Item]] = []  # (depth, item) chain within the section
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
            it = _Item(author=author, lines=pending, created_at=created_at, created_raw=f"{date_raw} ({zone})",
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
        title = sections[0] if sections else _first_title(lines[:3])
        return _build(doc, self.name, items, title=title, sort=False,
                      meta={"sections": sections, "nested": nested})


BLOGGER = BloggerTextSource()
WORDPRESS = WordPressTextSource()
HACKERNEWS = HackerNewsTextSource()
MAILARCHIVE = MailArchiveTextSource()
WIKI_TALK = WikiTalkSource()
SOURCE = BLOGGER  # the module's default; each reader registers under its own name
