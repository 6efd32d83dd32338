"""Curvature you can see (issue 13): the local quadratic at the cursor and at the runs' heads,
gradient descent's lr bound 2/λmax on the lr slider, and the 2-D map coloured by curvature.

- The cursor's ellipse (Shift+H) and the heads' ellipses (H): the level curve of the local
  quadratic ½ dᵀHd (app.model.curvature_sketch), solid where it rises, dashed where it falls,
  with its axes along the eigenvectors, in the map's data coordinates and as a line on the
  3-D surface (the cursor's white, each head's in its run's colour). The cursor's λmin, λmax
  and κ are written over its curve, the selected run's under its head. H is kept in the
  scene's view (``ellipses``), so exports, saved scenes and ``losslab render`` draw the
  heads' curves in their 2-D map too (app.ui.export.ellipses).
- The selected run's lr slider marks its rule's lr bound at its head and says when lr is past
  it: 2/λmax for gd and sgd, 2(1+μ)/λmax for momentum, 2(1+μ)/((1+2μ)λmax) for Nesterov.
- View → Colour 2-D map (K cycles): loss, λmin or |λmin/λmax|, saved in the scene's view
  (color_by), so sessions, scene files and exports keep it.
"""
from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
import pyqtgraph.opengl as gl
from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QActionGroup

from app.model.curvature import LocalCurvature
from app.model.curvature_colour import LABELS
from app.model.curvature_sketch import BOUND_SOLVERS_TEXT, WARNING, LrBound, curvature_text, lr_bound, sketch
from app.model.landscape_kinds import kind_of
from app.model.limits import COLOR_BY
from app.ui.common import theme
from app.ui.common.widgets import MARK_COLOR
from app.ui.views.curvature_curves import PRESENTATION_WIDTH, WIDTH, CurveItems, curvature_at, curve_size
from app.ui.views.curvature_layer import CurvatureLayer
from app.ui.views.surface_view import MARKER_GL_OPTIONS
from app.ui.window.host import Host

CURSOR_COLOR = "#FFFFFF"   # the heads' curves take their runs' colours
LIFT = 0.1           # the 3-D curves float this far above the surface (world units)
BOUND_TIP = (f"The lr bound at the run's head: on the local quadratic, the run's rule with a larger lr "
             f"diverges. Bounds: {BOUND_SOLVERS_TEXT}; weight decay λ adds λ to λmax. "
             "Adaptive solvers and Newton rescale the step, so no mark is shown for them.")


def head_warning(bound: LrBound) -> str:
    """The head label's short warning (the slider's note says it in full)."""
    return f"lr > {bound.name}: diverges on a quadratic"


