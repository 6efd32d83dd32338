"""The one registry of solvers: names, specs, and make(name, **hyper).

make() validates everything before building: unknown names (with a close
match), unknown hyper-parameters (listing the solver's), and out-of-range or
non-finite values (naming the value and the allowed range), plus torch's
cross-parameter rule for Nesterov.
"""
from __future__ import annotations

import difflib
from collections.abc import Callable
from functools import partial
from types import MappingProxyType
from typing import Any

from .base import Solver, SolverSpec
from .rules import adagrad, adam, newton, random_search, rmsprop, sgd

_Builder = Callable[[dict], tuple[Callable, Callable]]

# name -> (spec, builder, extra check of the validated hyper-parameters or None)
_REGISTRY: dict[str, tuple[SolverSpec, _Builder, Callable[[dict], None] | None]] = {
    "gd": (sgd.GD, sgd.build, None),
    "sgd": (sgd.SGD, sgd.build, None),
    "momentum": (sgd.MOMENTUM_SPEC, sgd.build, None),
    "nesterov": (sgd.NESTEROV, partial(sgd.build, nesterov=True), sgd.check_nesterov),
    "adagrad": (adagrad.SPEC, adagrad.build, None),
    "rmsprop": (rmsprop.SPEC, rmsprop.build, None),
    "adam": (adam.ADAM, adam.build, None),
    "adamw": (adam.ADAMW, partial(adam.build, decoupled=True), None),
    "newton": (newton.SPEC, newton.build, None),
    "random_search": (random_search.SPEC, random_search.build, None),
}


def names() -> tuple[str, ...]:
    """All solver names, in display order."""
    return tuple(_REGISTRY)


def _unknown(kind: str, name: object, known: tuple[str, ...] | list[str]) -> ValueError:
    close = difflib.get_close_matches(str(name), known, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return ValueError(f"unknown {kind} {name!r}{hint}; known: {', '.join(known)}")


def spec(name: str) -> SolverSpec:
    """The SolverSpec of one solver (title, update rule, citation, params)."""
    if name not in _REGISTRY:
        raise _unknown("solver", name, names())
    return _REGISTRY[name][0]


def specs() -> dict[str, SolverSpec]:
    """Every solver's SolverSpec, keyed by name."""
    return {n: entry[0] for n, entry in _REGISTRY.items()}


def validate(name: str, **hyper: Any) -> dict[str, Any]:
    """The full, validated hyper-parameter dict (defaults filled in) or ValueError."""
    s = spec(name)
    for key in hyper:
        if key not in s.params:
            close = difflib.get_close_matches(key, list(s.params), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ValueError(f"{name} has no hyper-parameter {key!r}{hint}; "
                             f"its parameters: {', '.join(s.params)}")
    full = {k: p.check(k, hyper.get(k, p.default)) for k, p in s.params.items()}
    extra = _REGISTRY[name][2]
    if extra is not None:
        extra(full)
    return full


def make(name: str, **hyper: Any) -> Solver:
    """A configured Solver; hyper-parameters use torch.optim's names and defaults."""
    full = validate(name, **hyper)
    s, builder, _ = _REGISTRY[name]
    init, update = builder(full)
    return Solver(name=name, hyper=MappingProxyType(full), init=init, update=update,
                  needs_hessian=s.needs_hessian, needs_loss=s.needs_loss)
