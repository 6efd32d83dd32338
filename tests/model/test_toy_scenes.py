"""The linear-classifier scenes tell their stories in numbers: each claim of a caption, checked.

Accuracy is counted with numpy (argmax of X·Wᵀ + b against the labels), sizes
with numpy norms, ln 2 with math.log; a claim about "switching" a parameter
builds the scene again with that one parameter changed.
"""
from __future__ import annotations

import copy
import math

import numpy as np
import pytest

from app.model.presets import builtin_scene_names, load_builtin
from app.model.race import Race
from landscapes.toy_classifier import multiclass_loss

TOY = ("linear_classifier", "four_losses", "regularization", "linear_fails")


def finished(name: str, **params) -> Race:
    scene = copy.deepcopy(load_builtin(name))
    scene.landscape.params.update(params)
    race = Race(scene)
    race.step(race.total_steps)
    return race


def runs(race: Race) -> dict:
    return {t.label.split(",")[0]: t for t in race.runs}


def correct(race: Race, thetas) -> np.ndarray:
    """How many points the parameters (..., P) classify correctly."""
    obj = race.landscape.objective
    W, b = obj.unpack(thetas)
    scores = np.einsum("nd,...cd->...nc", obj.X, W) + b[..., None, :]
    return (scores.argmax(axis=-1) == obj.y).sum(axis=-1)


def weight_norm(race: Race, theta) -> float:
    return float(np.linalg.norm(race.landscape.objective.unpack(theta)[0]))


def data_loss(race: Race, theta) -> float:
    obj = race.landscape.objective
    W, b = obj.unpack(theta)
    return float(multiclass_loss(W, b, obj.X, obj.y, obj.kind, 0.0)[0])


def grid_argmin(race: Race, n: int = 141) -> np.ndarray:
    (x0, x1), (y0, y1) = race.landscape.bounds
    A, B = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    v = race.landscape.value(np.stack([A, B], axis=-1))
    i = np.unravel_index(np.argmin(v), v.shape)
    return np.array([A[i], B[i]])


def test_the_toy_scenes_are_built_in_and_numbered_13_to_16():
    names = builtin_scene_names()
    assert set(TOY) <= set(names)
    lab = names.index("linear_classifier")
    assert [names[lab + i] for i in range(4)] == ["linear_classifier", "four_losses", "regularization", "linear_fails"]
    assert all(load_builtin(n).landscape.name == "toy_classifier" for n in TOY)


def test_linear_classifier_all_three_solvers_fit_the_nine_points_far_off_the_drawn_plane():
    race = finished("linear_classifier")
    r = runs(race)
    assert set(r) == {"gd", "momentum", "adam"} and race.landscape.axis_labels == ("W[0,0]", "W[0,1]")
    start = race.runs[0].thetas[0]
    np.testing.assert_array_equal(start, [1, 2, 2, -4, 3, -1, 0, 0.5, -0.5])    # the demo's W and b
    assert correct(race, start) == 2
    assert race.runs[0].losses[0] == pytest.approx(2.7667 + 3.5, abs=1e-3)      # data 2.77 + 0.1·ΣW² = 3.5
    assert data_loss(race, start) == pytest.approx(2.7667, abs=1e-4)
    first_all = {k: int(np.argmax(correct(race, t.thetas) == 9)) for k, t in r.items()}
    assert first_all == {"momentum": 18, "gd": 79, "adam": 97}
    for t in r.values():
        assert correct(race, t.theta) == 9 and t.diverged_at is None
        assert round(t.loss, 2) == 0.66
        assert data_loss(race, t.theta) == pytest.approx(0.32, abs=0.01)
        assert t.loss - data_loss(race, t.theta) == pytest.approx(0.34, abs=0.01)
        assert np.linalg.norm(t.head - t.points[0]) == pytest.approx(1.2, abs=0.05)    # on the plane
        assert t.off_plane[-1] == pytest.approx(6.0, abs=0.1)                         # off it
        assert float(race.landscape.value(t.head)) == pytest.approx(6.0, abs=0.1)     # the surface under it
        under_run = race.landscape.through(t.theta)                                  # redrawn through the run
        assert float(under_run.value(t.head)) == pytest.approx(t.loss, rel=1e-9)


