"""Lecture (presentation) mode: full screen, big type, thick lines, a slim playback bar,
the scene caption at the bottom, clicker navigation through the lecture scenes.

Keys (all modes): F11 enter/leave, Esc leave, D light/dark, PageDown / N next
scene, PageUp / P previous scene (a presenter's clicker sends PageDown/PageUp),
O the loss plots under the views (off by default: the views need the height).
Each run's label sits at its path head on the 2-D map (the docks, with the
legend, are folded away), and the caption is shown once, at the bottom.
Light theme with dark lines by default (lit rooms); sizes for a 1024x768
projector read from the back row: text >= 20 pt, lines >= 3 px, markers >= 14 px.
"""
from __future__ import annotations

from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QSplitter, QToolButton, QWidget

from app.model.playlist import Playlist
from app.ui.common import theme
from app.ui.views.head_labels import HeadLabels
from app.ui.views.surface_view import LABEL_PT as SURFACE_LABEL_PT
from app.ui.window.docks import own_bars as _bars
from app.ui.window.host import Host

FONT_PT = 20            # every text the audience reads
CAPTION_PT = 24
LABEL_PT = 18           # run labels at the path heads
PLOT_PT = 14            # the loss plots: small beside the views, still read from the back half
PLOTS_SHARE = 0.24      # of the height for the loss plots when O shows them
VIEWS_SHARE = (40, 60)  # 3-D : 2-D width in lecture mode; the 2-D map loses ~200 px to its axes and colour bar
BIG = dict(line=4.0, halo=9.0, head=20, start=16, star=28, outline=2.5)
# Light for lecture rooms: pure white ground, near-black ink, darker halos.
LECTURE_LIGHT = theme.Theme("lecture-light", "#FFFFFF", "#000000", "#000000", (255, 255, 255, 150), "#FFFFFF",
                            (0, 0, 0, 90))
# Dark: light contour lines (black ones vanish into viridis' dark purple on a black ground).
LECTURE_DARK = theme.Theme("dark", "#000000", "#FFFFFF", "#000000", (255, 255, 255, 120), "#FFFFFF",
                           (255, 255, 255, 70))


@dataclass
class _Saved:
    geometry: object
    state: object
    menubar: bool
    bars: list          # every dock and tool bar that was visible: exactly these come back
    views: list         # the 3-D | 2-D splitter sizes
    statusbar: bool
    plots: bool
    sizes: dict
    theme: theme.Theme


class ElidedLabel(QLabel):
    """A one-line label that shows its whole text when it fits and ends in "…" only when it
    does not (re-elided on every resize); the full text stays in text() and the tooltip."""

    def __init__(self) -> None:
        super().__init__()
        self._full = ""
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def setText(self, text: str) -> None:  # noqa: N802 (Qt's name)
        self._full = text
        self.setToolTip(text)
        self._elide()

    def text(self) -> str:
        return self._full

    def shown_text(self) -> str:
        """What is painted (the text, or its elided form)."""
        return super().text()

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._elide()

    def changeEvent(self, event) -> None:  # noqa: N802
        super().changeEvent(event)
        self._elide()            # a style sheet's font size changes the metrics

    def _elide(self) -> None:
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, max(self.width(), 1))
        if super().text() != shown:
            super().setText(shown)


class PlaybackBar(QWidget):
    """Previous | play step reset | slower speed faster | next  ...  title  n / N."""

    def __init__(self, lecture: LectureMode) -> None:
        super().__init__()
        self.setObjectName("lecture_bar")
        host = lecture.host
        lay = QHBoxLayout(self)
        lay.setContentsMargins(8, 2, 8, 2)
        lay.setSpacing(6)
        self.buttons: dict[str, QToolButton] = {}

        def button(key: str, text: str, slot, tip: str) -> None:
            b = QToolButton()
            b.setText(text)
            # Fixed: a full bar squeezes the title, never a button into "…"
            b.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            b.setToolTip(tip)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)   # keys stay with the window's shortcuts
            b.clicked.connect(slot)
            lay.addWidget(b)
            self.buttons[key] = b

        button("previous", "◀◀", lecture.previous_scene, "Previous scene (PageUp / P)")
        button("play", "▶", host.action("play").trigger, "Play / pause (Space)")
        button("step", "▶|", host.action("step").trigger, "Single step (→)")
        button("reset", "⟲", host.action("reset").trigger, "Reset (R)")
        button("slower", "−", host.action("slower").trigger, "Fewer steps per frame (−)")
        self.speed = QLabel()
        self.speed.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        lay.addWidget(self.speed)
        button("faster", "+", host.action("faster").trigger, "More steps per frame (+)")
        button("next", "▶▶", lecture.next_scene, "Next scene (PageDown / N)")
        self.position = QLabel()
        self.position.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        lay.addWidget(self.position)
        lay.addSpacing(8)
        self.title = ElidedLabel()       # the stretch goes here; elided only when too long
        lay.addWidget(self.title, 1)
        self.step = QLabel()
        self.step.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        lay.addWidget(self.step)


