"""Blog threads and the learned reply model: cues hidden, scoring on known edges, the blog model in
the shipped weights file, default thresholds for inferred edges, and `eval-replies --threads`."""

from __future__ import annotations

import json

import pytest
from moa_text import moa_text

from threadpress.digest import (
    DEFAULT_MIN_CONFIDENCE,
    apply_default_thresholds,
    min_confidence_for,
)
from threadpress.load import parse_bytes
from threadpress.model import ReplyEdge
from threadpress.replies import INFERRED_MIN_CONFIDENCE, learned
from threadpress.replies.blog_eval import Scored, report, truth_links
from threadpress.replies.cues import gold_links, hide_cues

BASE = [
    ("Rowan Ashgrove", "The strip in Malgar is eighteen kilometres deep now."),
    ("Mina_77", "Nobody in Westmarch reads the transcripts anyway."),
    ("Jürgen Weiß", "Energy prices decide the next election in Aurelia."),
]


def thread(rows):
    return parse_bytes(moa_text(BASE + rows).encode(), name="t.txt")


def test_hide_cues_removes_every_explicit_cue_and_keeps_the_rest():
    t = thread([
        ("Sable", "{f1}\nDeep is not the same as wide."),                       # 4: address line
        ("Corvid", "@2: the Herald prints them."),                              # 5: @N
        ("Ottoline", "#3 Prices are only half of it."),                         # 6: #N
        ("Ferro", "Mina_77 @2 Quite right."),                                   # 7: NAME @N
        ("Hieronymus", "@Mina_77 2 Not quite."),                                # 8: @NAME N
        ("kaskade", "Agree with @Jürgen Weiß on this. Gas matters."),           # 9: @NAME inline
        ("Anaïs", "Energy prices decide the next election in Aurelia.\n\n{p3}\n\nOnly if turnout holds."),  # 10: quote
        ("Grey Heron", "See #1 priority and @b for the post."),                 # 11: #1 reads as a cue
    ])
    msgs = hide_cues(t)
    text = {m.index + 1: m.text for m in msgs}  # positions are 0-based; numbers here start at 1
    assert text[4] == "Deep is not the same as wide."
    assert text[5] == "the Herald prints them."
    assert text[6] == "Prices are only half of it."
    assert text[7] == "Quite right."
    assert text[8] == "Not quite."
    assert text[9] == "Agree with on this. Gas matters."
    assert text[10] == "Only if turnout holds."
    # the explicit rules read "#1" as an edge to comment 1, so it is hidden like any cue; "@b"
    # addresses the post (no edge) and stays
    assert text[11] == "See priority and @b for the post."
    assert gold_links(t)[10] == [0]
    assert [m.author for m in msgs][:3] == [a for a, _ in BASE]
    assert text[1] == BASE[0][1]  # comments without cues are untouched


def test_gold_links_are_the_explicit_edges_by_position():
    t = thread([
        ("Sable", "{f1}\nDeep is not the same as wide."),
        ("Corvid", "@2, @4: both of you, no."),
        ("Ottoline", "Just a remark of my own."),
    ])
    assert gold_links(t) == {3: [0], 4: [1, 3]}


def test_truth_links_from_a_generator_truth():
    t = thread([("Sable", "x"), ("Corvid", "y")])
    truth = {"comments": [{"number": n} for n in range(1, 6)],
             "edges": [{"source": 4, "target": 1}, {"source": 5, "target": 4}, {"source": 5, "target": 2}]}
    assert truth_links(t, truth) == {0: frozenset(), 1: frozenset(), 2: frozenset(), 3: frozenset({0}),
                                     4: frozenset({1, 3})}


