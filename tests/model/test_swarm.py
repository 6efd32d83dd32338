"""Basins of attraction and learning-rate sweeps, checked against hand results and published minima."""
from __future__ import annotations

import math

import numpy as np
import pytest

import landscapes
import solvers
from app.model import swarm

HIMMELBLAU_MINIMA = [(3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848127)]
# Six-hump camel: 2 global and 4 local minima (Molga & Smutnicki 2005; Dixon & Szegö 1978).
CAMEL_LOCAL = [(1.7036, -0.7961), (-1.7036, 0.7961), (1.6071, 0.5687), (-1.6071, -0.5687)]


def gd(lr):
    return solvers.make("gd", lr=lr)


# ------------------------------------------------------------------ basins
@pytest.mark.parametrize("k", range(4))
def test_starts_near_each_himmelblau_minimum_reach_it(k):
    f = landscapes.get("himmelblau")
    mx, my = HIMMELBLAU_MINIMA[k]
    b = swarm.basin_map(f, gd(0.005), n=5, steps=400, bounds=((mx - 0.1, mx + 0.1), (my - 0.1, my + 0.1)))
    assert b.counts.sum() == 25
    assert np.unique(b.classes).tolist() == [b.classes[0, 0]]
    c = int(b.classes[0, 0])
    assert b.kinds[c] == swarm.KIND_GLOBAL
    np.testing.assert_allclose(b.positions[c], (mx, my), atol=1e-5)
    np.testing.assert_allclose(b.finals.reshape(-1, 2), np.tile([mx, my], (25, 1)), atol=1e-4)


def test_himmelblau_default_grid_counts_sum_and_all_four_basins_appear():
    f = landscapes.get("himmelblau")
    b = swarm.basin_map(f, gd(0.01), n=20, steps=300)
    assert b.starts.shape == b.finals.shape == (20, 20, 2)
    assert b.classes.shape == b.diverged.shape == (20, 20)
    assert b.counts.sum() == 400
    assert len(b.labels) == len(b.kinds) == len(b.counts) == len(b.positions)
    assert all(b.counts[:4] > 50)                      # four minima, roughly equal basins
    assert b.counts[b.diverged_class] == 0
    # grid layout: [j, i] = (xs[i], ys[j]) with the corners on the bounds
    np.testing.assert_allclose(b.starts[0, 0], (-5, -5))
    np.testing.assert_allclose(b.starts[0, -1], (5, -5))
    np.testing.assert_allclose(b.starts[-1, 0], (-5, 5))
    # each start ends within tol of the minimum its class names (checked from the points)
    for c in range(4):
        ends = b.finals[b.classes == c]
        assert np.linalg.norm(ends - HIMMELBLAU_MINIMA[c], axis=-1).max() < 1e-3


def test_a_start_exactly_at_a_minimum_stays_there():
    f = landscapes.get("himmelblau")  # ∇f(3, 2) = 0 exactly: 3² + 2 − 11 = 0 and 3 + 2² − 7 = 0
    b = swarm.basin_map(f, gd(0.01), n=3, steps=50, bounds=((2.0, 4.0), (1.0, 3.0)))
    np.testing.assert_array_equal(b.starts[1, 1], (3.0, 2.0))
    np.testing.assert_array_equal(b.finals[1, 1], (3.0, 2.0))
    assert b.labels[b.classes[1, 1]] == "global minimum (3.00, 2.00)"


def test_a_diverging_learning_rate_gives_the_diverged_class():
    f = landscapes.get("himmelblau")
    b = swarm.basin_map(f, gd(1.0), n=10, steps=50)
    d = b.diverged_class
    assert b.kinds[d] == swarm.KIND_DIVERGED
    assert b.counts[d] >= 95   # the Hessian is ≥ ~10 almost everywhere: lr 1 overshoots
    np.testing.assert_array_equal(b.classes == d, b.diverged)
    assert np.isnan(b.positions[d]).all()