class LectureMode(QObject):
    """Lecture mode of the host's window (made by install(host))."""

    def __init__(self, host: Host) -> None:
        super().__init__(host.window)
        self.host = host
        self.active = False
        self.full_caption = False   # C: the whole caption instead of its first sentence
        self.show_plots = False     # O: the loss plots under the views
        self.labels = HeadLabels(host.contour_view)
        self.theme = LECTURE_LIGHT
        self.playlist = Playlist.builtin()
        self._saved: _Saved | None = None
        self.bar = PlaybackBar(self)
        self.bar.hide()
        self.caption = QLabel()
        self.caption.setObjectName("lecture_caption")
        self.caption.setWordWrap(True)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption.hide()
        host.add_row(self.bar, top=True)
        host.add_row(self.caption)
        host.frame_drawn.connect(self.refresh)
        host.scene_loaded.connect(self._one_caption)
        # a scene that cannot be shown puts the playlist back where the screen still is
        self._back_to: int | None = None
        host.scene_loaded.connect(self._scene_shown)
        host.scene_failed.connect(self._scene_not_shown)
        host.scene_text_changed.connect(self._one_caption)
        host.keep_layout(self.normal_layout)

    # --- enter / leave ------------------------------------------------------------
    def toggle(self) -> None:
        self.leave() if self.active else self.enter()

    def enter(self) -> None:
        if self.active:
            return
        host, w = self.host, self.host.window
        bars = [b for b in _bars(w) if _is_open(b)]
        self._saved = _Saved(w.saveGeometry(), w.saveState(), w.menuBar().isVisible(),
                             bars, host.views_split.sizes(),
                             w.statusBar().isVisible(), host.plots_view.isVisible(),
                             _view_sizes(host.contour_view), host.theme)
        self.active = True
        # every bar, open or tabbed under another: hiding only the front tab would bring up the one under it
        for widget in (*_bars(w), w.menuBar(), w.statusBar(), host.caption, host.plots_view):
            widget.hide()
        self._share_views()
        self.bar.show()
        self.caption.show()
        self._sync_playlist()
        self._set_sizes(BIG)
        self.labels.set_shown(True, LABEL_PT)
        self.apply_theme(self.theme)
        self._show_plots()
        w.showFullScreen()
        self._check(True)

    def leave(self) -> None:
        if not self.active:
            return
        host, w, s = self.host, self.host.window, self._saved
        self.active = False
        self.bar.hide()
        self.caption.hide()
        self.labels.set_shown(False)
        self._set_sizes(s.sizes)
        self.apply_theme(s.theme)
        w.showNormal()
        w.restoreGeometry(s.geometry)
        w.restoreState(s.state)
        for b in s.bars:
            if not _is_open(b):   # restoreState put back the rest, tabs and all
                b.show()
        host.views_split.setSizes(s.views)
        w.menuBar().setVisible(s.menubar)
        w.statusBar().setVisible(s.statusbar)
        host.caption.setVisible(bool(host.caption.text()))   # the caption of the scene on screen now
        host.plots_view.setVisible(s.plots)
        self._check(False)

    def _one_caption(self) -> None:
        """A new scene sets the window's caption (over the views): lecture mode has its own, below."""
        if self.active:
            self.host.caption.hide()

    def toggle_plots(self) -> None:
        self.show_plots = not self.show_plots
        if self.active:
            self._show_plots()

    def _show_plots(self) -> None:
        plots = self.host.plots_view
        plots.setVisible(self.show_plots)
        split = plots.parentWidget()
        if self.show_plots and isinstance(split, QSplitter):
            h = max(split.height(), 4)
            split.setSizes([h - int(h * PLOTS_SHARE), int(h * PLOTS_SHARE)])

    def views_share(self) -> tuple[int, int]:
        """3-D : 2-D width ratio for the views splitter (the formula panel, if open, keeps its width)."""
        return VIEWS_SHARE if self.active else (1, 1)

    def _share_views(self) -> None:
        sp = self.host.views_split
        sizes = sp.sizes()
        both = sizes[0] + sizes[1]
        a, b = self.views_share()
        first = both * a // (a + b)
        sp.setSizes([first, both - first, *sizes[2:]])

    def normal_layout(self) -> tuple:
        """(geometry, state) of the window outside lecture mode: what closing must save."""
        w = self.host.window
        if self.active and self._saved is not None:
            return self._saved.geometry, self._saved.state
        return w.saveGeometry(), w.saveState()

    def _check(self, on: bool) -> None:
        a = self.act_present
        a.blockSignals(True)
        a.setChecked(on)
        a.blockSignals(False)

    # --- look ---------------------------------------------------------------------
    def _set_sizes(self, sizes: dict) -> None:
        """Line widths and marker sizes of both views (they rebuild their run items)."""
        line, halo, head, start = (sizes[k] for k in ("line", "halo", "head", "start"))
        self.host.contour_view.set_sizes(line, halo, head, start, star=sizes["star"], outline=sizes["outline"])
        # 3-D axis labels as large as the 2-D ticks in lecture mode, back to the view's own size after
        label_pt = FONT_PT if sizes is BIG else SURFACE_LABEL_PT
        self.host.surface_view.set_sizes(line, halo, head, start, label_pt=label_pt)

    def toggle_theme(self) -> None:
        self.theme = LECTURE_DARK if self.host.theme.name != "dark" else LECTURE_LIGHT
        self.apply_theme(self.theme)

    def apply_theme(self, th: theme.Theme) -> None:
        """Recolour every view in place (views take their theme at construction)."""
        host = self.host
        big = self.active
        theme.apply_pyqtgraph(th)
        pt = FONT_PT if big else 9
        cv = host.contour_view
        cv.set_theme(th)
        cv.contours.setPen(pg.mkPen(th.contour, width=1.5 if big else 1.0))
        cv.stars.setPen(pg.mkPen(th.halo, width=2.0 if big else 1.5))
        tick = QFont()
        tick.setPointSize(pt)
        axes = [cv.plot.getAxis("bottom"), cv.plot.getAxis("left"), cv.colorbar.getAxis("right")]
        for ax in axes:
            ax.setPen(pg.mkPen(th.foreground, width=2 if big else 1))
            ax.setTextPen(pg.mkPen(th.foreground))
            ax.setTickFont(tick)
            ax.label.setFont(tick)
            ax.setStyle(tickTextOffset=8 if big else 3)
        cv.plot.getAxis("left").setWidth(int(pt * 3.2) if big else None)
        host.plots_view.set_theme(th)
        self._plot_fonts(PLOT_PT if big else 9, th, big)
        host.surface_view.set_theme(th)
        if host.race is not None:
            host.rebuild_surface()       # 3-D labels and contour colours follow the theme
        ink, ground = th.foreground, th.background
        host.window.centralWidget().setStyleSheet(
            f"QWidget#lecture_bar, QLabel#lecture_caption, QLabel#step_explainer {{ background: {ground}; }}"
            if not big else
            f"QWidget {{ background: {ground}; color: {ink}; }}"
            f" QToolButton {{ font-size: {FONT_PT}pt; min-width: 1.3em; border: 1px solid {ink}; border-radius: 4px;"
            f" padding: 0px 3px; }}"
            f" QLabel {{ font-size: {FONT_PT}pt; }}"
            f" QLabel#lecture_caption {{ font-size: {CAPTION_PT}pt; padding: 4px 16px; }}"
            f" QSplitter::handle {{ background: {ground}; }}")
        host.set_theme(th, presentation=big)   # the other features (annotations) follow
        if host.race is not None:
            host.redraw()

    def _plot_fonts(self, pt: int, th: theme.Theme, big: bool) -> None:
        """Tick, axis and title type of the loss plots (O shows them in lecture mode)."""
        pv = self.host.plots_view
        tick = QFont()
        tick.setPointSize(pt)
        for p in (pv.loss_plot, pv.grad_plot):
            for name in ("left", "bottom"):
                ax = p.getAxis(name)
                ax.setTickFont(tick)
                ax.label.setFont(tick)
            if big:
                p.titleLabel.opts["size"] = f"{pt + 1}pt"
            else:
                p.titleLabel.opts.pop("size", None)     # pyqtgraph's own size again
            p.setTitle(p.titleLabel.text, color=th.foreground)

    def toggle_caption(self) -> None:
        self.full_caption = not self.full_caption
        self.refresh()

    # --- scenes -------------------------------------------------------------------
    def _sync_playlist(self) -> None:
        name = self.host.scene_name
        i = self.playlist.find(name) if name else None
        if i is not None:
            self.playlist.go(i)

    def next_scene(self) -> None:
        self._sync_playlist()
        before = self.playlist.index
        self.playlist.next()
        if self.playlist.index != before:
            self._load_current(before)

    def previous_scene(self) -> None:
        self._sync_playlist()
        before = self.playlist.index
        self.playlist.previous()
        if self.playlist.index != before:
            self._load_current(before)

    def _load_current(self, before: int) -> None:
        try:
            scene = self.playlist.scene()
        except (ValueError, OSError) as e:
            self.host.show_message(f"cannot load scene {self.playlist.current!r}: {e}")
            self._scene_not_shown("", before)
            return
        self._back_to = before
        if not self.host.load_scene(scene, self.playlist.current):
            self._scene_not_shown()

    def _scene_shown(self) -> None:
        self._back_to = None

    def _scene_not_shown(self, _message: str = "", before: int | None = None) -> None:
        back = before if before is not None else self._back_to
        self._back_to = None
        if back is not None:
            self.playlist.go(back)
            self.refresh()

    # --- per frame ----------------------------------------------------------------
    def refresh(self) -> None:
        race = self.host.race
        if not self.active or race is None:
            return
        b = self.bar
        _set(b.step, f"step {race.step_count} / {race.total_steps}")
        _set(b.speed, f"×{self.host.playback.speed}")
        _set(b.position, self.playlist.position_text())
        _set(b.buttons["play"], "❚❚" if self.host.playback.playing else "▶")
        _set(self.caption, race.scene.caption if self.full_caption else short_caption(race.scene.caption))
        self.caption.setVisible(bool(race.scene.caption))
        _set(b.title, race.scene.title)
        self.labels.update(race.runs)


