"""The kinds of landscape a scene can name, each known in one place.

A ``LandscapeSpec.name`` is either a surface of the analytic registry
(``landscapes.names()``: "rosenbrock", "ravine", ...) or the name of a special
kind: a typed formula f(x, y) ("expression") or a slice through a CIFAR-10
classifier's loss ("cifar_slice"). Each kind knows

- how to check a spec's fields: ``problems(spec)``, one "field: message" per
  problem, for the scene loader (fast: it never trains or downloads);
- how to build its Landscape: ``build(spec, progress, cancel)``;
- whether building is slow, so the ui runs it as a background job: ``slow``;
- the name people see: ``display_name``.

build.py builds through ``kind_of(spec)``, scene_io checks through it, and the
window asks ``kind_of(spec).slow``. Adding a kind is one class here and one
entry in ``_SPECIAL``.
"""
from __future__ import annotations

import inspect
import os
from collections.abc import Callable
from typing import Any

import landscapes
from landscapes import Landscape
from solvers.naming import did_you_mean

from .scene import LandscapeSpec

Progress = Callable[[float, str], Any]
Cancel = Callable[[], bool]
# Where cifar_slice scenes without a "root" param look for CIFAR-10 before the download cache.
CIFAR_ROOT_ENV = "LOSSLAB_CIFAR_ROOT"


class LandscapeKind:
    """One kind of landscape: checks and builds the specs that name it."""

    name = ""
    display_name = ""
    slow = False        # True: building takes seconds or more (the ui uses a background job)

    def problems(self, spec: LandscapeSpec) -> list[str]:
        """What is wrong with ``spec`` for this kind, one "field: message" each; [] if nothing."""
        raise NotImplementedError

    def build(self, spec: LandscapeSpec, progress: Progress | None = None,
              cancel: Cancel | None = None) -> Landscape:
        """The Landscape of ``spec`` (before regularization and the bounds override)."""
        raise NotImplementedError


class NamedSurface(LandscapeKind):
    """A surface of the analytic registry, by name, with its params."""

    name = "named"
    display_name = "named surface"

    def problems(self, spec: LandscapeSpec) -> list[str]:
        known = list(landscapes.names())
        if spec.name not in known:
            return [f"name: unknown landscape {spec.name!r}{did_you_mean(spec.name, known + list(_SPECIAL))}"]
        try:  # analytic surfaces build in microseconds: the real check of the params
            landscapes.get(spec.name, **spec.params)
        except Exception as e:  # whatever the factory raises, the params are bad
            return [f"params: {_text(e)}"]
        return []

    def build(self, spec: LandscapeSpec, progress: Progress | None = None,
              cancel: Cancel | None = None) -> Landscape:
        return landscapes.get(spec.name, **spec.params)


class TypedExpression(LandscapeKind):
    """f(x, y) typed as text, parsed by landscapes.from_expression."""

    name = "expression"
    display_name = "typed formula f(x, y)"

    def problems(self, spec: LandscapeSpec) -> list[str]:
        if not spec.expression:
            return [f"expression: a landscape named {self.name!r} needs the f(x, y) text"]
        try:  # parsing is fast and whitelisted; it reports the bad position
            self.build(spec)
        except Exception as e:  # any failure of the text is a problem with the text
            return [f"expression: {_text(e)}"]
        return []

    def build(self, spec: LandscapeSpec, progress: Progress | None = None,
              cancel: Cancel | None = None) -> Landscape:
        from landscapes.expression import from_expression  # sympy: imported on first use

        if not spec.expression:
            raise ValueError(f"an {self.name!r} landscape needs the f(x, y) text")

        if spec.bounds is None:
            return from_expression(spec.expression)
        return from_expression(spec.expression, bounds=spec.bounds)


class CifarSlice(LandscapeKind):
    """A plane through the weights of a linear CIFAR-10 classifier (loads data and trains: slow)."""

    name = "cifar_slice"
    display_name = "CIFAR-10 slice"
    slow = True
    # What each parameter's JSON value must be (build_cifar_slice checks the values themselves,
    # in its first milliseconds); null is allowed where the builder has a default for None.
    _TYPES: dict[str, tuple[str, bool]] = {
        "root": ("text", True), "cache_dir": ("text", True), "loss": ("text", False),
        "reg": ("text", False), "plane": ("text", False), "strength": ("number", True),
        "seed": ("integer", False), "subset": ("integer", True),
    }

    def problems(self, spec: LandscapeSpec) -> list[str]:
        """Parameter names against build_cifar_slice's signature and their JSON types, without building."""
        from landscapes.cifar import build_cifar_slice

        allowed = [n for n in inspect.signature(build_cifar_slice).parameters if n not in ("progress", "cancel")]
        problems = []
        for key, value in spec.params.items():
            if key not in allowed:
                problems.append(f"params: unknown parameter {key!r} for {self.name}{did_you_mean(key, allowed)}")
                continue
            expected, nullable = self._TYPES.get(key, ("any", True))
            if not (_is_json(value, expected) or (nullable and value is None)):
                problems.append(f"params.{key}: expected {expected}{' or null' if nullable else ''}, got {value!r}")
        return problems

    def build(self, spec: LandscapeSpec, progress: Progress | None = None,
              cancel: Cancel | None = None) -> Landscape:
        """A spec without a "root" param reads $LOSSLAB_CIFAR_ROOT if set, else the downloaded archive."""
        from landscapes.cifar import build_cifar_slice

        params = dict(spec.params)
        if "root" not in params and os.environ.get(CIFAR_ROOT_ENV):
            # scenes do not name a machine's folder; a lab machine can point at its copy
            params["root"] = os.environ[CIFAR_ROOT_ENV]
        f: Landscape = build_cifar_slice(**params, progress=progress, cancel=cancel)
        return f


NAMED = NamedSurface()
EXPRESSION = TypedExpression()
CIFAR_SLICE = CifarSlice()
# The kinds with a name of their own; every other name is looked up in the analytic registry.
_SPECIAL: dict[str, LandscapeKind] = {k.name: k for k in (EXPRESSION, CIFAR_SLICE)}
# Names a scene gives to a special kind (not in landscapes.names()).
SPECIAL_LANDSCAPES = tuple(_SPECIAL)


def kind_of(spec: LandscapeSpec) -> LandscapeKind:
    """The kind that builds ``spec`` (the named-surface kind for every registry name, known or not)."""
    return _SPECIAL.get(spec.name, NAMED)


def all_kinds() -> tuple[LandscapeKind, ...]:
    """Every kind, the named surfaces first."""
    return (NAMED, *_SPECIAL.values())


def _is_json(value: Any, expected: str) -> bool:
    """Whether ``value`` is of the JSON type ``expected`` ("text", "number", "integer" or "any")."""
    if expected == "text":
        return isinstance(value, str)
    if expected in ("number", "integer"):
        ok = isinstance(value, (float, int) if expected == "number" else int)
        return ok and not isinstance(value, bool)
    return True


def _text(e: BaseException) -> str:
    """An exception as one line: KeyError repr()s its message, others may be empty."""
    text = str(e.args[0]) if isinstance(e, KeyError) and e.args else str(e)
    return text.splitlines()[0] if text.strip() else type(e).__name__
