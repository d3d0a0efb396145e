"""Pushshift / Arctic Shift Reddit comment dumps: NDJSON, plain or zstd-compressed (formats §5.2).

One JSON object per line (`RC_YYYY-MM.zst`, `<sub>_comments.zst`), no nesting: the tree comes from
`parent_id` (`t1_<id>` a comment, `t3_<id>` the submission) and comments group into threads by
`link_id`. The files use a long zstd window, so decompression allows 2 GiB windows.

Two ways in:

- `SOURCE.parse(doc)`: a small dump held in memory becomes one Thread (the `link_id` with the most
  comments, unless `doc.extra["thread"]` names one).
- `iter_comments(path_or_fileobj)`: a generator of `(thread_id, Comment)` in constant memory for
  million-comment dumps; `build_thread()` turns one thread's comments into a Thread.

Bodies are Markdown (entity-escaped like the API): `text` is the body, `html` a minimal escaped
rendering in paragraphs, `format` is "markdown". The thread id is `reddit:<link id>`, the same as
the `reddit` API source gives, so a thread read from a dump and from the API is one thread.
"""

from __future__ import annotations

import html as htmllib
import io
import os
import re
from collections.abc import Iterable, Iterator
from typing import IO, Any

import orjson
import zstandard

from ..errors import InputError
from ..model import Comment, ReplyEdge, Thread
from ..sanitize import text_to_html
from ..times import from_epoch
from ._shape import as_str, never_raises, sniff
from .base import Document

NAME = "reddit-dump"
BASE = "https://www.reddit.com"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
#: Pushshift files are written with --long=31; the decoder default (2**27) refuses them.
MAX_WINDOW = 2**31
CHUNK = 1 << 20
TOMBSTONES = {"[deleted]": "deleted", "[removed]": "removed"}
_REMOVAL = {"deleted": "deleted", "removed": "removed", "removed by reddit": "removed"}


def _unescape(body: str) -> str:
    """Undo Reddit's `&amp;`/`&lt;`/`&gt;` escaping of Markdown (cheap: most bodies have no `&`)."""
    if "&" not in body:
        return body
    return body.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


_PARA = re.compile(r"\n\s*\n")


def _render(body: str) -> str:
    """Exactly `sanitize.text_to_html(body)`, faster: one escape per body, not one per line."""
    if body.isprintable():  # no line breaks of any kind: one paragraph
        body = body.strip()
        return f"<p>{htmllib.escape(body)}</p>" if body else ""
    return "\n".join(
        "<p>" + "<br>".join(line.strip() for line in p.splitlines()) + "</p>"
        for p in (p.strip() for p in _PARA.split(htmllib.escape(body)))
        if p
    )


def _lines(stream: IO[bytes], name: str) -> Iterator[bytes]:
    """Lines of a plain or zstd stream, read in 1 MiB chunks (UTF-8 is split only at b"\\n")."""
    head = stream.read(4)
    if head == ZSTD_MAGIC:
        dctx = zstandard.ZstdDecompressor(max_window_size=MAX_WINDOW)
        reader: Any = dctx.stream_reader(_Prefixed(head, stream), read_size=CHUNK, read_across_frames=True)
    else:
        reader = _Prefixed(head, stream)
    rest = b""
    try:
        while True:
            chunk = reader.read(CHUNK)
            if not chunk:
                break
            parts = (rest + chunk).split(b"\n")
            rest = parts.pop()
            yield from parts
    except zstandard.ZstdError as exc:
        raise InputError(f"{name}: cannot decompress the zstd data ({exc})") from None
    if rest:
        yield rest


class _Prefixed:
    """A reader that gives back the bytes already taken off the front of `stream` first."""

    def __init__(self, prefix: bytes, stream: IO[bytes]) -> None:
        self.prefix = prefix
        self.stream = stream

    def read(self, n: int = -1) -> bytes:
        if self.prefix:
            out, self.prefix = self.prefix, b""
            if n < 0:
                return out + self.stream.read()
            return out + self.stream.read(max(n - len(out), 0))
        return self.stream.read(n)

    def readable(self) -> bool:
        return True


