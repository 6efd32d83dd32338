"""Phase map window: the map it computes, what a click and Best do to the run, the marks, saving,
a scene's map both ways (loading opens it, Keep with scene writes it back), the batch-size axis."""
from __future__ import annotations

import math
import os

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QImage

import solvers
from app.model import build
from app.model.phase_map import phase_map
from app.model.presets import load_builtin
from app.model.race import run_seed
from app.model.scene import LandscapeSpec, MapAxis, MapSpec, PlaybackSpec, RunSpec, Scene
from app.model.scene_io import load_scene
from app.model.scene_map import axis_values, map_arguments
from app.ui.features import phase_map as feature_module
from app.ui.views.phase_map_view import DIVERGED_RGBA, NEVER_RGBA, cell_colors
from tests.ui.conftest import pixel_std, race_scene


def opened(make_window, qtbot, run: RunSpec, landscape: str, n: int = 16, steps: int = 100, setup=None):
    """(main window, phase map window) with the map of ``run`` computed at n × n."""
    w = make_window(race_scene(runs=[run], landscape=landscape, resolution=40))
    feature = feature_module.install(w.host)
    pw = feature.dialog()
    pw.sync_from_window()
    set_cells(pw, n)
    pw.steps.setValue(steps)
    if setup is not None:
        setup(pw)
    pw.show()
    qtbot.waitExposed(pw)
    pw.compute_map()
    qtbot.waitUntil(lambda: pw.pm is not None and not pw.busy, timeout=60_000)
    return w, pw


def set_cells(pw, n: int) -> None:
    pw.x.cells.setValue(n)
    pw.y.cells.setValue(n)


def pixel_of(pw, x: float, y: float):
    """Widget pixel (QPoint) of the plot point (x, y) (plot units: log10 on a log axis)."""
    return pw.view.mapFromScene(pw.view.plot.getViewBox().mapViewToScene(QPointF(x, y)))


def click(qtbot, pw, x: float, y: float) -> None:
    qtbot.mouseClick(pw.view.viewport(), Qt.MouseButton.LeftButton, pos=pixel_of(pw, x, y))


def test_the_menu_entry_has_a_free_shortcut(make_app):
    w, features = make_app()
    act = features["phase_map"].act
    assert act.shortcut().toString() == "Ctrl+Shift+M"
    swarm = next(a.menu() for a in w.menuBar().actions() if a.text() == "S&warm")
    assert "Phase map…" in [a.text() for a in swarm.actions()]
    keys = [a.shortcut().toString() for a in w.findChildren(type(act)) if a.shortcut().toString()]
    assert keys.count("Ctrl+Shift+M") == 1


def test_the_window_computes_the_same_map_as_phase_map(make_window, qtbot):
    run = RunSpec("momentum", {"lr": 0.01, "momentum": 0.5}, start=(-0.3, -0.9))
    w, pw = opened(make_window, qtbot, run, "himmelblau")
    # the defaults: lr on a log range around the run's lr, momentum its second axis
    assert pw.x.name.currentText() == "lr" and pw.y.name.currentText() == "momentum"
    expected = phase_map(w.race.landscape, solvers.make("momentum", lr=0.01, momentum=0.5),
                         x_axis=("lr", np.geomspace(1e-4, 0.3, 16)), y_axis=("momentum", np.linspace(0.0, 0.999, 16)),
                         start=(-0.3, -0.9), steps=100, seed=run_seed(int(w.race.scene.seed), 0))
    pm = pw.pm
    np.testing.assert_allclose(pm.x.values, expected.x.values, rtol=1e-12)
    np.testing.assert_allclose(pm.y.values, expected.y.values, rtol=1e-12)
    np.testing.assert_array_equal(pm.values, expected.values)
    np.testing.assert_array_equal(pm.diverged, expected.diverged)
    assert pm.best == expected.best and pm.best is not None
    # the best cell's star sits on the best cell
    i, j = pm.best
    xs, ys = pw.view.best.getData()
    assert xs[0] == pytest.approx(np.log10(pm.x.values[j])) and ys[0] == pytest.approx(pm.y.values[i])
    # the selected run's own settings are marked
    xs, ys = pw.view.current.getData()
    assert xs[0] == pytest.approx(np.log10(0.01)) and ys[0] == pytest.approx(0.5)


