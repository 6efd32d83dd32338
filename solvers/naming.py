"""The message helpers: one did-you-mean for every "unknown name" message, one short repr.

It lives in the lowest layer (solvers imports nothing of the project), so
landscapes, solvers and app can all use it without a cycle.
"""
from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(word: object, choices: Iterable[str], *, quote: bool = True) -> str:
    """`` (did you mean 'adam'?)`` for the closest choice, or ``""`` when none is close.

    ``quote=False`` gives the command line's plain `` (did you mean adam?)``.
    """
    close = difflib.get_close_matches(str(word), list(choices), n=1)
    if not close:
        return ""
    return f" (did you mean {close[0]!r}?)" if quote else f" (did you mean {close[0]}?)"


def short_repr(value: object, limit: int = 40) -> str:
    """repr(value) cut to ``limit`` characters: a 400-digit number must not fill a one-line message."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit // 2]}…({len(text)} characters)"
