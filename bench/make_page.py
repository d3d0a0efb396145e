#!/usr/bin/env python3
"""Generate a realistic Moon of Alabama / Typepad comment page for benchmarks (fictional, deterministic).

The page imitates a busy MoA thread in classic Typepad markup: a head with styles and scripts, the
post (`h3.entry-header`, `div.entry-body`, the `p.posted` byline), then `div.comments-content` holding
one `a#c<xid>` anchor and one `div.comment#comment-<xid>` per comment, each with its
`div.comment-content` (1-5 paragraphs with bold, italics, links, `<br />`s and some blockquotes) and
its `p.comment-footer`:

    Posted by: <a rel="nofollow" href="...">NAME</a> | <a href="POST#c<xid>">Dec 29 2025 18:50 utc</a> | 83

About 60 authors post (a few often, most rarely; some names hold spaces, punctuation or non-ASCII
letters); about 30% of comments open with a reply cue (a copied address line `NAME | date | N—`,
`@N`, `NAME @N` or `@NAME`) and some quote an earlier comment. A two-column sidebar (recent
comments, archives, blogroll) and the comment form follow. Everything is invented: places, people
and links (example.org / example.com); the same seed gives the same bytes.

    python bench/make_page.py                     # 1,000 comments to stdout
    python bench/make_page.py --comments 5000 -o /tmp/page.html
"""

from __future__ import annotations

import argparse
import html
import random
import sys
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

SEED = 20260102
UTC = timezone.utc
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
MONTH_NAMES = ("January February March April May June July August September October November "
               "December").split()

BLOG = "https://www.moonofalabama.org"
TITLE = "Korvask Reviews Its Halvard Position - Westmarch Keeps Its Options Open"
POST_URL = f"{BLOG}/2025/12/korvask-reviews-its-halvard-position.html"
POST_TIME = datetime(2025, 12, 29, 12, 51, tzinfo=UTC)
XID_PREFIX = "6a00d8341c640e53ef"   # Typepad xids: 34 hex digits, a blog-wide prefix

#: Share of comments that open with a reply cue, and how the cue is written.
REPLY_SHARE = 0.30
CUE_WEIGHTS = {"address": 45, "at-number": 25, "name-at-number": 10, "at-name": 20}
#: Share of comments holding a blockquote, and how often that quotes an earlier comment.
BLOCKQUOTE_SHARE = 0.16
QUOTES_EARLIER = 0.5
#: Paragraphs per comment (1-5) and sentences per paragraph.
PARAGRAPH_WEIGHTS = (30, 28, 20, 13, 9)
SENTENCES = (2, 6)
#: Mean minutes between comments (1,000 comments span about two and a half days).
MEAN_GAP_MINUTES = 3.6

# ------------------------------------------------------------------------------------------
# Authors: 60 fictional commenters with Zipf-like activity; about a third link a home page.
# ------------------------------------------------------------------------------------------

AUTHOR_NAMES = [
    "Jürgen Weiß", "Mina_77", "Hale, Marguerite", "Dr. Kettle-Black", "O'Rourke", "Łukasz",
    "José Ramírez", "Nils Åberg", "Fennimore", "quietbystander", "Tobias of the Fens", "Sable",
    "Ptolemy3", "old_salt", "Vesna P.", "Corvid", "Hieronymus", "Aldous K", "ZeroSum42", "Ottoline",
    "Yusuf al-Haddad", "kaskade", "Ferro", "Grey Heron", "Anaïs", "Brother Thaddeus", "Søren Kjær",
    "Zoë", "François L.", "Małgorzata", "Dmitrij Šváb", "Ömer Çelik", "Chloé", "Pat & Mike",
    "the pessimist", "Ike", "Rev. Smoot", "Babushka", "Ragnar", "Wen Li 文", "Kōji", "ak74",
    "Lefty Lucy", "jinn", "Piotr Nowak", "Ana Luísa", "Mr. Pragma", "Kadath", "Ian Brown", "Sasha",
    "Tuyzentfloot", "el gato malo", "Bemildred", "Paco", "Kristiina", "NemesisCalling", "Norwegian",
    "Arch Bungle", "Sorin Pârvu", "b",
]
HOST = "b"

