"""Race: lock-step runs that match an independent hand-written loop, edits, divergence."""
from __future__ import annotations

import numpy as np
import pytest

import landscapes
import solvers
from app.model.race import Race, run_seed
from app.model.scene import PALETTE, LandscapeSpec, PlaybackSpec, RunSpec, Scene


def bowl_scene(*runs: RunSpec, steps: int = 50, seed: int = 0) -> Scene:
    return Scene(landscape=LandscapeSpec(name="quadratic_bowl"), runs=list(runs),
                 playback=PlaybackSpec(steps=steps), seed=seed)


def hand_gd(lr: float, start, steps: int) -> np.ndarray:
    """GD on f = x² + y² by hand: x_{t+1} = (1 − 2·lr)·x_t."""
    return np.array(start, float) * (1.0 - 2.0 * lr) ** np.arange(steps + 1)[:, None]


def test_gd_on_the_bowl_matches_the_closed_form():
    race = Race(bowl_scene(RunSpec("gd", {"lr": 0.1}, start=(1.0, -2.0)), steps=20))
    race.step(20)
    t = race.runs[0]
    np.testing.assert_allclose(t.points, hand_gd(0.1, (1.0, -2.0), 20), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(t.losses, (t.points**2).sum(axis=1), rtol=1e-12)
    np.testing.assert_allclose(t.grad_norms, 2 * np.linalg.norm(t.points, axis=1), rtol=1e-12)
    np.testing.assert_allclose(t.grad, 2 * t.head, rtol=1e-12)
    assert t.loss == pytest.approx(float(t.losses[-1]))


def test_race_equals_solvers_run_with_noise_and_schedule():
    """Each run of a race equals solvers.run with the same settings and the derived seed."""
    spec = RunSpec("momentum", {"lr": 5e-4, "momentum": 0.9}, start=(-2.0, 1.5), noise=0.3,
                   schedule={"kind": "cosine", "total_steps": 40})
    other = RunSpec("adam", {"lr": 0.05}, noise=0.2)
    scene = Scene(landscape=LandscapeSpec(name="rosenbrock"), runs=[other, spec],
                  playback=PlaybackSpec(steps=40), seed=7)
    race = Race(scene)
    for _ in range(8):  # stepping in chunks must not matter
        race.step(5)
    f = landscapes.get("rosenbrock")
    ref = solvers.run(solvers.make("momentum", lr=5e-4, momentum=0.9), f, start=(-2.0, 1.5),
                      steps=40, noise=0.3, seed=run_seed(7, 1),
                      schedule=solvers.make_schedule("cosine", total_steps=40))
    np.testing.assert_allclose(race.runs[1].points, ref.points, rtol=0, atol=0)
    np.testing.assert_allclose(race.runs[1].losses, ref.losses, rtol=0, atol=0)
    # runs get independent noise streams, repeatable from the scene alone
    assert run_seed(7, 0) != run_seed(7, 1)
    again = Race(scene)
    again.step(40)
    np.testing.assert_array_equal(again.runs[0].points, race.runs[0].points)


def test_step_count_total_and_finished():
    race = Race(bowl_scene(RunSpec("gd", {"lr": 0.1}), steps=10))
    assert race.step_count == 0 and race.total_steps == 10 and not race.finished
    race.step(4)
    assert race.step_count == 4 and len(race.runs[0].points) == 5
    race.step(100)  # clamped to the end of the race
    assert race.step_count == 10 and race.finished and len(race.runs[0].points) == 11
    assert race.step() == [] and race.step_count == 10


def test_divergence_message_and_finished_when_all_diverged():
    race = Race(bowl_scene(RunSpec("gd", {"lr": 1.5}, start=(1.0, 1.0)), steps=100))
    msgs = race.step(100)
    # |x_t| = 2^t, the far box is 10 × half-span 2 = 20 around the centre: leaves it at step 5
    assert msgs == ["gd (lr 1.5e+00) diverged at step 5"]
    t = race.runs[0]
    assert t.diverged_at == 5 and race.finished
    assert np.isfinite(t.points).all() and np.isfinite(t.losses).all()
    assert race.step() == []  # reported once


def test_labels_and_colors():
    race = Race(bowl_scene(RunSpec("adam", {"lr": 0.01}), RunSpec("gd", {"lr": 0.1}, label="mine",
                                                                  color="#123456")))
    a, b = race.runs
    assert a.label == "adam (lr 1.0e-02)" and a.color == PALETTE[0]
    assert b.label == "mine" and b.color == "#123456"
    assert a.velocity is not None and b.velocity is None  # adam has a first moment, gd none


def test_reset_goes_back_to_start():
    race = Race(bowl_scene(RunSpec("gd", {"lr": 0.1}, start=(1.0, 1.0))))
    race.step(10)
    race.reset()
    assert race.step_count == 0
    np.testing.assert_array_equal(race.runs[0].points, [[1.0, 1.0]])


def test_set_start_restarts_and_catches_up():
    scene = bowl_scene(RunSpec("gd", {"lr": 0.1}), RunSpec("gd", {"lr": 0.2}, start=(0.5, 0.5)))
    race = Race(scene)
    race.step(6)
    race.set_start(0, (1.0, -1.0))
    assert scene.runs[0].start == (1.0, -1.0)
    np.testing.assert_allclose(race.runs[0].points, hand_gd(0.1, (1.0, -1.0), 6), atol=1e-15)
    np.testing.assert_allclose(race.runs[1].points, hand_gd(0.2, (0.5, 0.5), 6), atol=1e-15)
    race.set_start(None, (2.0, 0.0))
    assert all(r.start == (2.0, 0.0) for r in scene.runs)
    np.testing.assert_allclose(race.runs[1].points, hand_gd(0.2, (2.0, 0.0), 6), atol=1e-15)
    with pytest.raises(ValueError, match="two finite numbers"):
        race.set_start(0, (np.nan, 1.0))


def test_set_run_restart_resimulates_with_new_lr():
    race = Race(bowl_scene(RunSpec("gd", {"lr": 0.1}, start=(1.0, 1.0))))
    race.step(8)
    race.set_run(0, hyper={"lr": 0.05})
    assert race.scene.runs[0].hyper == {"lr": 0.05}
    np.testing.assert_allclose(race.runs[0].points, hand_gd(0.05, (1.0, 1.0), 8), atol=1e-15)


def test_set_run_continue_keeps_history_and_changes_from_now():
    race = Race(bowl_scene(RunSpec("gd", {"lr": 0.1}, start=(1.0, 1.0))))
    race.step(5)
    before = race.runs[0].points.copy()
    race.set_run(0, mode="continue", hyper={"lr": 0.25})
    race.step(3)
    pts = race.runs[0].points
    np.testing.assert_array_equal(pts[:6], before)
    np.testing.assert_allclose(pts[6:], before[-1] * (1 - 0.5) ** np.arange(1, 4)[:, None], atol=1e-15)


def test_set_run_continue_keeps_momentum_buffer():
    """Same kind: the velocity carries on (hand check of the next heavy-ball step)."""
    race = Race(bowl_scene(RunSpec("momentum", {"lr": 0.05, "momentum": 0.9}, start=(1.0, 0.0))))
    race.step(3)
    x, v = race.runs[0].head.copy(), race.runs[0].velocity.copy()
    race.set_run(0, mode="continue", hyper={"lr": 0.02})
    race.step(1)
    v_new = 0.9 * v + 2 * x
    np.testing.assert_allclose(race.runs[0].head, x - 0.02 * v_new, rtol=1e-12)


def test_invalid_set_run_changes_nothing():
    scene = bowl_scene(RunSpec("gd", {"lr": 0.1}))
    race = Race(scene)
    race.step(3)
    pts = race.runs[0].points.copy()
    for bad in ({"hyper": {"lr": -1}}, {"solver": "adamm"}, {"noise": -1.0}, {"color": "red"},
                {"schedule": {"kind": "sideways"}}, {"speed": 3}):
        with pytest.raises(ValueError):
            race.set_run(0, **bad)
    with pytest.raises(ValueError, match="mode"):
        race.set_run(0, mode="later", hyper={"lr": 0.2})
    with pytest.raises(ValueError, match="no run 5"):
        race.set_run(5, hyper={"lr": 0.2})
    assert scene.runs[0] == RunSpec("gd", {"lr": 0.1})
    np.testing.assert_array_equal(race.runs[0].points, pts)


def test_change_solver_keeps_shared_hyper_and_disable_enable():
    scene = bowl_scene(RunSpec("momentum", {"lr": 0.05, "momentum": 0.9}), RunSpec("gd", {"lr": 0.1}))
    race = Race(scene)
    race.step(4)
    race.set_run(0, solver="adam")
    # momentum's "momentum" means nothing to adam; its lr is adam's own suggestion for this surface
    from app.model.suggest import suggest_hyper

    assert scene.runs[0].solver == "adam" and scene.runs[0].hyper == {"lr": suggest_hyper("adam", race.landscape)["lr"]}
    assert race.runs[0].solver.name == "adam" and len(race.runs[0].points) == 5
    race.set_run(1, enabled=False)
    assert [t.index for t in race.runs] == [0] and race.track(1) is None
    race.set_run(1, enabled=True)
    assert [t.index for t in race.runs] == [0, 1] and len(race.runs[1].points) == 5


def test_add_remove_duplicate():
    scene = bowl_scene(RunSpec("gd", {"lr": 0.1}, start=(1.0, 1.0)), RunSpec("adam", {"lr": 0.05}))
    race = Race(scene)
    race.step(5)
    t = race.add_run(RunSpec("gd", {"lr": 0.2}, start=(1.0, 0.0)))
    assert t.index == 2 and len(scene.runs) == 3 and len(t.points) == 6
    np.testing.assert_allclose(t.points, hand_gd(0.2, (1.0, 0.0), 5), atol=1e-15)
    d = race.duplicate_run(0)
    assert d.index == 3 and scene.runs[3].hyper == scene.runs[0].hyper
    assert scene.runs[3].hyper is not scene.runs[0].hyper
    np.testing.assert_array_equal(d.points, race.runs[0].points)
    assert d.color != race.runs[0].color
    race.remove_run(1)
    assert [r.solver for r in scene.runs] == ["gd", "gd", "gd"]
    assert [t.index for t in race.runs] == [0, 1, 2]
    with pytest.raises(ValueError, match="unknown solver"):
        race.add_run(RunSpec("adamm"))
    assert len(scene.runs) == 3


def test_set_landscape_resets_and_updates_scene():
    scene = bowl_scene(RunSpec("gd", {"lr": 0.01}))
    race = Race(scene)
    race.step(5)
    spec = LandscapeSpec(name="ravine", params={"condition": 10.0})
    race.set_landscape(spec)
    assert scene.landscape is spec and race.step_count == 0
    np.testing.assert_allclose(race.runs[0].points, [race.landscape.default_start])


def test_saving_after_edits_saves_what_is_on_screen(tmp_path):
    from app.model.scene_io import load_scene, save_scene

    scene = bowl_scene(RunSpec("gd", {"lr": 0.1}))
    race = Race(scene)
    race.step(7)
    race.set_start(0, (1.0, 0.5))
    race.set_run(0, hyper={"lr": 0.3})
    race.add_run(RunSpec("adam", {"lr": 0.02}))
    back = Race(load_scene(save_scene(race.scene, tmp_path / "s.json")))
    back.step(7)
    for a, b in zip(race.runs, back.runs, strict=True):
        np.testing.assert_array_equal(a.points, b.points)


def test_continue_with_noise_changes_only_future_steps():
    """Turning noise on in continue mode keeps the noise-free past and perturbs what follows."""
    race = Race(bowl_scene(RunSpec("gd", {"lr": 0.1}, start=(1.0, 1.0)), steps=20))
    race.step(5)
    race.set_run(0, mode="continue", noise=1.0)
    race.step(5)
    pts = race.runs[0].points
    np.testing.assert_allclose(pts[:6], hand_gd(0.1, (1.0, 1.0), 5), atol=1e-15)
    assert np.abs(pts[6:] - pts[5] * 0.8 ** np.arange(1, 6)[:, None]).max() > 1e-3
    assert race.scene.runs[0].noise == 1.0


def test_set_landscape_that_fails_on_first_evaluation_keeps_the_old_one():
    """A surface that builds but raises when the runs start on it is not stored (issue 15, point 2)."""

    class Broken(landscapes.Landscape):
        def _value_xy(self, x, y):
            raise TypeError("cannot evaluate")

        _grad_xy = _value_xy

    scene = bowl_scene(RunSpec("gd", {"lr": 0.1}, start=(1.0, 1.0)))
    race = Race(scene)
    race.step(3)
    old_spec, old_landscape, old_points = scene.landscape, race.landscape, race.runs[0].points.copy()
    with pytest.raises(TypeError, match="cannot evaluate"):
        race.set_landscape(LandscapeSpec(name="expression", expression="x^2"), Broken())
    assert scene.landscape is old_spec and race.landscape is old_landscape
    assert race.step_count == 3
    np.testing.assert_array_equal(race.runs[0].points, old_points)
    with pytest.raises(ValueError, match="needs the f"):
        race.set_landscape(LandscapeSpec(name="expression"))
    assert scene.landscape is old_spec
