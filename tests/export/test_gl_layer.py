"""The 3-D drawing shared by screen and export (app.ui.gl): clipping to the box, axis-end labels,
the moving-camera stand-in and its return to the full picture."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

pytest.importorskip("PySide6")


# ------------------------------------------------------------------ clipping (numpy only)
def test_segment_crossing_one_side_is_cut_where_it_crosses():
    from app.ui.gl.clip import clip_segments

    # from (0, 0) to (10, 5): leaves x <= 5 at t = 1/2, i.e. at (5, 2.5)
    a, b = clip_segments(np.array([[0.0, 0, 1]]), np.array([[10.0, 5, 3]]), -5, 5)
    np.testing.assert_allclose(a, [[0, 0, 1]])
    np.testing.assert_allclose(b, [[5, 2.5, 2]])


def test_segments_outside_or_not_finite_are_dropped_and_inside_kept_whole():
    from app.ui.gl.clip import clip_segments

    a = np.array([[6.0, 0, 0], [-1, -1, 0], [0, 0, 0], [7, 7, 0]])
    b = np.array([[9.0, 1, 0], [1, 1, 0], [np.inf, 0, 0], [8, -8, 0]])
    ka, kb = clip_segments(a, b, -5, 5)
    np.testing.assert_allclose(ka, [[-1, -1, 0]])
    np.testing.assert_allclose(kb, [[1, 1, 0]])


def test_segment_through_the_box_is_cut_at_both_sides():
    from app.ui.gl.clip import clip_segments

    # from (-10, -10) to (10, 10) through a corner-to-corner diagonal: enters (-5, -5), leaves (5, 5)
    a, b = clip_segments(np.array([[-10.0, -10, 0]]), np.array([[10.0, 10, 4]]), -5, 5)
    np.testing.assert_allclose(a, [[-5, -5, 1]])
    np.testing.assert_allclose(b, [[5, 5, 3]])


def test_clip_path_gives_interleaved_segment_ends():
    from app.ui.gl.clip import clip_path, inside

    path = np.array([[0.0, 0, 0], [4, 0, 0], [20, 0, 0], [30, 0, 0]])
    seg = clip_path(path, -5, 5)
    np.testing.assert_allclose(seg, [[0, 0, 0], [4, 0, 0], [4, 0, 0], [5, 0, 0]])
    assert inside(path, -5, 5).tolist() == [True, True, False, False]


# ------------------------------------------------------------------ axis-end labels
@pytest.mark.parametrize("lo, hi, texts", [
    (-0.128048, 1.12534, ("-0.128", "1.13")),      # scene 12's unrounded ticks
    (-5.0, 5.0, ("-5", "5")),
    (100.001, 100.002, ("100.001", "100.002")),     # more digits only where the ends would look equal
    (0.0, 2.5e-5, ("0", "2.5e-05")),
])
def test_bound_labels_are_rounded_but_distinct(lo, hi, texts):
    from app.ui.views.surface_grid import bound_labels

    assert bound_labels(lo, hi) == texts


def test_export_3d_labels_are_at_least_the_2d_tick_size():
    from app.ui.export import layout
    from app.ui.views import surface_view

    assert layout.LABEL_PX >= layout.TICK_PX
    assert surface_view.LABEL_PT >= 9     # the screen's 2-D ticks (lecture mode passes its own size)


# ------------------------------------------------------------------ camera motion
def test_camera_motion_tells_a_drag_from_a_jump(qtbot):
    from app.ui.gl import motion

    settled = []
    holder = motion.QObject()
    m = motion.CameraMotion(lambda: settled.append(1), holder)
    assert m.moving("a") is False          # first picture
    assert m.moving("a") is False          # same camera
    assert m.moving("b") is True           # changed again within SETTLE: a drag
    assert m.moving("b") is False          # stands still
    qtbot.waitUntil(lambda: settled == [1], timeout=2000)   # one repaint once it stood still
    qtbot.wait(round(motion.SETTLE * 1000) + 50)
    assert m.moving("c") is False          # a jump after a pause: full quality at once


# ------------------------------------------------------------------ pixels
def _rgb(img):
    from PySide6.QtGui import QImage

    img = img.convertToFormat(QImage.Format.Format_RGBX8888)
    arr = np.frombuffer(img.constBits(), dtype=np.uint8, count=img.sizeInBytes())
    return arr.reshape(img.height(), img.bytesPerLine())[:, : 4 * img.width()].reshape(
        img.height(), img.width(), 4)[..., :3].astype(int)


def _bowl_view(qtbot):
    import landscapes as L
    from app.ui.views.surface_grid import sample
    from app.ui.views.surface_view import SurfaceView

    view = SurfaceView()
    qtbot.addWidget(view)
    f = L.get("quadratic_bowl")
    view.set_surface(sample(f, f.bounds, 80), minima=f.minima, landscape=f)
    view.set_camera("top")
    return view, f


@pytest.mark.gl
def test_a_diverged_path_ends_at_the_box_edge(qtbot):
    """Top view, a run flying far out to the right: no run-coloured pixel right of the box."""
    from PySide6.QtGui import QVector3D

    from app.ui.views.surface_view import BOX

    view, f = _bowl_view(qtbot)
    (x0, x1), (y0, y1) = view.grid.bounds
    xs = np.linspace(0.0, x1 + 20 * (x1 - x0), 40)            # far beyond the right edge
    pts = np.column_stack([xs, np.zeros_like(xs)])
    track = SimpleNamespace(points=pts, losses=f.value(pts), color="#FF00FF", diverged_at=39)
    view.set_tracks([track])
    img = _rgb(view.render_image(400, 400))
    magenta = (img[..., 0] > 200) & (img[..., 1] < 80) & (img[..., 2] > 200)
    assert magenta.sum() > 50                                  # the path is drawn ...
    gl = view.gl
    m = gl.projectionMatrix((0, 0, 400, 400), (0, 0, 400, 400)) * gl.viewMatrix()
    right = max((m.map(QVector3D(BOX / 2, y, z)).x() + 1) / 2 * 400 for y in (-BOX / 2, BOX / 2) for z in (0, 4))
    cols = np.flatnonzero(magenta.any(axis=0))
    assert cols.max() <= right + 12, (cols.max(), right)     # ... and ends at the box (line + halo width)
    view.dispose()


@pytest.mark.gl
def test_moving_camera_draws_the_stand_in_and_the_full_picture_when_it_stops(qtbot):
    view, _ = _bowl_view(qtbot)
    view.set_camera("reset")
    view.resize(480, 360)
    view.show()
    qtbot.waitExposed(view)
    gl = view.gl
    qtbot.waitUntil(lambda: gl.isExposed())
    qtbot.wait(300)
    gl.paint_now()
    full = _rgb(gl.grabFramebuffer())
    assert gl.layer.key[0][-1] is False                        # drawn with the full mesh
    azimuth = gl.opts["azimuth"]
    for da in (1.0, 2.0, 0.0):                                 # a drag that ends where it began
        gl.opts["azimuth"] = azimuth + da
        gl.paint_now()
    assert gl.layer.key[0][-1] is True                         # the coarse stand-in while it moved
    qtbot.waitUntil(lambda: gl.layer.key[0][-1] is False, timeout=2000)   # settled: full again, unasked
    qtbot.wait(50)
    settled = _rgb(gl.grabFramebuffer())
    assert np.abs(settled - full).max(axis=2).mean() < 0.5      # the same picture as before the drag
    view.dispose()


@pytest.mark.gl
def test_thick_export_paths_have_round_joins_not_notches(qtbot):
    """A right-angle bend drawn 25 px wide: just outside its corner, square-ended GL lines
    leave a notch (the surface shows through); round joins cover it."""
    from PySide6.QtGui import QVector3D

    from app.ui.views import surface_view as sv_mod

    def corner_pixel(round_joins: bool | None):
        view, f = _bowl_view(qtbot)
        view.round_joins = bool(round_joins)
        view.set_sizes(line=14.0, halo=24.0, head=0.0, start=0.0)
        pts = np.array([[-1.0, -1.0], [0.5, -1.0], [0.5, 0.5]])       # a right angle at (0.5, -1)
        track = SimpleNamespace(points=pts, losses=f.value(pts), color="#FF00FF", diverged_at=None)
        if round_joins is not None:
            view.set_tracks([track])
        img = _rgb(view.render_image(400, 400))
        pos = view.world(pts, f.value(pts))
        pos[:, 2] = np.maximum(pos[:, 2], view._height_at(pts) + sv_mod.LIFT)
        m = view.gl.projectionMatrix((0, 0, 400, 400), (0, 0, 400, 400)) * view.gl.viewMatrix()
        px = np.array([[(q.x() + 1) / 2 * 400, (1 - q.y()) / 2 * 400]
                       for q in (m.map(QVector3D(*map(float, p))) for p in pos)])
        a, v, b = px
        inner = (a - v) / np.linalg.norm(a - v) + (b - v) / np.linalg.norm(b - v)
        x, y = np.round(v - inner / np.linalg.norm(inner) * 0.35 * 25).astype(int)
        view.dispose()
        return img[y, x]

    bare = corner_pixel(None)                  # the surface there, without the run
    notched = corner_pixel(False)
    joined = corner_pixel(True)
    assert np.abs(notched - bare).max() < 30   # square ends: the corner is not covered
    assert np.abs(joined - bare).max() > 60    # a round join covers it