# ------------------------------------------------------------------------------------------
# Prose: sentences assembled from slots, so a thousand comments do not repeat themselves.
# ------------------------------------------------------------------------------------------

SUBJECTS = [
    "Korvask", "Westmarch", "the Concord", "Halloran", "Morozan", "Varga", "the Dravonian army",
    "the Ardent envoy", "the General Staff", "the Aurelian press", "the Sorvik regime", "Hanlin",
    "the Kestrian foreign ministry", "the defense minister", "the Halvard delegation", "the EU commission",
    "the central bank", "the grain lobby", "the shipping insurers", "the think tanks", "the wire services",
    "every serious analyst", "the markets", "the Isse government", "the southern front",
]
VERBS = [
    "has no interest in", "will not accept", "keeps pretending to support", "quietly prepares for",
    "was never serious about", "now openly questions", "is running out of time for", "cannot afford",
    "will eventually be forced into", "has already priced in", "is betting everything on",
    "misread the signals about", "is trying to sell", "spent a year avoiding", "will try to spin",
    "was blindsided by", "depends entirely on", "has learned nothing from",
]
OBJECTS = [
    "a ceasefire along the current line", "the security strips", "the Orlevo question",
    "another round of sanctions", "the frozen reserves", "the pipeline insurance",
    "the winter offensive", "long range drones", "the talks in Halvard", "a face-saving formula",
    "the status of the Corran Islands", "the grain corridor", "a referendum in Kalven",
    "new air defense launchers", "the mandate question", "the reconstruction money",
    "a separate deal with Hanlin", "the next tranche of credits", "the Sarn crossings",
    "security guarantees comparable to membership", "a prisoner exchange", "the oil price cap",
]
TAILS = [
    "", "", "", " before the spring", " whatever the readouts say", " and everybody knows it",
    " as long as the front keeps moving", " at least in public", " for domestic reasons",
    " until the money runs out", " no matter who sits in Westmarch", " by the end of January",
    " and the press will call it a victory", " which tells you who is winning",
]
OPENERS = [
    "", "", "", "", "IMO ", "Frankly, ", "As usual, ", "Mark my words: ", "Meanwhile ",
    "To be fair, ", "Let's be honest: ", "Again, ", "Of course ", "Funny how ", "Note that ",
]
ASIDES = [
    "Thanks b.", "Good post b.", "Same as it ever was.", "Nobody in the capitals reads history.",
    "I said so in the last open thread.", "That was predictable.", "Sigh.", "Watch the bond market.",
    "The map does not lie.", "Follow the money, as always.", "It's the logistics, stupid.",
    "Time is on Korvask's side.", "Wishful thinking on all sides.", "We will see soon enough.",
    "Read the whole thing.", "Lol.", "Exactly this.", "Not so fast.", "Both can be true.",
]
NUMBERS = [
    "84 drones", "18 kilometres", "120 kilometres of front", "$61 billion", "three brigades",
    "a 40% drop", "11 tankers", "two divisions", "the third week", "1.2 million tonnes",
]
LINK_TEXTS = [
    "this report", "here", "the readout", "a thread on it", "the full transcript", "the map",
    "an interview", "this piece", "the statistics", "the original statement",
]
LINK_HOSTS = ["https://example.org", "https://example.com", "https://news.example.org",
              "https://archive.example.com", "https://maps.example.org"]
LINK_PATHS = ["2025/12/29/halvard-talks", "world/east/1229-readout", "analysis/security-strips",
              "p/the-grain-corridor", "reports/drone-raid-map", "watch?v=Q3xK9aL0", "docs/transcript-1230",
              "energy/tanker-tracking", "statistics/credits-2025", "opinion/westmarch-options"]
