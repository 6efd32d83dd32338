"""Offscreen rendering of a scene to PNG, SVG, MP4 or GIF (GUI export and ``losslab render``).

Nothing here grabs the screen: the views are built hidden at the requested
size. The 3-D view (a SurfaceView) draws into a multisampled
QOpenGLFramebufferObject of exactly the pane's pixel size; the 2-D view and
the plots (pyqtgraph PlotItems) are painted through QGraphicsScene.render into
the same QImage; title, step counter and legend are painted with QPainter.

Sizes. Layout happens in *logical* pixels on a canvas of ``size / s`` with

    s = max(0.75, min(w / 1280, h / 720)),

and the image has device pixel ratio ``s``, so fonts, line widths and
markers grow with the output: a 3840x2160 export looks like a 1280x720 one,
only sharper (s = 3), and a small 640x360 GIF keeps legible text (s = 0.75).

Views. ``"3d"`` or ``"2d"``: that view with the title and a legend;
``"both"``: the whole window, 3-D | 2-D side by side over the loss and
|grad| plots (the plots are left out when the body is under 420 logical px
high). SVG is always the 2-D view, with vector contours and trajectories (the
heatmap is an embedded image).

Videos. N race steps played at ``scene.playback.speed`` steps per frame give

    frames = ceil(N / speed) + 1

frames: the start (step 0) and one frame after each group of ``speed`` steps
(the last group may be shorter). Each frame shows its step number, so even a
finished or diverged race gives N distinct frames.
"""
from __future__ import annotations

import copy
import math
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np

from app.model.scene import Scene

VIEWS = ("3d", "2d", "both")
IMAGE_SUFFIXES = (".png", ".svg")
VIDEO_SUFFIXES = (".mp4", ".gif")
MAX_SIZE = (7680, 4320)
BASE_SIZE = (1280, 720)     # the logical canvas a 1x export is laid out for
MIN_SCALE = 0.75            # small exports keep text legible rather than shrinking it
NEEDS_DISPLAY = "3-D rendering needs a display: run under xvfb-run (or use --view 2d)"

# Logical sizes (pixels at s = 1).
MARGIN = 12
GAP = 10
TITLE_PX = 24
STEP_PX = 17
LEGEND_PX = 16
TICK_PX = 14
LABEL_PX = 16
PLOTS_MIN_BODY = 420        # below this body height "both" shows no loss/|grad| plots
PLOTS_SHARE = 0.32          # of the body height, when shown

Progress = Callable[..., object]


class RenderError(ValueError):
    """Rendering cannot be done as asked (no display for 3-D, bad view or size): one line."""


# ---------------------------------------------------------------- public API
def scale_for(size: tuple[int, int]) -> float:
    """The device pixel ratio of an export of ``size`` (see the module docstring)."""
    w, h = size
    return max(MIN_SCALE, min(w / BASE_SIZE[0], h / BASE_SIZE[1]))