def test_local_minima_default_start_class_matches_a_direct_run():
    f = landscapes.get("local_minima")
    opt = gd(0.05)
    b = swarm.basin_map(f, opt, n=31, steps=300)  # 0.2 spacing on [-3, 3]: (-2.6, 2.4) is a node
    np.testing.assert_allclose(b.starts[27, 2], f.default_start, atol=1e-12)
    end = solvers.run(opt, f, f.default_start, steps=300).final
    known = np.array(list(f.minima) + list(f.local_minima))
    nearest = known[np.argmin(np.hypot(*(known - end).T))]
    assert np.hypot(*(nearest - end)) < 1e-3
    c = b.classes[27, 2]
    np.testing.assert_allclose(b.positions[c], nearest)
    assert b.class_at(f.default_start) == c


def test_unlisted_minima_of_six_hump_camel_are_found_and_named_by_the_hessian():
    f = landscapes.get("six_hump_camel")
    b = swarm.basin_map(f, gd(0.02), n=30, steps=400)
    found = [i for i, k in enumerate(b.kinds) if i >= len(f.minima) and k == swarm.KIND_LOCAL]
    assert len(found) == 4
    for p in CAMEL_LOCAL:
        assert min(np.hypot(*(b.positions[i] - p)) for i in found) < 0.01
    assert b.counts.sum() == 900 and b.counts[b.diverged_class] == 0


def test_gd_along_the_stable_line_of_a_saddle_is_classified_as_a_saddle():
    f = landscapes.get("saddle")  # x² − y²: gd keeps y = 0 exactly, x → 0
    b = swarm.basin_map(f, gd(0.1), n=5, steps=200)
    mid = b.classes[2]           # the row y = 0
    assert (b.starts[2, :, 1] == 0).all()
    assert {b.kinds[c] for c in mid} == {swarm.KIND_SADDLE}
    np.testing.assert_allclose(b.positions[mid[0]], (0, 0), atol=1e-6)
    others = np.delete(b.classes, 2, axis=0)
    assert (others == b.diverged_class).all()      # off the line, y grows by 1.2 per step


def test_few_steps_leave_slow_starts_not_converged():
    f = landscapes.get("himmelblau")
    b = swarm.basin_map(f, gd(1e-4), n=6, steps=3)
    assert b.counts[b.not_converged_class] == 36