def test_clicking_a_cell_sets_exactly_its_settings_and_undo_takes_them_back(make_window, qtbot):
    run = RunSpec("momentum", {"lr": 0.01, "momentum": 0.5}, start=(-0.3, -0.9))
    w, pw = opened(make_window, qtbot, run, "himmelblau")
    pm = pw.pm
    i, j = 3, 11
    x, y = np.log10(pm.x.values[j]), pm.y.values[i]
    click(qtbot, pw, x, y)
    hyper = w.race.scene.runs[0].hyper
    assert hyper["lr"] == pm.x.values[j] and hyper["momentum"] == pm.y.values[i]
    assert w.race.runs[0].solver.lr == pytest.approx(pm.x.values[j])
    assert w.race.runs[0].solver.hyper["dampening"] == 0.0          # nothing else changed
    xs, ys = pw.view.current.getData()
    assert xs[0] == pytest.approx(x) and ys[0] == pytest.approx(y)
    w.undo()
    hyper = w.race.scene.runs[0].hyper
    assert hyper["lr"] == pytest.approx(0.01) and hyper["momentum"] == pytest.approx(0.5)
    xs, ys = pw.view.current.getData()                                # the ring follows the undo
    assert xs[0] == pytest.approx(np.log10(0.01)) and ys[0] == pytest.approx(0.5)


def test_best_snaps_the_run_to_the_best_cell(make_window, qtbot):
    run = RunSpec("adam", {"lr": 0.05}, start=(-0.3, -0.9))
    w, pw = opened(make_window, qtbot, run, "himmelblau")
    pm = pw.pm
    assert pw.y.name.currentText() == "beta2" and pm.best is not None and pw.best.isEnabled()
    pw.best.click()
    i, j = pm.best
    solver = w.race.runs[0].solver
    assert solver.lr == pytest.approx(pm.x.values[j])
    assert solver.hyper["betas"] == pytest.approx((0.9, pm.y.values[i]))
    # independently: no finite, non-diverged cell beats it
    ok = ~pm.diverged & np.isfinite(pm.values)
    assert pm.values[i, j] == pm.values[ok].min()


def dampening_axis(pw) -> None:
    pw.y.name.setCurrentText("dampening")       # momentum 0: plain gradient descent, dampening changes nothing
    pw.x.lo.setText("0.001")
    pw.x.hi.setText("3")


def test_diverged_cells_are_grey_and_the_stability_line_sits_at_2_over_lambda_max(make_window, qtbot, tmp_path):
    # gd on x² + y² (Hessian 2·I): |1 − 2η| > 1 grows without bound past η = 2/λmax = 1
    run = RunSpec("momentum", {"lr": 0.1, "momentum": 0.0}, start=(-1.5, 1.2))
    w, pw = opened(make_window, qtbot, run, "quadratic_bowl", steps=2000, setup=dampening_axis)
    pm = pw.pm
    lrs = pm.x.values
    assert pm.lr_limit == pytest.approx(1.0)
    xs, ys = pw.view.limit.getData()
    assert len(xs) == 2 and np.allclose(xs, 0.0) and pw.view.limit_label.isVisible()   # log10(1), top to bottom
    assert not pm.diverged[:, lrs < 1.0].any() and pm.diverged[:, lrs > 1.3].all()
    img = pw.view.image.image
    assert (img[pm.diverged] == DIVERGED_RGBA).all()
    assert not (img[~pm.diverged] == DIVERGED_RGBA).all(axis=-1).any()
    # on screen: the centre of a diverged cell is the diverged grey
    grab = pw.view.grab().toImage()
    j = int(np.flatnonzero(lrs > 1.3)[0])
    assert QColor(grab.pixel(pixel_of(pw, np.log10(lrs[j]), pm.y.values[5]))).getRgb() == DIVERGED_RGBA
    assert QColor(grab.pixel(pixel_of(pw, np.log10(lrs[2]), pm.y.values[5]))).getRgb() != DIVERGED_RGBA
    assert pixel_std(grab) > 20
    if os.environ.get("LOSSLAB_SHOTS"):
        pw.grab().save(str(tmp_path / "phase_map.png"))


