#!/usr/bin/env python3
"""How well could anyone find the parent of a generated reply whose cue was hidden?

    .venv/bin/python scripts/blog_ceiling.py [--first 5000] [--count 60]

Scores the generator's own choice of target (`examples/generate_moa.py`, `Gen.pick_targets`) as a
predictor: for every explicit single-target reply by a commenter (not the main author or the host),
the posterior over earlier comments from the generator's exact weights (distance, the main author,
"answered me before"), and, in a second line, times the likelihood of the reply's true topic (the
generator gives a reply its target's topic 85% of the time). It knows what no model reading the
text knows (the weights, every other edge, the true topics), so it bounds what a model can reach
when every cue is hidden (docs/replies.md, "Every cue hidden"). Use development seeds, not the
calibration or check seeds of scripts/train_blog.py.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))
import generate_moa as gen  # noqa: E402


def posteriors(g: gen.Gen):
    """(true target, candidates, prior weights, weights x topic likelihood) per scored reply."""
    cs = g.comments
    for i, c in sorted(cs.items()):
        if c.author in (gen.MAIN, gen.HOST) or len(c.edges) != 1 or not c.edges[0]["explicit"]:
            continue
        mine = [t for t in gen.AUTHOR[c.author].topics if t != "meta"]
        other = (1 / len(mine)) if c.topic in mine else 0.0  # the reply's topic, drawn from its author's own
        cands, prior, post = [], [], []
        for j in range(1, i):
            if j not in cs or not g.valid_target(j, c.author):
                continue
            w = 120 // (i - j + 2) + 1
            if cs[j].author == gen.MAIN:
                w *= 4
            if any(cs[e["target"]].author == c.author for e in cs[j].edges):
                w *= 4
            like = other if cs[j].topic == "meta" else 0.85 * (cs[j].topic == c.topic) + 0.15 * other
            cands.append(j)
            prior.append(w)
            post.append(w * like)
        if cands and sum(post) > 0:
            yield c.edges[0]["target"], cands, np.array(prior, float), np.array(post, float)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--first", type=int, default=5000)
    ap.add_argument("--count", type=int, default=60, help="seeds to try (some make the generator give up)")
    args = ap.parse_args(argv)
    rows, threads = [], 0
    for seed in range(args.first, args.first + args.count):
        g = gen.Gen(seed)
        g.post_text = gen.post_text()
        try:  # the seeds where the generator gives up are skipped, as scripts/train_blog.py does
            g.build()
            r = gen.Renderer(g)
            gen.validate(g, r.truth(), r.text())
        except Exception:  # noqa: BLE001 (any failure of the generator means: no thread for this seed)
            continue
        threads += 1
        for target, cands, prior, post in posteriors(g):
            p, q = post / post.sum(), prior / prior.sum()
            rows.append((cands[int(q.argmax())] == target, q.max(), cands[int(p.argmax())] == target, p.max()))
    a = np.array(rows, float)
    print(f"{threads} threads, {len(a)} explicit single-target replies by commenters")
    for name, hit, sure in (("weights only", a[:, 0], a[:, 1]), ("weights and true topics", a[:, 2], a[:, 3])):
        line = f"{name}: best guess right {hit.mean():.1%}"
        for t in (0.5, 0.8, 0.9):
            sel = sure >= t
            prec = f"{hit[sel].mean():.1%} right" if sel.any() else "none"
            line += f"; >= {t}: {sel.mean():.1%} of replies ({prec})"
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
