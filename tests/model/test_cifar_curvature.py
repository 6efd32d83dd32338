"""The CIFAR-10 curvature model on real data, against independent sources: float64 H·v products
(landscapes.cifar.hessian_vector_product), the closed-form trace, linear.loss_and_grad, accuracy
and train_linear computed directly, and the SVM's known Hessian 2λ·I."""
from __future__ import annotations

import numpy as np
import pytest

from app.model.cifar_curvature import (
    CurvatureProblem,
    load_problem,
    plane_pair,
    solution_spectrum,
    svm_note,
    top_eigenvalues,
)
from app.model.cifar_solutions import (
    PAIRS,
    Recipe,
    line_between,
    make_solution,
    pair_recipes,
    sgd_recipe,
    sharp_vs_flat,
)
from landscapes.cifar import (
    Cancelled,
    accuracy,
    hessian_top_eigs,
    hessian_vector_product,
    image_mean,
    load_cifar10,
    loss_and_grad,
    preprocess,
    train_linear,
)

STRENGTH = 5e3


@pytest.fixture(scope="module")
def problem(cifar_root):
    """1,500 real training images (their own mean: train_linear's) and 500 held out."""
    x, y, _, _ = load_cifar10(cifar_root, limit=2000)
    return CurvatureProblem(x[:1500], y[:1500], x[1500:], y[1500:], image_mean(x[:1500]), "softmax", "l2",
                            STRENGTH)


@pytest.fixture(scope="module")
def w_star(problem):
    return make_solution(problem, sgd_recipe(problem))


def test_sgd_solution_is_train_linear(problem, w_star):
    W = train_linear(problem.x, problem.y, strength=STRENGTH)
    assert np.abs(w_star - W).max() <= 1e-4 * np.abs(W).max()