def _records(lines: Iterable[bytes], name: str, skip_bad: bool) -> Iterator[dict]:
    for lineno, line in enumerate(lines, 1):
        if lineno == 1 and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]
        if not line.strip():
            continue
        try:
            obj = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            if skip_bad:
                continue
            raise InputError(f"{name}: line {lineno} is not valid JSON ({exc})") from None
        if not isinstance(obj, dict):
            if skip_bad:
                continue
            raise InputError(f"{name}: line {lineno} is not a JSON object")
        obj["_line"] = lineno
        yield obj


def _is_submission(obj: dict) -> bool:
    return "parent_id" not in obj and "link_id" not in obj and "title" in obj


def _comment(obj: dict) -> tuple[str, Comment] | None:
    """(thread id, Comment) for one dump record, or None when it is not a usable comment."""
    cid = obj.get("id")
    link = obj.get("link_id")
    if not isinstance(cid, str) or not cid or not isinstance(link, str) or not link:
        return None
    link = link[3:] if link.startswith("t3_") else link
    body = obj.get("body")
    body = _unescape(body) if isinstance(body, str) else ""
    tomb = len(body) < 16 and body.strip() in TOMBSTONES  # skip copying long bodies
    status = TOMBSTONES[body.strip()] if tomb else "ok"
    meta = obj.get("_meta")
    if isinstance(meta, dict) and status == "ok" and isinstance(meta.get("removal_type"), str):
        status = _REMOVAL.get(meta["removal_type"], "ok")
    raw = obj.get("created_utc")
    created, tz = from_epoch(raw)
    parent_id = obj.get("parent_id")
    parents = (
        [ReplyEdge(parent_id[3:], "platform", 1.0, f"reddit:parent_id={parent_id}")]
        if isinstance(parent_id, str) and parent_id.startswith("t1_") and len(parent_id) > 3
        else []
    )
    author = as_str(obj.get("author"))
    permalink = obj.get("permalink")
    if isinstance(permalink, str) and permalink.startswith("/"):
        permalink = BASE + permalink
    else:
        sub = obj.get("subreddit")
        permalink = f"{BASE}/r/{sub}/comments/{link}/_/{cid}/" if isinstance(sub, str) and sub else None
    fullname = obj.get("author_fullname")
    # A body that survived (Arctic Shift `_meta.removal_type` on an archived copy) is kept.
    ok = bool(body) and not tomb
    return f"reddit:{link}", Comment(
        id=cid,
        number=None,
        author=author,
        created_at=created,
        html=_render(body) if ok else "",
        text=body if ok else "",
        created_raw="" if raw is None else str(raw),
        tz=tz,
        permalink=permalink,
        author_id=fullname if isinstance(fullname, str) and fullname else None,
        author_url=f"{BASE}/user/{author}/" if author and author not in TOMBSTONES else None,
        format="markdown",
        status=status,
        parents=parents,
    )


def iter_comments(source: str | os.PathLike | IO[bytes], *, skip_bad: bool = False) -> Iterator[tuple[str, Comment]]:
    """Stream `(thread_id, Comment)` from a dump file (plain or .zst) in constant memory.

    Submission records (RS_ files) and records without `id`/`link_id` are skipped. A line that is not
    JSON raises InputError naming the file and line, unless `skip_bad` is set. Comments come in file
    order with `number=None`; `build_thread` numbers them.
    """
    if isinstance(source, str | os.PathLike):
        name = os.fspath(source)
        try:
            fh: IO[bytes] = open(name, "rb")  # noqa: SIM115 - closed in finally
        except OSError as exc:
            raise InputError(f"{name}: cannot open ({exc.strerror})") from None
        close = True
    else:
        fh, name, close = source, str(getattr(source, "name", "<stream>")), False
    try:
        for obj in _records(_lines(fh, name), name, skip_bad):
            if _is_submission(obj):
                continue
            item = _comment(obj)
            if item is None:
                if skip_bad:
                    continue
                raise InputError(f"{name}: line {obj['_line']} is not a Reddit comment (no id or link_id)")
            yield item
    finally:
        if close:
            fh.close()


