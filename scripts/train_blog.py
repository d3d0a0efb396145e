#!/usr/bin/env python3
"""Train the blog-thread reply models and store them next to the IRC model in the shipped weights file.

    .venv/bin/python scripts/train_blog.py [--train-seeds 500] [--calib-seeds 160] [--check-seeds 160]

Data: MoA-style threads from examples/generate_moa.py at seeds other than the bundled example's
(20251231, which is only ever used to report). Each is parsed like any copied thread, its explicit
cues are hidden (`cues.hide_cues`), and its truth.json gives the labels: explicit and implicit
parents, and "starts a conversation" for comments that answer nobody.

Two models, one per way inference meets a thread:

- "blog": the explicit edges are known (the rules ran first); the labelled rows are the comments
  they leave without an edge, seen with the other comments' edges known
  (`hide_cues(with_edges=True)`), exactly as `infer_edges` sees them.
- "blog_cueless": nothing is known (a thread without any cue, or every cue hidden); every comment
  is a labelled row. Extra parsed threads given with --threads add their explicit edges as labels
  here (labels for free; their other comments are not labelled).

Seeds:

- train seeds   1000+k: training sets for `learned.train` (two stages each)
- calib seeds   2000+k: each model's confidence map (raw top probability -> accuracy, on its own
                        view) and the default threshold (`pick_threshold` on each view: the
                        edges inference adds when the explicit edges are known, and every cue
                        hidden; the higher of the two)
- check seeds   8000+k: untouched until the end: precision/recall at the chosen threshold
                        (3000+k, 4000+k, 6000+k and 7000+k were the check sets of earlier models
                        or threshold rules, 5000+k serves for development; see docs/replies.md)

The IRC model (unprefixed arrays) is copied unchanged; only the blog domains are replaced.
Reproducible: fixed seeds, deterministic generator and numpy training.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from threadpress.load import parse_bytes
from threadpress.replies import BLOG_DOMAIN, CUELESS_DOMAIN, learned
from threadpress.replies.blog_eval import report, score_thread, truth_links
from threadpress.replies.cues import gold_links, hide_cues, readable

BUNDLED_SEED = 20251231
GENERATOR = ROOT / "examples" / "generate_moa.py"
GRID = tuple(round(x, 2) for x in np.arange(0.50, 0.995, 0.01))
TARGET_PRECISION = 0.9
#: bins of the monotone confidence maps: the cue-less view has an edge candidate for every comment
CALIB_BINS = {"inferred": 10, "hidden": 30}
MARGIN = 0.02


def generate(first: int, count: int, out: Path) -> tuple[list[tuple], list[int]]:
    """[(thread, truth)] for `count` generated threads from seed `first` on, and the seeds used.

    Some seeds make the generator give up (it runs out of sentences on a topic); they are skipped,
    deterministically, so the same arguments always give the same threads."""
    items, used = [], []
    seed = first
    while len(items) < count:
        if seed == BUNDLED_SEED:
            raise SystemExit("the bundled example's seed is the report set; never train on it")
        d = out / f"seed-{seed}"
        run = subprocess.run([sys.executable, str(GENERATOR), "--seed", str(seed), "--out", str(d)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        if run.returncode == 0:
            thread = parse_bytes((d / "thread.txt").read_bytes(), name="thread.txt")
            items.append((thread, json.loads((d / "truth.json").read_text(encoding="utf-8"))))
            used.append(seed)
        seed += 1
        if seed - first > 3 * count + 20:
            raise SystemExit(f"the generator failed for most seeds from {first}")
    return items, used


def example(thread, truth, cued_weight: str = "all") -> tuple:
    """(messages, gold) with the full truth: parents, or itself for "answers nobody".

    cued_weight "all": every comment is a training row (explicit replies with their cues hidden,
    implicit replies, comments answering nobody); "uncued": only the comments the explicit rules
    leave without an edge (what inference sees in practice)."""
    links = truth_links(thread, truth)
    comments = readable(thread)
    gold = {i: sorted(p) if p else [i] for i, p in links.items()
            if cued_weight == "all" or not any(e.explicit for e in comments[i].parents)}
    return hide_cues(thread, with_edges=cued_weight == "uncued"), gold


def explicit_example(thread) -> tuple:
    return hide_cues(thread), gold_links(thread)


def edge_outcomes(model, items, view: str = "inferred", *, cueless=None) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per thread: (confidence, correct) of each edge the model makes (the raw top probability
    until the model's confidence map is fitted).

    view "inferred": the edges `infer_edges` would add, on the comments without an explicit edge,
    knowing the other comments' explicit edges (what commands show); "hidden": every comment with
    every cue hidden and nothing known (what `eval-replies --threads` measures as "cues hidden")."""
    out = []
    for thread, truth in items:
        raw, ok = [], []
        for s in score_thread(thread, model=model, cueless=cueless or model, truth=truth):
            if s.truth is None:
                continue
            if view == "inferred" and s.infer_target is not None and not s.cued:
                raw.append(s.infer_confidence)
                ok.append(s.infer_target in s.truth)
            elif view == "hidden" and s.target is not None:
                raw.append(s.confidence)
                ok.append(s.target in s.truth)
        out.append((np.array(raw, float), np.array(ok, bool)))
    return out


