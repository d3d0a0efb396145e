"""Scores for reply reconstruction, computed the way the IRC disentanglement tools compute them
(Kummerfeld et al. 2019: tools/evaluation/graph-eval.py and conversation-eval.py).

Links are (source, antecedent) pairs per file, a self-link meaning "starts a conversation".
Precision = matched / predicted links, recall = matched / gold links (all files pooled).

Conversations are the connected components of the link graph; messages before the first scored
message of a file (context lines that only appear as antecedents) are dropped from the clusters, as
the tools' graph-to-cluster conversion does. Cluster scores pool all files (clusters of different
files never overlap):

- 1 - scaled VI: 1 - VI(gold, auto) / log2(N), VI = H(gold|auto) + H(auto|gold), N = messages.
- one-to-one: the best one-to-one matching of auto to gold conversations (max total overlap),
  as a percentage of messages (Elsner and Charniak 2008).
- exact-match F1: P/R/F over conversations that match a gold one exactly, conversations of a
  single message ignored.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Mapping

import numpy as np

#: {file name: {source: [antecedents]}}
Links = Mapping[str, Mapping[int, "list[int] | set[int] | tuple[int, ...]"]]


def link_pairs(links: Links) -> set[tuple[str, int, int]]:
    out: set[tuple[str, int, int]] = set()
    for name, per in links.items():
        for source, targets in per.items():
            for t in targets:
                out.add((name, int(source), int(t)))
    return out


def link_prf(gold: Links, auto: Links) -> dict[str, float]:
    """Link precision, recall, F1 in percent."""
    g = link_pairs(gold)
    a = link_pairs(auto)
    matched = len(g & a)
    p = 100.0 * matched / len(a) if a else 0.0
    r = 100.0 * matched / len(g) if g else 0.0
    f = 2 * p * r / (p + r) if matched else 0.0
    return {"precision": p, "recall": r, "f1": f}


def clusters(per: Mapping[int, "list[int] | set[int] | tuple[int, ...]"]) -> list[frozenset[int]]:
    """Connected components of one file's links, keeping only messages >= the first source."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    if not per:
        return []
    cutoff = min(per)
    for s, targets in per.items():
        find(s)
        for t in targets:
            ra, rb = find(s), find(t)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, set[int]] = defaultdict(set)
    for x in list(parent):
        groups[find(x)].add(x)
    out = [frozenset(v for v in g if v >= cutoff) for g in groups.values()]
    return sorted((c for c in out if c), key=min)


def _contingency(gold: dict[str, list[frozenset[int]]], auto: dict[str, list[frozenset[int]]]):
    """Sparse contingency table {(file, auto_k, gold_k): overlap} plus cluster sizes."""
    table: dict[tuple[str, int, int], int] = {}
    for name, acl in auto.items():
        where = {}
        for k, c in enumerate(gold.get(name, [])):
            for v in c:
                where[v] = k
        for ka, c in enumerate(acl):
            for v in c:
                kg = where.get(v)
                if kg is not None:
                    key = (name, ka, kg)
                    table[key] = table.get(key, 0) + 1
    return table


def scaled_vi(gold: dict[str, list[frozenset[int]]], auto: dict[str, list[frozenset[int]]]) -> float:
    """100 * (1 - VI / log2 N)."""
    table = _contingency(gold, auto)
    asize = [len(c) for cl in auto.values() for c in cl]
    gsize = [len(c) for cl in gold.values() for c in cl]
    total = float(sum(asize))
    if total <= 1:
        return 100.0
    asz = {(n, k): len(c) for n, cl in auto.items() for k, c in enumerate(cl)}
    gsz = {(n, k): len(c) for n, cl in gold.items() for k, c in enumerate(cl)}
    h_uv = 0.0
    i_uv = 0.0
    for (name, ka, kg), num in table.items():
        h_uv -= (num / total) * math.log2(num / total)
        i_uv += (num / total) * math.log2(num * total / (asz[name, ka] * gsz[name, kg]))
    del gsize
    vi = h_uv - i_uv
    return 100.0 - 100.0 * vi / math.log2(total)