def build_thread(
    thread_id: str,
    comments: list[Comment],
    *,
    submission: dict | None = None,
    url: str | None = None,
) -> Thread:
    """One thread's comments, sorted into posting order and numbered 1.., as a Thread."""
    comments.sort(key=lambda c: (c.created_at is None, c.created_at.timestamp() if c.created_at else 0.0))
    for n, c in enumerate(comments, 1):
        c.number = n
    sub = submission or {}
    title = sub.get("title")
    author = sub.get("author")
    permalink = sub.get("permalink")
    published, _ = from_epoch(sub.get("created_utc"))
    body = sub.get("selftext")
    body = _unescape(body) if isinstance(body, str) else ""
    meta: dict[str, Any] = {}
    subreddit = sub.get("subreddit") or next(
        (c.permalink.split("/")[4] for c in comments if c.permalink and c.permalink.count("/") > 5), None
    )
    if isinstance(subreddit, str) and subreddit:
        meta["subreddit"] = subreddit
    if isinstance(permalink, str) and permalink.startswith("/"):
        url = BASE + permalink
    elif url is None and meta.get("subreddit"):
        url = f"{BASE}/r/{meta['subreddit']}/comments/{thread_id.partition(':')[2]}/"
    return Thread(
        id=thread_id,
        source=NAME,
        url=url,
        title=_unescape(title) if isinstance(title, str) else "",
        comments=comments,
        author=author if isinstance(author, str) and author else None,
        published_at=published,
        body_html=text_to_html(body) if body not in ("", "[deleted]", "[removed]") else "",
        meta=meta,
    )


def _wanted(value: Any) -> str | None:
    if not isinstance(value, str) or not value:
        return None
    value = value.removeprefix("reddit:").removeprefix("t3_")
    return f"reddit:{value}"


class RedditDumpSource:
    name = NAME
    forms = (
        "Pushshift / Arctic Shift Reddit comment dump: NDJSON, plain or .zst (RC_YYYY-MM.zst, SUB_comments.zst)",
    )

    @never_raises
    def detect(self, doc: Document) -> float:
        data = doc.data
        if data[:4] == ZSTD_MAGIC:
            dctx = zstandard.ZstdDecompressor(max_window_size=MAX_WINDOW)
            data = dctx.stream_reader(io.BytesIO(data)).read(1 << 16)
        head = sniff(data, 1 << 16)
        if not head.startswith(b"{"):
            return 0.0
        first, nl, _ = head.partition(b"\n")
        if nl:
            obj = orjson.loads(first)
            if isinstance(obj, dict) and ("link_id" in obj and "parent_id" in obj or _is_submission(obj)):
                return 0.95 if "created_utc" in obj else 0.6
            return 0.0
        if b'"link_id"' in first and b'"parent_id"' in first and b'"created_utc"' in first:
            return 0.9
        return 0.0

    def parse(self, doc: Document) -> Thread:
        if not doc.data.strip():
            raise InputError(f"{doc.name}: the input is empty")
        groups: dict[str, list[Comment]] = {}
        submissions: dict[str, dict] = {}
        for obj in _records(_lines(io.BytesIO(doc.data), doc.name), doc.name, False):
            if _is_submission(obj):
                sid = obj.get("id")
                if isinstance(sid, str) and sid:
                    submissions[f"reddit:{sid}"] = obj
                continue
            item = _comment(obj)
            if item is None:
                raise InputError(f"{doc.name}: line {obj['_line']} is not a Reddit comment (no id or link_id)")
            groups.setdefault(item[0], []).append(item[1])
        if not groups:
            raise InputError(f"{doc.name}: no Reddit comments in the dump")
        wanted = _wanted(doc.extra.get("thread"))
        if wanted is not None:
            if wanted not in groups:
                raise InputError(f"{doc.name}: no comments for thread {wanted!r} in the dump")
            thread_id = wanted
        else:
            thread_id = max(groups, key=lambda k: len(groups[k]))  # first seen wins a tie
        thread = build_thread(thread_id, groups[thread_id], submission=submissions.get(thread_id), url=doc.url)
        if len(groups) > 1:
            thread.meta["other_threads"] = {k: len(v) for k, v in groups.items() if k != thread_id}
        return thread


SOURCE = RedditDumpSource()

__all__ = ["SOURCE", "iter_comments", "build_thread"]
