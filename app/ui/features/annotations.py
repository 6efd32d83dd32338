"""Lecture annotations: −∇f and velocity arrows at each run's head (2-D and 3-D),
the selected run's update rule with its numbers (rendered math), a step explainer line.

Shortcuts: G gradient arrows, V velocity arrows, U update formula, E step explainer.

Arrow length: an arrow points exactly along −∇f (or −v, where momentum carries
the point) in data coordinates; its length on screen saturates,
L = L_min + (L_max − L_min) · |g| / (|g| + g_ref) of the view (g_ref = the landscape's typical
gradient size), so a 10⁴ gradient on Rosenbrock and a 10⁻³ one near a minimum
both read, and a zero gradient has no arrow.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pyqtgraph.opengl as gl
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout

from app.model.explain import explain_track, tex_text
from app.ui.common import theme
from app.ui.common.actions import window_action
from app.ui.common.math_label import MathLabel
from app.ui.panels.runs_panel import update_rule

ARROW_MAX = 0.18        # longest arrow, as a fraction of the view
ARROW_MIN = 0.07        # shortest drawn arrow: longer than a head marker, so its direction shows
HEAD_LEN = 0.028        # arrowhead barbs, fraction of the view
HEAD_ANGLE = np.deg2rad(26)
FORMULA_DEBOUNCE_MS = 120   # re-render math at most ~8x a second while playing


def after_redraw(window, fn) -> None:
    """Call fn() after every window.redraw() (MainWindow.frame_drawn)."""
    window.frame_drawn.connect(fn)


def arrow_vectors(vecs: np.ndarray, span: np.ndarray, ref: float, max_len: float = ARROW_MAX,
                  min_len: float = ARROW_MIN) -> np.ndarray:
    """Data-space arrows along ``vecs`` (n, 2) whose view-relative length saturates.

    ``span`` (2,) is the view's data size; ``ref`` the magnitude at which an arrow
    is half-way between ``min_len`` and ``max_len``.
    """
    vecs = np.asarray(vecs, dtype=np.float64).reshape(-1, 2)
    mag = np.hypot(vecs[:, 0], vecs[:, 1])
    u = vecs / span                                   # view-relative direction
    unorm = np.hypot(u[:, 0], u[:, 1])
    ref = max(float(ref), 1e-300)
    length = np.where(mag > 1e-12 * ref, min_len + (max_len - min_len) * mag / (mag + ref), 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(unorm > 0, length / unorm, 0.0)
    return vecs * scale[:, None]


def arrow_polyline(bases: np.ndarray, vecs: np.ndarray, span: np.ndarray) -> np.ndarray:
    """NaN-separated polyline of shafts and two-barb heads, (7n, 2), for connect='finite'."""
    n = len(bases)
    if n == 0:
        return np.zeros((0, 2))
    tips = bases + vecs
    u = vecs / span
    unorm = np.hypot(u[:, 0], u[:, 1])[:, None]
    d = np.divide(u, unorm, out=np.zeros_like(u), where=unorm > 0)
    c, s = np.cos(HEAD_ANGLE), np.sin(HEAD_ANGLE)
    back = -d * HEAD_LEN   # heads of one size on screen, whatever the arrow's length
    b1 = np.stack([c * back[:, 0] - s * back[:, 1], s * back[:, 0] + c * back[:, 1]], axis=1) * span
    b2 = np.stack([c * back[:, 0] + s * back[:, 1], -s * back[:, 0] + c * back[:, 1]], axis=1) * span
    out = np.full((n, 7, 2), np.nan)
    out[:, 0], out[:, 1] = bases, tips
    out[:, 3], out[:, 4], out[:, 5] = tips + b1, tips, tips + b2
    keep = (unorm[:, 0] > 0)
    return out[keep].reshape(-1, 2)


class ExplainPanel(QFrame):
    """The selected run's update rule (symbolic) over the numbers of the step just taken."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("explain_panel")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(10, 8, 10, 8)
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.rule = MathLabel(point_size=15)
        self.numbers = MathLabel(point_size=15)
        for w in (self.title, self.rule, self.numbers):
            lay.addWidget(w)
        lay.addStretch(1)
        self.setMinimumWidth(240)
        self.apply_look(theme.LIGHT, 15)

    def apply_look(self, th: theme.Theme, point_size: float) -> None:
        self.point_size = point_size
        self.setStyleSheet(f"#explain_panel {{ background: {th.background}; border-left: 1px solid {th.foreground}; }}"
                           f" QLabel {{ color: {th.foreground}; background: transparent; }}")
        f = self.title.font()
        f.setPointSizeF(point_size)
        f.setBold(True)
        self.title.setFont(f)
        self.rule.set_style(point_size, th.foreground)
        self.numbers.set_style(point_size * 0.9, th.foreground)

    def show_explanation(self, spec, ex, color: str) -> None:
        self.title.setText(f"● {spec.title}")
        self.title.setStyleSheet(f"color: {color};")
        rule, lines = update_rule(spec.name, 1.0 if ex.uses_weight_decay else 0.0)   # no "+ λx" when λ = 0
        self.rule.set_math(rule, lines)
        self.numbers.set_math(ex.latex_lines(columns=True), ex.text_lines())


