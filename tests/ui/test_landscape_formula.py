"""The Landscape panel writes each surface over its own axes: f(x, y) for a surface of x and y, the toy
classifier's loss over the two weights its axes name, a CIFAR-10 plane's own L(W* + a·D₁ + b·D₂)."""
from __future__ import annotations

import numpy as np
import pytest

from app.model.cifar_planes import pca_plane
from app.model.cifar_race import CifarRace, RunSettings, race_data
from landscapes.cifar.slice import CifarSlice
from landscapes.toy.losses import describe


@pytest.fixture
def panel(qtbot):
    from app.ui.panels.landscape_panel import LandscapePanel

    p = LandscapePanel()
    qtbot.addWidget(p)
    return p


def formula(panel):
    """(the Unicode formula, the mathtext lines) the panel asked its MathLabel to show."""
    latex, fallback = panel.formula._key[:2]
    return fallback[0], list(latex)


def shown(panel, f):
    panel.set_state(panel._spec, f, f.bounds)
    return formula(panel)


def test_the_toy_classifier_is_its_loss_over_the_two_weights_of_its_axes(make_app):
    from app.model import presets

    w, _ = make_app(presets.load_builtin("linear_classifier"))
    f = w.race.landscape
    assert f.axis_labels == ("W[0,0]", "W[0,1]")
    p = w.landscape_panel
    text, latex = formula(p)
    want = describe(f.objective.kind, f.objective.reg)        # the loss and its reg·‖W‖², in words
    assert text == f"L(W[0,0], W[0,1]) = {want['formula']}"
    assert "+ 0.1·‖W‖²" in text and "f(x" not in text
    assert latex == [f"$L(W[0,0], W[0,1]) = {want['latex'].strip('$')}$"]
    assert p.formula.rendered                                 # mathtext draws the axes' names


def test_random_toy_axes_are_named_as_on_the_axes(panel):
    from app.model.toy_spec import build

    f = build({"axes": "random", "seed": 2})
    text, latex = shown(panel, f)
    assert text.startswith("L(d₁, d₂) = ") and latex[0].startswith("$L(d_1, d_2) = ")
    assert panel.formula.rendered


def test_a_surface_of_x_and_y_stays_f_of_x_and_y(panel):
    import landscapes

    f = landscapes.get("rosenbrock")
    text, latex = shown(panel, f)
    assert text == "f(x, y) = (1 − x)² + 100·(y − x²)²"
    assert latex == ["$f(x, y) = (1 - x)^2 + 100\\,(y - x^2)^2$"]


def small_cifar(n=40):
    rng = np.random.default_rng(0)
    return rng.integers(0, 256, (n, 3072)).astype(np.uint8), np.arange(n) % 10, rng


def test_a_cifar_slice_says_its_own_plane_once(panel):
    x, y, rng = small_cifar()
    W = 1e-3 * rng.standard_normal((3073, 10))
    f = CifarSlice(W, x, y, directions=(rng.standard_normal(W.shape), rng.standard_normal(W.shape)))
    text, latex = shown(panel, f)
    assert text == f.formula and text.startswith("L(W* + a·D₁ + b·D₂) = ")
    assert latex == [f"${f.latex}$"] and "f(x" not in text


def test_a_training_race_plane_says_its_own_plane_once(panel):
    x, y, _ = small_cifar()
    race = CifarRace(race_data(x[:30], y[:30], x[30:], y[30:]), [RunSettings("sgd", {"lr": 1e-7}, label="sgd")],
                     eval_every=1000, record_rows=16)
    race.step(4)
    f = pca_plane(race).landscape
    text, _ = shown(panel, f)
    assert text == f.formula and text.startswith("L(W₀ + a·D₁ + b·D₂) = ")
