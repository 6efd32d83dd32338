"""Work-arounds for painting pyqtgraph items offscreen, at any scale, into a QImage or an SVG.

pyqtgraph expects a shown widget and an event loop: here its items are laid
out by hand (flush_layouts), painted in export mode (vector markers, not 1x
pixmaps), with cosmetic pens widened for the output's scale, and styled
with the export's fonts.
"""
from __future__ import annotations

from app.ui.export.layout import LABEL_PX, TICK_PX, font


def flush_layouts() -> None:
    """Run pending layout requests now: nested pyqtgraph layouts (axes that widened to fit
    their labels) otherwise wait for an event loop that a headless export never runs."""
    from PySide6.QtCore import QCoreApplication, QEvent

    for _ in range(3):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)


def thicker_pens(scene, k: float) -> list:
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


def restore_pens(saved: list) -> None:
    for d, key, pen in saved:
        d[key] = pen
        if key == "_pen":
            d["picture"] = None               # an axis: redraw with its own pen next time


def lay_out(item, rect) -> None:
    """Give a pyqtgraph item (PlotItem) rect's logical size now: its view range is then the one painted."""
    from PySide6.QtCore import QRectF

    w, h = rect.width(), rect.height()
    if item.geometry() != QRectF(0, 0, w, h):
        item.setGeometry(QRectF(0, 0, w, h))
    item.layout.activate()      # apply the new geometry now, not on the next event loop turn
    flush_layouts()


def paint_item(painter, item, rect, pen_scale: float = 1.0) -> None:
    """Lay a pyqtgraph item (PlotItem) out at rect's logical size and paint its scene there."""
    from PySide6.QtCore import QRectF

    lay_out(item, rect)
    w, h = rect.width(), rect.height()
    scene = item.scene()
    # export mode: markers are drawn as vector symbols, not cached 1x pixmaps (crisp at 4K, vector in SVG)
    exporting = [it for it in scene.items() if hasattr(it, "setExportMode")]
    for it in exporting:
        it.setExportMode(True, {"antialias": True, "resolutionScale": 1.0})
    wide = thicker_pens(scene, pen_scale)
    painter.save()
    try:
        painter.translate(rect.topLeft())
        painter.setClipRect(QRectF(0, 0, w, h))
        scene.render(painter, QRectF(0, 0, w, h), QRectF(0, 0, w, h))
    finally:
        painter.restore()
        restore_pens(wide)
        for it in exporting:
            it.setExportMode(False)



class transparent:
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


def static_leaves(scene, runs) -> list:
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



def style_plot(plot, th) -> None:
    for name in ("left", "bottom"):
        style_axis(plot.getAxis(name), th)


def style_axis(axis, th) -> None:
    # fewer minor labels than pyqtgraph's default: log axes otherwise stack 0.2 ... 0.9 into a smear
    axis.setStyle(tickFont=font(TICK_PX), tickTextOffset=6, textFillLimits=[(0, 0.8), (2, 0.3), (4, 0.1)])
    axis.setTextPen(th.foreground)
    axis.setLabel(axis.labelText, units=axis.labelUnits or None,
                  **{"font-size": f"{LABEL_PX}px", "color": th.foreground})

