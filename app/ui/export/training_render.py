"""Headless render of a cifar_training scene (the full-dimensional CIFAR-10 race) to PNG, MP4 or GIF.

    render_training(scene, "race.png", size=(1280, 720), steps=300, progress=report)

The race trains on the data the scene names (or the data folder setting /
$LOSSLAB_CIFAR_ROOT, app.model.cifar_training_scene), then its plane (the
scene's "plane" param) is drawn through every run's recorded path. The
picture is the training window's panes, laid out hidden at the output's size
(Qt.WA_DontShowOnScreen): the live plots and the class templates on the left,
the loss on the plane with every path (and red rings where the surface is off
the true loss), the accuracy on the same plane and the honesty strip on the
right. A video replays the finished race from its records: frame k shows the
curves up to step t_k, the paths on the (final) plane up to t_k and the
templates of the last recorded W at or before t_k (the race keeps 128 of them
a run, so the video has at most 129 frames). A scene that leaves eval_every
to the race's clock (null: evaluations at most 10% of a live race's time) is
evaluated 25 times over a render instead: a picture is not live, and its
full-batch curves should have more than two points.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

EVALS = 25      # full-batch evaluations over a render whose scene leaves them to the race's clock


@dataclass
class _Series:
    values: np.ndarray
    at: np.ndarray


@dataclass
class RunAt:
    """A race run as it was at step t (what TrainingPlots and the templates read)."""

    label: str
    history: _Series
    evals: _Series
    W: np.ndarray
    diverged: bool


def run_at(r, t: int) -> RunAt:
    h = r.history.at <= t
    ev = r.evals.values
    e = ev[:, 0] <= t
    k = int(np.searchsorted(r.record.at, t, side="right")) - 1
    W = r.record.values[max(k, 0)] if r.record.count else r.W
    return RunAt(r.label, _Series(r.history.values[h], r.history.at[h]), _Series(ev[e], r.evals.at[e]),
                 W, r.diverged and r.diverged_at <= t)


def frame_steps(race) -> list[int]:
    """The steps a video shows: 0, every recorded step of any run, and the last."""
    steps = {0, int(race.t)}
    for r in race.runs:
        steps.update(int(s) for s in r.record.at)
    return sorted(s for s in steps if s <= race.t)


class TrainingPicture:
    """The training window's panes, hidden, at one output size."""

    def __init__(self, race, result, size: tuple[int, int], title: str) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

        from app.model.scene import PALETTE
        from app.ui.common import theme
        from app.ui.views.contour_view import ContourView
        from app.ui.views.honesty_strip import HonestyStrip
        from app.ui.views.plane_pane import PlanePane
        from app.ui.views.templates_view import TemplatesView
        from app.ui.views.training_plots import TrainingPlots

        th = theme.LIGHT
        theme.apply_pyqtgraph(th)            # white plots, as the window's light theme
        self.race, self.result = race, result
        self.colors = [r.settings.color or PALETTE[i % len(PALETTE)] for i, r in enumerate(race.runs)]
        w, h = size
        self.root = QWidget()
        self.root.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
        self.root.setStyleSheet(f"QWidget {{ background: {th.background}; color: {th.foreground}; }}")
        head = QLabel(title)
        font = head.font()
        font.setPointSize(max(10, h // 50))
        font.setBold(True)
        head.setFont(font)
        self.plots = TrainingPlots(th=th)
        self.templates = TemplatesView(foreground=th.foreground, background=th.background)
        self.pane = PlanePane(th=th)          # its maps and strip, laid out here without its chooser
        self.pane.loss_tabs.removeTab(0)      # the 2-D loss map alone (no 3-D tab in a picture)
        self.loss_map: ContourView = self.pane.loss_map
        self.loss_map.setVisible(True)
        self.acc_map: ContourView = self.pane.acc_map
        self.honesty: HonestyStrip = self.pane.honesty
        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(self.plots)
        left.addWidget(self.templates)
        left.setSizes([int(h * 0.6), int(h * 0.4)])
        right = QSplitter(Qt.Orientation.Vertical)
        for pane in (self.loss_map, self.acc_map, self.honesty):
            right.addWidget(pane)
        right.setSizes([int(h * 0.33), int(h * 0.25), int(h * 0.42)])
        body = QSplitter()
        body.addWidget(left)
        body.addWidget(right)
        body.setSizes([int(w * 0.57), int(w * 0.43)])
        lay = QVBoxLayout(self.root)
        lay.setContentsMargins(6, 4, 6, 4)
        lay.addWidget(head)
        lay.addWidget(body, 1)
        self.root.setFixedSize(w, h)     # the output's size, whatever the panes' minimum sizes ask
        self.root.show()
        self.pane.show_plane(result, self.colors)

    def show_step(self, t: int) -> None:
        """Everything as it was at step t (the plane stays the final race's)."""
        from app.model.cifar_race import class_templates
        from app.ui.views.plane_pane import tracks_of

        runs = [run_at(r, t) for r in self.race.runs]
        self.plots.set_span(self.race.t)
        self.plots.set_runs(runs, self.colors)
        self.templates.set_rows([(r.label + (" ✕" if r.diverged else ""), c, class_templates(r.W))
                                 for r, c in zip(runs, self.colors, strict=True)])
        view = self.result.view
        tracks = []
        for tr, steps in zip(tracks_of(view, [self.colors[i] for i in view.runs]), view.steps, strict=True):
            keep = steps <= t
            if keep.any():
                tr.points, tr.losses = tr.points[keep], tr.losses[keep]
                tracks.append(tr)
        for m in (self.loss_map, self.acc_map):
            m.set_tracks(tracks)

    def image(self):
        from PySide6.QtWidgets import QApplication

        QApplication.processEvents()
        return self.root.grab().toImage()

    def close(self) -> None:
        self.root.close()
        self.root.deleteLater()


def render_training(scene, out: Path, size: tuple[int, int], fps: int, steps: int | None,
                    report, cancel: Callable[[], bool] | None = None, overwrite: bool = False) -> Path:
    """Train the scene's race, draw its plane, write the picture (or the replay as a video).
    report: render's reporter (report(fraction, message); report.part(a, b) for a sub-task)."""
    from app.model import export_options as options
    from app.model.blas_threads import one_blas_thread
    from app.model.cifar_training_scene import training_from_scene
    from app.model.video import encode_video
    from app.ui.export.image_io import qimage_to_rgb, save_png
    from app.ui.views.plane_pane import compute_plane

    race, plane_kind = training_from_scene(scene, report.part(0.0, 0.2), cancel)
    total = int(scene.playback.steps if steps is None else steps)
    if scene.landscape.params.get("eval_every") is None:
        race.eval_every = max(total // EVALS, 1)
    chunk = max(total // 50, 1)
    while race.t < total:
        if cancel is not None and cancel():
            from app.model.video import ExportCancelled

            raise ExportCancelled(f"export of {out.name} cancelled")
        with one_blas_thread():
            race.step(min(chunk, total - race.t))
        report(0.2 + 0.4 * race.t / max(total, 1), f"training: step {race.t}/{total}")
    race.evaluate()   # the final point of the curves is the race's last step
    report(0.6, f"{plane_kind} plane")
    result = compute_plane(race, plane_kind)
    picture = TrainingPicture(race, result, size, scene.title)
    try:
        if options.is_image(out.suffix.lower()):
            picture.show_step(race.t)
            report(0.9, "rendering")
            save_png(picture.image(), out, overwrite=overwrite)
        else:
            ts = frame_steps(race)

            def frames():
                for t in ts:
                    picture.show_step(t)
                    yield qimage_to_rgb(picture.image().convertToFormat(_rgbx()))

            encode_video(frames(), out, fps=fps, size=size, n_frames=len(ts), cancel=cancel, overwrite=overwrite,
                         progress=lambda done, n: report(0.7 + 0.3 * done / len(ts), f"frame {done}/{len(ts)}"))
    finally:
        picture.close()
    report(1.0, "done")
    return out


def _rgbx():
    from PySide6.QtGui import QImage

    return QImage.Format.Format_RGBX8888

