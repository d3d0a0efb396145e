"""The fictional Moon of Alabama example (examples/moa/) and its generator.

(a) the generator reproduces the committed files byte for byte;
(b) truth.json agrees with thread.html, thread.txt and the page files.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from datetime import datetime
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GENERATOR = ROOT / "examples" / "generate_moa.py"
MOA = ROOT / "examples" / "moa"
NBSP = "\u00a0"
FORMS = ("address", "stale-address", "number", "mention", "quote", "implicit")
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


@pytest.fixture(scope="module")
def truth() -> dict:
    return json.loads((MOA / "truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def text() -> str:
    return (MOA / "thread.txt").read_text(encoding="utf-8")


def stamp(iso: str) -> str:
    t = datetime.strptime(iso, "%Y-%m-%dT%H:%M:%SZ")
    return f"{MONTHS[t.month - 1]} {t.day} {t.year} {t:%H:%M} utc"


def footer(c: dict) -> str:
    return f"Posted by: {c['author']} | {stamp(c['created_at'])} | {c['number']}"


def plain(s: str) -> str:
    return s.replace(NBSP, " ")


def comment_texts(text: str, truth: dict) -> dict[int, str]:
    """Split thread.txt at the comment footers: number -> the comment's copied text."""
    t = plain(text)
    start = t.index("\nComments\n\n") + len("\nComments\n\n")
    out = {}
    for c in truth["comments"]:
        f = "\n\n" + footer(c) + "\n"
        end = t.index(f, start)
        out[c["number"]] = t[start:end]
        start = end + len(f) + 1
    return out


