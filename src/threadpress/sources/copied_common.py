"""Shared helpers for the copied-text readers and the generic HTML fallback.

Display dates ("January 14, 2009 at 11:07 AM", "16:46, 15 April 2007 (UTC)", "14.01.2009 18:19",
ISO 8601) are turned into aware UTC with a note of how sure the zone is (times.py kinds): a written
zone or offset is `explicit`; no zone is `assumed` (we take it as UTC); relative times ("3 hours ago")
have no absolute value and are `unknown`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from ..sanitize import normalize_space
from ..times import MONTHS, from_iso
from .footer import FOOTER_SEARCH

_MON = r"(?P<mon>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
_DOW = r"(?:(?:Mon|Tue|Tues|Wed|Wednes|Thu|Thur|Thurs|Fri|Sat|Satur|Sun)(?:day)?\.?,?\s+)?"
_TIME = r"(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?\s*(?P<ampm>[AaPp]\.?\s?[Mm]\.?)?"
_ZONE = r"(?:\s*\(?(?P<zone>UTC|GMT|Z|[+-]\d{2}:?\d{2})\)?)?"

_PATTERNS = [
    # ISO 8601
    re.compile(r"\b(?P<iso>\d{4}-\d{2}-\d{2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?)(?![\d-])"),
    # 16:46, 15 April 2007 (UTC)  (MediaWiki signatures)
    re.compile(rf"\b{_TIME},?\s+(?P<d>\d{{1,2}})\s+{_MON},?\s+(?P<y>\d{{4}}){_ZONE}", re.I),
    # January 14, 2009 at 11:07 AM / Wednesday, Jan 5, 2023, 3:04 pm
    re.compile(rf"\b{_DOW}{_MON}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})"
               rf"(?:(?:\s+at|,|\s+-)?\s+{_TIME})?{_ZONE}", re.I),
    # 14 January 2009 at 11:07 / Wed, 14 Jan 2009 11:07:00 +0100
    re.compile(rf"\b{_DOW}(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MON},?\s+(?P<y>\d{{4}})"
               rf"(?:(?:\s+at|,|\s+-)?\s+{_TIME})?{_ZONE}", re.I),
    # 14.01.2009 18:19 (day first)
    re.compile(rf"\b(?P<d>\d{{1,2}})\.(?P<m>\d{{1,2}})\.(?P<y>\d{{4}})(?:,?\s+{_TIME})?{_ZONE}"),
    # 1/14/2009 11:07 AM (month first unless the first number cannot be a month)
    re.compile(rf"\b(?P<a>\d{{1,2}})/(?P<b>\d{{1,2}})/(?P<y>\d{{4}}|\d{{2}})\b(?:,?\s+{_TIME})?{_ZONE}"),
]
RELATIVE = re.compile(
    r"\b(?:\d+|an?|one)\s+(?:second|minute|hour|day|week|month|year)s?\s+ago\b|\b(?:just now|yesterday|today)\b",
    re.I,
)


@dataclass(frozen=True, slots=True)
class FoundDate:
    created_at: datetime | None
    tz: str
    raw: str
    start: int
    end: int


def find_date(text: str) -> FoundDate | None:
    """The first absolute or relative date in `text` (earliest match wins), or None."""
    best: FoundDate | None = None
    for pat in _PATTERNS:
        for m in pat.finditer(text):
            dt, tz = _build(m)
            if dt is None:
                continue
            if best is None or m.start() < best.start:
                best = FoundDate(dt, tz, m.group(0).strip(), m.start(), m.end())
            break
    if best is None:
        m = RELATIVE.search(text)
        if m:
            return FoundDate(None, "unknown", m.group(0), m.start(), m.end())
    return best


def parse_date(text: str) -> tuple[datetime | None, str]:
    """(aware UTC datetime, tz kind) for a date string; (None, "unknown") when there is none."""
    found = find_date(text)
    if found is None:
        return None, "unknown"
    return found.created_at, found.tz


def _build(m: re.Match) -> tuple[datetime | None, str]:
    g = m.groupdict()
    if g.get("iso"):
        return from_iso(g["iso"])
    try:
        if g.get("mon"):
            month = MONTHS[g["mon"].lower()[:3]]
            day = int(g["d"])
        elif g.get("m"):
            month, day = int(g["m"]), int(g["d"])
        else:
            a, b = int(g["a"]), int(g["b"])
            month, day = (a, b) if a <= 12 else (b, a)
        year = int(g["y"])
        if year < 100:
            year += 2000 if year < 70 else 1900
        hour = int(g["H"]) if g.get("H") else 0
        minute = int(g["M"]) if g.get("M") else 0
        second = int(g["S"]) if g.get("S") else 0
        ampm = (g.get("ampm") or "").lower().replace(".", "").replace(" ", "")
        if ampm:
            if not 1 <= hour <= 12:
                return None, "unknown"
            hour = hour % 12 + (12 if ampm == "pm" else 0)
        dt = datetime(year, month, day, hour, minute, second, tzinfo=timezone.utc)
    except (KeyError, ValueError, OverflowError):
        return None, "unknown"
    zone = g.get("zone")
    if not zone:
        return dt, "assumed"
    if zone[0] in "+-":
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        try:
            dt -= sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        except (ValueError, OverflowError):
            return None, "unknown"
    return dt, "explicit"


def is_typepad_text(text: str) -> bool:
    """MoA / Typepad copied text (`Posted by: NAME | Dec 29 2025 18:50 utc | 83`): the lead's typepad-text reads it."""
    return bool(FOOTER_SEARCH.search(text.replace("\xa0", " ")))


def lines_of(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def tidy_lines(lines: list[str]) -> list[str]:
    """Spaces normalized per line, runs of blank lines collapsed, blank ends trimmed."""
    out: list[str] = []
    for line in lines:
        line = normalize_space(line)
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return out
