"""Paths are cut at the drawn box: hand-computed crossings, gaps, non-finite ends."""
from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from app.ui.views.clip import clip_path, last_visible

BOX = ((-1.0, 1.0), (-1.0, 1.0))
nan = np.nan


def test_a_path_inside_is_returned_as_it_is():
    p = np.array([[0.0, 0.0], [0.5, 0.5], [-0.9, 0.2]])
    assert clip_path(p, BOX) is p


def test_leaving_is_cut_at_the_edge():
    np.testing.assert_allclose(clip_path([[0, 0], [2, 0]], BOX), [[0, 0], [1, 0]])


def test_passing_through_keeps_the_inside_piece():
    np.testing.assert_allclose(clip_path([[-2, 0], [2, 0]], BOX), [[-1, 0], [1, 0]])


def test_leaving_and_coming_back_leaves_a_gap():
    # (2, 0) -> (0, 0.5) crosses x = 1 half way, at y = 0.25
    out = clip_path([[0, 0], [2, 0], [0, 0.5]], BOX)
    np.testing.assert_allclose(out, [[0, 0], [1, 0], [nan, nan], [1, 0.25], [0, 0.5]])


def test_a_diverged_run_ends_at_the_edge_and_its_inf_is_dropped():
    out = clip_path([[0, 0], [0.5, 0], [4, 0], [np.inf, 0]], BOX)
    np.testing.assert_allclose(out, [[0, 0], [0.5, 0], [1, 0]])
    np.testing.assert_allclose(last_visible(out), [1, 0])


def test_wholly_outside_is_empty():
    assert clip_path([[2, 2], [3, 3]], BOX).shape == (0, 2)
    assert last_visible(np.empty((0, 2))) is None


coords = st.floats(-5, 5, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(coords, coords), min_size=2, max_size=12))
def test_every_drawn_point_is_in_the_box_and_inside_points_survive(pts):
    p = np.asarray(pts, dtype=float)
    out = clip_path(p, BOX)
    finite = out[np.isfinite(out).all(axis=1)]
    assert np.all(np.abs(finite) <= 1 + 1e-12)
    inside = p[np.all(np.abs(p) <= 1, axis=1)]
    for q in inside:   # a point of the path inside the box is a vertex of the drawing
        assert np.min(np.linalg.norm(finite - q, axis=1)) < 1e-9
