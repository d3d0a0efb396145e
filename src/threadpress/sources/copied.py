"""Backward-compatible home of the copied-text readers, now one module each.

`blogger_text`, `wordpress_text`, `hackernews_text`, `mailarchive_text` and `wiki_talk` hold the
readers, `copied_reader` what they share. This module re-exports the five source objects (and
their classes) for code that still imports `threadpress.sources.copied`.
"""

from __future__ import annotations

from .blogger_text import SOURCE as BLOGGER
from .blogger_text import BloggerTextSource
from .hackernews_text import SOURCE as HACKERNEWS
from .hackernews_text import HackerNewsTextSource
from .mailarchive_text import SOURCE as MAILARCHIVE
from .mailarchive_text import MailArchiveTextSource
from .wiki_talk import SOURCE as WIKI_TALK
from .wiki_talk import WikiTalkSource
from .wordpress_text import SOURCE as WORDPRESS
from .wordpress_text import WordPressTextSource

__all__ = [
    "BLOGGER",
    "HACKERNEWS",
    "MAILARCHIVE",
    "WIKI_TALK",
    "WORDPRESS",
    "BloggerTextSource",
    "HackerNewsTextSource",
    "MailArchiveTextSource",
    "WikiTalkSource",
    "WordPressTextSource",
]