EXTERNAL_QUOTES = [
    "The ministry said that all of the launched vehicles had been destroyed over the lake and that "
    "nobody was hurt. Further details will be given at a briefing on Wednesday.",
    "According to officials familiar with the talks, the Ardent side has asked for a written list of "
    "conditions before the next round, which neither delegation expects before the middle of January.",
    "The insurers have raised the war risk premium for tankers calling at the southern ports for the "
    "third time this month, citing the continued threat from uncrewed surface vessels.",
    "Speaking to reporters in Westmarch, the envoy described the call as businesslike and said that "
    "progress had been made on several technical questions, without naming any of them.",
    "Satellite images published on Monday show new earthworks along a forty kilometre stretch north "
    "of the river, consistent with the construction of a second defensive line.",
    "The central bank left its key rate unchanged and warned that the budget deficit would widen "
    "further if the credits promised in October do not arrive before the end of the quarter.",
]


@dataclass(frozen=True, slots=True)
class Author:
    name: str
    url: str | None


@dataclass(frozen=True, slots=True)
class Truth:
    """What a parser should find for one comment."""

    number: int
    xid: str
    author: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Page:
    html: bytes
    comments: list[Truth]
    url: str = POST_URL


def esc(s: str) -> str:
    return html.escape(s, quote=False)


def stamp(t: datetime) -> str:
    """The MoA footer date: `Dec 29 2025 18:50 utc` (day not padded)."""
    return f"{MONTHS[t.month - 1]} {t.day} {t.year} {t:%H:%M} utc"


def _slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    s = "".join(ch.lower() if ch.isalnum() else "-" for ch in ascii_name)
    return "-".join(p for p in s.split("-") if p) or "home"


class _Writer:
    def __init__(self, rng: random.Random):
        self.rng = rng

    def sentence(self) -> str:
        r = self.rng
        roll = r.random()
        if roll < 0.12:
            return r.choice(ASIDES)
        s = f"{r.choice(OPENERS)}{r.choice(SUBJECTS)} {r.choice(VERBS)} {r.choice(OBJECTS)}{r.choice(TAILS)}"
        if roll < 0.22:
            s += f", and {r.choice(NUMBERS)} will not change that"
        s = s[0].upper() + s[1:]
        return s + r.choice(".....?!")

    def inline(self, s: str) -> str:
        """Sprinkle bold, italics and links over a sentence (already HTML-safe text)."""
        r = self.rng
        roll = r.random()
        if roll < 0.07:
            return f"<b>{s}</b>"
        if roll < 0.14:
            words = s.split(" ")
            k = r.randrange(len(words))
            words[k] = f"<i>{words[k]}</i>"
            return " ".join(words)
        if roll < 0.22:
            href = f"{r.choice(LINK_HOSTS)}/{r.choice(LINK_PATHS)}"
            return f'{s} See <a href="{href}">{r.choice(LINK_TEXTS)}</a>.'
        return s

    def paragraph(self) -> str:
        r = self.rng
        parts = [self.inline(esc(self.sentence())) for _ in range(r.randint(*SENTENCES))]
        if r.random() < 0.08:
            k = r.randrange(len(parts))
            parts[k] = parts[k] + "<br />"
        return " ".join(parts)


def _authors(rng: random.Random) -> tuple[list[Author], list[float]]:
    authors = []
    for i, name in enumerate(AUTHOR_NAMES):
        has_url = name != HOST and (i % 3 == 0 or rng.random() < 0.15)
        url = f"{rng.choice(LINK_HOSTS)}/{_slug(name)}/" if has_url else None
        authors.append(Author(name, url))
    weights = [1 / (rank + 1) ** 0.5 for rank in range(len(authors))]
    weights[AUTHOR_NAMES.index(HOST)] = 0.15
    return authors, weights


@dataclass(slots=True)
class _Comment:
    number: int
    xid: str
    author: Author
    time: datetime
    blocks: list[str]          # HTML of the comment-content's children
    first_sentence: str = ""   # a passage later comments may quote


def _xids(rng: random.Random, n: int) -> list[str]:
    seen: set[str] = set()
    out = []
    while len(out) < n:
        x = XID_PREFIX + f"{rng.getrandbits(64):016x}"
        if x not in seen:
            seen.add(x)
            out.append(x)
    return out


