"""The data view's pictures and table (app.model.toy_view) against hand computations."""
from __future__ import annotations

import numpy as np
import pytest

from app.model import toy_view
from landscapes.toy_classifier import classic_points, classic_start, full_objective, multiclass_loss

BOX = ((-1.0, 1.0), (-1.0, 1.0))


def test_zero_score_segment_ends_on_the_line_and_the_box():
    # 1·x + 2·y + 0.5 = 0 crosses x = -1 at y = 0.25 and x = 1 at y = -0.75
    seg = toy_view.zero_score_segment((1.0, 2.0), 0.5, BOX)
    assert sorted(map(tuple, np.round(seg, 12))) == [(-1.0, 0.25), (1.0, -0.75)]
    assert toy_view.zero_score_segment((0.0, 0.0), 1.0, BOX) is None          # no line
    assert toy_view.zero_score_segment((1.0, 0.0), -3.0, BOX) is None         # x = 3: off the box
    # a vertical line x = 0.5
    seg = toy_view.zero_score_segment((2.0, 0.0), -1.0, BOX)
    assert seg[:, 0] == pytest.approx([0.5, 0.5]) and sorted(seg[:, 1]) == pytest.approx([-1.0, 1.0])


def test_score_arrow_points_where_the_score_grows():
    tail, tip = toy_view.score_arrow((1.0, 2.0), 0.5, BOX, 0.3)
    assert np.dot((1.0, 2.0), tail) + 0.5 == pytest.approx(0.0, abs=1e-12)     # on the zero line
    assert np.linalg.norm(tip - tail) == pytest.approx(0.3)
    assert np.dot((1.0, 2.0), tip) + 0.5 == pytest.approx(0.3 * np.sqrt(5.0))  # score grows by length·|w|


def test_predicted_grid_is_the_argmax_at_pixel_centres():
    W, b = classic_start()
    labels = toy_view.predicted_grid(W, b, BOX, 8)
    centres = np.linspace(-1 + 1 / 8, 1 - 1 / 8, 8)
    for j, y in enumerate(centres):
        for i, x in enumerate(centres):
            s = [W[c, 0] * x + W[c, 1] * y + b[c] for c in range(3)]
            assert labels[j, i] == int(np.argmax(s))


@pytest.mark.parametrize("classes", [2, 3, 5])
def test_decision_boundaries_lie_where_two_classes_tie_at_the_top(classes):
    W, b = classic_start()
    if classes != 3:
        draw = np.random.default_rng(classes).standard_normal((classes, 3))
        W, b = draw[:, :2], 0.3 * draw[:, 2]
    pts = toy_view.decision_boundaries(W, b, BOX, samples=200)
    pts = pts[np.isfinite(pts).all(axis=1)]
    assert len(pts) > 100
    s = pts @ W.T + b
    top2 = np.sort(s, axis=1)[:, -2:]
    assert top2[:, 1] - top2[:, 0] == pytest.approx(np.zeros(len(pts)), abs=1e-9)
    # every sample of every pair's line where those two are on top is kept (none lost)
    kept = 0
    for i in range(classes):
        for j in range(i + 1, classes):
            seg = toy_view.zero_score_segment(W[i] - W[j], b[i] - b[j], BOX)
            if seg is not None:
                line = seg[0] + np.linspace(0, 1, 200)[:, None] * (seg[1] - seg[0])
                sl = line @ W.T + b
                rivals = np.delete(sl, [i, j], axis=1)
                on_top = np.maximum(sl[:, i], sl[:, j])
                kept += len(sl) if classes == 2 else int((rivals.max(axis=1) <= on_top).sum())
    assert len(pts) == kept


def test_point_table_adds_up_to_multiclass_loss():
    X, y = classic_points()
    W, b = classic_start()
    obj = full_objective(X, y, "ww", 0.1)
    t = toy_view.point_table(obj, obj.pack(W, b))
    # by hand: point 0 (0.5, 0.4) of class 0 scores 1.3, -0.1, 0.6 -> losses max(0, -0.1-1.3+1) + max(0, 0.6-1.3+1)
    assert t.scores[0] == pytest.approx([1.3, -0.1, 0.6])
    assert t.losses[0] == pytest.approx(0.0 + 0.3)
    assert t.positive[0] and t.reg_loss == pytest.approx(0.1 * (W ** 2).sum())
    assert t.total == pytest.approx(float(multiclass_loss(W, b, X, y, "ww", 0.1)[0]))
    # the demo's start puts only points 0 and 1 in their own class (by hand from the scores)
    scores = X @ W.T + b
    assert t.correct == sum(int(np.argmax(s) == c and np.sort(s)[-1] > np.sort(s)[-2])
                            for s, c in zip(scores, y, strict=True)) == 2


def test_edited_params_move_add_remove_and_refuse_bad_edits():
    X, y = classic_points()
    obj = full_objective(X, y, "ww", 0.1)
    params = {"data": "classic", "loss": "ww", "seed": 3}
    moved = toy_view.edited_params(params, obj, move=(8, 0.0, 0.9))
    assert "data" not in moved and moved["seed"] == 3 and moved["classes"] == 3
    assert moved["points"][8] == [0.0, 0.9, 2] and moved["points"][0] == [0.5, 0.4, 0]
    assert len(toy_view.edited_params(params, obj, add=(0.1, 0.2, 1))["points"]) == 10
    assert [0.5, 0.4, 0] not in toy_view.edited_params(params, obj, remove=0)["points"]
    for bad, message in (({"move": (9, 0.0, 0.0)}, "no point 9"), ({"add": (0.0, 0.0, 3)}, "class must be 0 .. 2"),
                         ({"move": (0, float("nan"), 0.0)}, "finite"), ({"remove": -1}, "no point -1")):
        with pytest.raises(ValueError, match=message):
            toy_view.edited_params(params, obj, **bad)
    one = full_objective(X[:1], y[:1], "ww", 0.1, n_classes=3)
    with pytest.raises(ValueError, match="only point"):
        toy_view.edited_params({}, one, remove=0)


def test_params_of_a_run_lifts_its_head_when_it_has_no_theta():
    from landscapes.toy_classifier import weight_space

    X, y = classic_points()
    W, b = classic_start()
    f = weight_space(W, b, X, y)

    class Head:
        theta = None
        head = np.array([0.25, -0.5])

    theta = toy_view.params_of(Head(), f)
    assert theta[:2] == pytest.approx([0.25, -0.5]) and theta[2:] == pytest.approx(np.r_[W.ravel()[2:], b])
