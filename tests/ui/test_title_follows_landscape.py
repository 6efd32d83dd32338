"""After a landscape change the window title and the status bar name the new surface (issue 10 point 7)."""
from __future__ import annotations

import pytest

import landscapes
from app.model.scene import LandscapeSpec

from .conftest import race_scene

pytestmark = pytest.mark.gl


def test_title_and_status_follow_the_landscape(make_window):
    w = make_window()
    bowl = landscapes.get("quadratic_bowl").title
    assert w.windowTitle() == "Loss Lab — UI test scene" and bowl in w.status_label.text()
    booth = landscapes.get("booth")
    w.host.set_landscape(LandscapeSpec("booth"), booth)
    assert w.windowTitle() == f"Loss Lab — {booth.title}"
    assert booth.title in w.status_label.text() and bowl not in w.status_label.text()
    w.on_landscape_spec(LandscapeSpec("quadratic_bowl", resolution=80))   # back to the scene's own surface
    assert w.windowTitle() == "Loss Lab — UI test scene"
    w.load_scene(race_scene(landscape="booth"))
    assert w.windowTitle() == "Loss Lab — UI test scene" and booth.title in w.status_label.text()
