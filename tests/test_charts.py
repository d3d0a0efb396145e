"""Charts rendered for real: PNG and SVG files of the expected size, not blank, with the expected labels,
deterministic, and with no overlapping labels on a 300-comment thread."""

from __future__ import annotations

import random
import struct
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from io import BytesIO

import pytest
from conftest import EXAMPLE
from matplotlib.text import Text
from PIL import Image

from threadpress.cli import main
from threadpress.cli.analyze import COMMANDS
from threadpress.errors import InputError
from threadpress.load import parse_bytes
from threadpress.model import Comment, ReplyEdge, Thread
from threadpress.plots import KINDS, chart_figure, render_chart

AUTHOR = "Rowan Ashgrove"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def example():
    return parse_bytes((EXAMPLE / "thread.html").read_bytes(), name="thread.html")


def big_thread(n: int = 300, people: int = 70, seed: int = 7) -> Thread:
    """A 300-comment thread: 70 people (some with long names), replies mostly to recent comments."""
    rng = random.Random(seed)
    firsts = ["Aldous", "Nils", "Marguerite", "Tobias", "Ptolemy", "Yusuf", "Brother", "Anaïs", "Łukasz", "José"]
    lasts = ["K", "Åberg", "of the Fens and the Marshes", "al-Haddad", "Kettle-Black", "Ramírez", "Thaddeus", "3"]
    names = [AUTHOR] + [f"{rng.choice(firsts)} {rng.choice(lasts)} {i}" for i in range(people - 1)]
    start = datetime(2025, 12, 30, 8, 0, tzinfo=UTC)
    comments: list[Comment] = []
    when = start
    for i in range(1, n + 1):
        when += timedelta(minutes=rng.randint(1, 25))
        author = AUTHOR if i % 9 == 1 else rng.choice(names[1:])
        html = f"<p>Comment {i} about the talks.</p>"
        if author == AUTHOR and i % 2:
            html = (f"<blockquote><p>Minister Varga said on day {i} that the negotiating position will be "
                    f"revised after number {i}.</p></blockquote>") + html
        c = Comment(id=f"c{i}", number=i, author=author, created_at=when, html=html,
                    text=html.replace("<p>", "").replace("</p>", "\n").replace("<blockquote>", "")
                    .replace("</blockquote>", ""), tz="explicit")
        if i > 1 and rng.random() < 0.7:
            j = max(1, i - rng.randint(1, 12))
            c.parents.append(ReplyEdge(f"c{j}", "address", 1.0, f"#{j}"))
        comments.append(c)
    return Thread(id="typepad:big", source="typepad", url=None,
                  title="A long discussion thread with three hundred comments about the Halvard talks", comments=comments)


# -- helpers ------------------------------------------------------------------------------------------

def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def assert_not_blank(data: bytes) -> None:
    img = Image.open(BytesIO(data)).convert("RGB")
    colors = img.getcolors(maxcolors=1 << 20)
    assert colors is not None and len(colors) > 20  # text, bars, arcs: many colours
    white = max(count for count, rgb in colors if rgb == (255, 255, 255))
    assert white < 0.97 * img.width * img.height  # more than 3% of the pixels are drawn


def svg_texts(data: bytes) -> tuple[ET.Element, list[str]]:
    root = ET.fromstring(data)
    return root, ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def label_overlaps(fig) -> list[tuple[str, str]]:
    """Pairs of visible texts whose rendered boxes intersect, and texts that leave the figure."""
    renderer = fig.canvas.get_renderer()
    fig.draw_without_rendering()
    hidden = set()  # tick labels outside the view limits exist but are not drawn
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            lo, hi = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                if not lo - 1e-9 <= tick.get_loc() <= hi + 1e-9:
                    hidden |= {id(tick.label1), id(tick.label2)}
    boxes = []
    for t in fig.findobj(Text):
        if id(t) in hidden or not t.get_visible() or not t.get_text().strip():
            continue
        box = t.get_window_extent(renderer)
        if box.width > 0:
            boxes.append((t.get_text(), box))
    fig_box = fig.bbox
    bad = [(text, "outside the figure") for text, b in boxes
           if b.x0 < fig_box.x0 - 1 or b.x1 > fig_box.x1 + 1 or b.y0 < fig_box.y0 - 1 or b.y1 > fig_box.y1 + 1]
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            (ta, a), (tb, b) = boxes[i], boxes[j]
            if a.x0 < b.x1 - 0.5 and b.x0 < a.x1 - 0.5 and a.y0 < b.y1 - 0.5 and b.y0 < a.y1 - 0.5:
                bad.append((ta, tb))
    return bad


# -- the example, through the command ------------------------------------------------------------------

@pytest.fixture
def acli(cli, monkeypatch):
    """The CLI with this module's commands (set for the test only, whether or not main registers them)."""
    for command in COMMANDS:
        monkeypatch.setitem(main.commands, command.name, command)
    return cli


