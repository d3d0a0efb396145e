"""Charts of one thread: comments over time, who replies to whom, replies per comment of an author.

matplotlib with the Agg canvas (no display needed) and no pyplot state: each chart is its own Figure.
Output is deterministic: fixed layout, no random numbers, SVG ids salted with a constant and no date
in the metadata. SVG keeps text as text (`svg.fonttype: none`), so names stay searchable.
Figures grow with the number of rows they show, so labels never have to overlap.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from matplotlib import dates as mdates
from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, Patch
from matplotlib.ticker import MaxNLocator

from .analytics import reply_map, thread_stats
from .digest import DEFAULT_MIN_CONFIDENCE, find_author
from .errors import InputError
from .files import atomic_write
from .model import Thread
from .replies.explicit import fold

KINDS = ("timeline", "network", "engagement")
FORMATS = ("png", "svg")
WIDTH_IN = 10.0
DPI = 100
#: Height of one row (a participant, a comment) in inches: room for a 9-point label.
ROW_IN = 0.24
#: The network shows at most this many people (the most connected; the author always).
MAX_PEOPLE = 60
#: Timeline bins: the smallest that gives at most MAX_BINS bars.
BINS = [timedelta(minutes=m) for m in (5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080, 43200)]
MAX_BINS = 60

AUTHOR_COLOR = "#1f5fa8"
REPLY_COLOR = "#e07b00"
OTHER_COLOR = "#9aa3ad"
STYLE = {
    "svg.hashsalt": "threadpress",
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
}


@dataclass(frozen=True, slots=True)
class Chart:
    path: Path
    format: str
    width: int   # pixels (PNG) or points ×(DPI/72) (SVG): the figure size at DPI
    height: int


def chart_figure(thread: Thread, kind: str, *, author: str | None = None,
                 min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> Figure:
    """The chart as a matplotlib Figure (drawn with the Agg canvas)."""
    if kind not in KINDS:
        raise InputError(f"--kind {kind!r}: not a chart kind (choose from {', '.join(KINDS)})")
    name = find_author(thread, author) if author else None
    with rc_context(STYLE):
        fig = {"timeline": _timeline, "network": _network, "engagement": _engagement}[kind](
            thread, name, min_confidence)
        FigureCanvasAgg(fig)
        return fig


def save_chart(fig: Figure, path: str | Path) -> Chart:
    """Write the figure as PNG or SVG (from the file's extension), atomically."""
    path = Path(path)
    fmt = chart_format(path)
    buf = io.BytesIO()
    with rc_context(STYLE):
        metadata = {"Date": None} if fmt == "svg" else {"Software": "threadpress"}
        fig.savefig(buf, format=fmt, dpi=DPI, metadata=metadata, facecolor="white")
    atomic_write(path, buf.getvalue())
    _umask_mode(path)
    w, h = fig.get_size_inches()
    return Chart(path, fmt, round(w * DPI), round(h * DPI))


def _umask_mode(path: Path) -> None:
    """Give the image the permissions a plainly created file would have (the temp file was 0600)."""
    mask = os.umask(0)
    os.umask(mask)
    try:
        os.chmod(path, 0o666 & ~mask)
    except OSError:
        pass


def chart_format(path: str | Path) -> str:
    fmt = Path(path).suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise InputError(f"{path}: charts are written as .png or .svg")
    return fmt


def render_chart(thread: Thread, kind: str, path: str | Path, *, author: str | None = None,
                 min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> Chart:
    chart_format(path)  # a bad file name fails before any work
    return save_chart(chart_figure(thread, kind, author=author, min_confidence=min_confidence), path)


def _short(title: str, n: int = 70) -> str:
    return title if len(title) <= n else title[: n - 1].rstrip() + "…"


#: Characters of a title line that fit the figure's width at the title's size.
TITLE_CHARS = 88


def _suptitle(fig: Figure, what: str, thread: Thread, note: str = "") -> None:
    """Two lines at the top left: what the chart shows (bold), then the thread's title (and a note)."""
    second = _short(thread.title or thread.id, TITLE_CHARS - len(note)) + note
    fig.suptitle(f"{_short(what, TITLE_CHARS)}\n{second}", x=0.01, ha="left", fontsize=11, linespacing=1.4)


# -- timeline -------------------------------------------------------------------------------------------

def _bin_label(step: timedelta) -> str:
    minutes = int(step.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} minutes"
    if minutes < 1440:
        return "hour" if minutes == 60 else f"{minutes // 60} hours"
    return "day" if minutes == 1440 else ("week" if minutes == 10080 else f"{minutes // 1440} days")


def _timeline(thread: Thread, author: str | None, min_confidence: float) -> Figure:
    timed = [c for c in thread.comments if c.created_at is not None and c.status == "ok"]
    if not timed:
        raise InputError(f"{thread.title or thread.id}: no comment has a time; a timeline needs times")
    start = min(c.created_at for c in timed)
    end = max(c.created_at for c in timed)
    span = end - start
    step = next((b for b in BINS if span / b < MAX_BINS), BINS[-1])
    origin = start.replace(minute=0, second=0, microsecond=0)
    if step >= timedelta(days=1):
        origin = origin.replace(hour=0)
    nbins = int((end - origin) / step) + 1
    key = fold(author) if author else None
    mine = {c.id for c in timed if key and fold(c.author) == key}
    replies = reply_map(thread, min_confidence=min_confidence)
    to_author = {r.id for tid in mine for r, _ in replies.get(tid, [])}
    series = {"author": [0] * nbins, "reply": [0] * nbins, "other": [0] * nbins}
    for c in timed:
        i = int((c.created_at - origin) / step)
        kind = "author" if c.id in mine else ("reply" if c.id in to_author else "other")
        series[kind][i] += 1
    xs = [mdates.date2num(origin + i * step) for i in range(nbins)]
    width = step / timedelta(days=1) * 0.9

    fig = Figure(figsize=(WIDTH_IN, 4.8), layout="constrained")
    ax = fig.add_subplot()
    bottom = [0] * nbins
    layers = [("other", OTHER_COLOR, "other comments" if author else "comments")]
    if author:
        layers += [("reply", REPLY_COLOR, f"replies to {author}"), ("author", AUTHOR_COLOR, f"{author}'s comments")]
    for kind, color, label in layers:
        ax.bar(xs, series[kind], width=width, bottom=bottom, color=color, label=label, align="edge")
        bottom = [b + v for b, v in zip(bottom, series[kind])]
    ax.xaxis_date()
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, show_offset=True))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("Time (UTC)")
    ax.set_ylabel(f"Comments per {_bin_label(step)}")
    _suptitle(fig, "Comments over time", thread)
    if author:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=9)
    return fig


