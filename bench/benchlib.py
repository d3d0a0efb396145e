"""What the benchmarks in bench/ share: facts about the machine, and rewriting one section of RESULTS.md.

Each benchmark owns one `## heading` section of bench/RESULTS.md and rewrites only that one, so the
others' figures (taken on other days, maybe on other machines) stay as they were written.
"""

from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
PREAMBLE = ("# Benchmark results\n\nWritten by the scripts in `bench/` (see bench/README.md); each benchmark "
            "rewrites only its own section.\n")


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def ram() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 ** 2:.1f} GiB"
    except (OSError, ValueError):
        pass
    return "unknown"


def cores() -> str:
    """"N (M usable by this process)": a container or taskset may allow fewer than the machine has."""
    n = os.cpu_count() or 0
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else n
    return f"{n} ({usable} usable by this process)"


def load_average() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"


def git_rev() -> str:
    """The commit measured, marked when tracked files differ from it."""
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=HERE, capture_output=True,
                             text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=HERE,
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return (rev + (" (uncommitted changes)" if dirty else "")) if rev else "unknown"


def replace_section(old: str, heading: str, section: str) -> str:
    """`old` with its `## heading` section (up to the next `## ` heading) replaced by `section`
    (which starts with that heading line), or with `section` appended."""
    if not old.strip():
        old = PREAMBLE
    section = section.rstrip("\n") + "\n"
    lines = old.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.rstrip() == f"## {heading}"), None)
    if start is None:
        return old.rstrip("\n") + "\n\n" + section
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    tail = "".join(lines[end:])
    return "".join(lines[:start]) + section + ("\n" + tail if tail else "")


def write_section(heading: str, section: str) -> None:
    """Rewrite the `## heading` section of bench/RESULTS.md (read, replace, write atomically) and say so."""
    import sys

    from threadpress.files import atomic_write

    old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    atomic_write(RESULTS, replace_section(old, heading, section))
    print(f"wrote bench/RESULTS.md (section '## {heading}')", file=sys.stderr)
