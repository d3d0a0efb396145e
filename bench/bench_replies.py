#!/usr/bin/env python3
"""Time the shipped reply model: load it and predict every comment of a 1,000-comment thread.

    .venv/bin/python bench/bench_replies.py [--comments 1000] [--repeat 7] [--write]

Input: the 1,000-comment fictional Moon of Alabama page of `make_page.py` (deterministic), parsed and
resolved by threadpress, its explicit cues hidden (`replies.cues.hide_cues(with_edges=True)`,
exactly the input `infer_edges` gives the model). Each round runs in a FRESH Python process, so
the load is a cold one: import of threadpress.replies.learned (numpy included), reading the
weights file (IRC and blog models in one .npz; only the blog model is built), and one `predict`
over all comments (features, both stages, calibration). A second `predict` in the same process
shows the warm cost. Best and median over rounds; wall clock (`time.perf_counter`).
`--write` replaces this benchmark's section of bench/RESULTS.md and keeps the others.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import benchlib  # noqa: E402  (bench/ is not a package; the script's folder is on the path)

HEADING = "Reply model: load and predict a 1,000-comment thread"

CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
from datetime import datetime
from threadpress.replies.features import Message
from threadpress.replies.learned import load_model, predict
t1 = time.perf_counter()
model = load_model(domain="blog")
t2 = time.perf_counter()
rows = json.load(open(sys.argv[1], encoding="utf-8"))
msgs = [Message(index=i, author=a, time=datetime.fromisoformat(t) if t else None, text=x, mentions=tuple(m))
        for i, (a, t, x, m) in enumerate(rows)]
t3 = time.perf_counter()
preds = predict(msgs, model=model)
t4 = time.perf_counter()
predict(msgs, model=model)
t5 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "load": t2 - t1, "predict": t4 - t3, "warm_predict": t5 - t4,
                  "total": (t2 - t0) + (t4 - t3), "n": len(preds),
                  "edges": sum(1 for p in preds if p.target is not None)}))
"""


def thread_rows(comments: int) -> list:
    import make_page

    from threadpress.load import parse_bytes
    from threadpress.replies.cues import hide_cues

    thread = parse_bytes(make_page.make_page(comments).html, name="page.html")
    return [(m.author, m.time.isoformat() if m.time else None, m.text, list(m.mentions))
            for m in hide_cues(thread, with_edges=True)]


def machine() -> dict[str, str]:
    import numpy

    return {
        "CPU": benchlib.cpu_model(),
        "cores": benchlib.cores(),
        "OS": platform.platform(),
        "Python": f"{platform.python_implementation()} {platform.python_version()}, numpy {numpy.__version__}",
        "load average (1/5/15 min) at start": benchlib.load_average(),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--comments", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=7, help="fresh processes (default 7)")
    ap.add_argument("--write", action="store_true", help="rewrite this benchmark's section of bench/RESULTS.md")
    args = ap.parse_args(argv)
    if args.comments < 2 or args.repeat < 1:
        ap.error("--comments must be at least 2 and --repeat at least 1")
    mach = machine()
    rows = thread_rows(args.comments)
    runs = []
    with tempfile.TemporaryDirectory(prefix="tp-bench-replies-") as tmp:
        data = Path(tmp) / "messages.json"
        data.write_text(json.dumps(rows), encoding="utf-8")
        for _ in range(args.repeat):
            out = subprocess.run([sys.executable, "-c", CHILD, str(data)], capture_output=True, text=True, check=True)
            runs.append(json.loads(out.stdout))
    keys = ("import", "load", "predict", "total", "warm_predict")
    labels = {"import": "import (numpy, threadpress.replies.learned)", "load": "load the weights (blog model)",
              "predict": "first predict, all comments", "total": "cold total (import + load + predict)",
              "warm_predict": "second predict, same process"}
    table = ["| step | best (ms) | median (ms) |", "|---|---:|---:|"]
    for k in keys:
        vals = [r[k] for r in runs]
        table.append(f"| {labels[k]} | {1000 * min(vals):,.1f} | {1000 * statistics.median(vals):,.1f} |")
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    body = "\n".join([
        f"## {HEADING}",
        "",
        (f"Command: `.venv/bin/python bench/bench_replies.py --comments {args.comments} --repeat {args.repeat}"
         f" --write` (run {when})."),
        "",
        (f"Input: `bench/make_page.py` page with {args.comments:,} comments, parsed and resolved, explicit cues "
         f"hidden ({len(rows):,} messages; the model proposed an antecedent for {runs[0]['edges']:,} of them before "
         "any threshold). Each round is a fresh Python process; wall clock."),
        "",
        *table,
        "",
        "Target: load and predict in under a second for 1,000 comments "
        + ("(**met**)." if statistics.median(r["total"] for r in runs) < 1.0 else "(**not met** at the median)."),
        "",
        "Machine: " + "; ".join(f"{k}: {v}" for k, v in mach.items()) + ".",
    ])
    print(body)
    if args.write:
        benchlib.write_section(HEADING, body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
