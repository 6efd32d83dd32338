"""A path's dark halo is a thin outline, not a second, darker line: across a path drawn at the
normal size, fewer pixels are halo than are the run's own colour (issue 10 point 14)."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from app.model.scene import LandscapeSpec, PlaybackSpec, RunSpec, Scene

pytest.importorskip("PySide6")
ORANGE = np.array([0xE6, 0x9F, 0x00])


def test_halo_is_thinner_than_the_line(tmp_path):
    from app.ui.export.render import render_scene

    # gd on 0.05 (x - 2)^2 + 0 y: a straight horizontal path along y = 0.5
    scene = Scene(title="halo", landscape=LandscapeSpec("expression", expression="0.05*(x - 2)^2 + 0*y",
                                                       bounds=((-2.0, 2.0), (-2.0, 2.0)), resolution=40),
                  runs=[RunSpec("gd", {"lr": 0.5}, start=(-1.8, 0.5), color="#E69F00")],
                  playback=PlaybackSpec(steps=200))
    out = render_scene(scene, tmp_path / "halo.png", size=(640, 480), view="2d")
    a = np.asarray(Image.open(out).convert("RGB")).astype(int)
    line = np.abs(a - ORANGE).max(axis=2) < 40
    cols = np.flatnonzero(line.sum(axis=0) > 0)
    assert len(cols) > 100, "the path was not drawn"
    dark = a.max(axis=2) < 60                     # the halo: near black (viridis' darkest is (68, 1, 84))
    widths = []
    for c in cols[len(cols) // 4: 3 * len(cols) // 4: 10]:   # columns in the path's middle, away from its ends
        rows = np.flatnonzero(line[:, c])
        band = slice(rows.min() - 8, rows.max() + 9)
        widths.append((line[band, c].sum(), dark[band, c].sum()))
    own, halo = np.median(np.array(widths), axis=0)
    assert own >= 2 and 0 < halo < own, (own, halo)