def video_frame_count(steps: int, speed: int) -> int:
    """Frames of a video of ``steps`` race steps at ``speed`` steps per frame: ceil(steps/speed) + 1."""
    if steps < 0 or speed < 1:
        raise ValueError(f"need steps >= 0 and speed >= 1, got steps={steps}, speed={speed}")
    return -(-int(steps) // int(speed)) + 1


def render_scene(
    scene: Scene,
    out: str | os.PathLike,
    size: tuple[int, int] = (1280, 720),
    view: str = "both",
    fps: int | None = None,
    steps: int | None = None,
    progress: Progress | None = None,
    *,
    cancel: Callable[[], bool] | None = None,
    transparent: bool = False,
    landscape=None,
    camera: dict | None = None,
    overwrite: bool = False,
) -> Path:
    """Render ``scene`` to ``out`` (.png, .svg, .mp4 or .gif) without showing a window.

    Images show the race after ``steps`` steps (default: the scene's
    playback.steps); videos show it step by step (see the module docstring
    for the frame count) at ``fps`` (default: the scene's playback.fps).
    ``progress(fraction, message)`` is called as work goes on; ``cancel()``
    returning True stops a video with app.model.video.ExportCancelled.
    ``landscape`` reuses an already built surface (e.g. a CIFAR slice);
    ``camera`` (distance, elevation, azimuth) overrides the scene's.
    An existing read-only ``out`` is refused unless ``overwrite`` (app.model.safe_output).
    """
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in IMAGE_SUFFIXES + VIDEO_SUFFIXES:
        raise RenderError(f"cannot render to '{out.name}': use .png, .svg, .mp4 or .gif")
    view = _check_view(view, suffix)
    size = _check_size(size, suffix)
    if transparent and suffix != ".png":
        raise RenderError("a transparent background is only possible for .png")
    scene = copy.deepcopy(scene)
    if steps is not None:
        if isinstance(steps, bool) or int(steps) < 0:
            raise RenderError(f"steps must be a non-negative integer, got {steps!r}")
        scene.playback.steps = int(steps)
    fps = int(fps if fps is not None else scene.playback.fps)
    if not 1 <= fps <= 120:
        raise RenderError(f"fps must be between 1 and 120, got {fps}")
    report = _Reporter(progress)
    ensure_app(need_gl=view != "2d")

    from app.model.build import build_landscape
    from app.model.race import Race

    if landscape is None:
        report(0.0, "building landscape")
        landscape = build_landscape(scene.landscape, progress=report.part(0.0, 0.3), cancel=cancel)
    race = Race(scene, landscape)
    if suffix in VIDEO_SUFFIXES:
        return _render_video(race, out, size, view, fps, report, cancel, camera, overwrite)
    report(0.3, f"running {race.total_steps} steps")
    race.step(race.total_steps)
    renderer = SceneRenderer(race, size, view, transparent=transparent, camera=camera)
    try:
        report(0.6, "rendering")
        if suffix == ".svg":
            renderer.save_svg(out, overwrite=overwrite)
        else:
            save_png(renderer.image(), out, transparent=transparent, overwrite=overwrite)
    finally:
        renderer.close()
    report(1.0, "done")
    return out


def ensure_app(need_gl: bool):
    """The QApplication (created if none exists, sharing GL contexts); RenderError if 3-D is impossible.

    With no display at all, 2-D still works on Qt's offscreen platform; 3-D
    needs a real OpenGL context (an X display, e.g. xvfb-run).
    """
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        has_display = bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
        if not has_display and not os.environ.get("QT_QPA_PLATFORM"):
            if need_gl:
                raise RenderError(NEEDS_DISPLAY)
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
        # before QApplication, or a second GL widget fails (DESIGN.md traps)
        QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
        app = QApplication(["losslab"])
    if need_gl and QApplication.platformName() in ("offscreen", "minimal"):
        raise RenderError(NEEDS_DISPLAY)
    return app


def save_png(img, path: str | os.PathLike, transparent: bool = False, overwrite: bool = False) -> Path:
    """Write a QImage as PNG through app.model.safe_output (a failed write keeps the old file)."""
    from PySide6.QtGui import QImage

    from app.model.safe_output import safe_output

    path = Path(path)
    img = img.convertToFormat(QImage.Format.Format_ARGB32 if transparent else QImage.Format.Format_RGB32)
    with safe_output(path, overwrite=overwrite) as tmp:
        # quality 80 = light zlib compression: a 4K frame saves in a fraction of a second
        if not img.save(str(tmp), "PNG", 80):
            raise OSError("Qt could not write the PNG")
    return path


def qimage_to_rgb(img) -> np.ndarray:
    """A QImage as a (h, w, 3) uint8 array (a copy)."""
    from PySide6.QtGui import QImage

    if img.format() != QImage.Format.Format_RGBX8888:
        img = img.convertToFormat(QImage.Format.Format_RGBX8888)
    w, h, stride = img.width(), img.height(), img.bytesPerLine()
    buf = np.frombuffer(img.constBits(), dtype=np.uint8, count=img.sizeInBytes())
    return buf.reshape(h, stride)[:, : 4 * w].reshape(h, w, 4)[..., :3].copy()


# ---------------------------------------------------------------- the renderer
class SceneRenderer:
    """Hidden views of one race composed into an image of a fixed size.

    Call ``update()`` after stepping the race, then ``image()`` (QImage),
    ``frame()`` (RGB array) or ``save_svg(path)``; ``close()`` frees GL objects.
    """

    def __init__(self, race, size: tuple[int, int], view: str = "both", *, transparent: bool = False,
                 camera: dict | None = None, th=None, grid=None, cache: bool = False) -> None:
        import pyqtgraph as pg

        from app.model import build
        from app.ui.common import theme
        from app.ui.views.surface_grid import sample

        if view not in VIEWS:
            raise RenderError(f"view must be one of {', '.join(VIEWS)}, got {view!r}")
        self.race, self.view, self.transparent = race, view, transparent
        self.size = (int(size[0]), int(size[1]))
        self.scale = scale_for(self.size)
        self.theme = th if th is not None else theme.LIGHT
        spec, vspec = race.scene.landscape, race.scene.view
        if grid is None:
            grid = sample(race.landscape, build.view_bounds(spec, race.landscape), int(spec.resolution),
                          log=vspec.log_z)
        self.grid = grid
        minima = tuple(race.landscape.minima)
        saved = {k: pg.getConfigOption(k) for k in ("background", "foreground", "antialias")}
        theme.apply_pyqtgraph(self.theme)      # our views are light even if the window is dark
        try:
            self.surface = _Offscreen3D(self.theme, grid, race.landscape, vspec, camera) if view != "2d" else None
            self.contour = _Contour2D(self.theme, grid, vspec, minima) if view != "3d" else None
            self.plots = _Plots(self.theme, race, grid) if view == "both" else None
        finally:
            pg.setConfigOptions(**saved)
        self.cache = cache
        if self.surface is not None:
            self.surface.cache = cache      # videos: draw the static surface once, not every frame
        self.update()
        self._warm_up()

    def _warm_up(self) -> None:
        """Paint the pyqtgraph panes once, unseen: axes size themselves to their labels on first paint."""
        from PySide6.QtGui import QImage, QPainter

        panes = {k: r for k, r in self.layout()["panes"].items() if k != "3d"}
        if not panes:
            return
        img = QImage(*self.size, QImage.Format.Format_ARGB32_Premultiplied)
        img.setDevicePixelRatio(self.scale)
        painter = QPainter(img)
        try:
            for name, rect in panes.items():
                for item, part in (self.plots.items(rect) if name == "plots" else [(self.contour.plot, rect)]):
                    _paint_item(painter, item, part)
        finally:
            painter.end()
        _flush_layouts()

    def update(self) -> None:
        """Push the race's current runs to every view."""
        runs = self.race.runs
        for v in (self.surface, self.contour, self.plots):
            if v is not None:
                v.set_tracks(runs)

    # --- output ------------------------------------------------------------
    def image(self):
        """The composed picture as a QImage of exactly ``size`` pixels (ARGB32 premultiplied)."""
        from PySide6.QtGui import QColor, QImage, QPainter

        w, h = self.size
        # RGBX8888 is byte-ordered RGB(X): a video frame is a view of it, no conversion
        fmt = QImage.Format.Format_ARGB32_Premultiplied if self.transparent else QImage.Format.Format_RGBX8888
        img = QImage(w, h, fmt)
        img.fill(QColor(0, 0, 0, 0) if self.transparent else QColor(self.theme.background))
        img.setDevicePixelRatio(self.scale)
        painter = QPainter(img)
        try:
            self._paint(painter, svg=False)
        finally:
            painter.end()
        img.setDevicePixelRatio(1.0)
        return img

    def frame(self) -> np.ndarray:
        """The picture as an (h, w, 4) uint8 RGBX array, valid until the next call (video frames).

        A view of the image's own pixels (no copy); the encoder keeps RGB.
        """
        from PySide6.QtGui import QImage

        img = self.image()
        if img.format() != QImage.Format.Format_RGBX8888:
            img = img.convertToFormat(QImage.Format.Format_RGBX8888)
        self._frame_image = img        # keeps the pixels alive while the array is in use
        w, h, stride = img.width(), img.height(), img.bytesPerLine()
        buf = np.frombuffer(img.constBits(), dtype=np.uint8, count=img.sizeInBytes())
        return buf.reshape(h, stride)[:, : 4 * w].reshape(h, w, 4)

    def save_svg(self, path: str | os.PathLike, overwrite: bool = False) -> Path:
        """The 2-D view as SVG: vector contours, trajectories, text; the heatmap embedded."""
        from app.model.safe_output import safe_output

        if self.contour is None:
            raise RenderError("SVG export is of the 2-D view: use view '2d' (or a .png for 3-D)")
        path = Path(path)
        with safe_output(path, overwrite=overwrite) as tmp:
            self._write_svg(tmp)
        return path

    def _write_svg(self, tmp: Path) -> None:
        from PySide6.QtCore import QRect, QSize
        from PySide6.QtGui import QPainter, QPicture
        from PySide6.QtSvg import QSvgGenerator

        lw, lh = self.logical_size
        gen = QSvgGenerator()
        gen.setFileName(str(tmp))
        # pyqtgraph caches axes and markers as QPictures recorded at the screen's dpi; an SVG
        # device of another dpi would replay them scaled (0.75 at the default 72 dpi)
        gen.setResolution(QPicture().logicalDpiX())
        gen.setSize(QSize(*self.size))
        gen.setViewBox(QRect(0, 0, round(lw), round(lh)))
        gen.setTitle(self.race.scene.title)
        gen.setDescription("Loss Lab export")
        painter = QPainter()
        if not painter.begin(gen):
            raise OSError("Qt could not open the SVG for writing")
        try:
            self._paint(painter, svg=True)
        finally:
            painter.end()
        # QSvgGenerator reports no write errors: a full disk shows as a file cut short
        with open(tmp, "rb") as f:
            f.seek(max(tmp.stat().st_size - 64, 0))
            if b"</svg>" not in f.read():
                raise OSError("the SVG was cut short (is the disk full?)")

    def close(self) -> None:
        if self.surface is not None:
            self.surface.close()
            self.surface = None

    @property
    def logical_size(self) -> tuple[float, float]:
        return self.size[0] / self.scale, self.size[1] / self.scale

    # --- layout and painting ----------------------------------------------------
    def layout(self, svg: bool = False) -> dict:
        """Logical rects of header, legend and the panes that are drawn."""
        from PySide6.QtCore import QRectF

        lw, lh = self.logical_size
        header = QRectF(MARGIN, MARGIN * 0.6, lw - 2 * MARGIN, TITLE_PX * 1.5)
        entries = self._legend_entries()
        rows = _flow(entries, lw - 2 * MARGIN, _font(LEGEND_PX))
        legend_h = len(rows) * LEGEND_PX * 1.6
        legend = QRectF(MARGIN, lh - MARGIN * 0.6 - legend_h, lw - 2 * MARGIN, legend_h)
        top = header.bottom() + GAP * 0.5
        body = QRectF(MARGIN, top, lw - 2 * MARGIN, max(legend.top() - GAP * 0.5 - top, 10.0))
        panes = {}
        view = "2d" if svg else self.view
        if view in ("3d", "2d"):
            panes[view] = body
        else:
            views = QRectF(body)
            if self.plots is not None and body.height() >= PLOTS_MIN_BODY:
                ph = body.height() * PLOTS_SHARE
                views.setHeight(body.height() - ph - GAP)
                panes["plots"] = QRectF(body.left(), views.bottom() + GAP, body.width(), ph)
            half = (views.width() - GAP) / 2
            panes["3d"] = QRectF(views.left(), views.top(), half, views.height())
            panes["2d"] = QRectF(views.left() + half + GAP, views.top(), half, views.height())
        panes = {k: _snap(r, self.scale) for k, r in panes.items()}
        return {"header": header, "legend": legend, "rows": rows, "panes": panes}

    def _paint(self, painter, svg: bool) -> None:
        from PySide6.QtGui import QPainter

        painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing
                               | QPainter.RenderHint.SmoothPixmapTransform)
        lay = self.layout(svg)
        panes = lay["panes"]
        k = 1.0 if svg else self.scale       # SVG strokes are drawn in logical units already
        for name, rect in panes.items():
            if name == "3d":
                self._paint_3d(painter, rect)
            elif name == "2d":
                self.contour.paint(painter, rect, k, self.scale, cached=self.cache and not svg)
            else:
                for item, part in self.plots.items(rect):
                    _paint_item(painter, item, part, k)
        self._paint_header(painter, lay["header"])
        self._paint_legend(painter, lay["legend"], lay["rows"])

    def _paint_3d(self, painter, rect) -> None:
        from PySide6.QtCore import QPointF

        s = self.scale
        x0, y0 = round(rect.left() * s), round(rect.top() * s)
        w, h = round(rect.right() * s) - x0, round(rect.bottom() * s) - y0
        img = self.surface.render(w, h, s, self.transparent)
        img.setDevicePixelRatio(s)       # device pixels land 1:1 on the output
        painter.drawImage(QPointF(x0 / s, y0 / s), img)

    def _paint_header(self, painter, rect) -> None:
        from PySide6.QtCore import Qt

        from app.ui.common import theme

        race = self.race
        step = _font(STEP_PX)
        painter.setFont(step)
        painter.setPen(theme.qcolor(self.theme.foreground))
        counter = f"step {race.step_count} / {race.total_steps}"
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), counter)
        room = rect.adjusted(0, 0, -(_text_width(step, counter) + 2 * GAP), 0)
        title = _font(TITLE_PX, bold=True)
        painter.setFont(title)
        text = _elide(title, race.scene.title, room.width())
        painter.drawText(room, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), text)

    def _legend_entries(self) -> list[tuple[str, str, bool]]:
        entries = []
        for tr in self.race.runs:
            if tr.diverged_at is not None:
                text = f"{tr.label}  ✕ diverged at step {tr.diverged_at}"
            else:
                text = f"{tr.label}  loss {tr.loss:.2e}"
            entries.append((text, tr.color, tr.diverged_at is not None))
        return entries

    def _paint_legend(self, painter, rect, rows) -> None:
        from PySide6.QtCore import QPointF, QRectF, Qt
        from PySide6.QtGui import QPen

        from app.ui.common import theme

        font = _font(LEGEND_PX)
        painter.setFont(font)
        row_h = LEGEND_PX * 1.6
        for r, row in enumerate(rows):
            x = rect.left() + (rect.width() - _row_width(row, font)) / 2     # centred rows
            y = rect.top() + r * row_h + row_h / 2
            for text, color, _diverged in row:
                halo = QPen(theme.qcolor(self.theme.halo), 6.5)
                halo.setCapStyle(Qt.PenCapStyle.RoundCap)
                painter.setPen(halo)
                painter.drawLine(QPointF(x + 2, y), QPointF(x + SWATCH - 2, y))
                line = QPen(theme.qcolor(color), 3.5)
                line.setCapStyle(Qt.PenCapStyle.RoundCap)
                painter.setPen(line)
                painter.drawLine(QPointF(x + 2, y), QPointF(x + SWATCH - 2, y))
                painter.setPen(theme.qcolor(self.theme.foreground))
                box = QRectF(x + SWATCH + 6, y - row_h / 2, _text_width(font, text) + 4, row_h)
                painter.drawText(box, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), text)
                x += _entry_width(font, text)


