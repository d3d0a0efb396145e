#!/usr/bin/env python3
"""Build a large synthetic archive for the search and stats benchmarks (deterministic for a seed).

    .venv/bin/python bench/make_archive.py -o bench/.work/archive-1m.db [--comments 1000000] [--per-thread 1000]

The archive has threadpress's own schema (opened through `threadpress.store.Store`, so every migration
runs) and is filled with bulk INSERTs in one transaction per thread batch; the FTS5 index is kept up to
date by the schema's own triggers, exactly as `ingest` keeps it. Comment versions are not written (the
benchmarks never read them).

Text: 20 to 80 words per comment drawn from a Zipf-like vocabulary: 120 common English words (the most
common is in nearly every comment), 60 topic words (each in 0.5-5% of comments) and 40,000 generated
rare words. About 9% of comments quote an earlier one in a blockquote, 3% quote an outside
"statement" (source posts for `stats`). Authors: 5,000 names, a few of
them very active. Replies: about 60% of comments answer an earlier comment of the same thread (address
or number edges, confidence 1.0 / 0.95), mostly a recent one.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from threadpress.store import Store

COMMON = ["the", "of", "and", "to", "a", "in", "is", "that", "it", "for", "was", "on", "are", "as", "with", "be", "this", "have", "not", "but", "they", "by", "at", "from", "or", "an", "what", "all", "were", "we", "when", "there", "can", "more", "if", "no", "so", "about", "out", "up", "would", "which", "their", "who", "will", "one", "has", "been", "do", "just", "than", "them", "some", "could", "into", "only", "its", "time", "other", "like", "then", "also", "how", "our", "after", "very", "any", "these", "even", "most", "people", "because", "well", "over", "new", "think", "because", "said", "there", "any", "those", "being", "much", "where", "should", "through", "still", "here", "way", "many", "before", "while", "same", "own", "both", "each", "while", "might", "never", "again", "against", "between", "under", "since", "without", "another", "however", "whether", "every", "less", "rather", "whose", "nothing", "already", "whole", "least", "enough"]
TOPICS = ["ceasefire", "negotiations", "sanctions", "pipeline", "refinery", "drones", "artillery", "election", "parliament", "minister", "embassy", "treaty", "blockade", "convoy", "frontline", "reservists", "mobilization", "inflation", "tariffs", "currency", "exports", "grain", "harbour", "strait", "islands", "airbase", "missile", "satellite", "propaganda", "interview", "statement", "briefing", "summit", "delegation", "referendum", "corridor", "ultimatum", "escalation", "deterrence", "neutrality", "sovereignty", "alliance", "memorandum", "transcript", "spokesman", "chancellor", "governor", "insurgents", "mercenaries", "contractors", "shipments", "refugees", "reconstruction", "railway", "bridgehead", "offensive", "withdrawal", "stalemate", "attrition", "casualties"]
FIRST = ["Aldous", "Nils", "Rowan", "Mira", "Tomas", "Ilse", "Kasimir", "Jana", "Oskar", "Vera", "Emil", "Lotte", "Anton", "Greta", "Pavel", "Sanne", "Ivo", "Marta", "Leon", "Ada", "Felix", "Nora", "Hugo", "Runa", "Otto", "Elin", "Bruno", "Signe", "Karl", "Maren"]
LAST = ["Ashgrove", "Berg", "Calder", "Dunmore", "Ekholm", "Farrow", "Galen", "Hallam", "Ivers", "Jarl", "Kettle", "Lund", "Marsh", "Norr", "Orme", "Pell", "Quist", "Rook", "Stave", "Thorn", "Ulve", "Vane", "Wick", "Yarrow", "Zell", "Brandt", "Corr", "Dale", "Fenn", "Grise"]


def vocabulary(rng: random.Random, rare: int = 40_000) -> tuple[list[str], np.ndarray]:
    letters = "bcdfghjklmnprstvz"
    vowels = "aeiou"
    words: set[str] = set(COMMON) | set(TOPICS)
    rare_words: list[str] = []
    while len(rare_words) < rare:
        w = "".join(rng.choice(letters) + rng.choice(vowels) for _ in range(rng.randint(2, 4)))
        if w not in words:
            words.add(w)
            rare_words.append(w)
    vocab = list(COMMON) + list(TOPICS) + rare_words
    # Zipf-like weights: common words heavy, topic words middling, rare words a long tail.
    w_common = 1.0 / np.arange(1, len(COMMON) + 1) ** 0.9
    w_topic = np.full(len(TOPICS), 0.0009)
    w_rare = 0.05 / np.arange(1, rare + 1) ** 1.05
    weights = np.concatenate([w_common * 0.9, w_topic, w_rare])
    return vocab, weights / weights.sum()


def authors(rng: random.Random, n: int = 5000) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < n:
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if rng.random() < 0.3:
            name += f" {rng.randint(2, 999)}"
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def build(path: Path, *, comments: int, per_thread: int, seed: int, log=print) -> dict:
    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    vocab, probs = vocabulary(rng)
    vocab_arr = np.array(vocab, dtype=object)
    names = authors(rng)
    author_w = 1.0 / np.arange(1, len(names) + 1) ** 0.8
    author_w /= author_w.sum()
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    store = Store(path)
    conn = store.conn
    conn.execute("PRAGMA synchronous = OFF")
    start = datetime(2024, 1, 1, tzinfo=UTC)
    threads = (comments + per_thread - 1) // per_thread
    t0 = time.perf_counter()
    done = 0
    for t in range(threads):
        n = min(per_thread, comments - done)
        tid = f"typepad:bench{t:06d}"
        t_start = start + timedelta(hours=6 * t)
        lengths = nrng.integers(20, 81, size=n)
        words = vocab_arr[nrng.choice(len(vocab), size=int(lengths.sum()), p=probs)]
        who = nrng.choice(len(names), size=n, p=author_w)
        rows, edges, texts = [], [], []
        pos = 0
        when = t_start
        for i in range(n):
            text = " ".join(words[pos:pos + lengths[i]])
            pos += lengths[i]
            when += timedelta(seconds=int(nrng.integers(20, 600)))
            html = f"<p>{text}</p>"
            if i > 5 and rng.random() < 0.6:
                j = max(0, i - 1 - int(nrng.geometric(0.15)) + 1)
                j = min(j, i - 1)
                how, conf = ("address", 1.0) if rng.random() < 0.7 else ("number", 0.95)
                edges.append((tid, f"c{i + 1}", f"c{j + 1}", how, conf, "", 0))
                if rng.random() < 0.15:
                    quoted = " ".join(texts[j].split()[:12])
                    html = f"<blockquote><p>{quoted}</p></blockquote>{html}"
                    text = f"{quoted}\n\n{text}"
            elif rng.random() < 0.03:  # an outside source: a statement nobody in the thread wrote
                quoted = "Statement: " + " ".join(vocab_arr[nrng.integers(len(COMMON), len(vocab), size=15)])
                html = f"<blockquote><p>{quoted}</p></blockquote>{html}"
                text = f"{quoted}\n\n{text}"
            texts.append(text)
            rows.append((tid, f"c{i + 1}", i + 1, names[who[i]], when.strftime("%Y-%m-%dT%H:%M:%SZ"),
                         html, text, "ok", f"h{t}-{i}", "2024-01-01T00:00:00Z"))
        conn.execute("BEGIN")
        conn.execute("INSERT INTO threads (id, source, url, title, first_ingested, last_changed)"
                     " VALUES (?, 'typepad', ?, ?, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z')",
                     (tid, f"https://example.org/bench/{t}.html", f"Benchmark thread {t}"))
        conn.executemany("INSERT INTO comments (thread_id, id, number, author, created_at, html, text, status,"
                         " content_hash, first_seen) VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
        conn.executemany("INSERT INTO edges (thread_id, source_id, target_id, how, confidence, evidence, ord)"
                         " VALUES (?,?,?,?,?,?,?)", edges)
        conn.execute("COMMIT")
        done += n
        if (t + 1) % 100 == 0:
            log(f"  {done:,} comments, {time.perf_counter() - t0:.0f} s")
    conn.execute("INSERT INTO comments_fts(comments_fts) VALUES ('optimize')")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("ANALYZE")
    store.close()
    return {"comments": done, "threads": threads, "seconds": time.perf_counter() - t0,
            "bytes": path.stat().st_size, "seed": seed}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-o", "--out", type=Path, default=HERE / ".work" / "archive-1m.db")
    ap.add_argument("--comments", type=int, default=1_000_000)
    ap.add_argument("--per-thread", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=20260105)
    args = ap.parse_args()
    info = build(args.out, comments=args.comments, per_thread=args.per_thread, seed=args.seed,
                 log=lambda m: print(m, file=sys.stderr))
    print(f"{args.out}: {info['comments']:,} comments in {info['threads']:,} threads, "
          f"{info['bytes'] / 1e6:.0f} MB, {info['seconds']:.0f} s")


if __name__ == "__main__":
    main()
