"""The scene checks that need the registries: surface names, landscape kinds, solvers.

app.model.scene declares the format and imports none of these; this module
installs them into it (``scene.install_checks``) when it is imported, and
app.model.scene_schema, the validator every load goes through, imports it.
So the format knows its checks without an import cycle.
"""
from __future__ import annotations

import landscapes
import solvers
from solvers.naming import did_you_mean

from . import scene
from .build import make_schedule
from .landscape_kinds import SPECIAL_LANDSCAPES, kind_of
from .scene import LandscapeSpec, RunSpec


def check_run(spec: RunSpec) -> list[str]:
    """Problems with a run's solver name, hyper-parameters and schedule (solvers validate)."""
    known = list(solvers.names())
    if spec.solver not in known:
        return [f"solver: unknown solver {spec.solver!r}{did_you_mean(spec.solver, known)}"]
    problems = []
    try:
        solvers.make(spec.solver, **spec.hyper)
    except (ValueError, TypeError, KeyError, ArithmeticError) as e:
        problems.append(f"hyper: {_msg(e)}")
    if spec.schedule is not None:
        try:
            make_schedule(spec.schedule)
        except (ValueError, TypeError, KeyError, ArithmeticError) as e:
            problems.append(f"schedule: {_msg(e)}")
    return problems


def check_landscape(spec: LandscapeSpec) -> list[str]:
    """What the landscape's kind finds wrong with its fields (params, the formula, ...)."""
    return kind_of(spec).problems(spec)


def _msg(e: BaseException) -> str:
    # KeyError repr()s its message; take the plain text.
    return str(e.args[0]) if isinstance(e, KeyError) and e.args else str(e)


scene.install_checks(
    solver_names=lambda: list(solvers.names()),
    landscape_names=lambda: [*landscapes.names(), *SPECIAL_LANDSCAPES],
    landscape=check_landscape,
    run=check_run,
)
