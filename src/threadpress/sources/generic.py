"""The fallback for HTML comment pages of an engine we do not know.

It looks for repeated blocks: elements with the same tag and class signature, three or more of them,
each holding an author-like element, a date-like string and a body. Candidate groups are scored by
how many members have all three, how alike their inner structure is and how much text they hold; the
best group becomes the comments. Blocks nested inside blocks (or in a replies container right after
a block) give parents (how="nesting", confidence below 1: the structure is guessed, not documented).

thread.meta records {"generic": True, "confidence": 0..1, "selector": ...}: the confidence reflects
how regular the structure was. detect() never returns more than 0.2, so any specific source wins.
"""

from __future__ import annotations

import copy
import html as htmllib
import math
import re
from urllib.parse import urljoin
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

import lxml.html
from lxml import etree

from ..errors import InputError
from ..model import Comment, ReplyEdge, Thread, stable_id
from ..sanitize import clean_html, html_to_text, normalize_space
from ..times import from_iso
from .base import Document
from .copied_common import RELATIVE, find_date

_DROP = {"script", "style", "noscript", "template", "svg", "head", "iframe", "form", "select", "button",
         "input", "textarea", "object", "embed", "canvas", "math"}
_BLOCKS = {"div", "li", "article", "section", "tr", "dd", "aside", "table", "details"}
#: Class tokens that say something about a block's state, not its kind; dropped from signatures.
_STATE = re.compile(r"\d|^(?:odd|even|alt|first|last|thread-\w+|bypostauthor|byuser|parent|has-children|"
                    r"highlighted|new|unread|collapsed|expanded|active|selected|is-\w+|op|mod|admin|"
                    r"deleted|removed|hidden|visible|js-\w+)$", re.I)
_AUTHOR_CLASS = re.compile(r"(?:^|[-_])(?:author|user(?:name)?|nick(?:name)?|poster|commenter|byline|fn|"
                           r"name|who|handle|login|member|screen-?name)(?:$|[-_])", re.I)
_DATE_CLASS = re.compile(r"(?:date|time|timestamp|posted|when|ago|published|created|meta)", re.I)
_BODY_CLASS = re.compile(r"(?:body|content|text|message|msg|entry|markdown|md|comment-?copy|post-?text|"
                         r"usertext|bodytext|prose)", re.I)
_CHROME_CLASS = re.compile(r"(?:reply|actions?|toolbar|controls?|vote|share|avatar|footer|permalink|"
                           r"report|flag|like|buttons?|menu|badge|signature-?block)", re.I)
_PROFILE_HREF = re.compile(r"(?:/users?/|/u/|/profile|/members?/|/people/|/author/|/~|[?&]user(?:name|id)?=)", re.I)
_STRIP_AUTHOR = re.compile(r"^(?:by|posted by|from|@)\s*|\s*(?:says|said|wrote|writes)\s*(?::|\.\.\.|…)?\s*$|:\s*$", re.I)
#: Tuning constants (named so they can be explained and changed in one place).
MIN_REPEATS = 3        # a comment list has at least this many blocks
MAX_AUTHOR_CHARS = 60  # longer "names" are sentences
MIN_COVERAGE = 0.5     # share of blocks that must have author, date and body
DETECT_SCORE = 0.2     # never more: any specific source wins


@dataclass
class _Member:
    el: lxml.html.HtmlElement
    index: int
    author: str = ""
    author_el: lxml.html.HtmlElement | None = None
    author_url: str | None = None
    date_el: lxml.html.HtmlElement | None = None
    created_at: datetime | None = None
    created_raw: str = ""
    tz: str = "unknown"
    has_date: bool = False
    body_el: lxml.html.HtmlElement | None = None
    body_text: str = ""
    shape: tuple = ()
    parent: "_Member | None" = None
    parent_how: str = ""


