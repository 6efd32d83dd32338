"""Hostile scene files are refused in one line, quickly, before any work (issue 15).

Points 7 (a FIFO), 12 (/dev/zero, huge texts, runs and steps), 9 (400-digit
numbers), 15 (a NaN camera) and 2 (nesting that ends in RecursionError).
"""
from __future__ import annotations

import json
import os
import threading

import pytest

from app.model import limits, scene_io
from app.model.scene import RunSpec
from app.model.scene_io import SceneError, check_run, load_scene, scene_from_dict

BIG = "1" + "0" * 400   # a 401-digit JSON integer


def base() -> dict:
    return {"version": 1, "landscape": {"name": "rosenbrock"},
            "runs": [{"solver": "gd", "hyper": {"lr": 0.001}}], "playback": {"steps": 100}}


def refusal(data) -> SceneError:
    with pytest.raises(SceneError) as e:
        scene_from_dict(data)
    return e.value


# ----------------------------------------------------------- files (points 7 and 12)
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "scene.json"
    os.mkfifo(fifo)
    result: list[BaseException | object] = []
    worker = threading.Thread(target=lambda: result.append(_outcome(fifo)), daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive(), "load_scene blocked on a FIFO"
    assert isinstance(result[0], SceneError) and "not a regular file" in str(result[0])


def _outcome(path) -> BaseException | object:
    try:
        return load_scene(path)
    except BaseException as e:  # noqa: BLE001 - the test inspects whatever came out
        return e


def test_a_device_is_refused_not_read():
    with pytest.raises(SceneError, match="'/dev/zero' is not a regular file"):
        load_scene("/dev/zero")


def test_a_file_over_the_size_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(scene_io, "MAX_SCENE_BYTES", 1000)
    p = tmp_path / "big.json"
    p.write_text(json.dumps({**base(), "caption": "x" * 990}))
    with pytest.raises(SceneError, match=r"big.json' is larger than"):
        load_scene(p)
    with pytest.raises(SceneError, match=r"scene text of 1,\d+ characters; at most 1,000"):
        load_scene(p.read_text())
    p.write_text(json.dumps(base()))
    assert load_scene(p).runs[0].solver == "gd"


def test_the_size_limit_is_ten_megabytes():
    assert scene_io.MAX_SCENE_BYTES == limits.MAX_SCENE_BYTES == 10 * 1024 * 1024


# --------------------------------------------------------------- text lengths (12)
@pytest.mark.parametrize("where, limit", [
    (("title",), limits.MAX_TITLE_CHARS),
    (("caption",), limits.MAX_CAPTION_CHARS),
    (("runs", 0, "label"), limits.MAX_LABEL_CHARS),
    (("landscape", "expression"), limits.MAX_EXPRESSION_CHARS),
])
def test_text_fields_have_a_length_limit(where, limit):
    d = base()
    if where[0] == "landscape":
        d["landscape"] = {"name": "expression"}
    target = d
    for k in where[:-1]:
        target = target[k]
    target[where[-1]] = "x" * (limit + 1)
    e = refusal(d)
    path = ".".join(str(k) for k in where).replace(".0.", "[0].")
    assert e.problems == [f"{path}: must be at most {limit} characters long, got {limit + 1:,}"]
    target[where[-1]] = "x" * 10**8   # the 100 MB title of the report: refused, and the message stays short
    assert len(str(refusal(d))) < 200


# -------------------------------------------------------------- runs and steps (12)
def test_six_hundred_thousand_runs_are_refused_in_one_line():
    d = base()
    d["runs"] = [{"solver": "gd"}] * 600_000
    assert str(refusal(d)) == f"runs: 600,000 runs; a scene may have at most {limits.MAX_RUNS}"


@pytest.mark.parametrize("runs, steps", [(10_000, 150), (1_000, 1_000_000)])
def test_the_reported_workloads_are_refused(runs, steps):
    d = base()
    d["runs"] = [{"solver": "gd"}] * runs
    d["playback"]["steps"] = steps
    assert len(refusal(d).problems) == 1


def test_steps_and_runs_times_steps_are_limited():
    d = base()
    d["playback"]["steps"] = limits.MAX_STEPS + 1
    assert refusal(d).problems == [f"playback.steps: must be at most {limits.MAX_STEPS}, got {limits.MAX_STEPS + 1}"]
    n = limits.MAX_RUN_STEPS // limits.MAX_STEPS       # 20 runs of the longest race: allowed
    d["playback"]["steps"] = limits.MAX_STEPS
    d["runs"] = [{"solver": "gd", "hyper": {"lr": 0.001}}] * n
    assert len(scene_from_dict(d).runs) == n
    d["runs"].append({"solver": "gd"})
    msg = str(refusal(d))
    assert msg.startswith(f"runs x playback.steps: {n + 1} runs x 100,000 steps is more work")
    assert "\n" not in msg


# ------------------------------------------------------- 400-digit numbers (point 9)
@pytest.mark.parametrize("edit, where", [
    (lambda d: d["runs"][0]["hyper"].update(lr=BIG), "runs[0].hyper.lr"),
    (lambda d: d["landscape"].update(l2=BIG), "landscape.l2"),
    (lambda d: d["runs"][0].update(start=[BIG, 0]), "runs[0].start[0]"),
    (lambda d: d["runs"][0].update(noise=BIG), "runs[0].noise"),
    (lambda d: d["landscape"].update(bounds=[[0, 1], [0, BIG]]), "landscape.bounds[1][1]"),
    (lambda d: d["landscape"].update(name="ravine", params={"condition": BIG}), "landscape.params.condition"),
    (lambda d: d["runs"][0].update(schedule={"kind": "step", "step_size": BIG}), "runs[0].schedule.step_size"),
    (lambda d: d["runs"][0].update(schedule={"kind": "cosine", "total_steps": "-" + BIG}),
     "runs[0].schedule.total_steps"),
])
def test_a_400_digit_number_is_one_line_naming_the_field(edit, where):
    d = base()
    edit(d)
    text = json.dumps(d).replace(f'"-{BIG}"', f"-{BIG}").replace(f'"{BIG}"', BIG)
    with pytest.raises(SceneError) as e:
        load_scene(text)
    assert e.value.problems == [f"{where}: number out of range, got an integer of about 401 digits"]


def test_check_run_reports_a_huge_lr_built_in_code():
    problems = check_run(RunSpec("gd", {"lr": 10**400}))
    assert len(problems) == 1 and problems[0].startswith("hyper: ")


def test_an_integer_too_long_for_python_to_read_is_not_valid_json():
    with pytest.raises(SceneError, match="not valid JSON: .*digits"):
        load_scene('{"seed": ' + "9" * 5000 + "}")


# ---------------------------------------------------------- NaN camera (point 15)
@pytest.mark.parametrize("camera, problem", [
    ('{"distance": NaN}', "view.camera.distance: expected a finite number, got nan"),
    ('{"elevation": Infinity}', "view.camera.elevation: expected a finite number, got inf"),
    ('{"azimuth": -Infinity}', "view.camera.azimuth: expected a finite number, got -inf"),
    ('{"distance": 0}', "view.camera.distance: must be above 0.0, got 0"),
    ('{"distance": "far"}', "view.camera.distance: expected a finite number, got 'far'"),
    ('{"azimut": 30}', "unknown key 'azimut' in view.camera (did you mean 'azimuth'?)"),
])
def test_a_camera_that_cannot_be_shown_is_refused(camera, problem):
    with pytest.raises(SceneError) as e:
        load_scene('{"view": {"camera": ' + camera + "}}")
    assert e.value.problems == [problem]


def test_a_good_camera_loads():
    cam = {"distance": 9.5, "elevation": 30, "azimuth": -60.0}
    assert load_scene(json.dumps({"view": {"camera": cam}})).view.camera == cam


# -------------------------------------------------------------- nesting (point 2)
def test_json_nested_100000_deep_is_a_scene_error():
    text = '{"landscape": {"params": {"a": ' + "[" * 100_000 + "]" * 100_000 + "}}}"
    with pytest.raises(SceneError, match="nested too deeply"):
        load_scene(text)


def test_a_deep_dict_built_in_code_is_a_scene_error_not_recursion():
    deep: dict = {}
    node = deep
    for _ in range(50_000):
        node["a"] = {}
        node = node["a"]
    d = base()
    d["runs"][0]["hyper"] = deep
    e = refusal(d)
    assert e.problems == [f"runs[0].hyper{'.a' * (limits.MAX_SCENE_NESTING - 3)}: "
                          f"nested more than {limits.MAX_SCENE_NESTING} levels deep"]


def test_a_file_of_many_problems_lists_twenty_and_counts_the_rest():
    d = base()
    d["landscape"]["params"] = {f"p{i}": float("nan") for i in range(1000)}
    e = refusal(d)
    lines = str(e).splitlines()
    assert len(e.problems) == 1000 and lines[0] == "1000 problems in scene:"
    assert len(lines) == 1 + scene_io.MAX_LISTED_PROBLEMS + 1 and lines[-1] == "(and 980 more)"
