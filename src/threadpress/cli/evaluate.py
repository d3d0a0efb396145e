"""`threadpress eval-replies`: score the learned reply model on the public IRC gold data."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..errors import ThreadpressError


class EvaluationError(ThreadpressError):
    """The evaluation could not run (bad data folder, unreadable model...)."""


@click.command("eval-replies")
@click.option(
    "--irc",
    "irc_dir",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="The irc-disentanglement checkout (or its data/ folder), e.g. ../shared/data/irc-disentanglement",
)
@click.option("--split", type=click.Choice(["dev", "test"]), default="dev", show_default=True,
              help="Which split to score (tune on dev; report test).")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as one JSON document.")
@click.option("--min-confidence", type=click.FloatRange(0.0, 1.0), default=0.0, show_default=True,
              help="Drop inferred links below this calibrated confidence (those messages stand alone).")
@click.option("--model", "model_path", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Weights file to evaluate (default: the shipped model).")
# TODO(lead): --threads PATH... (evaluation on held-out explicit edges of our own blog threads)
def eval_replies(irc_dir: Path, split: str, as_json: bool, min_confidence: float, model_path: Path | None) -> None:
    """Score reply reconstruction on the IRC disentanglement data, as the dataset's own tools do.

    Every annotated message gets its predicted antecedent among the previous 100 messages (or
    itself: "starts a conversation"), plus the runner-up when the model is fairly sure of it too.
    Reports link precision/recall/F1 and the conversation scores 1 - scaled VI, one-to-one
    overlap and exact-match F1, all in percent.

    \b
    Example:
      threadpress eval-replies --irc ../shared/data/irc-disentanglement --split dev
      threadpress eval-replies --irc ../shared/data/irc-disentanglement --split test --json
    """
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
