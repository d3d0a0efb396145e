"""Plain-text Q&A and interview transcripts with speaker labels (formats.md §10).

Each labelled turn ("Question: ...", "Q: ...", "Sergey Lavrov: ...", "MODERATOR: ...") is a comment;
a turn runs over further paragraphs until the next label or a `* * *` separator. A speaker's full
name on first use and a short form later ("Foreign Minister Sergey Lavrov:", "Lavrov:") are one
speaker, named by the shortest form of two or more words after titles are stripped ("Sergey Lavrov").

Each answer gets a parent edge (how="turn", confidence 1.0) to the question it answers: the latest
preceding turn by a questioner ("Question", "Q", "Remark" or a speaker labelled as a journalist,
moderator, host...). An answer with no question before it in its exchange answers the previous
speaker, with lower confidence. Questions have no parent.

Times: the event date from the header (the text before the first turn) for every turn, tz
"assumed"; otherwise none ("unknown"). An offset after a label ("Dmitry Peskov: (09:51)") is kept
in created_raw.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import InputError
from ..model import Comment, ReplyEdge, Thread, stable_id
from ..sanitize import clean_html, html_to_text, normalize_space, text_to_html
from .base import Document
from .copied_common import find_date, is_typepad_text, lines_of, tidy_lines

#: Labels at the start of a line: up to the first colon, then the turn's text.
_LABEL_LINE = re.compile(r"^\s*(?P<label>[^:\n]{1,90}?)\s*:(?:\s+|$)(?P<rest>.*)$")
_OFFSET = re.compile(r"^\((?P<t>\d{1,2}:\d{2}(?::\d{2})?)\)\s*")
_SEPARATOR = re.compile(r"^\s*(?:\*\s*){3,}$|^\s*(?:\*\s*\*\s*\*|-{3,}|_{3,}|~{3,})\s*$")
#: Small words that may sit inside a name or title ("President of Russia Vladimir Putin").
_CONNECTORS = {"of", "the", "and", "for", "de", "da", "del", "der", "van", "von", "la", "le", "al",
               "bin", "ibn", "y", "–", "-", "—", "on", "to"}
#: Anonymous labels and role words that mark a questioner.
_QUESTION_LABELS = {"question", "q", "remark", "comment"}
_ANSWER_LABELS = {"answer": "Answer", "a": "Answer", "reply": "Reply", "response": "Answer"}
_QUESTIONER_ROLES = {"moderator", "journalist", "host", "interviewer", "reporter", "correspondent",
                     "anchor", "audience", "presenter", "chair", "chairman", "chairwoman"}
#: Titles stripped to find a speaker's name ("Foreign Minister Sergey Lavrov" -> "Sergey Lavrov").
_TITLES = {"president", "vice", "prime", "foreign", "defence", "defense", "minister", "secretary",
           "press", "presidential", "deputy", "chief", "chairman", "chairwoman", "ambassador",
           "spokesperson", "spokesman", "spokeswoman", "senator", "governor", "general", "director",
           "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr.", "professor", "prof.", "sir", "state",
           "special", "envoy", "representative", "official", "head", "mayor", "king", "queen", "prince",
           "chancellor", "premier", "commissioner", "executive", "first", "permanent", "acting"}
#: Capitalised words that open ordinary lines, never speaker labels.
_NOT_LABELS = {"note", "notes", "example", "source", "sources", "update", "edit", "ps", "p.s", "warning",
               "link", "links", "url", "http", "https", "tags", "tag", "category", "title", "date", "time",
               "subject", "from", "to", "cc", "re", "summary", "translation", "transcript", "photo", "video",
               "image", "caption", "read more", "see also", "related", "location", "place", "posted by",
               "comments", "important", "tip", "caution", "warning", "disclaimer", "credit", "credits",
               "via", "author", "published", "updated", "share", "tl;dr", "bottom line", "result",
               "step", "labels", "label", "fig", "figure", "table", "chapter", "part", "section", "day", "week", "imo"}
_MAX_CAPS = 5
_END_PUNCT = tuple('.?!"”’)»…]')


@dataclass
class _Turn:
    label: str
    speaker: str = ""
    questioner: bool = False
    offset: str = ""
    lines: list[str] = field(default_factory=list)
    segment: int = 0


def _label_kind(label: str) -> str | None:
    """"question", "answer", "name", or None when `label` is not a speaker label."""
    label = normalize_space(label)
    low = label.lower().rstrip(".")
    if not label or any(ch in label for ch in "|/\\@#=<>[]{}\"“”") or "http" in low or "www." in low:
        return None
    if low in _QUESTION_LABELS or re.fullmatch(r"(?:question|q)\s*\d{0,3}", low) or low.startswith("question ("):
        return "question"
    if low in _ANSWER_LABELS:
        return "answer"
    if low in _NOT_LABELS or low.split()[0] in _NOT_LABELS:
        return None
    words = label.split()
    if len(words) > 9:
        return None
    caps = 0
    for i, w in enumerate(words):
        core = w.strip("(),.'’")
        if not core:
            continue
        if w.lower() in _CONNECTORS:
            if i == 0:
                return None
            continue
        if core.isdigit() and i > 0 and caps:  # "Speaker 1"
            continue
        if re.fullmatch(r"(?:[A-ZА-ЯЁ]\.){1,3}(?:[A-ZА-ЯЁ][\w'’-]+)?", w):  # "A." / "S.Lavrov"
            caps += 1
            continue
        if core[0].isupper() and core[0].isalpha() and not any(ch.isdigit() for ch in core):
            caps += 1
            continue
        return None
    if not 1 <= caps <= _MAX_CAPS:
        return None
    return "name"


def _is_questioner(label: str) -> bool:
    low = label.lower().rstrip(".")
    return _label_kind(label) == "question" or any(w.strip("(),.") in _QUESTIONER_ROLES for w in low.split())


def _name_words(label: str) -> list[str]:
    """The label without leading titles ("President of Russia Vladimir Putin" -> Vladimir Putin)."""
    label = re.sub(r"\s*\([^()]*\)\s*$", "", normalize_space(label)) or label  # "(Harbour Gazette)"
    words = [w.strip(",") for w in label.split()]
    while len(words) > 1:
        w = words[0].lower()
        if w in _TITLES or w in _QUESTIONER_ROLES or w in ("the", "–", "-", "—"):
            words = words[1:]
        elif w == "of" and len(words) > 2:
            words = words[2:]
        else:
            break
    return words


def _scan(text: str) -> tuple[list[str], list[_Turn]]:
    """Header lines (before the first turn) and the turns."""
    lines = lines_of(text)
    header: list[str] = []
    turns: list[_Turn] = []
    segment = 0
    prev = ""  # previous non-blank line, "" after a blank line
    prev_was_label = False
    for line in lines:
        stripped = line.strip()
        if not stripped:
            prev = ""
            if turns:
                turns[-1].lines.append("")
            continue
        if _SEPARATOR.match(stripped):
            segment += 1
            prev = ""
            prev_was_label = False
            continue
        m = _LABEL_LINE.match(stripped)
        at_start = not prev or prev_was_label or prev.endswith(_END_PUNCT)
        kind = _label_kind(m["label"]) if m and at_start else None
        if kind is not None and not m["rest"].strip() and kind == "name" and not m["label"].isupper():
            kind = None  # "Key Points:" alone on a line is a heading, not a speaker
        if m and kind is not None:
            rest = m["rest"].strip()
            offset = ""
            om = _OFFSET.match(rest)
            if om:
                offset, rest = om["t"], rest[om.end():]
            turns.append(_Turn(label=normalize_space(m["label"]), questioner=_is_questioner(m["label"]),
                               offset=offset, lines=[rest] if rest else [], segment=segment))
            prev, prev_was_label = stripped, True
            continue
        if turns:
            turns[-1].lines.append(stripped)
        else:
            header.append(stripped)
        prev, prev_was_label = stripped, False
    return header, turns


def _assign_speakers(turns: list[_Turn]) -> None:
    groups: list[list[str]] = []  # each: the labels of one speaker (name words joined)
    index: list[int] = []
    for t in turns:
        low = t.label.lower().rstrip(".")
        if _label_kind(t.label) == "question":
            t.speaker = "Question" if low.startswith("q") else t.label.capitalize()
            index.append(-1)
            continue
        if low in _ANSWER_LABELS:
            t.speaker = _ANSWER_LABELS[low]
            index.append(-1)
            continue
        words = _name_words(t.label)
        key = [w.lower() for w in words]
        found = -1
        for gi in range(len(groups) - 1, -1, -1):
            for other in groups[gi]:
                ow = other.split()
                n = min(len(ow), len(key))
                if ow[-n:] == key[-n:] and n >= 1:
                    found = gi
                    break
            if found >= 0:
                break
        if found < 0:
            groups.append([])
            found = len(groups) - 1
        groups[found].append(" ".join(key))
        index.append(found)
    for t, gi in zip(turns, index):
        if gi < 0:
            continue
        forms = [_name_words(x.label) for x, g in zip(turns, index) if g == gi]
        multi = [f for f in forms if len(f) >= 2]
        best = min(multi, key=len) if multi else max(forms, key=len)
        name = " ".join(best)
        if name.isupper() and len(name) > 3:
            name = name.title()
        t.speaker = name


class TranscriptSource:
    name = "transcript"
    forms = (
        "Q&A and interview transcripts with speaker labels at line start "
        "('Question:', 'Q:'/'A:', 'Sergey Lavrov:', 'MODERATOR:'); answers reply to the question they follow",
    )

    def detect(self, doc: Document) -> float:
        try:
            if doc.is_html:
                return 0.0
            text = doc.text
        except InputError:
            return 0.0
        if is_typepad_text(text[:200_000]):
            return 0.0
        _, turns = _scan(text[:200_000])
        if len(turns) < 3:
            return 0.0
        labels = {t.label.lower() for t in turns}
        questions = sum(1 for t in turns if t.questioner)
        if len(labels) < 2:
            return 0.0
        if questions and len(turns) - questions:
            return 0.6
        alternations = sum(1 for a, b in zip(turns, turns[1:]) if a.label != b.label)
        return 0.4 if len(turns) >= 4 and alternations >= 3 else 0.0

    def parse(self, doc: Document) -> Thread:
        header, turns = _scan(doc.text)
        if not turns:
            raise InputError(
                f"{doc.name}: no speaker-labelled turns found (lines like 'Question: ...' or 'NAME: ...')"
            )
        _assign_speakers(turns)
        header = [h for h in header if h]
        title = header[0] if header else ""
        created_at, tz, raw = None, "unknown", ""
        for h in header[:8]:
            found = find_date(h)
            if found is not None and found.created_at is not None:
                created_at, tz, raw = found.created_at, "assumed", found.raw
                break
        comments: list[Comment] = []
        question: Comment | None = None
        segment = -1
        for n, t in enumerate(turns, 1):
            body = "\n".join(tidy_lines(t.lines))
            html = clean_html(text_to_html(body))
            c = Comment(
                id=str(n), number=n, author=t.speaker, created_at=created_at,
                created_raw=" ".join(x for x in (raw, t.offset) if x), tz=tz,
                html=html, text=html_to_text(html), format="text",
            )
            if t.segment != segment:
                segment, question = t.segment, None
            if t.questioner:
                question = c
            elif question is not None:
                c.parents.append(ReplyEdge(question.id, "turn", 1.0, f"answers {question.author} (turn {question.number})"))
            else:
                prev = next((p for p in reversed(comments) if p.author != c.author and
                             turns[int(p.id) - 1].segment == t.segment), None)
                if prev is not None:
                    c.parents.append(ReplyEdge(prev.id, "turn", 0.6, f"follows {prev.author} (turn {prev.number})"))
            comments.append(c)
        key = doc.url or f"{title}\0{comments[0].author}\0{comments[0].text[:200]}"
        speakers = list(dict.fromkeys(c.author for c in comments))
        return Thread(
            id="transcript:" + stable_id(key), source="transcript", url=doc.url, title=title,
            comments=comments, published_at=created_at,
            meta={"speakers": speakers, "exchanges": segment + 1},
        )


SOURCE = TranscriptSource()
