"""Arrays of hyper-parameters: one Stepper run over a grid of settings equals one run per setting."""
from __future__ import annotations

import numpy as np
import pytest
import torch  # a test dependency: the torch check below fails without it, never skips

import solvers

from ._surfaces import Rosenbrock

SHAPE = (2, 3)
LR = np.array([[1e-4, 3e-4, 1e-3], [2e-4, 5e-4, 2e-3]])
START = np.array([-1.2, 1.0])
STEPS = 60

# (solver, array hyper-parameters besides lr); each broadcasts against SHAPE
CASES = [
    ("gd", {}),
    ("momentum", {"momentum": np.array([[0.0], [0.9]]), "dampening": np.array([0.0, 0.3, 0.0])}),
    ("nesterov", {"momentum": np.array([[0.5], [0.9]])}),
    ("rmsprop", {"alpha": np.array([[0.9], [0.99]]), "momentum": np.array([0.0, 0.5, 0.8])}),
    ("adam", {"betas": (np.array([[0.5], [0.9]]), np.array([0.9, 0.99, 0.999]))}),
    ("adamw", {"weight_decay": np.array([0.0, 0.1, 1.0])}),
    ("adagrad", {"lr_decay": np.array([[0.0], [0.05]])}),
]


def _cell(value, i, j):
    """One setting of a hyper-parameter (arrays and pairs of arrays picked at cell (i, j))."""
    if isinstance(value, tuple):
        return tuple(_cell(v, i, j) for v in value)
    if isinstance(value, np.ndarray):
        return float(np.broadcast_to(value, SHAPE)[i, j])
    return value


def _grid_run(name, extra, f, lr=LR, steps=STEPS, **kw):
    opt = solvers.make(name, lr=lr, **extra)
    return opt, solvers.run(opt, f, np.broadcast_to(START, SHAPE + (2,)), steps=steps, **kw)


@pytest.mark.parametrize("name,extra", CASES, ids=[c[0] for c in CASES])
def test_grid_equals_one_run_per_setting(name, extra):
    f = Rosenbrock()
    opt, grid = _grid_run(name, extra, f)
    assert grid.points.shape == (STEPS + 1, *SHAPE, 2)
    moved = 0.0
    for i in range(SHAPE[0]):
        for j in range(SHAPE[1]):
            hyper = {k: _cell(v, i, j) for k, v in opt.hyper.items()}
            one = solvers.run(solvers.make(name, **hyper), f, START, steps=STEPS)
            np.testing.assert_allclose(grid.points[:, i, j], one.points, rtol=1e-13, atol=1e-15)
            np.testing.assert_allclose(grid.losses[:, i, j], one.losses, rtol=1e-13, atol=1e-15)
            assert grid.diverged[i, j] == one.diverged
            np.testing.assert_array_equal(grid.lrs[:, i, j], one.lrs)
            moved = max(moved, float(np.abs(one.points[-1] - START).max()))
    assert moved > 1e-3  # the runs really moved


def test_grid_with_a_schedule_and_divergence():
    """Cells that blow up are frozen exactly where their single run is; the schedule scales every lr."""
    f = Rosenbrock()
    lr = np.array([[1e-3, 1e-2, 5e-2], [2e-3, 3e-2, 0.2]])
    sched = solvers.make_schedule("cosine", total_steps=40, warmup=5)
    opt, grid = _grid_run("momentum", {"momentum": np.array([[0.5], [0.9]])}, f, lr=lr, steps=40,
                          schedule=sched)
    assert grid.diverged.any() and not grid.diverged.all()
    for i in range(2):
        for j in range(3):
            one = solvers.run(solvers.make("momentum", lr=lr[i, j], momentum=(0.5, 0.9)[i]), f, START,
                              steps=40, schedule=sched)
            assert grid.diverged_at[i, j] == one.diverged_at
            np.testing.assert_allclose(grid.points[:, i, j], one.points, rtol=1e-13, atol=1e-15)


