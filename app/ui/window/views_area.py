"""The window's centre: the scene caption over the 3-D | 2-D views, the loss/|grad| plots below.

Side by side when there is room; on a narrow window (a 1024-px projector with
both docks) 3-D above 2-D, so each keeps the full width. Features add rows above
or below (lecture's playback bar, the step explainer) and panes beside the views
(the formula panel).
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

from app.ui.common import theme
from app.ui.views.contour_view import ContourView
from app.ui.views.plots_view import PlotsView
from app.ui.views.surface_view import SurfaceView

VIEWS_MIN_WIDTH = 440    # px: 3-D | 2-D views area; a narrowing window takes the rest from the docks
STACK_BELOW = 640        # px: a views area narrower than this shows 3-D above 2-D, not side by side
VIEWS_SHARE = 0.70       # of the height for the views (the plots get the rest), once shown
PLOTS_MIN_HEIGHT = 215   # px the plots keep on a short window: titles, curves, tick labels and "step"


class ViewsArea(QWidget):
    def __init__(self, th: theme.Theme) -> None:
        super().__init__()
        self.surface_view = SurfaceView(th=th)
        self.contour_view = ContourView(th=th)
        self.plots_view = PlotsView(th=th)
        self.views_split = QSplitter(Qt.Orientation.Horizontal)
        self.views_split.addWidget(self.surface_view)
        self.views_split.addWidget(self.contour_view)
        self.views_split.setSizes([1, 1])
        self.main_split = QSplitter(Qt.Orientation.Vertical)
        self.main_split.addWidget(self.views_split)
        self.main_split.addWidget(self.plots_view)
        self.main_split.installEventFilter(self)   # its width decides side by side or stacked
        self.main_split.setStretchFactor(0, 3)
        self.main_split.setStretchFactor(1, 1)
        self.main_split.setSizes([640, 230])
        self.lay = QVBoxLayout(self)
        self.lay.setContentsMargins(4, 4, 4, 0)
        self.lay.setSpacing(2)
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.caption.setStyleSheet("font-style: italic; color: #333; padding: 2px 6px;")
        self.lay.addWidget(self.caption)
        self.lay.addWidget(self.main_split, 1)
        self.setMinimumWidth(VIEWS_MIN_WIDTH)   # the docks give way before the views vanish

    def add_row(self, widget: QWidget, *, top: bool = False) -> None:
        """A full-width row above the caption (top) or below the plots."""
        if top:
            self.lay.insertWidget(0, widget)
        else:
            self.lay.addWidget(widget)

    def add_pane(self, widget: QWidget) -> None:
        """A pane to the right of the 2-D view (shown by its owner)."""
        self.views_split.addWidget(widget)

    def share_height(self) -> None:
        """Halve the views and give the plots their share (splitters get real sizes only once shown)."""
        w = max(self.views_split.width(), 2)
        self.views_split.setSizes([w // 2, w - w // 2])
        h = max(self.main_split.height(), 4)
        top = max(min(int(h * VIEWS_SHARE), h - PLOTS_MIN_HEIGHT), h // 2)
        self.main_split.setSizes([top, h - top])

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if obj is self.main_split and event.type() == QEvent.Type.Resize:
            self._orient(event.size().width())
        return super().eventFilter(obj, event)

    def _orient(self, width: int) -> None:
        """Stack below STACK_BELOW px; not while a third pane (the formula panel) is open."""
        sp = self.views_split
        want = Qt.Orientation.Vertical if width < STACK_BELOW else Qt.Orientation.Horizontal
        if sp.orientation() == want or (sp.count() > 2 and any(sp.widget(i).isVisible() for i in range(2, sp.count()))):
            return
        sp.setOrientation(want)
        sp.setSizes([1000] * 2 + [0] * (sp.count() - 2))
