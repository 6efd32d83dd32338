"""The canvas of an export: its scale, where header, panes and legend go, and the painted header and legend.

Sizes. Layout happens in *logical* pixels on a canvas of ``size / s`` with

    s = max(0.75, min(w / 1280, h / 720)),

and the image has device pixel ratio ``s``, so fonts, line widths and
markers grow with the output: a 3840x2160 export looks like a 1280x720 one,
only sharper (s = 3), and a small 640x360 GIF keeps legible text (s = 0.75).

Views. ``"3d"``, ``"2d"`` or ``"data"`` (the linear-classifier lab's data
view): that view with the title and a legend; ``"both"``: the whole window,
3-D | 2-D side by side (3-D | 2-D | data on a toy classifier, as the window
shows them) over the loss and |grad| plots (the plots are left out when the
body is under 420 logical px high).
"""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QPen

from app.ui.common import theme

BASE_SIZE = (1280, 720)     # the logical canvas a 1x export is laid out for
MIN_SCALE = 0.75            # small exports keep text legible rather than shrinking it

# Logical sizes (pixels at s = 1).
MARGIN = 12
GAP = 10
TITLE_PX = 24
STEP_PX = 17
LEGEND_PX = 16
TICK_PX = 14
LABEL_PX = 16               # axis labels, in 2-D and 3-D: at least TICK_PX
PLOTS_MIN_BODY = 420        # below this body height "both" shows no loss/|grad| plots
PLOTS_SHARE = 0.32          # of the body height, when shown
SWATCH = 30                 # legend line sample
ENTRY_GAP = 26

Entry = tuple[str, str, bool]      # legend text, run colour, diverged


def scale_for(size: tuple[int, int]) -> float:
    """The device pixel ratio of an export of ``size`` (see the module docstring)."""
    w, h = size
    return max(MIN_SCALE, min(w / BASE_SIZE[0], h / BASE_SIZE[1]))


def layout(logical: tuple[float, float], view: str, entries: list[Entry], plots: bool, scale: float,
           data: bool = False) -> dict:
    """Logical rects of header, legend and the panes that are drawn (with the legend's rows);
    ``data``: "both" shows the data view as a third pane."""
    lw, lh = logical
    header = QRectF(MARGIN, MARGIN * 0.6, lw - 2 * MARGIN, TITLE_PX * 1.5)
    rows = flow(entries, lw - 2 * MARGIN, font(LEGEND_PX))
    legend_h = len(rows) * LEGEND_PX * 1.6
    legend = QRectF(MARGIN, lh - MARGIN * 0.6 - legend_h, lw - 2 * MARGIN, legend_h)
    top = header.bottom() + GAP * 0.5
    body = QRectF(MARGIN, top, lw - 2 * MARGIN, max(legend.top() - GAP * 0.5 - top, 10.0))
    panes = {}
    if view in ("3d", "2d", "data"):
        panes[view] = body
    else:
        views = QRectF(body)
        if plots and body.height() >= PLOTS_MIN_BODY:
            ph = body.height() * PLOTS_SHARE
            views.setHeight(body.height() - ph - GAP)
            panes["plots"] = QRectF(body.left(), views.bottom() + GAP, body.width(), ph)
        names = ("3d", "2d", "data") if data else ("3d", "2d")
        part = (views.width() - GAP * (len(names) - 1)) / len(names)
        for k, name in enumerate(names):
            panes[name] = QRectF(views.left() + k * (part + GAP), views.top(), part, views.height())
    panes = {k: snap(r, scale) for k, r in panes.items()}
    return {"header": header, "legend": legend, "rows": rows, "panes": panes}


def legend_entries(runs) -> list[Entry]:
    """One legend entry per run: its label and final loss, or where it diverged."""
    entries = []
    for tr in runs:
        if tr.diverged_at is not None:
            text = f"{tr.label}  ✕ diverged at step {tr.diverged_at}"
        else:
            text = f"{tr.label}  loss {tr.loss:.2e}"
        entries.append((text, tr.color, tr.diverged_at is not None))
    return entries


def paint_header(painter, rect, th: theme.Theme, title: str, step: int, total: int) -> None:
    """Title on the left (elided to fit), step counter on the right."""
    small = font(STEP_PX)
    painter.setFont(small)
    painter.setPen(theme.qcolor(th.foreground))
    counter = f"step {step} / {total}"
    painter.drawText(rect, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), counter)
    room = rect.adjusted(0, 0, -(text_width(small, counter) + 2 * GAP), 0)
    big = font(TITLE_PX, bold=True)
    painter.setFont(big)
    text = elide(big, title, room.width())
    painter.drawText(room, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), text)


def paint_legend(painter, rect, rows, th: theme.Theme) -> None:
    """Centred rows of (line sample, text) entries."""
    f = font(LEGEND_PX)
    painter.setFont(f)
    row_h = LEGEND_PX * 1.6
    for r, row in enumerate(rows):
        x = rect.left() + (rect.width() - row_width(row, f)) / 2
        y = rect.top() + r * row_h + row_h / 2
        for text, color, _diverged in row:
            halo = QPen(theme.qcolor(th.halo), 6.5)
            halo.setCapStyle(Qt.PenCapStyle.RoundCap)
            painter.setPen(halo)
            painter.drawLine(QPointF(x + 2, y), QPointF(x + SWATCH - 2, y))
            line = QPen(theme.qcolor(color), 3.5)
            line.setCapStyle(Qt.PenCapStyle.RoundCap)
            painter.setPen(line)
            painter.drawLine(QPointF(x + 2, y), QPointF(x + SWATCH - 2, y))
            painter.setPen(theme.qcolor(th.foreground))
            box = QRectF(x + SWATCH + 6, y - row_h / 2, text_width(f, text) + 4, row_h)
            painter.drawText(box, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), text)
            x += entry_width(f, text)


def font(px: float, bold: bool = False) -> QFont:
    f = QFont("DejaVu Sans")
    f.setPixelSize(max(1, round(px)))
    f.setBold(bold)
    return f


def text_width(f: QFont, text: str) -> float:
    return QFontMetricsF(f).horizontalAdvance(text)


def entry_width(f: QFont, text: str) -> float:
    return SWATCH + 6 + text_width(f, text) + ENTRY_GAP


def row_width(row, f: QFont) -> float:
    return sum(entry_width(f, t) for t, _, _ in row) - ENTRY_GAP


def flow(entries: list[Entry], width: float, f: QFont) -> list[list[Entry]]:
    """Legend entries wrapped into rows that fit ``width``."""
    rows, row, used = [], [], 0.0
    for e in entries:
        w = entry_width(f, e[0])
        if row and used + w - ENTRY_GAP > width:
            rows.append(row)
            row, used = [], 0.0
        row.append(e)
        used += w
    if row:
        rows.append(row)
    return rows


def elide(f: QFont, text: str, width: float) -> str:
    return QFontMetricsF(f).elidedText(text, Qt.TextElideMode.ElideRight, max(width, 10.0))


def snap(rect: QRectF, s: float) -> QRectF:
    """rect with its corners on whole device pixels (layers then blit 1:1, without blur)."""
    x0, y0 = round(rect.left() * s) / s, round(rect.top() * s) / s
    x1, y1 = round(rect.right() * s) / s, round(rect.bottom() * s) / s
    return QRectF(x0, y0, x1 - x0, y1 - y0)
