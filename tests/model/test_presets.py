"""Built-in scenes: all load and build, and each lecture scene tells its story in numbers."""
from __future__ import annotations

import numpy as np
import pytest

import landscapes
from app.model.build import build_landscape
from app.model.landscape_kinds import SPECIAL_LANDSCAPES, kind_of
from app.model.presets import (
    builtin_scene_names,
    default_scene,
    load_builtin,
    resolve_scene,
    scenes_dir,
)
from app.model.race import Race
from app.model.scene_io import SceneError, save_scene

# the CIFAR-10 scenes (slices and full-dimensional training) need the data: their own story tests below
ANALYTIC = [n for n in builtin_scene_names() if not kind_of(load_builtin(n).landscape).slow]


def finished(name: str) -> Race:
    race = Race(load_builtin(name))
    race.step(race.total_steps)
    return race


def by_label(race: Race) -> dict:
    return {t.label: t for t in race.runs}


def test_names_follow_the_numeric_prefix():
    names = builtin_scene_names()
    assert names[0] == "default"
    files = sorted(p.name for p in scenes_dir().glob("*.json"))
    assert len(names) == len(files) == 22  # default, 16 lecture scenes, linear_classifier, cifar_training, cifar_batch_size, ravine_map, fair_race
    assert names[1:3] == ["learning_rate", "ravine"]


@pytest.mark.parametrize("name", builtin_scene_names())
def test_every_scene_has_title_caption_and_valid_runs(name):
    s = load_builtin(name)
    assert s.title and len(s.caption) > 80 and s.runs
    assert all(r.enabled for r in s.runs)


@pytest.mark.parametrize("name", ANALYTIC)
def test_analytic_scene_builds_and_races_without_nan(name):
    race = finished(name)
    assert race.step_count == race.total_steps
    for t in race.runs:
        assert np.isfinite(t.points).all()


def test_default_scene_five_solvers_none_diverge_and_momentum_beats_gd():
    race = Race(default_scene())
    assert [r.solver for r in race.scene.runs] == ["gd", "momentum", "nesterov", "rmsprop", "adam"]
    race.step(race.total_steps)
    runs = {t.spec.solver: t for t in race.runs}
    assert all(t.diverged_at is None for t in race.runs)
    assert runs["momentum"].loss < runs["gd"].loss / 10
    assert runs["adam"].loss < runs["gd"].loss / 10


def test_01_large_lr_diverges_good_beats_small():
    runs = by_label(finished("learning_rate"))
    assert runs["lr 1.05: diverges"].diverged_at is not None
    assert all(t.diverged_at is None for k, t in runs.items() if "diverges" not in k)
    assert runs["lr 0.15: just right"].loss < 1e-10 < runs["lr 0.005: too small"].loss
    # lr 0.9 overshoots: x flips sign every step (factor 1 − 2·0.9 = −0.8)
    x = runs["lr 0.9: oscillates"].points[:10, 0]
    assert np.all(np.sign(x[1:]) == -np.sign(x[:-1]))
    # no path hides another: on a round bowl every GD path lies on a line through the centre (a ray,
    # or a whole diameter when it overshoots), so the runs must use directions at least 30° apart
    def directions(t):
        p = t.points[np.isfinite(t.points).all(axis=1)]
        p = p[np.linalg.norm(p, axis=1) > 0.2]
        return np.degrees(np.arctan2(p[:, 1], p[:, 0]))

    tracks = list(runs.values())
    for i, a in enumerate(tracks):
        for b in tracks[i + 1:]:
            gap = np.abs((directions(a)[:, None] - directions(b)[None, :] + 180) % 360 - 180)
            assert gap.min() > 30, (a.label, b.label)


def zigzag(points: np.ndarray) -> float:
    """Fraction of steps that reverse the previous step's direction."""
    d = np.diff(points, axis=0)
    return float(np.mean(np.sum(d[1:] * d[:-1], axis=1) < 0))


