"""Scene JSON: exact round trip, atomic save, and every bad input reported clearly."""
from __future__ import annotations

import json
import os

import pytest

from app.model.scene import LandscapeSpec, PlaybackSpec, RunSpec, Scene, ViewSpec
from app.model.scene_io import (
    SceneError,
    load_scene,
    save_scene,
    scene_from_dict,
    scene_to_dict,
)


def full_scene() -> Scene:
    return Scene(
        title="Round trip",
        caption="All fields set to non-defaults.",
        landscape=LandscapeSpec(name="ravine", params={"condition": 30.0},
                                bounds=((-4.0, 4.0), (-2.5, 2.5)), l2=0.1, l1=0.0, resolution=150),
        view=ViewSpec(mode="2d", colormap="cividis", log_z=True, contour_levels=12,
                      wireframe=True, camera={"distance": 9.5, "elevation": 30.0, "azimuth": -60.0}),
        runs=[
            RunSpec(solver="adam", hyper={"lr": 0.05, "betas": (0.8, 0.99)}, start=(-3.0, 1.5),
                    color="#D55E00", label="Adam fast", noise=0.2,
                    schedule={"kind": "cosine", "warmup": 10}, batch_size=None, enabled=False),
            RunSpec(solver="gd", hyper={"lr": 0.01}),
        ],
        playback=PlaybackSpec(steps=123, speed=3, fps=24),
        seed=42,
    )


def minimal() -> dict:
    return {"version": 1, "landscape": {"name": "rosenbrock"},
            "runs": [{"solver": "gd", "hyper": {"lr": 0.001}}]}


def problems_of(d) -> str:
    with pytest.raises(SceneError) as e:
        scene_from_dict(d)
    return str(e.value)


# ----------------------------------------------------------------- round trip
def test_round_trip_through_file_is_exact(tmp_path):
    s = full_scene()
    path = save_scene(s, tmp_path / "s.json")
    back = load_scene(path)
    assert back == s
    assert isinstance(back.runs[0].start, tuple) and isinstance(back.landscape.bounds[0], tuple)
    assert back.runs[0].hyper["betas"] == (0.8, 0.99)
    # and the file is plain JSON a person can read, version first
    raw = json.loads(path.read_text())
    assert list(raw)[0] == "version" and raw["version"] == 1
    assert raw["runs"][0]["start"] == [-3.0, 1.5]


def test_round_trip_of_defaults_and_text():
    s = Scene()
    assert scene_from_dict(scene_to_dict(s)) == s
    assert load_scene(json.dumps(scene_to_dict(full_scene()))) == full_scene()


def test_missing_sections_take_defaults():
    s = scene_from_dict({"runs": [{"solver": "adam"}]})
    assert s.landscape == LandscapeSpec() and s.playback == PlaybackSpec() and s.version == 1


def test_save_is_atomic_old_file_survives_a_failed_write(tmp_path, monkeypatch):
    path = tmp_path / "s.json"
    save_scene(full_scene(), path)
    before = path.read_text()

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        save_scene(Scene(title="new"), path)
    assert path.read_text() == before
    assert [p.name for p in tmp_path.iterdir()] == ["s.json"]  # no temp file left behind


# ------------------------------------------------------------- bad input
def test_unknown_solver_with_suggestion():
    d = minimal()
    d["runs"] = [{"solver": "gd"}, {"solver": "gd"}, {"solver": "adamm"}]
    assert problems_of(d) == "runs[2].solver: unknown solver 'adamm' (did you mean 'adam'?)"


def test_unknown_landscape_with_suggestion():
    d = minimal()
    d["landscape"]["name"] = "rosenbrok"
    msg = problems_of(d)
    assert "landscape.name: unknown landscape 'rosenbrok'" in msg and "rosenbrock" in msg


def test_unknown_keys_reported_with_section():
    d = minimal()
    d["playback"] = {"speeed": 2}
    d["colour"] = "red"
    msg = problems_of(d)
    assert "unknown key 'speeed' in playback (did you mean 'speed'?)" in msg.splitlines()
    assert "unknown key 'colour' in scene" in msg


def test_all_problems_listed_one_per_line():
    d = minimal()
    d["playback"] = {"steps": -5, "fps": 0}
    d["runs"][0]["start"] = [1, "a"]
    d["runs"].append({"solver": "sgdd"})
    with pytest.raises(SceneError) as e:
        scene_from_dict(d)
    assert len(e.value.problems) == 4
    lines = str(e.value).splitlines()
    assert lines[0] == "4 problems in scene:" and len(lines) == 5
    assert any("playback.steps: must not be negative, got -5" in ln for ln in lines)


def test_hyper_validated_by_solvers():
    d = minimal()
    d["runs"][0]["hyper"] = {"lr": -1.0}
    assert "runs[0].hyper:" in problems_of(d)
    d["runs"][0]["hyper"] = {"lr": 0.1, "momentun": 0.9}
    msg = problems_of(d)
    assert "runs[0].hyper:" in msg and "momentun" in msg


