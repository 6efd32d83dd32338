"""Planes through a full-dimensional CIFAR-10 race, and how faithful each picture is.

    view = pca_plane(race)                 # Li et al. 2018's plane of the runs' own paths
    view = endpoints_plane(race, 0, 2)     # through W_init, W_final of run 0 and of run 2
    view = random_plane(race, 1)           # filter-normalized random plane around run 1's W
    view.landscape.grid(101)               # the exact loss of W(a, b) on the race's data
    view.paths[i], view.steps[i]           # run view.runs[i]'s recorded iterates on the plane
    view.honesty[i]                        # their true loss against the surface, and off-plane distance
    view.faithfulness()                    # that in one line
    plane_for(race, "pca")                 # a scene's "plane" param with its default runs
    accuracy_grid(view, 101, "val")        # accuracy of W(a, b) on the same plane

Every plane is a CifarSlice over the race's own data and objective (its
float32 features widened to float64, its loss, reg and strength), so the
surface's value at (a, b) is the race's full-batch loss of W(a, b) itself:
a path drawn on it is honest exactly where its iterates lie on the plane.
They rarely do (30,730 weights, two directions), so beside each path the
view keeps, at up to ``honest_points`` iterates a run (evenly spaced, first
and last included; each costs one pass over the data), the iterate's own
full-batch loss (race.full_batch_loss), the surface's value at its
projection, and its distance from the plane.

The PCA plane (Li et al. 2018, §7): the top two principal directions of the
recorded iterates (app/model/cifar_race.py keeps a thinned record of every
run) through the last iterate of the first fitted run: for one run that is
Li et al.'s θ_n exactly (they take the final parameters as the origin); for
several it is the end point of the run listed first. By default the fit
uses every live gradient run: a random search's accepted W are independent
random draws, not a path, and would only add variance in random directions.
Diverged runs (their last iterates explode) are left out of every view.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from landscapes.cifar import CifarSlice, filter_normalized_directions, plane_through, trajectory_plane
from landscapes.cifar.slice import plane_scores

from .cifar_race import CifarRace
from .plane_accuracy import grid_accuracy

Array = np.ndarray[Any, Any]
Bounds = tuple[tuple[float, float], tuple[float, float]]
PLANE_KINDS = ("pca", "endpoints", "random")
SPLITS = ("val", "train")
HONEST_POINTS = 16   # iterates a run whose true loss is measured (one pass over the data each)
MARGIN = 0.25        # bounds: the paths' extent plus this share of it on each side
_CHUNK = 64          # iterates projected at a time (64 x 30,730 float64 = 16 MB)


@dataclass(frozen=True)
class Honesty:
    """One run's picture against the truth, at a few of its iterates."""

    steps: Array          # (k,) step of each checked iterate
    true_loss: Array      # (k,) the race's full-batch loss of the iterate itself
    surface_loss: Array   # (k,) the plane surface's value at the iterate's projection
    off_plane: Array      # (k,) distance of the iterate from the plane (Frobenius norm)

    @property
    def gap(self) -> Array:
        """(k,) |true − surface| relative to |true|: how far the drawn height is off."""
        out: Array = np.abs(self.true_loss - self.surface_loss) / np.maximum(np.abs(self.true_loss), 1e-300)
        return out


