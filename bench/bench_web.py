#!/usr/bin/env python3
"""Serve a 1,000-comment thread page and measure it under load on loopback.

The app runs in its own process (uvicorn, one worker, as `threadpress serve` runs it) over a fresh
archive holding the `bench/make_page.py` thread (1,000 comments, replies resolved). The load
generator is wrk from Debian (`apt-get install wrk`) when present, else a small Python client; it
runs for a bounded time against 127.0.0.1 only, then stops. Figures: requests per second and p95
latency for the thread page in posting order and as a reply tree, plus the cold server render
(first request after the thread changed: load from SQLite, build, sanitize, render) measured in-process.

Target (issue 6): at least 200 requests/s with p95 under 100 ms on a 2-core machine.

    .venv/bin/python bench/bench_web.py                 # print the figures
    .venv/bin/python bench/bench_web.py --write         # and rewrite this section of bench/RESULTS.md
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

import benchlib  # noqa: E402
from bench_parse import machine  # noqa: E402
from make_page import make_page  # noqa: E402

HEADING = "Web app: a 1,000-comment thread page under load"
TARGET_RPS, TARGET_P95_MS = 200, 100.0
WRK_SCRIPT = """done = function(summary, latency, requests)
  io.write(string.format("TP p50=%d p95=%d p99=%d max=%d requests=%d errors=%d\\n", latency:percentile(50),
    latency:percentile(95), latency:percentile(99), latency.max, summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout))
end
"""


def build_archive(db: Path, comments: int) -> str:
    from threadpress.load import parse_bytes
    from threadpress.store import Store

    page = make_page(comments)
    thread = parse_bytes(page.html, name="bench.html")
    with Store(db) as s:
        s.ingest(thread)
    return thread.id


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: Path, port: int) -> subprocess.Popen:
    code = ("import uvicorn, sys; from threadpress.web import create_app; "
            "uvicorn.run(create_app(sys.argv[1]), host='127.0.0.1', port=int(sys.argv[2]), "
            "log_level='warning', access_log=False)")
    env = {**os.environ, "PYTHONPATH": str(HERE.parent / "src")}
    proc = subprocess.Popen([sys.executable, "-c", code, str(db), str(port)], env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/threads", timeout=2).read()
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the app did not start")


def run_wrk(url: str, seconds: int, connections: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(WRK_SCRIPT)
    try:
        out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s",
                              "-H", "Accept-Encoding: gzip", "-s", f.name, url],
                             capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    finally:
        os.unlink(f.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    m = dict(kv.split("=") for kv in re.search(r"^TP (.*)$", out, re.M).group(1).split())
    return {"tool": "wrk", "rps": rps, "p50_ms": int(m["p50"]) / 1000, "p95_ms": int(m["p95"]) / 1000,
            "p99_ms": int(m["p99"]) / 1000, "requests": int(m["requests"]), "errors": int(m["errors"])}


def run_python_client(url: str, seconds: int, connections: int) -> dict:
    """A fallback load generator: keep-alive connections in threads, for a bounded time."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    target = parts.path + ("?" + parts.query if parts.query else "")
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker() -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
        mine = []
        while time.monotonic() < stop:
            t0 = time.perf_counter()
            try:
                conn.request("GET", target, headers={"Accept-Encoding": "gzip"})
                r = conn.getresponse()
                r.read()
                if r.status != 200:
                    errors[0] += 1
            except OSError:
                errors[0] += 1
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
                continue
            mine.append(time.perf_counter() - t0)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - t0
    q = statistics.quantiles(latencies, n=100)
    return {"tool": "python http.client", "rps": len(latencies) / elapsed, "p50_ms": q[49] * 1000,
            "p95_ms": q[94] * 1000, "p99_ms": q[98] * 1000, "requests": len(latencies), "errors": errors[0]}


def cold_render_ms(db: Path, tid: str, view: str, repeat: int) -> list[float]:
    """The server's work for the page when nothing is cached, in-process, with the TestClient."""
    import warnings

    warnings.filterwarnings("ignore")
    from starlette.testclient import TestClient

    from threadpress.web import create_app

    app = create_app(db)
    times = []
    with TestClient(app) as client:
        state = client.app.app.app.state.web  # JsonSuffix -> Session -> Starlette
        for _ in range(repeat):
            state.page_cache.clear()
            t0 = time.perf_counter()
            r = client.get(f"/threads/{tid}", params={"view": view})
            times.append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 200 and r.text.count('class="comment d') >= 1000
    return times


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--comments", type=int, default=1000)
    ap.add_argument("--seconds", type=int, default=10, help="load per page view (default 10)")
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--repeat", type=int, default=15, help="cold renders to time (default 15)")
    ap.add_argument("--write", action="store_true", help="rewrite this benchmark's section of bench/RESULTS.md")
    args = ap.parse_args(argv)
    info = machine()
    tmp = Path(tempfile.mkdtemp(prefix="tp-bench-web-"))
    try:
        db = tmp / "archive.db"
        tid = build_archive(db, args.comments)
        cold = {v: cold_render_ms(db, tid, v, args.repeat) for v in ("flat", "tree")}
        port = free_port()
        proc = start_server(db, port)
        try:
            loads = {}
            for view in ("flat", "tree"):
                url = f"http://127.0.0.1:{port}/threads/{tid}?view={view}"
                size = len(urllib.request.urlopen(url, timeout=10).read())
                gen = run_wrk if shutil.which("wrk") else run_python_client
                loads[view] = {**gen(url, args.seconds, args.connections), "bytes": size}
        finally:
            proc.terminate()
            proc.wait(10)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [f"## {HEADING}", "",
             f"Command: `.venv/bin/python bench/bench_web.py --write` (run {when}); {args.comments} comments from "
             f"`bench/make_page.py`, one uvicorn worker, {args.connections} keep-alive connections for "
             f"{args.seconds} s per view, each request sending `Accept-Encoding: gzip` as browsers do "
             f"(the page is kept compressed in the cache), load generator and server on the same machine over 127.0.0.1.", "",
             "| page | tool | requests/s | p50 ms | p95 ms | p99 ms | requests | errors | page bytes | target met |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for view, r in loads.items():
        ok = r["rps"] >= TARGET_RPS and r["p95_ms"] < TARGET_P95_MS and r["errors"] == 0
        lines.append(f"| thread, {view} | {r['tool']} | {r['rps']:,.0f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | "
                     f"{r['p99_ms']:.1f} | {r['requests']:,} | {r['errors']} | {r['bytes']:,} | "
                     f"{'yes' if ok else 'NO'} |")
    lines += ["", "Cold server render (nothing cached: load 1,000 comments from SQLite, sanitize, build the page, "
              f"render the template), in-process, {args.repeat} runs:", "",
              "| view | best ms | median ms |", "|---|---:|---:|"]
    for view, ts in cold.items():
        lines.append(f"| {view} | {min(ts):.1f} | {statistics.median(ts):.1f} |")
    lines += ["", "Pages under load come from the app's page cache, keyed by the thread's change stamp "
              "(one small SQLite query per request), so a change to the archive is seen at once.", "",
              "Machine: " + "; ".join(f"{k}: {v}" for k, v in info.items()) + ".", ""]
    section = "\n".join(lines)
    print(section)
    if args.write:
        benchlib.write_section(HEADING, section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
