"""Optimizers as pure numpy init/update pairs, matching torch.optim exactly."""
from .base import ParamSpec, Solver, Trajectory

__all__ = ["ParamSpec", "Solver", "Trajectory"]
try:  # pragma: no cover - filled in during bootstrap
    from .registry import make, names, spec, specs  # noqa: F401
    from .run import Stepper, run  # noqa: F401
    from .schedules import Schedule, make_schedule, schedule_names  # noqa: F401
    __all__ += ["make", "names", "spec", "specs", "run", "Stepper", "Schedule",
                "make_schedule", "schedule_names"]
except ImportError:  # pragma: no cover
    pass