class Annotations:
    """Arrows and explanations attached to a MainWindow (see install)."""

    def __init__(self, window) -> None:
        self.window = window
        self.show_grad = False
        self.show_velocity = False
        self.show_formula = False
        self.show_words = False
        self.explanation = None
        self._arrows: dict[str, tuple[np.ndarray, np.ndarray]] = {"grad": (np.zeros((0, 2)),) * 2,
                                                                  "velocity": (np.zeros((0, 2)),) * 2}
        self.line_width = 3.0
        plot = window.contour_view.plot
        self._plot = plot
        self._grad_halo = pg.PlotCurveItem(connect="finite")
        self._grad_line = pg.PlotCurveItem(connect="finite")
        self._vel_items: list[tuple[pg.PlotCurveItem, pg.PlotCurveItem]] = []
        for z, it in ((30, self._grad_halo), (31, self._grad_line)):
            it.setZValue(z)
            plot.addItem(it)
        self._gl_grad = gl.GLLinePlotItem(mode="lines", width=3.0, antialias=True)
        self._gl_vel = gl.GLLinePlotItem(mode="lines", width=3.0, antialias=True)
        from app.ui.views.surface_view import MARKER_GL_OPTIONS  # drawn over the surface like the paths
        for it in (self._gl_grad, self._gl_vel):
            it.setGLOptions(MARKER_GL_OPTIONS)
            it.setDepthValue(25)
            window.surface_view.addItem(it)
        self.panel = ExplainPanel()
        self.panel.hide()
        window.views_split.addWidget(self.panel)
        self.words = QLabel()
        self.words.setObjectName("step_explainer")
        self.words.setWordWrap(True)
        self.words.hide()
        window.centralWidget().layout().addWidget(self.words)
        self._formula_timer = QTimer(window)
        self._formula_timer.setSingleShot(True)
        self._formula_timer.setInterval(FORMULA_DEBOUNCE_MS)
        self._formula_timer.timeout.connect(self._update_texts)
        self.apply_look(window.theme, presentation=False)

    # --- look ---------------------------------------------------------------------
    def apply_look(self, th: theme.Theme, presentation: bool) -> None:
        self.theme = th
        self.line_width = 4.0 if presentation else 2.5
        size = 20 if presentation else 12
        self._grad_halo.setPen(pg.mkPen(th.background, width=self.line_width + 3))
        self._grad_line.setPen(pg.mkPen(th.foreground, width=self.line_width))
        for halo, line in self._vel_items:
            halo.setPen(pg.mkPen(th.halo, width=self.line_width + 3))
        for it in (self._gl_grad, self._gl_vel):
            it.setData(width=self.line_width)
        self.panel.apply_look(th, 20 if presentation else 13)
        f = self.words.font()
        f.setPointSizeF(size)
        self.words.setFont(f)
        self.words.setStyleSheet(f"color: {th.foreground}; padding: 2px 8px;")
        self.update()

    # --- toggles ------------------------------------------------------------------
    def set_shown(self, what: str, on: bool) -> None:
        if what not in ("grad", "velocity", "formula", "words"):
            raise ValueError(f"unknown annotation {what!r}; choose grad, velocity, formula or words")
        setattr(self, {"grad": "show_grad", "velocity": "show_velocity", "formula": "show_formula",
                       "words": "show_words"}[what], bool(on))
        self.panel.setVisible(self.show_formula)
        self.words.setVisible(self.show_words)
        if self.show_formula:
            self._fit_panel()
        self.update()
        self._update_texts()

    def _fit_panel(self) -> None:
        sp = self.window.views_split
        w = sp.width()
        if w > 0:
            # as wide as the rendered formulas need (never more than 36 % of the views)
            side = min(max(self.panel.numbers.sizeHint().width() + 30, 280), int(w * 0.36))
            rest = w - side
            lecture = getattr(self.window, "lecture", None)   # lecture mode gives the 2-D map more
            a, b = lecture.views_share() if lecture is not None else (1, 1)
            sp.setSizes([rest * a // (a + b), rest - rest * a // (a + b), side])

    # --- per frame ----------------------------------------------------------------
    def arrows(self, kind: str) -> tuple[np.ndarray, np.ndarray]:
        """(bases, vectors) in data coordinates of the drawn 'grad' or 'velocity' arrows."""
        return self._arrows[kind]

    def update(self) -> None:
        race = self.window.race
        if race is None or self.window.grid is None:
            return
        runs = [tr for tr in race.runs if tr.diverged_at is None]
        (x0, x1), (y0, y1) = self.window.grid.bounds
        span = np.array([x1 - x0, y1 - y0], dtype=np.float64)
        ref = float(getattr(race.landscape, "grad_scale", 1.0) or 1.0)
        heads = np.asarray([tr.head for tr in runs], dtype=np.float64).reshape(-1, 2)
        if self.show_grad and len(runs):
            g = np.asarray([tr.grad for tr in runs]).reshape(-1, 2)
            vec = arrow_vectors(-g, span, ref)
            self._arrows["grad"] = (heads, vec)
        else:
            self._arrows["grad"] = (np.zeros((0, 2)), np.zeros((0, 2)))
        vel_runs, vel_bases, vel_vecs = [], [], []
        if self.show_velocity:
            for tr, h in zip(runs, heads):
                v = tr.velocity
                if v is not None and np.all(np.isfinite(v)):
                    vel_runs.append(tr)
                    vel_bases.append(h)
                    vel_vecs.append(-v)    # x moves along −v (x ← x − η v)
        vb = np.asarray(vel_bases).reshape(-1, 2)
        vv = arrow_vectors(np.asarray(vel_vecs).reshape(-1, 2), span, ref)
        self._arrows["velocity"] = (vb, vv)
        self._draw_2d(span, vel_runs)
        self._draw_3d(span, vel_runs)
        if self.show_formula or self.show_words:
            if not self.window.playing:
                self._update_texts()
            elif not self._formula_timer.isActive():
                self._formula_timer.start()

    def _draw_2d(self, span, vel_runs) -> None:
        b, v = self._arrows["grad"]
        poly = arrow_polyline(b, v, span)
        for it in (self._grad_halo, self._grad_line):
            it.setData(poly[:, 0], poly[:, 1], connect="finite") if len(poly) else it.setData([], [])
        while len(self._vel_items) < len(vel_runs):
            halo, line = pg.PlotCurveItem(connect="finite"), pg.PlotCurveItem(connect="finite")
            halo.setPen(pg.mkPen(self.theme.halo, width=self.line_width + 3))
            halo.setZValue(28)
            line.setZValue(29)
            self._plot.addItem(halo)
            self._plot.addItem(line)
            self._vel_items.append((halo, line))
        vb, vv = self._arrows["velocity"]
        for i, (halo, line) in enumerate(self._vel_items):
            if i < len(vel_runs):
                poly = arrow_polyline(vb[i:i + 1], vv[i:i + 1], span)
                line.setPen(pg.mkPen(vel_runs[i].color, width=self.line_width, style=Qt.PenStyle.SolidLine))
                for it in (halo, line):
                    it.setData(poly[:, 0], poly[:, 1], connect="finite") if len(poly) else it.setData([], [])
            else:
                halo.setData([], [])
                line.setData([], [])

    def _draw_3d(self, span, vel_runs) -> None:
        sv, f = self.window.surface_view, self.window.race.landscape
        if sv.grid is None:
            return
        for item, kind, colors in ((self._gl_grad, "grad", None),
                                   (self._gl_vel, "velocity", [tr.color for tr in vel_runs])):
            b, v = self._arrows[kind]
            poly = arrow_polyline(b, v, span)
            if len(poly) == 0:
                item.setData(pos=np.zeros((0, 3)))
                continue
            # polyline -> GL 'lines' segment pairs: (base, tip), (barb1, tip), (tip, barb2)
            per = poly.reshape(-1, 7, 2)
            seg = per[:, [0, 1, 3, 4, 4, 5]].reshape(-1, 2)
            with np.errstate(all="ignore"):
                z = f.value(seg)
            pos = sv.world(seg, np.where(np.isfinite(z), z, 0.0), lift=0.12)
            if colors is None:
                col = np.tile(theme.rgba_float(self.theme.foreground), (len(seg), 1))
            else:
                col = np.repeat(np.asarray([theme.rgba_float(c) for c in colors]), 6, axis=0)
            item.setData(pos=pos, color=col, width=self.line_width)
        sv.gl.update()

    def _update_texts(self) -> None:
        race = self.window.race
        if race is None or not (self.show_formula or self.show_words):
            return
        runs = race.runs
        i = self.window.runs_panel.current
        if not runs:
            return
        tr = runs[i] if 0 <= i < len(runs) else runs[0]
        import solvers

        try:
            self.explanation = ex = explain_track(tr)
        except (ValueError, ArithmeticError) as e:   # e.g. a run that has stopped: say so, keep going
            self.words.setText(f"{tr.label}: {e}")
            if self.show_formula:
                self.panel.numbers.set_math([tex_text(str(e))], [str(e)])   # not an earlier step's numbers
            return
        if self.show_formula:
            self.panel.show_explanation(solvers.spec(tr.spec.solver), ex, tr.color)
            sizes = self.window.views_split.sizes()
            if len(sizes) == 3 and self.panel.numbers.sizeHint().width() + 30 > sizes[2]:
                self._fit_panel()     # grow only: a panel that breathes every frame is distracting
        if self.show_words:
            self.words.setText(f"{tr.label} — {ex.words()}")


def _add_toggle(window, menu, text: str, key: str, tip: str, slot) -> QAction:
    return window_action(window, text, key, slot, tip, checkable=True, menu=menu)


def install(window) -> Annotations:
    """Add the annotation overlays and their G / V / U / E toggles to ``window``."""
    if getattr(window, "annotations", None) is not None:
        return window.annotations
    ann = Annotations(window)
    window.annotations = ann
    menu = window.menuBar().addMenu("&Annotations")
    ann.act_grad = _add_toggle(window, menu, "Gradient arrows", "G", "Arrows along −∇f at each run's head",
                               lambda on: ann.set_shown("grad", on))
    ann.act_velocity = _add_toggle(window, menu, "Velocity arrows", "V",
                                   "Arrows along the momentum / first moment (where it carries the point)",
                                   lambda on: ann.set_shown("velocity", on))
    ann.act_formula = _add_toggle(window, menu, "Update formula", "U",
                                  "The selected run's update rule with its numbers",
                                  lambda on: ann.set_shown("formula", on))
    ann.act_words = _add_toggle(window, menu, "Step explainer", "E", "The step just taken, in words",
                                lambda on: ann.set_shown("words", on))
    after_redraw(window, ann.update)
    window.runs_panel.selection_changed.connect(lambda _i: ann._update_texts())
    return ann