class CommentText(HTMLParser):
    """Per div.comment-content: paragraphs as a browser copy gives them (<br> = newline)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.comments: list[list[str]] = []
        self.ids: list[str] = []
        self.footers: list[str] = []
        self.depth = 0          # div depth inside the current comment-content
        self.para: list[str] | None = None
        self.in_footer = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "div" and a.get("class") == "comment":
            self.ids.append(a["id"].removeprefix("comment-"))
        if tag == "div" and a.get("class") == "comment-content":
            self.depth = 1
            self.comments.append([])
        elif tag == "div" and self.depth:
            self.depth += 1
        elif tag == "p" and self.depth:
            self.para = []
        elif tag == "br" and self.para is not None:
            self.para.append("\n")
        elif tag == "p" and a.get("class") == "comment-footer":
            self.in_footer = True
            self.footers.append("")

    def handle_endtag(self, tag):
        if tag == "div" and self.depth:
            self.depth -= 1
        elif tag == "p" and self.para is not None:
            self.comments[-1].append(re.sub(r"\n[ \t]+", "\n", "".join(self.para)))
            self.para = None
        elif tag == "p" and self.in_footer:
            self.in_footer = False

    def handle_data(self, data):
        if self.para is not None:
            self.para.append(re.sub(r"[ \t\r\n]+", " ", data))
        elif self.in_footer:
            self.footers[-1] += data


def parse(path: Path) -> CommentText:
    p = CommentText()
    p.feed(path.read_text(encoding="utf-8"))
    return p


# ------------------------------------------------------------------------------------ (a)

def test_generator_reproduces_committed_files(tmp_path):
    run = subprocess.run([sys.executable, str(GENERATOR), "--out", str(tmp_path)],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    committed = sorted(p.relative_to(MOA) for p in MOA.rglob("*") if p.is_file())
    generated = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert generated == committed
    for rel in generated:
        assert (tmp_path / rel).read_bytes() == (MOA / rel).read_bytes(), f"{rel} differs; regenerate"


# ------------------------------------------------------------------------------------ (b)

def test_size_authors_and_order(truth):
    comments = truth["comments"]
    assert len(comments) >= 170
    assert [c["number"] for c in comments] == list(range(1, len(comments) + 1))
    assert len({c["author"] for c in comments}) >= 22
    assert [c["created_at"] for c in comments] == sorted(c["created_at"] for c in comments)
    assert len({c["id"] for c in comments}) == len(comments)
    assert all(re.fullmatch(r"[0-9a-f]{34}", c["id"]) for c in comments)
    names = {c["author"] for c in comments}
    for name in ("Rowan Ashgrove", "Hale, Marguerite", "Dr. Kettle-Black", "O'Rourke", "Jürgen Weiß",
                 "Łukasz", "José Ramírez", "Nils Åberg", "Mina_77", "b"):
        assert name in names
    assert 12 <= sum(c["author"] == "Rowan Ashgrove" for c in comments) <= 15
    days = {stamp(c["created_at"]).split()[1] for c in comments}
    assert "1" in days                        # a single-digit day of month occurs


def test_edges(truth):
    comments = {c["number"]: c for c in truth["comments"]}
    counts = Counter(e["form"] for e in truth["edges"])
    for form in FORMS:
        assert counts[form] >= 3, counts
    assert set(counts) <= set(FORMS)
    for e in truth["edges"]:
        assert e["target"] < e["source"], e
        assert comments[e["target"]]["created_at"] <= comments[e["source"]]["created_at"]
        assert e["explicit"] == (e["form"] != "implicit")
    per_source = Counter(e["source"] for e in truth["edges"])
    assert sum(1 for n in per_source.values() if n >= 2) >= 3          # several targets in one comment
    rowan = {n for n, c in comments.items() if c["author"] == "Rowan Ashgrove"}
    answered_by = {comments[e["source"]]["author"] for e in truth["edges"] if e["target"] in rowan}
    answers_to = {comments[e["target"]]["author"] for e in truth["edges"] if e["source"] in rowan}
    assert len(answered_by - {"Rowan Ashgrove"}) >= 4 and len(answers_to) >= 4


def test_cues_are_in_the_text(truth, text):
    comments = {c["number"]: c for c in truth["comments"]}
    texts = comment_texts(text, truth)
    for e in truth["edges"]:
        src, tgt = texts[e["source"]], texts[e["target"]]
        ev = plain(e["evidence"])
        if e["form"] in ("address", "stale-address"):
            name, when, num = (x.strip() for x in ev.split("|"))
            assert ev in src
            assert name == comments[e["target"]]["author"]
            assert when.replace(" UTC", " utc") == stamp(comments[e["target"]]["created_at"])
            assert (int(num) == e["target"]) == (e["form"] == "address"), e
        elif e["form"] == "number":
            assert ev in src and re.search(r"\d+$", ev).group() == str(e["target"])
        elif e["form"] == "mention":
            name = ev[1:]
            assert ev in src
            earlier = [n for n, c in comments.items() if c["author"] == name and n < e["source"]]
            assert max(earlier) == e["target"]
        elif e["form"] == "quote":
            assert len(ev.split()) >= 8
            assert ev in src and ev in tgt
            assert sum(texts[n].count(ev) for n in texts if n < e["source"]) == 1
            assert footer(comments[e["target"]]) in src     # the copied "Posted by:" line


def test_distractors_and_deleted(truth, text):
    texts = comment_texts(text, truth)
    kinds = Counter(d["text"] for d in truth["distractors"])
    assert kinds["@b"] >= 3 and kinds["Thanks b"] >= 3
    assert any("@example." in k for k in kinds)
    edge_sources = {e["source"] for e in truth["edges"]}
    for d in truth["distractors"]:
        assert d["text"] in texts[d["number"]]
        assert d["number"] not in edge_sources
    assert "Posted by b on" not in "".join(texts.values())
    n = len(truth["comments"])
    assert len(truth["deleted"]) == 3
    assert all(d["old_number"] <= n // 2 for d in truth["deleted"])
    assert not {d["author"] for d in truth["deleted"]} & {c["author"] for c in truth["comments"]}


def test_footers_in_order_in_text(truth, text):
    t = plain(text)
    pos = 0
    for c in truth["comments"]:
        pos = t.index("\n" + footer(c) + "\n", pos) + 1
    assert t.startswith(truth["title"] + "\n")
    assert "\nPosted by b on December 31, 2025 at " in t
    assert t.rstrip().splitlines()[-1].split(" on ", 1)[1]


def test_html_matches_truth_and_text(truth, text):
    page = parse(MOA / "thread.html")
    assert page.ids == [c["id"] for c in truth["comments"]]
    assert [plain(re.sub(r"\s+", " ", f)).strip() for f in page.footers] == [footer(c) for c in truth["comments"]]
    texts = comment_texts(text, truth)
    for c, paras in zip(truth["comments"], page.comments):
        assert plain("\n\n".join(paras)) == texts[c["number"]], c["number"]
    html = (MOA / "thread.html").read_text(encoding="utf-8")
    assert "&nbsp;" in html and NBSP in text
    for url in re.findall(r'href="(https?://[^"]+)"', html):
        host = url.split("/")[2]
        assert host in ("www.moonofalabama.org", "example.org", "example.com"), url


def test_pages_hold_all_comments(truth):
    pages = sorted((MOA / "pages").glob("page-*.html"), key=lambda p: int(p.stem.split("-")[1]))
    assert len(pages) >= 2
    ids, numbers = [], []
    for k, path in enumerate(pages, 1):
        parsed = parse(path)
        assert 0 < len(parsed.ids) <= 100
        ids += parsed.ids
        numbers += [int(unescape(f).replace(NBSP, " ").rsplit("|", 1)[1]) for f in parsed.footers]
        html = path.read_text(encoding="utf-8")
        assert truth["title"] in html and 'class="entry-body"' in html     # every page repeats the post
        assert ('rel="next"' in html) == (k < len(pages))
        assert ('rel="prev"' in html) == (k > 1)
    assert ids == [c["id"] for c in truth["comments"]]
    assert numbers == list(range(1, len(truth["comments"]) + 1))


# ------------------------------------------------------------------------------------ word echoes

@pytest.fixture(scope="module")
def gen():
    """examples/generate_moa.py as a module (registered: its dataclasses look themselves up)."""
    import importlib.util
    name = "generate_moa_for_test"
    spec = importlib.util.spec_from_file_location(name, GENERATOR)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    try:
        spec.loader.exec_module(mod)
        yield mod
    finally:
        sys.modules.pop(name, None)


def test_word_echoes_leave_the_structure_alone(gen, tmp_path, monkeypatch, truth, text):
    """Echoes come from their own random stream: without them the same comments, authors, times
    and edges come out, and only the texts differ."""
    monkeypatch.setattr(gen, "ECHO_REPLY_P", 0.0)
    monkeypatch.setattr(gen, "ECHO_TOP_P", 0.0)
    bare = gen.generate(tmp_path)

    def shape(t):
        return ([(c["number"], c["author"], c["created_at"]) for c in t["comments"]],
                [(e["source"], e["target"], e["form"]) for e in t["edges"]])

    assert shape(bare) == shape(truth)
    assert (tmp_path / "thread.txt").read_text(encoding="utf-8") != text


def test_replies_echo_a_word_of_their_target(gen, truth, text):
    slot = r"(?P<t>[A-Za-z][A-Za-z'-]*[A-Za-z])"
    pattern = re.compile("|".join(
        re.escape(t).replace(re.escape("{t}"), slot, 1).replace(re.escape("{T}"), slot, 1)
        .replace("(?P<t>", f"(?P<t{k}>") for k, t in enumerate(gen.ECHO_REPLY_T)))
    texts = comment_texts(text, truth)
    targets: dict[int, list[int]] = {}
    for e in truth["edges"]:
        targets.setdefault(e["source"], []).append(e["target"])
    rowan = {c["number"] for c in truth["comments"] if c["author"] == "Rowan Ashgrove"}
    replies = [n for n in targets if n not in rowan]    # his replies are written out whole
    echoed = 0
    for n in replies:
        m = pattern.search(texts[n])
        if not m:
            continue
        echoed += 1
        term = next(v for v in m.groupdict().values() if v)
        assert any(term.lower() in texts[t].lower() for t in targets[n]), (n, term)
    assert 0.35 * len(replies) <= echoed <= 0.65 * len(replies), (echoed, len(replies))