def _reply_cue(rng: random.Random, target: _Comment) -> str:
    """The opening of a reply, as HTML, ending where the reply's own words begin."""
    kind = rng.choices(list(CUE_WEIGHTS), weights=list(CUE_WEIGHTS.values()))[0]
    name = esc(target.author.name)
    if kind == "address":
        line = f"{name} | {stamp(target.time)} | {target.number}"
        style = rng.random()
        if style < 0.15:
            line = f'<a href="#c{target.xid}">{line}</a>'
        elif style < 0.25:
            line = f'<a href="{POST_URL}#c{target.xid}">{line}</a>'
        return line + rng.choice(["—", "—", "–", "--", ":", ""]) + rng.choice(["<br />\n", "<br />\n", " "])
    if kind == "at-number":
        return f"@{target.number}{rng.choice(['', ':', ','])} "
    if kind == "name-at-number":
        return f"{name} @{target.number}{rng.choice(['', ':'])} "
    short = target.author.name.split(" ")[0] if rng.random() < 0.3 else target.author.name
    return f"@{esc(short)}{rng.choice(['', ':', ','])} "


def _comments(rng: random.Random, n: int) -> list[_Comment]:
    authors, weights = _authors(rng)
    writer = _Writer(rng)
    xids = _xids(rng, n)
    t = POST_TIME + timedelta(minutes=7)
    out: list[_Comment] = []
    for i in range(1, n + 1):
        t += timedelta(minutes=max(0.0, rng.expovariate(1 / MEAN_GAP_MINUTES)))
        author = rng.choices(authors, weights=weights)[0]
        k = rng.choices(range(1, 6), weights=PARAGRAPH_WEIGHTS)[0]
        paras = [writer.paragraph() for _ in range(k)]
        first = paras[0].split(". ")[0]
        blocks = [f"<p>{p}</p>" for p in paras]
        if out and rng.random() < REPLY_SHARE:
            back = min(len(out), int(rng.paretovariate(1.2)) if rng.random() < 0.8 else rng.randint(1, len(out)))
            target = out[-back]
            if target.author.name == author.name and back < len(out):
                target = out[-back - 1]
            blocks[0] = f"<p>{_reply_cue(rng, target)}{paras[0]}</p>"
        if rng.random() < BLOCKQUOTE_SHARE:
            earlier = [c for c in out[-60:] if len(c.first_sentence) > 40 and "<" not in c.first_sentence]
            if earlier and rng.random() < QUOTES_EARLIER:
                quote = rng.choice(earlier).first_sentence + "."
            else:
                quote = rng.choice(EXTERNAL_QUOTES)
            at = rng.randint(1, len(blocks))  # after the opening paragraph (and its reply cue)
            blocks.insert(at, f"<blockquote><p>{quote}</p></blockquote>")
        out.append(_Comment(i, xids[i - 1], author, t.replace(second=0, microsecond=0), blocks, first))
    return out


def _footer(c: _Comment) -> str:
    name = esc(c.author.name)
    if c.author.url:
        name = f'<a rel="nofollow" href="{html.escape(c.author.url)}">{name}</a>'
    return f'Posted by: {name} | <a href="{POST_URL}#c{c.xid}">{stamp(c.time)}</a> | {c.number}'


def _comment_html(c: _Comment) -> str:
    body = "\n".join(c.blocks)
    return (f'<a id="c{c.xid}"></a>\n'
            f'<div class="comment" id="comment-{c.xid}">\n'
            f'\t<div class="comment-content">\n{body}\n\t</div>\n'
            f'\t<p class="comment-footer">\n\t{_footer(c)}\t</p>\n'
            f'</div>\n')


