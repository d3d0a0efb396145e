#!/usr/bin/env python3
"""Train the learned reply model on the IRC disentanglement train split; write the shipped weights.

    .venv/bin/python scripts/train_replies.py [--irc ../shared/data/irc-disentanglement] [--seeds 0 1 2 3]

Reproducible: fixed seeds, deterministic numpy training. Tuning (and confidence calibration) uses
the dev split only; the test split is never read here.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from threadpress.replies import learned  # noqa: E402
from threadpress.replies.irc import predict_links, read_split, tune_second_link  # noqa: E402
from threadpress.replies.metrics import evaluate  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--irc", default=str(ROOT.parent / "shared" / "data" / "irc-disentanglement"))
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3])
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--hidden", type=int, nargs=2, default=[128, 64])
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--no-stack", action="store_true", help="one stage only (no stacked second stage)")
    ap.add_argument("--folds", type=int, default=2, help="cross-fitting folds for the first stage")
    ap.add_argument("--limit", type=int, default=None, help="use only the first N training files")
    ap.add_argument("--out", default=str(learned.DEFAULT_PATH))
    args = ap.parse_args(argv)

    t0 = time.time()
    train = read_split(args.irc, "train", limit=args.limit)
    dev = read_split(args.irc, "dev")
    examples = [(f.messages, f.gold) for f in train]
    # (the lead adds: edges our explicit rules found in our own threads, as more (messages, gold) sets)
    print(f"read {len(train)} train files, {sum(len(f.gold) for f in train)} scored messages", flush=True)
    model = learned.train(
        examples,
        seeds=args.seeds,
        hidden=tuple(args.hidden),
        epochs=args.epochs,
        lr=args.lr,
        batch=args.batch,
        stack=not args.no_stack,
        folds=args.folds,
        log=lambda s: print(s, flush=True),
    )
    print(f"trained in {time.time() - t0:.0f}s", flush=True)

    # calibrate the top-candidate probability on dev (held-out), then score dev
    _, seen = predict_links(dev, model)
    raw = np.array([s[0] for s in seen])
    ok = np.array([s[2] for s in seen])
    model.calib_x, model.calib_y = learned.fit_calibration(raw, ok)
    # IRC messages may answer several messages: also link the runner-up above a dev-tuned threshold
    model.meta["second_link"] = tune_second_link(dev, model)
    print(f"second-link threshold (dev) {model.meta['second_link']}", flush=True)
    auto, seen = predict_links(dev, model)
    gold = {f.name: f.gold for f in dev}
    scores = evaluate(gold, auto)
    conf = np.array([s[1] for s in seen])
    ece = calibration_error(conf, ok)
    model.meta.update(
        {
            "dev": {k: (v if not isinstance(v, dict) else dict(v)) for k, v in scores.items()},
            "dev_ece": ece,
            "train_files": len(train),
        }
    )
    learned.save_model(model, args.out)
    link = scores["link"]
    print(
        f"dev link P/R/F1 {link['precision']:.1f}/{link['recall']:.1f}/{link['f1']:.1f}  "
        f"1-VI {scores['vi']:.1f}  1-1 {scores['one_to_one']:.1f}  exact F1 {scores['exact_f1']:.1f}  "
        f"ECE {100 * ece:.1f}"
    )
    print(f"wrote {args.out} ({Path(args.out).stat().st_size / 1024:.0f} KB) in {time.time() - t0:.0f}s")
    return 0


def calibration_error(conf: np.ndarray, ok: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error with equal-width bins."""
    edges = np.linspace(0, 1, bins + 1)
    err = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        sel = (conf >= lo) & ((conf < hi) | (hi == 1.0))
        if sel.any():
            err += sel.mean() * abs(conf[sel].mean() - ok[sel].mean())
    return float(err)


if __name__ == "__main__":
    raise SystemExit(main())
