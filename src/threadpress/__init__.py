"""threadpress: turn discussion threads into publishable posts and see how a conversation went."""

from .errors import FetchError, InputError, NotFound, ThreadpressError, UnknownFormat
from .model import Comment, ReplyEdge, Thread

__version__ = "0.1.0"

__all__ = [
    "Comment", "ReplyEdge", "Thread",
    "ThreadpressError", "InputError", "UnknownFormat", "FetchError", "NotFound",
    "__version__",
]