# -- network --------------------------------------------------------------------------------------------

def _network(thread: Thread, author: str | None, min_confidence: float) -> Figure:
    replies = reply_map(thread, min_confidence=min_confidence)
    by_id = thread.by_id()
    pairs: dict[tuple[str, str], int] = {}
    for tid, rs in replies.items():
        for r, _ in rs:
            k = (r.author, by_id[tid].author)
            pairs[k] = pairs.get(k, 0) + 1
    if not pairs:
        raise InputError(f"{thread.title or thread.id}: no replies found, so there is no network to draw")
    degree: dict[str, int] = {}
    for (a, b), n in pairs.items():
        degree[a] = degree.get(a, 0) + n
        degree[b] = degree.get(b, 0) + n
    first = {}
    for i, c in enumerate(thread.comments):
        first.setdefault(c.author, i)
    ranked = sorted(degree, key=lambda p: (-degree[p], first.get(p, 0)))
    keep = set(ranked[:MAX_PEOPLE])
    if author:
        keep.add(author)
    people = sorted(keep, key=lambda p: first.get(p, 0))
    hidden = len(degree) - len(keep & set(degree))
    row = {p: i for i, p in enumerate(people)}
    comments = {}
    for c in thread.comments:
        if c.status == "ok":
            comments[c.author] = comments.get(c.author, 0) + 1

    n = len(people)
    height = max(4.0, 1.6 + n * ROW_IN)
    fig = Figure(figsize=(WIDTH_IN, height), layout="constrained")
    ax = fig.add_subplot()
    ax.set_xlim(-0.02, 1.0)
    ax.set_ylim(n - 0.4, -0.6)
    top = max(pairs.values())
    # The longest arc (first row to last) reaches about 80% of the plot's width (≈ 5.5 in).
    spread = min(0.9, max(0.3, 0.8 * 5.5 / max(1, (n - 1) * ROW_IN)))
    for (a, b), count in sorted(pairs.items(), key=lambda kv: (kv[1], kv[0])):
        if a not in row or b not in row:
            continue
        ya, yb = row[a], row[b]
        reverse = (b, a) in pairs and row[a] > row[b]
        bulge = spread + (0.08 if reverse else 0.0)
        # arc3 puts the control point at rad × (dy, -dx) from the middle (display coordinates, rows
        # grow downwards): a negative rad going down, a positive one going up, keeps arcs right of the names.
        rad = -bulge if ya < yb else bulge
        if author and b == author:
            color, alpha, z = REPLY_COLOR, 0.9, 3
        elif author and a == author:
            color, alpha, z = AUTHOR_COLOR, 0.9, 3
        else:
            color, alpha, z = OTHER_COLOR, 0.55, 2
        ax.add_patch(FancyArrowPatch(
            (0.0, ya), (0.0, yb), connectionstyle=f"arc3,rad={rad}", arrowstyle="-|>", mutation_scale=8,
            linewidth=0.6 + 4.4 * (count - 1) / max(1, top - 1) if top > 1 else 1.2,
            color=color, alpha=alpha, zorder=z, shrinkA=3, shrinkB=3))
    sizes = [12 + 4 * min(comments.get(p, 0), 30) for p in people]
    colors = [AUTHOR_COLOR if author and p == author else "#4a5560" for p in people]
    ax.scatter([0.0] * n, range(n), s=sizes, c=colors, zorder=4)
    ax.set_yticks(range(n))
    ax.set_yticklabels([f"{p} ({comments.get(p, 0)})" for p in people], fontsize=9)
    for label, p in zip(ax.get_yticklabels(), people):
        if author and p == author:
            label.set_color(AUTHOR_COLOR)
            label.set_fontweight("bold")
    ax.set_xticks([])
    ax.spines["bottom"].set_visible(False)
    ax.set_ylabel("Participants, in order of first comment (comments)")
    ax.set_xlabel("Arrows point from who replies to whom; width grows with the number of replies")
    sub = f" ({hidden} less connected people not shown)" if hidden else ""
    _suptitle(fig, "Who replies to whom", thread, sub)
    handles = [Line2D([], [], color=OTHER_COLOR, linewidth=1.2, label="1 reply")]
    if top > 1:
        handles.append(Line2D([], [], color=OTHER_COLOR, linewidth=5.0, label=f"{top} replies"))
    if author:
        handles += [Line2D([], [], color=REPLY_COLOR, linewidth=2, label=f"replies to {author}"),
                    Line2D([], [], color=AUTHOR_COLOR, linewidth=2, label=f"{author}'s replies")]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=9)
    return fig