_HEAD = """<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" id="sixapart-standard">
<head>
\t<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
\t<meta name="generator" content="http://www.typepad.com/" />
\t<meta name="keywords" content="politics, war, economy, analysis" />
\t<meta name="description" content="Reporting and analysis on world affairs" />
\t<link rel="stylesheet" href="{blog}/styles.css?v=6" type="text/css" media="screen" />
\t<link rel="stylesheet" href="https://static.typepad.com/.shared/themes/common/print.css" type="text/css" media="print" />
\t<link rel="alternate" type="application/atom+xml" title="Posts on 'Moon of Alabama' (Atom)" href="{blog}/atom.xml" />
\t<link rel="alternate" type="application/rss+xml" title="Posts on 'Moon of Alabama' (RSS 1.0)" href="{blog}/index.rdf" />
\t<link rel="canonical" href="{url}" />
\t<title>Moon of Alabama: {title}</title>
\t<meta property="og:title" content="{title}" />
\t<meta property="og:url" content="{url}" />
\t<meta property="og:site_name" content="Moon of Alabama" />
\t<script type="text/javascript">
\t\tvar TPConnect = {{ "blog_xid": "6a00d8341c640e53ef00d8341c640f53ef", "comments_open": 1,
\t\t\t"asset_xid": "6a00d8341c640e53ef02c8d3b5a9f1200b", "comment_pages": 1 }};
\t\tfunction toggleComments(id) {{ var el = document.getElementById(id);
\t\t\tif (el) {{ el.style.display = (el.style.display == 'none') ? 'block' : 'none'; }} return false; }}
\t</script>
\t<style type="text/css">
\t\t.comment-footer {{ font-size: 0.85em; color: #666; margin-bottom: 1.5em; }}
\t\t.comment-content blockquote {{ border-left: 3px solid #ccc; padding-left: 0.8em; }}
\t\t#beta .module-list-item {{ margin-bottom: 0.4em; }}
\t</style>
</head>
<body class="layout-two-column-right post">
<div id="container">
<div id="container-inner" class="pkg">
<div id="banner"><div id="banner-inner" class="pkg">
\t<h1 id="banner-header"><a href="{blog}/" accesskey="1">Moon of Alabama</a></h1>
\t<h2 id="banner-description">Brecht's: Oh, moon of Alabama / We now must say goodbye / We've lost our good old mamma / And must have whisky, oh, you know why.</h2>
</div></div>
<div id="pagebody"><div id="pagebody-inner" class="pkg">
<div id="alpha"><div id="alpha-inner" class="pkg">
"""


def _post(rng: random.Random) -> str:
    writer = _Writer(rng)
    paras = [f"<p>{writer.paragraph()} {writer.paragraph()}</p>" for _ in range(7)]
    paras.insert(4, f"<blockquote><p>{EXTERNAL_QUOTES[0]}</p><p><b>{EXTERNAL_QUOTES[1]}</b></p></blockquote>")
    byline = (f"Posted by b on {MONTH_NAMES[POST_TIME.month - 1]} {POST_TIME.day}, {POST_TIME.year} "
              f"at {POST_TIME:%I:%M %p}")
    return (f'<h2 class="date-header">{POST_TIME:%A}, {MONTH_NAMES[POST_TIME.month - 1]} {POST_TIME.day}, '
            f'{POST_TIME.year}</h2>\n'
            f'<div class="entry-category-politics entry-author-b entry-type-post entry" '
            f'id="entry-6a00d8341c640e53ef02c8d3b5a9f1200b">\n'
            f'\t<h3 class="entry-header">{esc(TITLE)}</h3>\n'
            f'\t<div class="entry-content">\n\t<div class="entry-body">\n' + "\n".join(paras) +
            f'\n\t</div>\n\t</div>\n'
            f'\t<div class="entry-footer">\n\t<p class="posted">{byline} | '
            f'<a class="permalink" href="{POST_URL}">Permalink</a></p>\n\t</div>\n</div>\n')