class Curvature(QObject):
    """The curvature overlay, the lr-bound mark and the curvature colouring (made by install(host))."""

    def __init__(self, host: Host) -> None:
        super().__init__(host.window)
        self.host = host
        self.show_heads = False
        self.show_cursor = True
        self.cursor: tuple[float, float] | None = None
        self.cursor_curvature: LocalCurvature | None = None
        self.head_curvature: dict[int, LocalCurvature] = {}   # by row, for the drawn heads
        self.bound = None        # the selected run's LrBound (None: none applies)
        self._closed = False     # the window closes: its GL view is going
        self.actions: dict[str, QAction] = {}
        self.color_actions: dict[str, QAction] = {}
        self.layer = CurvatureLayer(host.contour_view)
        plot = self._plot = host.contour_view.plot
        self.cursor_items = CurveItems(plot, CURSOR_COLOR)    # the cursor's curve in white,
        self.head_items: list[CurveItems] = []                # each head's in its run's colour
        self.cursor_label = pg.TextItem(anchor=(0, 1))
        self.head_label = pg.TextItem(anchor=(0, 0))
        for it in (self.cursor_label, self.head_label):
            it.setZValue(32)
            it.hide()
            plot.addItem(it)
        self._gl = gl.GLLinePlotItem(mode="lines", width=3.0, antialias=True)
        self._gl.setGLOptions(MARKER_GL_OPTIONS)
        self._gl.setDepthValue(24)
        host.surface_view.addItem(self._gl)
        self.apply_look(host.theme, presentation=False)

    # --- look ---------------------------------------------------------------------
    def apply_look(self, th: theme.Theme, presentation: bool) -> None:
        self.theme = th
        self.width = PRESENTATION_WIDTH if presentation else WIDTH
        for items in [self.cursor_items, *self.head_items]:
            items.set_look(th, self.width)
        font = self.cursor_label.textItem.font()
        font.setPointSize(18 if presentation else 11)
        for it in (self.cursor_label, self.head_label):
            it.setFont(font)
            it.setColor(th.foreground)
            it.fill = pg.mkBrush(th.background + "D0")
        self.layer.set_theme(th)
        self.update()

    # --- toggles ------------------------------------------------------------------
    def set_shown(self, what: str, on: bool) -> None:
        if what not in ("heads", "cursor"):
            raise ValueError(f"unknown curvature overlay {what!r}; choose heads or cursor")
        setattr(self, f"show_{what}", bool(on))
        race = self.host.race
        if what == "heads" and race is not None:
            race.scene.view.ellipses = bool(on)     # kept with the scene: exports and saved files draw them
        act = self.actions.get(what)
        if act is not None and act.isChecked() != bool(on):
            act.blockSignals(True)
            act.setChecked(bool(on))
            act.blockSignals(False)
        self.update()

    def set_color_by(self, mode: str) -> bool:
        """Colour the 2-D map by ``mode`` (one of COLOR_BY) and keep it in the scene's view;
        False (the loss stays, the status bar says why) if the surface cannot give it."""
        race, grid = self.host.race, self.host.grid
        if mode not in COLOR_BY:
            raise ValueError(f"color_by must be one of {', '.join(COLOR_BY)}, got {mode!r}")
        if race is None or grid is None:
            return False
        race.scene.view.color_by = mode
        self._check(mode)
        if mode == "loss":
            self.layer.show_field(None)
            return True
        landscape = race.landscape
        if kind_of(race.scene.landscape).slow:    # a CIFAR-10 slice: its Hessian grid takes a while
            started = self.host.jobs.run(f"colouring by {LABELS[mode]}",
                                         lambda progress, cancel: self.layer.compute(landscape, grid, mode,
                                                                                     progress, cancel),
                                         self._field_ready, on_failed=self._field_failed,
                                         on_cancelled=lambda: self._field_failed("cancelled"))
            if not started:
                self._field_failed("another job is running; choose the colouring again after it")
            return started
        try:
            self.layer.show(landscape, grid, mode)
        except ValueError as e:
            self._field_failed(str(e))
            return False
        return True

    def cycle_color_by(self) -> None:
        race = self.host.race
        if race is not None:
            i = COLOR_BY.index(race.scene.view.color_by)
            self.set_color_by(COLOR_BY[(i + 1) % len(COLOR_BY)])

    def _field_ready(self, field) -> None:
        race = self.host.race
        if field is not None and race is not None and race.scene.view.color_by == field.mode \
                and self.host.grid is not None:
            try:
                self.layer.show_field(field)
            except ValueError as e:       # the surface changed meanwhile
                self._field_failed(str(e))

    def _field_failed(self, message: str) -> None:
        race = self.host.race
        if race is not None:
            race.scene.view.color_by = "loss"
        self.layer.show_field(None)
        self._check("loss")
        self.host.show_message(f"map coloured by the loss: {message}")

    def _check(self, mode: str) -> None:
        for m, act in self.color_actions.items():
            act.blockSignals(True)
            act.setChecked(m == mode)
            act.blockSignals(False)

    def on_surface(self) -> None:
        """A new surface (or a new look of it) is on screen: colour it and draw the heads' ellipses
        as its scene says."""
        race = self.host.race
        if race is None:
            self.update()
            return
        self.set_color_by(race.scene.view.color_by)
        self.set_shown("heads", race.scene.view.ellipses)     # redraws the overlay

    # --- per frame and per cursor move -------------------------------------------------
    def on_hover(self, x: float, y: float) -> None:
        self.cursor = (x, y) if np.isfinite(x) and np.isfinite(y) else None
        self.update()

    def _curvature(self, point) -> LocalCurvature | None:
        return curvature_at(self.host.race.landscape, point)

    def _size(self) -> float:
        return curve_size(self.host.contour_view.plot.getViewBox().viewRange())

    def update(self) -> None:
        race, grid = self.host.race, self.host.grid
        if race is None or grid is None or self._closed:
            return
        size = self._size()
        self.cursor_curvature = None
        if self.show_cursor and self.cursor is not None:
            self.cursor_curvature = self._curvature(self.cursor)
        self.head_curvature = {}
        row = self.host.selected_row
        if self.show_heads:
            for i, tr in enumerate(race.runs):
                c = self._curvature(tr.head) if tr.diverged_at is None else None
                if c is not None:
                    self.head_curvature[i] = c
        self._draw(race, size, grid.bounds)
        self._label_cursor()
        self._label_head(race, row)
        self._mark_slider(race, row)

    def _draw(self, race, size: float, bounds) -> None:
        runs = race.runs if self.show_heads else []
        while len(self.head_items) < len(runs):
            self.head_items.append(CurveItems(self._plot, CURSOR_COLOR))
            self.head_items[-1].set_look(self.theme, self.width)
        while len(self.head_items) > len(runs):
            self.head_items.pop().remove(self._plot)
        c = self.cursor_curvature
        segments = [(self.cursor_items.set_sketch(sketch(c, size) if c is not None else None, bounds), CURSOR_COLOR)]
        for i, (items, tr) in enumerate(zip(self.head_items, runs, strict=True)):
            if items.color != tr.color:
                items.set_look(self.theme, self.width, tr.color)
            c = self.head_curvature.get(i)
            segments.append((items.set_sketch(sketch(c, size) if c is not None else None, bounds), tr.color))
        self._draw_3d(segments)

    def _draw_3d(self, segments: list[tuple[np.ndarray, str]]) -> None:
        sv = self.host.surface_view
        if sv.grid is None or self._closed:
            return
        seg = np.concatenate([s for s, _ in segments])
        if len(seg) == 0:
            self._gl.setData(pos=np.zeros((0, 3)))
        else:
            colors = np.concatenate([np.tile(theme.rgba_float(color), (len(s), 1)) for s, color in segments])
            with np.errstate(all="ignore"):
                z = np.asarray(self.host.race.landscape.value(seg), dtype=np.float64)
            ok = np.isfinite(z).reshape(-1, 2).all(axis=1).repeat(2)
            pos = sv.world(seg[ok], z[ok], lift=LIFT)
            self._gl.setData(pos=pos, color=colors[ok], width=self.width + 1)
        sv.gl.update()

    def _label_cursor(self) -> None:
        c = self.cursor_curvature
        if c is None:
            self.cursor_label.hide()
            return
        # κ on a line of its own: one line of the three numbers is wider than a narrow map
        self.cursor_label.setText(curvature_text(c, kappa_sep="\n"))
        self._place(self.cursor_label, c.point, below=False)

    def _label_head(self, race, row: int) -> None:
        c = self.head_curvature.get(row)
        (x0, x1), (y0, y1) = self.host.grid.bounds
        if c is None or not (x0 <= c.point[0] <= x1 and y0 <= c.point[1] <= y1):   # off the map: no label
            self.head_label.hide()
            return
        text = html.escape(curvature_text(c))
        bound = lr_bound(race.runs[row].spec.solver, dict(race.runs[row].solver.hyper), c)
        if bound is not None and bound.past:
            text += f"<br><b style='color:{MARK_COLOR}'>{html.escape(head_warning(bound))}</b>"
        self.head_label.setHtml(f"<span style='white-space:pre'>{text}</span>")
        self._place(self.head_label, c.point, below=True)

    def _place(self, label: pg.TextItem, point, below: bool) -> None:
        """Over the curve around ``point`` (under it for a head: lecture mode's run names sit beside
        the heads), kept inside the view: the text runs rightwards from a point in the view's left
        half and ends at a point in its right half, so it never runs under the colour bar (the
        text's size in the view is not known before it is painted)."""
        vb = self.host.contour_view.plot.getViewBox()
        (x0, x1), (y0, y1) = vb.viewRange()
        py = abs(vb.viewPixelSize()[1])
        height = label.textItem.boundingRect().height() * py
        gap = self._size() * 1.05
        x = min(max(float(point[0]), x0), x1)
        y = float(point[1]) - gap if below else float(point[1]) + gap
        y = min(max(y, y0 + height), y1) if below else min(max(y, y0), y1 - height)
        label.setAnchor((0.0 if x < (x0 + x1) / 2 else 1.0, 0.0 if below else 1.0))
        label.setPos(x, y)
        label.show()

    def _mark_slider(self, race, row: int) -> None:
        slider = self.host.run_slider("lr")
        self.bound = None
        if slider is None:
            return
        if not 0 <= row < len(race.runs) or race.runs[row].diverged_at is not None:
            slider.set_mark(None)
            return
        tr = race.runs[row]
        c = self.head_curvature.get(row) or self._curvature(tr.head)
        self.bound = b = lr_bound(tr.spec.solver, dict(tr.solver.hyper), c) if c is not None else None
        if b is None:
            slider.set_mark(None)
            return
        slider.set_mark(b.value, b.note + ("" if b.value is None or slider.low <= b.value <= slider.high
                                           else " (off the slider)"),
                        WARNING if b.past else "", BOUND_TIP)