def _max_assignment(W: np.ndarray) -> float:
    """Maximum total weight of a one-to-one assignment between rows and columns (weights >= 0)."""
    r, c = W.shape
    if r == 0 or c == 0:
        return 0.0
    if r > c:
        W = W.T
        r, c = c, r
    # Hungarian algorithm (shortest augmenting paths with potentials) on cost = -W, rows <= cols
    cost = -W.astype(np.float64)
    INF = float("inf")
    u = np.zeros(r + 1)
    v = np.zeros(c + 1)
    p = np.zeros(c + 1, dtype=np.int64)  # p[j] = row matched to column j (1-based), 0 = free
    way = np.zeros(c + 1, dtype=np.int64)
    for i in range(1, r + 1):
        p[0] = i
        j0 = 0
        minv = np.full(c + 1, INF)
        used = np.zeros(c + 1, dtype=bool)
        while True:
            used[j0] = True
            i0 = p[j0]
            cur = cost[i0 - 1] - u[i0] - v[1:]
            free = ~used[1:]
            better = free & (cur < minv[1:])
            minv[1:][better] = cur[better]
            way[1:][better] = j0
            cand = np.where(free, minv[1:], INF)
            j1 = int(np.argmin(cand)) + 1
            delta = cand[j1 - 1]
            u[p[used]] += delta
            v[used] -= delta
            minv[1:][free] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while True:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
            if j0 == 0:
                break
    total = 0.0
    for j in range(1, c + 1):
        if p[j]:
            total += W[p[j] - 1, j - 1]
    return total


def one_to_one(gold: dict[str, list[frozenset[int]]], auto: dict[str, list[frozenset[int]]]) -> float:
    """Percent of messages covered by the best one-to-one matching of auto to gold conversations."""
    table = _contingency(gold, auto)
    total = sum(len(c) for cl in auto.values() for c in cl)
    if total == 0:
        return 0.0
    # the matching decomposes over connected components of the overlap graph
    parent: dict[tuple, tuple] = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for name, ka, kg in table:
        ra, rb = find(("a", name, ka)), find(("g", name, kg))
        if ra != rb:
            parent[ra] = rb
    comps: dict[tuple, list[tuple[tuple, tuple, int]]] = defaultdict(list)
    for (name, ka, kg), num in table.items():
        comps[find(("a", name, ka))].append((("a", name, ka), ("g", name, kg), num))
    overlap = 0.0
    for edges in comps.values():
        rows = sorted({e[0] for e in edges})
        cols = sorted({e[1] for e in edges})
        if len(rows) == 1 or len(cols) == 1:
            overlap += max(e[2] for e in edges)
            continue
        ri = {x: k for k, x in enumerate(rows)}
        ci = {x: k for k, x in enumerate(cols)}
        W = np.zeros((len(rows), len(cols)))
        for ra, cg, num in edges:
            W[ri[ra], ci[cg]] = num
        overlap += _max_assignment(W)
    return float(100.0 * overlap / total)


def exact_match_f1(gold: dict[str, list[frozenset[int]]], auto: dict[str, list[frozenset[int]]]) -> float:
    """F1 over conversations matching exactly (conversations of one message skipped)."""
    g = {(n, c) for n, cl in gold.items() for c in cl if len(c) > 1}
    a = {(n, c) for n, cl in auto.items() for c in cl if len(c) > 1}
    matched = len(g & a)
    if not matched:
        return 0.0
    p = matched / len(a)
    r = matched / len(g)
    return 100.0 * 2 * p * r / (p + r)


def evaluate(gold: Links, auto: Links) -> dict:
    """All scores, in percent: {"link": {"precision","recall","f1"}, "vi", "one_to_one", "exact_f1"}.

    ``auto`` should hold a prediction for every scored message of every gold file."""
    gcl = {name: clusters(per) for name, per in gold.items()}
    acl = {name: clusters(per) for name, per in auto.items() if name in gold}
    for name in gold:
        acl.setdefault(name, [])
    return {
        "link": link_prf(gold, auto),
        "vi": scaled_vi(gcl, acl),
        "one_to_one": one_to_one(gcl, acl),
        "exact_f1": exact_match_f1(gcl, acl),
    }
