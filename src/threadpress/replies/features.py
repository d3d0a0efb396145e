"""Features for "which earlier comment does this one answer?", shared by training and inference.

For every message i and every candidate j = i - d (d = 0..K, d = 0 meaning "i starts a new
conversation") we build one feature vector. Everything is vectorised over the (n, K+1) grid of
(message, distance) pairs, so a 1,000-message thread takes a few tens of milliseconds.

Works for IRC logs and for blog threads alike: authors may contain spaces, times may be missing
(a "time unknown" flag is set and the time features are zero), texts may be long.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime

import numpy as np


@dataclass(frozen=True, slots=True)
class Message:
    """One comment / chat line, as the reply model sees it."""

    index: int
    author: str
    time: datetime | None
    text: str
    #: authors this message names explicitly (e.g. parsed ``@NAME``); names found in the text are added
    mentions: tuple[str, ...] = ()
    #: a system line (IRC join/part/nick change), not something a person wrote
    system: bool = False


_WORD = re.compile(r"[a-z0-9][a-z0-9_'\-]*")
_URL = re.compile(r"https?://|www\.", re.I)
_STRIP = "\"'()[]{}<>,.:;!?@*~"
STOPWORDS = frozenset(
    """a an the and or but if of to in on at for with from by as is are was were be been am do does did
    it its it's this that these those i you he she we they me my your our their him her them us
    so not no yes just there here what which who how when why where can could would should will
    have has had get got any some all one like then than too very also about into out up down
    i'm you're don't can't it's im dont cant ok okay oh well hi hey thanks thank""".split()
)
_THANKS = re.compile(r"\b(thanks|thank you|thx|ty|cheers|thankyou|tnx|tks)\b", re.I)
_ANSWER = re.compile(
    r"^\W*(yes|no|yeah|yep|yup|nope|nah|sure|ok|okay|right|correct|exactly|indeed|agreed|true|"
    r"try|use|you|it|that|because|i think|well|actually|depends)\b",
    re.I,
)
_REACTIVE = re.compile(
    r"^\W*(that|that's|thats|this|these|those|it's|yes|yeah|yep|exactly|agreed|agree|true|right|indeed|"
    r"quite|not sure|not so|perhaps|maybe|funny|so|and|but|well|hmm|nonsense|sorry|fair|good point|"
    r"same|spot on|ha|amen|touch[ée]|precisely|absolutely|no|nope|wrong|careful|interesting|"
    r"i (?:don't|do not|doubt|disagree|agree|read it|think you|had missed)|you)\b",
    re.I,
)
_SECOND_PERSON = re.compile(r"\b(you|your|you're|yours)\b", re.I)
_QUESTION_START = re.compile(
    r"^\W*(how|what|why|where|when|who|which|is|are|can|could|does|do|did|should|would|will|has|have|"
    r"anyone|anybody|any)\b",
    re.I,
)
_GREETING = re.compile(
    r"\b(hi|hello|hey|hiya|howdy|greetings|morning|evening)\b.{0,12}\b(all|everyone|everybody|guys|folks|people)\b"
    r"|^\W*(hi|hello|hey|yo)\W*$|\b(anyone|anybody|someone|somebody|any one)\b",
    re.I,
)

DIST_BINS = (1, 2, 3, 4, 5, 7, 11, 21, 51)  # lower edges: [1],[2],[3],[4],[5,6],[7,10],[11,20],[21,50],[51,...)
TIME_BINS = (0, 1, 2, 4, 8, 16, 60)  # minutes, lower edges
KNOWN_WINDOW = 30  # previous messages looked at for "known_share"
OPENING_WORDS = 15  # a message's first words, for "opening_only_j"