def test_02_gd_zigzags_momentum_races_nesterov_goes_straight():
    runs = {t.spec.solver: t for t in finished("ravine").runs}
    gd, mom, nag = runs["gd"], runs["momentum"], runs["nesterov"]
    assert mom.loss < gd.loss / 100 and nag.loss < gd.loss / 100
    # gd's cross-valley coordinate flips sign each step (factor 1 − 2·100·0.0095 = −0.9)
    y = gd.points[:30, 1]
    assert np.all(np.sign(y[1:]) == -np.sign(y[:-1]))
    # both momentum runs are far ahead along the valley floor after 30 steps
    assert abs(mom.points[30, 0]) < 0.6 * abs(gd.points[30, 0])
    assert abs(nag.points[30, 0]) < 0.6 * abs(gd.points[30, 0])
    # momentum swings across the valley, and the swing dies out
    assert np.abs(mom.points[10:30, 1]).max() > 0.1
    assert np.abs(mom.points[-50:, 1]).max() < 1e-3
    # Nesterov goes straight: after its first steps it stays on the floor (|y| < 1% of the valley's half-width)
    assert np.abs(nag.points[10:, 1]).max() < 0.01


def test_03_gd_stalls_at_the_saddle_momentum_and_noise_escape():
    race = finished("saddle_point")
    runs = {t.spec.solver: t for t in race.runs}
    gd = runs["gd"]
    # near the saddle (0, 0) the offset grows by 1 + lr per step: 1e-3 · 1.02^150 ≈ 0.02
    assert np.abs(gd.points[150]).max() < 0.05 and gd.loss > -0.1
    for s in ("momentum", "sgd"):  # both end in a minimum (0, ±1), value −1/4
        assert runs[s].loss == pytest.approx(-0.25, abs=0.01)


def test_04_basin_decides():
    race = finished("local_minima")
    f = race.landscape
    good, bad = np.array(f.minima[0]), np.array(f.local_minima[0])
    runs = by_label(race)
    assert np.linalg.norm(runs["gd from the upper left"].head - bad) < 1e-3
    assert np.linalg.norm(runs["gd from the centre"].head - good) < 1e-3
    assert np.linalg.norm(runs["momentum from the upper left"].head - good) < 1e-2


def test_05_rmsprop_small_alpha_keeps_hopping():
    race = finished("rmsprop_decay")
    runs = by_label(race)
    assert runs["α = 0.99"].loss < 1e-6 < runs["α = 0.9"].loss and 1e-6 < runs["α = 0.5"].loss

    def hop(t):  # mean distance from the last 50 points' centre
        p = t.points[-50:]
        return float(np.linalg.norm(p - p.mean(axis=0), axis=1).mean())

    # small α: steps stay about lr long, so the run hops across the minimum at a distance the map
    # shows (over 2% of the view's width); α = 0.99 comes to rest
    (x0, x1), _ = race.landscape.bounds
    lr = runs["α = 0.5"].spec.hyper["lr"]
    for a in ("α = 0.5", "α = 0.9"):
        assert zigzag(runs[a].points[-50:]) > 0.9 and 0.5 * lr < hop(runs[a]) and hop(runs[a]) > 0.02 * (x1 - x0)
    assert hop(runs["α = 0.99"]) < 1e-3 * hop(runs["α = 0.5"])
    assert max(runs["α = 0.99"].losses[60:]) < 1e-12     # and it stays at rest for the scene's length
    # the long first leap: r = (1 - α) g², so |Δx_i| = lr |g_i| / sqrt((1 - α) g_i²) = lr / sqrt(1 - α)
    step = np.abs(runs["α = 0.99"].points[1] - runs["α = 0.99"].points[0])
    np.testing.assert_allclose(step, lr / np.sqrt(1 - 0.99), rtol=1e-6)


def test_06_adam_without_bias_correction_first_step_is_3_16_times_larger():
    race = Race(load_builtin("adam_bias_correction"))
    race.step(1)
    a, b = race.runs
    lr = a.spec.hyper["lr"]
    # corrected: |Δx_i| = lr; uncorrected: lr·(1 − β₁)/√(1 − β₂) = lr·0.1/√0.001 (Kingma & Ba 2015, sec. 3)
    np.testing.assert_allclose(np.abs(a.points[1] - a.points[0]), lr, rtol=1e-6)
    np.testing.assert_allclose(np.abs(b.points[1] - b.points[0]), lr * 0.1 / np.sqrt(0.001), rtol=1e-5)  # eps shifts it by 1e-6
    race.step(race.total_steps)
    path = [np.linalg.norm(np.diff(t.points, axis=0), axis=1).sum() for t in race.runs]
    assert path[1] > 1.5 * path[0]


def test_07_adamw_decay_pulls_harder_than_adam_l2():
    runs = by_label(finished("adam_vs_adamw"))
    plain = runs["adam, no decay"].head
    assert np.linalg.norm(runs["adamw (λ = 0.1)"].head - plain) > 5 * np.linalg.norm(
        runs["adam + L2 (λ = 0.1)"].head - plain)
    assert np.linalg.norm(runs["adamw (λ = 0.1)"].head) < np.linalg.norm(plain)


