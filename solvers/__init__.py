"""Optimizers as pure numpy init/update pairs, matching torch.optim exactly.

    from solvers import make, run
    traj = run(make("adam", lr=1e-2), landscape, start=(-1.5, 2.0), steps=300)
"""
from .base import ParamSpec, Solver, SolverSpec, Trajectory
from .registry import make, names, spec, specs, validate
from .run import Stepper, run
from .schedules import Schedule, make_schedule, schedule_names

__all__ = ["ParamSpec", "Solver", "SolverSpec", "Trajectory", "make", "names", "spec", "specs",
           "validate", "run", "Stepper", "Schedule", "make_schedule", "schedule_names"]
