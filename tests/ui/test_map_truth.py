"""The 2-D map tells the truth: x and y at one scale, paths kept inside the map, crosses where runs end."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

import landscapes
from app.ui.views.surface_grid import sample

BOWL = ((-2.0, 2.0), (-2.0, 2.0))


def track(points, diverged_at=None, color="#E69F00"):
    return SimpleNamespace(points=np.asarray(points, dtype=float), diverged_at=diverged_at, color=color)


@pytest.fixture
def view(qtbot):
    from app.ui.views.contour_view import ContourView

    v = ContourView()
    qtbot.addWidget(v)
    v.set_surface(sample(landscapes.get("quadratic_bowl"), BOWL, 60))
    return v


@pytest.mark.parametrize("size", [(1600, 500), (500, 1000), (900, 900)])
def test_the_map_is_drawn_one_to_one_in_any_window_shape(view, qtbot, size):
    view.resize(*size)
    view.show()
    qtbot.waitExposed(view)
    view.fit_view()
    qtbot.wait(20)
    assert view.scale_ratio() == pytest.approx(1.0, rel=0.01)
    # and the whole map is in view (letterboxed, not cropped)
    (x0, x1), (y0, y1) = view.plot.getViewBox().viewRange()
    assert x0 <= -2 + 1e-9 and x1 >= 2 - 1e-9 and y0 <= -2 + 1e-9 and y1 >= 2 - 1e-9


def test_stretch_fills_a_wide_pane(view, qtbot):
    view.resize(1600, 500)
    view.show()
    qtbot.waitExposed(view)
    view.set_stretch(True)
    qtbot.wait(20)
    assert view.scale_ratio() < 0.5       # y drawn at a larger scale than x: the map fills the pane
    view.set_stretch(False)
    qtbot.wait(20)
    assert view.scale_ratio() == pytest.approx(1.0, rel=0.01)


def test_fit_view_undoes_a_pan(view, qtbot):
    view.resize(800, 800)
    view.show()
    qtbot.waitExposed(view)
    view.plot.getViewBox().translateBy(x=3.0, y=1.0)
    view.fit_view()
    (x0, x1), _ = view.plot.getViewBox().viewRange()
    assert x0 <= -2 + 1e-9 and x1 >= 2 - 1e-9


def test_a_diverged_path_ends_at_the_edge_of_the_map_with_a_cross(view):
    view.set_tracks([track([[0.5, 0.5], [1.0, 1.5], [-3.0, 6.0], [40.0, 90.0]], diverged_at=3),
                     track([[1.0, -1.0], [0.5, -0.5]], color="#56B4E9")])
    for item in (view._tracks[0].halo, view._tracks[0].line):
        x, y = item.getData()
        pts = np.column_stack([x, y])
        pts = pts[np.isfinite(pts).all(axis=1)]
        assert np.all(np.abs(pts) <= 2 + 1e-9)
    # (1, 1.5) -> (-3, 6) leaves the map through y = 2 at x = 1 - 4 * (0.5 / 4.5)
    assert len(view.crosses.data) == 1
    cx, cy = view.crosses.data["x"][0], view.crosses.data["y"][0]
    assert (cx, cy) == pytest.approx((1 - 4 * 0.5 / 4.5, 2.0))
    assert len(view.heads.data) == 1        # the diverged run has a cross, not a head


def test_a_diverged_run_s_curves_end_at_the_divergence_step_with_a_cross(qtbot):
    from types import SimpleNamespace as NS

    from app.ui.views.plots_view import PlotsView

    view = PlotsView()
    qtbot.addWidget(view)
    view.set_landscape(landscapes.get("quadratic_bowl"), 0.0)
    view.set_total_steps(300)
    # a run that diverged at step 3: the stepper repeats its last good point from there on
    losses = np.array([1.0, 4.0, 16.0] + [16.0] * 298)
    bad = NS(losses=losses, grad_norms=2 * np.sqrt(losses), diverged_at=3, color="#D55E00",
             label="newton", loss=16.0)
    good = NS(losses=np.geomspace(1, 1e-6, 301), grad_norms=np.geomspace(2, 2e-6, 301), diverged_at=None,
              color="#0072B2", label="gd", loss=1e-6)
    view.set_tracks([bad, good])
    x, _ = view._loss_curves[0].getData()
    assert x.max() == 2                              # steps 0, 1, 2: not drawn flat to step 300
    x, _ = view._loss_curves[1].getData()
    assert x.max() == 300
    cx, cy = view.loss_crosses.getData()
    assert list(cx) == [2.0] and 10 ** cy[0] == pytest.approx(16.0)   # getData gives log10 on a log axis
    cx, _ = view.grad_crosses.getData()
    assert list(cx) == [2.0]


def test_undefined_values_are_shown_as_undefined_not_as_the_top_colour(qtbot):
    from app.ui.views.contour_view import ContourView

    f = landscapes.from_expression("log(x) + y^2", bounds=((-2.0, 2.0), (-2.0, 2.0)))
    grid = sample(f, ((-2.0, 2.0), (-2.0, 2.0)), 80)
    assert grid.undefined is not None
    np.testing.assert_array_equal(grid.undefined, np.broadcast_to(grid.xs[None, :] <= 0, grid.f.shape))   # log(x) has no value for x <= 0
    view = ContourView()
    qtbot.addWidget(view)
    view.set_surface(grid)
    lines = grid.contour_lines(20)
    assert np.nanmax(lines[:, 0]) > 0.5 and np.nanmin(lines[:, 0]) >= -1e-9   # no contours where f is undefined
    img = view.render_image(800, 800)
    vb = view.plot.getViewBox()
    view.resize(800, 800)

    def pixel(x, y):
        pt = view.plot_widget.mapFromScene(vb.mapViewToScene(pg_point(x, y)))
        c = img.pixelColor(pt.x(), pt.y())
        return c.red(), c.green(), c.blue()

    top = (0xFD, 0xE7, 0x25)      # viridis' top colour: what the undefined half used to be painted
    left = {pixel(-1.0 - 0.013 * k, 0.5 + 0.007 * k) for k in range(40)}
    assert all(max(abs(a - b) for a, b in zip(c, top, strict=True)) > 60 for c in left)
    assert len(left) >= 2           # a hatch: light and dark pixels, not one flat colour


def pg_point(x, y):
    from PySide6.QtCore import QPointF

    return QPointF(x, y)
