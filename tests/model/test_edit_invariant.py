"""After any sequence of edits, undos, redos, steps and mode switches, every run's path is a
fresh run of its shown settings (mode "restart") or the replay of its recorded history (mode
"continue"). The oracles are independent of app.model.edits: a new Race built from a copy of
the scene, and a solvers.Stepper driven by hand through the recorded segments."""
from __future__ import annotations

import copy

import numpy as np
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

import landscapes
import solvers
from app.model.build import make_schedule, make_solver
from app.model.edits import RaceEdits
from app.model.race import Race, run_seed
from app.model.scene import LandscapeSpec, PlaybackSpec, RunSpec, Scene

BOWL = landscapes.get("quadratic_bowl")


def scene() -> Scene:
    return Scene(title="t", landscape=LandscapeSpec("quadratic_bowl"),
                 runs=[RunSpec("momentum", {"lr": 0.05, "momentum": 0.5}, start=(-1.5, 1.2)),
                       RunSpec("sgd", {"lr": 0.1}, noise=0.3, start=(1.5, -1.0)),
                       RunSpec("adam", {"lr": 0.05}, start=(0.5, 1.5))],
                 playback=PlaybackSpec(steps=60), seed=7)


def fresh_paths(race: Race) -> list[np.ndarray]:
    """Each run of a new race of the shown scene, stepped as far as this one."""
    other = Race(copy.deepcopy(race.scene), BOWL)
    other.step(race.step_count)
    return [t.points for t in other.runs]


def replayed_path(race: Race, index: int) -> np.ndarray:
    """The path of run ``index`` rebuilt by hand from its recorded segments."""
    segments = race.track(index).segments
    first = segments[0][1]
    st_ = solvers.Stepper(make_solver(first), BOWL, np.asarray(first.start, dtype=np.float64),
                          noise=float(first.noise), seed=run_seed(race.scene.seed, index),
                          schedule=make_schedule(first.schedule), batch_size=first.batch_size)
    for k, spec in segments[1:]:
        st_.step(k - st_.t)
        st_.set_solver(make_solver(spec))
        st_.retune(noise=float(spec.noise), schedule=make_schedule(spec.schedule), batch_size=spec.batch_size)
    st_.step(race.step_count - st_.t)
    return st_.points


CHANGES = st.one_of(
    st.builds(lambda lr: ({"hyper": {"lr": lr}}, "lr"), st.sampled_from([0.01, 0.1, 0.6, 1.5])),
    st.builds(lambda wd: ({"hyper": {"weight_decay": wd}}, "weight decay"), st.sampled_from([0.0, 0.1])),
    st.builds(lambda n: ({"noise": n}, "noise"), st.sampled_from([0.0, 0.2, 0.5])),
    st.builds(lambda s: ({"solver": s}, "solver"), st.sampled_from(["gd", "momentum", "adam", "newton"])),
    st.just(({"enabled": False}, "enabled")),
)


