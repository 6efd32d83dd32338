"""The landscape panel offers the toy classifier; picking it races in all nine weights, full app composed."""
from __future__ import annotations

import numpy as np


def test_picking_the_toy_classifier_races_in_its_nine_weights(make_app, qtbot):
    w, _features = make_app()
    panel = w.landscape_panel
    w.landscape_panel.l2.setValue(0.2)      # a surface's l2, which would hide the weight plane
    row = panel.picker.findData("toy_classifier")
    assert row >= 0 and panel.picker.itemText(row) == "Linear classifier (toy data)"
    panel.picker.setCurrentIndex(row)
    panel._on_pick(row)
    qtbot.waitUntil(lambda: w.race.scene.landscape.name == "toy_classifier", timeout=10_000)
    assert w.race.scene.landscape.l2 == 0.0
    assert "W[0,0], W[0,1]" in panel.title.text()
    w.step_once(5)          # through the window: every view draws the projected paths
    run = w.race.runs[0]
    assert run.thetas.shape == (6, 9)
    np.testing.assert_allclose(run.points, w.race.landscape.project(run.thetas))


def test_the_linear_classifier_scene_explains_and_draws_arrows_of_its_nine_dimensional_runs(make_app, qtbot):
    from app.model import presets

    w, features = make_app(presets.load_builtin("linear_classifier"))
    ann = features["annotations"]
    w.runs_panel.list.setCurrentRow(2)           # adam
    w.step_once(3)
    for what in ("grad", "velocity", "formula", "words"):     # the G, V, U, E toggles
        ann.actions[what].trigger()
    ex = ann.explanation
    tr = w.race.runs[2]
    assert ex.step == 3 and "all 9 parameters" in ann.words.text()
    np.testing.assert_allclose(ex.x + ex.delta, tr.head, atol=1e-12)    # along the plane, as drawn
    bases, vecs = ann.arrows("grad")
    np.testing.assert_allclose(bases, [t.head for t in w.race.runs])
    assert len(ann.arrows("velocity")[0]) == 2    # momentum and adam keep a buffer