FEATURES: tuple[str, ...] = (
    "self",
    *(f"dist>={b}" for b in DIST_BINS),
    "log_dist",
    *(f"gap>={b}m" for b in TIME_BINS),
    "log_gap",
    "time_unknown",
    "same_author",
    "i_mentions_j",
    "j_mentions_i",
    "i_addresses_j",
    "j_addresses_i",
    "i_mentions_any",
    "i_mentions_other",
    "j_mentions_other",
    "j_latest_of_its_author",
    "j_prev_of_i_author",
    "j_latest_mentioning_i_author",
    "j_author_mentioned_i_author_before",
    "i_author_mentioned_j_author_before",
    "j_author_is_i_partner",
    "j_system",
    "i_system",
    "i_question",
    "j_question",
    "j_question_other_author",
    "i_thanks",
    "i_answer_start",
    "i_greeting",
    "j_greeting",
    "i_question_start",
    "j_question_start",
    "overlap_count",
    "overlap_idf",
    "overlap_jaccard",
    "overlap_any",
    "i_len",
    "j_len",
    "i_author_msgs_between",
    "j_author_msgs_between",
    "i_url",
    "j_url",
    "i_first_by_author",
    "j_first_by_author",
    "prev_same_author_as_i",
    "log_gap_prev",
    "j_mentioned_later_by_i_author",
    "others_between_mention_i_author",
    "j_latest_by_author_i_names",
    "j_latest_by_author_i_addresses",
    "j_latest_by_j_author_naming_i_author",
    "j_trivial",
    "i_trivial",
    "j_latest_contentful_of_its_author",
    "j_latest_contentful_by_author_i_names",
    # blog replies without a cue usually react to what was just said ("That's the point.", "Not sure
    # about that.", "Exactly, and ...") or talk to someone ("you")
    "i_reactive_start",
    "i_second_person",
    # how much of the structure around i is known: the share of the previous messages that carry
    # explicit edges (`Message.mentions`, e.g. from copied footers). Where others cite explicitly, a
    # message without a cue is most likely answering what was just said; where nothing is known (a
    # cue-less thread, or every cue hidden), an opener like "Agreed." says little about whom
    "known_share",
    # how many messages j's author wrote before i: prolific commenters are answered more
    "j_author_activity",
    # the rarest word (in-thread IDF) i and j share; the IDF-weighted words i shares with j that no
    # message between them used: a reply picks up what is particular to the comment it answers
    "overlap_max_idf",
    "overlap_latest_idf",
    # words i uses that, before i, only j used (how many; log); and those among i's first words
    # (a reply tends to open on what it answers: "Re the buffer zones: ...")
    "overlap_only_j",
    "opening_only_j",
)
N_FEATURES = len(FEATURES)


def _tokens(text: str) -> list[str]:
    return _WORD.findall(text.lower())


class _Names:
    """Author names -> ids, and finding names in text (IRC nicks without '@', blog names with spaces)."""

    def __init__(self, authors: list[str]):
        self.ids: dict[str, int] = {}
        self.single: dict[str, int] = {}
        self.multi: list[tuple[str, int]] = []
        self.lows: list[tuple[str, int]] = []
        for name in authors:
            if name not in self.ids:
                self.ids[name] = len(self.ids)
        for name, aid in self.ids.items():
            low = name.lower().strip()
            if len(low) < 2:
                continue
            if " " in low:
                self.multi.append((low, aid))
                continue
            self.single.setdefault(low, aid)
            self.lows.append((low, aid))
            # IRC nick variants: "mirak_" is addressed as "mirak", "foo|away" as "foo"
            base = low.rstrip("_|^`-0123456789") if len(low) > 4 else low
            base = base.split("|")[0]
            if len(base) >= 3 and base != low and base not in STOPWORDS:
                self.single.setdefault(base, aid)

    def find(self, text: str, explicit: tuple[str, ...]) -> tuple[list[int], int]:
        """(ids of authors named in the text, id addressed by the first word or -1)."""
        found: list[int] = []
        first = -1
        for k, raw in enumerate(text.split()):
            tok = raw.strip(_STRIP).lower()
            aid = self.single.get(tok)
            if aid is None and tok.endswith("'s"):
                aid = self.single.get(tok[:-2])
            if aid is not None:
                if aid not in found:
                    found.append(aid)
                if k == 0:
                    first = aid
            elif k == 0 and len(tok) >= 3 and raw[-1:] in ":," and tok not in STOPWORDS:
                # "nick:" with a shortened nick ("Hikaru:" for Hikaru79): a unique prefix match
                hits = [x for name, x in self.lows if name.startswith(tok)]
                if len(set(hits)) == 1:
                    first = hits[0]
                    found.append(first)
        if self.multi:
            low = text.lower()
            for name, aid in self.multi:
                pos = low.find(name)
                if pos >= 0 and aid not in found:
                    found.append(aid)
                    if pos <= 1:
                        first = aid
        for name in explicit:
            aid = self.ids.get(name)
            if aid is None:
                aid = self.single.get(name.lower())
            if aid is not None and aid not in found:
                found.append(aid)
        return found, first


