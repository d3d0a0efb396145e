"""The errors that name a bad line of a dump (both sinks raise them, unless `skip_bad`)."""

from __future__ import annotations

from ..errors import InputError


def _bad_json(name: str, lineno: int, exc: Exception) -> InputError:
    return InputError(f"{name}: line {lineno} is not valid JSON ({exc})")


def _not_object(name: str, lineno: int) -> InputError:
    return InputError(f"{name}: line {lineno} is not a JSON object")


def _not_comment(name: str, lineno: int) -> InputError:
    return InputError(f"{name}: line {lineno} is not a Reddit comment (no id or link_id)")
