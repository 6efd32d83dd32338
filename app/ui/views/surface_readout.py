"""The cursor readout on the 3-D view: x, y, f and |∇f| of the surface point under the pointer.

The same text as the 2-D map's readout (app.model.readout), painted top-left
over the 3-D view (app.ui.gl.window's ``readout``). The point is where the
view ray through the pointer first meets the drawn surface (SurfaceView.pick);
off the surface, while orbiting, or outside the view there is no readout.
"""
from __future__ import annotations

from collections.abc import Callable

from app.ui.views.surface_view import LABEL_PT

READOUT_PT = 10.0    # at the axis labels' normal size (LABEL_PT); scaled with them in lecture mode


class SurfaceReadout:
    def __init__(self, view, probe: Callable[[float, float], str | None]) -> None:
        self.view, self.probe = view, probe
        self.point: tuple[float, float] | None = None    # data (x, y) under the pointer, if on the surface
        view.gl.hover_handler = self.hover

    def hover(self, x_px: float | None, y_px: float | None) -> None:
        v = self.view
        hit = v.pick(x_px, y_px) if x_px is not None and y_px is not None else None
        self.point = hit
        text = (self.probe(*hit) or "") if hit is not None else ""
        if text == v.gl.readout[0]:
            return
        pt = READOUT_PT * v.label_pt / LABEL_PT
        v.gl.readout = (text, v.theme.foreground, v.theme.background, pt)
        v.gl.update()