def test_08_sgd_ends_flat_adam_ends_sharp():
    from landscapes.analytic.lecture import FLAT_MINIMUM, SHARP_MINIMUM

    race = finished("sharp_flat")
    for t in race.runs:
        d_sharp = np.linalg.norm(t.head - SHARP_MINIMUM)
        d_flat = np.linalg.norm(t.head - FLAT_MINIMUM)
        if t.spec.solver == "sgd":
            assert d_flat < 0.5 < d_sharp
        else:
            assert d_sharp < 1e-3


def test_09_constant_lr_keeps_rattling_decaying_schedules_come_to_rest():
    import re

    race = finished("schedules")
    runs = by_label(race)
    decaying = ("step decay", "cosine", "warm-up + cosine")
    # one run per well of 1 + cos(πx) + y² (bottoms at x = -3, -1, 1, 3, f = 0): no path crosses into another's
    bottoms = {}
    for t in race.runs:
        x_well = min((-3.0, -1.0, 1.0, 3.0), key=lambda w: abs(t.points[0][0] - w))
        assert np.abs(t.points[:, 0] - x_well).max() < 1.0, t.label
        bottoms[t.label] = np.array([x_well, 0.0])
    assert len({tuple(b) for b in bottoms.values()}) == 4

    def spread(t):  # mean distance from the mean position over the last 50 steps
        p = t.points[-50:]
        return float(np.linalg.norm(p - p.mean(axis=0), axis=1).mean())

    # the caption's numbers: the constant run still wanders "about 0.15", the decaying ones "under 0.01"
    caption = load_builtin("schedules").caption
    said = float(re.search(r"wanders about ([0-9.]+)", caption).group(1))
    assert spread(runs["constant"]) == pytest.approx(said, abs=0.02)
    assert "under 0.01" in caption
    for k in decaying:
        assert spread(runs[k]) < 0.01 and np.linalg.norm(runs[k].head - bottoms[k]) < 0.1
    tail = {k: float(np.mean(t.losses[-50:])) for k, t in runs.items()}
    for k in decaying:
        assert tail[k] < tail["constant"] / 3
    # warm-up starts at a third of the lr (torch LinearLR start_factor 1/3): its first step is the shortest
    assert runs["warm-up + cosine"].lrs[0] == pytest.approx(0.1 / 3)
    first = {k: float(np.linalg.norm(t.points[1] - t.points[0])) for k, t in runs.items()}
    assert all(first["warm-up + cosine"] < 0.5 * first[k] for k in ("constant", "step decay", "cosine"))


def test_10_newton_one_step_on_the_quadratic():
    race = Race(load_builtin("newton"))
    race.step(1)
    runs = by_label(race)
    np.testing.assert_allclose(runs["newton, lr 1"].head, [0.0, 0.0], atol=1e-12)
    race.step(race.total_steps)
    gd = next(t for t in race.runs if t.spec.solver == "gd")
    assert gd.loss > 1e-3


def cifar_race(name: str, cifar_root) -> Race:
    s = load_builtin(name)
    s.landscape.params = {**s.landscape.params, "root": str(cifar_root)}
    race = Race(s, build_landscape(s.landscape))
    race.step(race.total_steps)
    return race


@pytest.mark.slow
def test_11_minibatch_jitter_shrinks_like_one_over_sqrt_batch(cifar_root):
    import re

    race = cifar_race("sgd_batch_size", cifar_root)
    runs = by_label(race)
    assert all(t.diverged_at is None for t in race.runs)
    (x0, x1), (y0, y1) = race.landscape.bounds
    for t in race.runs:    # every path stays inside the zoomed view, so the clouds are on the map
        assert (x0 < t.points[:, 0]).all() and (t.points[:, 0] < x1).all()
        assert (y0 < t.points[:, 1]).all() and (t.points[:, 1] < y1).all()
    assert len({tuple(t.points[0]) for t in race.runs}) == len(race.runs)   # each from its own corner

    def jitter(t):  # mean distance from the mean position over the last 100 steps
        p = t.points[-100:]
        return float(np.linalg.norm(p - p.mean(axis=0), axis=1).mean())

    j = {b: jitter(runs[f"batch {b}"]) for b in (32, 128, 512)}
    # the caption's numbers, as measured
    caption = load_builtin("sgd_batch_size").caption
    for b, said in zip((32, 128, 512), re.findall(r"about (0\.\d+)", caption), strict=True):
        assert j[b] == pytest.approx(float(said), rel=0.1), (b, j[b], said)
    # the jitter is a visible share of the view (the batch-32 cloud over a tenth of its width)
    assert 2 * j[32] > 0.1 * (x1 - x0)
    # minibatch gradient noise has std ∝ 1/√batch: 4× the batch, about half the jitter; full batch rests
    assert 0.35 < j[128] / j[32] < 0.65 and 0.35 < j[512] / j[128] < 0.65
    assert jitter(runs["full batch (5,000)"]) < 0.01 * j[512]
    full = runs["full batch (5,000)"]
    assert np.linalg.norm(race.landscape.grad(full.head)) < 1e-6 and np.linalg.norm(full.head) < 0.02


