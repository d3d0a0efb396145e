"""Read the Ubuntu IRC disentanglement data (Kummerfeld et al. 2019) into Message lists and gold links.

Layout of the dataset (``data/`` inside the checkout)::

    train/2004-12-25.train-c.ascii.txt        one IRC line per message, counted from 0
    train/2004-12-25.train-c.annotation.txt   "A B -": the later of A, B answers the earlier one;
                                              "A A -": A starts a new conversation
    dev/2004-11-15_03.*   test/2005-07-06_14.*

Only the annotated region is scored: the messages that are the later end ("source") of some
annotation line, which is every message from line 1000 to the end of the annotated region. The
lines before it are context (candidates, author history) and are never scored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from ..errors import InputError
from .features import Message

SPLITS = ("train", "dev", "test")

_TIME = re.compile(r"^\[(\d\d):(\d\d)\] ")
_DATE = re.compile(r"^(\d{4})-(\d\d)-(\d\d)")


@dataclass(slots=True)
class IrcFile:
    """One log file: all its messages, and the gold links of its annotated region."""

    name: str
    messages: list[Message]
    #: source index -> sorted antecedent indices (the source itself = starts a conversation)
    gold: dict[int, list[int]] = field(default_factory=dict)

    @property
    def annotated(self) -> list[int]:
        """Indices of the scored messages, in order."""
        return sorted(self.gold)


def parse_line(index: int, line: str, day: datetime, prev: datetime | None) -> Message:
    """One IRC log line -> Message. ``day`` is the file's date (UTC midnight); ``prev`` is the last
    known time, used to roll over midnight."""
    m = _TIME.match(line)
    if m is None:
        # System line: "=== nick [host] has joined #ubuntu", "=== a is now known as b", ...
        tokens = line.split()
        author = tokens[1] if len(tokens) > 1 else ""
        return Message(index=index, author=author, time=None, text=line.strip(), system=True)
    hour, minute = int(m.group(1)), int(m.group(2))
    rest = line[m.end():]
    if rest.startswith("<"):
        end = rest.find("> ")
        if end < 0:
            end = rest.rfind(">")
        author = rest[1:end] if end > 0 else ""
        text = rest[end + 1:].strip() if end > 0 else rest
    else:
        # "* nick does something" (an action)
        tokens = rest.split()
        author = tokens[1] if len(tokens) > 1 else ""
        text = " ".join(tokens[2:])
    t = day + timedelta(hours=hour, minutes=minute)
    if prev is not None:
        while t < prev - timedelta(hours=1):  # the log crossed midnight
            t += timedelta(days=1)
    return Message(index=index, author=author, time=t, text=text)


def read_messages(path: Path) -> list[Message]:
    """Read an ``*.ascii.txt`` (or ``*.raw.txt``) log file."""
    m = _DATE.match(path.name)
    day = (
        datetime(int(m.group(1)), int(m.group(2)), int(m.group(3)), tzinfo=timezone.utc)
        if m
        else datetime(2000, 1, 1, tzinfo=timezone.utc)
    )
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").split("\n")
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror or e})") from None
    if lines and lines[-1] == "":
        lines.pop()
    out: list[Message] = []
    prev: datetime | None = None
    for i, line in enumerate(lines):
        msg = parse_line(i, line, day, prev)
        if msg.time is not None:
            prev = msg.time
        out.append(msg)
    return out


def read_links(path: Path) -> dict[int, list[int]]:
    """Read an ``*.annotation.txt`` file: {source: sorted antecedents}, as the dataset's graph-eval does
    (the larger number of a line is the source; a self-link means "starts a conversation")."""
    gold: dict[int, set[int]] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror or e})") from None
    for n, line in enumerate(text.splitlines(), 1):
        parts = [p for p in line.split() if p != "-"]
        if not parts:
            continue
        try:
            nums = [int(p) for p in parts]
        except ValueError:
            raise InputError(f"{path}:{n}: not an annotation line: {line.strip()!r}") from None
        source = max(nums)
        nums.remove(source)
        targets = nums or [source]
        gold.setdefault(source, set()).update(targets)
    return {s: sorted(t) for s, t in gold.items()}


def split_dir(root: Path, split: str) -> Path:
    """Accept the checkout root, its ``data/`` folder, or the split folder itself."""
    root = Path(root)
    for cand in (root / "data" / split, root / split):
        if cand.is_dir():
            return cand
    if root.name == split and root.is_dir():
        return root
    raise InputError(
        f"{root}: no IRC disentanglement '{split}' split here (expected data/{split}/*.annotation.txt)"
    )


def read_split(root: Path | str, split: str, *, limit: int | None = None) -> list[IrcFile]:
    """Read every file of a split (sorted by name). ``limit`` keeps the first N files."""
    if split not in SPLITS:
        raise InputError(f"unknown split {split!r} (expected one of {', '.join(SPLITS)})")
    folder = split_dir(Path(root), split)
    anns = sorted(folder.glob("*.annotation.txt"))
    if limit is not None:
        anns = anns[:limit]
    files = []
    for ann in anns:
        stem = ann.name[: -len(".annotation.txt")]
        log = folder / f"{stem}.ascii.txt"
        if not log.exists():
            log = folder / f"{stem}.raw.txt"
        if not log.exists():
            raise InputError(f"{ann}: no matching {stem}.ascii.txt")
        msgs = read_messages(log)
        gold = read_links(ann)
        bad = [s for s in gold if s >= len(msgs)]
        if bad:
            raise InputError(f"{ann}: link to line {bad[0]} but the log has {len(msgs)} lines")
        files.append(IrcFile(name=stem, messages=msgs, gold=gold))
    if not files:
        raise InputError(f"{folder}: no annotated files")
    return files


def predict_links(
    files: list[IrcFile], model=None, *, min_confidence: float = 0.0, second_link: float | None = None
) -> tuple[dict[str, dict[int, list[int]]], list[tuple[float, float, bool]]]:
    """Run the learned model over each file: the top antecedent of each scored message (itself when it
    starts a conversation), plus the runner-up when both are earlier messages and the runner-up's
    probability exceeds ``second_link`` (default: the model's dev-tuned threshold; IRC messages can
    answer several messages). Links whose calibrated confidence is below ``min_confidence`` are left
    out (the message then stands alone in the cluster scores).

    Returns ({file: {source: [antecedents]}}, [(raw top prob, calibrated confidence, top correct)...])."""
    import numpy as np

    from .learned import load_model, predict_grid

    if model is None:
        model = load_model()
    if second_link is None:
        second_link = float(model.meta.get("second_link", 2.0))
    auto: dict[str, dict[int, list[int]]] = {}
    seen: list[tuple[float, float, bool]] = []
    for f in files:
        P = predict_grid(f.messages, model)
        rows = np.array(f.annotated, np.int64)
        Pr = P[rows]
        order = np.argsort(-Pr, axis=1, kind="stable")[:, :2]
        raw = Pr[np.arange(len(rows)), order[:, 0]]
        raw2 = Pr[np.arange(len(rows)), order[:, 1]]
        conf = model.calibrate(raw)
        per: dict[int, list[int]] = {}
        for k, s in enumerate(rows.tolist()):
            d1, d2 = int(order[k, 0]), int(order[k, 1])
            t = s - d1
            links = [t] if conf[k] >= min_confidence else []
            if links and d1 != 0 and d2 != 0 and raw2[k] > second_link and s - d2 >= 0:
                links.append(s - d2)
            per[s] = links
            seen.append((float(raw[k]), float(conf[k]), t in f.gold[s]))
        auto[f.name] = per
    return auto, seen


def tune_second_link(files: list[IrcFile], model, grid=(0.25, 0.3, 0.35, 0.4, 0.45)) -> float:
    """The runner-up threshold with the best link F1 on ``files`` (use dev); 2.0 = never."""
    from .metrics import link_prf

    gold = {f.name: f.gold for f in files}
    best, best_f = 2.0, link_prf(gold, predict_links(files, model, second_link=2.0)[0])["f1"]
    for tau in grid:
        f1 = link_prf(gold, predict_links(files, model, second_link=tau)[0])["f1"]
        if f1 > best_f:
            best, best_f = float(tau), f1
    return best
