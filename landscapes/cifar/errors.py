"""The two exceptions of the CIFAR-10 package, and the checks that raise them."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np


class CifarError(ValueError):
    """A CIFAR-10 file or archive is missing, malformed, unsafe or fails its checksum.

    The message names the file and the problem in one line.
    """


class Cancelled(Exception):
    """Raised when a cancel() callback asked a download, training or build to stop."""


def check_cancel(cancel: Callable[[], bool] | None, what: str) -> None:
    """Raise Cancelled if the optional ``cancel() -> bool`` callback says so."""
    if cancel is not None and cancel():
        raise Cancelled(f"{what} cancelled")


def check_whole(name: str, value: object, minimum: int = 1) -> int:
    """``value`` as an int >= ``minimum`` (5000.0 is fine); anything else a ValueError naming ``name``."""
    number: int | None = None
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        number = int(value)
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    if number is None or number < minimum:
        raise ValueError(f"{name} must be a whole number >= {minimum}, got {value!r}")
    return number
