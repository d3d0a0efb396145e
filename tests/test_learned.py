"""The learned reply model: reproducible training, inference on a blog-like thread, the IRC reader
and the eval-replies command."""

from __future__ import annotations

import json
import math
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from threadpress.replies import learned
from threadpress.replies.features import FEATURES, OPENING_WORDS, Message, featurize
from threadpress.replies.irc import parse_line, read_split

#: A slice of the IRC gold data kept in the repo (see its README), laid out like the dataset.
IRC = Path(__file__).resolve().parent / "fixtures" / "irc"


def _weights(model: learned.ReplyModel) -> list[np.ndarray]:
    out = []
    for st in model.stages:
        out += [st.mean, st.scale]
        for net in st.nets:
            out += net.params()
    return out


def test_training_is_reproducible(tmp_path):
    files = read_split(IRC, "train", limit=2)
    # a small slice: the last 300 lines of each file (context + scored lines), gold re-based
    examples = []
    for f in files:
        start = len(f.messages) - 300
        msgs = f.messages[start:]
        gold = {s - start: [t - start for t in ts if t >= start] for s, ts in f.gold.items() if s >= start}
        examples.append((msgs, {s: ts for s, ts in gold.items() if ts}))
    kw = dict(hidden=(8, 4), epochs=2, batch=64, max_candidates=30)
    m1 = learned.train(examples, seeds=(3,), **kw)
    m2 = learned.train(examples, seeds=(3,), **kw)
    m3 = learned.train(examples, seeds=(4,), **kw)
    w1, w2, w3 = _weights(m1), _weights(m2), _weights(m3)
    assert len(m1.stages) == 2 and len(w1) == len(w2)
    assert all(np.array_equal(a, b) for a, b in zip(w1, w2))
    assert not all(np.array_equal(a, b) for a, b in zip(w1, w3))
    # and the saved file loads back to the same predictions
    path = tmp_path / "m.npz"
    learned.save_model(m1, path)
    back = learned.load_model(path)
    p1 = learned.predict(examples[0][0], model=m1, max_candidates=30)
    p2 = learned.predict(examples[0][0], model=back, max_candidates=30)
    assert [(p.target, round(p.confidence, 6)) for p in p1] == [(p.target, round(p.confidence, 6)) for p in p2]


def _blog() -> list[Message]:
    t0 = datetime(2025, 12, 29, 18, 0, tzinfo=timezone.utc)
    long = "The ceasefire terms quoted above are vague about verification. " * 40
    rows = [
        ("Alice Smith", 0, "Does anyone know when the sanctions package takes effect? I could not find a date."),
        ("karlof1", 5, long),
        ("Bob", 9, "Alice Smith, it takes effect on January 1st according to the council statement."),
        ("Carol de Vries", None, "Great post, b. Thanks for the links."),
        ("Alice Smith", 31, "Thanks Bob, that matches what I read."),
        ("Dave", 40, "karlof1: verification was always the sticking point in those ceasefire terms."),
        ("Eve", None, "Unrelated, but has anyone seen the new shipping figures?"),
    ]
    return [
        Message(index=100 + k, author=a, time=None if m is None else t0 + timedelta(minutes=m), text=x)
        for k, (a, m, x) in enumerate(rows)
    ]


def test_predict_on_a_blog_thread():
    msgs = _blog()
    preds = learned.predict(msgs)
    assert [p.index for p in preds] == [m.index for m in msgs]
    for p, m in zip(preds, msgs):
        assert p.target is None or p.target < m.index
        assert 0.0 <= p.confidence <= 1.0
        assert 1 <= len(p.candidates) <= 3
        probs = [c[1] for c in p.candidates]
        assert probs == sorted(probs, reverse=True)
        assert p.candidates[0][0] == p.target
    assert preds[0].target is None  # the first comment cannot answer anything
    by = {p.index: p for p in preds}
    assert by[102].target == 100  # Bob names "Alice Smith" and answers her question
    assert by[104].target == 102  # Alice thanks Bob
    assert by[105].target == 101  # "karlof1:" addresses karlof1


def test_features_handle_missing_times_and_explicit_mentions():
    msgs = [
        Message(0, "A B", None, "first"),
        Message(1, "C", None, "second", mentions=("A B",)),
    ]
    X, valid = featurize(msgs, 5)
    assert X.shape == (2, 6, len(FEATURES)) and valid.sum() == 3
    assert X[1, 1, FEATURES.index("i_mentions_j")] == 1.0
    assert X[1, 1, FEATURES.index("time_unknown")] == 1.0
    assert learned.predict([]) == []


def test_parse_irc_lines():
    day = datetime(2008, 1, 1, tzinfo=timezone.utc)
    m = parse_line(5, "[23:59] <|trey|> usual: top in the list", day, None)
    assert (m.index, m.author, m.text, m.system) == (5, "|trey|", "usual: top in the list", False)
    late = parse_line(6, "[00:01] * Hikaru79 waves", day, m.time)
    assert late.author == "Hikaru79" and late.time - m.time == timedelta(minutes=2)
    sysm = parse_line(7, "=== draconian [~d@host]  has joined #ubuntu", day, late.time)
    assert sysm.system and sysm.author == "draconian" and sysm.time is None


