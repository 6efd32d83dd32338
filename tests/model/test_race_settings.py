"""What a run keeps when its solver, its surface or the number of runs change (issue: runs that
float off a new surface, Newton racing with an SGD lr, an 8th run in the first run's colour)."""
from __future__ import annotations

import numpy as np

import landscapes
from app.model.race import Race
from app.model.scene import PALETTE, LandscapeSpec, PlaybackSpec, RunSpec, Scene, palette_color
from app.model.suggest import suggest_hyper


def scene(*runs: RunSpec, name: str = "quadratic_bowl") -> Scene:
    return Scene(landscape=LandscapeSpec(name), runs=list(runs), playback=PlaybackSpec(steps=20))


def test_a_solver_switch_brings_the_new_solver_s_own_lr():
    race = Race(scene(RunSpec("sgd", {"lr": 1e-3})))
    race.set_run(0, solver="newton")
    # newton's suggested lr on this surface is its full step, 1 (a hand check of suggest's rule)
    assert race.scene.runs[0].hyper["lr"] == suggest_hyper("newton", race.landscape)["lr"] == 1.0
    race.step(1)
    np.testing.assert_allclose(race.runs[0].head, [0.0, 0.0], atol=1e-12)   # exact on a quadratic


def test_an_lr_given_with_the_switch_is_kept():
    race = Race(scene(RunSpec("sgd", {"lr": 1e-3})))
    race.set_run(0, solver="adam", hyper={"lr": 0.2})
    assert race.scene.runs[0].hyper["lr"] == 0.2


def test_starts_off_the_new_surface_move_to_its_default_start():
    race = Race(scene(RunSpec("gd", {"lr": 0.1}, start=(1.5, -1.5)), RunSpec("gd", {"lr": 0.1}, start=(0.2, 0.1))))
    race.set_landscape(LandscapeSpec("booth"))            # booth's view is [-10, 10]^2: both starts lie on it
    assert race.scene.runs[0].start == (1.5, -1.5)
    race.set_landscape(LandscapeSpec("matyas"))           # [-10, 10]^2 too
    race.set_landscape(LandscapeSpec("rosenbrock"))       # x in [-2, 2], y in [-1, 3]: (1.5, -1.5) is off it
    f = landscapes.get("rosenbrock")
    assert race.scene.runs[0].start is None
    np.testing.assert_allclose(race.runs[0].points[0], f.default_start)
    assert race.scene.runs[1].start == (0.2, 0.1)         # on the surface: kept


def test_no_two_of_the_first_21_runs_share_a_colour():
    colors = [palette_color(i) for i in range(21)]
    assert colors[:7] == list(PALETTE)
    assert len(set(colors)) == 21
    # the 8th run is the first colour at 60% brightness: #E69F00 -> (138, 95, 0)
    assert colors[7] == "#8A5F00"
    race = Race(scene(*[RunSpec("gd", {"lr": 0.01}) for _ in range(8)]))
    assert race.runs[7].color != race.runs[0].color


def test_a_start_where_f_is_undefined_is_said_in_words():
    spec = LandscapeSpec("expression", expression="log(x) + y^2", bounds=((-2.0, 2.0), (-2.0, 2.0)))
    race = Race(Scene(landscape=spec, runs=[RunSpec("gd", {"lr": 0.01}, start=(-1.0, 1.0), label="left"),
                                             RunSpec("gd", {"lr": 0.01}, start=(1.0, 1.0), label="right")]))
    assert race.runs[0].diverged_at == 0
    assert race.start_problems() == ["left starts where f is undefined: f(-1, 1) has no value; move its start"]
    race.step(5)
    assert race.runs[1].diverged_at is None and race.runs[1].start_problem is None
