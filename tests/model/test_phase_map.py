"""Phase maps: every cell is the single run of its settings; the ravine's best cell is heavy-ball theory.

References: solvers.run with one setting at a time (itself checked against
torch.optim), numpy.linalg.eigvalsh for the 2/λmax line, Polyak's optimal
heavy-ball parameters for a quadratic with curvatures μ ≤ L.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

import landscapes
import solvers
from app.model.build import build_landscape
from app.model.phase_map import Cancelled, phase_map
from app.model.scene import LandscapeSpec

RAVINE_START = (-2.5, 0.6)
LRS = np.geomspace(1e-3, 0.2, 9)
MOMENTA = np.linspace(0.0, 0.95, 5)


def single(f, name, settings, start, steps, batch_size=None):
    hyper = {k: v for k, v in settings.items() if k != "batch_size"}
    return solvers.run(solvers.make(name, **hyper), f, start, steps=steps,
                       batch_size=settings.get("batch_size", batch_size))


@pytest.mark.parametrize("outcome", ["final_gap", "auc", "steps_to_tol", "diverged"])
def test_cells_equal_single_runs_on_the_ravine(outcome):
    f = landscapes.get("ravine")
    pm = phase_map(f, "momentum", x_axis=("lr", LRS), y_axis=("momentum", MOMENTA), start=RAVINE_START,
                   steps=80, outcome=outcome, tol=1e-3)
    assert pm.values.shape == pm.diverged.shape == (5, 9)
    assert pm.x.log and not pm.y.log and pm.f_star == 0.0 and pm.f_star_known
    assert pm.diverged.any() and not pm.diverged.all()     # the map crosses the stability edge
    for i in range(5):
        for j in range(9):
            one = single(f, "momentum", pm.settings(i, j), RAVINE_START, 80)
            gap = one.losses - 0.0
            expected = {"final_gap": gap[-1], "auc": gap.mean(), "diverged": float(one.diverged),
                        "steps_to_tol": (float(np.argmax(gap < 1e-3)) if (gap < 1e-3).any() else math.inf)}
            assert pm.diverged[i, j] == one.diverged
            assert pm.values[i, j] == pytest.approx(expected[outcome], rel=1e-12, abs=1e-300)
    if outcome == "steps_to_tol":
        assert np.isinf(pm.values).any() and np.isfinite(pm.values).any()


def test_adam_beta_axes_on_rosenbrock_and_best_cell():
    f = landscapes.get("rosenbrock")
    start = (-1.2, 1.0)
    pm = phase_map(f, solvers.make("adam", eps=1e-6), x_axis=("lr", [0.003, 0.01, 0.03, 0.1]),
                   y_axis=("beta2", [0.9, 0.99, 0.999]), start=start, steps=120, outcome="auc")
    assert pm.x.log and not pm.y.log             # 0.003 … 0.1 spans 33×; 0.9 … 0.999 does not reach 10×
    for i, j in [(0, 0), (1, 2), (2, 3)]:
        s = pm.settings(i, j)
        assert s["betas"] == (0.9, [0.9, 0.99, 0.999][i]) and s["eps"] == 1e-6
        one = single(f, "adam", s, start, 120)
        assert pm.values[i, j] == pytest.approx(one.losses.mean() - f.min_value, rel=1e-12)
    bi, bj = pm.best
    ok = ~pm.diverged
    assert pm.values[bi, bj] == pm.values[ok].min()


def test_gd_stability_line_is_two_over_lambda_max():
    f = landscapes.get("rosenbrock")
    start = np.array([-1.2, 1.0])
    lrs = np.geomspace(1e-5, 1e-2, 12)
    pm = phase_map(f, "gd", x_axis=("lr", lrs), y_axis=("weight_decay", [0.0, 0.5]), start=start, steps=5)
    assert pm.lr_limit is None                       # weight decay varies over the map: no single line
    lam = np.linalg.eigvalsh(np.asarray(f.hessian(start))).max()
    for wd in (0.0, 3.0):
        pm = phase_map(f, "gd", x_axis=("lr", lrs), y_axis=("weight_decay", [wd]), start=start, steps=5)
        assert pm.lr_limit == pytest.approx(2.0 / (lam + wd), rel=1e-12)
    pm = phase_map(f, solvers.make("momentum", momentum=0.0, weight_decay=1.0), x_axis=("lr", lrs),
                   y_axis=("dampening", [0.0, 0.5]), start=start, steps=5)
    assert pm.lr_limit == pytest.approx(2.0 / (lam + 1.0), rel=1e-12)
    momentum = phase_map(f, "momentum", x_axis=("lr", lrs), y_axis=("momentum", [0.0, 0.5]), start=start,
                         steps=5)
    assert momentum.lr_limit is None


def test_ravine_best_cell_is_polyaks_heavy_ball():
    """f = x² + κy² has curvatures μ = 2, L = 2κ: lr* = (2/(√L + √μ))², β* = ((√κ − 1)/(√κ + 1))²."""
    kappa = 20.0
    f = landscapes.get("ravine", condition=kappa)
    L, mu = 2 * kappa, 2.0
    lr_star = (2 / (math.sqrt(L) + math.sqrt(mu))) ** 2
    beta_star = ((math.sqrt(kappa) - 1) / (math.sqrt(kappa) + 1)) ** 2
    lrs, betas = np.geomspace(0.01, 0.2, 41), np.linspace(0.0, 0.9, 46)
    pm = phase_map(f, "momentum", x_axis=("lr", lrs), y_axis=("momentum", betas), start=RAVINE_START,
                   steps=300, outcome="final_gap")
    i, j = pm.best
    dlr, dbeta = lrs[1] / lrs[0], betas[1] - betas[0]
    assert abs(math.log(lrs[j] / lr_star)) <= 2 * math.log(dlr)
    assert abs(betas[i] - beta_star) <= 2 * dbeta


def test_toy_classifier_cells_run_in_all_nine_parameters():
    f = build_landscape(LandscapeSpec(name="toy_classifier", params={"loss": "softmax"}))
    start = (1.0, 2.0)
    pm = phase_map(f, "momentum", x_axis=("lr", [0.05, 0.2, 1.0]), y_axis=("momentum", [0.0, 0.9]),
                   start=start, steps=40)
    assert not pm.f_star_known and pm.f_star == pytest.approx(pm.values.min() + pm.f_star)
    theta0 = f.lift(np.array(start))
    for i, j in [(0, 0), (1, 2)]:
        one = single(f.objective, "momentum", pm.settings(i, j), theta0, 40)
        assert pm.final_gap[i, j] == pytest.approx(one.losses[-1] - pm.f_star, rel=1e-12, abs=1e-15)


def test_typed_surface_with_f_star_from_the_map():
    """A typed formula has no known minimum: f* is the least loss anywhere on the map."""
    f = landscapes.from_expression("x^2 + 3*y^2 + x*y + sin(x)")
    start = (1.5, -1.0)
    pm = phase_map(f, "nesterov", x_axis=("lr", [0.01, 0.05, 0.2]), y_axis=("momentum", [0.5, 0.9]), start=start,
                   steps=60)
    assert not pm.f_star_known
    runs = {(i, j): single(f, "nesterov", pm.settings(i, j), start, 60) for i in range(2) for j in range(3)}
    assert pm.f_star == min(r.losses.min() for r in runs.values())
    for (i, j), one in runs.items():
        assert pm.values[i, j] == pytest.approx(one.losses[-1] - pm.f_star, rel=1e-12, abs=1e-15)
    assert pm.values[pm.best] == pm.values[~pm.diverged].min()


class NoisyBowl:
    """f = ½|p|², minibatch gradient p + N(0, 1/batch): a batch-size axis that matters."""

    bounds = ((-2.0, 2.0), (-2.0, 2.0))
    grad_scale = 1.0
    min_value = 0.0

    def value(self, p):
        return 0.5 * np.sum(np.asarray(p) ** 2, axis=-1)

    def grad(self, p):
        return np.asarray(p, dtype=np.float64)

    def minibatch_grad(self, p, batch_size, rng):
        return np.asarray(p) + rng.standard_normal(np.shape(p)) / math.sqrt(batch_size)


def test_batch_size_axis_is_a_loop_of_runs():
    f = NoisyBowl()
    pm = phase_map(f, "sgd", x_axis=("batch_size", [1, 4, 64]), y_axis=("lr", [0.05, 0.1]),
                   start=(1.5, -1.0), steps=30, seed=3)
    for i in range(2):
        for j in range(3):
            s = pm.settings(i, j)
            opt = solvers.make("sgd", lr=np.array([0.05, 0.1]))
            # the batch row was one run over the lr column, seed 3: that column of that run
            ref = solvers.run(opt, f, np.broadcast_to([1.5, -1.0], (2, 2)), steps=30, seed=3,
                              batch_size=s["batch_size"])
            assert pm.final_gap[i, j] == pytest.approx(ref.losses[-1, i], rel=1e-12)


@pytest.mark.parametrize("kwargs,match", [
    ({"x_axis": ("lrr", [0.1])}, r"^x_axis: momentum has no hyper-parameter 'lrr' \(did you mean 'lr'\?\)"),
    ({"x_axis": ("lr", [])}, r"^x_axis \(lr\) is empty"),
    ({"x_axis": ("lr", [0.1, np.nan])}, r"^x_axis \(lr\) values must be finite"),
    ({"x_axis": ("lr", [[0.1]])}, r"^x_axis \(lr\) values must be a 1-D list"),
    ({"x_axis": ("lr", [0.1, -1.0])}, r"^lr has 1 value\(s\) out of range"),
    ({"y_axis": ("momentum", [0.5, 1.0])}, r"^momentum has 1 value\(s\) out of range"),
    ({"y_axis": ("lr", [0.1])}, r"^x_axis and y_axis are both 'lr'"),
    ({"y_axis": ("batch_size", [0.5])}, r"^y_axis \(batch_size\) values must be whole numbers"),
    ({"outcome": "final"}, r"^unknown outcome 'final' \(did you mean 'final_gap'\?\)"),
    ({"outcome": "steps_to_tol"}, r"^steps_to_tol needs a tolerance"),
    ({"outcome": "steps_to_tol", "tol": "small"}, r"^steps_to_tol needs a tolerance"),
    ({"y_axis": ("batch_size", [8])}, r"^a batch_size axis needs a surface with minibatch gradients"),
    ({"steps": 0}, r"^steps must be a whole number >= 1"),
])
def test_bad_input_one_line(kwargs, match):
    args = {"x_axis": ("lr", [0.01, 0.1]), "y_axis": ("momentum", [0.0, 0.9]), "start": RAVINE_START, **kwargs}
    with pytest.raises(ValueError, match=match) as err:
        phase_map(landscapes.get("ravine"), "momentum", **args)
    assert "\n" not in str(err.value)


def test_axis_scale_is_read_from_the_values():
    f = landscapes.get("ravine")
    pm = phase_map(f, "momentum", x_axis=("lr", np.linspace(0.01, 0.5, 5)), y_axis=("momentum", [0.0, 0.3, 0.9]),
                   start=RAVINE_START, steps=2)
    assert not pm.x.log and not pm.y.log     # evenly spaced; and 0 is on the momentum axis


def test_progress_and_cancel():
    seen = []
    phase_map(landscapes.get("ravine"), "gd", x_axis=("lr", [0.01, 0.02]), y_axis=("weight_decay", [0.0]),
              start=RAVINE_START, steps=120, progress=lambda frac, msg: seen.append(frac))
    assert seen == pytest.approx([50 / 120, 100 / 120, 1.0])
    with pytest.raises(Cancelled):
        phase_map(landscapes.get("ravine"), "gd", x_axis=("lr", [0.01]), y_axis=("weight_decay", [0.0]),
                  start=RAVINE_START, steps=120, cancel=lambda: True)


# ---------------------------------------------------------------- the stability bound and the theory mark
def _spectral_radius(solver: str, lr: float, mu: float, h: float) -> float:
    """Largest |eigenvalue| of one step's linear map on curvature h, written from solvers/rules/sgd.py's
    update (state x and η·v), independently of app.model.stability's closed forms."""
    if solver == "momentum":      # v' = μv + hx, x' = x − ηv'
        m = np.array([[1 - lr * h, -mu], [lr * h, mu]])
    else:                         # nesterov: v' = μv + hx, x' = x − η(hx + μv')
        m = np.array([[1 - lr * h * (1 + mu), -mu * mu], [lr * h, mu]])
    return float(np.abs(np.linalg.eigvals(m)).max())


