"""Reply cues written into comment text (design §5, steps 2-4).

- address: a copy of the target's footer, `NAME | Mon D YYYY HH:MM utc | N` (trailing —, –, --, :)
- number:  `@N`, `#N`, `NAME @N`, `@NAME N`
- mention: `@NAME` (that author's latest earlier comment)
- quote:   a passage followed by the target's `Posted by:` line, a blockquote or a long quotation
           found in an earlier comment

Each finder returns Candidate edges; `find_edges` merges them per target.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

from ..model import HOWS, Comment, ReplyEdge, Thread
from ..sanitize import html_to_text, normalize_space
from ..sources.footer import MOA_DATE
from ..times import from_moa

ADDRESS = re.compile(
    rf"^[ \t\u00a0]*(?P<posted>Posted\s+by:\s*)?(?P<name>[^|\n]{{1,80}}?)[ \t\u00a0]*\|[ \t\u00a0]*"
    rf"(?P<date>{MOA_DATE})[ \t\u00a0]*\|[ \t\u00a0]*(?P<n>\d{{1,6}})\b[ \t\u00a0]*(?P<tail>—|–|--|-|:)?[ \t\u00a0]*",
    re.I | re.M,
)
AT_NUMBER = re.compile(r"(?<![\w@])@[ \t]?(?P<n>\d{1,6})\b(?!:\d)")
HASH_NUMBER = re.compile(r"(?<![\w&#/])#(?P<n>\d{1,6})\b(?![\d,.]\d)")
_ARTICLE_BEFORE = re.compile(r"\b(?:the|a|an|our|my|their|his|her|its|your|no\.?)\s*$", re.I)
QUOTED = re.compile(r"[“\"«]([^“”\"«»\n]{30,600})[”\"»]")
BLOCKQUOTE = re.compile(r"<blockquote\b[^>]*>(.*?)</blockquote>", re.S | re.I)
MIN_QUOTE_WORDS = 6


@dataclass(slots=True)
class Candidate:
    target: Comment
    how: str
    confidence: float
    evidence: str
    pos: int  # where in the text the cue starts (edges are listed in reading order)


def fold(s: str) -> str:
    """Case- and accent-insensitive key for names and quoted passages."""
    s = unicodedata.normalize("NFKC", s).casefold()
    return normalize_space(s)


#: Punctuation that passage matching ignores (mapped to spaces; str.translate runs in C).
_PUNCT = str.maketrans({ch: " " for ch in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~“”‘’«»…—–·"})


def _passage_key(s: str) -> str:
    """Words of a passage, case-folded, without punctuation: what quoting keeps intact."""
    return " ".join(unicodedata.normalize("NFKC", s).casefold().translate(_PUNCT).split())


class ThreadIndex:
    """Look-ups over one thread, built once per resolution."""

    def __init__(self, thread: Thread):
        self.thread = thread
        self.comments = thread.comments
        self.pos = {c.id: i for i, c in enumerate(self.comments)}
        self.by_number = thread.by_number()
        self.host = fold(thread.author) if thread.author else None
        self.authors: dict[str, list[int]] = {}
        for i, c in enumerate(self.comments):
            if c.author:
                self.authors.setdefault(fold(c.author), []).append(i)
        # Longest names first, so "@Rowan Ashgrove" is not read as "@Rowan".
        self.names = sorted(self.authors, key=len, reverse=True)
        self._own_keys: dict[int, str] = {}
        self._corpus: str | None = None
        self._starts: list[int] = []

    def earlier(self, number: int | None, at: int) -> Comment | None:
        if number is None:
            return None
        c = self.by_number.get(number)
        if c is not None and self.pos[c.id] < at:
            return c
        return None

    def latest_by(self, name_key: str, at: int) -> Comment | None:
        best = None
        for i in self.authors.get(name_key, ()):
            if i < at:
                best = self.comments[i]
        return best

    def own_key(self, i: int) -> str:
        """A comment's own words (its blockquotes removed), folded for passage search."""
        if i not in self._own_keys:
            c = self.comments[i]
            quoted = c.format == "html" and "<blockquote" in c.html
            text = html_to_text(BLOCKQUOTE.sub(" ", c.html)) if quoted else c.text
            self._own_keys[i] = _passage_key(text)
        return self._own_keys[i]

    def latest_containing(self, probe: str, before: int) -> int | None:
        """The position of the latest comment before `before` whose own words contain `probe`.

        One search over all comments' keys joined together, instead of one per comment.
        """
        if self._corpus is None:
            keys, pos = [], 0
            for i in range(len(self.comments)):
                self._starts.append(pos)
                key = self.own_key(i)
                keys.append(key)
                pos += len(key) + 1
            self._corpus = "\n".join(keys)
        limit = self._starts[before] if before < len(self._starts) else len(self._corpus)
        hit = self._corpus.rfind(probe, 0, limit)
        while hit >= 0:
            i = bisect_right(self._starts, hit) - 1
            if hit + len(probe) <= self._starts[i] + len(self.own_key(i)):
                return i
            hit = self._corpus.rfind(probe, 0, hit)
        return None


