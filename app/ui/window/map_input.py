"""The pointer on the 2-D map: drag a start marker to move that run's start; the cursor readout on both views.

A drag moves the start live (the run re-simulates as it goes, no undo step per
mouse move); on release it becomes one undoable start move, from where the drag
began to where it ended. The readout shows the landscape's exact x, y, f and
|∇f| under the cursor (app.model.readout).
"""
from __future__ import annotations

from typing import Any

from app.model.readout import cursor_readout
from app.ui.views.surface_readout import SurfaceReadout


class MapInput:
    def __init__(self, window: Any) -> None:
        self.w = window
        self._drag_from: tuple[int, tuple[float, float]] | None = None   # (scene index, start before)
        window.contour_view.start_dragged.connect(self._on_drag)
        window.contour_view.set_probe(self._probe)
        self.surface_readout = SurfaceReadout(window.surface_view, self._probe)

    def _probe(self, x: float, y: float) -> str | None:
        race = self.w.race
        return cursor_readout(race.landscape, x, y) if race is not None else None

    def _on_drag(self, row: int, x: float, y: float, finished: bool) -> None:
        w = self.w
        if w.race is None or not 0 <= row < len(w.race.runs):
            return
        index = w.race.runs[row].index
        if self._drag_from is None:
            self._drag_from = (index, w.edits.start_of(index))
        if not finished:
            try:
                w.race.set_start(index, (x, y))
            except ValueError:
                return
            w.redraw(texts=False)
            return
        start_index, before = self._drag_from
        self._drag_from = None
        w.race.set_start(start_index, before)     # so the one undo step goes back to where the drag began
        w.runs_panel.select(row)
        w.set_start(row, (x, y))
