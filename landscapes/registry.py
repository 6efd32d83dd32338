"""The one registry of named landscapes. GUI, CLI and tests all read it."""
from __future__ import annotations

from typing import Any

from solvers.naming import did_you_mean

from . import analytic  # noqa: F401  importing it runs every @register
from .base import Landscape
from .registration import FACTORIES, register

__all__ = ["UnknownLandscapeError", "get", "names", "register"]


class UnknownLandscapeError(KeyError, ValueError):
    """Raised by get() for a name that is not registered; the message lists the names."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0])


def names() -> list[str]:
    """All registered landscape names, in registration (teaching) order."""
    return list(FACTORIES)


def get(name: str, **params: Any) -> Landscape:
    """Build the landscape ``name`` with optional parameters (e.g. ravine's condition)."""
    factory = FACTORIES.get(name) if isinstance(name, str) else None
    if factory is None:
        raise UnknownLandscapeError(
            f"unknown landscape {name!r}{did_you_mean(name, FACTORIES)}; known: {', '.join(FACTORIES)}"
        )
    try:
        return factory(**params)
    except TypeError as e:
        raise ValueError(f"bad parameters for landscape {name!r}: {e}") from None