SWATCH = 30          # legend line sample, logical px
ENTRY_GAP = 26


def _font(px: float, bold: bool = False):
    from PySide6.QtGui import QFont

    f = QFont("DejaVu Sans")
    f.setPixelSize(max(1, round(px)))
    f.setBold(bold)
    return f


def _text_width(font, text: str) -> float:
    from PySide6.QtGui import QFontMetricsF

    return QFontMetricsF(font).horizontalAdvance(text)


def _entry_width(font, text: str) -> float:
    return SWATCH + 6 + _text_width(font, text) + ENTRY_GAP


def _row_width(row, font) -> float:
    return sum(_entry_width(font, t) for t, _, _ in row) - ENTRY_GAP


def _flow(entries, width: float, font) -> list[list]:
    """Legend entries wrapped into rows that fit ``width``."""
    rows, row, used = [], [], 0.0
    for e in entries:
        w = _entry_width(font, e[0])
        if row and used + w - ENTRY_GAP > width:
            rows.append(row)
            row, used = [], 0.0
        row.append(e)
        used += w
    if row:
        rows.append(row)
    return rows


def _elide(font, text: str, width: float) -> str:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QFontMetricsF

    return QFontMetricsF(font).elidedText(text, Qt.TextElideMode.ElideRight, max(width, 10.0))