def test_eval_replies_command_json(tmp_path):
    from threadpress.cli.evaluate import eval_replies

    # one dev file in the dataset's own layout (the whole split is slower than a unit test should be)
    dev = tmp_path / "data" / "dev"
    dev.mkdir(parents=True)
    for suffix in ("ascii.txt", "annotation.txt"):
        src = IRC / "data" / "dev" / f"2009-03-03_10.{suffix}"
        (dev / src.name).write_bytes(src.read_bytes())
    res = CliRunner().invoke(eval_replies, ["--irc", str(tmp_path), "--split", "dev", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert set(out) == {"link", "vi", "one_to_one", "exact_f1"}
    assert set(out["link"]) == {"precision", "recall", "f1"}
    assert out["link"]["f1"] > 60.0
    assert 0.0 <= out["vi"] <= 100.0 and 0.0 <= out["one_to_one"] <= 100.0
    # the threshold only removes links
    res2 = CliRunner().invoke(
        eval_replies, ["--irc", str(tmp_path), "--split", "dev", "--json", "--min-confidence", "0.9"]
    )
    out2 = json.loads(res2.output)
    assert out2["link"]["precision"] > out["link"]["precision"]
    assert out2["link"]["recall"] < out["link"]["recall"]


def test_eval_replies_bad_folder(tmp_path):
    from threadpress.cli.evaluate import eval_replies
    from threadpress.errors import ThreadpressError

    res = CliRunner().invoke(eval_replies, ["--irc", str(tmp_path), "--split", "dev"])
    assert res.exit_code != 0
    assert isinstance(res.exception, ThreadpressError)
    assert "\n" not in str(res.exception)


def test_known_share_and_author_activity_features():
    msgs = [Message(0, "A", None, "hello there"), Message(1, "B", None, "yes indeed", mentions=("A",)),
            Message(2, "A", None, "no"), Message(3, "C", None, "Agreed.")]
    X, _ = featurize(msgs, 5)
    share = X[:, 0, FEATURES.index("known_share")]
    # share of the previous messages carrying explicit edges: none before 0 and 1; 1 of 2; 1 of 3
    assert np.allclose(share, [0.0, 0.0, 0.5, 1 / 3])
    act = X[3, 1:4, FEATURES.index("j_author_activity")]
    # candidates of message 3: j=2 (A: 2 messages before 3), j=1 (B: 1), j=0 (A: 2)
    assert np.allclose(act, np.log1p([2, 1, 2]) / 3.0)
    assert X[3, 0, FEATURES.index("j_author_activity")] == 0.0  # "starts a conversation" has no author


def test_rarest_shared_word_features():
    msgs = [Message(0, "A", None, "Meren pipeline closes"), Message(1, "B", None, "pipeline weather"),
            Message(2, "C", None, "Meren pipeline, again")]
    X, _ = featurize(msgs, 5)
    top, last = FEATURES.index("overlap_max_idf"), FEATURES.index("overlap_latest_idf")
    # in-thread IDF over 3 messages, scaled by log 4: "meren" in 2 of them, "pipeline" in all 3
    meren, pipeline = math.log(4 / 2) / math.log(4), math.log(4 / 3) / math.log(4)
    # 2 and 0 share both words; the rarer is "meren", and 0 is the last message before 2 that used it
    # ("pipeline" was used since, by 1)
    assert X[2, 2, top] == pytest.approx(meren) and X[2, 2, last] == pytest.approx(meren)
    # 2 and 1 share "pipeline" only, and 1 used it last
    assert X[2, 1, top] == pytest.approx(pipeline) and X[2, 1, last] == pytest.approx(pipeline)
    assert X[1, 1, top] == pytest.approx(pipeline) and X[1, 1, last] == pytest.approx(pipeline)
    assert X[2, 0, top] == 0.0 and X[2, 0, last] == 0.0     # "starts a conversation" shares nothing
    only = X[:, :, FEATURES.index("overlap_only_j")]
    one = math.log1p(1) / 2.0
    # before 2, only 0 used "meren"; "pipeline" was used by 0 and 1, so it counts for neither
    assert only[2, 2] == pytest.approx(one) and only[2, 1] == 0.0
    assert only[1, 1] == pytest.approx(one)                    # before 1, only 0 used "pipeline"
    opening = FEATURES.index("opening_only_j")
    assert X[2, 2, opening] == pytest.approx(one)              # "meren" is among 2's first words
    late = msgs[:2] + [Message(2, "C", None, "again " * OPENING_WORDS + "Meren pipeline")]
    X2, _ = featurize(late, 5)
    assert X2[2, 2, FEATURES.index("overlap_only_j")] == pytest.approx(one)
    assert X2[2, 2, opening] == 0.0                            # ... and here it comes too late
