"""Planes through a full-dimensional race on the real CIFAR-10, checked against independent sources:
linear.py's float64 loss_and_grad and accuracy of W(a, b) itself, numpy's SVD of the recorded
iterates, and points that lie on the plane by construction."""
from __future__ import annotations

import numpy as np
import pytest

from app.model.cifar_planes import accuracy_grid, endpoints_plane, pca_plane, plane_for, random_plane
from app.model.cifar_race import CifarRace, RunSettings, race_data
from landscapes.cifar import accuracy, filter_normalized_directions, load_cifar10, loss_and_grad, preprocess


@pytest.fixture(scope="module")
def small(cifar_root):
    """The first 2,000 training images: 1,500 to train on, the last 500 to validate."""
    x, y, _, _ = load_cifar10(cifar_root, limit=2000)
    return x[:1500], y[:1500], x[1500:], y[1500:]


@pytest.fixture(scope="module")
def small_data(small):
    x, y, xv, yv = small
    return race_data(x, y, xv, yv)


RUNS = [RunSettings("sgd", {"lr": 4e-7}, label="sgd"), RunSettings("adam", {"lr": 1e-5}, batch_size=64, label="adam"),
        RunSettings("random_search", label="random search")]


@pytest.fixture(scope="module", params=[("softmax", "l2", 5e3), ("svm", "l1", 5.0)], ids=["softmax-l2", "svm-l1"])
def race(request, small_data):
    loss, reg, strength = request.param
    r = CifarRace(small_data, RUNS, loss=loss, reg=reg, strength=strength, eval_every=1000, record_rows=16)
    r.step(60)
    return r


@pytest.fixture(scope="module")
def pca(race):
    return pca_plane(race)


def direct_loss(race, small, W):
    x, y, _, _ = small
    return loss_and_grad(W, preprocess(x, race.data.mean), y, race.loss, race.reg, race.strength)


