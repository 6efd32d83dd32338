"""A number a person typed (a window's field, a command-line flag), read once for every place.

    finite_number("0.01", "tol")  -> 0.01;  finite_number("abc", "tol") raises
    ValueError("tol must be a number, got 'abc'"), and "inf" or "nan" "... a finite number ...".
"""
from __future__ import annotations

import math


def finite_number(text: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{what} must be a number, got {text!r}") from None
    if not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number, got {text!r}")
    return value
