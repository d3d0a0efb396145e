"""Mailing-list mbox files (and single RFC 5322 messages), threaded with JWZ (formats.md §9).

Parsed from bytes with the stdlib `email` package and `policy.default`. Each message becomes a
comment (the thread's first message included, as comment 1); the reply edge comes from
`In-Reply-To` / `References` (how="platform"). The thread is the largest in the file unless
`doc.extra["thread"]` names a Message-ID.

Bodies: text/plain, else text/html. Quoted `>` lines and the signature after a `-- ` line are
marked, not lost: the HTML keeps quotes inside <blockquote> and the signature in a paragraph after
an <hr>; the plain `text` drops them (and the "On ..., X wrote:" line that introduces a quote).
"""

from __future__ import annotations

import email
import html as htmllib
import re
from datetime import datetime, timezone
from email import policy
from email.message import EmailMessage
from email.utils import getaddresses, parsedate_to_datetime
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from ..errors import InputError
from ..model import Comment, ReplyEdge, Thread
from ..sanitize import clean_html, html_to_text, normalize_space
from .base import Document
from .copied_common import parse_date
from .jwz import Container, thread as jwz_thread

# "From sender asctime": the envelope line must carry a time and end in a year, so that a body line
# such as "From the changelog: ..." (unescaped in mboxo files) does not start a message.
_ENVELOPE = re.compile(rb"^From \S+[ \t]+[^\n]*\b\d{1,2}:\d{2}(?::\d{2})?\b[^\n]*\b\d{4}[ \t]*$", re.M)
_ENVELOPE_TEXT = re.compile(r"\AFrom \S+[ \t]+[^\n]*\b\d{1,2}:\d{2}(?::\d{2})?\b[^\n]*\b\d{4}[ \t]*\n")
_HEADER_LINE = re.compile(r"^[A-Za-z][A-Za-z0-9-]{0,60}:[ \t]")
_ESCAPED_FROM = re.compile(rb"^>(>*From )", re.M)
_MSGID = re.compile(r"<([^<>\s]{1,400})>")
_PREFIX = re.compile(r"^(?:\s*(?:re|fwd?|aw|sv|vs|antw|wg|tr)\s*(?:\[\d+\])?\s*:\s*|\s*\[[^\]\n]{1,40}\]\s*)+", re.I)
_ATTRIBUTION = re.compile(r"(?:wrote|writes|said|schrieb|a écrit|escribió|написал[а]?)\s*:\s*$", re.I)
_HTML_QUOTES = "blockquote, .gmail_quote, .gmail_attr, .moz-cite-prefix, .moz-signature, .gmail_signature"
_MAX_SIG_LINES = 20
_DIV_OPEN = re.compile(r"<div\b", re.I)
_DIV_CLOSE = re.compile(r"</div\s*>", re.I)
_EMPTY_P = re.compile(r"<p>\s*</p>")


class MboxSource:
    name = "mbox"
    forms = (
        "mbox files (mboxo/mboxrd): messages threaded by Message-ID, In-Reply-To and References (JWZ)",
        "a single RFC 5322 message (.eml)",
    )

    def detect(self, doc: Document) -> float:
        try:
            text = doc.text[:8192].replace("\r\n", "\n")
        except InputError:
            return 0.0
        if _ENVELOPE_TEXT.match(text):
            head = text.split("\n\n", 1)[0].split("\n")[1:]
            if any(re.match(r"(?i)(message-id|from|date|subject|received|return-path):", h) for h in head):
                return 0.95
            return 0.0
        head = text.split("\n\n", 1)[0].split("\n")
        if len(head) < 2 or not all(_HEADER_LINE.match(h) or h[:1] in (" ", "\t") for h in head if h):
            return 0.0
        names = {h.split(":", 1)[0].lower() for h in head if _HEADER_LINE.match(h)}
        if "message-id" in names and names & {"from", "date"}:
            return 0.85
        return 0.0

    def parse(self, doc: Document) -> Thread:
        doc.text  # empty and binary input fail here, with their own message
        messages = _split(doc)
        if not messages:
            raise InputError(f"{doc.name}: no mail messages found (expected an mbox file or an RFC 5322 message)")
        records = []
        for i, msg in enumerate(messages):
            records.append(_record(doc, msg, i))
        if not any(r["headers"] for r in records):
            raise InputError(f"{doc.name}: no mail headers found (expected an mbox file or an RFC 5322 message)")
        roots = jwz_thread((r["id"], r["chain"], r) for r in records)
        root = _choose(doc, roots)
        return _build(doc, root, roots, len(records))