@dataclass
class _Group:
    signature: tuple[str, tuple[str, ...]]
    members: list[_Member] = field(default_factory=list)
    coverage: float = 0.0
    regularity: float = 0.0
    score: float = 0.0
    depth: float = 0.0

    @property
    def selector(self) -> str:
        tag, classes = self.signature
        return tag + "".join("." + c for c in classes)


def _classes(el) -> list[str]:
    return [c for c in (el.get("class") or "").split() if c]


def _signature(el) -> tuple[str, tuple[str, ...]]:
    return el.tag, tuple(sorted({c.lower() for c in _classes(el) if not _STATE.search(c)}))


def _tokens(el) -> str:
    return " ".join(_classes(el) + [el.get("id") or "", el.get("itemprop") or ""]).lower()


def _own_iter(el, members: set):
    """Descendants of `el` (not itself), skipping the subtrees of other group members."""
    stack = list(reversed(list(el)))
    while stack:
        node = stack.pop()
        if not isinstance(node.tag, str):
            continue
        if node in members:
            continue
        yield node
        stack.extend(reversed(list(node)))


def _own_text(el, members: set) -> str:
    parts = [el.text or ""]
    stack = list(reversed(list(el)))
    while stack:
        node = stack.pop()
        if isinstance(node, str) or not isinstance(node.tag, str):
            if isinstance(node, str):
                parts.append(node)
            continue
        if node in members:
            parts.append(node.tail or "")
            continue
        parts.append(node.text or "")
        stack.append(node.tail or "")
        stack.extend(reversed(list(node)))
    return normalize_space(" ".join(p for p in parts if p))


def _text(el) -> str:
    return normalize_space(el.text_content() or "")


def _clean_author(s: str) -> str:
    s = normalize_space(s)
    for _ in range(2):
        s = _STRIP_AUTHOR.sub("", s).strip()
    return s


def _plausible_name(s: str) -> bool:
    return 0 < len(s) <= MAX_AUTHOR_CHARS and any(ch.isalnum() for ch in s) and find_date(s) is None \
        and len(s.split()) <= 6


def _find_author(m: _Member, members: set) -> None:
    nodes = list(_own_iter(m.el, members))
    candidates = []
    for node in nodes:
        toks = _tokens(node)
        if node.get("itemprop") in ("author", "creator") or node.get("rel") == "author" or \
                any(_AUTHOR_CLASS.search(t) for t in toks.split()):
            candidates.append((0, node))
        elif node.tag == "cite":
            candidates.append((1, node))
        elif node.tag == "a" and _PROFILE_HREF.search(node.get("href") or ""):
            candidates.append((2, node))
    for node in nodes[:8]:
        if node.tag in ("b", "strong", "h3", "h4", "h5", "h6"):
            candidates.append((3, node))
    for _, node in sorted(candidates, key=lambda t: t[0]):
        name_node = node
        # an author wrapper holding a link or a name span: prefer the innermost short text
        for inner in node.iter("a", "span", "b", "strong", "cite"):
            if inner is not node and _plausible_name(_clean_author(_text(inner))):
                name_node = inner
                break
        name = _clean_author(_text(name_node))
        if _plausible_name(name):
            m.author, m.author_el = name, node
            link = name_node if name_node.tag == "a" else next(iter(node.iter("a")), None)
            href = link.get("href") if link is not None else None
            if href and href.startswith(("http://", "https://", "/")):
                m.author_url = href
            return