def _comment_form() -> str:
    return (
        '<form id="comment-form" method="post" action="https://www.typepad.com/services/comment">\n'
        '\t<input type="hidden" name="entry_xid" value="6a00d8341c640e53ef02c8d3b5a9f1200b" />\n'
        '\t<h3 class="comments-open-header">Post a comment</h3>\n'
        '\t<p><label for="comment-author">Name:</label><input id="comment-author" name="author" size="30" /></p>\n'
        '\t<p><label for="comment-email">Email Address:</label><input id="comment-email" name="email" size="30" /></p>\n'
        '\t<p><label for="comment-url">URL:</label><input id="comment-url" name="url" size="30" /></p>\n'
        '\t<p><label for="comment-text">Comments:</label><textarea id="comment-text" name="text" rows="10" cols="50">'
        '</textarea></p>\n'
        '\t<p><input type="submit" name="preview" value="Preview" /> <input type="submit" name="post" value="Post" /></p>\n'
        '</form>\n')


def _sidebar(rng: random.Random, comments: list[_Comment]) -> str:
    recent = "".join(
        f'<li class="module-list-item"><a href="{POST_URL}#c{c.xid}">{esc(c.author.name)}</a> on '
        f'<a href="{POST_URL}">{esc(TITLE)}</a></li>\n' for c in comments[-10:][::-1])
    posts = "".join(
        f'<li class="module-list-item"><a href="{BLOG}/2025/12/{_slug(o)}.html">{esc(o.capitalize())}</a></li>\n'
        for o in rng.sample(OBJECTS, 10))
    archives = "".join(
        f'<li class="module-list-item"><a href="{BLOG}/{y}/{m:02d}/index.html">{MONTH_NAMES[m - 1]} {y}</a></li>\n'
        for y in range(2025, 2003, -1) for m in range(12, 0, -1) if (y, m) <= (2025, 12))
    blogroll = "".join(
        f'<li class="module-list-item"><a href="{rng.choice(LINK_HOSTS)}/{_slug(n)}">{esc(n)}</a></li>\n'
        for n in AUTHOR_NAMES[:40])
    def module(title: str, items: str) -> str:
        return (f'<div class="module-typelist module"><h2 class="module-header">{title}</h2>\n'
                f'<div class="module-content"><ul class="module-list">\n{items}</ul></div></div>\n')
    return ('<div id="beta"><div id="beta-inner" class="pkg">\n'
            '<div class="module-search module"><h2 class="module-header">Search</h2><div class="module-content">'
            '<form method="get" action="https://www.google.com/search"><input type="text" name="q" />'
            '<input type="hidden" name="sitesearch" value="moonofalabama.org" />'
            '<input type="submit" value="Search" /></form></div></div>\n'
            + module("Recent Comments", recent) + module("Recent Posts", posts)
            + module("Archives", archives) + module("Blogroll", blogroll)
            + '</div></div>\n')


def make_page(comments: int = 1000, *, seed: int = SEED) -> Page:
    """A thread page with `comments` comments, and what a parser should find in it."""
    rng = random.Random(seed)
    post = _post(rng)
    items = _comments(rng, comments)
    parts = [
        _HEAD.format(blog=BLOG, url=POST_URL, title=esc(TITLE)),
        post,
        '<div class="comments" id="comments">\n<div class="comments-inner">\n'
        '<h3 class="comments-header">Comments</h3>\n'
        '<div class="comments-content">\n',
        *(_comment_html(c) for c in items),
        '</div>\n</div>\n</div>\n',
        _comment_form(),
        '</div></div>\n',
        _sidebar(rng, items),
        '</div></div>\n</div></div>\n</body>\n</html>\n',
    ]
    truth = [Truth(c.number, c.xid, c.author.name, c.time) for c in items]
    return Page("".join(parts).encode("utf-8"), truth)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--comments", type=int, default=1000, help="how many comments (default 1000)")
    ap.add_argument("--seed", type=int, default=SEED, help=f"random seed (default {SEED})")
    ap.add_argument("-o", "--out", type=Path, help="write here instead of stdout")
    args = ap.parse_args(argv)
    if args.comments < 1:
        ap.error("--comments must be at least 1")
    page = make_page(args.comments, seed=args.seed)
    if args.out:
        args.out.write_bytes(page.html)
        print(f"{len(page.html):,} bytes, {len(page.comments):,} comments -> {args.out}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(page.html)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
