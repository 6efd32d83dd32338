"""Curvature of a CIFAR-10 solution: its Hessian spectrum and the sharpest plane through it.

    problem = load_problem(root, "softmax", "l2", 5e3, subset=5000)
    W = make_solution(problem, sgd_recipe(problem))           # (cifar_solutions)
    s = solution_spectrum(problem, W)     # top-k eigenvalues, trace, density (spectrum panel)
    p = plane_pair(problem, W)            # eigen-plane and random plane, one colour range

Everything is exact H·v products (landscapes.cifar.curvature) on the loss of
cifar_slice: features [x − mean, 1] of the ``subset`` training images, the mean
image of the 49,000 training images (the builder's protocol), the regularizer
over all of W. The products are float32: on CIFAR-10 they move the top
eigenvalues by ~1e-8 relative (tests/model/test_cifar_curvature.py checks 1e-4
against float64) at half the time. Slow steps take progress(fraction, message)
and cancel() -> True (raises Cancelled) as the app's background jobs pass them.

Both planes are W + a·D₁ + b·D₂ with ‖D₁‖ = ‖D₂‖ = ‖W‖: the random plane's
directions are filter-normalized (each column scaled to W's column, so ‖D‖ = ‖W‖);
the eigen-plane's are unit eigenvectors times ‖W‖ (landscapes.cifar.directions).
The eigenvectors are orthogonal and random directions in 30,730 dimensions nearly
so, so a map drawn 1:1 shows true angles, and a = 1 is the same distance in both.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from landscapes.cifar import (
    CifarSlice,
    cifar_slice,
    filter_normalized_directions,
    image_mean,
    load_cifar10,
)
from landscapes.cifar.build import N_TRAIN
from landscapes.cifar.curvature import HessianOperator
from landscapes.cifar.directions import eigen_directions
from landscapes.cifar.errors import check_cancel, check_whole
from landscapes.cifar.lanczos import lanczos_top
from landscapes.cifar.linear import LOSSES, REGS, check_choice, check_strength
from landscapes.cifar.spectrum import SpectrumDensity, hutchinson_trace, slq_density

Array = np.ndarray[Any, Any]
Progress = Callable[[float, str], object]
Cancel = Callable[[], bool]
DTYPE = np.float32   # the products' precision (see the module docstring)


@dataclass(frozen=True)
class CurvatureProblem:
    """The objective and data curvature is taken on: raw training rows ``x``, ``y`` (the
    subset), validation rows, the training mean image and the loss/regularizer/strength."""

    x: Array
    y: Array
    x_val: Array
    y_val: Array
    mean: Array
    loss: str = "softmax"
    reg: str = "l2"
    strength: float = 5e3

    def __post_init__(self) -> None:
        check_choice("loss", self.loss, LOSSES)
        check_choice("reg", self.reg, REGS)
        check_strength(self.strength)
        if np.asarray(self.x).ndim != 2 or len(self.x) == 0 or len(self.x) != len(self.y):
            raise ValueError(f"x must be non-empty rows with one label each, got {np.shape(self.x)} "
                             f"and {np.shape(self.y)}")

    def with_objective(self, loss: str, reg: str, strength: float) -> CurvatureProblem:
        """The same data under another loss, regularizer or strength."""
        return CurvatureProblem(self.x, self.y, self.x_val, self.y_val, self.mean, loss, reg, float(strength))

    @property
    def label(self) -> str:
        """e.g. "softmax + L2 λ=5000"."""
        return f"{self.loss} + {self.reg.upper()} λ={self.strength:g}"


def load_problem(root: str | os.PathLike[str], loss: str = "softmax", reg: str = "l2", strength: float = 5e3,
                 subset: int = 5000) -> CurvatureProblem:
    """The first ``subset`` of the 49,000 training images, the last 1,000 as validation (the
    builder's protocol), and the 49,000 images' mean. Raises CifarError for missing data."""
    subset = check_whole("subset", subset)
    if subset > N_TRAIN:
        raise ValueError(f"subset must be at most {N_TRAIN:,} (the training images), got {subset:,}")
    x_all, y_all, _, _ = load_cifar10(root)
    return CurvatureProblem(x_all[:subset], y_all[:subset], x_all[N_TRAIN:], y_all[N_TRAIN:],
                            image_mean(x_all[:N_TRAIN]), loss, reg, float(strength))


def operator(problem: CurvatureProblem, W: Array) -> HessianOperator:
    """H at W for the problem's loss, float32 products with the features cached."""
    return HessianOperator(W, problem.x, problem.y, problem.loss, problem.reg, problem.strength, problem.mean,
                           DTYPE, cache=True)


def _watched(op: HessianOperator, progress: Progress | None, cancel: Cancel | None, what: str,
             budget: int, lo: float, hi: float) -> Callable[[Array], Array]:
    """op.matvec that checks cancel and reports progress (lo..hi over ``budget`` products) per call."""
    start = op.products

    def matvec(V: Array) -> Array:
        check_cancel(cancel, what)
        if progress is not None:
            done = min(1.0, (op.products - start) / max(budget, 1))
            progress(lo + (hi - lo) * done, what)
        return op.matvec(V)

    return matvec


def _lanczos(op: HessianOperator, mv: Callable[[Array], Array], k: int, tol: float, seed: int) -> tuple[Array, Array]:
    n = op.shape[0] * op.shape[1]
    result = lanczos_top(lambda V: mv(V.reshape((len(V), *op.shape))).reshape(len(V), n), n, k, tol, seed)
    if not result.converged:
        raise ValueError(f"Lanczos did not reach tol {tol:g} in {result.products} products")
    return result.values, result.vectors.reshape((k, *op.shape))


def top_eigenvalues(problem: CurvatureProblem, W: Array, k: int = 3, tol: float = 1e-4, seed: int = 0,
                    progress: Progress | None = None, cancel: Cancel | None = None) -> tuple[Array, Array]:
    """(values (k,) descending, unit vectors (k, *W.shape)) by block Lanczos to relative ``tol``."""
    op = operator(problem, W)
    return _lanczos(op, _watched(op, progress, cancel, "top Hessian eigenvalues (Lanczos)", 60, 0.0, 1.0),
                    k, tol, seed)


@dataclass(frozen=True)
class Spectrum:
    """A solution's Hessian spectrum: the top ``values`` (descending) with unit ``vectors``,
    Hutchinson's ``trace`` ± ``trace_error``, the SLQ ``density``, ``n`` weights, ``products`` used."""

    values: Array
    vectors: Array
    trace: float
    trace_error: float
    density: SpectrumDensity
    n: int
    products: int

    @property
    def mean_eigenvalue(self) -> float:
        """tr H / n: the curvature a random direction sees on average."""
        return self.trace / self.n


def solution_spectrum(problem: CurvatureProblem, W: Array, k: int = 3, tol: float = 1e-4, probes: int = 32,
                      steps: int = 60, bins: int = 800, seed: int = 0, progress: Progress | None = None,
                      cancel: Cancel | None = None) -> Spectrum:
    """Top-k eigenpairs (0–40%), trace (40–60%) and eigenvalue density (60–100%) of H at W."""
    op = operator(problem, W)
    n = op.shape[0] * op.shape[1]
    values, vectors = _lanczos(op, _watched(op, progress, cancel, "top Hessian eigenvalues (Lanczos)", 60, 0.0, 0.4),
                               k, tol, seed)
    mv = _watched(op, progress, cancel, "Hessian trace (Hutchinson)", probes, 0.4, 0.6)
    trace, error = hutchinson_trace(mv, op.shape, probes, seed)
    mv = _watched(op, progress, cancel, "eigenvalue density (stochastic Lanczos quadrature)", steps, 0.6, 1.0)
    density = slq_density(lambda v: mv(v.reshape(op.shape)), n, steps, 1, seed, bins)
    if progress is not None:
        progress(1.0, "spectrum ready")
    return Spectrum(values, vectors, trace, error, density, n, op.products)


@dataclass(frozen=True)
class PlanePair:
    """The eigen-plane and the random plane through one W on one grid and one colour range.

    ``eigen`` and ``random`` are loss maps Z[j, i] at (xs[i], ys[j]); ``levels`` (lo, hi)
    covers both; ``eigenvalues`` (λ₁, λ₂) of the eigen-plane's axes; ``random_curvature``
    the curvature dᵀHd/‖d‖² along each random axis; ``scale`` = ‖W‖, the length of a unit step.
    """

    xs: Array
    ys: Array
    eigen: Array
    random: Array
    levels: tuple[float, float]
    eigenvalues: Array
    random_curvature: Array
    scale: float
    slices: tuple[CifarSlice, CifarSlice]


def plane_pair(problem: CurvatureProblem, W: Array, resolution: int = 41, span: float = 1.0, seed: int = 0,
               progress: Progress | None = None, cancel: Cancel | None = None) -> PlanePair:
    """Both planes through W over [−span, span]² (see the module docstring)."""
    resolution = check_whole("resolution", resolution, minimum=3)
    if not (isinstance(span, (int, float)) and np.isfinite(span) and span > 0):
        raise ValueError(f"span must be a positive number, got {span!r}")
    what = "eigen-plane and random plane"
    if progress is not None:
        progress(0.0, "the top two Hessian eigenvectors (Lanczos)")
    check_cancel(cancel, what)
    E1, E2, values = eigen_directions(W, problem.x, problem.y, problem.loss, problem.reg, problem.strength,
                                      problem.mean, seed, dtype=DTYPE)
    R1, R2 = filter_normalized_directions(W, seed)
    xs = np.linspace(-span, span, resolution)
    slices, maps = [], []
    for i, dirs in enumerate(((E1, E2), (R1, R2))):
        check_cancel(cancel, what)
        if progress is not None:
            progress(0.3 + 0.35 * i, f"{('eigen', 'random')[i]}-plane: projecting the data")
        f = cifar_slice(W, problem.x, problem.y, problem.loss, problem.reg, problem.strength, directions=dirs,
                        mean=problem.mean, bounds=((-span, span), (-span, span)))
        slices.append(f)
        maps.append(f.value_grid(xs, xs, cancel=cancel))
    scale = float(np.linalg.norm(W)) or 1.0
    H = slices[1].hessian(np.zeros(2))
    random_curvature = np.array([H[0, 0], H[1, 1]]) / np.array([np.sum(R1 * R1), np.sum(R2 * R2)])
    finite = np.concatenate([m[np.isfinite(m)] for m in maps])
    levels = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if progress is not None:
        progress(1.0, "planes ready")
    return PlanePair(xs, xs.copy(), maps[0], maps[1], levels, values, random_curvature, scale,
                     (slices[0], slices[1]))


def svm_note(loss: str, reg: str, strength: float) -> str:
    """One line for the GUI when the loss is the SVM: where its curvature comes from ("" for softmax)."""
    if loss != "svm":
        return ""
    if reg == "l2":
        curvature = (f"so only the regularizer curves: every eigenvalue is 2λ = {2 * strength:g}, and Newton's "
                     "step W − H⁻¹∇L = −∇data/(2λ) ignores where it stands: it jumps from kink to kink")
    else:
        curvature = "and the L1 regularizer is piecewise linear too: H = 0, so Newton's step H⁻¹∇L is undefined"
    return f"SVM: the hinge loss is piecewise linear in W, its Hessian zero almost everywhere, {curvature}."
