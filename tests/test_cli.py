"""The losslab command: listing, argument checks (exit 2, one line, no traceback)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import landscapes
import solvers
from app import cli
from app.model import cli_logic
from app.model.presets import builtin_scene_names

REPO = Path(__file__).resolve().parents[1]


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_usage_error(code, err, phrase):
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("losslab: error: ") and phrase in lines[0], err
    assert "Traceback" not in err


def test_list_prints_every_landscape_solver_and_scene(capsys):
    code, out, err = run(capsys, "list")
    assert code == 0 and err == ""
    for name in landscapes.names():
        assert f"  {name} " in out
    assert landscapes.get("rosenbrock").title in out
    for name in solvers.names():
        assert f"  {name}" in out
    for name in builtin_scene_names():
        assert f"  {name} " in out


@pytest.mark.parametrize("argv, phrase", [
    (["render", "--landscape", "rosenbrok", "--out", "x.png"], "unknown landscape 'rosenbrok' (did you mean rosenbrock?)"),
    (["render", "--landscape", "ravine", "--solvers", "gd,adamm", "--out", "x.png"], "unknown solver 'adamm' (did you mean adam?)"),
    (["render", "no_such_scene", "--out", "x.png"], "unknown scene 'no_such_scene'"),
    (["render", "default", "--size", "0x100", "--out", "x.png"], "--size must be positive"),
    (["render", "default", "--size", "8000x100", "--out", "x.png"], "at most 7680x4320"),
    (["render", "default", "--size", "big", "--out", "x.png"], "WIDTHxHEIGHT"),
    (["render", "default", "--size", "-5x3", "--out", "x.png"], "--size must be positive, got -5x3"),
    (["render", "default", "--out", "a" * 300 + ".png"], "--out file name is too long (304 bytes"),
    (["render", "default", "--fps", "0", "--out", "x.mp4"], "--fps must be between 1 and 120"),
    (["render", "default", "--fps", "ten", "--out", "x.mp4"], "invalid int value"),
    (["render", "default", "--steps", "-3", "--out", "x.png"], "--steps must be between 1"),
    (["render", "default", "--view", "4d", "--out", "x.png"], "--view must be one of both, 3d, 2d, data"),
    (["render", "default", "--out", "x.jpg"], "--out must end in .png, .svg, .mp4, .gif"),
    (["render", "default"], "--out"),
    (["render", "--out", "x.png"], "give a SCENE"),
    (["bogus"], "invalid choice"),
    (["--scene", "nope"], "unknown scene 'nope'"),
])
def test_bad_input_exits_2_with_one_line(capsys, tmp_path, monkeypatch, argv, phrase):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, *argv)
    assert_usage_error(code, err, phrase)


def test_output_under_a_file_is_refused(capsys, tmp_path):
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    code, out, err = run(capsys, "render", "default", "--out", str(blocker / "sub" / "x.png"))
    assert_usage_error(code, err, "is a file, not a directory")


def test_output_in_missing_directory_is_refused(capsys, tmp_path):
    code, out, err = run(capsys, "render", "default", "--out", str(tmp_path / "nope" / "x.png"))
    assert_usage_error(code, err, "does not exist")


def test_output_in_a_directory_nobody_can_write_is_refused(capsys):
    # /proc accepts no new files, even from root (CI runs as root), and says so in words
    code, out, err = run(capsys, "render", "default", "--out", "/proc/x.png")
    assert_usage_error(code, err, "cannot write '/proc/x.png': '/proc' does not accept new files")
    assert "No such file or directory" not in err


def test_read_only_output_file_needs_overwrite(capsys, tmp_path, monkeypatch):
    import types

    target = tmp_path / "keep.png"
    target.write_bytes(b"precious")
    target.chmod(0o444)
    code, out, err = run(capsys, "render", "default", "--out", str(target))
    assert_usage_error(code, err, "read-only (remove it, or add --overwrite)")
    assert target.read_bytes() == b"precious"
    seen = {}

    def fake_render(scene, out, overwrite=False, **kw):
        seen["overwrite"] = overwrite
        return out
    monkeypatch.setitem(sys.modules, "app.ui.export.render", types.SimpleNamespace(render_scene=fake_render))
    code, out, err = run(capsys, "render", "default", "--out", str(target), "--overwrite")
    assert code == 0 and seen == {"overwrite": True}


def test_bad_scene_file_is_one_line(capsys, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"runs": [{"solver": "adamm"}], "playback": {"speeed": 1}}')
    code, out, err = run(capsys, "render", str(bad), "--out", str(tmp_path / "x.png"))
    assert_usage_error(code, err, "unknown solver 'adamm'")
    assert "speeed" in err


def test_valid_render_reaches_the_renderer(capsys, tmp_path, monkeypatch):
    """With everything valid, render_scene gets the scene, size, view, fps and steps."""
    import types

    calls = {}

    def fake_render(scene, out, size=(0, 0), view="both", fps=None, steps=None, progress=None,
                    overwrite=None):
        calls.update(scene=scene, out=out, size=size, view=view, fps=fps, steps=steps, overwrite=overwrite)
        out.write_bytes(b"png")
        return out

    monkeypatch.setitem(sys.modules, "app.ui.export.render", types.SimpleNamespace(render_scene=fake_render))
    out = tmp_path / "race.gif"
    code, _, err = run(capsys, "render", "--landscape", "ravine", "--solvers", "gd, adam",
                       "--size", "640x480", "--view", "2d", "--fps", "12", "--steps", "50",
                       "--out", str(out))
    assert code == 0, err
    assert calls["size"] == (640, 480) and calls["view"] == "2d"
    assert calls["fps"] == 12 and calls["steps"] == 50 and calls["out"] == out
    assert calls["overwrite"] is False
    scene = calls["scene"]
    assert scene.landscape.name == "ravine"
    assert [r.solver for r in scene.runs] == ["gd", "adam"]
    assert all(r.hyper["lr"] > 0 for r in scene.runs)


def test_unexpected_error_is_one_line_exit_1_traceback_only_with_debug(capsys, monkeypatch):
    def broken():
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(cli, "cmd_list", broken)
    code, out, err = run(capsys, "list")
    assert code == 1 and "Traceback" not in err
    assert err.strip().splitlines() == ["losslab: error: RuntimeError: disk on fire (run with --debug for details)"]
    code, out, err = run(capsys, "--debug", "list")
    assert code == 1 and "Traceback" in err


def test_gui_entry_gets_the_resolved_scene(capsys, monkeypatch):
    import types

    got = {}

    def run_gui(scene, argv):
        got["scene"], got["argv"] = scene, argv
        return 0

    monkeypatch.setitem(sys.modules, "app.ui.main", types.SimpleNamespace(run_gui=run_gui))
    assert cli.main(["--scene", "ravine"]) == 0
    assert got["scene"].title and got["scene"].landscape.name
    assert cli.main([]) == 0 and got["scene"] is None


def test_help_exits_0(capsys):
    assert cli.main(["--help"]) == 0
    assert "render" in capsys.readouterr().out


def test_python_dash_m_app_runs_main():
    out = subprocess.run([sys.executable, "-m", "app", "render", "--out", "x.txt", "default"],
                         cwd=REPO, capture_output=True, text=True, timeout=120)
    assert out.returncode == 2
    assert out.stderr.startswith("losslab: error: --out must end in") and "Traceback" not in out.stderr


@pytest.mark.parametrize("text, size", [("1280x720", (1280, 720)), (" 7680X4320 ", (7680, 4320))])
def test_parse_size_accepts(text, size):
    assert cli_logic.parse_size(text) == size


def test_fetch_shows_progress_bar(capsys, monkeypatch, tmp_path):
    import types

    def fetch_cifar10(cache_dir=None, progress=None):  # progress(done_bytes, total_bytes)
        assert cache_dir == tmp_path
        for i in range(5):
            progress(i * 40_000_000, 160_000_000)
        return tmp_path / "cifar-10-python.tar.gz"

    monkeypatch.setitem(sys.modules, "landscapes.cifar", types.SimpleNamespace(fetch_cifar10=fetch_cifar10))
    code, out, err = run(capsys, "cifar", "fetch", "--dir", str(tmp_path))
    assert code == 0
    assert "100%" in err and "#" * 30 in err and "160.0 / 160.0 MB" in err and str(tmp_path) in err


def test_fetch_error_starts_on_its_own_line(capsys, monkeypatch, tmp_path):
    import types

    from landscapes.cifar import CifarError

    def fetch_cifar10(cache_dir=None, progress=None):
        progress(40_000_000, 160_000_000)            # the bar is drawn, its line still open
        raise CifarError("download of x failed after 40000000 bytes: the connection timed out")

    monkeypatch.setitem(sys.modules, "landscapes.cifar", types.SimpleNamespace(fetch_cifar10=fetch_cifar10))
    code, out, err = run(capsys, "cifar", "fetch", "--dir", str(tmp_path))
    assert code == 2
    bar, error = err.rstrip("\n").split("\n")
    assert "25%" in bar and "losslab" not in bar
    assert error == "losslab: error: download of x failed after 40000000 bytes: the connection timed out"


@pytest.mark.parametrize("where, phrase", [
    ("file", "is a file, not a directory"),
    ("file/sub", "is a file, not a directory"),
    ("/proc", "cannot write to '/proc': it does not accept new files"),
    ("archive-dir", "is a directory, not the CIFAR-10 archive"),
])
def test_fetch_into_impossible_places_is_one_line_exit_2(capsys, tmp_path, where, phrase):
    (tmp_path / "file").write_text("x")
    (tmp_path / "archive-dir" / "cifar-10-python.tar.gz").mkdir(parents=True)
    folder = where if where.startswith("/") else str(tmp_path / where)
    code, out, err = run(capsys, "cifar", "fetch", "--dir", folder)
    assert_usage_error(code, err, phrase)