def sample_points(view):
    (x0, x1), (y0, y1) = view.landscape.bounds
    corners = [(x0, y0), (x1, y1), (0.3 * x0 + 0.7 * x1, 0.6 * y0 + 0.4 * y1), (0.0, 0.0)]
    return np.array(corners + [tuple(p[len(p) // 2]) for p in view.paths])


@pytest.mark.parametrize("kind", ["pca", "endpoints", "random"])
def test_surface_is_the_direct_loss_of_W_ab(race, small, kind):
    view = plane_for(race, kind)
    f = view.landscape
    D1, D2 = f.directions
    for a, b in sample_points(view):
        W = f.center + a * D1 + b * D2
        value, grad = direct_loss(race, small, W)
        assert float(f.value(np.array([a, b]))) == pytest.approx(value, rel=1e-6)
        g = f.grad(np.array([a, b]))   # the chain rule: ∂L/∂a = <∂L/∂W, D1>
        np.testing.assert_allclose(g, [np.vdot(grad, D1), np.vdot(grad, D2)], rtol=1e-5, atol=1e-6 * abs(value))
    xs, ys, Z = f.grid(9)   # the fast grid path (softmax: the row recurrence) against the direct loss
    for i, j in [(0, 0), (8, 3), (4, 8)]:
        assert Z[j, i] == pytest.approx(direct_loss(race, small, f.weights(xs[i], ys[j]))[0], rel=1e-6)


def test_pca_directions_are_numpy_svd_of_the_recorded_iterates(race, pca):
    points, who, steps = race.iterates()
    fitted = points[np.isin(who, [0, 1])].reshape(-1, 30730).astype(np.float64)   # the gradient runs
    _, s, vt = np.linalg.svd(fitted - fitted.mean(axis=0), full_matrices=False)
    D = np.stack([d.ravel() for d in pca.landscape.directions])
    np.testing.assert_allclose(np.abs(np.sum(D * vt[:2], axis=1)), 1.0, atol=1e-5)
    np.testing.assert_allclose(pca.explained, s[:2] ** 2 / np.sum(s ** 2), rtol=1e-4)
    e1, e2 = pca.explained
    assert pca.axis_labels == (f"PC1: {e1:.0%} of variance", f"PC2: {e2:.0%}")
    # Li et al.'s origin: the first fitted run's last iterate
    np.testing.assert_allclose(pca.landscape.center, points[who == 0][-1], rtol=1e-7)
    # every live run is drawn, random search too; its coordinates and distance off the plane by hand
    assert pca.runs == (0, 1, 2) and pca.labels == ("sgd", "adam", "random search")
    for i, path in zip(pca.runs, pca.paths, strict=True):
        diff = points[who == i].reshape(-1, 30730).astype(np.float64) - pca.landscape.center.ravel()
        np.testing.assert_allclose(path, diff @ D.T, rtol=1e-6, atol=1e-9)
        np.testing.assert_array_equal(pca.steps[pca.runs.index(i)], steps[who == i])
        h = pca.honesty[pca.runs.index(i)]
        k = np.searchsorted(steps[who == i], h.steps)
        residual = diff[k] - (diff[k] @ D.T) @ D
        np.testing.assert_allclose(h.off_plane, np.linalg.norm(residual, axis=1), rtol=1e-6, atol=1e-12)
        assert h.steps[0] == 0 and h.steps[-1] == race.t and len(h.steps) <= 16


def test_honesty_is_true_loss_against_surface(race, small, pca):
    x, y, _, _ = small
    points, who, steps = race.iterates()
    h = pca.honesty[1]
    k = np.searchsorted(steps[who == 1], h.steps)
    for j in (0, len(k) - 1):
        W = points[who == 1][k[j]].astype(np.float64)
        assert h.true_loss[j] == pytest.approx(direct_loss(race, small, W)[0], rel=1e-6)
    np.testing.assert_allclose(h.surface_loss, pca.landscape.value(pca.paths[1][k]), rtol=1e-12)
    # off the plane the two differ, and the one-line summary reports the largest gap
    gap, label, step = pca.worst_gap()
    assert gap == max(float(np.max(g.gap)) for g in pca.honesty) > 0
    line = pca.faithfulness()
    assert "\n" not in line and f"{gap:.1%}" in line and f"{label}, step {step}" in line
    assert f"{sum(pca.explained):.0%} of the paths' variance" in line
    # PCA directions are orthonormal: the longest move along the plane is a plain distance of coordinates
    move = max(float(np.linalg.norm(p - p[0], axis=1).max()) for p in pca.paths)
    assert pca.longest_move() == pytest.approx(move, rel=1e-9)
    assert f"{pca.max_off_plane() / move:.0%} of the longest move along it" in line


def test_iterates_on_the_plane_have_true_loss_equal_to_surface(small_data):
    """Three iterates of one run span their own PCA plane exactly; the endpoints plane holds W_init
    and both runs' last iterates: at those the surface is the true loss and they lie on the plane."""
    race = CifarRace(small_data, RUNS[:2], eval_every=1000)
    race.step(2)
    view = pca_plane(race, runs=[0])
    h = view.honesty[0]
    assert len(h.steps) == 3
    tiny = 1e-6 * float(np.linalg.norm(race.W_init))   # the record's float32 rounding is 3e-8 of |W|
    assert np.all(h.off_plane < tiny)
    np.testing.assert_allclose(h.surface_loss, h.true_loss, rtol=2e-6)
    race.step(10)
    ends = endpoints_plane(race, 0, 1)
    for h in ends.honesty:
        for j in (0, len(h.steps) - 1):  # W_init, and the run's end point (float32 in the record)
            assert h.off_plane[j] < tiny
            assert h.surface_loss[j] == pytest.approx(h.true_loss[j], rel=2e-6)
    moved = float(np.linalg.norm(race.runs[0].W - race.W_init))
    assert ends.max_off_plane() > 1e-2 * moved > 100 * tiny   # the iterates between are not on it


def test_endpoints_plane_puts_both_end_points_on_it(race):
    view = endpoints_plane(race, 0, 1)
    f = view.landscape
    marks = f.landmarks
    assert list(marks) == ["W_init", "W_final(sgd)", "W_final(adam)"]
    assert marks["W_init"] == (0.0, 0.0) and marks["W_final(sgd)"] == (1.0, 0.0)
    np.testing.assert_allclose(f.weights(0.0, 0.0), race.W_init, rtol=0, atol=0)
    np.testing.assert_allclose(f.weights(1.0, 0.0), race.runs[0].W, rtol=1e-12, atol=1e-18)
    np.testing.assert_allclose(f.weights(*marks["W_final(adam)"]), race.runs[1].W, rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(view.paths[0][-1], (1.0, 0.0), atol=1e-6)
    assert view.axis_labels == ("W_init → W_final(sgd)", "⊥ toward W_final(adam)")
    # the longest move along the plane, measured in W itself (D1, D2 are not unit vectors here)
    move = max(float(np.linalg.norm(f.weights(*q) - f.weights(*p[0]))) for p in view.paths for q in p)
    assert view.longest_move() == pytest.approx(move, rel=1e-9)
    (x0, x1), (y0, y1) = f.bounds   # every path inside, with a margin
    for p in view.paths:
        assert (p[:, 0] > x0).all() and (p[:, 0] < x1).all() and (p[:, 1] > y0).all() and (p[:, 1] < y1).all()


def test_random_plane_is_filter_normalized_around_the_run(race):
    view = random_plane(race, 1)
    f = view.landscape
    W = race.runs[1].W
    np.testing.assert_array_equal(f.center, W)
    for got, want in zip(f.directions, filter_normalized_directions(W, race.seed), strict=True):
        np.testing.assert_array_equal(got, want)
        np.testing.assert_allclose(np.linalg.norm(got, axis=0), np.linalg.norm(W, axis=0), rtol=1e-12)
    assert f.landmarks == {"W(adam)": (0.0, 0.0)}
    (x0, x1), (y0, y1) = f.bounds
    assert x0 < -1 and x1 > 1 and y0 < -1 and y1 > 1  # Li et al.'s [-1, 1]² at least


@pytest.mark.parametrize("split", ["val", "train"])
@pytest.mark.parametrize("kind", ["pca", "endpoints"])
def test_accuracy_grid_is_direct_accuracy(race, small, kind, split):
    x, y, xv, yv = small
    view = plane_for(race, kind)
    xs, ys, acc = accuracy_grid(view, 15, split)
    (x0, x1), (y0, y1) = view.landscape.bounds
    np.testing.assert_allclose([xs[0], xs[-1], ys[0], ys[-1]], [x0, x1, y0, y1])
    images, labels = (xv, yv) if split == "val" else (x, y)
    rng = np.random.default_rng(1)
    for i, j in [(0, 0), (14, 14), (7, 3), *rng.integers(0, 15, (5, 2))]:
        W = view.landscape.weights(xs[i], ys[j])
        assert acc[j, i] == accuracy(W, images, labels, race.data.mean)
    assert 0.0 < acc.min() < acc.max() < 1.0   # the surface varies: not a constant that always matches


def test_bad_input_is_one_line(small_data):
    race = CifarRace(small_data, [RunSettings("sgd", {"lr": 1e3}), RunSettings("sgd", {"lr": 1e-7})],
                     eval_every=1000)

    def refused(call, message):
        with pytest.raises(ValueError, match=message) as err:
            call()
        assert "\n" not in str(err.value)

    still = CifarRace(small_data, [RunSettings("sgd", {"lr": 1e-7})] * 3, eval_every=1000)   # three W_init
    refused(lambda: pca_plane(still), "^no PCA plane through these runs yet: the finite points are all the same")
    race.step(1)
    refused(lambda: pca_plane(race, runs=[1]), "at least three recorded iterates, got 2")
    refused(lambda: pca_plane(race, runs=[5]), r"run index must be a whole number in 0\.\.1, got 5")
    refused(lambda: random_plane(race, -1), "run index")
    refused(lambda: endpoints_plane(race, 1, 1), "two different runs")
    refused(lambda: plane_for(race, "pcaa"), "plane must be one of pca, endpoints, random")
    race.step(60)
    assert race.runs[0].diverged and not race.runs[1].diverged
    refused(lambda: endpoints_plane(race, 0, 1), r"run 0 \(sgd\) diverged at step \d+")
    refused(lambda: random_plane(race, 0), "diverged")
    refused(lambda: pca_plane(race, runs=[0, 1]), "diverged")
    refused(lambda: plane_for(race, "endpoints"), "two live runs")
    view = pca_plane(race)   # the diverged run is left out of the default view
    refused(lambda: accuracy_grid(view, 1), "n must be a whole number >= 2")
    refused(lambda: accuracy_grid(view, 5, "test"), "split must be one of val, train")
    refused(lambda: pca_plane(race, honest_points=1), "honest_points")
    lost = CifarRace(small_data, [RunSettings("sgd", {"lr": 1e3})], eval_every=1000)
    lost.step(60)
    for kind in ("pca", "endpoints", "random"):
        refused(lambda kind=kind: plane_for(lost, kind), "^every run of the race has diverged")
    assert view.runs == (1,)


def test_accuracy_without_validation_images_is_refused(small):
    x, y, _, _ = small
    race = CifarRace(race_data(x[:300], y[:300]), [RunSettings("sgd", {"lr": 4e-7})], eval_every=1000)
    race.step(3)
    view = pca_plane(race)
    with pytest.raises(ValueError, match="^the race has no validation images$"):
        accuracy_grid(view, 5, "val")
    assert accuracy_grid(view, 5, "train")[2].shape == (5, 5)
