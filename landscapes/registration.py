"""Where named landscapes register: the table and the @register decorator.

Kept apart from registry.py so that the analytic modules, which register
into it, and the registry, which imports them, form no import cycle:
analytic/* -> registration <- registry -> analytic.
"""
from __future__ import annotations

from collections.abc import Callable

from .base import Landscape

Factory = Callable[..., Landscape]

FACTORIES: dict[str, Factory] = {}  # name -> factory, in registration (teaching) order


def register(name: str) -> Callable[[Factory], Factory]:
    """Decorator: register a factory ``(**params) -> Landscape`` under ``name``."""

    def deco(factory: Factory) -> Factory:
        if name in FACTORIES:
            raise ValueError(f"landscape {name!r} registered twice")
        FACTORIES[name] = factory
        return factory

    return deco