def _band_pairs(msg: np.ndarray, tok: np.ndarray, n: int, K: int) -> tuple[np.ndarray, ...]:
    """Every (message i, earlier message i-d, 1 <= d <= K) pair sharing a token t, as arrays
    (i, d, t, latest, only): `latest` marks the pairs where i-d is the last message before i using
    t, `only` those where it is the only one.

    ``msg``/``tok`` list each (message, token) occurrence once."""
    empty = np.zeros(0, np.int64)
    if len(msg) == 0:
        return empty, empty, empty, np.zeros(0, bool), np.zeros(0, bool)
    base = n + 1
    key = np.unique(tok.astype(np.int64) * base + msg.astype(np.int64))
    t = key // base
    m = key % base
    lo = np.searchsorted(key, t * base + np.maximum(m - K, 0), side="left")
    cnt = np.arange(len(key)) - lo
    total = int(cnt.sum())
    if not total:
        return empty, empty, empty, np.zeros(0, bool), np.zeros(0, bool)
    k_idx = np.repeat(np.arange(len(key)), cnt)
    offs = np.arange(total) - np.repeat(np.cumsum(cnt) - cnt, cnt)
    p_idx = np.repeat(lo, cnt) + offs
    i = m[k_idx]
    first = np.searchsorted(key, t * base, side="left")     # first use of each occurrence's token
    latest = p_idx == k_idx - 1
    return i, i - m[p_idx], t[k_idx], latest, latest & (k_idx - first[k_idx] == 1)