# -- engagement -----------------------------------------------------------------------------------------

def _engagement(thread: Thread, author: str | None, min_confidence: float) -> Figure:
    if not author:
        raise InputError("--kind engagement: needs --author NAME (whose comments to chart)")
    st = thread_stats(thread, author=author, min_confidence=min_confidence)
    rows = st.comments
    n = len(rows)
    height = max(3.5, 1.8 + n * ROW_IN * 1.2)
    fig = Figure(figsize=(WIDTH_IN, height), layout="constrained")
    ax = fig.add_subplot()
    counts = [len(c.replies) for c in rows]
    colors = [REPLY_COLOR if c.quotes_source else AUTHOR_COLOR for c in rows]
    ax.barh(range(n), counts, color=colors, height=0.7)
    labels = []
    for c in rows:
        when = c.created_at[5:16].replace("T", " ") if c.created_at else "time unknown"
        labels.append(f"#{c.number if c.number is not None else '?'}  {when}")
    ax.set_yticks(range(n))
    ax.set_yticklabels(labels, fontsize=9)
    ax.set_ylim(n - 0.4, -0.6)
    top = max(counts, default=0)
    ax.set_xlim(0, max(1, top) * 1.15 + 0.5)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    for i, (v, c) in enumerate(zip(counts, rows)):
        note = f"{v}" + ("  quoted" if c.quoted_by else "")
        ax.text(v + max(1, top) * 0.015, i, note, va="center", fontsize=8)
    e = st.engagement
    handles = [Patch(color=REPLY_COLOR, label=f"quotes an outside source ({e.source_posts}, "
                                             f"{_mean(e.source_mean)} replies each)"),
               Patch(color=AUTHOR_COLOR, label=f"other comments ({e.other_posts}, {_mean(e.other_mean)} each)")]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=9)
    ax.set_xlabel("Replies received")
    ax.set_ylabel(f"Comments by {author} (number, time UTC)")
    _suptitle(fig, f"Replies to {author}'s comments", thread)
    return fig


def _mean(v: float | None) -> str:
    return "-" if v is None else f"{v:.2f}"
