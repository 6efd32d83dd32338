"""The one registry of named landscapes. GUI, CLI and tests all read it."""
from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import Any

from .base import Landscape

_FACTORIES: dict[str, Callable[..., Landscape]] = {}


def register(name: str) -> Callable[[Callable[..., Landscape]], Callable[..., Landscape]]:
    """Decorator: register a factory ``(**params) -> Landscape`` under ``name``."""

    def deco(factory: Callable[..., Landscape]) -> Callable[..., Landscape]:
        if name in _FACTORIES:
            raise ValueError(f"landscape {name!r} registered twice")
        _FACTORIES[name] = factory
        return factory

    return deco


class UnknownLandscapeError(KeyError, ValueError):
    """Raised by get() for a name that is not registered; the message lists the names."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0])


def names() -> list[str]:
    """All registered landscape names, in registration (teaching) order."""
    _ensure_loaded()
    return list(_FACTORIES)


def get(name: str, **params: Any) -> Landscape:
    """Build the landscape ``name`` with optional parameters (e.g. ravine's condition)."""
    _ensure_loaded()
    try:
        factory = _FACTORIES[name]
    except KeyError:
        close = difflib.get_close_matches(str(name), _FACTORIES, n=3)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise UnknownLandscapeError(
            f"unknown landscape {name!r}.{hint} Known: {', '.join(_FACTORIES)}"
        ) from None
    try:
        return factory(**params)
    except TypeError as e:
        raise ValueError(f"bad parameters for landscape {name!r}: {e}") from None


def _ensure_loaded() -> None:
    # Importing the modules runs their @register decorators.
    from . import analytic  # noqa: F401