def test_report_counts_hand_made_cases():
    E = frozenset
    rows = [
        # comments with explicit parents
        Scored("t", 1, 0.95, 0, E({0})),            # hit at every threshold
        Scored("t", 2, 0.70, 0, E({1})),            # miss, only below 0.8
        Scored("t", 3, 0.85, 1, E({0, 1})),         # hit (one of two parents)
        Scored("t", 4, 0.99, None, E({2})),         # "starts a conversation": no edge
        # comments without explicit parents: what infer_edges would add there is counted
        Scored("t", 5, 0.90, 3, E(), infer_confidence=0.9, infer_target=3),
        Scored("t", 6, 0.60, None, E(), infer_confidence=0.6, infer_target=None),
    ]
    rep = report(rows, (0.5, 0.8, 0.9))
    at = {r["threshold"]: r for r in rep.rows}
    assert at[0.5]["explicit"] == {"edges": 3, "correct": 2, "precision": 0.6667, "recall": 0.5, "of": 4}
    assert at[0.8]["explicit"] == {"edges": 2, "correct": 2, "precision": 1.0, "recall": 0.5, "of": 4}
    assert at[0.9]["explicit"]["edges"] == 1 and at[0.9]["explicit"]["recall"] == 0.25
    assert [at[t]["elsewhere"] for t in (0.5, 0.8, 0.9)] == [1, 1, 1]
    assert "truth" not in at[0.5]


def test_report_with_truth_scores_uncued_comments_apart():
    E = frozenset

    def row(n, target, explicit, truth, cued, infer_target, conf=0.9):
        return Scored("t", n, conf, target, explicit, truth=truth, cued=cued, infer_confidence=conf,
                      infer_target=infer_target)

    rows = [
        row(1, 0, E({0}), E({0}), True, 0),         # cued: only in "explicit" and "truth"
        row(2, 0, E(), E({1}), False, 0),           # wrong implicit guess
        row(3, 2, E(), E({2}), False, 2),           # right implicit guess
        row(4, 3, E(), E(), False, 3),              # answers nobody: a false edge
        row(5, None, E(), E(), False, None),        # correctly left alone
        row(6, None, E(), E({4}), False, 4),        # inference (knowing explicit edges) gets it right
    ]
    r = report(rows, (0.5,)).rows[0]
    assert r["truth"] == {"edges": 4, "correct": 2, "precision": 0.5, "recall": 0.5, "of": 4}
    assert r["uncued"] == {"edges": 4, "correct": 2, "precision": 0.5, "recall": 0.6667, "of": 3}
    assert r["elsewhere"] == 4


def test_shipped_file_has_the_irc_and_the_blog_models():
    assert learned.domains() == ["irc", "blog", "blog_cueless"]
    irc, blog = learned.load_model(), learned.load_model(domain="blog")
    cueless = learned.load_model(domain="blog_cueless")
    assert blog.meta["domain"] == "blog" and "blog" in blog.meta["applies_to"]
    assert cueless.meta["domain"] == "blog_cueless" and "no explicit reply edge" in cueless.meta["applies_to"]
    assert irc.meta.get("dev", {}).get("link")  # the IRC model with its dev scores, untouched
    # the documented default threshold is the one training chose, for both blog models
    assert blog.meta["min_confidence"] == cueless.meta["min_confidence"] == INFERRED_MIN_CONFIDENCE


def test_inference_picks_the_model_for_what_is_known(tmp_path):
    from threadpress.replies import blog_model, infer_edges

    assert blog_model(known=True) is learned.load_model(domain="blog")
    assert blog_model(known=False) is learned.load_model(domain="blog_cueless")
    # a weights file from before the cue-less model: the blog model serves both
    old = tmp_path / "old.npz"
    learned.save_model(learned.load_model(), old, domains={"blog": learned.load_model(domain="blog")})
    assert blog_model(known=False, path=old).meta["domain"] == "blog"

    from threadpress.replies import resolve

    def inferred(t):
        resolve(t)
        infer_edges(t)
        return {c.number: e.confidence for c in t.comments for e in c.parents if e.how == "inferred"}

    def expected(t, model):
        resolve(t)
        cued = {c.number for c in t.comments if c.parents}
        return {p.index + 1: round(p.confidence, 4)
                for p in learned.predict(hide_cues(t, with_edges=True), model=model)
                if p.target is not None and p.index + 1 not in cued}

    rows = [("Sable", "Deep is not the same as wide, and the maps show it."),
            ("Corvid", "That is the whole point though: deep and wide are different things.")]
    # no explicit edge anywhere: the cue-less model
    assert inferred(thread(rows)) == expected(thread(rows), blog_model(known=False))
    # one explicit edge (comment 6 -> 2): the blog model, and comment 6 keeps its explicit edge only
    rows += [("Ottoline", "@2: the Herald prints them.")]
    got = inferred(thread(rows))
    assert got == expected(thread(rows), blog_model(known=True)) and 6 not in got
    assert got != expected(thread(rows), blog_model(known=False))


