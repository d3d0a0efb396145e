"""`threadpress eval-replies`: score the learned reply model on the public IRC gold data."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..errors import ThreadpressError


class EvaluationError(ThreadpressError):
    """The evaluation could not run (bad data folder, unreadable model...)."""


@click.command("eval-replies")
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@click.option(
    "--irc",
    "irc_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="The irc-disentanglement checkout (or its data/ folder), e.g. ../shared/data/irc-disentanglement",
)
@click.option("--threads", "threads", is_flag=True,
              help="Score blog threads instead: PATH... are thread files or stored thread ids with explicit "
                   "edges (a truth.json next to a generated example is used too).")
@click.option("--split", type=click.Choice(["dev", "test"]), default="dev", show_default=True,
              help="Which IRC split to score (tune on dev; report test).")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as one JSON document.")
@click.option("--min-confidence", type=click.FloatRange(0.0, 1.0), default=None,
              help="IRC: drop inferred links below this calibrated confidence (default 0: keep all). "
                   "Threads: score only this threshold (default: a range of thresholds).")
@click.option("--model", "model_path", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Weights file to evaluate (default: the shipped model).")
@click.pass_obj
def eval_replies(app, paths: tuple[str, ...], irc_dir: Path | None, threads: bool, split: str, as_json: bool,
                 min_confidence: float | None, model_path: Path | None) -> None:
    """Score reply reconstruction: on the IRC disentanglement data, or on blog threads with cues hidden.

    IRC (--irc DIR): every annotated message gets its predicted antecedent among the previous 100
    messages (or itself: "starts a conversation"), plus the runner-up when the model is fairly sure
    of it too. Reports link precision/recall/F1 and the conversation scores 1 - scaled VI,
    one-to-one overlap and exact-match F1, all in percent, as the dataset's own tools do.

    Threads (--threads PATH...): the explicit reply cues (copied footers, @N, #N, @NAME, quotes)
    are removed from the text and the cue-less blog model predicts each comment's parent. For
    comments with explicit parents: precision and recall of its edges at each confidence
    threshold ("explicit"); "elsewhere" counts the edges inference would add to the other
    comments. With a generator truth.json next to a file, two more columns: every comment, cues
    hidden, against the truth ("hidden"), and the edges inference adds to the comments without a
    cue, the other comments' explicit edges known, as `parse --infer` does ("uncued").

    \b
    Example:
      threadpress eval-replies --irc ../shared/data/irc-disentanglement --split dev
      threadpress eval-replies --irc ../shared/data/irc-disentanglement --split test --json
      threadpress eval-replies --threads examples/moa/thread.txt
    """
    if threads == (irc_dir is not None):
        raise EvaluationError("eval-replies: give either --irc DIR or --threads PATH...")
    if threads:
        _eval_threads(app, paths, as_json, min_confidence, model_path)
        return
    if paths:
        raise EvaluationError(f"eval-replies: {paths[0]}: paths are only read with --threads")
    _eval_irc(irc_dir, split, as_json, min_confidence or 0.0, model_path)


def _eval_threads(app, paths: tuple[str, ...], as_json: bool, min_confidence: float | None,
                  model_path: Path | None) -> None:
    from ..replies import INFERRED_MIN_CONFIDENCE, blog_model
    from ..replies.blog_eval import THRESHOLDS, report, score_thread, truth_for

    if not paths:
        raise EvaluationError("eval-replies --threads: give at least one thread file or stored thread id")
    model, cueless = blog_model(known=True, path=model_path), blog_model(known=False, path=model_path)
    scored = []
    for ref in paths:
        thread = app.load(ref)
        scored += score_thread(thread, model=model, cueless=cueless, truth=truth_for(Path(ref)), name=ref)
    if not any(s.explicit or s.truth for s in scored):
        raise EvaluationError(f"eval-replies --threads: {paths[0]}: no comment has a known parent "
                              "(no explicit reply edges to hide)")
    thresholds = (min_confidence,) if min_confidence is not None else tuple(
        sorted(set(THRESHOLDS) | {INFERRED_MIN_CONFIDENCE}))
    rep = report(scored, thresholds, threads=len(paths))
    if as_json:
        out = rep.as_dict()
        out["default_threshold"] = INFERRED_MIN_CONFIDENCE
        click.echo(json.dumps(out))
        return
    n_explicit = sum(1 for s in scored if s.explicit)
    click.echo(f"{len(paths)} thread(s), {rep.comments} comments, {n_explicit} with explicit parents "
               f"(cues hidden); default threshold {INFERRED_MIN_CONFIDENCE}")
    has_truth = "truth" in rep.rows[0]
    head = f"{'conf >=':>8}  {'explicit P':>10} {'R':>6} {'edges':>6}  {'elsewhere':>9}"
    if has_truth:
        head += f"  {'hidden P':>8} {'R':>6} {'edges':>6}  {'uncued P':>8} {'R':>6} {'edges':>6}"
    click.echo(head)
    for row in rep.rows:
        e = row["explicit"]
        line = f"{row['threshold']:>8.2f}  {_pct(e['precision']):>10} {_pct(e['recall']):>6} {e['edges']:>6}  " \
               f"{row['elsewhere']:>9}"
        if has_truth:
            t, u = row["truth"], row["uncued"]
            line += f"  {_pct(t['precision']):>8} {_pct(t['recall']):>6} {t['edges']:>6}  " \
                    f"{_pct(u['precision']):>8} {_pct(u['recall']):>6} {u['edges']:>6}"
        click.echo(line + ("  <- default" if row["threshold"] == INFERRED_MIN_CONFIDENCE else ""))


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}"


def _eval_irc(irc_dir: Path, split: str, as_json: bool, min_confidence: float, model_path: Path | None) -> None:
    from ..replies.irc import predict_links, read_split
    from ..replies.learned import load_model
    from ..replies.metrics import evaluate

    try:
        files = read_split(irc_dir, split)
        model = load_model(model_path)
        auto, seen = predict_links(files, model, min_confidence=min_confidence)
        scores = evaluate({f.name: f.gold for f in files}, auto)
    except ThreadpressError:
        raise
    except (OSError, ValueError) as e:
        raise EvaluationError(f"{irc_dir}: {e}") from None
    link = scores["link"]
    out = {
        "link": {k: round(link[k], 2) for k in ("precision", "recall", "f1")},
        "vi": round(scores["vi"], 2),
        "one_to_one": round(scores["one_to_one"], 2),
        "exact_f1": round(scores["exact_f1"], 2),
    }
    if as_json:
        click.echo(json.dumps(out))
        return
    n = len(seen)
    acc = 100.0 * sum(1 for s in seen if s[2]) / n if n else 0.0
    mean_conf = 100.0 * sum(s[1] for s in seen) / n if n else 0.0
    click.echo(f"IRC disentanglement, {split} split: {len(files)} files, {n} scored messages")
    click.echo(f"link     precision {out['link']['precision']:.1f}  recall {out['link']['recall']:.1f}"
               f"  F1 {out['link']['f1']:.1f}")
    click.echo(f"clusters 1-scaled VI {out['vi']:.1f}  one-to-one {out['one_to_one']:.1f}"
               f"  exact-match F1 {out['exact_f1']:.1f}")
    click.echo(f"top-candidate accuracy {acc:.1f}, mean confidence {mean_conf:.1f}")