def test_png_and_svg_save_and_an_unwritable_path_is_one_line(make_window, qtbot, tmp_path):
    run = RunSpec("momentum", {"lr": 0.1, "momentum": 0.0}, start=(-1.5, 1.2))
    w, pw = opened(make_window, qtbot, run, "quadratic_bowl", setup=dampening_axis)
    png, svg = tmp_path / "map.png", tmp_path / "map.svg"
    assert pw.save_image(str(png))
    img = QImage(str(png))
    assert img.width() == pw.view.width() and pixel_std(img) > 20
    assert pw.save_image(str(svg))
    text = svg.read_text()
    assert text.rstrip().endswith("</svg>") and "<image" in text
    assert not pw.save_image(str(tmp_path / "no such folder" / "map.png"))
    assert pw.status.text().startswith("not saved:") and "\n" not in pw.status.text()
    assert not pw.save_image(str(tmp_path / "map.jpg"))
    assert "png or .svg" in pw.status.text()


def test_a_click_on_the_best_star_picks_the_best_cell(make_window, qtbot):
    run = RunSpec("momentum", {"lr": 0.01, "momentum": 0.5}, start=(-0.3, -0.9))
    w, pw = opened(make_window, qtbot, run, "himmelblau")
    i, j = pw.pm.best
    xs, ys = pw.view.best.getData()
    click(qtbot, pw, xs[0], ys[0])
    hyper = w.race.scene.runs[0].hyper
    assert (hyper["lr"], hyper["momentum"]) == (pw.pm.x.values[j], pw.pm.y.values[i])


def test_bad_axis_values_are_one_line_and_compute_nothing(make_window, qtbot):
    run = RunSpec("momentum", {"lr": 0.01, "momentum": 0.5}, start=(-0.3, -0.9))
    w, pw = opened(make_window, qtbot, run, "himmelblau")
    before = pw.pm
    pw.x.lo.setText("abc")
    pw.compute_map()
    assert pw.status.text() == "cannot compute: x from must be a number, got 'abc'"
    pw.x.lo.setText("-1")
    pw.compute_map()
    assert pw.status.text() == "cannot compute: x (lr): a log axis needs values > 0"
    assert pw.pm is before and not pw.busy


def test_a_big_map_runs_in_the_background_and_can_be_cancelled(make_window, qtbot):
    w = make_window(race_scene(runs=[RunSpec("momentum", {"lr": 0.01}, start=(-0.3, -0.9))], landscape="himmelblau"))
    pw = feature_module.install(w.host).dialog()
    pw.sync_from_window()
    pw.show()
    set_cells(pw, 128)
    pw.steps.setValue(5000)
    pw.compute_map()
    assert pw.busy and pw.progress.isVisible()
    pw.cancel.click()
    qtbot.waitUntil(lambda: not pw.busy, timeout=30_000)
    assert "cancelled" in pw.status.text() and pw.pm is None


def test_the_toy_classifier_plane_maps_like_phase_map(make_window, qtbot):
    # a plane through a bigger weight space: every cell steps all the weights from the lifted start
    scene = Scene(title="toy", landscape=LandscapeSpec("toy_classifier", params={"loss": "ww", "reg": 0.1},
                                                       resolution=30),
                  runs=[RunSpec("momentum", {"lr": 0.05, "momentum": 0.9})], playback=PlaybackSpec(steps=40))
    w = make_window(scene)
    pw = feature_module.install(w.host).dialog()
    pw.sync_from_window()
    set_cells(pw, 8)
    pw.steps.setValue(40)
    pw.compute_map()
    qtbot.waitUntil(lambda: pw.pm is not None and not pw.busy, timeout=60_000)
    f = w.race.landscape
    expected = phase_map(f, solvers.make("momentum", lr=0.05, momentum=0.9),
                         x_axis=("lr", np.geomspace(0.0005, 1.5, 8)), y_axis=("momentum", np.linspace(0, 0.999, 8)),
                         start=build.start_of(w.race.scene.runs[0], f), steps=40, seed=run_seed(int(w.race.scene.seed), 0))
    np.testing.assert_array_equal(pw.pm.values, expected.values)
    assert pw.pm.best == expected.best


def test_cells_that_never_reach_the_tolerance_are_light_grey_and_in_the_legend(make_window, qtbot):
    def steps_to_tol(pw):
        pw.outcome.setCurrentIndex(pw.outcome.findData("steps_to_tol"))
        pw.tol.setText("1e-3")

    run = RunSpec("momentum", {"lr": 0.01, "momentum": 0.5}, start=(-0.3, -0.9))
    w, pw = opened(make_window, qtbot, run, "himmelblau", steps=30, setup=steps_to_tol)
    pm = pw.pm
    assert pm.outcome == "steps_to_tol" and pm.tol == 1e-3
    never = ~np.isfinite(pm.values) & ~pm.diverged
    assert never.any() and np.isfinite(pm.values).any()
    img = pw.view.image.image
    assert (img[never] == NEVER_RGBA).all()
    labels = [label.text for _sample, label in pw.view.legend.items]
    assert "never reached the tolerance" in labels and "diverged" in labels