@pytest.mark.parametrize("kind", KINDS)
def test_png_charts_of_the_example(acli, tmp_path, kind):
    out = tmp_path / f"{kind}.png"
    r = acli("chart", str(EXAMPLE / "thread.html"), "--kind", kind, "--author", AUTHOR, "-o", str(out), "--json")
    assert r.exit_code == 0, r.output
    import json

    info = json.loads(r.stdout)
    data = out.read_bytes()
    assert png_size(data) == (info["width"], info["height"])
    assert info["width"] == 1000 and 350 <= info["height"] <= 3000
    assert_not_blank(data)


@pytest.mark.parametrize("kind, labels", [
    ("network", ["Who replies to whom", f"{AUTHOR} (14)", "Sable (7)", "Łukasz (8)", f"replies to {AUTHOR}",
                 "Participants, in order of first comment (comments)"]),
    ("engagement", [f"Replies to {AUTHOR}'s comments", "#12  12-31 11:14", "Replies received",
                    f"Comments by {AUTHOR} (number, time UTC)", "quotes an outside source (9, 2.67 replies each)"]),
    ("timeline", ["Comments over time", "Time (UTC)", "Comments per hour", f"{AUTHOR}'s comments",
                  f"replies to {AUTHOR}"]),
])
def test_svg_charts_hold_their_labels(acli, tmp_path, kind, labels):
    out = tmp_path / f"{kind}.svg"
    r = acli("chart", str(EXAMPLE / "thread.html"), "--kind", kind, "--author", AUTHOR, "-o", str(out))
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith(f"{out}: {kind} chart")
    data = out.read_bytes()
    root, texts = svg_texts(data)
    assert root.get("width").endswith("pt") and float(root.get("width")[:-2]) == 720.0
    assert 250 <= float(root.get("height")[:-2]) <= 2200
    joined = "\n".join(texts)
    for label in labels:
        assert label in joined, (label, texts[:40])
    assert len(list(root.iter(f"{SVG}path"))) > 20  # drawn shapes, not just text
    assert b"<dc:date>" not in data


def test_charts_are_deterministic(example, tmp_path):
    for fmt in ("svg", "png"):
        a = render_chart(example, "network", tmp_path / f"a.{fmt}", author=AUTHOR).path.read_bytes()
        b = render_chart(example, "network", tmp_path / f"b.{fmt}", author=AUTHOR).path.read_bytes()
        assert a == b, fmt


def test_network_counts_replies_as_stats_does(example):
    """The arcs drawn are the (replier, target) pairs of the reply edges, widths ordered by count."""
    from matplotlib.patches import FancyArrowPatch

    fig = chart_figure(example, "network", author=AUTHOR)
    arrows = [p for p in fig.axes[0].patches if isinstance(p, FancyArrowPatch)]
    from threadpress.analytics import reply_map

    pairs = {(r.author, example.by_id()[t].author) for t, rs in reply_map(example).items() for r, _ in rs}
    assert len(arrows) == len(pairs)
    highlighted = [a for a in arrows if a.get_edgecolor()[:3] != arrows[0].get_edgecolor()[:3]]
    assert highlighted


# -- readability on a 300-comment thread --------------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS)
def test_no_overlapping_labels_on_a_300_comment_thread(kind):
    thread = big_thread()
    fig = chart_figure(thread, kind, author=AUTHOR)
    assert not label_overlaps(fig)
    texts = {t.get_text() for t in fig.findobj(Text)}
    if kind == "network":
        # The 60 most connected people are named, one row each.
        named = [t for t in texts if t.endswith(")") and "(" in t and not t.startswith("A long")]
        assert len(named) >= 50
    if kind == "engagement":
        assert sum(1 for t in texts if t.startswith("#")) == sum(1 for c in thread.comments if c.author == AUTHOR)


def test_overlap_check_catches_overlaps():
    from matplotlib.figure import Figure

    fig = Figure(figsize=(4, 3))
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.text(0.5, 0.5, "a label here")
    ax.text(0.52, 0.5, "another label")
    assert label_overlaps(fig)


# -- errors ------------------------------------------------------------------------------------------

def test_chart_errors(acli, tmp_path, example):
    r = acli("chart", str(EXAMPLE / "thread.html"), "--kind", "engagement", "-o", str(tmp_path / "x.png"))
    assert r.exit_code == 1 and "needs --author" in r.stderr
    r = acli("chart", str(EXAMPLE / "thread.html"), "--kind", "timeline", "-o", str(tmp_path / "x.gif"))
    assert r.exit_code == 1 and "x.gif: charts are written as .png or .svg" in r.stderr
    r = acli("chart", str(EXAMPLE / "thread.html"), "--kind", "network", "--author", "Nobody", "-o",
             str(tmp_path / "x.png"))
    assert r.exit_code == 1 and "--author 'Nobody'" in r.stderr
    assert not list(tmp_path.glob("x.*"))
    lonely = Thread(id="t", source="typepad", url=None, title="Quiet", comments=[
        Comment(id="1", number=1, author="A", created_at=None, html="<p>x</p>", text="x")])
    with pytest.raises(InputError, match="no comment has a time"):
        chart_figure(lonely, "timeline")
    with pytest.raises(InputError, match="no replies found"):
        chart_figure(lonely, "network")
