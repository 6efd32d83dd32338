"""Runs that move in a landscape's full parameter space and are drawn on its plane.

Some landscapes are a plane through a bigger space: the toy classifier's
``WeightSpaceLandscape`` shows the loss over two of its nine parameters. Such a
landscape has ``lift(p)`` (plane point (..., 2) -> theta (..., P)),
``project(theta)`` (-> plane coordinates (..., 2)), ``distance_from_plane`` and
``objective`` (the loss over theta, with value/grad/hessian and P bounds pairs).

A run on it starts at ``lift(start)`` and its Stepper steps ``objective`` in
all P dimensions, so every parameter moves, not only the two drawn; the race
reads ``project`` of its points, which every 2-D view draws unchanged, and its
losses are the true full losses. On an ordinary surface nothing is lifted: the
Stepper runs on the landscape itself.
"""
from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

import numpy as np
from numpy.typing import ArrayLike, NDArray

Floats = NDArray[np.float64]


@runtime_checkable
class Plane(Protocol):
    """A landscape over a plane of a P-dimensional space (see the module docstring)."""

    objective: Any
    directions: Floats      # (2, P) orthonormal, the plane's axes

    def lift(self, p: ArrayLike) -> Floats: ...

    def project(self, theta: ArrayLike) -> Floats: ...

    def distance_from_plane(self, theta: ArrayLike) -> Floats: ...


def plane_of(landscape: Any) -> Plane | None:
    """The landscape as a Plane if it is one (it lifts, projects and has an objective), else None."""
    return landscape if isinstance(landscape, Plane) else None


def stepper_target(landscape: Any, start: ArrayLike) -> tuple[Any, Floats]:
    """(what a run's Stepper steps, its start point): the objective from lift(start) on a
    plane, the landscape itself from start otherwise."""
    plane = plane_of(landscape)
    p = np.asarray(start, dtype=np.float64)
    if plane is None:
        return landscape, p
    return plane.objective, np.asarray(plane.lift(p), dtype=np.float64)


class Projected:
    """The plane coordinates of one Stepper's history, projected once per new step.

    A Stepper's history only grows (a replay builds a new Stepper), so the rows
    projected for one stepper stay right; ``of(stepper)`` projects the rows
    added since the last call and returns all of them, (T, 2), read-only.
    """

    def __init__(self, plane: Plane) -> None:
        self.plane = plane
        self._stepper: Any = None
        self._rows: Floats = np.empty((0, 2))

    def of(self, stepper: Any) -> Floats:
        points = stepper.points
        done = len(self._rows) if stepper is self._stepper else 0
        if done < len(points):
            new = np.asarray(self.plane.project(points[done:]), dtype=np.float64)
            self._rows = np.concatenate([self._rows[:done], new])
            self._stepper = stepper
        view = self._rows.view()
        view.flags.writeable = False
        return view
