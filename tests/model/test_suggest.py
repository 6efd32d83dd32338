"""Suggested hyper-parameters: 1/L for gradient descent, and no divergence on bounded surfaces."""
from __future__ import annotations

import numpy as np
import pytest

import landscapes
import solvers
from app.model.suggest import curvature, suggest_hyper


def test_gd_gets_one_over_the_curvature():
    # bowl x² + y²: Hessian 2·I; ravine(κ): eigenvalues 2 and 2κ (hand-derived)
    assert suggest_hyper("gd", landscapes.get("quadratic_bowl")) == {"lr": 0.5}
    f = landscapes.get("ravine", condition=20.0)
    assert curvature(f, f.default_start) == pytest.approx(40.0)
    assert suggest_hyper("gd", f) == {"lr": 0.025}
    assert suggest_hyper("momentum", f) == {"lr": 0.0025, "momentum": 0.9}
    assert suggest_hyper("newton", f) == {"lr": 1.0}


@pytest.mark.parametrize("name", [n for n in landscapes.names() if landscapes.get(n).min_value is not None])
def test_suggestions_never_diverge_on_bounded_surfaces(name):
    f = landscapes.get(name)
    for s in solvers.names():
        opt = solvers.make(s, **suggest_hyper(s, f))
        traj = solvers.run(opt, f, start=np.array([f.default_start]), steps=300)
        assert not traj.diverged.any(), f"{s} diverged on {name} with {dict(opt.hyper)}"
        if s != "newton":  # Newton seeks any stationary point, maxima too: that is the lesson
            assert traj.losses[-1, 0] <= traj.losses[0, 0] + 1e-12, f"{s} went uphill on {name}"
