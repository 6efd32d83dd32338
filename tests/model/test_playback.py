"""Playback without a display: the speed ladder, steps per frame, FPS, which frames redraw texts/plots."""
from __future__ import annotations

import pytest

from app.model import playback
from app.model.playback import Playback
from app.model.race import Race
from app.model.scene import LandscapeSpec, PlaybackSpec, RunSpec, Scene


def bowl_race(steps: int = 30) -> Race:
    scene = Scene(title="t", landscape=LandscapeSpec("quadratic_bowl"),
                  runs=[RunSpec("gd", {"lr": 0.1}, start=(1.0, -2.0))], playback=PlaybackSpec(steps=steps))
    return Race(scene)


def test_speed_ladder_up_and_down():
    assert [playback.faster(s) for s in (1, 3, 20, 50, 60, 100)] == [2, 5, 50, 100, 100, 100]
    assert [playback.slower(s) for s in (1, 2, 5, 50, 100)] == [1, 1, 3, 20, 50]


@pytest.mark.parametrize("bad", [0, -1, 101, 2.5, True, "3", None])
def test_bad_speeds_are_refused_with_one_line(bad):
    with pytest.raises(ValueError, match="speed"):
        Playback(1).set_speed(bad)


def test_ticks_step_speed_steps_and_stop_at_the_end():
    race, pb = bowl_race(steps=10), Playback(speed=3)
    pb.play(race)
    assert pb.playing
    frames = [pb.tick(race, now=t * 0.02) for t in range(6)]
    # 3 + 3 + 3 + 1 (the race never steps past its end), then over
    assert race.step_count == 10
    assert frames[4] is None and frames[5] is None and not pb.playing
    # gd on x² + y² with lr 0.1: every step multiplies the point by 1 − 2·0.1 = 0.8 (by hand)
    assert race.runs[0].head.tolist() == pytest.approx([0.8 ** 10, -2.0 * 0.8 ** 10])


def test_fps_is_a_running_average_of_frame_intervals():
    race, pb = bowl_race(steps=100), Playback()
    pb.play(race)
    pb.tick(race, 0.0)
    assert pb.fps == 0.0                         # one frame: no interval yet
    pb.tick(race, 0.02)
    assert pb.fps == pytest.approx(50.0)         # the first interval sets it
    pb.tick(race, 0.04 + 0.02)                   # a 40 ms frame: 0.9·50 + 0.1·25
    assert pb.fps == pytest.approx(47.5)


def test_texts_and_plots_follow_at_a_fraction_of_the_frames():
    race, pb = bowl_race(steps=1000), Playback()
    pb.play(race)
    frames = [pb.tick(race, i * 0.016) for i in range(1, 13)]
    assert [f.texts for f in frames] == [i % playback.LEGEND_EVERY == 0 for i in range(1, 13)]
    assert [f.plots for f in frames] == [i % playback.PLOTS_EVERY == 0 for i in range(1, 13)]


def test_play_restarts_a_finished_race_and_step_pauses():
    race, pb = bowl_race(steps=4), Playback()
    assert pb.step(race, 9) == [] and race.step_count == 4 and race.finished
    pb.play(race)
    assert race.step_count == 0 and pb.playing
    pb.step(race, 2)
    assert race.step_count == 2 and not pb.playing


def test_messages_of_a_diverging_run_come_back_from_the_frame():
    scene = Scene(title="t", landscape=LandscapeSpec("quadratic_bowl"),
                  runs=[RunSpec("gd", {"lr": 1.5}, start=(1.0, 1.0))], playback=PlaybackSpec(steps=2000))
    race, pb = Race(scene), Playback(speed=50)
    pb.play(race)
    seen = []
    while (frame := pb.tick(race, 0.0)) is not None and not seen:
        seen += frame.messages
    assert seen and "diverged" in seen[0]       # |1 − 2·1.5| = 2 > 1: blows up
