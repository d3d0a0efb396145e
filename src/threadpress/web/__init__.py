"""The local web app (`threadpress serve`): threads, a thread as a list or a reply tree, an author's
engagement, and the composer that turns a digest into a post."""

from .app import create_app

__all__ = ["create_app"]