def _flush_layouts() -> None:
    """Run pending layout requests now: nested pyqtgraph layouts (axes that widened to fit
    their labels) otherwise wait for an event loop that a headless export never runs."""
    from PySide6.QtCore import QCoreApplication, QEvent

    for _ in range(3):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)


def _thicker_pens(scene, k: float) -> list:
    """Widen the cosmetic pens of curves and axes k times; returns what to restore.

    Cosmetic pens (all of pyqtgraph's) are device pixels wide whatever the
    painter's scale or device pixel ratio, so a 4K export would get hairlines.
    """
    import pyqtgraph as pg
    from PySide6.QtGui import QPen

    saved = []
    if k <= 1.0:
        return saved
    for it in scene.items():
        if isinstance(it, pg.PlotCurveItem):
            slots = [(it.opts, key) for key in ("pen", "shadowPen")]
        elif isinstance(it, pg.AxisItem):
            slots = [(it.__dict__, "_pen")]
            it.picture = None                 # the axis caches its drawing
        else:
            continue
        for d, key in slots:
            pen = d.get(key)
            if isinstance(pen, QPen) and pen.style() != pg.QtCore.Qt.PenStyle.NoPen:
                saved.append((d, key, pen))
                wide = QPen(pen)
                wide.setWidthF(max(pen.widthF(), 1.0) * k)
                d[key] = wide
    return saved


def _restore_pens(saved: list) -> None:
    for d, key, pen in saved:
        d[key] = pen
        if key == "_pen":
            d["picture"] = None               # an axis: redraw with its own pen next time