def test_inferred_edges_need_their_own_default_threshold():
    t = thread([("Sable", "x"), ("Corvid", "y")])
    a, b, c = t.comments[3], t.comments[4], t.comments[2]
    a.parents = [ReplyEdge(t.comments[0].id, "inferred", INFERRED_MIN_CONFIDENCE - 0.05, "model")]
    b.parents = [ReplyEdge(t.comments[1].id, "inferred", INFERRED_MIN_CONFIDENCE, "model")]
    c.parents = [ReplyEdge(t.comments[0].id, "number", 0.6, "@1")]
    assert min_confidence_for(a.parents[0]) == INFERRED_MIN_CONFIDENCE
    assert min_confidence_for(c.parents[0]) == DEFAULT_MIN_CONFIDENCE
    assert min_confidence_for(a.parents[0], 0.3) == 0.3
    apply_default_thresholds(t, 0.3)  # --min-confidence given: nothing dropped
    assert len(a.parents) == 1
    apply_default_thresholds(t)
    assert a.parents == [] and len(b.parents) == 1 and len(c.parents) == 1


def test_parse_shows_inferred_edges_only_above_the_default(cli, tmp_path):
    # comment 5 reacts to comment 4 without any cue; --infer proposes an edge whatever its confidence
    path = tmp_path / "t.txt"
    path.write_text(moa_text(BASE + [
        ("Sable", "Aurelian elections are decided by energy prices and nothing else this winter."),
        ("Corvid", "That's the whole point though. Energy prices and the winter decide the Aurelian vote."),
    ]), encoding="utf-8")
    low = json.loads(cli("parse", str(path), "--infer", "--json", "--min-confidence", "0").output)
    inferred = [(c["number"], e["confidence"]) for c in low["comments"] for e in c.get("parents", [])
                if e["how"] == "inferred"]
    assert inferred  # with the threshold at 0 the model's guesses are shown
    shown = json.loads(cli("parse", str(path), "--infer", "--json").output)
    kept = [(c["number"], e["confidence"]) for c in shown["comments"] for e in c.get("parents", [])
            if e["how"] == "inferred"]
    assert kept == [x for x in inferred if x[1] >= INFERRED_MIN_CONFIDENCE]