def featurize(messages: list[Message], max_candidates: int = 100) -> tuple[np.ndarray, np.ndarray]:
    """Feature grid for a whole thread.

    Returns (X, valid): X has shape (n, K+1, N_FEATURES) float32, where X[i, d] describes
    "message i answers message i-d" (d = 0: starts a new conversation); valid[i, d] is False
    where i - d < 0. Messages must be in posting order (index is only carried along).
    """
    n = len(messages)
    K = int(max_candidates)
    F = N_FEATURES
    if n == 0:
        return np.zeros((0, K + 1, F), np.float32), np.zeros((0, K + 1), bool)

    names = _Names([m.author for m in messages])
    a = np.array([names.ids[m.author] for m in messages], dtype=np.int64)
    A = len(names.ids)

    # --- per-message facts (one Python pass) ---
    times = np.full(n, np.nan)
    system = np.zeros(n, bool)
    question = np.zeros(n, bool)
    thanks = np.zeros(n, bool)
    answer = np.zeros(n, bool)
    greeting = np.zeros(n, bool)
    qstart = np.zeros(n, bool)
    url = np.zeros(n, bool)
    length = np.zeros(n)
    trivial = np.zeros(n, bool)
    reactive = np.zeros(n, bool)
    second = np.zeros(n, bool)
    addressed = np.full(n, -1, np.int64)
    ment_lists: list[list[int]] = []
    occ_msg: list[int] = []
    occ_tok: list[int] = []
    occ_head: list[bool] = []   # the occurrence is among the message's first OPENING_WORDS words
    vocab: dict[str, int] = {}
    t0 = None
    for i, m in enumerate(messages):
        if m.time is not None:
            if t0 is None:
                t0 = m.time
            times[i] = (m.time - t0).total_seconds() / 60.0
        text = m.text or ""
        sysline = m.system or text.startswith("=== ")
        system[i] = sysline
        if sysline:
            ment_lists.append([])
            continue
        found, first = names.find(text, m.mentions)
        own = a[i]
        found = [x for x in found if x != own]
        ment_lists.append(found)
        addressed[i] = first if first != own else -1
        question[i] = "?" in text
        thanks[i] = bool(_THANKS.search(text))
        answer[i] = bool(_ANSWER.search(text))
        greeting[i] = bool(_GREETING.search(text))
        qstart[i] = bool(_QUESTION_START.search(text))
        reactive[i] = bool(_REACTIVE.search(text))
        second[i] = bool(_SECOND_PERSON.search(text[:300]))
        url[i] = bool(_URL.search(text))
        toks = _tokens(text)
        length[i] = len(toks)
        trivial[i] = sum(1 for tk in toks if len(tk) > 1) <= 1
        seen = set()
        for pos, tk in enumerate(toks):
            if tk in STOPWORDS or tk in seen or tk in names.single:
                continue
            seen.add(tk)
            occ_msg.append(i)
            occ_tok.append(vocab.setdefault(tk, len(vocab)))
            occ_head.append(pos < OPENING_WORDS)
            if len(seen) >= 400:
                break

    # mentions as a padded matrix (n, M) of author ids, -1 = none
    M = max(1, min(8, max((len(x) for x in ment_lists), default=1)))
    men = np.full((n, M), -1, np.int64)
    for i, lst in enumerate(ment_lists):
        if lst:
            men[i, : min(M, len(lst))] = lst[:M]
    has_men = men[:, 0] >= 0

    # who mentioned whom first (pair id = speaker * A + named), and the latest message naming each author
    first_mention: dict[int, int] = {}
    last_naming = np.full(n, -1, np.int64)  # latest earlier message naming a[i]
    latest_naming: dict[int, int] = {}
    partner = np.full(n, -1, np.int64)  # last author a[i] exchanged a mention with, before i
    last_partner: dict[int, int] = {}
    for i in range(n):
        ai = int(a[i])
        last_naming[i] = latest_naming.get(ai, -1)
        partner[i] = last_partner.get(ai, -1)
        for x in ment_lists[i]:
            first_mention.setdefault(ai * A + x, i)
            latest_naming[x] = i
            last_partner[ai] = x
            last_partner[x] = ai
    if first_mention:
        fm_keys = np.array(sorted(first_mention), dtype=np.int64)
        fm_vals = np.array([first_mention[k] for k in fm_keys], dtype=np.int64)
    else:
        fm_keys = np.array([-1], np.int64)
        fm_vals = np.array([n + 1], np.int64)

    # every (speaker, named) mention event, to ask "did the speaker name them again in (j, i)?"
    ev = sorted((int(a[k]) * A + x, k) for k in range(n) for x in ment_lists[k])
    ev_key = np.array([e[0] * (n + 1) + e[1] for e in ev] or [-1], dtype=np.int64)

    def mentioned_later_same(speaker: np.ndarray, after: np.ndarray, before: np.ndarray) -> np.ndarray:
        pid = (speaker * A + a[:, None]) * (n + 1)
        return np.searchsorted(ev_key, pid + before) - np.searchsorted(ev_key, pid + after + 1) > 0

    def mentioned_before(speaker: np.ndarray, named: np.ndarray, before: np.ndarray) -> np.ndarray:
        pid = speaker * A + named
        pos = np.clip(np.searchsorted(fm_keys, pid), 0, len(fm_keys) - 1)
        return (fm_keys[pos] == pid) & (fm_vals[pos] < before)

    # same-author neighbours and per-author positions
    prev_same = np.full(n, -1, np.int64)
    next_same = np.full(n, n + K + 1, np.int64)
    last: dict[int, int] = {}
    for i in range(n):
        ai = int(a[i])
        if ai in last:
            prev_same[i] = last[ai]
            next_same[last[ai]] = i
        last[ai] = i
    akey = np.sort(a * (n + 1) + np.arange(n))
    # next message by the same author that says something (not "?", "!", ":)", "lol")
    next_content = np.full(n, n + K + 1, np.int64)
    pending: dict[int, int] = {}
    for i in range(n - 1, -1, -1):
        ai = int(a[i])
        next_content[i] = pending.get(ai, n + K + 1)
        if not trivial[i] and not system[i]:
            pending[ai] = i

    # times: forward-fill unknown (system lines) from the previous known time
    known = ~np.isnan(times)
    ff = times.copy()
    if known.any():
        idx = np.where(known, np.arange(n), -1)
        np.maximum.accumulate(idx, out=idx)
        ff = np.where(idx >= 0, times[np.maximum(idx, 0)], np.nan)
    tknown = ~np.isnan(ff)

    # --- the (n, K+1) grid ---
    I = np.arange(n)[:, None]
    D = np.arange(K + 1)[None, :]
    J = I - D
    valid = J >= 0
    Jc = np.maximum(J, 0)
    notself = (D > 0) & valid
    aI = np.broadcast_to(a[:, None], J.shape)
    aJ = a[Jc]

    X = np.zeros((n, K + 1, F), np.float32)
    f = 0

    def put(v) -> None:
        nonlocal f
        X[:, :, f] = v
        f += 1

    put(D == 0)
    for k, b in enumerate(DIST_BINS):
        hi = DIST_BINS[k + 1] if k + 1 < len(DIST_BINS) else 10**9
        put(notself & (D >= b) & (D < hi))
    put(np.where(notself, np.log1p(D) / 5.0, 0.0))
    both = tknown[:, None] & tknown[Jc] & notself
    gap = np.where(both, np.maximum(ff[:, None] - ff[Jc], 0.0), 0.0)
    for k, b in enumerate(TIME_BINS):
        hi = TIME_BINS[k + 1] if k + 1 < len(TIME_BINS) else 10**12
        put(both & (gap >= b) & (gap < hi))
    put(np.log1p(gap) / 5.0)
    put(notself & ~both)
    put(notself & (aI == aJ))
    i_men_j = (men[:, None, :] == aJ[:, :, None]).any(-1) & notself
    j_men_i = (men[Jc] == a[:, None, None]).any(-1) & notself
    put(i_men_j)
    put(j_men_i)
    put(notself & (addressed[:, None] == aJ))
    put(notself & (addressed[Jc] == a[:, None]))
    put(np.broadcast_to(has_men[:, None], J.shape))
    put(notself & has_men[:, None] & ~i_men_j)
    put(notself & has_men[Jc] & ~j_men_i)
    put(notself & (next_same[Jc] >= I))
    put(notself & (prev_same[:, None] == J))
    put(notself & (last_naming[:, None] == J))
    put(notself & mentioned_before(aJ, aI, I))
    put(notself & mentioned_before(aI, aJ, I))
    put(notself & (partner[:, None] == aJ))
    put(notself & system[Jc])
    put(np.broadcast_to(system[:, None], J.shape))
    put(np.broadcast_to(question[:, None], J.shape))
    put(notself & question[Jc])
    put(notself & question[Jc] & (aI != aJ))
    put(np.broadcast_to(thanks[:, None], J.shape))
    put(np.broadcast_to(answer[:, None], J.shape))
    put(np.broadcast_to(greeting[:, None], J.shape))
    put(notself & greeting[Jc])
    put(np.broadcast_to(qstart[:, None], J.shape))
    put(notself & qstart[Jc])

    om = np.asarray(occ_msg, np.int64)
    ot = np.asarray(occ_tok, np.int64)
    V = len(vocab)
    if V:
        df = np.bincount(ot, minlength=V).astype(np.float64)
        idf = np.log((n + 1.0) / df)
        idf_max = max(math.log(n + 1.0), 1.0)
        pi, pd, pt, platest, ponly = _band_pairs(om, ot, n, K)
        cell = pi * (K + 1) + pd
        w = (idf / idf_max)[pt]
        cnt = np.bincount(cell, minlength=n * (K + 1)).astype(np.float64).reshape(n, K + 1)
        wov = np.bincount(cell, weights=w, minlength=n * (K + 1)).reshape(n, K + 1)
        # the rarest word the two share, and the words i shares with j and with nobody since j
        # (a reply picks up what is particular to the comment it answers)
        wmax = np.zeros(n * (K + 1))
        np.maximum.at(wmax, cell, w)
        wmax = wmax.reshape(n, K + 1)
        wlast = np.bincount(cell[platest], weights=w[platest], minlength=n * (K + 1)).reshape(n, K + 1)
        only = np.bincount(cell[ponly], minlength=n * (K + 1)).astype(np.float64).reshape(n, K + 1)
        head = np.asarray(occ_head, bool)
        opening = ponly & np.isin(pi * V + pt, om[head] * V + ot[head])
        only_open = np.bincount(cell[opening], minlength=n * (K + 1)).astype(np.float64).reshape(n, K + 1)
        nt = np.bincount(om, minlength=n).astype(np.float64)
    else:
        cnt = wov = wmax = wlast = only = only_open = np.zeros((n, K + 1))
        nt = np.zeros(n)
    cnt = np.where(notself, cnt, 0.0)
    wov = np.where(notself, wov, 0.0)
    union = nt[:, None] + nt[Jc] - cnt
    put(np.log1p(cnt) / 3.0)
    put(np.minimum(wov, 3.0))
    put(np.where(union > 0, cnt / np.maximum(union, 1.0), 0.0))
    put(cnt > 0)
    put(np.broadcast_to((np.log1p(length) / 5.0)[:, None], J.shape))
    put(np.where(notself, np.log1p(length)[Jc] / 5.0, 0.0))
    # messages by i's author strictly between j and i; by j's author strictly between j and i
    base = n + 1
    n_i_between = np.searchsorted(akey, aI * base + I) - np.searchsorted(akey, aI * base + Jc + 1)
    n_j_between = np.searchsorted(akey, aJ * base + I) - np.searchsorted(akey, aJ * base + Jc + 1)
    put(np.where(notself, np.log1p(np.maximum(n_i_between, 0)) / 3.0, 0.0))
    put(np.where(notself, np.log1p(np.maximum(n_j_between, 0)) / 3.0, 0.0))
    put(np.broadcast_to(url[:, None], J.shape))
    put(notself & url[Jc])
    put(np.broadcast_to((prev_same < 0)[:, None], J.shape))
    put(notself & (prev_same[Jc] < 0))
    prev_auth = np.concatenate([[-1], a[:-1]])
    put(np.broadcast_to((prev_auth == a)[:, None], J.shape))
    gp = np.concatenate([[0.0], np.diff(ff)])
    gp = np.where(np.isnan(gp), 0.0, np.maximum(gp, 0.0))
    put(np.broadcast_to((np.log1p(gp) / 5.0)[:, None], J.shape))
    # i's author names j's author again in a later message (the exchange continues) -- uses only earlier
    # text: does j's author appear in the message i's author wrote just before i?
    prev_i = np.maximum(prev_same, 0)
    named_prev = (men[prev_i][:, None, :] == aJ[:, :, None]).any(-1) & (prev_same >= 0)[:, None]
    put(notself & named_prev)
    # someone other than j addressed i's author after j (i may be answering them instead)
    put(notself & (last_naming[:, None] > J) & (last_naming[:, None] >= 0))
    latest = notself & (next_same[Jc] >= I)
    put(latest & (men[:, None, :] == aJ[:, :, None]).any(-1))
    put(latest & (addressed[:, None] == aJ))
    # the latest message by j's author that names i's author
    put(notself & j_men_i & ~(mentioned_later_same(aJ, Jc, I)))
    put(notself & trivial[Jc])
    put(np.broadcast_to(trivial[:, None], J.shape))
    latest_content = notself & ~trivial[Jc] & ~system[Jc] & (next_content[Jc] >= I)
    put(latest_content)
    put(latest_content & (men[:, None, :] == aJ[:, :, None]).any(-1))
    put(np.broadcast_to(reactive[:, None], J.shape))
    put(np.broadcast_to(second[:, None], J.shape))
    cited = np.array([bool(m.mentions) for m in messages], np.float64)
    window = KNOWN_WINDOW
    csum = np.concatenate([[0.0], np.cumsum(cited)])
    lo = np.maximum(np.arange(n) - window, 0)
    seen_before = np.arange(n) - lo
    share = np.where(seen_before > 0, (csum[np.arange(n)] - csum[lo]) / np.maximum(seen_before, 1), 0.0)
    put(np.broadcast_to(share[:, None], J.shape))
    j_before = np.searchsorted(akey, aJ * base + I) - np.searchsorted(akey, aJ * base)
    put(np.where(notself, np.log1p(np.maximum(j_before, 0)) / 3.0, 0.0))
    put(np.where(notself, wmax, 0.0))
    put(np.where(notself, np.minimum(wlast, 3.0), 0.0))
    put(np.where(notself, np.log1p(only) / 2.0, 0.0))
    put(np.where(notself, np.log1p(only_open) / 2.0, 0.0))
    assert f == F, (f, F)
    X[~valid] = 0.0
    return X, valid