def _find_date(m: _Member, members: set) -> None:
    nodes = list(_own_iter(m.el, members))
    for node in nodes:
        if node.tag == "time" and node.get("datetime"):
            dt, tz = from_iso(node.get("datetime"))
            if dt is not None:
                m.date_el, m.created_at, m.tz, m.created_raw, m.has_date = node, dt, tz, node.get("datetime"), True
                return
    for node in nodes:
        for attr in ("datetime", "data-time", "data-timestamp", "data-date", "title"):
            v = node.get(attr)
            if v and len(v) < 80:
                found = find_date(v)
                if found is not None and found.created_at is not None:
                    m.date_el, m.created_at, m.tz, m.created_raw, m.has_date = node, found.created_at, found.tz, v, True
                    return
    for node in nodes:
        if node is m.author_el:
            continue
        if any(_DATE_CLASS.search(t) for t in _tokens(node).split()):
            t = _text(node)
            found = find_date(t) if len(t) < 120 else None
            if found is not None:
                m.date_el, m.created_at, m.tz, m.created_raw, m.has_date = node, found.created_at, found.tz, found.raw, True
                return
    own = _own_text(m.el, members)[:600]
    found = find_date(own)
    if found is not None:
        m.created_at, m.tz, m.created_raw, m.has_date = found.created_at, found.tz, found.raw, True


def _find_body(m: _Member, members: set) -> None:
    best, best_len = None, 0
    for node in _own_iter(m.el, members):
        if any(_BODY_CLASS.search(t) for t in _classes_lower(node)) and not _contains(node, m.author_el):
            n = len(_own_text(node, members))
            if n > best_len:
                best, best_len = node, n
    if best is not None:
        m.body_el, m.body_text = best, _own_text(best, members)
        return
    own = _own_text(m.el, members)
    for el in (m.author_el, m.date_el):
        if el is not None:
            own = own.replace(_text(el), " ", 1)
    own = normalize_space(re.sub(r"\b(?:reply|share|report|permalink|link)\b", " ", own, flags=re.I))
    m.body_text = own


def _classes_lower(el) -> list[str]:
    return [c.lower() for c in _classes(el)]


def _contains(el, other) -> bool:
    if other is None:
        return False
    node = other
    while node is not None:
        if node is el:
            return True
        node = node.getparent()
    return False


def _shape(m: _Member, members: set) -> tuple:
    """The block's own child structure; replies containers (holding other blocks) do not count."""
    return tuple(_signature(c) for c in m.el if isinstance(c.tag, str) and c not in members
                 and not any(d in members for d in c.iterdescendants()))[:12]


def _link_parents(group: _Group) -> None:
    members = {m.el: m for m in group.members}
    for m in group.members:
        node = m.el.getparent()
        hops = 0
        while node is not None and hops < 40:
            if node in members:
                m.parent, m.parent_how = members[node], "nested inside"
                break
            node = node.getparent()
            hops += 1
        if m.parent is not None:
            continue
        # replies container right after the parent block: <div.c/> <div.replies><div.c/></div>
        node = m.el.getparent()
        for _ in range(4):
            if node is None:
                break
            prev = node.getprevious()
            while prev is not None and not isinstance(prev.tag, str):
                prev = prev.getprevious()
            if prev is not None and prev in members and node not in members:
                m.parent, m.parent_how = members[prev], "in the replies after"
                break
            if node.getparent() is None:
                break
            node = node.getparent()


def _evaluate(sig, els: list) -> _Group:
    g = _Group(sig, [_Member(el, i) for i, el in enumerate(els)])
    member_set = set(els)
    full = 0
    lengths = []
    for m in g.members:
        _find_author(m, member_set)
        _find_date(m, member_set)
        _find_body(m, member_set)
        m.shape = _shape(m, member_set)
        lengths.append(len(m.body_text))
        if m.author and m.has_date and len(m.body_text) >= 2:
            full += 1
    n = len(g.members)
    g.coverage = full / n
    shapes = Counter(m.shape for m in g.members)
    g.regularity = shapes.most_common(1)[0][1] / n
    avg = sum(lengths) / n
    g.depth = sum(sum(1 for _ in m.el.iterancestors()) for m in g.members) / n
    g.score = g.coverage * (0.5 + 0.5 * g.regularity) * math.log2(1 + full) * min(1.0, avg / 40)
    return g