def test_four_losses_hinge_is_exactly_zero_and_stops_softmax_never():
    race = finished("four_losses")
    r = runs(race)
    zero = {k: int(np.flatnonzero(t.losses == 0.0)[0]) for k, t in r.items()}
    assert zero == {"gd": 174, "momentum": 39}
    gd, mom = r["gd"], r["momentum"]
    assert np.all(gd.thetas[174:] == gd.thetas[174])                    # gd stops dead
    moves = np.linalg.norm(np.diff(mom.thetas[39:], axis=0), axis=1)
    assert moves[0] > 1e-3 and moves[-1] < 1e-6                          # momentum coasts to a halt
    assert all(correct(race, t.theta) == 9 for t in r.values())
    # structured ≤ WW ≤ 2·structured (three classes) everywhere on the view and along the runs
    f = race.landscape
    (x0, x1), (y0, y1) = f.bounds
    A, B = np.meshgrid(np.linspace(x0, x1, 61), np.linspace(y0, y1, 61))
    thetas = np.concatenate([f.lift(np.stack([A, B], -1)).reshape(-1, 9), gd.thetas, mom.thetas])
    obj = f.objective
    W, b = obj.unpack(thetas)
    ww = multiclass_loss(W, b, obj.X, obj.y, "ww")[0]
    st = multiclass_loss(W, b, obj.X, obj.y, "structured")[0]
    assert np.all(st <= ww + 1e-12) and np.all(ww <= 2 * st + 1e-12) and np.any(st < ww)
    # one-vs-all: gd has not reached zero in 200 steps
    assert runs(finished("four_losses", loss="ova"))["gd"].loss == pytest.approx(0.37, abs=0.005)
    # softmax: never exactly zero, and the weights keep growing
    soft = finished("four_losses", loss="softmax")
    for t in soft.runs:
        assert np.all(t.losses > 0)
        norms = np.linalg.norm(t.thetas[:, :6], axis=1)
        assert norms[200] > norms[100] + 0.4 and t.losses[200] < t.losses[199]


def test_regularization_reg_1_underfits_smaller_reg_fits():
    race = finished("regularization")
    assert race.landscape.objective.reg == 1.0
    np.testing.assert_allclose(grid_argmin(race), [0.25, 0.1], atol=0.06)
    np.testing.assert_allclose(grid_argmin(finished("regularization", reg=0.0)), [4.2, 1.1], atol=0.06)
    for t in race.runs:
        assert round(t.loss, 3) == 1.714
        assert round(weight_norm(race, t.theta), 2) == 0.53
        assert correct(race, t.theta) in (4, 5)
    np.testing.assert_allclose(grid_argmin(finished("regularization", reg=0.1)), [1.7, 0.45], atol=0.06)
    mid = finished("regularization", reg=0.1)
    for t in mid.runs:
        assert round(weight_norm(mid, t.theta), 2) in (1.84, 1.85, 1.86)
        assert correct(mid, t.theta) == 9
    low = finished("regularization", reg=0.01)
    norms = [weight_norm(low, t.theta) for t in low.runs]
    assert 3.25 <= min(norms) and max(norms) <= 4.3
    assert all(correct(low, t.theta) == 9 and data_loss(low, t.theta) < 0.005 for t in low.runs)


def test_linear_fails_on_two_rings_loss_ln2_accuracy_chance():
    race = finished("linear_fails")
    obj = race.landscape.objective
    assert len(obj.y) == 40 and np.bincount(obj.y).tolist() == [20, 20]
    radii = np.linalg.norm(obj.X, axis=1)
    assert abs(np.median(radii[obj.y == 0]) - 0.3) < 0.05 and abs(np.median(radii[obj.y == 1]) - 0.8) < 0.05
    first = race.runs[0]
    assert correct(race, first.thetas[0]) == 26 and round(first.losses[0], 2) == 1.30
    r = runs(race)
    for t in r.values():
        assert round(t.loss, 3) == 0.692 and math.log(2) - t.loss < 0.002
        assert weight_norm(race, t.theta) < 0.1
        assert correct(race, t.theta) == 20                                  # 50%
    assert max(correct(race, r["momentum"].thetas)) == max(correct(race, r["adam"].thetas)) == 30
    blobs = finished("linear_fails", data="blobs", classes=2)
    assert all(correct(blobs, t.theta) == len(blobs.landscape.objective.y) for t in blobs.runs)


def test_runs_on_a_classifier_never_wear_a_class_colour():
    """Scene 13's three classes are blue, green and vermillion: its runs take the palette's other
    colours (a green adam boundary beside the green class's line read as that class's); any other
    surface keeps the palette's order, and many runs still get colours of their own."""
    from app.model.race import Race, class_colors
    from app.model.scene import CLASS_COLORS, PALETTE, RunSpec, palette_color

    race = Race(load_builtin("linear_classifier"))
    classes = class_colors(race.landscape)
    assert classes == CLASS_COLORS[:3] == ("#0072B2", "#009E73", "#D55E00")
    colors = [tr.color for tr in race.runs]
    assert not set(colors) & set(classes) and colors == [c for c in PALETTE if c not in classes][:len(colors)]
    plain = Race(load_builtin("ravine"))
    assert class_colors(plain.landscape) == () and [t.color for t in plain.runs] == list(PALETTE[:len(plain.runs)])
    many = [palette_color(i, avoid=classes) for i in range(12)]
    assert len(set(many)) == 12 and not set(many) & set(classes)
    assert RunSpec().color is None