# ---------------------------------------------------------------- second stage (stacking)

STACK_FEATURES: tuple[str, ...] = (
    "p1",
    "p1_log",
    "p1_rank1",
    "p1_rank2",
    "j_answered_i_author",
    "i_prev_answered_j",
    "i_prev_answered_j_author",
    "j_in_conv_of_i_prev",
    "j_latest_of_its_conv",
    "j_conv_latest_and_has_i_prev",
    "j_conv_size",
    "j_conv_msgs_by_i_author",
    "j_self_start",
    "p1_self_i",
)
N_STACK = len(STACK_FEATURES)


def authors_and_prev(messages: list[Message]) -> tuple[np.ndarray, np.ndarray]:
    """Author ids and each message's previous message by the same author (-1: none)."""
    ids: dict[str, int] = {}
    a = np.array([ids.setdefault(m.author, len(ids)) for m in messages], dtype=np.int64)
    prev = np.full(len(a), -1, np.int64)
    last: dict[int, int] = {}
    for i, x in enumerate(a.tolist()):
        prev[i] = last.get(x, -1)
        last[x] = i
    return a, prev


def stack_features(P: np.ndarray, a: np.ndarray, prev_same: np.ndarray) -> np.ndarray:
    """Features from a first-stage probability grid P (n, K+1): what the first pass thinks the
    conversations are (who answered whom, which conversation each candidate belongs to)."""
    n, C = P.shape
    K = C - 1
    I = np.arange(n)[:, None]
    D = np.arange(C)[None, :]
    J = I - D
    valid = J >= 0
    Jc = np.maximum(J, 0)
    notself = (D > 0) & valid
    best = P.argmax(axis=1)
    ante = np.arange(n) - best  # predicted antecedent (itself = starts a conversation)
    # conversation id: follow predicted links back (they always point backwards)
    root = np.arange(n)
    for i in range(n):
        root[i] = root[ante[i]] if ante[i] != i else i
    conv_size = np.bincount(root, minlength=n)
    # next message in the same predicted conversation
    nxt = np.full(n, n + K + 1, np.int64)
    last: dict[int, int] = {}
    for i, r in enumerate(root.tolist()):
        if r in last:
            nxt[last[r]] = i
        last[r] = i
    # per conversation, messages by each author so far: use cumulative counting on (root, author)
    X = np.zeros((n, C, N_STACK), np.float32)
    f = 0

    def put(v) -> None:
        nonlocal f
        X[:, :, f] = v
        f += 1

    rank = np.argsort(np.argsort(-P, axis=1, kind="stable"), axis=1, kind="stable")
    put(P)
    put(np.log(np.maximum(P, 1e-6)) / 14.0 + 1.0)
    put(rank == 0)
    put(rank == 1)
    aJ = a[Jc]
    aI = a[:, None]
    put(notself & (ante[Jc] != Jc) & (a[ante[Jc]] == aI))
    ip = np.maximum(prev_same, 0)
    has_prev = (prev_same >= 0)[:, None]
    put(notself & has_prev & (ante[ip][:, None] == J) & (ante[ip][:, None] != ip[:, None]))
    put(notself & has_prev & (ante[ip] != ip)[:, None] & (a[ante[ip]][:, None] == aJ))
    in_conv = notself & has_prev & (root[Jc] == root[ip][:, None])
    put(in_conv)
    latest = notself & (nxt[Jc] >= I)
    put(latest)
    put(latest & in_conv)
    put(np.where(notself, np.log1p(conv_size[root[Jc]]) / 4.0, 0.0))
    # messages by i's author in j's conversation before i (approximate: via their previous message)
    key = np.sort(root * (a.max() + 1 if n else 1) + a)
    kk = root[Jc] * (a.max() + 1 if n else 1) + aI
    cnt = np.searchsorted(key, kk, side="right") - np.searchsorted(key, kk, side="left")
    put(np.where(notself, np.log1p(cnt) / 3.0, 0.0))
    put(notself & (ante[Jc] == Jc))
    put(np.broadcast_to(P[:, :1], P.shape))
    assert f == N_STACK
    X[~valid] = 0.0
    return X
