"""mailarchive-text: copied text of mailing-list archive pages ('From:', 'Date:', 'Subject:' header blocks)."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from email.utils import getaddresses, parsedate_to_datetime

from ..errors import InputError
from ..model import ReplyEdge, Thread
from ..sanitize import normalize_space
from .base import Document
from .copied_common import find_date, lines_of
from .copied_reader import (
    Item,
    build_thread,
    cannot_tell,
    sort_and_number,
    strip_noise,
    text_doc,
)
from .mbox import SOURCE as MBOX

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
        text = text_doc(doc)
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
                raise cannot_tell(doc, self.name, "'From:'/'Date:'")
            raise InputError(f"{doc.name}: mailarchive-text: no 'From:' / 'Date:' message headers found")
        items: list[Item] = []
        by_msgid: dict[str, Item] = {}
        bounds = [b[0] for b in blocks[1:]] + [len(lines)]
        for (start, end, fields), nxt in zip(blocks, bounds):
            body = strip_noise(lines[end:nxt], _MAIL_NOISE)
            created_at, tz = _mail_date(fields.get("date") or fields.get("sent", ""))
            ids = _MSGID.findall(fields.get("message-id", ""))
            it = Item(author=_mail_author(fields["from"]), lines=body, created_at=created_at,
                      created_raw=fields.get("date") or fields.get("sent", ""), tz=tz, mail=True,
                      native_id=ids[0] if ids else None, extra={"subject": fields.get("subject", "")})
            self._parent(it, fields, items, by_msgid)
            if it.native_id:
                by_msgid.setdefault(it.native_id, it)
            items.append(it)
        title = _RE_PREFIX.sub("", items[0].extra["subject"]).strip() if items else ""
        return _build_mail(doc, self.name, items, title)

    @staticmethod
    def _parent(it: Item, fields: dict[str, str], earlier: list[Item], by_msgid: dict[str, Item]) -> None:
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


def _build_mail(doc: Document, name: str, items: list[Item], title: str) -> Thread:
    items = sort_and_number(items)
    for n, it in enumerate(items, 1):
        it.extra["n"] = n
    for it in items:
        if "parent" in it.extra:
            target, how, conf, ev = it.extra["parent"]
            it.parents.append(ReplyEdge(str(target.extra["n"]), how, conf, ev))
    return build_thread(doc, name, items, title=title, sort=False)


SOURCE = MailArchiveTextSource()