@pytest.mark.parametrize("key, value, phrase", [
    ("title", 5, "title: expected text, got a number"),
    ("seed", "zero", "seed: expected an integer"),
    ("seed", True, "seed: expected an integer"),
    ("runs", {"solver": "gd"}, "runs: expected a list of runs"),
])
def test_bad_types_at_top(key, value, phrase):
    d = minimal()
    d[key] = value
    assert phrase in problems_of(d)


@pytest.mark.parametrize("section, key, value, phrase", [
    ("view", "mode", "4d", "view.mode: expected one of 'both', '3d', '2d' or 'data', got '4d'"),
    ("view", "log_z", "yes", "view.log_z: expected true, false or null"),
    ("landscape", "bounds", [[1, 0], [0, 1]], "each range needs min < max"),
    ("landscape", "bounds", [1, 2], "expected [[xmin, xmax], [ymin, ymax]]"),
    ("landscape", "l2", -0.5, "landscape.l2: must not be negative"),
    ("landscape", "params", {"condition": "steep"}, "landscape.params:"),
    ("playback", "speed", 0, "playback.speed: must not be below 1"),
    ("playback", "steps", 2.5, "playback.steps: expected an integer"),
])
def test_bad_values_in_sections(section, key, value, phrase):
    d = minimal()
    d.setdefault(section, {})
    if section == "landscape" and key == "params":
        d["landscape"]["name"] = "ravine"
    d[section][key] = value
    assert phrase in problems_of(d)


@pytest.mark.parametrize("key, value, phrase", [
    ("color", "red", "runs[0].color: expected '#RRGGBB'"),
    ("noise", -1, "runs[0].noise: must not be negative"),
    ("noise", float("nan"), "runs[0].noise: expected a finite number"),
    ("batch_size", 0, "runs[0].batch_size: must not be below 1, got 0"),
    ("enabled", "no", "runs[0].enabled: expected true or false"),
    ("schedule", [1], "runs[0].schedule: expected an object or null"),
    ("schedule", {"kind": "sideways"}, "runs[0].schedule:"),
])
def test_bad_run_values(key, value, phrase):
    d = minimal()
    d["runs"][0][key] = value
    assert phrase in problems_of(d)


def test_a_run_that_is_not_an_object():
    d = minimal()
    d["runs"].append("adam")
    assert "runs[1]: expected an object, got text" in problems_of(d)


def test_malformed_json_names_line_and_column(tmp_path):
    p = tmp_path / "bad.json"
    p.write_text('{\n  "title": "x",\n  "seed": 1,,\n}\n')
    with pytest.raises(SceneError) as e:
        load_scene(p)
    msg = str(e.value)
    assert "not valid JSON" in msg and "line 3, column" in msg and "bad.json" in msg


def test_file_that_is_not_an_object():
    with pytest.raises(SceneError, match="a scene must be a JSON object, got a list"):
        load_scene("[1, 2]")


def test_future_version_is_refused():
    d = minimal()
    d["version"] = 2
    assert "scene version 2 is newer" in problems_of(d)


def test_missing_and_unreadable_files(tmp_path):
    with pytest.raises(SceneError, match="does not exist"):
        load_scene(tmp_path / "nope.json")
    with pytest.raises(SceneError, match="is a directory"):
        load_scene(tmp_path)
    p = tmp_path / "bin.json"
    p.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(SceneError, match="not UTF-8"):
        load_scene(p)


def test_expression_landscape_checked():
    d = minimal()
    d["landscape"] = {"name": "expression", "expression": "x^2 + 3*y^2"}
    assert scene_from_dict(d).landscape.expression == "x^2 + 3*y^2"
    d["landscape"] = {"name": "expression"}
    assert "needs the f(x, y) text" in problems_of(d)
    d["landscape"] = {"name": "expression", "expression": "x^2 + __import__('os')"}
    assert "landscape.expression:" in problems_of(d)


def test_whole_floats_are_integers_as_json_schema_says():
    d = minimal()
    d["playback"] = {"steps": 300.0, "fps": 24.0}
    s = scene_from_dict(d)
    assert s.playback.steps == 300 and type(s.playback.steps) is int and type(s.playback.fps) is int


def test_problems_of_structure_and_of_names_are_listed_together():
    d = minimal()
    d["runs"] = [{"solver": "adamm"}, {"solver": "gd", "colr": "#000000"}, {"solver": "gd", "start": [0]}]
    d["landscape"] = {"name": "rosenbrok"}
    d["view"] = {"camera": {"distance": -1}}
    with pytest.raises(SceneError) as e:
        scene_from_dict(d)
    assert e.value.problems == [
        "landscape.name: unknown landscape 'rosenbrok' (did you mean 'rosenbrock'?)",
        "view.camera.distance: must be above 0.0, got -1",
        "runs[0].solver: unknown solver 'adamm' (did you mean 'adam'?)",
        "unknown key 'colr' in runs[1] (did you mean 'color'?)",
        "runs[2].start: expected [x, y] (two finite numbers) or null, got [0]",
    ]
