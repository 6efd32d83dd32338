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


def test_random_search_step_is_a_fiftieth_of_the_view():
    # rosenbrock's default view is 4 wide (x in [-2, 2]): σ = 0.02 * 4 = 0.08, by hand
    f = landscapes.get("rosenbrock")
    (x0, x1), (y0, y1) = f.bounds
    assert max(x1 - x0, y1 - y0) == pytest.approx(4.0)
    assert suggest_hyper("random_search", f) == {"lr": 0.08}
    # a view 100x wider gets a 100x longer step
    wide = landscapes.from_expression("x^2 + y^2", bounds=((-200, 200), (-100, 100)))
    assert suggest_hyper("random_search", wide) == {"lr": 8.0}


def test_suggestions_come_from_each_solvers_rule_module_given_plain_numbers():
    from solvers.teaching import SurfaceScale

    scale = SurfaceScale(curvature=40.0, width=4.0)   # solvers see numbers, never a landscape
    assert solvers.spec("gd").suggestion(scale) == {"lr": 1 / 40}
    assert solvers.spec("nesterov").suggestion(scale) == {"lr": 0.1 / 40, "momentum": 0.9}
    assert solvers.spec("adam").suggestion(scale) == {"lr": 0.02 * 4}
    assert solvers.spec("newton").suggestion(scale) == {"lr": 1.0}
    for name in solvers.names():       # every suggestion is a valid setting of its solver
        solvers.make(name, **solvers.spec(name).suggestion(scale))
    with pytest.raises(ValueError, match="unknown solver 'adamm'"):
        suggest_hyper("adamm", landscapes.get("quadratic_bowl"))
