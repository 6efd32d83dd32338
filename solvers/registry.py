"""The one registry of solvers: names, specs, and make(name, **hyper).

Each solver is one SolverSpec from its rule module (solvers/rules/*.py); this
file only lists them, in display order. make() validates everything before
building (SolverSpec.validate): unknown names (with a close match), unknown
hyper-parameters (listing the solver's), and out-of-range or non-finite values
(naming the value and the allowed range), plus cross-parameter rules such as
torch's for Nesterov.
"""
from __future__ import annotations

from typing import Any

from .base import Solver, SolverSpec
from .naming import did_you_mean
from .rules import adagrad, adam, newton, random_search, rmsprop, sgd

_SPECS: dict[str, SolverSpec] = {s.name: s for s in (
    sgd.GD, sgd.SGD, sgd.MOMENTUM_SPEC, sgd.NESTEROV, adagrad.SPEC, rmsprop.SPEC,
    adam.ADAM, adam.ADAMW, newton.SPEC, random_search.SPEC,
)}


def names() -> tuple[str, ...]:
    """All solver names, in display order."""
    return tuple(_SPECS)


def spec(name: str) -> SolverSpec:
    """The SolverSpec of one solver (title, update rule, citation, params, hooks)."""
    if name not in _SPECS:
        raise ValueError(f"unknown solver {name!r}{did_you_mean(name, _SPECS)}; known: {', '.join(_SPECS)}")
    return _SPECS[name]


def specs() -> dict[str, SolverSpec]:
    """Every solver's SolverSpec, keyed by name."""
    return dict(_SPECS)


def validate(name: str, **hyper: Any) -> dict[str, Any]:
    """The full, validated hyper-parameter dict (defaults filled in) or ValueError."""
    return spec(name).validate(**hyper)


def make(name: str, **hyper: Any) -> Solver:
    """A configured Solver; hyper-parameters use torch.optim's names and defaults."""
    return spec(name).make(**hyper)
