"""One exception hierarchy. The CLI turns these into one-line messages; nothing below it prints or exits."""


class ThreadpressError(Exception):
    """Base class: a problem the user can fix, reported as one line."""


class InputError(ThreadpressError):
    """The input could not be read as a thread (missing, empty, binary, truncated, no comments...)."""


class UnknownFormat(InputError):
    """No source recognised the input."""


class FetchError(ThreadpressError):
    """An HTTP fetch failed (refused scheme, robots.txt, status, size, timeout)."""

    #: Seconds the server asked us to wait (its last Retry-After), when it said so.
    retry_after: float | None = None


class NotFound(ThreadpressError):
    """A stored thread, author or comment that does not exist."""


class StoreError(ThreadpressError):
    """The archive could not be opened or written."""
