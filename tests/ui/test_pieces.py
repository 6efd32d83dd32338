"""Qt-light pieces of the ui: sampled surface, contour lines, sliders, background jobs."""
from __future__ import annotations

import math

import numpy as np
import pytest

import landscapes
from app.ui.views.surface_grid import sample


def test_log_height_is_log10_of_the_gap_to_the_minimum():
    f = landscapes.get("rosenbrock")
    grid = sample(f, ((-2.0, 2.0), (-1.0, 3.0)), 41)
    assert grid.log and grid.f_min == 0.0          # f* = 0 at (1, 1), as published
    i, j = 5, 30                                    # any grid node
    x, y = grid.xs[i], grid.ys[j]
    by_hand = (1 - x) ** 2 + 100 * (y - x * x) ** 2
    assert grid.f[j, i] == pytest.approx(by_hand)
    assert grid.g[j, i] == pytest.approx(math.log10(by_hand - 0.0 + grid.eps))
    assert grid.t.min() == 0.0 and grid.t.max() == 1.0


def test_contour_lines_lie_on_their_level_sets():
    f = landscapes.get("quadratic_bowl")             # x^2 + y^2: level c is a circle of radius sqrt(c)
    grid = sample(f, ((-2.0, 2.0), (-2.0, 2.0)), 201)
    lines = grid.contour_lines(5)
    pts = lines[np.isfinite(lines).all(axis=1)]
    radii2 = (pts ** 2).sum(axis=1)
    levels = grid.contour_levels(5)
    # every point is on one of the circles x^2 + y^2 = level (linear interpolation error only)
    err = np.min(np.abs(radii2[:, None] - levels[None, :]), axis=1)
    assert err.max() < 2e-3 * levels.max()
    assert np.isnan(lines).any()                     # separate lines are NaN-separated


def test_bad_resolution_is_refused():
    with pytest.raises(ValueError, match="resolution"):
        sample(landscapes.get("booth"), ((-1, 1), (-1, 1)), 1)


