"""The IRC reply scorer on hand-made cases whose answers are worked out by hand below."""

from __future__ import annotations

import math

import numpy as np
import pytest

from threadpress.replies.metrics import (
    _max_assignment,
    clusters,
    evaluate,
    exact_match_f1,
    link_prf,
    one_to_one,
    scaled_vi,
)


def test_links_with_several_gold_antecedents():
    # gold: 10 starts, 11->10, 12 starts, 13 answers both 11 and 12   => 5 gold links
    gold = {"f": {10: [10], 11: [10], 12: [12], 13: [11, 12]}}
    # auto: one antecedent each; (12,11) is wrong; (13,12) is right  => 4 auto links, 3 matched
    auto = {"f": {10: [10], 11: [10], 12: [11], 13: [12]}}
    s = link_prf(gold, auto)
    assert s["precision"] == pytest.approx(75.0)  # 3/4
    assert s["recall"] == pytest.approx(60.0)  # 3/5
    assert s["f1"] == pytest.approx(2 * 75 * 60 / 135)  # 66.67
    # both graphs connect 10..13 into one conversation, so every cluster score is perfect
    full = evaluate(gold, auto)
    assert full["vi"] == pytest.approx(100.0)
    assert full["one_to_one"] == pytest.approx(100.0)
    assert full["exact_f1"] == pytest.approx(100.0)


def test_cluster_scores_worked_example():
    gold = {"f": {20: [20], 21: [20], 22: [22], 23: [22]}}  # {20,21} {22,23}
    auto = {"f": {20: [20], 21: [20], 22: [21], 23: [23]}}  # {20,21,22} {23}
    assert clusters(gold["f"]) == [frozenset({20, 21}), frozenset({22, 23})]
    assert clusters(auto["f"]) == [frozenset({20, 21, 22}), frozenset({23})]
    s = evaluate(gold, auto)
    # links: (20,20) and (21,20) match out of 4 each
    assert s["link"]["f1"] == pytest.approx(50.0)
    # contingency cells: A1&G1 = 2, A1&G2 = 1, A2&G2 = 1 (N = 4)
    # H(joint) = .5*1 + .25*2 + .25*2 = 1.5 bits
    # I = .5*log2(.5/(.75*.5)) + .25*log2(.25/(.75*.5)) + .25*log2(.25/(.25*.5))
    mi = 0.5 * math.log2(4 / 3) + 0.25 * math.log2(2 / 3) + 0.25 * 1.0
    vi = 1.5 - mi  # 1.18872 bits; scaled by log2(4) = 2
    assert s["vi"] == pytest.approx(100 * (1 - vi / 2))  # 40.56
    assert s["vi"] == pytest.approx(40.5639, abs=1e-3)
    # one-to-one: A1<->G1 (2) + A2<->G2 (1) = 3 of 4 messages
    assert s["one_to_one"] == pytest.approx(75.0)
    # exact match: no auto conversation of 2+ messages equals a gold one
    assert s["exact_f1"] == 0.0


def test_exact_match_skips_single_messages():
    g = {"f": [frozenset({30, 31}), frozenset({32, 33}), frozenset({34})]}
    a = {"f": [frozenset({30, 31}), frozenset({32}), frozenset({33}), frozenset({34})]}
    # gold (size > 1): 2 conversations; auto (size > 1): 1; matched 1 -> P = 1, R = 1/2, F = 2/3
    assert exact_match_f1(g, a) == pytest.approx(200 / 3)


def test_context_lines_are_cut_from_clusters():
    # 40 answers 38, a context line before the first scored message (40): 38 is dropped
    per = {40: [38], 41: [40], 42: [42]}
    assert clusters(per) == [frozenset({40, 41}), frozenset({42})]


def test_files_are_kept_apart():
    gold = {"a": {1: [1], 2: [1]}, "b": {1: [1], 2: [2]}}
    auto = {"a": {1: [1], 2: [1]}, "b": {1: [1], 2: [1]}}
    s = evaluate(gold, auto)
    # links: a has 2/2 right, b has (1,1) right and (2,1) wrong -> 3 of 4
    assert s["link"]["precision"] == pytest.approx(75.0)
    # clusters: a {1,2}=={1,2}; b gold {1},{2} vs auto {1,2}: one-to-one matches 1 of b's 2 messages
    assert s["one_to_one"] == pytest.approx(75.0)


def test_assignment_beats_greedy():
    # greedy would take 5 then 0 (= 5); the best one-to-one assignment is 4 + 4 = 8
    assert _max_assignment(np.array([[5.0, 4.0], [4.0, 0.0]])) == pytest.approx(8.0)
    # rectangular: 3 rows, 2 columns -> best is 3 (r0,c1)... check all options by hand:
    # r0c0+r1c1 = 1+1, r0c0+r2c1 = 1+0, r0c1+r1c0 = 3+2, r0c1+r2c0 = 3+2, r1c0+r2c1 = 2+0, r1c1+r2c0 = 1+2
    assert _max_assignment(np.array([[1.0, 3.0], [2.0, 1.0], [2.0, 0.0]])) == pytest.approx(5.0)


def test_one_to_one_and_vi_identity():
    g = {"f": [frozenset({1, 2, 3}), frozenset({4})]}
    assert one_to_one(g, g) == pytest.approx(100.0)
    assert scaled_vi(g, g) == pytest.approx(100.0)


def test_missing_predictions_count_against_recall():
    gold = {"f": {5: [5], 6: [5]}}
    auto = {"f": {5: [5], 6: []}}  # 6 below the confidence threshold: no link, a singleton
    s = evaluate(gold, auto)
    assert s["link"]["precision"] == pytest.approx(100.0)
    assert s["link"]["recall"] == pytest.approx(50.0)
    assert s["one_to_one"] == pytest.approx(50.0)