def find_edges(index: ThreadIndex, at: int) -> tuple[list[ReplyEdge], list[tuple[int, int]]]:
    """Edges for comment number `at` (0-based position), and the spans of reply headers in its text."""
    comment = index.comments[at]
    text = comment.text
    found: list[Candidate] = []
    headers: list[tuple[int, int]] = []
    links = {fold(c["text"]): c["target"] for c in comment.cues if c.get("kind") == "link"}

    for m in ADDRESS.finditer(text) if "|" in text else ():
        cand = _address(index, at, m, links)
        if cand:
            found.append(cand)
            if not m["posted"]:
                headers.append((m.start(), m.end()))
    found += _numbers(index, at, text)
    found += _mentions(index, at, text)
    found += _quotes(index, at, comment, text, {c.target.id for c in found if c.how == "quote"})
    return _merge(found, comment), headers


def _address(index: ThreadIndex, at: int, m: re.Match, links: dict[str, str]) -> Candidate | None:
    name = normalize_space(m["name"])
    if len(name) > 60 or not name:
        return None
    number = int(m["n"])
    when, _ = from_moa(m["date"])
    key = fold(name)
    line = normalize_space(m.group(0))
    how = "quote" if m["posted"] else "address"
    linked = links.get(fold(line.rstrip("—–-: ")))
    if linked and linked in index.pos and index.pos[linked] < at:
        target = index.comments[index.pos[linked]]
        return Candidate(target, how, 1.0, f"{line} (link to #{linked})", m.start())
    by_num = index.earlier(number, at)
    same = [index.comments[i] for i in index.authors.get(key, ()) if i < at]
    name_time = [c for c in same if c.created_at == when]

    def agrees(c: Comment) -> bool:
        return fold(c.author) == key and c.created_at == when

    if by_num and agrees(by_num):
        target, conf, why = by_num, 1.0, "number, name and time agree"
    elif name_time:
        target, conf, why = name_time[-1], 0.95, f"number {number} is stale; name and time match"
    elif by_num and fold(by_num.author) == key:
        target, conf, why = by_num, 0.9, "name and number agree; time differs"
    elif same and when is not None:
        target = min(same, key=lambda c: abs((c.created_at or when) - when))
        if abs((target.created_at or when) - when).total_seconds() > 3600:
            return None
        conf, why = 0.75, "name matches; nearest time"
    elif by_num:
        target, conf, why = by_num, 0.6, "number only; name and time do not match"
    else:
        return None
    if how == "quote":
        passage = _passage_before(index.comments[at].text, m.start())
        found_in = bool(passage) and passage in _passage_key(target.text)
        conf = min(conf, 1.0 if found_in else 0.9)
        why += "; quoted passage found" if found_in else ""
    return Candidate(target, how, conf, f"{line} ({why})", m.start())


def _passage_before(text: str, pos: int) -> str:
    """The paragraph just before a quoted `Posted by:` line."""
    before = text[:pos].rstrip()
    para = before.rsplit("\n\n", 1)[-1]
    key = _passage_key(para)
    return key if len(key.split()) >= 3 else ""


_NUMBER_CONFIDENCE = {"@": 0.9, "#": 0.85}


def number_cues(index: ThreadIndex, at: int, text: str) -> Iterator[tuple[re.Match, str, Comment]]:
    """Each `@N` / `#N` in `text` (of the comment at position `at`) that names an earlier comment:
    (the match, "@" or "#", that comment). "#1 priority" after an article is no cue."""
    for rx, label in ((AT_NUMBER, "@"), (HASH_NUMBER, "#")):
        if label not in text:
            continue
        for m in rx.finditer(text):
            if label == "#" and _ARTICLE_BEFORE.search(text[max(0, m.start() - 12):m.start()]):
                continue
            target = index.earlier(int(m["n"]), at)
            if target is not None:
                yield m, label, target