def _paint_item(painter, item, rect, pen_scale: float = 1.0) -> None:
    """Lay a pyqtgraph item (PlotItem) out at rect's logical size and paint its scene there."""
    from PySide6.QtCore import QRectF

    w, h = rect.width(), rect.height()
    if item.geometry() != QRectF(0, 0, w, h):
        item.setGeometry(QRectF(0, 0, w, h))
    item.layout.activate()      # apply the new geometry now, not on the next event loop turn
    _flush_layouts()
    scene = item.scene()
    # export mode: markers are drawn as vector symbols, not cached 1x pixmaps (crisp at 4K, vector in SVG)
    exporting = [it for it in scene.items() if hasattr(it, "setExportMode")]
    for it in exporting:
        it.setExportMode(True, {"antialias": True, "resolutionScale": 1.0})
    wide = _thicker_pens(scene, pen_scale)
    painter.save()
    try:
        painter.translate(rect.topLeft())
        painter.setClipRect(QRectF(0, 0, w, h))
        scene.render(painter, QRectF(0, 0, w, h), QRectF(0, 0, w, h))
    finally:
        painter.restore()
        _restore_pens(wide)
        for it in exporting:
            it.setExportMode(False)


# ---------------------------------------------------------------- the views
class _Offscreen3D:
    """A hidden SurfaceView drawn into a multisampled framebuffer of the pane's pixel size.

    The GL work happens in our own offscreen context (sharing objects with
    every other context, AA_ShareOpenGLContexts), so the view never needs a
    window on screen. GLTextItem paints with a QPainter on its window (which
    would switch the framebuffer mid-frame), so the axis labels are hidden
    during the GL pass and painted afterwards at their projected positions.
    Pixel sizes of lines and markers are multiplied by the export scale.
    """

    SAMPLES = 4

    def __init__(self, th, grid, landscape, vspec, camera: dict | None) -> None:
        from app.ui.views.surface_view import SurfaceView

        self.context = _gl_context()
        self.widget = SurfaceView(th=th)
        if hasattr(self.widget, "contours"):
            self.widget.contours.antialias = True     # smooth contour lines: drawn once in a video
        self.widget.wireframe = bool(vspec.wireframe)
        self.widget.set_surface(grid, vspec.colormap, vspec.contour_levels, tuple(landscape.minima), landscape)
        # SurfaceView is a GLViewWidget, or a QWidget around a GL window (.gl): either has the GL scene
        self.view = getattr(self.widget, "gl", self.widget)
        cam = dict(camera if camera is not None else (vspec.camera or {}))
        self.fit = "distance" not in cam     # no saved zoom: frame the whole box
        if cam:
            self.view.setCameraPosition(**{k: float(cam[k]) for k in ("distance", "elevation", "azimuth")
                                            if k in cam})
        self._base_center = self.view.opts["center"]
        self._fbo = self._plain = self._static = None
        self._static_key = None
        self._fitted = None
        self.cache = False
        self._applied: dict[int, object] = {}

    @classmethod
    def around(cls, surface_view) -> _Offscreen3D:
        """Render an existing SurfaceView offscreen, as it is (camera, items, look).

        A view whose window has a GL context draws in that context (its vertex
        arrays live there); a never-shown one in the shared offscreen context.
        close() frees only the framebuffers: the view stays its owner's.
        """
        self = cls.__new__(cls)
        self.widget = surface_view
        self.view = getattr(surface_view, "gl", surface_view)
        ctx = self.view.context() if self.view.isValid() else None
        self.context = (ctx, self.view) if ctx is not None else _gl_context()
        self.fit = False
        self._base_center = self.view.opts["center"]
        self._fbo = self._plain = self._static = None
        self._static_key = None
        self._fitted = None
        self.cache = False
        self._applied = {}
        self._borrowed = True
        return self

    def render(self, w: int, h: int, s: float, transparent: bool):
        """The 3-D view as a w x h QImage (labels included).

        With ``cache`` on (videos), the static layer (surface, its contours,
        the floor) is drawn once per size and camera, multisampled, and kept
        resolved with its depth; each frame copies colour and depth back and
        draws only the runs: ~6 ms instead of ~17 ms a frame at 800x600 on
        llvmpipe (multisample copies and resolves are what costs there).
        """
        import pyqtgraph.opengl as gl
        from OpenGL import GL
        from PySide6.QtOpenGL import QOpenGLFramebufferObject as FBO

        v = self.view
        w, h = max(int(w), 1), max(int(h), 1)
        labels = [it for it in v.items if isinstance(it, gl.GLTextItem)]
        for it in labels:
            it.hide()
        self._scale_items(s)
        if self.fit and self._fitted != (w, h):
            self._fit_camera(w, h)
            self._fitted = (w, h)
        bg = v.opts["bgcolor"]
        if transparent:
            v.opts["bgcolor"] = (0.0, 0.0, 0.0, 0.0)   # premultiplied: clear is black with alpha 0
        ctx, surface = self.context
        if not ctx.makeCurrent(surface):
            raise RenderError("cannot make the OpenGL context current for 3-D rendering")
        try:
            for it in v.items:
                if not it.isInitialized():
                    it.initialize()
            if self._fbo is None or (self._fbo.width(), self._fbo.height()) != (w, h):
                self._fbo = _make_fbo(w, h, self.SAMPLES)      # multisampled: smooth edges
                self._plain = _make_fbo(w, h, 0)
                self._static = None
                self._static_key = None
            static = self._static_items() if self.cache else []
            if static:
                key = (w, h, transparent, v.opts["distance"], v.opts["elevation"], v.opts["azimuth"],
                       v.opts["center"].toTuple())
                if key != self._static_key:
                    # once: the static layer multisampled, resolved (colour and depth) to one sample
                    self._draw(self._fbo, w, h, only=static)
                    self._static = self._static or _make_fbo(w, h, 0)
                    FBO.blitFramebuffer(self._static, self._fbo,
                                        GL.GL_COLOR_BUFFER_BIT | GL.GL_DEPTH_BUFFER_BIT, GL.GL_NEAREST)
                    self._static_key = key
                # per frame: copy it (single-sample copies are cheap on software GL) and draw the
                # runs over it; their lines and points are antialiased by GL itself
                FBO.blitFramebuffer(self._plain, self._static,
                                    GL.GL_COLOR_BUFFER_BIT | GL.GL_DEPTH_BUFFER_BIT, GL.GL_NEAREST)
                self._draw(self._plain, w, h, skip=static, clear=False)
                img = _read_fbo(None, self._plain, w, h, opaque=not transparent)
            else:
                self._draw(self._fbo, w, h)
                img = _read_fbo(self._fbo, self._plain, w, h, opaque=not transparent)
        finally:
            v.opts["bgcolor"] = bg
            ctx.doneCurrent()
        self._paint_labels(img, labels, w, h, s)
        return img

    def _draw(self, fbo, w: int, h: int, only=None, skip=(), clear: bool = True) -> None:
        """Draw the GL scene into fbo (only ``only`` items, or all but ``skip``)."""
        from OpenGL import GL

        v = self.view
        hidden = [it for it in v.items if it.visible() and ((only is not None and it not in only) or it in skip)]
        for it in hidden:
            it.hide()
        try:
            fbo.bind()
            GL.glViewport(0, 0, w, h)
            if clear:
                v.paint(region=(0, 0, w, h), viewport=(0, 0, w, h))
            else:   # GLViewMixin.paint without its glClear: draw over the copied static layer
                v.setProjection((0, 0, w, h), (0, 0, w, h))
                v.setModelview()
                v.drawItemTree()
            fbo.release()
        finally:
            for it in hidden:
                it.show()

    def _static_items(self) -> list:
        """Items that do not change during a race and lie under the runs (drawn first)."""
        items = [getattr(self.widget, n, None) for n in ("surface", "contours", "floor")]
        return [it for it in items if it is not None and it.visible() and it in self.view.items]

    def set_tracks(self, runs) -> None:
        self.widget.set_tracks(runs)

    def close(self) -> None:
        ctx, surface = self.context
        if self._fbo is not None and ctx.makeCurrent(surface):
            self._fbo = self._plain = self._static = None   # deleted while their context is current
            ctx.doneCurrent()
        self._fbo = self._plain = self._static = None
        if getattr(self, "_borrowed", False):
            return
        dispose = getattr(self.widget, "dispose", None)     # GL window + container: freed in a safe order
        if dispose is not None:
            dispose()
        self.widget.deleteLater()

    # --- helpers -------------------------------------------------------------
    def _scale_items(self, s: float) -> None:
        """Multiply pixel widths/sizes by s; a value the view set since (its base) is scaled afresh."""
        import pyqtgraph.opengl as gl

        for it in self.view.items:
            if isinstance(it, gl.GLLinePlotItem):
                if self._applied.get(id(it)) is not it.width:
                    it.width = float(it.width) * s
                    self._applied[id(it)] = it.width
            elif isinstance(it, gl.GLScatterPlotItem):
                if self._applied.get(id(it)) is not it.size:
                    it.setData(size=np.asarray(it.size, dtype=np.float32) * s if np.ndim(it.size)
                               else float(it.size) * s)
                    self._applied[id(it)] = it.size

    def _mvp(self, w: int, h: int):
        v = self.view
        return v.projectionMatrix((0, 0, w, h), (0, 0, w, h)) * v.viewMatrix()

    def _ndc(self, pts: np.ndarray, w: int, h: int) -> np.ndarray:
        from PySide6.QtGui import QVector3D

        m = self._mvp(w, h)
        out = [m.map(QVector3D(*map(float, p))) for p in pts]
        return np.array([[q.x(), q.y()] for q in out])

    def _fit_camera(self, w: int, h: int, margin: float = 0.07) -> None:
        """Choose distance and centre so the surface box and its labels fill the pane, centred.

        Perspective scale goes as 1/distance, so a few fixed-point steps converge.
        """
        from PySide6.QtGui import QVector3D

        from app.ui.views.surface_view import BOX, HEIGHT

        v = self.view
        r = BOX / 2 + 0.8
        corners = np.array([[x, y, z] for x in (-r, r) for y in (-r, r) for z in (0.0, HEIGHT)])
        v.opts["center"] = self._base_center
        tan = math.tan(math.radians(v.opts["fov"] / 2))
        for _ in range(6):
            ndc = self._ndc(corners, w, h)
            lo, hi = ndc.min(axis=0), ndc.max(axis=0)
            c = (lo + hi) / 2
            ext = float(np.max((hi - lo) / 2))
            d = v.opts["distance"]
            inv = v.viewMatrix().inverted()[0]
            right = inv.mapVector(QVector3D(1, 0, 0))
            up = inv.mapVector(QVector3D(0, 1, 0))
            v.opts["center"] = v.opts["center"] + right * float(c[0] * d * tan) + up * float(c[1] * d * tan * h / w)
            v.opts["distance"] = d * ext / (1 - margin)

    def _paint_labels(self, img, labels, w: int, h: int, s: float) -> None:
        from PySide6.QtCore import QRectF, Qt
        from PySide6.QtGui import QPainter

        if not labels:
            return
        xy = self._ndc(np.array([np.asarray(it.pos, dtype=float) for it in labels]), w, h)
        p = QPainter(img)
        p.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        font = _font(LABEL_PX * s)
        p.setFont(font)
        box = LABEL_PX * s * 4
        for it, (nx, ny) in zip(labels, xy, strict=True):
            px, py = (nx + 1) / 2 * w, (1 - ny) / 2 * h
            p.setPen(it.color)
            p.drawText(QRectF(px - box / 2, py - box / 2, box, box), int(Qt.AlignmentFlag.AlignCenter), it.text)
        p.end()