def test_log_slider_maps_ends_and_middle_to_powers_of_ten(qtbot):
    from app.ui.common.widgets import TICKS, ParamSlider

    s = ParamSlider("lr", 1e-5, 10.0, 1e-2, log=True)
    qtbot.addWidget(s)
    got = []
    s.value_edited.connect(got.append)
    s.slider.setValue(0)
    assert got[-1] == pytest.approx(1e-5)
    s.slider.setValue(TICKS)
    assert got[-1] == pytest.approx(10.0)
    s.slider.setValue(TICKS // 2)                    # geometric middle of 1e-5..10 is 10^-2
    assert got[-1] == pytest.approx(1e-2, rel=0.05)
    assert s.label.text() == f"lr {got[-1]:.1e}"


def test_linear_slider_and_bad_range(qtbot):
    from app.ui.common.widgets import TICKS, ParamSlider

    s = ParamSlider("momentum", 0.0, 0.999, 0.9)
    qtbot.addWidget(s)
    assert s.slider.value() == round(0.9 / 0.999 * TICKS)
    with pytest.raises(ValueError, match="bad range"):
        ParamSlider("x", 1.0, 1.0, 1.0)


def test_job_reports_progress_result_and_cancel(qtbot):
    from app.ui.common.workers import Job

    def work(progress, cancel):
        for k in range(5):
            progress(k / 4, f"part {k}")
        return 42

    job = Job(work)
    seen = []
    job.progressed.connect(lambda v, m: seen.append(v))
    with qtbot.waitSignal(job.finished_ok, timeout=5000) as sig:
        job.start()
    assert sig.args == [42]
    qtbot.waitUntil(lambda: seen and seen[-1] == 100, timeout=2000)
    job.wait()

    def slow(progress, cancel):
        while not cancel():
            pass
        return "too late"

    job2 = Job(slow)
    with qtbot.waitSignal(job2.cancelled, timeout=5000):
        job2.start()
        job2.cancel()
    job2.wait()

    def broken(progress, cancel):
        raise ValueError("no such file")

    job3 = Job(broken)
    with qtbot.waitSignal(job3.failed, timeout=5000) as sig3:
        job3.start()
    assert sig3.args == ["ValueError: no such file"]
    job3.wait()


def test_decimated_grid_keeps_exact_nodes_and_the_value_range():
    from app.ui.views.surface_grid import decimated

    f = landscapes.get("rosenbrock")
    grid = sample(f, ((-2.0, 2.0), (-1.0, 3.0)), 401)
    small = decimated(grid, 160)
    assert len(small.xs) == 160 and len(small.ys) == 160
    assert small.xs[0] == -2.0 and small.xs[-1] == 2.0 and small.ys[-1] == 3.0   # the same view
    x, y = small.xs[77], small.ys[33]
    assert small.f[33, 77] == pytest.approx((1 - x) ** 2 + 100 * (y - x * x) ** 2)  # a real node, by hand
    assert (small.g_lo, small.g_hi) == (grid.g_lo, grid.g_hi)   # colours and heights as the full grid's
    assert decimated(small, 160) is small


def test_thin_to_pixels_drops_only_points_inside_one_cell():
    from app.ui.views.contour_view import thin_to_pixels

    # a crawl: 1000 steps of 1e-4 along x, then one jump; cells of 0.01 x 0.01
    p = np.zeros((1002, 2))
    p[:1001, 0] = np.arange(1001) * 1e-4
    p[1001] = (0.5, 0.5)
    d = thin_to_pixels(p, (0.01, 0.01))
    assert len(d) == 12        # first point, one per cell entered (0.01 ... 0.1), the last point
    assert np.array_equal(d[0], p[0]) and np.array_equal(d[-1], p[-1])
    # every dropped point is within one cell of a kept one
    gap = np.min(np.abs(p[:, None, 0] - d[None, :, 0]), axis=1)
    assert gap.max() <= 0.01
    assert len(thin_to_pixels(p, None)) == len(p)      # no cell size yet: nothing dropped


def test_log_ticks_decades_or_one_two_five():
    from app.ui.common.log_ticks import log_ticks

    (_, major), _minor = log_ticks(-3.2, 1.5)
    assert major == [-3.0, -2.0, -1.0, 0.0, 1.0]
    # 0.3 .. 4: under two decades, labels at 0.5, 1, 2 (log10 by hand)
    (_, major), (_, minor) = log_ticks(math.log10(0.3), math.log10(4.0))
    assert np.allclose(major, [math.log10(0.5), 0.0, math.log10(2.0)])
    assert np.allclose(minor, [math.log10(v) for v in (0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 2, 3)])


def test_log_ticks_thin_out_to_what_the_axis_holds():
    from app.ui.common.log_ticks import LABEL_PX, log_ticks

    # 1e-17 .. 1e3 on a 200 px axis: 10 px a decade; 21 decade labels would overlap. Labels k
    # decades apart are 10k px apart: k = 5 is the first of 1, 2, 5 to leave LABEL_PX (26 px)
    (_, major), (_, minor) = log_ticks(-17.0, 3.0, size=200)
    assert major == [-15.0, -10.0, -5.0, 0.0]
    assert 5 * 200 / 20 >= LABEL_PX > 2 * 200 / 20
    assert -16.0 in minor and -15.0 not in minor     # the other decades stay as minor ticks
    # a short plot (88 px over 22 decades: 4 px a decade) still gets two labels, 10 decades apart
    (_, major), _ = log_ticks(-19.0, 3.0, size=88)
    assert major == [-10.0, 0.0]
    # the same range on a tall axis labels every decade again
    (_, major), _ = log_ticks(-17.0, 3.0, size=20 * LABEL_PX)
    assert major == [float(v) for v in range(-17, 4)]
    # degenerate ranges give no ticks instead of raising
    assert log_ticks(float("nan"), 1.0, size=100) == [(None, []), (None, [])]
