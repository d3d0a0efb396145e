"""The Typepad / Moon of Alabama comment footer and the post byline, shared by the HTML and text readers.

MoA:      `Posted by: NAME | Dec 29 2025 18:50 utc | 83`
classic:  `Posted by: NAME | Thursday, 01 December 2005 at 01:09 PM` (blog-local time, no ordinal)

Footers are parsed from the right (ordinal, then date, the rest is the name) because names hold
spaces, commas, pipes are rare but dots and quotes are common.
"""

from __future__ import annotations

import re
from typing import NamedTuple
from datetime import datetime, timezone

from ..sanitize import normalize_space
from ..times import MONTHS, from_moa

MON = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
MOA_DATE = rf"{MON}\s+\d{{1,2}},?\s+\d{{4}}\s+\d{{1,2}}:\d{{2}}(?:\s*(?:utc|gmt))?"
CLASSIC_DATE = (
    r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?"
    r"(?:\d{1,2}\s+[A-Z][a-z]+|[A-Z][a-z]+\s+\d{1,2},?)\s+\d{4}\s+at\s+\d{1,2}:\d{2}\s*[AaPp]\.?[Mm]\.?"
)

FOOTER = re.compile(
    rf"^Posted\s+by:\s*(?P<name>[^|]+?)\s*\|\s*(?P<date>{MOA_DATE}|{CLASSIC_DATE})"
    rf"\s*(?:\|\s*(?P<n>\d{{1,6}}))?\s*$",
    re.I,
)
#: The same footer somewhere inside a longer text (cheap detection).
FOOTER_SEARCH = re.compile(rf"Posted\s+by:[^|\n]{{1,120}}\|\s*{MOA_DATE}\s*\|\s*\d{{1,6}}", re.I)
#: Either footer form (MoA or classic Typepad) inside a longer text.
ANY_FOOTER_SEARCH = re.compile(
    rf"Posted\s+by:[^|\n]{{1,120}}\|\s*(?:{MOA_DATE}\s*\|\s*\d{{1,6}}|{CLASSIC_DATE})", re.I)
#: The post's own byline: "Posted by b on December 29, 2025 at 12:51 PM | Permalink".
BYLINE = re.compile(
    r"^Posted\s+by\s+(?P<name>[^:|\n]+?)\s+on\s+(?P<date>[A-Z][a-z]+\s+\d{1,2},\s+\d{4}"
    r"(?:\s+at\s+\d{1,2}:\d{2}\s*(?:[AaPp]\.?[Mm]\.?|UTC|utc)?)?)",
)


class Footer(NamedTuple):  # a tuple: built 1,000 times per big page, so kept cheap
    name: str
    created_at: datetime | None
    created_raw: str
    tz: str
    number: int | None


# The common case (a MoA footer), matched and converted without the general machinery. It runs once
# per comment, 1,000 times on a big page: one match, the day (`Dec 29 2025`, shared by many comments)
# looked up in a cache, the datetime built positionally, the tuple made without the NamedTuple
# constructor.
#: The date part of the fast paths: the day (`Dec 29 2025`), hours and minutes, then `utc`.
MOA_FAST_DATE = r"([A-Z][a-z]{2}\s+\d{1,2}\s+\d{4})\s+(\d{1,2}):(\d{2})\s*utc"
_MOA_FAST = re.compile(rf"^\s*Posted by:\s*([^|]+?)\s*\|\s*{MOA_FAST_DATE}\s*\|\s*(\d{{1,6}})\s*$")
_MONTHS_TITLE = {m.title(): n for m, n in MONTHS.items()}  # "Dec" -> 12, the form _MOA_FAST matches
UTC = timezone.utc
_new_tuple = tuple.__new__
#: Day as written -> (year, month, day, the day as the raw date writes it), or None: not a month.
_DAYS: dict[str, tuple[int, int, int, str] | None] = {}
_DAYS_MAX = 4096  # a few years of days; the cache starts over when full


def moa_day(written: str) -> tuple[int, int, int, str] | None:
    """`Dec 29 2025` as _MOA_FAST matched it (month, day, year separated by white space), cached."""
    try:
        return _DAYS[written]
    except KeyError:
        pass
    mon, d, y = written.split()
    month = _MONTHS_TITLE.get(mon)
    if len(_DAYS) >= _DAYS_MAX:
        _DAYS.clear()
    day = _DAYS[written] = (int(y), month, int(d), f"{mon} {d} {y}") if month else None
    return day


def parse_footer(text: str) -> Footer | None:
    fast = _MOA_FAST.match(text)
    if fast:
        name, written, hh, mm, n = fast.groups()
        day = moa_day(written)
        if day:
            y, month, d, raw_day = day
            try:
                when = datetime(y, month, d, int(hh), int(mm), 0, 0, UTC)
            except ValueError:
                return None
            if "  " in name or "\xa0" in name or "\n" in name:
                name = normalize_space(name)
            return _new_tuple(Footer, (name, when, f"{raw_day} {hh}:{mm} utc", "explicit", int(n)))
    text = normalize_space(text)
    m = FOOTER.match(text)
    if not m:
        return None
    raw = m["date"]
    dt, tz = from_moa(raw)
    if dt is None:
        dt, tz = _classic(raw)
        if dt is None:
            return None
    return Footer(m["name"].strip(), dt, raw, tz, int(m["n"]) if m["n"] else None)


_CLASSIC = re.compile(
    r"(?:(?P<d1>\d{1,2})\s+(?P<m1>[A-Z][a-z]+)|(?P<m2>[A-Z][a-z]+)\s+(?P<d2>\d{1,2}),?)\s+(?P<y>\d{4})"
    r"(?:\s+at\s+(?P<H>\d{1,2}):(?P<M>\d{2})\s*(?P<ap>[AaPp])?\.?[Mm]?\.?\s*(?P<utc>utc)?)?",
    re.I,
)


def _classic(raw: str) -> tuple[datetime | None, str]:
    """`Thursday, 01 December 2005 at 01:09 PM`: blog-local time of unknown zone, taken as UTC."""
    m = _CLASSIC.search(raw)
    if not m:
        return None, "unknown"
    month = MONTHS.get((m["m1"] or m["m2"] or "").lower()[:3])
    if not month:
        return None, "unknown"
    hour, minute = int(m["H"] or 0), int(m["M"] or 0)
    if m["ap"]:
        hour = hour % 12 + (12 if m["ap"].lower() == "p" else 0)
    try:
        dt = datetime(int(m["y"]), month, int(m["d1"] or m["d2"]), hour, minute, tzinfo=timezone.utc)
    except ValueError:
        return None, "unknown"
    return dt, "explicit" if m["utc"] else "assumed"


def parse_byline(text: str) -> tuple[str, datetime | None] | None:
    m = BYLINE.match(normalize_space(text))
    if not m:
        return None
    dt, _ = _classic(m["date"])
    return m["name"].strip(), dt


def real_footers(footers: list[tuple[int, Footer]]) -> list[tuple[int, Footer]]:
    """Keep the footers that close comments; drop `Posted by:` lines quoted inside later comments.

    A quoted footer refers back to an earlier comment, so its ordinal is not above the last real
    one. Footers without ordinals (classic Typepad) are all real.
    """
    kept: list[tuple[int, Footer]] = []
    last_n: int | None = None
    for pos, f in footers:
        if f.number is not None:
            if last_n is not None and f.number <= last_n:
                continue
            last_n = f.number
        kept.append((pos, f))
    return kept
