"""The Export dialog: a picture (3-D view, 2-D view, whole window) or a video of the race.

Pictures show what is on screen now (the live race, the current camera);
videos replay the scene from step 0 in hidden views (app.ui.export.render), so the
window may keep running. Rendering happens on the GUI thread (Qt and GL need
it) between processEvents calls, so the progress bar moves and Cancel works;
ffmpeg encodes in its own process meanwhile. The last folder is remembered.

Open it with ``ExportDialog(main_window).exec()``; install(host) adds File → Export… (Ctrl+E).
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QSettings
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.model import export_options
from app.model.export_names import file_stem
from app.model.limits import FPS_RANGE, MAX_SIZE, MAX_STEPS, MIN_SIZE
from app.model.video import ExportCancelled
from app.ui.export import render
from app.ui.window.host import Host

WHAT = (("Whole window (3-D + 2-D + plots)", "both"), ("3-D view", "3d"), ("2-D view", "2d"),
        ("Data view (linear-classifier lab)", "data"), ("Video of the race", "video"))
VIDEO_VIEWS = (("Whole window", "both"), ("3-D view", "3d"), ("2-D view", "2d"), ("Data view", "data"))
SIZES = ((1280, 720, "HD"), (1920, 1080, "Full HD"), (2560, 1440, "QHD"), (3840, 2160, "4K UHD"),
         (1024, 768, "projector"), (800, 600, ""), (640, 360, "small GIF"))
FORMATS = {"image": ((".png", "PNG image"), (".svg", "SVG vector drawing (2-D view)")),
           "video": ((".mp4", "MP4 video (H.264)"), (".gif", "Animated GIF"))}
LAST_DIR_KEY = "export/last_dir"


class ExportDialog(QDialog):
    def __init__(self, main_window, settings: QSettings | None = None) -> None:
        super().__init__(main_window)
        self.window_ = main_window
        self.settings = settings if settings is not None else _settings_of(main_window)
        self.setWindowTitle("Export")
        self._cancelled = False
        self._busy = False
        self.last_path: Path | None = None
        self._build()
        self._on_what()

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        scene = self.window_.race.scene
        form = QFormLayout()
        self.what = QComboBox()
        for text, key in WHAT:
            self.what.addItem(text, key)
        self.what.setToolTip("What to export: one view, the whole window, or a video of the race from step 0")
        form.addRow("Export", self.what)
        self.video_view = QComboBox()
        for text, key in VIDEO_VIEWS:
            self.video_view.addItem(text, key)
        form.addRow("Video shows", self.video_view)
        self.format = QComboBox()
        form.addRow("Format", self.format)

        self.size = QComboBox()
        for w, h, name in SIZES:
            self.size.addItem(f"{w} × {h}" + (f"  ({name})" if name else ""), (w, h))
        self.size.addItem("Custom…", None)
        self.width_box, self.height_box = (_spin(MIN_SIZE[0], MAX_SIZE[0], 1280),
                                           _spin(MIN_SIZE[1], MAX_SIZE[1], 720))
        self.width_box.setSuffix(" px")
        self.height_box.setSuffix(" px")
        size_row = QHBoxLayout()
        size_row.addWidget(self.size, 1)
        size_row.addWidget(self.width_box)
        size_row.addWidget(QLabel("×"))
        size_row.addWidget(self.height_box)
        form.addRow("Size", _wrap(size_row))

        self.transparent = QCheckBox("Transparent background")
        self.transparent.setToolTip("PNG only: the page around the plots is see-through")
        form.addRow("", self.transparent)
        self.fps = _spin(*FPS_RANGE, int(scene.playback.fps))
        self.fps.setSuffix(" fps")
        form.addRow("Frame rate", self.fps)
        self.steps = _spin(1, MAX_STEPS, int(scene.playback.steps))
        self.steps.setToolTip(f"Race steps in the video; {scene.playback.speed} step(s) per frame (the scene's speed)")
        form.addRow("Steps", self.steps)
        self.frames_label = QLabel()
        form.addRow("", self.frames_label)

        self.path = QLineEdit()
        browse = QPushButton("Browse…")
        browse.clicked.connect(self.browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(browse)
        form.addRow("File", _wrap(path_row))

        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)
        self.progress.setTextVisible(True)
        self.status = QLabel()
        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.export_button.setDefault(True)
        self.cancel_button.setText("Close")
        self.setMinimumWidth(580)
        self.export_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)

        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.progress)
        lay.addWidget(self.status)
        lay.addWidget(self.buttons)

        self.what.currentIndexChanged.connect(self._on_what)
        self.format.currentIndexChanged.connect(self._on_format)
        self.size.currentIndexChanged.connect(self._on_size)
        for box in (self.fps, self.steps):
            box.valueChanged.connect(self._update_frames)
        self.video_view.currentIndexChanged.connect(self._on_format)
        self._on_size()

    # ------------------------------------------------------------------ state
    @property
    def is_video(self) -> bool:
        return self.what.currentData() == "video"

    @property
    def view(self) -> str:
        return self.video_view.currentData() if self.is_video else self.what.currentData()

    @property
    def suffix(self) -> str:
        return self.format.currentData()

    @property
    def out_size(self) -> tuple[int, int]:
        return self.width_box.value(), self.height_box.value()

    def select(self, what: str | None = None, fmt: str | None = None, size=None, view: str | None = None) -> None:
        """Set choices by key (for code and tests): what in 3d/2d/both/video, fmt '.png', size (w, h)."""
        if what is not None:
            self.what.setCurrentIndex(self.what.findData(what))
        if view is not None:
            self.video_view.setCurrentIndex(self.video_view.findData(view))
        if fmt is not None:
            i = self.format.findData(fmt)
            if i < 0:
                raise ValueError(f"format {fmt} is not offered for this export")
            self.format.setCurrentIndex(i)
        if size is not None:
            i = self.size.findData(tuple(size))
            self.size.setCurrentIndex(i if i >= 0 else self.size.count() - 1)
            self.width_box.setValue(int(size[0]))
            self.height_box.setValue(int(size[1]))

    def _on_what(self) -> None:
        kind = "video" if self.is_video else "image"
        current = self.format.currentData()
        self.format.blockSignals(True)
        self.format.clear()
        for suffix, text in FORMATS[kind]:
            if suffix == ".svg" and self.what.currentData() not in ("2d", "data"):
                continue      # SVG keeps vectors only for the 2-D map and the data view
            self.format.addItem(text, suffix)
        i = self.format.findData(current)
        self.format.setCurrentIndex(max(i, 0))
        self.format.blockSignals(False)
        for w in (self.fps, self.steps, self.video_view):
            w.setEnabled(self.is_video)
        self._on_format()

    def _on_format(self) -> None:
        self.transparent.setEnabled(self.suffix == ".png")
        if self.suffix != ".png":
            self.transparent.setChecked(False)
        self.path.setText(str(self._default_path()))
        self._update_frames()

    def _on_size(self) -> None:
        data = self.size.currentData()
        custom = data is None
        self.width_box.setEnabled(custom)
        self.height_box.setEnabled(custom)
        if not custom:
            self.width_box.setValue(data[0])
            self.height_box.setValue(data[1])

    def _update_frames(self) -> None:
        if not self.is_video:
            self.frames_label.setText("The picture shows the race as it is now.")
            return
        speed = max(int(self.window_.race.scene.playback.speed), 1)
        n = render.video_frame_count(self.steps.value(), speed)
        self.frames_label.setText(f"{n} frames, {n / self.fps.value():.1f} s "
                                  f"({speed} step{'s' if speed > 1 else ''} per frame)")

    def _default_path(self) -> Path:
        current = self.path.text().strip()
        folder = Path(current).parent if current else self.last_dir()
        tag = "race" if self.is_video else self.view
        return folder / f"{file_stem(self.window_.race.scene.title)}_{tag}{self.suffix}"

    def last_dir(self) -> Path:
        v = self.settings.value(LAST_DIR_KEY) if self.settings is not None else None
        p = Path(str(v)) if v else Path.home()
        return p if p.is_dir() else Path.home()

    def browse(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Export to", self.path.text(),
                                              f"{self.format.currentText()} (*{self.suffix})")
        if name:
            if not name.lower().endswith(self.suffix):
                name += self.suffix
            self.path.setText(name)

    # ------------------------------------------------------------------ export
    def start(self) -> Path | None:
        """Export with the current choices; returns the file written (None if cancelled or failed)."""
        if self._busy:
            return None
        out = Path(self.path.text().strip()).expanduser()
        if out.suffix.lower() != self.suffix:
            out = out.with_suffix(self.suffix)
        if not out.parent.is_dir():
            self.status.setText(f"Folder {out.parent} does not exist")
            return None
        self._busy, self._cancelled = True, False
        self._set_running(True)
        try:
            done = self._export(out)
        except ExportCancelled:
            self.status.setText("Export cancelled")
            self.progress.setValue(0)
            return None
        except (ValueError, OSError) as e:
            self.status.setText(f"Export failed: {e}")
            return None
        finally:
            self._busy = False
            self._set_running(False)
        if self.settings is not None:
            self.settings.setValue(LAST_DIR_KEY, str(done.parent))
        self.last_path = done
        self.status.setText(f"Wrote {done}")
        self.window_.show_message(f"exported {done.name}")
        self.accept()
        return done

    def _export(self, out: Path) -> Path:
        w = self.window_
        camera = _camera_of(w)
        if self.is_video:
            return render.render_scene(w.race.scene, out, size=self.out_size, view=self.view, fps=self.fps.value(),
                                       steps=self.steps.value(), progress=self._progress, cancel=self._is_cancelled,
                                       landscape=w.race.landscape, camera=camera)
        # the checks render_scene makes for a video, here for the picture of the live race
        size = export_options.check_size(self.out_size, self.suffix)
        view = export_options.check_view(self.view, self.suffix)
        transparent = export_options.check_transparent(self.transparent.isChecked(), self.suffix)
        render.ensure_app(need_gl=export_options.needs_gl(view))
        self._progress(0.2, "rendering")
        renderer = render.SceneRenderer(w.race, size, view, transparent=transparent,
                                        camera=camera, grid=w.grid)
        try:
            if self.suffix == ".svg":
                done = renderer.save_svg(out)
            else:
                done = render.save_png(renderer.image(), out, transparent=transparent)
        finally:
            renderer.close()
        self._progress(1.0, "done")
        return done

    def _progress(self, fraction: float, message: str = "", *_, **__) -> None:
        self.progress.setValue(int(1000 * min(max(float(fraction), 0.0), 1.0)))
        if message:
            self.status.setText(message)
        QApplication.processEvents()      # keep the dialog alive and let Cancel through

    def _is_cancelled(self) -> bool:
        return self._cancelled

    def cancel(self) -> None:
        """Cancel a running export, or close the dialog."""
        if self._busy:
            self._cancelled = True
            self.status.setText("cancelling…")
        else:
            self.reject()

    def closeEvent(self, event) -> None:
        if self._busy:
            self._cancelled = True
            event.ignore()
            return
        super().closeEvent(event)

    def _set_running(self, running: bool) -> None:
        self.export_button.setEnabled(not running)
        for widget in (self.what, self.video_view, self.format, self.size, self.width_box, self.height_box,
                       self.transparent, self.fps, self.steps, self.path):
            widget.setEnabled(not running)
        if not running:
            self._on_what()
            self._on_size()
        self.cancel_button.setText("Cancel export" if running else "Close")


def _spin(lo: int, hi: int, value: int) -> QSpinBox:
    box = QSpinBox()
    box.setRange(lo, hi)
    box.setValue(min(max(value, lo), hi))
    return box


def _wrap(layout) -> QWidget:
    w = QWidget()
    layout.setContentsMargins(0, 0, 0, 0)
    w.setLayout(layout)
    return w


def _settings_of(main_window) -> QSettings:
    return main_window.settings.q


def _camera_of(main_window) -> dict | None:
    """The viewing angle on screen (elevation, azimuth); the zoom is fitted to the export.

    pyqtgraph's field of view is horizontal, so the window's distance would
    crop or shrink the surface in an export of another aspect ratio.
    """
    cam = main_window.surface_view.camera_dict()
    return {k: cam[k] for k in ("elevation", "azimuth") if k in cam} or None


class Export(QObject):
    """File → Export… and its tool bar button."""

    def __init__(self, host: Host) -> None:
        super().__init__(host.window)
        self.host = host
        self.act = host.add_action("Export…", "Ctrl+E", self.open, "Export an image or a video of the views",
                                   menu="file", toolbar="file")

    def open(self) -> None:
        ExportDialog(self.host.window).exec()


def install(host: Host) -> Export:
    return Export(host)


__all__ = ["LAST_DIR_KEY", "Export", "ExportDialog", "install"]