def pick_threshold(per_thread: list[tuple[np.ndarray, np.ndarray]], target: float = TARGET_PRECISION,
                   margin: float = MARGIN, min_edges: int = 30, rounds: int = 2000) -> float:
    """The lowest grid threshold t whose edges (confidence >= t) are right at least `target` +
    `margin` of the time in 95% of bootstrap resamples of the calibration THREADS (edges of one
    thread are not independent, so threads are resampled, not edges), and at every higher threshold
    too; a t with fewer than `min_edges` edges does not decide (and is not chosen). The margin
    covers the set-to-set variation between groups of generated threads."""
    rng = np.random.default_rng(0)
    picks = [rng.integers(0, len(per_thread), len(per_thread)) for _ in range(rounds)]
    best = 1.0
    for t in reversed(GRID):
        made = np.array([(c >= t).sum() for c, _ in per_thread])
        hits = np.array([((c >= t) & ok).sum() for c, ok in per_thread])
        if made.sum() < min_edges:
            continue  # too few edges to tell: nothing is shown on this evidence, look lower
        boot = [hits[i].sum() / max(made[i].sum(), 1) for i in picks]
        if np.percentile(boot, 5) < target + margin:
            break
        best = t
    return float(best)


def _span(seeds: list[int]) -> str:
    return f"{seeds[0]}-{seeds[-1]} ({len(seeds)} that generate)"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--train-seeds", type=int, default=500)
    ap.add_argument("--calib-seeds", type=int, default=160)
    ap.add_argument("--check-seeds", type=int, default=160)
    ap.add_argument("--check-from", type=int, default=8000,
                    help="first check seed (3000-, 4000-, 6000- and 7000-: each used once for earlier models "
                         "or rules; 5000-: development; 8000-: untouched until the final report)")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3], help="stage-2 net seeds")
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--hidden", type=int, nargs=2, default=[64, 32])
    ap.add_argument("--threads", nargs="*", default=[],
                    help="parsed threads whose explicit edges add labels (to the cue-less model)")
    ap.add_argument("--model", default=str(learned.DEFAULT_PATH), help="weights file holding the IRC model")
    ap.add_argument("--out", default=None, help="where to write (default: --model, in place)")
    args = ap.parse_args(argv)
    t0 = time.time()
    irc = learned.load_model(args.model)
    with tempfile.TemporaryDirectory(prefix="tp-blog-") as tmp:
        tmp = Path(tmp)
        train, train_used = generate(1000, args.train_seeds, tmp / "train")
        calib, calib_used = generate(2000, args.calib_seeds, tmp / "calib")
        check, check_used = generate(args.check_from, args.check_seeds, tmp / "check")
        print(f"generated {len(train)}/{len(calib)}/{len(check)} threads in {time.time() - t0:.0f}s", flush=True)
        from threadpress.load import load

        sets = {
            # explicit edges known, rows = the comments without one (what infer_edges asks about)
            BLOG_DOMAIN: [example(t, tr, "uncued") for t, tr in train],
            # every cue hidden, nothing known, rows = every comment
            CUELESS_DOMAIN: [example(t, tr, "all") for t, tr in train]
                            + [explicit_example(load(p)) for p in args.threads],
        }
        models = {}
        for domain, examples in sets.items():
            print(f"{domain}: {len(examples)} training sets, {sum(len(g) for _, g in examples)} labelled comments",
                  flush=True)
            models[domain] = learned.train(examples, seeds=args.seeds, hidden=tuple(args.hidden),
                                           epochs=args.epochs, stack=True, folds=2, log=None)
            print(f"trained in {time.time() - t0:.0f}s", flush=True)
        blog, cueless = models[BLOG_DOMAIN], models[CUELESS_DOMAIN]

        # each model's confidence map from its own view of the calibration threads
        for model, view in ((blog, "inferred"), (cueless, "hidden")):
            raw, ok = (np.concatenate(x) for x in zip(*edge_outcomes(model, calib, view, cueless=cueless)))
            model.calib_x, model.calib_y = learned.fit_calibration(raw, ok, bins=CALIB_BINS[view])
        # the default threshold: the lowest that holds in both views, the edges commands show
        # (inferred, the explicit edges known) and every cue hidden (eval-replies --threads)
        picks = {view: pick_threshold(edge_outcomes(model, calib, view, cueless=cueless))
                 for model, view in ((blog, "inferred"), (cueless, "hidden"))}
        threshold = max(picks.values())
        print(f"threshold for precision >= {TARGET_PRECISION} + {MARGIN} (5th percentile over threads) "
              f"on calibration threads: {threshold} (per view: {picks})", flush=True)
        for model, domain, what in ((blog, BLOG_DOMAIN, "explicit edges known: inferred edges on uncued comments"),
                                    (cueless, CUELESS_DOMAIN, "every cue hidden: every comment")):
            model.meta.update({
                "domain": domain,
                "applies_to": "flat blog comment threads (comments without platform parents)"
                              + ("" if domain == BLOG_DOMAIN else " where no explicit reply edge is known"),
                "train": f"examples/generate_moa.py seeds {_span(train_used)}, truth labels"
                         + (f", +{len(args.threads)} threads' explicit edges"
                            if args.threads and domain == CUELESS_DOMAIN else ""),
                "calibration": f"seeds {_span(calib_used)}: {what}",
                "check": f"seeds {_span(check_used)}",
                "min_confidence": threshold,
            })
        for name, items in (("calib", calib), ("check", check)):
            scored = [s for t, tr in items for s in score_thread(t, model=blog, cueless=cueless, truth=tr)]
            row = report(scored, (threshold,), threads=len(items)).rows[0]
            print(f"{name}: at {threshold}: explicit edges known, uncued P {row['uncued']['precision']}"
                  f" R {row['uncued']['recall']} ({row['uncued']['edges']} edges) | every cue hidden P"
                  f" {row['truth']['precision']} R {row['truth']['recall']} ({row['truth']['edges']} edges)"
                  f" | explicit P {row['explicit']['precision']} R {row['explicit']['recall']}", flush=True)
            blog.meta[f"{name}_at_threshold"] = row
            cueless.meta[f"{name}_at_threshold"] = row
        curve = report([s for t, tr in check for s in score_thread(t, model=blog, cueless=cueless, truth=tr)],
                       sorted({0.5, 0.6, 0.7, 0.8, 0.9, 0.95, threshold}), threads=len(check))
        print("check:", flush=True)
        for row in curve.rows:
            u, h = row["uncued"], row["truth"]
            print(f"  >= {row['threshold']:.2f}: known: P {u['precision']} R {u['recall']} ({u['edges']} edges)"
                  f" | hidden: P {h['precision']} R {h['recall']} ({h['edges']} edges)", flush=True)
    out = args.out or args.model
    learned.save_model(irc, out, domains={BLOG_DOMAIN: blog, CUELESS_DOMAIN: cueless})
    print(f"wrote {out} ({Path(out).stat().st_size / 1024:.0f} KB) in {time.time() - t0:.0f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
