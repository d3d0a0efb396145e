"""The learned reply model: for each message, which earlier message does it answer (or none)?

A small feed-forward net scores every (message, candidate) pair from `features.featurize`; a
softmax over the candidates of one message (the previous ``max_candidates`` messages and "starts a
new conversation") gives the probability of each antecedent. Several nets trained from different
seeds are averaged, and the probability of the top candidate is recalibrated on held-out data so the
confidence means what it says.

Inference needs numpy only. Training (``train``) is plain numpy too, so it is reproducible bit for
bit on one machine: the same data and seed give the same weights.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np

from .features import FEATURES, STACK_FEATURES, Message, authors_and_prev, featurize, stack_features

DEFAULT_PATH = Path(__file__).with_name("reply_model.npz")

#: one training set: the messages of a thread in order, and {message position: [antecedent positions]}
#: (an antecedent equal to the message itself means "starts a new conversation").
Example = tuple[Sequence[Message], dict[int, list[int]]]


@dataclass(slots=True)
class Prediction:
    index: int  #: Message.index of the message
    target: int | None  #: Message.index of its antecedent; None = starts a new conversation
    confidence: float  #: calibrated probability that ``target`` is right
    candidates: list[tuple[int | None, float]] = field(default_factory=list)  #: top 3 (target, probability)
    #: a second earlier message this one likely also answers (runner-up above the model's dev-tuned
    #: threshold; IRC annotators link some messages to two antecedents)
    also: list[int] = field(default_factory=list)


@dataclass(slots=True)
class Net:
    """One member: x -> relu(x W1 + b1) -> relu(. W2 + b2) -> . w3 (a score per candidate)."""

    W1: np.ndarray
    b1: np.ndarray
    W2: np.ndarray
    b2: np.ndarray
    w3: np.ndarray

    def params(self) -> list[np.ndarray]:
        return [self.W1, self.b1, self.W2, self.b2, self.w3]

    def scores(self, X: np.ndarray) -> np.ndarray:
        """X (..., F) already standardised -> scores (...)."""
        h1 = np.maximum(X @ self.W1 + self.b1, 0.0)
        h2 = np.maximum(h1 @ self.W2 + self.b2, 0.0)
        return h2 @ self.w3


@dataclass(slots=True)
class Stage:
    """An ensemble of nets over one feature set, with its standardisation."""

    nets: list[Net]
    mean: np.ndarray
    scale: np.ndarray

    def probabilities(self, X: np.ndarray, valid: np.ndarray) -> np.ndarray:
        """Ensemble-averaged softmax over candidates: (n, K+1)."""
        # only the valid cells are scored; the standardisation is folded into the first layer, the
        # members' first layers are fused into one matrix, and rows go in cache-sized blocks
        rows = X[valid]
        W1, b1 = self._fused()
        H = self.nets[0].W2.shape[0] if self.nets else 0
        S = np.empty((len(self.nets), len(rows)), np.float32)
        for lo in range(0, len(rows), 4096):
            h = rows[lo : lo + 4096] @ W1
            h += b1
            np.maximum(h, 0.0, out=h)
            for k, net in enumerate(self.nets):
                h2 = h[:, k * H : (k + 1) * H] @ net.W2
                h2 += net.b2
                np.maximum(h2, 0.0, out=h2)
                S[k, lo : lo + 4096] = h2 @ net.w3
        P = np.zeros(valid.shape, np.float64)
        grid = np.full(valid.shape, -np.inf)
        for k in range(len(self.nets)):
            grid[valid] = S[k]
            P += _softmax(grid, valid)
        return P / max(len(self.nets), 1)

    def _fused(self) -> tuple[np.ndarray, np.ndarray]:
        inv = (1.0 / self.scale).astype(np.float32)
        W1 = np.concatenate([net.W1 * inv[:, None] for net in self.nets], axis=1).astype(np.float32)
        b1 = np.concatenate([net.b1 - (self.mean * inv) @ net.W1 for net in self.nets]).astype(np.float32)
        return W1, b1


@dataclass(slots=True)
class ReplyModel:
    #: stage 1 scores the base features; an optional stage 2 adds features computed from stage 1's
    #: view of the conversations (stacking) and rescores
    stages: list[Stage]
    max_candidates: int = 100
    #: confidence calibration: piecewise-linear map from raw top probability (xs) to accuracy (ys)
    calib_x: np.ndarray = field(default_factory=lambda: np.array([0.0, 1.0]))
    calib_y: np.ndarray = field(default_factory=lambda: np.array([0.0, 1.0]))
    meta: dict = field(default_factory=dict)
    #: columns of the current feature set this model was trained on (None: all of them, in order)
    feature_idx: np.ndarray | None = None

    def probabilities(self, X: np.ndarray, valid: np.ndarray, messages: Sequence[Message]) -> np.ndarray:
        if self.feature_idx is not None:
            X = X[:, :, self.feature_idx]
        P = self.stages[0].probabilities(X, valid)
        if len(self.stages) > 1:
            a, prev = authors_and_prev(list(messages))
            X2 = np.concatenate([X, stack_features(P, a, prev)], axis=2)
            P = self.stages[1].probabilities(X2, valid)
        return P

    def calibrate(self, p: np.ndarray) -> np.ndarray:
        return np.clip(np.interp(p, self.calib_x, self.calib_y), 0.0, 1.0)


def _softmax(S: np.ndarray, valid: np.ndarray) -> np.ndarray:
    S = np.where(valid, S, -np.inf)
    S = S - S.max(axis=1, keepdims=True)
    E = np.exp(S)
    return E / E.sum(axis=1, keepdims=True)


# ---------------------------------------------------------------- save / load


#: the domain of the unprefixed arrays in a weights file (the IRC-trained model); other domains'
#: arrays are stored in the same file under "<domain>__" prefixes
BASE_DOMAIN = "irc"


def save_model(model: ReplyModel, path: Path | str, *, domains: dict[str, ReplyModel] | None = None) -> None:
    """Write `model` (and, optionally, models for other domains, e.g. {"blog": ...}) to one file."""
    arrays = _arrays(model, "")
    for name, other in (domains or {}).items():
        if not name.isidentifier() or name == BASE_DOMAIN:
            raise ValueError(f"bad domain name {name!r}")
        arrays.update(_arrays(other, f"{name}__"))
    path = Path(path)
    with open(path, "wb") as fh:
        np.savez_compressed(fh, **arrays)
    for key in [k for k in _CACHE if k[0] == str(path.resolve())]:
        del _CACHE[key]


def _arrays(model: ReplyModel, prefix: str) -> dict[str, np.ndarray]:
    arrays: dict[str, np.ndarray] = {
        "calib_x": model.calib_x.astype(np.float64),
        "calib_y": model.calib_y.astype(np.float64),
    }
    for si, stage in enumerate(model.stages):
        arrays[f"s{si}_mean"] = stage.mean.astype(np.float32)
        arrays[f"s{si}_scale"] = stage.scale.astype(np.float32)
        for k, net in enumerate(stage.nets):
            for name, arr in zip(("W1", "b1", "W2", "b2", "w3"), net.params()):
                arrays[f"s{si}_net{k}_{name}"] = arr.astype(np.float32)
    meta = dict(model.meta)
    names = list(FEATURES) if model.feature_idx is None else [FEATURES[k] for k in model.feature_idx]
    meta.update(
        {
            "features": names,
            "stack_features": list(STACK_FEATURES),
            "max_candidates": model.max_candidates,
            "members": [len(st.nets) for st in model.stages],
        }
    )
    arrays["meta_json"] = np.frombuffer(json.dumps(meta, sort_keys=True).encode("utf-8"), dtype=np.uint8)
    return {prefix + k: v for k, v in arrays.items()}


_CACHE: dict[tuple[str, str], ReplyModel] = {}


def domains(path: Path | str | None = None) -> list[str]:
    """The domains a weights file has a model for ("irc" first)."""
    from ..errors import InputError

    path = Path(path) if path is not None else DEFAULT_PATH
    try:
        with np.load(path, allow_pickle=False) as z:
            keys = list(z.files)
    except (OSError, ValueError) as e:
        raise InputError(f"{path}: cannot load the reply model ({e})") from None
    extra = sorted({k.split("__", 1)[0] for k in keys if "__" in k})
    return [BASE_DOMAIN] * ("meta_json" in keys) + extra


def load_model(path: Path | str | None = None, domain: str = BASE_DOMAIN) -> ReplyModel:
    """Load weights (default: the model shipped next to this module) for one domain: "irc" (the
    model trained on chat data) or another stored in the same file, e.g. "blog". Cached per path."""
    from ..errors import InputError

    path = Path(path) if path is not None else DEFAULT_PATH
    key = (str(path.resolve()), domain)
    if key in _CACHE:
        return _CACHE[key]
    prefix = "" if domain == BASE_DOMAIN else f"{domain}__"
    try:
        with np.load(path, allow_pickle=False) as z:
            data = {k[len(prefix):]: z[k] for k in z.files if k.startswith(prefix) and (prefix or "__" not in k)}
    except (OSError, ValueError) as e:
        raise InputError(f"{path}: cannot load the reply model ({e})") from None
    if "meta_json" not in data:
        raise InputError(f"{path}: no reply model for the {domain!r} domain")
    meta = json.loads(bytes(data["meta_json"]).decode("utf-8"))
    # a model trained on an older feature set still works if all its features still exist
    feature_idx = None
    if meta.get("features") != list(FEATURES):
        missing = [x for x in meta.get("features", []) if x not in FEATURES]
        if missing or not meta.get("features"):
            raise InputError(f"{path}: reply model was trained on other features ({missing[:3]}); retrain it")
        feature_idx = np.array([FEATURES.index(x) for x in meta["features"]], np.int64)
    if meta.get("stack_features", list(STACK_FEATURES)) != list(STACK_FEATURES):
        raise InputError(f"{path}: reply model was trained on other features; retrain it")
    stages = []
    for si, members in enumerate(meta["members"]):
        nets = [Net(*(data[f"s{si}_net{k}_{n}"] for n in ("W1", "b1", "W2", "b2", "w3"))) for k in range(members)]
        stages.append(Stage(nets, data[f"s{si}_mean"], data[f"s{si}_scale"]))
    meta.setdefault("domain", domain)
    model = ReplyModel(
        stages=stages,
        max_candidates=int(meta["max_candidates"]),
        calib_x=data["calib_x"],
        calib_y=data["calib_y"],
        meta=meta,
        feature_idx=feature_idx,
    )
    _CACHE[key] = model
    return model


# ---------------------------------------------------------------- inference


def predict_grid(
    messages: Sequence[Message], model: ReplyModel, max_candidates: int | None = None
) -> np.ndarray:
    """Raw ensemble probabilities (n, K+1); column d is "answers message i-d" (d=0: new conversation)."""
    K = model.max_candidates if max_candidates is None else max_candidates
    msgs = list(messages)
    X, valid = featurize(msgs, K)
    return model.probabilities(X, valid, msgs)


def predict(
    messages: Sequence[Message], *, model: ReplyModel | None = None, max_candidates: int = 100
) -> list[Prediction]:
    """Predict the antecedent of every message (in the given order) among the previous
    ``max_candidates`` messages, or None for "starts a new conversation"."""
    msgs = list(messages)
    if not msgs:
        return []
    if model is None:
        model = load_model()
    P = predict_grid(msgs, model, max_candidates)
    n, width = P.shape
    top = min(3, width)
    order = np.argsort(-P, axis=1, kind="stable")[:, :top]
    conf = model.calibrate(P[np.arange(n), order[:, 0]])
    second = float(model.meta.get("second_link", 2.0))
    out = []
    for i in range(n):
        cands: list[tuple[int | None, float]] = []
        for d in order[i]:
            p = float(P[i, d])
            if i - d < 0 or (p <= 0.0 and cands):
                continue
            cands.append((None if d == 0 else msgs[i - d].index, round(p, 4)))
        d0 = int(order[i, 0])
        also = []
        if top > 1:
            d1 = int(order[i, 1])
            if d0 != 0 and d1 != 0 and i - d1 >= 0 and P[i, d1] > second:
                also.append(msgs[i - d1].index)
        out.append(
            Prediction(
                index=msgs[i].index,
                target=None if d0 == 0 else msgs[i - d0].index,
                confidence=float(conf[i]),
                candidates=cands,
                also=also,
            )
        )
    return out


# ---------------------------------------------------------------- training


@dataclass(slots=True)
class Dataset:
    X: np.ndarray  # (N, K+1, F) float32
    valid: np.ndarray  # (N, K+1) bool
    gold: np.ndarray  # (N, K+1) bool; at least one True per row


def _gold_rows(gold: dict[int, list[int]], n: int, K: int) -> tuple[np.ndarray, np.ndarray]:
    """(row indices, gold mask) for the messages whose antecedents fall in the candidate window."""
    rows = sorted(s for s in gold if 0 <= s < n)
    G = np.zeros((len(rows), K + 1), bool)
    for r, s in enumerate(rows):
        for t in gold[s]:
            d = s - t
            if 0 <= d <= K:
                G[r, d] = True
    keep = G.any(axis=1)
    return np.array(rows, np.int64)[keep], G[keep]


def build_dataset(
    examples: Sequence[Example],
    max_candidates: int = 100,
    *,
    stage1: "Callable[[int], Stage] | None" = None,
) -> tuple[Dataset, np.ndarray]:
    """Turn (messages, gold links) sets into training rows; also returns each row's example number.

    Messages whose gold antecedents all lie beyond the candidate window are skipped (the model cannot
    express them). With ``stage1`` (example number -> a first stage that did not see that example),
    the rows carry the stacked second-stage features too."""
    K = max_candidates
    Xs, Vs, Gs, Es = [], [], [], []
    for k, (messages, gold) in enumerate(examples):
        msgs = list(messages)
        if not gold:
            continue
        X, valid = featurize(msgs, K)
        idx, G = _gold_rows(gold, len(msgs), K)
        if stage1 is not None:
            P1 = stage1(k).probabilities(X, valid)
            a, prev = authors_and_prev(msgs)
            S = stack_features(P1, a, prev)
            Xs.append(np.concatenate([X[idx], S[idx]], axis=2))
        else:
            Xs.append(X[idx])
        Vs.append(valid[idx])
        Gs.append(G)
        Es.append(np.full(len(idx), k, np.int64))
    if not Xs:
        raise ValueError("no training rows")
    return Dataset(np.concatenate(Xs), np.concatenate(Vs), np.concatenate(Gs)), np.concatenate(Es)


def _init_net(rng: np.random.Generator, F: int, H1: int, H2: int) -> Net:
    return Net(
        W1=(rng.standard_normal((F, H1)) * np.sqrt(2.0 / F)).astype(np.float32),
        b1=np.zeros(H1, np.float32),
        W2=(rng.standard_normal((H1, H2)) * np.sqrt(2.0 / H1)).astype(np.float32),
        b2=np.zeros(H2, np.float32),
        w3=(rng.standard_normal(H2) * np.sqrt(1.0 / H2)).astype(np.float32),
    )


def standardiser(data: Dataset) -> tuple[np.ndarray, np.ndarray]:
    Xv = data.X[data.valid]
    mean = Xv.mean(axis=0, dtype=np.float64)
    sd = Xv.std(axis=0, dtype=np.float64)
    return mean.astype(np.float32), np.where(sd > 1e-6, sd, 1.0).astype(np.float32)


def train_net(
    data: Dataset,
    mean: np.ndarray,
    scale: np.ndarray,
    *,
    seed: int = 0,
    hidden: tuple[int, int] = (64, 32),
    epochs: int = 8,
    batch: int = 256,
    lr: float = 2e-3,
    weight_decay: float = 1e-5,
    log=None,
) -> Net:
    """Train one member with Adam on the softmax-over-candidates loss
    L = -log sum_{g in gold} p_g. Deterministic for a given seed."""
    rng = np.random.default_rng(seed)
    N, C, F = data.X.shape
    net = _init_net(rng, F, *hidden)
    params = net.params()
    m1 = [np.zeros_like(p) for p in params]
    m2 = [np.zeros_like(p) for p in params]
    b1_, b2_, eps = 0.9, 0.999, 1e-8
    step = 0
    steps_total = epochs * ((N + batch - 1) // batch)
    for epoch in range(epochs):
        order = rng.permutation(N)
        total = 0.0
        for start in range(0, N, batch):
            idx = np.sort(order[start : start + batch])
            X = ((data.X[idx] - mean) / scale).astype(np.float32)  # (B, C, F)
            V = data.valid[idx]
            G = data.gold[idx]
            B = len(idx)
            Xf = X.reshape(B * C, F)
            a1 = Xf @ net.W1 + net.b1
            h1 = np.maximum(a1, 0.0)
            a2 = h1 @ net.W2 + net.b2
            h2 = np.maximum(a2, 0.0)
            S = (h2 @ net.w3).reshape(B, C).astype(np.float64)
            P = _softmax(S, V)
            pg = np.where(G, P, 0.0)
            z = pg.sum(axis=1)
            total += float(-np.log(np.maximum(z, 1e-300)).sum())
            dS = (P - pg / z[:, None]) / B  # d loss / d score
            dS = np.where(V, dS, 0.0).astype(np.float32).reshape(B * C)
            g_w3 = h2.T @ dS
            dh2 = np.outer(dS, net.w3)
            dh2 *= a2 > 0
            g_W2 = h1.T @ dh2
            g_b2 = dh2.sum(axis=0)
            dh1 = dh2 @ net.W2.T
            dh1 *= a1 > 0
            g_W1 = Xf.T @ dh1
            g_b1 = dh1.sum(axis=0)
            grads = [g_W1, g_b1, g_W2, g_b2, g_w3]
            step += 1
            # linear warm-down of the learning rate to 10% over training
            lr_t = lr * (1.0 - 0.9 * step / steps_total)
            c1 = 1 - b1_**step
            c2 = 1 - b2_**step
            for p, g, u, v in zip(params, grads, m1, m2):
                if p.ndim == 2:
                    g = g + weight_decay * p
                u *= b1_
                u += (1 - b1_) * g
                v *= b2_
                v += (1 - b2_) * g * g
                p -= (lr_t * (u / c1) / (np.sqrt(v / c2) + eps)).astype(np.float32)
        if log is not None:
            log(f"seed {seed} epoch {epoch + 1}/{epochs} loss {total / N:.4f}")
    return net


def fit_calibration(p_top: np.ndarray, correct: np.ndarray, bins: int = 12) -> tuple[np.ndarray, np.ndarray]:
    """A monotone piecewise-linear map raw top probability -> observed accuracy (equal-count bins,
    then pool-adjacent-violators so it never decreases)."""
    order = np.argsort(p_top, kind="stable")
    p = p_top[order]
    c = correct[order].astype(np.float64)
    groups = np.array_split(np.arange(len(p)), bins)
    xs = [float(p[g].mean()) for g in groups if len(g)]
    ys = [float(c[g].mean()) for g in groups if len(g)]
    ws = [len(g) for g in groups if len(g)]
    # pool adjacent violators
    blocks = [[x, y, w] for x, y, w in zip(xs, ys, ws)]
    merged: list[list[float]] = []
    for b in blocks:
        merged.append(b)
        while len(merged) > 1 and merged[-2][1] > merged[-1][1]:
            x2, y2, w2 = merged.pop()
            x1, y1, w1 = merged.pop()
            w = w1 + w2
            merged.append([(x1 * w1 + x2 * w2) / w, (y1 * w1 + y2 * w2) / w, w])
    cx = np.array([0.0] + [b[0] for b in merged] + [1.0])
    cy = np.array([0.0] + [b[1] for b in merged] + [1.0])
    cy[0] = min(cy[0], cy[1])
    cy[-1] = max(cy[-1], cy[-2])
    return cx, cy


def train(
    examples: Iterable[Example],
    *,
    seeds: Sequence[int] = (0,),
    max_candidates: int = 100,
    hidden: tuple[int, int] = (64, 32),
    epochs: int = 8,
    batch: int = 256,
    lr: float = 2e-3,
    stack: bool = True,
    folds: int = 2,
    log=None,
) -> ReplyModel:
    """Train on any number of (messages, gold links) sets.

    Stage 1: ``folds`` nets, each trained on the examples outside one fold (seed = first seed + fold);
    together they are the inference-time first stage. With ``stack``, stage 2 (one net per seed) is
    trained on the base features plus stacked features computed from the stage-1 net that did not see
    that example (cross-fitting), so it learns from first-pass guesses as good as unseen data gets."""
    examples = [(list(m), g) for m, g in examples]
    data, ex_of_row = build_dataset(examples, max_candidates)
    mean, scale = standardiser(data)
    hid = tuple(hidden)
    if not stack:
        nets = [
            train_net(data, mean, scale, seed=s, hidden=hid, epochs=epochs, batch=batch, lr=lr, log=log)
            for s in seeds
        ]
        stages = [Stage(nets, mean, scale)]
    else:
        folds = max(2, min(folds, len(examples)))
        fold_of = np.arange(len(examples)) % folds
        fold_nets = []
        for f in range(folds):
            mask = fold_of[ex_of_row] != f
            sub = Dataset(data.X[mask], data.valid[mask], data.gold[mask])
            fold_nets.append(
                train_net(sub, mean, scale, seed=int(seeds[0]) + 1000 + f, hidden=hid, epochs=epochs,
                          batch=batch, lr=lr, log=log)
            )
            del sub
        del data
        per_fold = [Stage([fold_nets[f]], mean, scale) for f in range(folds)]
        data2, _ = build_dataset(examples, max_candidates, stage1=lambda k: per_fold[fold_of[k]])
        mean2, scale2 = standardiser(data2)
        nets2 = [
            train_net(data2, mean2, scale2, seed=s, hidden=hid, epochs=epochs, batch=batch, lr=lr, log=log)
            for s in seeds
        ]
        stages = [Stage(fold_nets, mean, scale), Stage(nets2, mean2, scale2)]
    return ReplyModel(
        stages=stages,
        max_candidates=max_candidates,
        meta={
            "seeds": list(seeds),
            "hidden": list(hid),
            "epochs": epochs,
            "stack": stack,
            "folds": folds if stack else 0,
            "examples": len(examples),
        },
    )