def _is_open(bar) -> bool:
    """Open (not closed by the user): a dock tabbed under another is open though not visible."""
    return bar.toggleViewAction().isChecked()


def _view_sizes(cv) -> dict:
    """The contour view's current sizes, in BIG's keys (restored on leaving)."""
    return dict(line=cv.line_width, halo=cv.halo_width, head=cv.head_size, start=cv.start_size,
                star=float(cv.stars.opts["size"]), outline=cv._halo_pen.widthF())


def short_caption(text: str, limit: int = 150) -> str:
    """The first sentence (or two, while they fit in ``limit`` characters): the rest
    of a long caption is the lecturer's to say, and it would push the views off a 768-px screen."""
    import re

    sentences = re.split(r"(?<=[.!?])\s+", text.strip())
    out = sentences[0] if sentences else ""
    if len(out) > limit:   # one long sentence would still fill five lines: cut at a clause, else a word
        head = out[:limit]
        cut = max(head.rfind("; "), head.rfind(": "))
        out = (head[:cut] if cut > limit // 3 else head[:head.rfind(" ")].rstrip(",")) + " …"
    for s in sentences[1:]:
        if len(out) + 1 + len(s) > limit:
            break
        out = f"{out} {s}"
    more = len(out) < len(text.strip())
    return out + ("  (C: more)" if more else "")


def _set(widget, text: str) -> None:
    if widget.text() != text:    # text layout is slow: only when it changes
        widget.setText(text)


def install(host: Host) -> LectureMode:
    """Lecture mode on F11 (the Presentation action in the tool bar, View and Lecture menus)."""
    lm = LectureMode(host)
    lm.act_present = host.add_action("Presentation", Qt.Key.Key_F11, lambda on: lm.enter() if on else lm.leave(),
                                     "Lecture mode: full screen, docks folded away", checkable=True,
                                     menu="view", toolbar="view")
    lm.act_leave = host.add_action("Leave presentation", Qt.Key.Key_Escape, lm.leave, "Leave lecture mode")
    lm.act_theme = host.add_action("Dark / light theme", Qt.Key.Key_D, lm.toggle_theme,
                                   "Switch between the light and the dark lecture theme")
    lm.act_next = host.add_action("Next scene", [Qt.Key.Key_PageDown, Qt.Key.Key_N], lm.next_scene,
                                  "Next lecture scene")
    lm.act_prev = host.add_action("Previous scene", [Qt.Key.Key_PageUp, Qt.Key.Key_P], lm.previous_scene,
                                  "Previous lecture scene")
    lm.act_caption = host.add_action("Whole caption", Qt.Key.Key_C, lm.toggle_caption,
                                     "Show the whole scene caption, or only its first sentence")
    lm.act_plots = host.add_action("Loss plots in lecture mode", Qt.Key.Key_O, lm.toggle_plots,
                                   "Show or hide the loss and gradient-norm plots under the views in lecture mode")
    menu = host.add_menu("&Lecture")
    for act in (lm.act_present, lm.act_theme, lm.act_next, lm.act_prev, lm.act_caption, lm.act_plots):
        menu.addAction(act)
    return lm
