"""Generate a realistic Reddit comment dump (Pushshift / Arctic Shift NDJSON, zstd), deterministically.

    .venv/bin/python bench/make_dump.py [--comments 1000000] [--threads 1000] [-o bench/.work/RC_bench.zst]

What makes it realistic:

- the record layout of a 2023 Pushshift `RC_` file: ~40 fields per comment (flair, awards, gildings,
  `retrieved_on`...), about 1 KB a line, of which the comment body is a fifth;
- one subreddit month: ~1,000 threads whose sizes follow a heavy tail (a few megathreads, many small
  ones), interleaved in time order as a monthly file is, with base-36 ids growing with time;
- replies nest (a parent is an earlier comment of the same thread, biased towards recent ones),
  bodies vary in length (log-normal), some quote (`&gt;`), link, use `&amp;`, span paragraphs, and
  about 5% are `[deleted]` / `[removed]`;
- compressed like the real files: zstd level 3 with a long window (`zstd --long=27` by default;
  the monthly Pushshift files use `--long=31`, see `--window-log`).

The same arguments give the same bytes. Output goes to bench/.work/ (git-ignored).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import orjson
import zstandard

WORK = Path(__file__).resolve().parent / ".work"
START = 1_693_526_400  # 2023-09-01T00:00:00Z
MONTH = 30 * 86_400
SUBREDDIT = "AskHistorians"
SUBREDDIT_ID = "t5_2ssp3"

WORDS = ["the", "of", "and", "to", "a", "in", "that", "is", "was", "he", "for", "it", "with", "as", "his", "on", "be", "at", "by", "i", "this", "had", "not", "are", "but", "from", "or", "have", "an", "they", "which", "one", "you", "were", "her", "all", "she", "there", "would", "their", "we", "him", "been", "has", "when", "who", "will", "more", "no", "if", "out", "so", "said", "what", "up", "its", "about", "into", "than", "them", "can", "only", "other", "new", "some", "could", "time", "these", "two", "may", "then", "do", "first", "any", "my", "now", "such", "like", "our", "over", "man", "me", "even", "most", "made", "after", "also", "did", "many", "before", "must", "through", "back", "years", "where", "much", "your", "way", "well", "down", "should", "because", "each", "just", "those", "people", "how", "too", "little", "state", "good", "very", "make", "world", "still", "own", "see", "men", "work", "long", "get", "here", "between", "both", "life", "being", "under", "never", "day", "same", "another", "know", "while", "last", "might", "us", "great", "old", "year", "off", "come", "since", "against", "go", "came", "right", "used", "take", "three", "empire", "treaty", "archive", "source", "primary", "letter", "chronicle", "harbour", "tariff", "garrison", "monastery", "census", "ledger", "famine", "guild", "parliament", "dynasty", "siege", "merchant", "manuscript", "cartography", "rebellion", "reform", "frontier", "pilgrimage"]
NAMES = ("tidal", "clock", "kelp", "forest", "deep", "sea", "amber", "ledger", "quiet", "harbor", "iron",
         "falcon", "paper", "lantern", "copper", "moss", "river", "stone", "owl", "cedar")
FLAIRS = (None, None, None, "Verified", "Medieval Europe", "Early Modern Japan", "Ottoman Empire")


def b36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while n:
        n, r = divmod(n, 36)
        out = digits[r] + out
    return out or "0"


def _thread_sizes(rng: random.Random, comments: int, threads: int) -> list[int]:
    """Heavy-tailed sizes (Pareto-like weights), each thread at least one comment, summing to `comments`."""
    weights = [1.0 / (k + 1) ** 0.8 * rng.uniform(0.5, 1.5) for k in range(threads)]
    total = sum(weights)
    sizes = [max(1, int(comments * w / total)) for w in weights]
    k = 0
    while sum(sizes) < comments:
        sizes[k % threads] += 1
        k += 1
    while sum(sizes) > comments:
        i = max(range(threads), key=sizes.__getitem__)
        sizes[i] -= 1
    rng.shuffle(sizes)
    return sizes


SYLLABLES = ("ka", "ro", "mi", "tan", "vel", "is", "or", "un", "pre", "ble", "tor", "ath", "qui", "zen", "lo")


def _coined(rng: random.Random) -> str:
    """A rarer word (names, terms): keeps the vocabulary open-ended, as real text is."""
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))


def _body(rng: random.Random) -> str:
    n = max(1, min(600, int(rng.lognormvariate(3.2, 1.0))))
    size = len(WORDS)
    words = [WORDS[int(size * rng.random() ** 2)] if rng.random() < 0.85 else _coined(rng) for _ in range(n)]
    words[0] = words[0].capitalize()
    text = " ".join(words)
    roll = rng.random()
    if roll < 0.08:
        text = "&gt; " + " ".join(rng.choice(WORDS) for _ in range(12)) + "\n\n" + text
    elif roll < 0.12:
        text += f" See https://www.example.org/archive/{rng.randrange(10**6)}?a=1&amp;b=2"
    elif roll < 0.2 and n > 40:
        cut = n // 2
        text = " ".join(words[:cut]) + ".\n\n" + " ".join(words[cut:])
    return text + "."


def _user(rng: random.Random, users: int) -> tuple[str, str]:
    k = min(users - 1, int(rng.paretovariate(0.8)) - 1)
    name = f"{NAMES[k % len(NAMES)]}_{NAMES[(k // len(NAMES)) % len(NAMES)]}{k}"
    return name, f"t2_{b36(10**9 + k * 7919)}"


def records(comments: int, threads: int, seed: int):
    """Yield the comment records in file order (by created_utc, ids growing with time)."""
    rng = random.Random(seed)
    sizes = _thread_sizes(rng, comments, threads)
    links = [b36(36**5 + rng.randrange(36**6)) for _ in range(threads)]
    slugs = ["_".join(rng.choice(WORDS) for _ in range(rng.randint(3, 7))) for _ in range(threads)]
    starts = [START + rng.randrange(MONTH - 3 * 86_400) for _ in range(threads)]
    # Each comment: (time, thread). Activity decays after the thread starts (exponential, ~6 h).
    stamps: list[tuple[int, int]] = []
    for t, n in enumerate(sizes):
        scale = rng.uniform(3_600, 36_000)
        stamps.extend((starts[t] + int(rng.expovariate(1.0 / scale)) + 30, t) for _ in range(n))
    stamps.sort()
    seen: list[list[str]] = [[] for _ in range(threads)]
    first_id = 36**6 * 10  # 7-char base-36 ids, growing with time
    users = max(50, comments // 20)
    for k, (created, t) in enumerate(stamps):
        cid = b36(first_id + k * 3 + rng.randrange(3))
        earlier = seen[t]
        if earlier and rng.random() < 0.7:  # a reply, mostly to something recent
            j = len(earlier) - 1 - min(len(earlier) - 1, int(rng.expovariate(1 / 8)))
            parent = "t1_" + earlier[j]
        else:
            parent = "t3_" + links[t]
        earlier.append(cid)
        author, fullname = _user(rng, users)
        roll = rng.random()
        body = _body(rng)
        if roll < 0.03:
            author, fullname, body = "[deleted]", None, "[deleted]"
        elif roll < 0.05:
            body = "[removed]"
        flair = rng.choice(FLAIRS)
        score = int(rng.paretovariate(1.3)) - 1 if rng.random() < 0.9 else -rng.randrange(20)
        rec = {
            "all_awardings": [],
            "archived": False,
            "associated_award": None,
            "author": author,
            "author_flair_background_color": None,
            "author_flair_css_class": None if flair is None else "flair-" + flair.split()[0].lower(),
            "author_flair_richtext": [] if flair is None else [{"e": "text", "t": flair}],
            "author_flair_template_id": None,
            "author_flair_text": flair,
            "author_flair_text_color": None if flair is None else "dark",
            "author_flair_type": "text" if flair is None else "richtext",
            "author_patreon_flair": False,
            "author_premium": rng.random() < 0.05,
            "awarders": [],
            "body": body,
            "can_gild": True,
            "collapsed": False,
            "collapsed_because_crowd_control": None,
            "collapsed_reason": None,
            "collapsed_reason_code": None,
            "comment_type": None,
            "controversiality": int(rng.random() < 0.02),
            "created_utc": created,
            "distinguished": None,
            "edited": False if rng.random() < 0.95 else created + rng.randrange(60, 7_200),
            "gilded": 0,
            "gildings": {},
            "id": cid,
            "is_submitter": rng.random() < 0.04,
            "link_id": "t3_" + links[t],
            "locked": False,
            "name": "t1_" + cid,
            "no_follow": rng.random() < 0.6,
            "parent_id": parent,
            "permalink": f"/r/{SUBREDDIT}/comments/{links[t]}/{slugs[t]}/{cid}/",
            "retrieved_on": created + rng.randrange(30, 90_000),
            "score": score,
            "score_hidden": False,
            "send_replies": True,
            "stickied": False,
            "subreddit": SUBREDDIT,
            "subreddit_id": SUBREDDIT_ID,
            "subreddit_name_prefixed": "r/" + SUBREDDIT,
            "subreddit_type": "public",
            "top_awarded_type": None,
            "total_awards_received": 0,
            "treatment_tags": [],
            "unrepliable_score": False,
        }
        if fullname:
            rec["author_fullname"] = fullname
        yield rec


def make_dump(path: Path, *, comments: int = 1_000_000, threads: int = 1_000, seed: int = 20231001,
              window_log: int = 27, level: int = 3) -> Path:
    """Write the dump to `path` (via a temporary file, so a partial dump never looks finished)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    threads = max(1, min(threads, comments))
    params = zstandard.ZstdCompressionParameters.from_level(
        level, window_log=window_log, enable_ldm=True, threads=0)
    tmp = path.with_name(path.name + ".partial")
    with open(tmp, "wb") as fh, zstandard.ZstdCompressor(compression_params=params).stream_writer(fh) as out:
        buf: list[bytes] = []
        for rec in records(comments, threads, seed):
            buf.append(orjson.dumps(rec))
            if len(buf) >= 4096:
                out.write(b"\n".join(buf) + b"\n")
                buf.clear()
        if buf:
            out.write(b"\n".join(buf) + b"\n")
    tmp.replace(path)
    return path


def default_path(comments: int) -> Path:
    return WORK / f"RC_bench_{comments}.zst"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--comments", type=int, default=1_000_000)
    ap.add_argument("--threads", type=int, default=1_000)
    ap.add_argument("--seed", type=int, default=20231001)
    ap.add_argument("--window-log", type=int, default=27, help="zstd window log (Pushshift monthly files: 31)")
    ap.add_argument("-o", "--output", type=Path)
    args = ap.parse_args(argv)
    path = args.output or default_path(args.comments)
    t0 = time.perf_counter()
    make_dump(path, comments=args.comments, threads=args.threads, seed=args.seed, window_log=args.window_log)
    print(f"{path}: {args.comments:,} comments, {args.threads:,} threads, {path.stat().st_size / 1e6:.1f} MB,"
          f" {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