def test_spectrum_values_trace_and_density(problem, w_star):
    s = solution_spectrum(problem, w_star, k=3)
    exact, vecs = hessian_top_eigs(w_star, problem.x, problem.y, k=3, strength=STRENGTH, tol=1e-8,
                                   mean=problem.mean)
    np.testing.assert_allclose(s.values, exact, rtol=1e-4)        # float32 products, 1e-4 relative
    # tr H in closed form: (1/N) Σᵢ ‖xᵢ‖² Σ_c p_c(1 − p_c) + 2λ·n
    X = preprocess(problem.x, problem.mean)
    S = X @ w_star
    P = np.exp(S - S.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    trace = np.mean(np.sum(X * X, axis=1) * np.sum(P * (1 - P), axis=1)) + 2 * STRENGTH * w_star.size
    assert 0 < s.trace_error < 0.05 * trace
    assert abs(s.trace - trace) <= 4 * s.trace_error
    d = s.density
    assert np.sum(d.density) * (d.grid[1] - d.grid[0]) == pytest.approx(1.0)
    assert d.grid[0] < 2 * STRENGTH * 1.001 and d.grid[-1] > exact[0] * 0.999   # all of [2λ, λmax]
    assert s.mean_eigenvalue == pytest.approx(s.trace / 30730)


def test_float32_eigenvalues_agree_with_float64_to_1e_4(problem, w_star):
    f64, _ = hessian_top_eigs(w_star, problem.x, problem.y, k=3, strength=STRENGTH, tol=1e-6, mean=problem.mean)
    f32, _ = hessian_top_eigs(w_star, problem.x, problem.y, k=3, strength=STRENGTH, tol=1e-4, mean=problem.mean,
                              dtype=np.float32)
    assert np.abs(f32 / f64 - 1).max() <= 1e-4


@pytest.fixture(scope="module")
def planes(problem, w_star):
    return plane_pair(problem, w_star, resolution=21)


def test_eigen_plane_axes_are_eigenvectors(problem, w_star, planes):
    eigen, random = planes.slices
    norm = np.linalg.norm(w_star)
    assert planes.scale == pytest.approx(norm)
    for D, lam in zip(eigen.directions, planes.eigenvalues, strict=True):
        assert np.linalg.norm(D) == pytest.approx(norm, rel=1e-12)
        HD = hessian_vector_product(w_star, problem.x, problem.y, D, strength=STRENGTH, mean=problem.mean)
        assert np.linalg.norm(HD - lam * D) <= 2e-4 * lam * norm
    assert abs(np.vdot(*eigen.directions)) <= 1e-8 * norm**2
    for D in random.directions:                                    # filter-normalized: same length
        assert np.linalg.norm(D) == pytest.approx(norm, rel=1e-12)
    # the curvature along each random axis, dᵀHd/‖d‖², from float64 products
    for D, c in zip(random.directions, planes.random_curvature, strict=True):
        HD = hessian_vector_product(w_star, problem.x, problem.y, D, strength=STRENGTH, mean=problem.mean)
        assert c == pytest.approx(np.vdot(D, HD) / np.vdot(D, D), rel=1e-9)
    assert planes.eigenvalues[0] > 10 * planes.random_curvature.max()   # sharp is sharp


def test_planes_share_one_colour_range(problem, w_star, planes):
    lo, hi = planes.levels
    both = np.concatenate([planes.eigen.ravel(), planes.random.ravel()])
    assert lo == both.min() and hi == both.max()
    assert planes.random.max() < planes.eigen.max()                # the random plane is the flatter
    X = preprocess(problem.x, problem.mean)
    for Z, f in zip((planes.eigen, planes.random), planes.slices, strict=True):
        for j, i in ((0, 0), (5, 17), (10, 10), (20, 3)):
            a, b = planes.xs[i], planes.ys[j]
            W = w_star + a * f.directions[0] + b * f.directions[1]
            assert Z[j, i] == pytest.approx(loss_and_grad(W, X, problem.y, "softmax", "l2", STRENGTH)[0],
                                            rel=1e-10)
        assert Z[10, 10] == Z.min()                                # W* is the lowest point of both


def test_line_endpoints_are_the_solutions(problem, w_star):
    other = make_solution(problem, Recipe("Adam", "softmax", "l2", STRENGTH, solver="adam", hyper={"lr": 1e-5},
                                          steps=300))
    ts = np.array([-0.5, 0.0, 0.4, 1.0, 1.5])
    line = line_between(problem, other, w_star, ts=ts)
    X = preprocess(problem.x, problem.mean)
    for i, t in enumerate(ts):
        W = (1 - t) * other + t * w_star
        assert line.curves[problem.label][i] == pytest.approx(
            loss_and_grad(W, X, problem.y, "softmax", "l2", STRENGTH)[0], rel=1e-10)
        assert line.train_accuracy[i] == accuracy(W, problem.x, problem.y, problem.mean)
        assert line.val_accuracy[i] == accuracy(W, problem.x_val, problem.y_val, problem.mean)


def test_svm_lmax_is_the_regularizer(problem):
    pair = sharp_vs_flat(problem, "loss", ts=np.linspace(0, 1, 5))
    assert [r.label for r in pair.recipes] == ["SVM", "softmax"]
    assert pair.lmax[0] == pytest.approx(2 * STRENGTH, rel=1e-9)    # hinge: H = 2λ·I
    assert pair.lmax[1] > 10 * pair.lmax[0]
    assert set(pair.line.curves) == {"svm + L2 λ=5000", "softmax + L2 λ=5000"}
    X = preprocess(problem.x, problem.mean)
    assert pair.line.curves["svm + L2 λ=5000"][0] == pytest.approx(
        loss_and_grad(pair.weights[0], X, problem.y, "svm", "l2", STRENGTH)[0], rel=1e-10)
    l1 = problem.with_objective("svm", "l1", 5.0)
    assert top_eigenvalues(l1, pair.weights[0], k=1)[0][0] == 0.0
    assert "2λ = 10000" in svm_note("svm", "l2", STRENGTH) and "Newton" in svm_note("svm", "l2", STRENGTH)
    assert "undefined" in svm_note("svm", "l1", 5.0) and svm_note("softmax", "l2", STRENGTH) == ""


def test_pairs_change_one_thing(problem):
    for kind in PAIRS:
        a, b = pair_recipes(problem, kind)
        differ = {k for k in ("loss", "reg", "strength", "solver", "batch_size")
                  if getattr(a, k) != getattr(b, k)}
        assert differ == {"batch": {"batch_size"}, "loss": {"loss"}, "reg": {"strength"},
                          "solver": {"solver"}}[kind]
    assert pair_recipes(problem.with_objective("softmax", "l2", 0.0), "reg")[1].strength == 5e3
    with pytest.raises(ValueError, match="unknown pair 'size'"):
        pair_recipes(problem, "size")


def test_progress_and_cancel(problem, w_star):
    seen = []
    solution_spectrum(problem, w_star, k=1, probes=4, steps=5, progress=lambda f, m: seen.append(f))
    assert seen == sorted(seen) and seen[-1] == 1.0
    with pytest.raises(Cancelled):
        plane_pair(problem, w_star, resolution=5, cancel=lambda: True)
    with pytest.raises(Cancelled):
        make_solution(problem, sgd_recipe(problem), cancel=lambda: True)


def test_load_problem_follows_the_builders_protocol(cifar_root):
    p = load_problem(cifar_root, subset=300)
    assert len(p.x) == 300 and len(p.x_val) == 1000 and p.mean.shape == (3072,)
    with pytest.raises(ValueError, match="at most 49,000"):
        load_problem(cifar_root, subset=50_000)