def _make_fbo(w: int, h: int, samples: int):
    from PySide6.QtOpenGL import QOpenGLFramebufferObject, QOpenGLFramebufferObjectFormat

    fmt = QOpenGLFramebufferObjectFormat()
    fmt.setAttachment(QOpenGLFramebufferObject.Attachment.CombinedDepthStencil)
    fmt.setSamples(samples)
    return QOpenGLFramebufferObject(w, h, fmt)


def _read_fbo(fbo, plain, w: int, h: int, opaque: bool = True):
    """Resolve a multisampled fbo into ``plain`` and read it as a QImage.

    A straight glReadPixels is cheaper than QOpenGLFramebufferObject.toImage,
    which converts every pixel to ARGB32 on the CPU. Opaque renders ignore
    the alpha channel: blended lines leave alpha < 1 in an opaque scene,
    which read as premultiplied colours would come out as magenta specks.
    """
    from OpenGL import GL
    from PySide6.QtGui import QImage
    from PySide6.QtOpenGL import QOpenGLFramebufferObject

    if fbo is not None:
        QOpenGLFramebufferObject.blitFramebuffer(plain, fbo)
    plain.bind()
    GL.glPixelStorei(GL.GL_PACK_ALIGNMENT, 1)
    data = GL.glReadPixels(0, 0, w, h, GL.GL_RGBA, GL.GL_UNSIGNED_BYTE)
    plain.release()
    rows = np.frombuffer(data, dtype=np.uint8).reshape(h, w * 4)
    fmt = QImage.Format.Format_RGBX8888 if opaque else QImage.Format.Format_RGBA8888_Premultiplied
    img = QImage(np.ascontiguousarray(rows[::-1]).data, w, h, 4 * w, fmt)
    return img.copy()       # own the pixels: the numpy buffer goes away