def _split(doc: Document) -> list[EmailMessage]:
    data = doc.data.replace(b"\r\n", b"\n")
    starts = [m.start() for m in _ENVELOPE.finditer(data)]
    if starts and data[: starts[0]].strip():
        starts = []  # text before the first envelope: not an mbox
    chunks: list[bytes] = []
    if starts:
        for a, b in zip(starts, starts[1:] + [len(data)]):
            chunk = data[a:b]
            nl = chunk.find(b"\n")
            chunk = chunk[nl + 1:] if nl >= 0 else b""
            chunks.append(_ESCAPED_FROM.sub(rb"\1", chunk))
    else:
        chunks.append(data.lstrip())
    out = []
    for chunk in chunks:
        if not chunk.strip():
            continue
        try:
            out.append(email.message_from_bytes(chunk, policy=policy.default))
        except Exception:  # noqa: BLE001 - hostile input; the stdlib parser is lenient but not total
            continue
    return out


def _header(msg: EmailMessage, name: str) -> str:
    """A header as text; falls back to the raw value when policy.default cannot parse it."""
    try:
        value = msg.get(name)
        return normalize_space(str(value)) if value is not None else ""
    except Exception:  # noqa: BLE001 - malformed headers raise assorted errors in the stdlib
        for k, v in msg.raw_items():
            if k.lower() == name.lower():
                return normalize_space(str(v))
        return ""


def _ids(value: str) -> list[str]:
    return [m for m in _MSGID.findall(value)]


def _record(doc: Document, msg: EmailMessage, index: int) -> dict[str, Any]:
    mids = _ids(_header(msg, "Message-ID"))
    mid = mids[0] if mids else f"no-id-{index + 1}"
    refs = _ids(_header(msg, "References"))
    irt = _ids(_header(msg, "In-Reply-To"))
    chain = [r for r in refs if r != mid]
    if irt and irt[0] != mid and (not chain or chain[-1] != irt[0]):
        if irt[0] in chain:
            chain.remove(irt[0])
        chain.append(irt[0])
    author, address = _author(_header(msg, "From"))
    date_raw = _header(msg, "Date")
    created_at, tz = _date(date_raw)
    subject = _header(msg, "Subject")
    html, text, fmt = _body(msg)
    try:
        keys = list(msg.keys())
    except Exception:  # noqa: BLE001
        keys = []
    return {
        "id": mid, "chain": chain, "irt": irt, "author": author, "address": address,
        "created_at": created_at, "created_raw": date_raw, "tz": tz, "subject": subject,
        "html": html, "text": text, "format": fmt, "index": index, "headers": bool(keys),
    }


def _author(value: str) -> tuple[str, str | None]:
    if not value:
        return "", None
    try:
        pairs = getaddresses([value])
    except Exception:  # noqa: BLE001
        pairs = []
    name, addr = pairs[0] if pairs else ("", "")
    name = normalize_space(name.strip('"\''))
    addr = addr.strip()
    if not name and not addr:
        return normalize_space(value), None
    return (name or addr), (addr.lower() or None)


def _date(raw: str) -> tuple[datetime | None, str]:
    if not raw:
        return None, "unknown"
    try:
        dt = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError, OverflowError):
        dt = None
    if dt is None:
        return parse_date(raw)
    if dt.tzinfo is None:  # "-0000": the time is UTC, the sender's zone unknown
        return dt.replace(tzinfo=timezone.utc), "naive_utc"
    try:
        return dt.astimezone(timezone.utc), "explicit"
    except (OverflowError, ValueError):
        return None, "unknown"


