"""A run's settings with some changed: checked value by value (the Race then checks the whole run).

On a solver change only the hyper-parameters the new solver knows are kept.
"""
from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

import solvers

from .scene import RunSpec


def with_changes(spec: RunSpec, changes: dict[str, Any]) -> RunSpec:
    """A new RunSpec with ``changes`` applied (hyper merged; solver change keeps shared names)."""
    new = dataclasses.replace(spec)
    new.hyper = dict(spec.hyper)
    for key, value in changes.items():
        if key == "hyper":
            if not isinstance(value, dict):
                raise ValueError(f"hyper must be a dict, got {value!r}")
            new.hyper.update(value)
        elif key == "solver" and value != spec.solver:
            new.solver = value
            new.hyper = hyper_for(value, new.hyper, changes.get("hyper"))
        elif key == "noise":
            v = float(value)
            if not np.isfinite(v) or v < 0:
                raise ValueError(f"noise must be a finite number >= 0, got {value!r}")
            new.noise = v
        elif key == "batch_size":
            if value is not None and (isinstance(value, bool) or int(value) != value or value < 1):
                raise ValueError(f"batch_size must be a positive integer or None, got {value!r}")
            new.batch_size = None if value is None else int(value)
        elif key == "color":
            import re

            if value is not None and not (isinstance(value, str) and re.fullmatch(r"#[0-9A-Fa-f]{6}", value)):
                raise ValueError(f"color must be '#RRGGBB' or None, got {value!r}")
            new.color = value
        elif key == "start":
            if value is not None:
                p = np.asarray(value, dtype=np.float64).reshape(-1)
                if p.shape != (2,) or not np.all(np.isfinite(p)):
                    raise ValueError(f"a start must be two finite numbers (x, y), got {value!r}")
                value = (float(p[0]), float(p[1]))
            new.start = value
        elif key == "enabled":
            new.enabled = bool(value)
        elif key == "schedule":
            new.schedule = None if value is None else dict(value)
        else:
            setattr(new, key, value)
    return new


def hyper_for(solver: str, hyper: dict[str, Any], explicit: dict[str, Any] | None) -> dict[str, Any]:
    """On a solver change keep only the hyper-parameters the new solver knows."""
    try:
        known = set(solvers.spec(solver).params)
    except Exception:  # noqa: BLE001 - unknown solver: check_run reports it
        return dict(explicit or {})
    kept = {k: v for k, v in hyper.items() if k in known}
    kept.update(explicit or {})
    return kept
