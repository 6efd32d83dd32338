"""The phase map picture (`losslab map`): diverged cells grey where the map says, every other cell
in its colour, SVG as vector text, and a map of every kind of surface headless.

References: PhaseMap.diverged and the view's cell colours (app.ui.views.phase_map_view.cell_colors)
for where each cell must be; a cell of every surface against the single run of its settings.
"""
from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

import solvers
from app import cli
from app.model.build import build_landscape, start_of
from app.model.cli_map import map_summary
from app.model.lifted import stepper_target
from app.model.phase_map import phase_map
from app.model.presets import load_builtin
from tests.cli_surfaces import KINDS, private_cache, surface_args, surface_scene  # noqa: F401 (a fixture)
from tests.export.test_cli_render import losslab

GREY = np.array([85, 85, 85])      # DIVERGED_RGBA of the view
SIZE = (900, 700)
X = np.geomspace(1e-3, 0.05, 8)
Y = np.linspace(0.0, 0.95, 8)


@pytest.fixture(scope="module")
def ravine_map():
    f = build_landscape(load_builtin("ravine").landscape)
    pm = phase_map(f, solvers.make("momentum", lr=0.004, momentum=0.85), x_axis=("lr", X), y_axis=("momentum", Y),
                   steps=60)
    assert 0 < pm.diverged.sum() < pm.diverged.size and pm.theory is not None
    return pm, map_summary(pm, f.title)


def picture_of(pm, title):
    from app.ui.export.phase_map_render import PhaseMapPicture
    from app.ui.export.qt_app import ensure_app

    ensure_app(need_gl=False)
    return PhaseMapPicture(pm, title, SIZE)


def patch(a, xy, r=4):
    """The median colour of a (2r+1)² patch: a dashed line through it does not change it."""
    x, y = xy
    return np.median(a[y - r:y + r + 1, x - r:x + r + 1].reshape(-1, 3), axis=0)


def check_cells(a, pm, centres, marks):
    """Diverged cells grey, every other one in its colour; cells under a mark (the best star, the
    theory diamond) are not looked at."""
    from app.ui.views.phase_map_view import cell_colors

    rgba, _, _ = cell_colors(pm)
    looked = 0
    for (i, j), xy in centres.items():
        if any(abs(xy[0] - m[0]) < 30 and abs(xy[1] - m[1]) < 30 for m in marks):
            continue
        got = patch(a, xy)
        if pm.diverged[i, j]:
            assert np.abs(got - GREY).max() <= 3, (i, j, got)
        else:
            assert np.abs(got - rgba[i, j, :3]).max() <= 6, (i, j, got, rgba[i, j])
            assert np.ptp(got) > 40, (i, j, got)         # a viridis colour, not a grey
        looked += 1
    assert looked >= 0.8 * pm.values.size


def layout(pm, title):
    """Every cell's centre pixel and the marks' pixels, from the picture laid out at SIZE."""
    picture = picture_of(pm, title)
    try:
        centres = {(i, j): picture.cell_centre(i, j) for i in range(len(Y)) for j in range(len(X))}
        marks = [picture.cell_centre(*pm.best), picture.pixel_of(*pm.theory)]
    finally:
        picture.close()
    return centres, marks


def assert_not_blank(a):
    flat = a.reshape(-1, 3)
    assert flat.std() > 20 and len(np.unique(flat // 16, axis=0)) > 30


def test_png_cells_are_where_the_map_says(ravine_map, tmp_path):
    pm, title = ravine_map
    picture = picture_of(pm, title)
    try:
        out = picture.save(tmp_path / "map.png")
        centres = {(i, j): picture.cell_centre(i, j) for i in range(len(Y)) for j in range(len(X))}
        marks = [picture.cell_centre(*pm.best), picture.pixel_of(*pm.theory)]
    finally:
        picture.close()
    a = np.asarray(Image.open(out).convert("RGB"))
    assert a.shape == (SIZE[1], SIZE[0], 3)
    assert_not_blank(a)
    # the grid as drawn: lr grows to the right, μ upwards (row 0 of the image is its top)
    assert centres[(0, 0)][0] < centres[(0, 7)][0] and centres[(0, 0)][1] > centres[(7, 0)][1]
    check_cells(a, pm, centres, marks)


def test_cli_png_matches_the_map_computed_here(ravine_map, tmp_path):
    """The command end to end, in its own process: its PNG has the grey cells where pm.diverged says."""
    pm, title = ravine_map
    out = tmp_path / "cli.png"
    proc = losslab("map", "ravine", "--run", 1, "--x", "lr:1e-3:0.05:log", "--y", "momentum:0:0.95:lin",
                   "--cells", 8, "--steps", 60, "--size", "x".join(map(str, SIZE)), "--out", out)
    assert proc.returncode == 0, proc.stderr
    assert "100% done" in proc.stderr and proc.stdout.strip() == title
    centres, marks = layout(pm, title)
    check_cells(np.asarray(Image.open(out).convert("RGB")), pm, centres, marks)


def test_svg_is_vector(ravine_map, tmp_path):
    pm, title = ravine_map
    picture = picture_of(pm, title)
    try:
        out = picture.save(tmp_path / "map.svg")
    finally:
        picture.close()
    text = out.read_text(encoding="utf-8")
    assert text.rstrip().endswith("</svg>") and f'viewBox="0 0 {SIZE[0]} {SIZE[1]}"' in text
    assert text.count("<image") >= 1                  # the cells
    assert text.count("<path") >= 5                   # axes, ticks, the dashed edge, the marks
    # the words stay text (split where the font changes): title, axes, legend, colour bar
    for words in (">momentum, 8 × 8 settings, 60 steps", ">learning rate <", ">momentum <", ">diverged<",
                  ">best cell<", ">heavy-ball theory's best<", ">0.01<", "log₁₀(final loss − f*)"):
        assert words in text, words


@pytest.mark.parametrize("kind", KINDS)
def test_map_on_every_kind_of_surface(capsys, tmp_path, request, private_cache, kind):  # noqa: F811
    out, numbers = tmp_path / f"{kind}.png", tmp_path / f"{kind}.json"
    argv = ["map", *surface_args(kind, tmp_path, request), "--cells", "4", "--steps", "12",
            "--size", "640x480", "--out", str(out), "--json", str(numbers)]
    code = cli.main(argv)
    err = capsys.readouterr().err
    assert code == 0, err
    a = np.asarray(Image.open(out).convert("RGB"))
    assert a.shape == (480, 640, 3)
    assert_not_blank(a)
    got = json.loads(numbers.read_text(encoding="utf-8"))

    scene = surface_scene(kind, tmp_path, request)
    f = build_landscape(scene.landscape)
    run = scene.runs[0]
    want = phase_map(f, solvers.make(run.solver, **run.hyper), x_axis=(got["x"]["name"], got["x"]["values"]),
                     y_axis=(got["y"]["name"], got["y"]["values"]), start=start_of(run, f), steps=12,
                     noise=run.noise, seed=scene.seed)
    assert got["x"]["name"] == "lr" and got["solver"] == run.solver
    np.testing.assert_array_equal(np.array(got["values"], dtype=float), want.values)
    assert got["diverged"] == want.diverged.tolist()
    # the best cell is the single run of its settings (on a plane: all its weights, from the lifted start)
    target, p0 = stepper_target(f, start_of(run, f))
    one = solvers.run(solvers.make(run.solver, **got["best"]["settings"]), target, p0, steps=12)
    assert got["best"]["value"] == pytest.approx(float(one.losses[-1]) - got["f_star"], rel=1e-9, abs=1e-12)
