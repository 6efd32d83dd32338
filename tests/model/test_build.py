"""build_landscape: registry, expression, regularization, bounds override, CIFAR root."""
from __future__ import annotations

import numpy as np
import pytest

from app.model import build
from app.model.build import build_landscape, view_bounds
from app.model.scene import LandscapeSpec

P = np.array([[0.3, -0.7], [1.5, 2.0]])


def test_registry_with_params_and_l2_l1():
    f = build_landscape(LandscapeSpec(name="ravine", params={"condition": 10.0}, l2=0.5, l1=0.25))
    x, y = P[:, 0], P[:, 1]
    # ravine(κ = 10) is x² + 10 y²; plus 0.5·|p|² + 0.25·|p|₁ (hand-written)
    expected = x**2 + 10 * y**2 + 0.5 * (x**2 + y**2) + 0.25 * (np.abs(x) + np.abs(y))
    np.testing.assert_allclose(f.value(P), expected, rtol=1e-12)


def test_expression_and_bounds_override():
    spec = LandscapeSpec(name="expression", expression="x^2 + 3*y^2", bounds=((-1.0, 2.0), (-3.0, 1.0)))
    f = build_landscape(spec)
    np.testing.assert_allclose(f.value(P), P[:, 0] ** 2 + 3 * P[:, 1] ** 2, rtol=1e-12)
    assert view_bounds(spec, f) == ((-1.0, 2.0), (-3.0, 1.0))
    g = build_landscape(LandscapeSpec(name="booth"))
    assert view_bounds(LandscapeSpec(name="booth"), g) == ((-10.0, 10.0), (-10.0, 10.0))
    with pytest.raises(ValueError, match="needs the f"):
        build_landscape(LandscapeSpec(name="expression"))


def test_cifar_slice_gets_params_progress_and_env_root(monkeypatch, tmp_path):
    import landscapes.cifar as cifar
    from app.model.landscape_kinds import set_cifar_root

    lab, mine = tmp_path / "cifar", tmp_path / "mine"
    lab.mkdir()
    mine.mkdir()
    set_cifar_root(None)

    got = {}

    def fake(**kw):
        got.update(kw)
        return build_landscape(LandscapeSpec(name="quadratic_bowl"))

    monkeypatch.setattr(cifar, "build_cifar_slice", fake)
    monkeypatch.setenv(build.CIFAR_ROOT_ENV, str(lab))
    progress, cancel = (lambda *a: None), (lambda: False)
    build_landscape(LandscapeSpec(name="cifar_slice", params={"subset": 100}), progress, cancel)
    assert got == {"subset": 100, "root": str(lab), "progress": progress, "cancel": cancel}
    build_landscape(LandscapeSpec(name="cifar_slice", params={"root": str(mine)}))
    assert got["root"] == str(mine)
