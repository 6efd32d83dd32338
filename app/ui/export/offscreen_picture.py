"""A window's figure drawn hidden at an output's size under its title, saved as PNG or SVG.

    class MapPicture(OffscreenPicture):
        def __init__(self, ...):
            super().__init__(size, title)
            self.layout.addWidget(figure, 1)
            self.shown()

    write_picture(lambda: MapPicture(...), "map.png", "a phase map", progress=report)

The headless commands (``losslab map``, ``losslab curvature``) draw the windows' own views
(WA_DontShowOnScreen, the light theme) so a file shows what the window shows; the file goes
through app.model.safe_output (image_io).
"""
from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

Progress = Callable[..., object]


class OffscreenPicture:
    """A hidden light-theme widget of a fixed size: a title line, then what a subclass lays out."""

    svg_title = "Loss Lab"       # an SVG's <title>

    def __init__(self, size: tuple[int, int], title: str, title_pt: int = 12, bold: bool = False) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

        from app.ui.common import theme

        self.theme = theme.LIGHT
        theme.apply_pyqtgraph(self.theme)          # white plots, as the windows' light theme
        self.root = QWidget()
        self.root.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
        self.root.setStyleSheet(f"QWidget {{ background: {self.theme.background}; color: {self.theme.foreground}; }}")
        head = QLabel(title)
        font = head.font()
        font.setPointSize(title_pt)
        font.setBold(bold)
        head.setFont(font)
        head.setWordWrap(True)
        self.layout = QVBoxLayout(self.root)
        self.layout.setContentsMargins(8, 6, 8, 6)
        self.layout.addWidget(head)
        self.size = size

    def shown(self) -> None:
        """Lay out at the output's size, whatever the panes' minimum sizes ask."""
        self.root.setFixedSize(*self.size)
        self.root.show()

    def image(self):
        from PySide6.QtWidgets import QApplication

        QApplication.processEvents()
        return self.root.grab().toImage()

    def paint(self, painter) -> None:
        """The whole picture onto ``painter`` (an SVG generator's): the widgets paint themselves."""
        from PySide6.QtCore import QPoint
        from PySide6.QtWidgets import QApplication

        QApplication.processEvents()
        self.root.render(painter, QPoint(0, 0))

    def save(self, out: Path, overwrite: bool = False) -> Path:
        from app.ui.export.image_io import save_png, save_svg

        if out.suffix.lower() == ".svg":
            return save_svg(out, self.size, self.size, self.svg_title, self.paint, overwrite=overwrite)
        return save_png(self.image(), out, overwrite=overwrite)

    def close(self) -> None:
        self.root.close()
        self.root.deleteLater()


def write_picture(make: Callable[[], OffscreenPicture], out: str | os.PathLike, what: str,
                  progress: Progress | None = None, overwrite: bool = False) -> Path:
    """Make the picture (after a QApplication exists) and write it to ``out`` (.png or .svg);
    ``what`` names it in the one-line error for another suffix ("a phase map")."""
    from app.ui.export.errors import RenderError
    from app.ui.export.qt_app import ensure_app

    out = Path(out)
    if out.suffix.lower() not in (".png", ".svg"):
        raise RenderError(f"{what} is a picture: the output must end in .png or .svg, got '{out}'")
    ensure_app(need_gl=False)
    if progress is not None:
        progress(0.0, f"drawing {what}")
    picture = make()
    try:
        picture.save(out, overwrite=overwrite)
    finally:
        picture.close()
    if progress is not None:
        progress(1.0, "done")
    return out