def test_eval_replies_threads(cli, tmp_path):
    path = tmp_path / "t.txt"
    path.write_text(moa_text(BASE + [
        ("Sable", "@1: Deep is not the same as wide."),
        ("Corvid", "That is the whole point though."),
        ("Ottoline", "#2 Nobody reads them, true."),
    ]), encoding="utf-8")
    res = cli("eval-replies", "--threads", str(path), "--json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["threads"] == 1 and out["comments"] == 6
    assert out["default_threshold"] == INFERRED_MIN_CONFIDENCE
    row = out["thresholds"][0]
    assert row["explicit"]["of"] == 2  # comments 4 and 6 have explicit parents
    assert row["explicit"]["edges"] <= 2 and row["explicit"]["correct"] <= row["explicit"]["edges"]
    one = json.loads(cli("eval-replies", "--threads", str(path), "--json", "--min-confidence", "0.7").output)
    assert [r["threshold"] for r in one["thresholds"]] == [0.7]
    text = cli("eval-replies", "--threads", str(path))
    assert "with explicit parents" in text.output and "<- default" in text.output


def test_eval_replies_bad_input(cli, tmp_path):
    res = cli("eval-replies", "--threads")
    assert res.exit_code == 1 and "at least one thread" in res.output
    res = cli("eval-replies")
    assert res.exit_code == 1 and "either --irc DIR or --threads" in res.output
    flat = tmp_path / "flat.txt"
    flat.write_text(moa_text(BASE), encoding="utf-8")
    res = cli("eval-replies", "--threads", str(flat))
    assert res.exit_code == 1 and "no comment has a known parent" in res.output
    res = cli("eval-replies", "--threads", str(tmp_path / "missing.txt"))
    assert res.exit_code == 1 and "missing.txt" in res.output


def _train_blog_script():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "scripts" / "train_blog.py"
    spec = importlib.util.spec_from_file_location("train_blog", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_blog_training_is_reproducible(tmp_path):
    import numpy as np

    tb = _train_blog_script()
    items, seeds = tb.generate(1001, 2, tmp_path)
    assert len(items) == 2 and 20251231 not in seeds
    examples = [tb.example(t, tr) for t, tr in items]
    # labels: every comment the explicit rules leave without an edge, with its true parent or itself
    _, gold = examples[0]
    assert gold and all(len(v) >= 1 for v in gold.values())
    kw = {"hidden": (8, 4), "epochs": 1, "batch": 64, "max_candidates": 30, "seeds": (5,)}
    m1, m2 = learned.train(examples, **kw), learned.train(examples, **kw)
    w = [(a, b) for s1, s2 in zip(m1.stages, m2.stages) for n1, n2 in zip(s1.nets, s2.nets)
         for a, b in zip(n1.params(), n2.params())]
    assert w and all(np.array_equal(a, b) for a, b in w)
    # the bundled example's seed is never used for training
    with pytest.raises(SystemExit):
        tb.generate(20251231, 1, tmp_path)


def test_threshold_choice_needs_precision_with_a_margin():
    import numpy as np

    tb = _train_blog_script()
    conf = np.linspace(0.5, 0.99, 500)
    ok = conf > 0.6  # above 0.6 every edge is right, below none is
    threads = [(conf[k::10], ok[k::10]) for k in range(10)]  # ten threads alike
    t = tb.pick_threshold(threads)
    sel, below = conf >= t, conf >= round(t - 0.01, 2)
    assert 0.55 < t < 0.6  # some wrong edges are let in, as long as precision stays >= 0.92
    assert ok[sel].mean() >= 0.92 > ok[below].mean() - 0.01
    assert tb.pick_threshold([(conf, np.zeros(500, bool))]) == 1.0  # never precise enough: nothing shown
    # one thread full of wrong confident edges among good ones: resampling threads raises the bar
    bad = (np.full(60, 0.95), np.zeros(60, bool))
    assert tb.pick_threshold(threads + [bad]) > 0.95


def test_threshold_is_never_chosen_on_too_few_edges():
    import numpy as np

    tb = _train_blog_script()
    # 20 edges, all wrong, above 0.9; nothing decides above that with min_edges 30, and below it the
    # edges are wrong: the threshold stays at 1.0 (nothing shown), not at an undecided 0.99
    conf = np.concatenate([np.linspace(0.91, 0.99, 20), np.linspace(0.5, 0.9, 200)])
    ok = np.zeros(220, bool)
    assert tb.pick_threshold([(conf, ok)]) == 1.0
    # the same edges right: they decide from where there are 30 of them
    t = tb.pick_threshold([(conf, np.ones(220, bool))])
    assert t == 0.5

def test_shipped_blog_models_on_the_bundled_example():
    """A floor under the shipped models' quality on the bundled thread (report-only data, never
    trained or tuned on): a broken feature grid or a weights file out of step with `features.py`
    gives guesses, not these figures (docs/replies.md, "Results", has 5 of 6 and 1 of 1)."""
    from pathlib import Path

    from threadpress.replies.blog_eval import score_thread

    moa = Path(__file__).resolve().parents[1] / "examples" / "moa"
    t = parse_bytes((moa / "thread.txt").read_bytes(), name="thread.txt")
    truth = json.loads((moa / "truth.json").read_text(encoding="utf-8"))
    row = report(score_thread(t, truth=truth), (0.5, INFERRED_MIN_CONFIDENCE)).rows
    loose, default = row[0], row[1]
    # explicit edges known, as `parse --infer` works: several edges at the default, nearly all right
    assert default["uncued"]["edges"] >= 5 and default["uncued"]["precision"] >= 0.8
    # every cue hidden: at 0.5 the cue-less model still finds some parents, and whatever it is sure
    # of at the default is right
    assert loose["truth"]["correct"] >= 5
    assert default["truth"]["edges"] == default["truth"]["correct"]
