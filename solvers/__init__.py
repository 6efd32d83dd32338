"""Optimizers as pure numpy init/update pairs, matching torch.optim exactly.

    from solvers import make, run
    traj = run(make("adam", lr=1e-2), landscape, start=(-1.5, 2.0), steps=300)

A solver is one rule module (solvers/rules/*.py) that declares its SolverSpec:
its update rule as math, its hyper-parameters, its init/update builder, and
what the app asks of it (the numbers of one step, a suggested lr, the buffer
the velocity arrows draw); registry.py lists the specs in display order.
"""
from .base import ParamSpec, Solver, SolverSpec, Trajectory
from .registry import make, names, spec, specs, validate
from .run import LastStep, Stepper, run
from .schedules import Schedule, make_schedule, schedule_names
from .teaching import Breakdown, RuleLine, StepView, SurfaceScale, Term

__all__ = ["ParamSpec", "Solver", "SolverSpec", "Trajectory", "make", "names", "spec", "specs",
           "validate", "run", "Stepper", "LastStep", "Schedule", "make_schedule", "schedule_names",
           "Breakdown", "RuleLine", "StepView", "SurfaceScale", "Term"]