@pytest.mark.parametrize("solver", ["momentum", "nesterov"])
def test_momentum_bound_is_a_curve_where_the_spectral_radius_reaches_one(solver):
    """On the ravine the lr bound at each μ is where the step's linear map stops contracting
    (bisection on its eigenvalues), and single runs at 0.95× converge and at 1.05× diverge."""
    f = landscapes.get("ravine", condition=20.0)
    mus = np.array([0.1, 0.5, 0.9])
    pm = phase_map(f, solver, x_axis=("lr", np.geomspace(1e-3, 0.5, 5)), y_axis=("momentum", mus),
                   start=RAVINE_START, steps=2)
    lam = float(np.linalg.eigvalsh(f.hessian(np.array(RAVINE_START))).max())
    assert pm.lr_limit is None and pm.lr_bound is not None and pm.lr_bound.shape == (3,)
    assert pm.bound_text == {"momentum": "2(1+μ)/λmax", "nesterov": "2(1+μ)/((1+2μ)λmax)"}[solver]
    for mu, bound in zip(mus, pm.lr_bound, strict=True):
        lo, hi = 1e-6, 10.0
        for _ in range(80):
            mid = 0.5 * (lo + hi)
            lo, hi = (mid, hi) if _spectral_radius(solver, mid, mu, lam) < 1 else (lo, mid)
        assert bound == pytest.approx(lo, rel=1e-9)
        for scale, diverges in ((0.95, False), (1.05, True)):
            one = solvers.run(solvers.make(solver, lr=scale * bound, momentum=float(mu)), f, RAVINE_START,
                              steps=3000)
            assert bool(one.diverged) == diverges
            if not diverges:
                assert one.losses[-1] < 1e-3 * one.losses[0]