@dataclass(frozen=True)
class PlaneView:
    """A plane through the race's weight space with its surface, paths and honesty strip."""

    landscape: CifarSlice     # exact loss of W(a, b); axis_labels, landmarks, bounds set
    kind: str                 # "pca" | "endpoints" | "random"
    runs: tuple[int, ...]     # the race's run index of each path
    labels: tuple[str, ...]   # their labels
    paths: list[Array]        # (T_i, 2) plane coordinates of run runs[i]'s recorded iterates
    steps: list[Array]        # (T_i,) their step numbers
    honesty: list[Honesty]    # one per path
    val_scores: tuple[Array, Array, Array, Array]   # X_val·C, X_val·D1, X_val·D2, y_val
    explained: tuple[float, float] | None = None    # PCA: share of the paths' variance on each axis

    @property
    def axis_labels(self) -> tuple[str, str]:
        labels: tuple[str, str] = self.landscape.axis_labels
        return labels

    def worst_gap(self) -> tuple[float, str, int]:
        """(largest relative |true − surface|, its run's label, its step) over the checked iterates."""
        best = (0.0, "", -1)
        for label, h in zip(self.labels, self.honesty, strict=True):
            if len(h.steps):
                i = int(np.nanargmax(h.gap)) if np.isfinite(h.gap).any() else 0
                if not h.gap[i] <= best[0]:
                    best = (float(h.gap[i]), label, int(h.steps[i]))
        return best

    def max_off_plane(self) -> float:
        """The largest distance of a checked iterate from the plane."""
        return max((float(np.max(h.off_plane)) for h in self.honesty if len(h.off_plane)), default=0.0)

    def longest_move(self) -> float:
        """The farthest any path gets along the plane from its own start (Frobenius norm in W, through
        the directions' Gram matrix: endpoints and random directions are not unit vectors)."""
        D = np.stack([d.ravel() for d in self.landscape.directions])
        G = D @ D.T
        moves = [p - p[0] for p in self.paths if len(p)]
        return max((float(np.sqrt(np.max(np.einsum("ti,ij,tj->t", m, G, m)))) for m in moves), default=0.0)

    def faithfulness(self) -> str:
        """One line on how far the picture can be trusted: the largest relative gap between the
        surface and the true loss, and the largest distance off the plane against the paths' moves on it."""
        gap, label, step = self.worst_gap()
        head = ""
        if self.explained is not None:
            head = f"the plane holds {sum(self.explained):.0%} of the paths' variance; "
        where = f" ({label}, step {step})" if label else ""
        off, move = self.max_off_plane(), self.longest_move()
        versus = f" ({off / move:.0%} of the longest move along it)" if move > 0 else ""
        return (f"{head}surface within {gap:.1%} of the true loss at every checked iterate{where}; "
                f"farthest iterate {off:.3g} off the plane{versus}")


# --------------------------------------------------------------------------- the planes
def pca_plane(race: CifarRace, runs: Sequence[int] | None = None, *,
              honest_points: int = HONEST_POINTS) -> PlaneView:
    """The plane of the top two principal directions of the recorded iterates of ``runs``
    (default: every live gradient run), through the first such run's last iterate."""
    live = _live_runs(race)
    if runs is None:
        fit = [i for i in live if not race.runs[i].searching] or live
    else:
        fit = [_check_run(race, i) for i in runs]
    points, who, _ = race.iterates()
    chosen = points[np.isin(who, fit)]
    if len(chosen) < 3:
        raise ValueError(f"a PCA plane needs at least three recorded iterates, got {len(chosen)}: "
                         "let the race run a few steps")
    center = points[who == fit[0]][-1].astype(np.float64)
    try:
        plane = trajectory_plane(chosen, center=center)
    except ValueError as e:   # e.g. every point still W_init
        raise ValueError(f"no PCA plane through these runs yet: {e}") from None
    d1, d2 = plane.directions
    e1, e2 = (float(v) for v in plane.explained)
    labels = (f"PC1: {e1:.0%} of variance", f"PC2: {e2:.0%}")
    first = race.runs[fit[0]].label
    where = (f"over the plane of the top two principal directions (Li et al. 2018) of the recorded "
             f"iterates of {_names(race, fit)}, through {first}'s last iterate (0, 0); "
             f"PC1 holds {e1:.0%} of their variance, PC2 {e2:.0%}")
    return _view(race, "pca", center, (d1, d2), labels, where, live, honest_points,
                 explained=(e1, e2), landmarks={})


def endpoints_plane(race: CifarRace, run_a: int, run_b: int, *,
                    honest_points: int = HONEST_POINTS) -> PlaneView:
    """The plane through W_init (0, 0), run_a's current W (1, 0) and run_b's current W."""
    a, b = _check_run(race, run_a), _check_run(race, run_b)
    if a == b:
        raise ValueError("an endpoints plane needs two different runs")
    A, B = race.runs[a], race.runs[b]
    try:
        origin, D1, D2, coords = plane_through(race.W_init, A.W, B.W)
    except ValueError:
        raise ValueError(f"W_init and the end points of {A.label} and {B.label} are (nearly) collinear: "
                         "they span no plane (has either run moved?)") from None
    names = ("W_init", f"W_final({A.label})", f"W_final({B.label})")
    labels = (f"W_init → {names[1]}", f"⊥ toward {names[2]}")
    where = (f"over the plane through W_init (0, 0), {A.label}'s W at step {_last_step(race, a)} (1, 0) "
             f"and {B.label}'s W at step {_last_step(race, b)}")
    return _view(race, "endpoints", origin, (D1, D2), labels, where, _live_runs(race), honest_points,
                 landmarks=dict(zip(names, coords, strict=True)))