_GL_CONTEXT = None


def _gl_context():
    """(QOpenGLContext, QOffscreenSurface) for offscreen 3-D, made once, shared with all contexts."""
    global _GL_CONTEXT
    if _GL_CONTEXT is None:
        from PySide6.QtGui import QOffscreenSurface, QOpenGLContext, QSurfaceFormat

        fmt = QSurfaceFormat.defaultFormat()
        surface = QOffscreenSurface()
        surface.setFormat(fmt)
        surface.create()
        ctx = QOpenGLContext()
        ctx.setFormat(fmt)
        share = QOpenGLContext.globalShareContext()
        if share is not None:
            ctx.setShareContext(share)
        if not surface.isValid() or not ctx.create() or not ctx.makeCurrent(surface):
            raise RenderError(NEEDS_DISPLAY)
        ctx.doneCurrent()
        _GL_CONTEXT = (ctx, surface)
    return _GL_CONTEXT


class _Contour2D:
    """A hidden ContourView with export fonts."""

    def __init__(self, th, grid, vspec, minima) -> None:
        from app.ui.views.contour_view import ContourView

        self.view = ContourView(th=th)
        self.view.set_surface(grid, vspec.colormap, vspec.contour_levels, minima)
        self.plot = self.view.plot
        _style_plot(self.plot, th)
        _style_axis(self.view.colorbar.getAxis("right"), th)
        self.plot.setContentsMargins(2, TICK_PX * 0.6, 2, 2)    # room for the top tick label
        self._layer = None
        self._layer_key = None

    def set_tracks(self, runs) -> None:
        self.view.set_tracks(runs)

    def paint(self, painter, rect, pen_scale: float, dpr: float, cached: bool = False) -> None:
        """Paint the map into rect; ``cached`` (videos): heatmap, contours, axes once, then only the runs.

        Runs are the items above the contour layer (z >= RUNS_Z); everything
        else is drawn once into a layer image and hidden (opacity 0) per frame.
        """
        from PySide6.QtCore import QPointF, QRectF
        from PySide6.QtGui import QColor, QImage, QPainter

        if not cached:
            _paint_item(painter, self.plot, rect, pen_scale)
            return
        runs = [it for it in self.plot.getViewBox().addedItems if it.zValue() >= RUNS_Z]
        key = (rect.width(), rect.height(), pen_scale, dpr)
        if key != self._layer_key:
            layer = QImage(round(rect.width() * dpr), round(rect.height() * dpr),
                           QImage.Format.Format_ARGB32_Premultiplied)
            layer.fill(QColor(0, 0, 0, 0))
            layer.setDevicePixelRatio(dpr)
            p = QPainter(layer)
            p.setRenderHints(painter.renderHints())
            with _transparent(runs):
                _paint_item(p, self.plot, QRectF(0, 0, rect.width(), rect.height()), pen_scale)
            p.end()
            self._layer, self._layer_key = layer, key
        painter.drawImage(QPointF(rect.left(), rect.top()), self._layer)
        with _transparent(_static_leaves(self.plot.scene(), runs)):
            _paint_item(painter, self.plot, rect, pen_scale)


RUNS_Z = 10     # ContourView draws runs (halo, line, markers) at z >= 10, the map below


class _transparent:
    """Context: items at opacity 0 (not drawn, layout untouched), restored after."""

    def __init__(self, items) -> None:
        self.items = list(items)

    def __enter__(self):
        self.saved = [it.opacity() for it in self.items]
        for it in self.items:
            it.setOpacity(0.0)
        return self

    def __exit__(self, *exc) -> None:
        for it, o in zip(self.items, self.saved, strict=True):
            it.setOpacity(o)