@pytest.mark.slow
def test_12_following_the_slope_beats_random_steps_and_random_search(cifar_root):
    race = cifar_race("random_vs_slope", cifar_root)
    f = race.landscape
    runs = by_label(race)
    w_random = float(f.value(np.array(f.landmarks["W_random"])))
    slope = runs["follow the slope"].loss
    assert runs["follow the slope"].points[0].tolist() == [1.0, 0.0]  # starts at W_init
    assert slope < w_random and slope < float(f.value(np.zeros(2)))
    assert runs["minibatch 64"].loss < w_random
    # random search (no gradient) gets down too in 2-D, but takes far longer and rejects most guesses
    search = runs["random search"]
    assert search.spec.solver == "random_search"
    losses = np.asarray(search.losses)
    assert (np.diff(losses) <= 0).all()  # it only ever accepts improvements
    assert search.loss < w_random
    floor = float(f.value(np.zeros(2))) + 0.1

    def first_below(track) -> int:
        below = np.asarray(track.losses) < floor
        return int(np.argmax(below)) if below.any() else 10 ** 9

    assert first_below(runs["follow the slope"]) <= 5
    assert first_below(search) >= 10 * first_below(runs["follow the slope"])
    assert (np.diff(losses) < 0).sum() < 0.5 * race.step_count  # most guesses thrown away


@pytest.mark.slow
def test_18_batch_size_in_full_dimension(cifar_root):
    """The caption's numbers, trained on the real data (about 10 s): all 30,730 weights, 5,000 images."""
    from app.model.cifar_planes import plane_for
    from app.model.cifar_training_scene import training_from_scene

    scene = load_builtin("cifar_batch_size")
    scene.landscape.params = {**scene.landscape.params, "root": str(cifar_root)}
    race, plane = training_from_scene(scene)
    race.step(scene.playback.steps)
    runs = {r.label: r for r in race.runs}
    b32, b256, full = runs["batch 32"], runs["batch 256"], runs["full batch (5,000)"]
    assert race.t == 250 and not any(r.diverged for r in race.runs)
    assert {r.settings.hyper["lr"] for r in race.runs} == {1e-6}                 # the same learning rate
    assert len(race.data.y) / b32.batch_size == pytest.approx(156, abs=0.5)    # a full step: 156 batch-32 steps
    # the same 250 steps: within 3% in full training loss, the full batch lowest, batch 32 highest
    final = race.full_batch_loss(np.stack([r.W for r in (full, b256, b32)]))
    assert final[0] < final[1] < final[2] < 1.03 * final[0]

    def scatter(r):  # the minibatch loss about the full-batch loss at the same step
        return float(np.std(r.history.values[:, 0] - full.history.values[:, 0]))

    def apart(r):
        return float(np.linalg.norm(r.W - full.W))

    # gradient noise ∝ 1/√batch: 8 times the batch, about 1/√8 ≈ 1/2.8 of the scatter and of the distance
    for ratio in (scatter(b32) / scatter(b256), apart(b32) / apart(b256)):
        assert 0.7 * np.sqrt(8) < ratio < 1.3 * np.sqrt(8)
    view = plane_for(race, plane)
    assert sum(view.explained) > 0.99
    ends = {label: h for label, h in zip(view.labels, view.honesty, strict=True)}
    assert ends["batch 32"].gap[-1] < 1e-5       # the plane's centre: on it, surface = true loss
    for label in ("batch 256", "full batch (5,000)"):   # off it: the surface stands over 1% above
        h = ends[label]
        assert h.surface_loss[-1] > 1.01 * h.true_loss[-1]