def _numbers(index: ThreadIndex, at: int, text: str) -> list[Candidate]:
    out = []
    for m, label, target in number_cues(index, at, text):
        before = fold(text[max(0, m.start() - 80):m.start()]).rstrip(" ,:;")
        conf = _NUMBER_CONFIDENCE[label]
        ev = f"{label}{m['n']}"
        if fold(target.author) and before.endswith(fold(target.author)):
            conf, ev = 1.0, f"{target.author} {ev}"
        out.append(Candidate(target, "number", conf, ev, m.start()))
    return out


def _mentions(index: ThreadIndex, at: int, text: str) -> list[Candidate]:
    out: list[Candidate] = []
    if "@" not in text:
        return out
    folded = fold(text)
    # fold() keeps length only for most scripts; search the folded text and report folded spans.
    for m in re.finditer(r"(?<![\w.])@", folded):
        rest = folded[m.end():m.end() + 90].lstrip()
        for name in index.names:
            if rest.startswith(name) and (len(rest) == len(name) or not rest[len(name)].isalnum()):
                break
        else:
            continue
        if name == index.host:
            continue  # "@b" addresses the post, not a comment
        tail = rest[len(name):]
        n = re.match(r"\s*(\d{1,6})\b(?!:\d)", tail)
        if n:
            target = index.earlier(int(n.group(1)), at)
            if target is not None and fold(target.author) == name:
                out.append(Candidate(target, "number", 1.0, f"@{target.author} {n.group(1)}", m.start()))
                continue
        target = index.latest_by(name, at)
        if target is not None:
            out.append(Candidate(target, "mention", 0.9, f"@{target.author}", m.start()))
    return out


def _quotes(index: ThreadIndex, at: int, comment: Comment, text: str, done: set[str]) -> list[Candidate]:
    passages: list[tuple[str, int]] = []
    if comment.format == "html" and "<blockquote" in comment.html:
        for m in BLOCKQUOTE.finditer(comment.html):
            passages.append((html_to_text(m.group(1)), -1))
    if "\"" in text or "“" in text or "«" in text:
        for m in QUOTED.finditer(text):
            passages.append((m.group(1), m.start()))
    out = []
    for passage, pos in passages:
        key = _passage_key(passage)
        if len(key.split()) < MIN_QUOTE_WORDS:
            continue
        probe = key if len(key) <= 200 else key[:200].rsplit(" ", 1)[0]
        i = index.latest_containing(probe, at)
        if i is not None:
            target = index.comments[i]
            if target.id not in done:
                shown = passage.strip()[:60]
                out.append(Candidate(target, "quote", 0.85, f"quotes “{shown}…”",
                                     pos if pos >= 0 else text.find(passage[:20])))
                done.add(target.id)
    return out


def _merge(found: list[Candidate], comment: Comment) -> list[ReplyEdge]:
    """One edge per target: the most certain kind, then the highest confidence; reading order."""
    rank = {h: i for i, h in enumerate(HOWS)}
    best: dict[str, Candidate] = {}
    for c in found:
        if c.target.id == comment.id:
            continue
        old = best.get(c.target.id)
        if old is None or (rank[c.how], -c.confidence) < (rank[old.how], -old.confidence):
            if old is not None:
                c.pos = min(c.pos if c.pos >= 0 else old.pos, old.pos if old.pos >= 0 else c.pos)
            best[c.target.id] = c
    ordered = sorted(best.values(), key=lambda c: (c.pos if c.pos >= 0 else 1 << 30))
    return [ReplyEdge(c.target.id, c.how, c.confidence, c.evidence) for c in ordered]


def strip_headers(text: str, spans: list[tuple[int, int]]) -> str:
    """Remove reply-header spans (copied footers) from a comment's text."""
    if not spans:
        return text
    out, last = [], 0
    for start, end in sorted(spans):
        out.append(text[last:start])
        last = end
    out.append(text[last:])
    cleaned = "".join(out)
    cleaned = re.sub(r"[ \t]*\n[ \t]*\n(?:[ \t]*\n)+", "\n\n", cleaned)
    return cleaned.strip()