class EditSequence(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.edits = RaceEdits()
        self.edits.use(Race(scene(), BOWL))
        self.shown: list[list[RunSpec]] = []   # the scene's runs before each recorded edit
        self.undone: list[list[RunSpec]] = []
        self.before: list[tuple[int, list[np.ndarray]]] = []   # (epoch, paths) before each edit
        self.epoch = 0    # steps, resets and mode switches change paths outside the history

    @initialize(mode=st.sampled_from(["restart", "continue"]))
    def start_in(self, mode: str) -> None:
        self.edits.set_mode(mode)

    @property
    def race(self) -> Race:
        return self.edits.race

    def _remember(self) -> None:
        self.shown.append(copy.deepcopy(self.race.scene.runs))
        self.before.append((self.epoch, [t.points.copy() for t in self.race.runs]))
        self.undone.clear()

    @rule(n=st.integers(1, 12))
    def step(self, n: int) -> None:
        self.race.step(n)
        self.epoch += 1

    @rule()
    def reset(self) -> None:
        self.race.reset()
        self.epoch += 1

    @rule(mode=st.sampled_from(["restart", "continue"]))
    def switch_mode(self, mode: str) -> None:
        self.edits.set_mode(mode)
        self.epoch += 1

    @precondition(lambda self: self.race.runs)
    @rule(data=st.data(), change=CHANGES, played=st.integers(0, 6))
    def play_then_edit(self, data: st.DataObject, change: tuple[dict, str], played: int) -> None:
        if played:                 # as a user does: watch a little, then change
            self.step(played)
        row = data.draw(st.integers(0, len(self.race.runs) - 1))
        self._remember()
        self.edits.edit_run(row, copy.deepcopy(change[0]), change[1])

    @precondition(lambda self: self.race.runs)
    @rule(data=st.data(), xy=st.tuples(st.sampled_from([-1.0, 0.5]), st.sampled_from([0.25, -1.5])))
    def move_start(self, data: st.DataObject, xy: tuple[float, float]) -> None:
        row = data.draw(st.integers(0, len(self.race.runs) - 1))
        self._remember()
        self.edits.set_start(row, xy)

    @precondition(lambda self: len(self.race.runs) > 1)
    @rule(data=st.data())
    def remove(self, data: st.DataObject) -> None:
        self._remember()
        self.edits.remove_run(data.draw(st.integers(0, len(self.race.runs) - 1)))

    @precondition(lambda self: self.race.runs and len(self.race.scene.runs) < 6)
    @rule()
    def duplicate(self) -> None:
        self._remember()
        self.edits.duplicate_run(0)

    @precondition(lambda self: self.shown)
    @rule()
    def undo(self) -> None:
        self.undone.append(copy.deepcopy(self.race.scene.runs))
        self.edits.undo()
        assert self.race.scene.runs == self.shown.pop()      # the settings come back as they were
        epoch, paths = self.before.pop()
        if epoch == self.epoch:                              # nothing outside the history moved: the paths too
            assert len(paths) == len(self.race.runs)
            for track, path in zip(self.race.runs, paths, strict=True):
                np.testing.assert_array_equal(track.points, path)

    @precondition(lambda self: self.undone)
    @rule()
    def redo(self) -> None:
        self.shown.append(copy.deepcopy(self.race.scene.runs))
        self.before.append((self.epoch, [t.points.copy() for t in self.race.runs]))
        self.edits.redo()
        assert self.race.scene.runs == self.undone.pop()

    @invariant()
    def paths_follow_the_settings(self) -> None:
        race = self.race
        assert all(len(t.points) == race.step_count + 1 for t in race.runs)
        if self.edits.mode == "restart":
            for track, fresh in zip(race.runs, fresh_paths(race), strict=True):
                np.testing.assert_array_equal(track.points, fresh)
            return
        for track in race.runs:
            last_step, last = track.segments[-1]
            assert last_step <= race.step_count
            assert (last.solver, last.hyper, last.noise) == (track.spec.solver, track.spec.hyper, track.spec.noise)
            np.testing.assert_array_equal(track.points, replayed_path(race, track.index))


TestEditSequence = EditSequence.TestCase
TestEditSequence.settings = settings(max_examples=60, stateful_step_count=20, deadline=None,
                                     suppress_health_check=[HealthCheck.too_slow])


# --- the cases the walk met (issue: undo and "continue from here") -------------------------------

@pytest.fixture
def edits() -> RaceEdits:
    e = RaceEdits()
    e.use(Race(scene(), BOWL))
    return e


def test_undoing_an_lr_that_diverged_in_continue_mode_brings_the_run_back(edits):
    race = edits.race
    race.step(10)
    edits.edit_run(0, {"hyper": {"lr": 50.0}}, "lr", mode="continue")
    race.step(10)
    assert race.runs[0].diverged_at is not None
    edits.undo()
    assert race.runs[0].diverged_at is None
    np.testing.assert_array_equal(race.runs[0].points, fresh_paths(race)[0])


def test_three_undos_in_continue_mode_give_the_fresh_run(edits):
    race = edits.race
    race.step(20)
    edits.edit_run(0, {"hyper": {"momentum": 0.95}}, "momentum", mode="continue")
    edits.edit_run(0, {"hyper": {"weight_decay": 0.3}}, "weight decay", mode="continue")
    edits.edit_run(0, {"noise": 0.5}, "noise", mode="continue")
    race.step(20)
    for _ in range(3):
        edits.undo()
    fresh = fresh_paths(race)[0]
    assert race.runs[0].loss == pytest.approx(float(BOWL.value(fresh[-1])), rel=1e-12)
    np.testing.assert_array_equal(race.runs[0].points, fresh)


def test_switching_to_restart_replays_runs_changed_in_continue_mode(edits):
    race = edits.race
    race.step(15)
    edits.edit_run(1, {"hyper": {"lr": 0.4}}, "lr", mode="continue")
    race.step(15)
    assert not np.array_equal(race.runs[1].points, fresh_paths(race)[1])
    edits.set_mode("restart")
    np.testing.assert_array_equal(race.runs[1].points, fresh_paths(race)[1])


def test_remove_is_undone_with_the_history_kept(edits):
    race = edits.race
    race.step(5)
    edits.edit_run(2, {"hyper": {"lr": 0.2}}, "lr")
    edits.remove_run(1)
    assert [t.spec.solver for t in race.runs] == ["momentum", "adam"]
    edits.undo()
    assert [t.spec.solver for t in race.runs] == ["momentum", "sgd", "adam"]
    for track, fresh in zip(race.runs, fresh_paths(race), strict=True):
        np.testing.assert_array_equal(track.points, fresh)    # the noisy sgd run has its own seed again
    assert edits.undo() == "undid change lr" and race.runs[2].spec.hyper["lr"] == 0.05


def test_a_bad_mode_is_refused(edits):
    with pytest.raises(ValueError, match="mode must be one of restart, continue"):
        edits.set_mode("rewind")


def test_undo_in_continue_mode_keeps_the_earlier_changes_in_the_path(edits):
    race = edits.race
    edits.set_mode("continue")
    race.step(5)
    edits.edit_run(0, {"hyper": {"lr": 0.2}}, "lr")
    race.step(5)
    before = race.runs[0].points.copy()
    edits.edit_run(0, {"hyper": {"lr": 0.01}}, "lr")
    race.step(5)
    edits.undo()
    np.testing.assert_array_equal(race.runs[0].points[:11], before)
    assert [k for k, _ in race.runs[0].segments] == [0, 5]
