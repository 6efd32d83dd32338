"""app.model.export_options: the export option checks shared by the CLI, the Export dialog and render.

Qt-free: these run without a display, and importing the module loads no Qt.
"""
from __future__ import annotations

import subprocess
import sys

import pytest

from app.model import export_options as eo
from app.model.limits import FPS_RANGE, MAX_SIZE, MAX_STEPS, MIN_SIZE


def test_module_loads_no_qt():
    code = "import sys, app.model.export_options; print(any(m.startswith(('PySide6', 'pyqtgraph')) for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("size", [MIN_SIZE, MAX_SIZE, (1280, 720), [640, 480], (640.0, 480.0)])
def test_sizes_within_limits_pass(size):
    assert eo.check_size(size) == (int(size[0]), int(size[1]))


@pytest.mark.parametrize("size", [(MIN_SIZE[0] - 1, 100), (100, MIN_SIZE[1] - 1), (MAX_SIZE[0] + 1, 100),
                                  (100, MAX_SIZE[1] + 1), (0, 0), (-5, 100)])
def test_sizes_outside_limits_fail_in_one_line(size):
    with pytest.raises(eo.ExportOptionError, match=r"^size must be at least 16x16 and at most 7680x4320") as e:
        eo.check_size(size)
    assert "\n" not in str(e.value)


@pytest.mark.parametrize("size", [(640,), "640x480", None, (640, 480, 3), (True, 480), (640.5, 480)])
def test_malformed_sizes_fail(size):
    with pytest.raises(eo.ExportOptionError, match="size"):
        eo.check_size(size)


def test_mp4_needs_even_sizes_other_formats_do_not():
    with pytest.raises(eo.ExportOptionError, match="even"):
        eo.check_size((641, 360), ".mp4")
    assert eo.check_size((641, 360), ".gif") == (641, 360)
    assert eo.check_size((641, 360), ".PNG") == (641, 360)


def test_parse_size_names_the_option():
    assert eo.parse_size(" 1920X1080 ", name="--size") == (1920, 1080)
    with pytest.raises(eo.ExportOptionError, match=r"^--size must look like WIDTHxHEIGHT"):
        eo.parse_size("big", name="--size")
    with pytest.raises(eo.ExportOptionError, match=r"^--size must be positive"):
        eo.parse_size("0x100", name="--size")
    with pytest.raises(eo.ExportOptionError, match=r"at most 7680x4320"):
        eo.parse_size("8000x100", name="--size")


def test_views_and_svg():
    for v in ("both", "3d", "2d", "data"):
        assert eo.check_view(v) == v
    assert eo.check_view("both", ".svg") == "2d"          # an SVG is the 2-D map
    assert eo.check_view("data", ".svg") == "data"        # ... or the toy classifier's data view
    with pytest.raises(eo.ExportOptionError, match="2-D"):
        eo.check_view("3d", ".svg")
    with pytest.raises(eo.ExportOptionError, match=r"^--view must be one of both, 3d, 2d, data, got '4d'$"):
        eo.check_view("4d", name="--view")


def test_fps_range_is_the_limits_one():
    lo, hi = FPS_RANGE
    assert eo.check_fps(lo) == lo and eo.check_fps(hi) == hi and eo.check_fps("30") == 30
    for bad in (lo - 1, hi + 1):
        with pytest.raises(eo.ExportOptionError, match=f"fps must be between {lo} and {hi}"):
            eo.check_fps(bad)
    with pytest.raises(eo.ExportOptionError, match="integer"):
        eo.check_fps(12.5)


def test_steps():
    assert eo.check_steps(0) == 0 and eo.check_steps(MAX_STEPS) == MAX_STEPS
    with pytest.raises(eo.ExportOptionError, match=f"--steps must be between 1 and {MAX_STEPS}"):
        eo.check_steps(0, name="--steps", minimum=1)
    with pytest.raises(eo.ExportOptionError, match="steps"):
        eo.check_steps(MAX_STEPS + 1)
    with pytest.raises(eo.ExportOptionError, match="integer"):
        eo.check_steps(True)


def test_suffixes_and_transparency():
    assert eo.check_suffix("a/b/Race.MP4") == ".mp4"
    with pytest.raises(eo.ExportOptionError, match=r"^--out must end in .png, .svg, .mp4, .gif; got '.jpg'"):
        eo.check_suffix("x.jpg", name="--out")
    with pytest.raises(eo.ExportOptionError, match="no extension"):
        eo.check_suffix("x")
    assert eo.check_transparent(True, ".png") is True
    assert eo.check_transparent(False, ".mp4") is False
    with pytest.raises(eo.ExportOptionError, match="transparent"):
        eo.check_transparent(True, ".svg")
    assert eo.is_image(".svg") and not eo.is_image(".gif")


def test_huge_integers_are_one_short_line():
    # 10**20 and a 400-digit number end as the range error, never OverflowError, and stay short
    from app.model.export_options import ExportOptionError, check_fps, check_steps, parse_size

    for call in (lambda: parse_size("99999999999999999999x3"), lambda: check_fps(10 ** 20),
                 lambda: check_steps(10 ** 400), lambda: check_steps("1e400")):
        with pytest.raises(ExportOptionError) as e:
            call()
        assert len(str(e.value)) < 120 and "\n" not in str(e.value)