def test_a_large_grid_runs_in_blocks_with_progress_and_cancel():
    f = landscapes.get("quadratic_bowl")
    seen = []
    b = swarm.basin_map(f, gd(0.1), n=70, steps=80, progress=lambda frac, msg: seen.append(frac))
    assert seen[-1] == 1.0 and np.all(np.diff(seen) > 0)
    assert seen[len(seen) // 2 - 1] == pytest.approx(4096 / 4900)   # 4900 starts: two blocks
    assert b.counts[0] == 4900
    with pytest.raises(swarm.SwarmCancelled):
        swarm.basin_map(f, gd(0.1), n=20, steps=10, cancel=lambda: True)


def test_the_swarm_moves_exactly_as_solvers_run_with_noise():
    f = landscapes.get("rosenbrock")
    opt = solvers.make("adam", lr=0.02)
    starts = swarm.grid_starts(f.bounds, 6)
    finals, diverged = swarm.run_swarm(opt, f, starts, 60, noise=0.5, seed=3)
    direct = solvers.run(opt, f, starts, steps=60, noise=0.5, seed=3)
    np.testing.assert_array_equal(finals, direct.final)
    np.testing.assert_array_equal(diverged, direct.diverged)


@pytest.mark.parametrize("kwargs, words", [
    ({"n": 0}, "grid size"), ({"n": 201}, "grid size"), ({"n": 2.5}, "grid size"),
    ({"steps": 0}, "steps"), ({"tol": 1.5}, "tol"), ({"grad_tol": -1}, "grad_tol"),
    ({"bounds": ((1, 0), (0, 1))}, "bounds"), ({"bounds": "big"}, "bounds"),
])
def test_bad_basin_input_is_one_clear_error(kwargs, words):
    with pytest.raises(ValueError, match=words):
        swarm.basin_map(landscapes.get("quadratic_bowl"), gd(0.1), **{"n": 4, "steps": 5, **kwargs})


def test_basin_map_needs_a_configured_solver():
    with pytest.raises(ValueError, match="solvers.make"):
        swarm.basin_map(landscapes.get("quadratic_bowl"), "gd")


# ------------------------------------------------------------------ lr sweep
def hand_divergence_step(lr, start, half=20.0):
    """First k with |x0_i|·|1 − 2lr|^k > 20 for a coordinate i (gd on x² + y², far box ±20)."""
    r = abs(1 - 2 * lr)
    return min(math.floor(math.log(half / abs(c)) / math.log(r)) + 1 for c in start)


def test_gd_on_the_bowl_diverges_exactly_above_lr_one():
    f = landscapes.get("quadratic_bowl")
    start = (-1.5, 1.2)
    lrs = [0.5, 0.9, 0.99, 1.01, 1.1, 2.0]
    s = swarm.lr_sweep(f, gd(0.1), lrs, start=start, steps=300)
    np.testing.assert_array_equal(s.diverged, [False, False, False, True, True, True])
    for k in (3, 4, 5):
        assert s.diverged_at[k] == hand_divergence_step(lrs[k], start)
        assert s.final_loss[k] == np.inf
    assert (s.diverged_at[:3] == -1).all()
    # converged side: f(x_T) = |x0|² (1 − 2lr)^(2T), by hand
    for k in (1, 2):
        assert s.final_loss[k] == pytest.approx(3.69 * (1 - 2 * lrs[k]) ** 600, rel=1e-9)
    assert s.final_loss[0] == 0.0 and s.best_lr == 0.5     # lr = 1/L lands on the minimum in one step
    assert s.min_loss[3] == pytest.approx(3.69)            # before it blew up, the start was lowest
    assert s.losses.shape == (6, 301) and s.f_min == 0.0


def test_sweep_defaults_are_fifty_log_spaced_rates_and_keep_other_hyper_parameters():
    f = landscapes.get("rosenbrock")
    s = swarm.lr_sweep(f, solvers.make("momentum", lr=1e-3, momentum=0.8), steps=20)
    assert len(s.lrs) == 50
    assert s.lrs[0] == pytest.approx(1e-4) and s.lrs[-1] == pytest.approx(10.0)
    np.testing.assert_allclose(np.diff(np.log10(s.lrs)), 5 / 49)
    assert s.hyper["momentum"] == 0.8 and s.start == f.default_start
    assert s.diverged[-1] and not s.diverged[0]
    direct = solvers.run(solvers.make("momentum", lr=float(s.lrs[10]), momentum=0.8), f, f.default_start, steps=20)
    assert s.final_loss[10] == pytest.approx(float(direct.losses[-1]), rel=1e-12)


def test_gap_is_positive_for_log_plots():
    s = swarm.lr_sweep(landscapes.get("quadratic_bowl"), gd(0.1), [0.25, 0.5], steps=10)
    gap = s.gap(s.final_loss)
    assert (gap > 0).all() and gap[0] == pytest.approx(3.69 * 0.5 ** 20)


@pytest.mark.parametrize("lrs, words", [([], "learning rates"), ([0.1, -1], "learning rates"),
                                        ([np.nan], "learning rates")])
def test_bad_sweep_input_is_one_clear_error(lrs, words):
    with pytest.raises(ValueError, match=words):
        swarm.lr_sweep(landscapes.get("quadratic_bowl"), gd(0.1), lrs)


def test_log_lrs_checks_its_range():
    with pytest.raises(ValueError, match="below"):
        swarm.log_lrs(1.0, 0.1)
    with pytest.raises(ValueError, match="lowest lr"):
        swarm.log_lrs(0.0, 1.0)