def _body(msg: EmailMessage) -> tuple[str, str, str]:
    """(clean html, text without quotes and signature, format) from text/plain, else text/html."""
    try:
        part = msg.get_body(preferencelist=("plain", "html"))
    except Exception:  # noqa: BLE001
        part = None
    if part is None:
        try:
            if msg.get_content_maintype() == "text" or not msg.is_multipart():
                part = msg
        except Exception:  # noqa: BLE001
            part = None
    if part is None:
        return "", "", "mime"
    content = _content(part)
    try:
        subtype = part.get_content_subtype()
    except Exception:  # noqa: BLE001
        subtype = "plain"
    if subtype == "html":
        return html_mail(content)
    html, text = mail_text_to_html(content)
    return html, text, "mime"


def _content(part: EmailMessage) -> str:
    try:
        content = part.get_content()
        if isinstance(content, str):
            return content
        if isinstance(content, bytes):
            return content.decode("utf-8", "replace")
    except Exception:  # noqa: BLE001 - unknown charsets, bad transfer encodings
        pass
    try:
        payload = part.get_payload(decode=True)
    except Exception:  # noqa: BLE001
        payload = None
    if isinstance(payload, bytes):
        return payload.decode("utf-8", "replace")
    raw = part.get_payload()
    return raw if isinstance(raw, str) else ""


def html_mail(content: str) -> tuple[str, str, str]:
    """An HTML mail part: cleaned whole; the text leaves out blockquotes and known quote wrappers."""
    content = _DIV_OPEN.sub("<p", _DIV_CLOSE.sub("</p>", content))
    tree = LexborHTMLParser(content)
    node = tree.body or tree.root
    inner = node.html if node is not None else ""
    if node is not None and node.tag == "body":
        inner = "".join(c.html or "" for c in node.iter(include_text=True))
    html = _EMPTY_P.sub("", clean_html(inner or ""))
    for n in tree.css(_HTML_QUOTES):
        n.decompose()
    node = tree.body or tree.root
    own = ""
    if node is not None:
        own = "".join(c.html or "" for c in node.iter(include_text=True)) if node.tag == "body" else node.html or ""
    text = _drop_signature(html_to_text(clean_html(own)))
    html = html.replace("<p>-- </p>", "<hr>").replace("<p>--</p>", "<hr>")
    return html, text, "mime"


def _drop_signature(text: str) -> str:
    lines = text.split("\n")
    for i in range(len(lines) - 1, max(-1, len(lines) - _MAX_SIG_LINES - 2), -1):
        if lines[i].strip() == "--":
            return "\n".join(lines[:i]).strip()
    return text


def mail_text_to_html(body: str) -> tuple[str, str]:
    """A plain-text mail body as (clean html with quotes and signature marked, text without them)."""
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    sig: list[str] = []
    for i in range(len(lines) - 1, max(-1, len(lines) - _MAX_SIG_LINES - 2), -1):
        if lines[i].rstrip() in ("--", "-- ") and not lines[i].startswith(">"):
            sig = [s.rstrip() for s in lines[i + 1:]]
            lines = lines[:i]
            break
    lines = [line.rstrip() for line in lines]
    blocks = _blocks(lines)
    parts = [_render(blocks)]
    if any(s.strip() for s in sig):
        parts.append("<hr>" + _paragraphs([s for s in sig]))
    html = clean_html("\n".join(p for p in parts if p))
    own = clean_html(_render([b for b in blocks if b[0] == "text"]))
    return html, html_to_text(own)


