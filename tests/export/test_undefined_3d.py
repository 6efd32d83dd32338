"""Undefined values have no 3-D surface: log(x) + y^2 is drawn only where x > 0 (a pixel check)."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from app.model.scene import LandscapeSpec, PlaybackSpec, RunSpec, Scene, ViewSpec


def coloured(a: np.ndarray) -> np.ndarray:
    """Pixels of the colour map (saturated), not the white page, the grey floor grid or text."""
    a = a.astype(int)
    return (a.max(axis=2) - a.min(axis=2)) > 60


@pytest.mark.gl
def test_the_undefined_half_of_log_x_has_no_surface(tmp_path):
    from app.ui.export.render import render_scene

    def top_view(expression):
        scene = Scene(title="", landscape=LandscapeSpec("expression", expression=expression,
                                                        bounds=((-2.0, 2.0), (-2.0, 2.0)), resolution=80),
                      view=ViewSpec(mode="3d", camera={"elevation": 90.0, "azimuth": 0.0}),
                      runs=[RunSpec("gd", {"lr": 0.01}, start=(1.0, 1.0))], playback=PlaybackSpec(steps=1))
        out = render_scene(scene, tmp_path / "top.png", size=(500, 500), view="3d")
        return coloured(np.asarray(Image.open(out).convert("RGB")))

    defined = top_view("abs(x) + y^2")          # defined everywhere: both halves are surface
    half = top_view("log(x) + y^2")             # undefined for x <= 0
    (ys, xs) = np.nonzero(defined)
    cx = 0.5 * (xs.min() + xs.max())
    cy = 0.5 * (ys.min() + ys.max())
    halves = [(xs < cx), (xs >= cx), (ys < cy), (ys >= cy)]
    # find the image half that holds x < 0 as the one that lost its surface
    lost = []
    for sel in halves:
        before = sel.sum()
        mask = np.zeros_like(defined)
        mask[ys[sel], xs[sel]] = True
        lost.append(1 - (half & mask).sum() / before)
    assert max(lost) > 0.8          # one half of the surface is gone (a hole, not a plateau)
    assert min(lost) < 0.1          # and the opposite half is all there