def _static_leaves(scene, runs) -> list:
    """Items of scene that neither hold nor belong to a run: hiding them leaves only the runs."""
    run_set = set(runs)
    holders = set()
    for it in runs:
        parent = it.parentItem()
        while parent is not None:
            holders.add(parent)
            parent = parent.parentItem()

    def in_run(it) -> bool:
        while it is not None:
            if it in run_set:
                return True
            it = it.parentItem()
        return False

    return [it for it in scene.items() if it not in holders and not in_run(it)]


def _snap(rect, s: float):
    """rect with its corners on whole device pixels (layers then blit 1:1, without blur)."""
    from PySide6.QtCore import QRectF

    x0, y0 = round(rect.left() * s) / s, round(rect.top() * s) / s
    x1, y1 = round(rect.right() * s) / s, round(rect.bottom() * s) / s
    return QRectF(x0, y0, x1 - x0, y1 - y0)


from app.ui.common.log_ticks import use_log_ticks  # noqa: E402 - next to its one user


class _Plots:
    """Hidden loss and |grad| plots (their own legend off: the export has one for all views)."""

    def __init__(self, th, race, grid) -> None:
        from app.ui.views.plots_view import PlotsView

        self.view = v = PlotsView(th=th)
        v.set_landscape(race.landscape, float(grid.f.min()))
        if hasattr(v, "set_total_steps"):
            v.set_total_steps(race.total_steps)     # x spans the whole race: axes do not move in a video
        canvas = getattr(v, "canvas", None)
        if canvas is not None and hasattr(canvas, "removeItem"):
            try:
                canvas.removeItem(v.legend)     # give its column back to the plots
            except (ValueError, RuntimeError, AttributeError):
                pass
        v.legend.setVisible(False)
        for p in (v.loss_plot, v.grad_plot):
            _style_plot(p, th)
            axis = p.getAxis("left")
            use_log_ticks(axis)
            axis.setStyle(maxTextLevel=0)
            p.setTitle(p.titleLabel.text, size=f"{LABEL_PX}px", color=th.foreground)

    def items(self, rect) -> list:
        """(item, logical rect) pairs to paint: the shared canvas, or the two plots side by side."""
        from PySide6.QtCore import QRectF

        canvas = getattr(self.view, "canvas", None)
        if canvas is not None:
            return [(canvas.ci, rect)]
        half = (rect.width() - GAP) / 2
        return [(self.view.loss_plot, QRectF(rect.left(), rect.top(), half, rect.height())),
                (self.view.grad_plot, QRectF(rect.left() + half + GAP, rect.top(), half, rect.height()))]

    def set_tracks(self, runs) -> None:
        self.view.set_tracks(runs, legend=False)


def _style_plot(plot, th) -> None:
    for name in ("left", "bottom"):
        _style_axis(plot.getAxis(name), th)


def _style_axis(axis, th) -> None:
    # fewer minor labels than pyqtgraph's default: log axes otherwise stack 0.2 ... 0.9 into a smear
    axis.setStyle(tickFont=_font(TICK_PX), tickTextOffset=6, textFillLimits=[(0, 0.8), (2, 0.3), (4, 0.1)])
    axis.setTextPen(th.foreground)
    axis.setLabel(axis.labelText, units=axis.labelUnits or None,
                  **{"font-size": f"{LABEL_PX}px", "color": th.foreground})


# ---------------------------------------------------------------- video
def _render_video(race, out: Path, size, view, fps, report, cancel, camera, overwrite: bool = False) -> Path:
    from app.model.video import encode_video

    speed = max(int(race.scene.playback.speed), 1)
    n = video_frame_count(race.total_steps, speed)
    renderer = SceneRenderer(race, size, view, camera=camera, cache=True)

    def frames():
        yield renderer.frame()
        while race.step_count < race.total_steps:
            race.step(speed)
            renderer.update()
            yield renderer.frame()

    def on_frame(done: int, total: int | None) -> None:
        report(0.3 + 0.7 * done / n, f"frame {done}/{n}")

    try:
        report(0.3, f"rendering {n} frames")
        encode_video(frames(), out, fps=fps, size=size, n_frames=n, progress=on_frame, cancel=cancel,
                     overwrite=overwrite)
    finally:
        renderer.close()
    report(1.0, "done")
    return out


# ---------------------------------------------------------------- checks
def _check_view(view: str, suffix: str) -> str:
    if view not in VIEWS:
        raise RenderError(f"view must be one of {', '.join(VIEWS)}, got {view!r}")
    if suffix == ".svg":
        if view == "3d":
            raise RenderError("SVG export is of the 2-D view (vector contours): use --view 2d, "
                              "or a .png for the 3-D view")
        return "2d"
    return view


def _check_size(size, suffix: str) -> tuple[int, int]:
    try:
        w, h = (int(size[0]), int(size[1]))
    except (TypeError, ValueError, IndexError):
        raise RenderError(f"size must be (width, height), got {size!r}") from None
    if not (16 <= w <= MAX_SIZE[0] and 16 <= h <= MAX_SIZE[1]):
        raise RenderError(f"size must be between 16x16 and {MAX_SIZE[0]}x{MAX_SIZE[1]}, got {w}x{h}")
    if suffix == ".mp4" and (w % 2 or h % 2):
        raise RenderError(f"MP4 (H.264) needs an even width and height, got {w}x{h}")
    return w, h


class _Reporter:
    """progress(fraction, message), tolerant of None; part(a, b) maps a sub-task into [a, b]."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress

    def __call__(self, fraction: float, message: str = "") -> None:
        if self.progress is not None:
            self.progress(min(max(float(fraction), 0.0), 1.0), message)

    def part(self, a: float, b: float):
        def sub(fraction: float, message: str = "", *_, **__) -> None:
            self(a + (b - a) * float(fraction), message)
        return sub
