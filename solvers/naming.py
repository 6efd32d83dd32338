"""The one did-you-mean helper for every "unknown name" message in the project.

It lives in the lowest layer (solvers imports nothing of the project), so
landscapes, solvers and app can all use it without a cycle.
"""
from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(word: object, choices: Iterable[str]) -> str:
    """`` (did you mean 'adam'?)`` for the closest choice, or ``""`` when none is close."""
    close = difflib.get_close_matches(str(word), list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