def install(host: Host) -> Curvature:
    """The curvature overlays (H heads, Shift+H cursor) and the map's colouring (View menu, K cycles)."""
    cv = Curvature(host)
    for what, text, key, tip, on in (
            ("heads", "Curvature ellipses", "H",
             "The local quadratic's ellipse (a hyperbola at a saddle) at each run's head, with λmin, λmax "
             "and κ at the selected run's", False),
            ("cursor", "Curvature at the cursor", "Shift+H",
             "The local quadratic's ellipse or hyperbola under the pointer on the 2-D map, with λmin, λmax, κ", True)):
        act = host.add_action(text, key, lambda checked, w=what: cv.set_shown(w, checked), tip,
                              menu="view", checkable=True)
        act.setChecked(on)
        cv.actions[what] = act
    group = QActionGroup(cv)
    for mode in COLOR_BY:
        act = host.add_action(f"Colour 2-D map: {LABELS[mode]}", None,
                              lambda checked, m=mode: checked and cv.set_color_by(m),
                              "Colour the 2-D map by the loss, the Hessian's λmin (blue < 0: saddle or maximum) "
                              "or |λmin/λmax| (Li et al. 2018)", menu="view", checkable=True)
        group.addAction(act)
        cv.color_actions[mode] = act
    cv._check("loss")
    cv.actions["cycle"] = host.add_action("Cycle the 2-D map's colouring", "K", cv.cycle_color_by,
                                          "Colour the 2-D map by loss → λmin → |λmin/λmax|", menu="view")
    host.contour_view.hovered.connect(cv.on_hover)
    host.contour_view.plot.getViewBox().sigRangeChanged.connect(lambda *_a: cv.update())
    host.frame_drawn.connect(cv.update)
    host.selection_changed.connect(lambda _i: cv.update())
    host.race_changed.connect(cv.update)
    host.landscape_changed.connect(cv.on_surface)
    host.look_changed.connect(cv.apply_look)
    host.closing.connect(lambda: setattr(cv, "_closed", True))
    cv.on_surface()
    return cv
