"""The two exceptions of the CIFAR-10 package."""
from __future__ import annotations


class CifarError(ValueError):
    """A CIFAR-10 file or archive is missing, malformed, unsafe or fails its checksum.

    The message names the file and the problem in one line.
    """


class Cancelled(Exception):
    """Raised when a cancel() callback asked a download, training or build to stop."""


def check_cancel(cancel, what: str) -> None:
    """Raise Cancelled if the optional ``cancel() -> bool`` callback says so."""
    if cancel is not None and cancel():
        raise Cancelled(f"{what} cancelled")
