"""Timestamps from every source, to aware UTC plus a note of how sure the zone is (formats §12).

Each helper returns (datetime | None, tz) where tz is one of model.TZ_KINDS:
explicit (the value says its zone), epoch (a Unix time), naive_utc (documented as UTC but
without an offset, e.g. WordPress *_gmt), assumed (no zone given; we assumed UTC), unknown.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}

TimeValue = tuple[datetime | None, str]


def from_epoch(value: float | int | str | None) -> TimeValue:
    """Unix seconds, or milliseconds when the number is too large to be seconds."""
    if value is None or value == "":
        return None, "unknown"
    try:
        n = float(value)
    except (TypeError, ValueError):
        return None, "unknown"
    if n > 1e11:  # milliseconds (Blogger showComment, JS Date)
        n /= 1000.0
    try:
        return datetime.fromtimestamp(n, tz=timezone.utc), "epoch"
    except (OverflowError, OSError, ValueError):
        return None, "unknown"


def from_iso(value: str | None, *, naive: str = "assumed") -> TimeValue:
    """ISO 8601. With an offset or Z it is explicit; without, it is taken as UTC and marked `naive`."""
    if not value:
        return None, "unknown"
    s = value.strip().replace(" ", "T", 1) if "T" not in value else value.strip()
    if s.endswith(("Z", "z")):
        s = s[:-1] + "+00:00"
    try:
        dt = datetime.fromisoformat(s)
    except ValueError:
        return None, "unknown"
    if dt.tzinfo is None:
        return dt.replace(tzinfo=timezone.utc), naive
    return dt.astimezone(timezone.utc), "explicit"


_MOA = re.compile(
    r"(?P<mon>[A-Za-z]{3})[a-z]*\.?\s+(?P<d>\d{1,2}),?\s+(?P<y>\d{4})\s+(?P<H>\d{1,2}):(?P<M>\d{2})"
    r"(?:\s*(?P<utc>utc|gmt))?",
    re.I,
)


def from_moa(value: str) -> TimeValue:
    """`Dec 29 2025 18:50 utc` (MoA footers: the zone is written, so explicit)."""
    m = _MOA.search(value)
    if not m or m["mon"].lower()[:3] not in MONTHS:
        return None, "unknown"
    try:
        dt = datetime(int(m["y"]), MONTHS[m["mon"].lower()[:3]], int(m["d"]), int(m["H"]), int(m["M"]),
                      tzinfo=timezone.utc)
    except ValueError:
        return None, "unknown"
    return dt, "explicit" if m["utc"] else "assumed"