@pytest.mark.slow
def test_19_sharp_plane_flat_plane_and_sharp_vs_flat_on_cifar(cifar_root):
    """Every number in the caption of 19_sharp_flat_cifar, on the real data."""
    from app.model.cifar_curvature import load_problem, plane_pair
    from app.model.cifar_solutions import sharp_vs_flat
    from landscapes.cifar import preprocess

    race = cifar_race("sharp_flat_cifar", cifar_root)
    f = race.landscape
    lam1, lam2 = f.eigenvalues
    assert lam1 == pytest.approx(4.6e5, rel=0.03) and lam2 == pytest.approx(3.8e5, rel=0.03)
    assert f.params["plane"] == "eigen" and f.n_examples == 5000
    problem = load_problem(cifar_root, subset=5000)
    planes = plane_pair(problem, f.W, resolution=21)      # the same W*, data and mean as the scene's slice
    np.testing.assert_allclose(planes.eigenvalues, (lam1, lam2), rtol=1e-4)
    assert float(f.value(np.zeros(2))) == pytest.approx(1.93, abs=0.005)
    assert planes.eigen.max() == pytest.approx(6.1, abs=0.05) and planes.random.max() == pytest.approx(2.1, abs=0.05)
    assert planes.levels == (planes.eigen.min(), planes.eigen.max())    # one scale, set by the sharp plane
    # tr H / n in closed form: ((1/N) Σᵢ ‖xᵢ‖² Σ_c p_c(1 − p_c)) / n + 2λ
    X = preprocess(problem.x, problem.mean)
    S = X @ f.W
    P = np.exp(S - S.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    mean_eigenvalue = np.mean(np.sum(X * X, axis=1) * np.sum(P * (1 - P), axis=1)) / f.W.size + 2 * f.strength
    assert mean_eigenvalue == pytest.approx(1.0e4, rel=0.05)
    assert mean_eigenvalue - 2 * f.strength < 0.05 * mean_eigenvalue     # nearly all of it the regularizer's
    assert 44 <= lam1 / mean_eigenvalue < 46
    # gd just under 2/(λ₁‖W*‖²) in the plane's units: zigzags across a, settles at the bottom
    bound = 2 / (lam1 * np.sum(f.W**2))
    assert bound == pytest.approx(0.25, abs=0.005)
    runs = by_label(race)
    zig = runs["gd, lr 0.23: under 2/λ₁"]
    assert zig.spec.hyper["lr"] < bound and zig.diverged_at is None
    a = zig.points[1:5, 0]
    assert np.all(np.sign(a[1:]) == -np.sign(a[:-1]))
    assert np.linalg.norm(zig.head) < 0.02 and zig.loss < float(f.value(np.zeros(2)))
    # batch 32 and 256: λmax within 5%, and no barrier on the line between them (one bowl)
    batch = sharp_vs_flat(problem, "batch", ts=np.linspace(0, 1, 21))
    assert abs(batch.lmax[0] / batch.lmax[1] - 1) < 0.05
    curve = next(iter(batch.line.curves.values()))
    assert curve.max() == max(curve[0], curve[-1])
    # no regularization: flatter, yet worse on the validation images
    reg = sharp_vs_flat(problem, "reg", ts=np.array([0.0, 1.0]))
    assert [r.label for r in reg.recipes] == ["λ = 0", "λ = 5000"]
    assert reg.lmax[0] == pytest.approx(3.5e5, rel=0.03) and reg.lmax[1] == pytest.approx(4.7e5, rel=0.03)
    assert reg.line.val_accuracy[0] == pytest.approx(0.29, abs=0.006)
    assert reg.line.val_accuracy[1] == pytest.approx(0.38, abs=0.006)


def test_resolve_scene_by_name_and_path(tmp_path):
    assert resolve_scene("ravine") == load_builtin("ravine")
    p = save_scene(load_builtin("newton"), tmp_path / "mine.json")
    assert resolve_scene(str(p)) == load_builtin("newton")
    with pytest.raises(SceneError, match=r"unknown scene 'ravin' \(did you mean 'ravine'\?\)"):
        resolve_scene("ravin")
    with pytest.raises(SceneError, match="does not exist"):
        resolve_scene(str(tmp_path / "missing.json"))


def test_landscape_names_in_scenes_come_from_the_registry():
    known = set(landscapes.names()) | set(SPECIAL_LANDSCAPES)
    assert {load_builtin(n).landscape.name for n in builtin_scene_names()} <= known