def random_plane(race: CifarRace, run: int, *, honest_points: int = HONEST_POINTS) -> PlaneView:
    """Two filter-normalized random directions (Li et al. 2018, §4; seeded by the race's seed)
    around ``run``'s current W (0, 0)."""
    i = _check_run(race, run)
    W = race.runs[i].W.copy()
    D1, D2 = filter_normalized_directions(W, race.seed)
    name = f"W({race.runs[i].label})"
    labels = ("random direction 1 (filter-normalized)", "random direction 2 (filter-normalized)")
    where = (f"along two filter-normalized random directions (Li et al. 2018) around {race.runs[i].label}'s "
             f"W at step {_last_step(race, i)} (0, 0)")
    return _view(race, "random", W, (D1, D2), labels, where, _live_runs(race), honest_points,
                 landmarks={name: (0.0, 0.0)}, least=((-1.0, 1.0), (-1.0, 1.0)))


def plane_for(race: CifarRace, kind: str, *, honest_points: int = HONEST_POINTS) -> PlaneView:
    """A scene's plane by kind with the default runs: PCA of every live gradient run; endpoints of the
    first two live gradient runs (or the first two live runs); random around the first live run."""
    if kind not in PLANE_KINDS:
        raise ValueError(f"plane must be one of {', '.join(PLANE_KINDS)}, got {kind!r}")
    if kind == "pca":
        return pca_plane(race, honest_points=honest_points)
    live = _live_runs(race)
    movers = [i for i in live if not race.runs[i].searching]
    if kind == "random":
        return random_plane(race, (movers or live)[0], honest_points=honest_points)
    pair = movers if len(movers) >= 2 else live
    if len(pair) < 2:
        raise ValueError("an endpoints plane needs two live runs; this race has one")
    return endpoints_plane(race, pair[0], pair[1], honest_points=honest_points)