def test_weight_decay_axis_bound_is_two_over_lambda_max_plus_lambda_per_row():
    f = landscapes.get("rosenbrock")
    start = np.array([-1.2, 1.0])
    wds = np.array([0.0, 0.5, 30.0])
    pm = phase_map(f, "gd", x_axis=("lr", np.geomspace(1e-5, 1e-2, 4)), y_axis=("weight_decay", wds),
                   start=start, steps=3)
    lam = np.linalg.eigvalsh(np.asarray(f.hessian(start))).max()
    np.testing.assert_allclose(pm.lr_bound, 2.0 / (lam + wds), rtol=1e-12)
    assert pm.bound_text == "2/(λmax+λ)" and pm.theory is None    # theory: only lr × momentum
    # the bound on the y side when lr is the y axis, and a fixed μ makes it one number
    pm = phase_map(f, solvers.make("momentum", momentum=0.5), x_axis=("dampening", [0.0]),
                   y_axis=("lr", [1e-4, 1e-3]), start=start, steps=3)
    assert pm.lr_limit == pytest.approx(2 * 1.5 / lam, rel=1e-12)


def test_theory_mark_is_polyaks_optimum_and_only_where_the_surface_is_quadratic():
    kappa = 20.0
    f = landscapes.get("ravine", condition=kappa)
    lrs, mus = np.geomspace(0.01, 0.2, 4), np.linspace(0.0, 0.9, 4)
    pm = phase_map(f, "momentum", x_axis=("lr", lrs), y_axis=("momentum", mus), start=RAVINE_START, steps=2)
    lr_star, mu_star = pm.theory
    # the optimum of the worst-case rate over the two curvatures, by brute force over a fine grid
    grid_lr, grid_mu = np.geomspace(0.03, 0.12, 301), np.linspace(0.2, 0.6, 401)
    rates = np.array([[max(_spectral_radius("momentum", a, b, 2.0), _spectral_radius("momentum", a, b, 2 * kappa))
                       for a in grid_lr] for b in grid_mu])
    i, j = np.unravel_index(np.argmin(rates), rates.shape)
    assert lr_star == pytest.approx(grid_lr[j], rel=0.01) and mu_star == pytest.approx(grid_mu[i], abs=0.002)
    assert rates.min() == pytest.approx((math.sqrt(kappa) - 1) / (math.sqrt(kappa) + 1), rel=1e-3)
    swapped = phase_map(f, "momentum", x_axis=("momentum", mus), y_axis=("lr", lrs), start=RAVINE_START, steps=2)
    assert swapped.theory == pytest.approx((mu_star, lr_star), rel=1e-12)
    wd = phase_map(f, solvers.make("momentum", weight_decay=2.0), x_axis=("lr", lrs), y_axis=("momentum", mus),
                   start=RAVINE_START, steps=2)
    assert wd.theory == pytest.approx(((2 / (math.sqrt(2 * kappa + 2) + 2)) ** 2,
                                       ((math.sqrt(2 * kappa + 2) - 2) / (math.sqrt(2 * kappa + 2) + 2)) ** 2))
    # not on Rosenbrock (its Hessian changes from point to point), nor for nesterov or Adam
    assert phase_map(landscapes.get("rosenbrock"), "momentum", x_axis=("lr", lrs), y_axis=("momentum", mus),
                     start=(-1.2, 1.0), steps=2).theory is None
    assert phase_map(f, "nesterov", x_axis=("lr", lrs), y_axis=("momentum", mus + 0.05), start=RAVINE_START,
                     steps=2).theory is None
    adam = phase_map(f, "adam", x_axis=("lr", lrs), y_axis=("beta2", [0.9, 0.99]), start=RAVINE_START, steps=2)
    assert adam.theory is None and adam.lr_bound is None and adam.bound_text == ""