def _blocks(lines: list[str]) -> list[tuple[str, list[str]]]:
    """Runs of ("text" | "quote" | "attribution", lines)."""
    blocks: list[tuple[str, list[str]]] = []
    for line in lines:
        kind = "quote" if line.startswith(">") else "text"
        if blocks and blocks[-1][0] == kind:
            blocks[-1][1].append(line)
        else:
            blocks.append((kind, [line]))
    # The "On DATE, NAME wrote:" line before a quote is part of the quotation.
    out: list[tuple[str, list[str]]] = []
    for i, (kind, ls) in enumerate(blocks):
        nxt = blocks[i + 1][0] if i + 1 < len(blocks) else None
        if kind == "text" and nxt == "quote":
            j = len(ls) - 1
            while j >= 0 and not ls[j].strip():
                j -= 1
            if j >= 0 and _ATTRIBUTION.search(ls[j]):
                k = j
                # a wrapped attribution ("On Tue, Jan 2, 2024 at 10:15 AM Alice\n<a@x> wrote:")
                if k > 0 and ls[k - 1].strip() and ls[k - 1].lstrip().lower().startswith(("on ", "am ", "le ", "el ")):
                    k -= 1
                if ls[:k]:
                    out.append(("text", ls[:k]))
                out.append(("attribution", ls[k:]))
                continue
        out.append((kind, ls))
    return out


def _render(blocks: list[tuple[str, list[str]]]) -> str:
    out = []
    for kind, ls in blocks:
        if kind == "quote":
            inner = [re.sub(r"^> ?", "", line) for line in ls]
            out.append("<blockquote>" + _render(_blocks(inner)) + "</blockquote>")
        else:
            out.append(_paragraphs(ls))
    return "\n".join(x for x in out if x)


def _paragraphs(lines: list[str]) -> str:
    paras: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            paras[-1].append(line.strip())
        elif paras[-1]:
            paras.append([])
    return "\n".join("<p>" + "<br>".join(htmllib.escape(x) for x in p) + "</p>" for p in paras if p)


def _choose(doc: Document, roots: list[Container]) -> Container:
    if not roots:
        raise InputError(f"{doc.name}: no mail messages found")
    wanted = str(doc.extra.get("thread") or "").strip().strip("<>")
    if wanted:
        for r in roots:
            if any(c.id == wanted for c in r.walk()):
                return r
        raise InputError(f"{doc.name}: no message with Message-ID <{wanted}> in this mbox")
    best = roots[0]
    for r in roots[1:]:
        if r.size() > best.size():
            best = r
    return best


def _build(doc: Document, root: Container, roots: list[Container], total: int) -> Thread:
    comments: list[Comment] = []
    missing = 0
    for c in root.walk():
        if c.empty:
            missing += 1
            continue
        r = c.message
        parents = []
        p = c.parent
        if p is not None and not p.empty:
            if c.skipped:
                edge = ReplyEdge(p.id, "platform", 0.9, f"References (via missing <{c.skipped[0]}>)")
            else:
                edge = ReplyEdge(p.id, "platform", 1.0, "In-Reply-To" if p.id in r["irt"] else "References")
            parents.append(edge)
        missing += len(c.skipped)
        comments.append(Comment(
            id=c.id, number=None, author=r["author"], author_id=r["address"],
            created_at=r["created_at"], created_raw=r["created_raw"], tz=r["tz"],
            html=r["html"], text=r["text"], format=r["format"], parents=parents,
        ))
    far = datetime.max.replace(tzinfo=timezone.utc)
    index = {c.id: c.message["index"] for c in root.walk() if not c.empty}
    comments.sort(key=lambda cm: (cm.created_at or far, index[cm.id]))
    for n, cm in enumerate(comments, 1):
        cm.number = n
    if not comments:
        raise InputError(f"{doc.name}: no mail messages found")
    first = root.message if not root.empty else next(c.message for c in root.walk() if not c.empty)
    title = _PREFIX.sub("", first["subject"]).strip() or first["subject"]
    meta: dict[str, Any] = {"messages": total, "threads": len(roots)}
    if missing:
        meta["missing"] = missing
    return Thread(
        id=f"mbox:{root.id}", source="mbox", url=doc.url, title=title, comments=comments,
        author=first["author"] or None, published_at=first["created_at"], meta=meta,
    )


SOURCE = MboxSource()