def _near(grab, at, rgb, reach: int = 6, within: int = 40) -> bool:
    """Some pixel within ``reach`` px of ``at`` has colour ``rgb`` (to ``within`` per channel)."""
    for dx in range(-reach, reach + 1):
        for dy in range(-reach, reach + 1):
            c = QColor(grab.pixel(at.x() + dx, at.y() + dy))
            if max(abs(c.red() - rgb[0]), abs(c.green() - rgb[1]), abs(c.blue() - rgb[2])) <= within:
                return True
    return False


def test_momentum_edge_is_a_curve_and_theory_is_a_diamond_on_the_ravine(make_window, qtbot):
    """Momentum's stability edge 2(1+μ)/λmax bends across an lr × μ map; heavy-ball theory's best
    setting is the diamond, both where phase_map() puts them, and both in the legend."""
    run = RunSpec("momentum", {"lr": 0.004, "momentum": 0.85}, start=(-2.5, 0.6))

    def ranges(pw):
        pw.x.lo.setText("0.001")
        pw.x.hi.setText("0.1")

    w, pw = opened(make_window, qtbot, run, "ravine", n=24, steps=300, setup=ranges)
    pm = pw.pm
    lam_min, lam = np.linalg.eigvalsh(w.race.landscape.hessian(np.array([-2.5, 0.6])))
    np.testing.assert_allclose(pm.lr_bound, 2 * (1 + pm.y.values) / lam, rtol=1e-12)
    xs, ys = pw.view.limit.getData()
    inside = np.isfinite(xs)
    assert inside.sum() >= 10                      # the edge crosses most of the map's rows
    np.testing.assert_allclose(10 ** xs[1:-1][inside[1:-1]], (2 * (1 + pm.y.values) / lam)[inside[1:-1]],
                               rtol=1e-12)
    lr_star, mu_star = pm.theory
    kappa = lam / lam_min
    assert lr_star == pytest.approx(4 / (math.sqrt(lam) + math.sqrt(lam_min)) ** 2, rel=1e-12)
    assert mu_star == pytest.approx(((math.sqrt(kappa) - 1) / (math.sqrt(kappa) + 1)) ** 2, rel=1e-12)
    tx, ty = pw.view.theory.getData()
    assert tx[0] == pytest.approx(np.log10(lr_star)) and ty[0] == pytest.approx(mu_star)
    labels = [label.text for _sample, label in pw.view.legend.items]
    assert "heavy-ball theory's best" in labels
    assert "2(1+μ)/λmax: stability edge (Hessian at the start)" in labels
    assert "heavy-ball theory" in pw.title.text() and "2(1+μ)/λmax" in pw.title.text()
    # on screen: the diamond's white outline beside its centre, the dashed edge near a row's bound
    grab = pw.view.grab().toImage()
    assert _near(grab, pixel_of(pw, np.log10(lr_star), mu_star), (255, 255, 255), reach=12, within=10)
    k = int(np.flatnonzero(inside[1:-1])[len(np.flatnonzero(inside[1:-1])) // 2])
    fg = QColor(w.host.theme.foreground)
    assert _near(grab, pixel_of(pw, xs[1 + k], ys[1 + k]), (fg.red(), fg.green(), fg.blue()), reach=8)
    if os.environ.get("LOSSLAB_SHOTS"):
        pw.grab().save(os.path.join(os.environ["LOSSLAB_SHOTS"], "phase_map_ravine.png"))


# ---------------------------------------------------------------- a scene's map (scene 20) both ways
WAIT = 120_000   # ms, a shared machine (never a speed assertion)


def scene_map_window(qtbot, feature):
    """The window a loaded scene's map opened, once its map is computed."""
    qtbot.waitUntil(lambda: feature.windows.made is not None and feature.windows.made.pm is not None
                    and not feature.windows.made.busy, timeout=WAIT)
    return feature.windows.made


def test_scene_20_opens_the_map_of_its_phase_map_section_with_theory_and_the_edge(make_app, qtbot):
    w, features = make_app(load_builtin("ravine_map"))
    pw = scene_map_window(qtbot, features["phase_map"])
    assert pw.isVisible()
    spec = w.race.scene.phase_map
    assert (pw.x.spec(), pw.y.spec()) == (spec.x, spec.y)
    assert pw.steps.value() == spec.steps == 300 and pw.outcome.currentData() == spec.outcome
    assert w.host.selected_row == spec.run == 1
    assert "batch_size" not in [pw.x.name.itemText(k) for k in range(pw.x.name.count())]   # no minibatches
    assert pw.map_spec() == spec                     # what Keep with scene would write back: the same map
    expected = phase_map(**map_arguments(w.race.scene, w.race.landscape))
    pm = pw.pm
    np.testing.assert_array_equal(pm.x.values, np.geomspace(0.002, 0.08, 64))
    np.testing.assert_array_equal(pm.y.values, np.linspace(0.0, 0.99, 64))
    np.testing.assert_array_equal(pm.values, expected.values)
    np.testing.assert_array_equal(pm.diverged, expected.diverged)
    assert pm.best == expected.best
    # the diamond at Polyak's optimum from numpy's eigenvalues, the dashed edge at 2(1+μ)/λmax
    lam_min, lam_max = np.linalg.eigvalsh(w.race.landscape.hessian(np.array(w.race.landscape.default_start)))
    lr_star = 4 / (math.sqrt(lam_max) + math.sqrt(lam_min)) ** 2
    mu_star = ((math.sqrt(lam_max / lam_min) - 1) / (math.sqrt(lam_max / lam_min) + 1)) ** 2
    tx, ty = pw.view.theory.getData()
    assert tx[0] == pytest.approx(np.log10(lr_star), rel=1e-12) and ty[0] == pytest.approx(mu_star, rel=1e-12)
    xs, ys = pw.view.limit.getData()
    inside = np.isfinite(xs[1:-1])
    assert inside.all()                               # 0.02 .. 0.04: the edge crosses every row of the map
    np.testing.assert_allclose(10 ** xs[1:-1], 2 * (1 + pm.y.values) / lam_max, rtol=1e-12)
    np.testing.assert_allclose(ys[1:-1], pm.y.values)
    # the window's line says what the caption says
    i, j = pm.best
    assert f"lr = {lr_star:.3g}, momentum = {mu_star:.3g}" in pw.title.text()
    assert f"lr = {pm.x.values[j]:.3g}, momentum = {pm.y.values[i]:.3g}" in pw.title.text()
    for number in (f"{lr_star:.3g}", f"{mu_star:.3g}", f"lr {pm.x.values[j]:.3g}, μ {pm.y.values[i]:.3g}"):
        assert number in w.race.scene.caption
    # the ring is the mapped run, μ 0.9
    cx, cy = pw.view.current.getData()
    assert (10 ** cx[0], cy[0]) == pytest.approx((0.01, 0.9))
    # 1-2-5 ticks on the lr axis (0.005 .. 0.05 labelled): the edge's foot and the diamond can be read off
    ticks = pw.view.plot.getAxis("bottom").tickValues(*pw.view.plot.getViewBox().viewRange()[0],
                                                        pw.view.plot.getAxis("bottom").width())
    assert ticks[0][1] == pytest.approx(np.log10([0.002, 0.005, 0.01, 0.02, 0.05]))
    if os.environ.get("LOSSLAB_SHOTS"):
        pw.grab().save(os.path.join(os.environ["LOSSLAB_SHOTS"], "phase_map_scene_20.png"))


def test_lecture_steps_open_the_map_with_scene_20_and_put_it_away_after(make_app, qtbot):
    w, features = make_app(race_scene())
    feature = features["phase_map"]
    qtbot.wait(50)                                    # the start's check has run: this scene has no map
    assert feature.windows.made is None
    assert w.host.load_scene(load_builtin("fair_race"), "fair_race")
    assert feature.windows.made is None
    features["lecture"].previous_scene()              # 21 → 20, as a clicker's PageUp does
    assert w.race.scene.title == load_builtin("ravine_map").title
    pw = scene_map_window(qtbot, feature)
    assert pw.isVisible() and pw.pm.theory is not None
    features["lecture"].next_scene()                  # 20 → 21: no map there, the window goes
    assert w.race.scene.title == load_builtin("fair_race").title
    assert not pw.isVisible()


def test_keep_with_scene_writes_the_map_into_the_scene_one_undo_step_and_a_saved_file_reopens_it(
        make_app, qtbot, tmp_path):
    runs = [RunSpec("gd", {"lr": 0.01}, start=(1.0, 1.0)),
            RunSpec("momentum", {"lr": 0.01, "momentum": 0.5}, start=(-0.3, -0.9))]
    w, features = make_app(race_scene(runs=runs, landscape="himmelblau", resolution=40))
    w.host.select_run(1)
    pw = features["phase_map"].open()
    qtbot.waitUntil(lambda: pw.pm is not None and not pw.busy, timeout=WAIT)
    pw.x.lo.setText("0.001")
    pw.x.hi.setText("0.05")
    pw.x.cells.setValue(12)
    pw.y.cells.setValue(9)
    pw.steps.setValue(150)
    pw.outcome.setCurrentIndex(pw.outcome.findData("steps_to_tol"))
    pw.tol.setText("1e-3")
    pw.keep.click()
    kept = MapSpec(run=1, x=MapAxis("lr", 0.001, 0.05, 12, True), y=MapAxis("momentum", 0.0, 0.999, 9, False),
                   steps=150, outcome="steps_to_tol", tol=1e-3)
    assert w.race.scene.phase_map == kept
    assert pw.status.text().startswith("kept with the scene: lr × momentum, 150 steps")
    path = w.files.save(tmp_path / "kept.json")
    assert load_scene(path).phase_map == kept         # saving the scene keeps the map
    w.undo()
    assert w.race.scene.phase_map is None and w.status_label.text().endswith("undid keep the phase map with the scene")
    w.redo()
    assert w.race.scene.phase_map == kept
    # unusable settings keep nothing and add no undo step
    pw.x.lo.setText("abc")
    assert not pw.keep_with_scene()
    assert pw.status.text() == "not kept: x from must be a number, got 'abc'"
    assert w.race.scene.phase_map == kept
    pw.x.lo.setText("0.001")
    pw.y.name.setCurrentText("lr")
    assert not pw.keep_with_scene()
    assert pw.status.text() == "not kept: phase_map: x and y are both 'lr': choose two different hyper-parameters"
    assert w.race.scene.phase_map == kept
    w.undo()
    assert w.race.scene.phase_map is None
    # File → Open of the saved scene opens the window on the kept map, for the run it maps
    assert len(pw.view.current.getData()[0]) == 1
    w.host.select_run(0)
    assert len(pw.view.current.getData()[0]) == 0       # gd's run is not on a momentum map: no ring
    pw.x.lo.setText("0.002")
    assert w.files.open(path)
    qtbot.waitUntil(lambda: pw.pm is not None and pw.pm.steps == 150 and not pw.busy, timeout=WAIT)
    assert w.host.selected_row == 1 and pw.map_spec() == kept
    expected = phase_map(**map_arguments(w.race.scene, w.race.landscape))
    np.testing.assert_array_equal(pw.pm.values, expected.values)
    assert pw.pm.outcome == "steps_to_tol" and pw.pm.values.shape == (9, 12)


def test_a_batch_size_axis_on_a_cifar_slice_maps_like_phase_map_and_draws_each_size_where_it_is(
        make_window, qtbot, cifar_root):
    params = {"subset": 300, "root": str(cifar_root)}
    scene = Scene(title="slice", landscape=LandscapeSpec("cifar_slice", params=params, resolution=21),
                  runs=[RunSpec("sgd", {"lr": 0.1}, batch_size=32)], playback=PlaybackSpec(steps=20))
    w = make_window(race_scene())
    w.load_scene(scene)
    qtbot.waitUntil(lambda: w.race.scene.landscape.name == "cifar_slice" or "failed" in w.status_label.text(),
                    timeout=WAIT)
    assert w.race.scene.landscape.name == "cifar_slice", w.status_label.text()
    pw = feature_module.install(w.host).dialog()
    pw.sync_from_window()
    names = [pw.y.name.itemText(k) for k in range(pw.y.name.count())]
    assert names[-1] == "batch_size"
    pw.y.name.setCurrentText("batch_size")
    assert (pw.y.lo.text(), pw.y.hi.text(), pw.y.log.currentText()) == ("8", "512", "log")
    pw.x.cells.setValue(5)
    pw.y.cells.setValue(20)
    pw.steps.setValue(20)
    pw.show()
    qtbot.waitExposed(pw)
    pw.compute_map()
    qtbot.waitUntil(lambda: pw.pm is not None and not pw.busy, timeout=WAIT)
    f = w.race.landscape
    sizes = axis_values(MapAxis("batch_size", 8, 512, 20, True))
    assert (sizes == np.round(sizes)).all() and len(np.unique(sizes)) == len(sizes) == 20
    expected = phase_map(f, solvers.make("sgd", lr=0.1), x_axis=("lr", np.geomspace(0.001, 3.0, 5)),
                         y_axis=("batch_size", sizes), start=build.start_of(w.race.scene.runs[0], f), steps=20,
                         seed=run_seed(int(w.race.scene.seed), 0))
    pm = pw.pm
    np.testing.assert_array_equal(pm.y.values, sizes)
    np.testing.assert_array_equal(pm.values, expected.values)
    assert pm.best == expected.best
    # the sizes are not evenly spaced even in log10: each row is drawn where its size is
    assert not np.allclose(np.diff(np.log10(sizes)), np.diff(np.log10(sizes))[0], rtol=1e-3)
    colours, _, _ = cell_colors(pm)
    grab = pw.view.grab().toImage()
    j = next(k for k in range(5) if pm.best[1] != k)     # a column without the best star
    ring = np.log10(32.0)
    for i, b in enumerate(sizes):
        if abs(np.log10(b) - ring) < 0.15:              # the selected run's ring (batch 32) covers these
            continue
        at = pixel_of(pw, np.log10(pm.x.values[j]), np.log10(b))
        assert QColor(grab.pixel(at)).getRgb()[:3] == tuple(int(c) for c in colours[i, j, :3]), b
    # a click loads the lr and the batch size of its cell into the run
    i = 3
    click(qtbot, pw, np.log10(pm.x.values[j]), np.log10(sizes[i]))
    run = w.race.scene.runs[0]
    assert run.batch_size == int(sizes[i]) and run.hyper["lr"] == pm.x.values[j] and "batch_size" not in run.hyper
    cx, cy = pw.view.current.getData()
    assert (cx[0], cy[0]) == pytest.approx((np.log10(pm.x.values[j]), np.log10(sizes[i])))
    if os.environ.get("LOSSLAB_SHOTS"):
        pw.grab().save(os.path.join(os.environ["LOSSLAB_SHOTS"], "phase_map_batch.png"))


def test_a_scene_whose_mapped_run_is_kept_back_maps_the_selected_run_and_says_so(make_app, qtbot):
    scene = load_builtin("ravine_map")
    scene.runs[1].enabled = False                      # a story that reveals its runs one at a time
    w, features = make_app(scene)
    pw = scene_map_window(qtbot, features["phase_map"])
    assert pw.status.text().startswith("the scene's map is of run 2, which is kept back: this is the selected run's;")
    assert w.host.selected_row == 0 and (pw.x.spec(), pw.y.spec()) == (scene.phase_map.x, scene.phase_map.y)
    run = scene.runs[0]
    expected = phase_map(w.race.landscape, solvers.make(run.solver, **run.hyper),
                         x_axis=("lr", axis_values(scene.phase_map.x)), y_axis=("momentum", axis_values(scene.phase_map.y)),
                         start=w.race.landscape.default_start, steps=300)
    np.testing.assert_array_equal(pw.pm.values, expected.values)


def test_an_unevenly_spaced_axis_draws_each_cell_around_its_own_value(qtbot):
    """Whole batch sizes are not evenly spaced even in log10: every value's own position on screen
    shows its cell's colour, and a click there picks that cell (no CIFAR-10 needed)."""
    from app.model.phase_map import Axis, PhaseMap
    from app.ui.common import theme
    from app.ui.views.phase_map_view import PhaseMapView, cell_edges

    sizes = axis_values(MapAxis("batch_size", 1, 300, 20, True))   # 18 sizes: 1, 2, 3, 4, 6, 8, 11, ...
    assert len(sizes) == 18
    lrs = np.array([0.01, 0.1, 1.0])
    values = np.arange(len(sizes) * 3, dtype=np.float64).reshape(len(sizes), 3) + 1.0
    pm = PhaseMap(solver="sgd", outcome="steps_to_tol", x=Axis("lr", lrs, True), y=Axis("batch_size", sizes, True),
                  values=values, diverged=np.zeros(values.shape, dtype=bool), final_gap=values, f_star=0.0,
                  f_star_known=True, best=None, lr_bound=None, lr_limit=None, bound_text="", theory=None, steps=10,
                  tol=1e-3)
    d = np.log10(sizes)
    assert not np.allclose(np.diff(d), np.diff(d)[0], rtol=1e-3)     # the case at hand: uneven
    edges = cell_edges(pm.y)
    np.testing.assert_allclose(edges[1:-1], (d[1:] + d[:-1]) / 2)
    view = PhaseMapView(theme.LIGHT)
    qtbot.addWidget(view)
    view.resize(700, 600)
    view.show()
    qtbot.waitExposed(view)
    view.show_map(pm)
    qtbot.wait(50)
    colours, _, _ = cell_colors(pm)
    grab = view.grab().toImage()
    vb = view.plot.getViewBox()
    for i in range(len(sizes)):
        for j in range(3):
            at = view.mapFromScene(vb.mapViewToScene(QPointF(np.log10(lrs[j]), d[i])))
            assert QColor(grab.pixel(at)).getRgb()[:3] == tuple(int(c) for c in colours[i, j, :3]), (i, j)
            assert view.cell_at(np.log10(lrs[j]), d[i]) == (i, j)


def test_the_runs_ring_and_its_legend_entry_only_where_the_map_can_show_it(make_window, qtbot):
    """Weight decay 0 has no place on a log weight-decay axis: no ring, no legend entry, no log10(0)."""
    for wd, shown in ((0.0, False), (0.01, True)):
        run = RunSpec("gd", {"lr": 0.1, "weight_decay": wd}, start=(-1.5, 1.2))
        w, pw = opened(make_window, qtbot, run, "quadratic_bowl", n=6, steps=20)
        assert pw.pm.y.name == "weight_decay" and pw.pm.y.log
        xs, _ys = pw.view.current.getData()
        assert (len(xs) == 1) is shown
        labels = [label.text for _sample, label in pw.view.legend.items]
        assert ("the run's own setting" in labels) is shown
        if shown:
            assert xs[0] == pytest.approx(np.log10(0.1))
        pw.close()
        w.close()


def test_a_map_that_no_longer_fits_is_saved_without_it_and_the_status_says_so(make_app, qtbot, tmp_path):
    """Scene 20's mapped run switched to Adam: File → Save writes a file that loads (no map) and
    says in the status bar that the map was left out; the session keeps a loadable scene too."""
    from app.ui.window import session

    w, features = make_app(load_builtin("ravine_map"))
    w.edits.edit_run(1, {"solver": "adam"}, "solver")
    path = w.files.save(tmp_path / "changed.json")
    assert load_scene(path).phase_map is None and load_scene(path).runs[1].solver == "adam"
    assert "the phase map was left out: phase_map.y.name: adam has no hyper-parameter 'momentum'" in \
        w.status_label.text()
    session.save(w.settings, *w.host.layout_to_save(), w.race.scene)
    scene, problem = session.last_scene(w.settings)
    assert not problem and scene.runs[1].solver == "adam" and scene.phase_map is None


def test_lecture_mode_makes_the_maps_text_readable_from_the_back_row(make_app, qtbot):
    """F11: tick labels, axis labels and the legend grow to lecture sizes, and come back."""
    from app.ui.views.phase_map_view import PRESENTATION_PT, TEXT_PT

    w, features = make_app(load_builtin("ravine_map"))
    pw = features["phase_map"].dialog()
    qtbot.waitUntil(lambda: pw.pm is not None and not pw.busy, timeout=WAIT)

    def sizes():
        tick = pw.view.plot.getAxis("bottom").style["tickFont"].pointSize()
        label = pw.view.plot.getAxis("left").labelStyle["font-size"]
        legend = {lbl.opts["size"] for _s, lbl in pw.view.legend.items}
        return tick, label, legend, pw.font().pointSize()

    assert sizes() == (TEXT_PT, f"{TEXT_PT + 1}pt", {f"{TEXT_PT}pt"}, 12)
    features["lecture"].enter()
    qtbot.wait(50)
    assert w.host.presentation
    assert sizes() == (PRESENTATION_PT, f"{PRESENTATION_PT + 1}pt", {f"{PRESENTATION_PT}pt"}, 16)
    features["lecture"].leave()
    qtbot.wait(50)
    assert sizes() == (TEXT_PT, f"{TEXT_PT + 1}pt", {f"{TEXT_PT}pt"}, 12)