def _root(doc: Document):
    # lxml refuses control characters in text it sets (drop_tree joins tails): remove them up front.
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]", "", doc.text)
    try:
        return lxml.html.document_fromstring(text)
    except ValueError:  # an XML declaration with an encoding in a str
        try:
            return lxml.html.document_fromstring(text.encode("utf-8"))
        except (ValueError, etree.LxmlError) as e:
            raise InputError(f"{doc.name}: cannot parse the HTML page ({e.__class__.__name__})") from None
    except etree.LxmlError as e:
        raise InputError(f"{doc.name}: cannot parse the HTML page ({e.__class__.__name__})") from None


def _candidates(root) -> list[tuple]:
    groups: dict[tuple, list] = defaultdict(list)
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag in _BLOCKS:
            groups[_signature(el)].append(el)
    return [(sig, els) for sig, els in groups.items() if MIN_REPEATS <= len(els) <= 5000]


def _choose(root) -> _Group | None:
    scored = []
    for sig, els in _candidates(root):
        # cheap filter: a comment block holds some text
        if sum(len(e.text_content() or "") for e in els[:50]) < 20 * min(len(els), 50):
            continue
        g = _evaluate(sig, els)
        if g.coverage >= MIN_COVERAGE and g.score > 0:
            scored.append(g)
    if not scored:
        return None
    scored.sort(key=lambda g: (-g.score, g.depth))
    best = scored[0]
    # Prefer a wrapper group that holds the best group's blocks one to one (it carries the nesting).
    changed = True
    while changed:
        changed = False
        inner = {m.el for m in best.members}
        for g in scored:
            if g is best or len(g.members) != len(best.members) or g.score < 0.75 * best.score or g.depth >= best.depth:
                continue
            holders = set()
            for m in best.members:
                node = m.el.getparent()
                while node is not None and node not in {x.el for x in g.members}:
                    node = node.getparent()
                if node is None:
                    break
                holders.add(node)
            else:
                if len(holders) == len(inner):
                    best, changed = g, True
                    break
    return best


def _inner_html(el) -> str:
    parts = [htmllib.escape(el.text or "")]
    for child in el:
        parts.append(lxml.html.tostring(child, encoding="unicode", with_tail=True))
    return "".join(parts)


def _own_iter_members(el, members: set):
    """The outermost group members inside `el` (their subtrees are not entered)."""
    stack = list(el)
    while stack:
        node = stack.pop()
        if not isinstance(node.tag, str):
            continue
        if node in members:
            yield node
            continue
        stack.extend(node)


def _body_html(m: _Member, members: set) -> str:
    target = m.body_el if m.body_el is not None else m.el
    marks = []
    for other in _own_iter_members(target, members):
        other.set("data-tp-drop", "1")
        marks.append(other)
    if m.body_el is None:
        for el in (m.author_el, m.date_el):
            if el is not None and _contains(target, el) and el is not target:
                el.set("data-tp-drop", "1")
                marks.append(el)
        for node in _own_iter(target, members):
            if node.tag == "img" or any(_CHROME_CLASS.search(t) for t in _classes_lower(node)):
                node.set("data-tp-drop", "1")
                marks.append(node)
    try:
        clone = copy.deepcopy(target)
    finally:
        for el in marks:
            el.attrib.pop("data-tp-drop", None)
    for el in list(clone.iter()):
        if isinstance(el.tag, str) and el.get("data-tp-drop") and el is not clone:
            el.drop_tree()
    return clean_html(_inner_html(clone))


def _title(root) -> str:
    for xp in ('//meta[@property="og:title"]/@content', "//title/text()", "//h1"):
        found = root.xpath(xp)
        if found:
            v = found[0]
            s = normalize_space(v if isinstance(v, str) else v.text_content())
            if s:
                return s[:300]
    return ""