def test_one_cell_matches_torch():
    """Cell (1, 2) of an adam grid is torch.optim.Adam with that cell's settings."""
    f = Rosenbrock()
    extra = {"betas": (np.array([[0.5], [0.8]]), np.array([0.9, 0.99, 0.995]))}
    _, grid = _grid_run("adam", extra, f)
    p = torch.tensor(START, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([p], lr=float(LR[1, 2]), betas=(0.8, 0.995), foreach=False)
    path = [p.detach().numpy().copy()]
    for _ in range(STEPS):
        p.grad = torch.tensor(f.grad(p.detach().numpy()), dtype=torch.float64)
        opt.step()
        path.append(p.detach().numpy().copy())
    np.testing.assert_allclose(grid.points[:, 1, 2], np.array(path), rtol=1e-12, atol=1e-14)


def test_scalars_are_kept_as_before():
    opt = solvers.make("momentum", lr=0.01, momentum=0.9)
    assert not opt.is_grid and opt.lr == 0.01
    assert solvers.make("momentum", lr=LR).is_grid


@pytest.mark.parametrize("hyper,match", [
    ({"lr": np.array([0.1, -0.1])}, r"^lr has 1 value\(s\) out of range \(e\.g\. -0\.1\): allowed \(0, inf\)$"),
    ({"lr": np.array([0.1, np.nan])}, r"^lr has 1 value\(s\) out of range"),
    ({"lr": np.array([0.1, np.inf])}, r"^lr has 1 value\(s\) out of range"),
    ({"momentum": np.array([0.5, 1.0])}, r"^momentum has 1 value\(s\) out of range .*allowed \[0, 1\)$"),
    ({"lr": np.array([])}, r"^lr is an empty array"),
    ({"lr": np.array(["a"])}, r"^lr must be an array of real numbers"),
    ({"lr": np.array([True])}, r"^lr must be an array of real numbers"),
])
def test_bad_arrays_one_line(hyper, match):
    with pytest.raises(ValueError, match=match):
        solvers.make("momentum", **hyper)


def test_nesterov_rule_holds_for_every_setting():
    with pytest.raises(ValueError, match="nesterov needs momentum > 0"):
        solvers.make("nesterov", momentum=np.array([0.0, 0.9]))


def test_shape_that_does_not_broadcast_is_named():
    opt = solvers.make("gd", lr=np.array([0.1, 0.2]))
    with pytest.raises(ValueError, match=r"^lr has shape \(2,\), which does not broadcast against the starts' "
                                         r"leading shape \(3,\)$"):
        solvers.run(opt, Rosenbrock(), np.zeros((3, 2)), steps=1)


def test_flags_and_scalar_only_params_refuse_arrays():
    with pytest.raises(ValueError, match="^amsgrad must be True or False"):
        solvers.make("adam", amsgrad=np.array([True, False]))
    with pytest.raises(ValueError, match="random_search's weight_decay must be a single value"):
        solvers.make("random_search", weight_decay=np.array([0.0, 0.1]))


def test_set_solver_keeps_a_grid_a_grid():
    """Retuning a grid mid-run continues every setting (same kind: state kept), as a single run does."""
    f = Rosenbrock()
    starts = np.broadcast_to(START, SHAPE + (2,))
    stepper = solvers.Stepper(solvers.make("momentum", lr=LR), f, starts).step(10)
    stepper.set_solver(solvers.make("momentum", lr=2 * LR))
    stepper.step(10)
    one = solvers.Stepper(solvers.make("momentum", lr=float(LR[1, 2])), f, START).step(10)
    one.set_solver(solvers.make("momentum", lr=float(2 * LR[1, 2])))
    one.step(10)
    np.testing.assert_allclose(stepper.points[:, 1, 2], one.points, rtol=1e-13, atol=1e-15)
    assert stepper.lrs[-1, 1, 2] == 2 * LR[1, 2]
    with pytest.raises(ValueError, match="cannot switch between one learning rate and an array"):
        stepper.set_solver(solvers.make("momentum", lr=0.01))
