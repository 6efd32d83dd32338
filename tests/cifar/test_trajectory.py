"""trajectory_plane against numpy's SVD of the centred matrix, and coords/off_plane by hand."""
from __future__ import annotations

import numpy as np
import pytest

from landscapes.cifar import trajectory_plane


def paths(T: int, shape: tuple[int, ...], seed: int = 0, dtype: type = np.float64) -> np.ndarray:
    """Two runs from one start: smooth drifts plus step noise, like SGD iterates."""
    rng = np.random.default_rng(seed)
    D = int(np.prod(shape))
    start = rng.standard_normal(D)
    t = np.linspace(0.0, 1.0, T // 2)[:, None]
    runs = [start + np.sqrt(t) * rng.standard_normal(D) * 3 + t ** 2 * rng.standard_normal(D)
            + 0.05 * rng.standard_normal((len(t), D)) for _ in range(2)]
    return np.concatenate(runs).reshape(-1, *shape).astype(dtype)


def svd_reference(P: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    A = P.reshape(len(P), -1).astype(np.float64)
    A = A - A.mean(axis=0)
    _, s, vt = np.linalg.svd(A, full_matrices=False)
    return vt[:2], s[:2] ** 2 / np.sum(s ** 2)


@pytest.mark.parametrize("T", [24, 300])  # the direct thin SVD and the subspace iteration
def test_directions_and_explained_match_numpy_svd(T):
    P = paths(T, (7, 9))
    plane = trajectory_plane(P)
    vt, explained = svd_reference(P)
    d = plane.directions.reshape(2, -1)
    assert plane.directions.shape == (2, 7, 9)
    np.testing.assert_allclose(np.abs(np.sum(d * vt, axis=1)), 1.0, atol=1e-9)
    np.testing.assert_allclose(d @ d.T, np.eye(2), atol=1e-12)
    np.testing.assert_allclose(plane.explained, explained, rtol=1e-9)
    np.testing.assert_allclose(plane.center, P[-1])


def test_float32_points_give_the_float64_plane():
    P = paths(400, (3073 // 7, 7), seed=3)
    vt, explained = svd_reference(P)
    plane = trajectory_plane(P.astype(np.float32))
    d = plane.directions.reshape(2, -1)
    np.testing.assert_allclose(np.abs(np.sum(d * vt, axis=1)), 1.0, atol=1e-5)
    np.testing.assert_allclose(plane.explained, explained, rtol=1e-4)


def test_by_hand_coords_off_plane_and_signs():
    # variance 8 along x, 2 along y, 0 along z; centre = last point (0, -1, 0)
    P = np.array([[-2.0, 0, 0], [2, 0, 0], [0, 1, 0], [0, -1, 0]])
    plane = trajectory_plane(P)
    np.testing.assert_allclose(plane.explained, [0.8, 0.2], atol=1e-12)
    # signs: the first point, (-2, 1, 0) from the centre, has coordinates <= 0
    np.testing.assert_allclose(plane.directions, [[1, 0, 0], [0, -1, 0]], atol=1e-12)
    np.testing.assert_allclose(plane.coords([1.0, 1.0, 5.0]), [1.0, -2.0], atol=1e-12)
    np.testing.assert_allclose(plane.off_plane([1.0, 1.0, 5.0]), 5.0, atol=1e-12)
    many = np.array([[[1.0, 1, 5], [0, -1, 0]], [[3, -1, -2], [-2, 0, 0]]])  # (2, 2, 3)
    np.testing.assert_allclose(plane.coords(many), [[[1, -2], [0, 0]], [[3, 0], [-2, -1]]], atol=1e-12)
    np.testing.assert_allclose(plane.off_plane(many), [[5, 0], [2, 0]], atol=1e-12)
    np.testing.assert_allclose(plane.point(1.0, -2.0), [1.0, 1.0, 0.0], atol=1e-12)


def test_given_center_moves_the_origin_not_the_directions():
    P = paths(60, (5, 4), seed=1)
    c = P[0]
    plane, default = trajectory_plane(P, center=c), trajectory_plane(P)
    np.testing.assert_allclose(plane.center, c)
    np.testing.assert_allclose(np.abs(np.sum(plane.directions * default.directions, axis=(1, 2))), 1, atol=1e-9)
    np.testing.assert_allclose(plane.coords(c), [0.0, 0.0], atol=1e-12)


def test_non_finite_rows_are_left_out():
    P = paths(60, (6,), seed=2)
    bad = P.copy()
    bad[[3, 10]] = np.nan
    bad[20, 2] = np.inf
    kept = np.delete(P, [3, 10, 20], axis=0)
    a, b = trajectory_plane(bad), trajectory_plane(kept)
    np.testing.assert_allclose(np.abs(np.sum(a.directions * b.directions, axis=1)), 1, atol=1e-9)
    np.testing.assert_allclose(a.explained, b.explained, rtol=1e-9)


@pytest.mark.parametrize("points, message", [
    (np.array([[1.0, 2.0], [3.0, 4.0]]), "at least three finite points"),
    (np.array([[1.0, 2.0], [np.nan, 4.0], [3.0, 1.0], [np.inf, 0.0]]), "at least three finite points"),
    (np.ones((5, 3)), "span no plane"),
    (np.ones(5), "real array"),
    (np.arange(5.0)[:, None], "two coordinates"),
    (np.array([["a", "b"]] * 3), "real array"),
])
def test_bad_points_are_refused(points, message):
    with pytest.raises(ValueError, match=message):
        trajectory_plane(points)


def test_bad_center_and_query_shapes_are_refused():
    P = paths(30, (4, 2))
    with pytest.raises(ValueError, match="center must have"):
        trajectory_plane(P, center=np.zeros(8))
    with pytest.raises(ValueError, match="center must be finite"):
        trajectory_plane(P, center=np.full((4, 2), np.nan))
    plane = trajectory_plane(P)
    with pytest.raises(ValueError, match="plane's shape"):
        plane.coords(np.zeros((3, 8)))