class GenericSource:
    name = "generic"
    forms = ("HTML comment pages of an unknown engine (fallback): repeated blocks with an author, "
             "a date and a body; nesting gives parents",)

    def detect(self, doc: Document) -> float:
        try:
            if not doc.is_html:
                return 0.0
            text = doc.text[:2_000_000]
        except InputError:
            return 0.0
        classes = Counter(tok for m in re.finditer(r"""class\s*=\s*["']([^"']{1,200})["']""", text)
                          for tok in set(m.group(1).lower().split()))
        repeated = [c for c, n in classes.items() if n >= MIN_REPEATS]
        if not repeated:
            return 0.0
        plain = re.sub(r"<[^>]+>", " ", text)
        dates = sum(1 for _ in zip(range(MIN_REPEATS), _DATEISH.finditer(plain))) + text.count("<time")
        if dates < MIN_REPEATS:
            return 0.0
        commentish = any(re.search(r"comment|reply|post|message|entry|review|answer|note", c) for c in repeated)
        return DETECT_SCORE if commentish else DETECT_SCORE / 2

    def parse(self, doc: Document) -> Thread:
        if not doc.is_html:
            raise InputError(f"{doc.name}: generic: not an HTML page")
        root = _root(doc)
        title = _title(root)
        for el in list(root.iter(etree.Comment, etree.ProcessingInstruction)):
            parent = el.getparent()
            if parent is not None:
                el.drop_tree() if hasattr(el, "drop_tree") else parent.remove(el)
        for el in list(root.iter(*_DROP)):
            if el.getparent() is not None:
                el.drop_tree()
        group = _choose(root)
        if group is None:
            raise InputError(f"{doc.name}: no comments found in this HTML page "
                             "(no repeated blocks with an author, a date and a text)")
        _link_parents(group)
        member_set = {m.el for m in group.members}
        confidence = round(group.coverage * (0.5 + 0.5 * group.regularity) *
                           (0.7 + 0.3 * min(1.0, len(group.members) / 5)), 2)
        edge_conf = round(min(0.9, 0.5 + 0.4 * confidence), 2)
        kept = [m for m in group.members if m.author or m.body_text]
        if kept and all(m.created_at is not None for m in kept):
            kept.sort(key=lambda m: m.created_at)  # posting order; stable for equal times
        ids: dict[int, str] = {}
        used: set[str] = set()
        for n, m in enumerate(kept, 1):
            native = (m.el.get("id") or "").strip()
            cid = native if native and native not in used and not native.isdigit() else str(n)
            if cid in used:
                cid = f"{n}"
            used.add(cid)
            ids[id(m)] = cid
        comments = []
        for n, m in enumerate(kept, 1):
            html = _body_html(m, member_set)
            parents = []
            if m.parent is not None and id(m.parent) in ids:
                parents.append(ReplyEdge(ids[id(m.parent)], "nesting", edge_conf,
                                         f"{m.parent_how} {group.selector}"))
            native = m.el.get("id")
            text = html_to_text(html)
            status = _STATUS.get(text.strip().lower(), "ok")
            author_url = urljoin(doc.url, m.author_url) if doc.url and m.author_url else m.author_url
            comments.append(Comment(
                id=ids[id(m)], number=n, author=m.author, author_url=author_url, status=status,
                created_at=m.created_at, created_raw=m.created_raw, tz=m.tz if m.created_at else "unknown",
                html=html, text=text, format="html", parents=parents,
                permalink=f"{doc.url.split('#')[0]}#{native}" if doc.url and native else None,
            ))
        key = doc.url or f"{title}\0{comments[0].author}\0{comments[0].text[:200]}"
        return Thread(id="generic:" + stable_id(key), source="generic", url=doc.url, title=title,
                      comments=comments,
                      meta={"generic": True, "confidence": confidence, "selector": group.selector})


_STATUS = {"[deleted]": "deleted", "[removed]": "removed", "this comment has been deleted.": "deleted",
           "this comment was deleted.": "deleted", "comment deleted": "deleted", "[spam]": "spam"}
_DATEISH = re.compile(
    r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}\.\d{1,2}\.\d{4}\b|\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}\b|"
    r"\b\d{1,2}\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b|"
    + RELATIVE.pattern, re.I)

SOURCE = GenericSource()