def accuracy_grid(view: PlaneView, n: int, split: str = "val") -> tuple[Array, Array, Array]:
    """(xs, ys, acc) with acc[j, i] the accuracy of W(xs[i], ys[j]) on the race's validation
    ("val") or training ("train") images, over the view's bounds (n points a side)."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
        raise ValueError(f"n must be a whole number >= 2, got {n!r}")
    if split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(SPLITS)}, got {split!r}")
    scores = view.val_scores if split == "val" else view.landscape.scores
    if len(scores[3]) == 0:
        raise ValueError(f"the race has no {'validation' if split == 'val' else 'training'} images")
    (x0, x1), (y0, y1) = view.landscape.bounds
    xs, ys = np.linspace(x0, x1, int(n)), np.linspace(y0, y1, int(n))
    return xs, ys, grid_accuracy(scores, xs, ys)


# ----------------------------------------------------------------------- building a view
def _view(race: CifarRace, kind: str, center: Array, directions: tuple[Array, Array], axis_labels: tuple[str, str],
          where: str, runs: list[int], honest_points: int, *, landmarks: dict[str, tuple[float, float]],
          explained: tuple[float, float] | None = None, least: Bounds | None = None) -> PlaneView:
    if isinstance(honest_points, bool) or not isinstance(honest_points, int) or honest_points < 2:
        raise ValueError(f"honest_points must be a whole number >= 2, got {honest_points!r}")
    C = np.asarray(center, dtype=np.float64)
    D1, D2 = (np.asarray(D, dtype=np.float64) for D in directions)
    points, who, steps = race.iterates()
    projected = [_project(points[who == i], C, D1, D2) for i in runs]
    paths = [p for p, _ in projected]
    bounds = _bounds(paths, list(landmarks.values()), least)
    data = race.data
    f = CifarSlice(C, data.X, data.y, loss=race.loss, reg=race.reg, strength=race.strength,
                   directions=(D1, D2), mean=data.mean, origin=C, bounds=bounds, features=True)
    f.axis_labels = axis_labels
    f.landmarks = {k: (float(a), float(b)) for k, (a, b) in landmarks.items()}
    name = "softmax" if race.loss == "softmax" else "SVM"
    f.title = f"CIFAR-10 {name} loss, {kind} plane"
    f.formula = f.formula.replace("W*", "W₀")
    f.latex = f.latex.replace("W^*", "W_0")
    f.description = (f"Exact {name} loss of all {C.size:,} weights on {len(data.y):,} training images, "
                     f"{where}.")
    if paths and len(paths[0]):
        f.default_start = (float(paths[0][0, 0]), float(paths[0][0, 1]))
    honesty = []
    for k, i in enumerate(runs):
        mine = who == i
        pick = _evenly(int(mine.sum()), honest_points)
        P = points[mine][pick]
        coords, off = paths[k][pick], projected[k][1][pick]
        honesty.append(Honesty(steps=steps[mine][pick], true_loss=race.full_batch_loss(P),
                               surface_loss=f.value(coords), off_plane=off))
    surface = [h.surface_loss for h in honesty if len(h.surface_loss)]
    if surface:  # W_init's loss (mostly its L2 term) can dwarf the trained W's: heights on a log scale
        values = np.concatenate(surface)
        values = values[np.isfinite(values)]
        f.log_scale = bool(values.size and values.min() > 0 and values.max() > 20 * values.min())
    empty: Array = np.empty((0, C.shape[1]))
    val = plane_scores(data.X_val, data.mean, [C, D1, D2], features=True) if len(data.y_val) else [empty] * 3
    return PlaneView(landscape=f, kind=kind, runs=tuple(runs), labels=tuple(race.runs[i].label for i in runs),
                     paths=paths, steps=[steps[who == i] for i in runs], honesty=honesty,
                     val_scores=(val[0], val[1], val[2], data.y_val), explained=explained)


def _project(P: Array, C: Array, D1: Array, D2: Array) -> tuple[Array, Array]:
    """((T, 2) least-squares coordinates of P − C on D1, D2; (T,) the residual's norm), in chunks.
    The directions need not be orthogonal (random ones are only nearly so): the 2 x 2 Gram solves."""
    D = np.stack([D1.ravel(), D2.ravel()])
    G = D @ D.T
    coords, off = np.empty((len(P), 2)), np.empty(len(P))
    for s in range(0, len(P), _CHUNK):
        diff = P[s:s + _CHUNK].reshape(-1, C.size).astype(np.float64) - C.ravel()
        ab = np.linalg.solve(G, (diff @ D.T).T).T   # diff @ D.T: D @ diff.T takes a slow path, 100x slower
        coords[s:s + _CHUNK] = ab
        off[s:s + _CHUNK] = np.linalg.norm(diff - ab @ D, axis=1)   # explicit residual: no cancellation
    return coords, off


def _bounds(paths: list[Array], marks: list[tuple[float, float]], least: Bounds | None) -> Bounds:
    """Every path and landmark with a MARGIN on each side; neither side under a quarter of the other."""
    pts = [p[np.isfinite(p).all(axis=1)] for p in paths] + [np.array(marks, dtype=np.float64).reshape(-1, 2)]
    if least is not None:
        pts.append(np.array(least, dtype=np.float64).T)
    allp = np.concatenate(pts)
    if len(allp) == 0:
        return ((-1.0, 1.0), (-1.0, 1.0))
    lo, hi = allp.min(axis=0), allp.max(axis=0)
    span = hi - lo
    floor = max(float(span.max()), 1e-12) / 4
    span = np.maximum(span, floor)
    mid = (lo + hi) / 2
    half = span * (0.5 + MARGIN)
    return ((float(mid[0] - half[0]), float(mid[0] + half[0])), (float(mid[1] - half[1]), float(mid[1] + half[1])))


def _evenly(count: int, k: int) -> Array:
    """At most k indices of 0..count-1, evenly spaced, first and last included."""
    if count == 0:
        return np.empty(0, dtype=np.int64)
    out: Array = np.unique(np.rint(np.linspace(0, count - 1, min(k, count))).astype(np.int64))
    return out


def _live_runs(race: CifarRace) -> list[int]:
    live = [i for i, r in enumerate(race.runs) if not r.diverged]
    if not live:
        raise ValueError("every run of the race has diverged: there is no path to show")
    return live


def _check_run(race: CifarRace, i: Any) -> int:
    n = len(race.runs)
    if isinstance(i, bool) or not isinstance(i, (int, np.integer)) or not 0 <= i < n:
        raise ValueError(f"run index must be a whole number in 0..{n - 1}, got {i!r}")
    r = race.runs[int(i)]
    if r.diverged:
        raise ValueError(f"run {int(i)} ({r.label}) diverged at step {r.diverged_at}: its W is no point to "
                         "show a plane through")
    return int(i)


def _last_step(race: CifarRace, i: int) -> int:
    r = race.runs[i]
    return r.diverged_at if r.diverged else race.t


def _names(race: CifarRace, runs: list[int]) -> str:
    names = [race.runs[i].label for i in runs]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
