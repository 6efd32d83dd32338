"""Small reusable widgets: a labelled parameter slider (linear or log) with a typed-value field,
and a colour swatch."""
from __future__ import annotations

import html
import math

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QGridLayout, QLabel, QLineEdit, QSlider, QStyle, QStyleOptionSlider, QWidget

TICKS = 1000
FIELD_WIDTH = 64    # px: "1.25e-03" fits; the Runs dock must still fit a 1024-px screen


def format_value(v: float, log: bool) -> str:
    """Log sliders show powers of ten ("3.0e-02"); linear ones three significant digits."""
    if log:
        return f"{v:.1e}"
    return f"{v:.3g}"


def parse_value(text: str, low: float, high: float) -> float:
    """A typed value ("1", "0.9", "1e-3") inside [low, high]; else ValueError with one line."""
    try:
        v = float(text.strip().replace("−", "-"))
    except ValueError:
        raise ValueError(f"{text.strip()!r} is not a number") from None
    if not math.isfinite(v):
        raise ValueError(f"{text.strip()!r} is not a finite number")
    if not low <= v <= high:
        raise ValueError(f"{v:g} is outside {low:g} … {high:g}")
    return v


MARK_COLOR = "#C00000"


class MarkedSlider(QSlider):
    """A QSlider that can draw one mark across its groove at a tick (e.g. a stability bound)."""

    def __init__(self, orientation: Qt.Orientation) -> None:
        super().__init__(orientation)
        self.mark_tick: int | None = None

    def set_mark_tick(self, tick: int | None) -> None:
        if tick != self.mark_tick:
            self.mark_tick = tick
            self.update()

    def tick_x(self, tick: int) -> float:
        """Pixel x of the handle's centre when the slider stands at ``tick`` (the style's own geometry)."""
        opt = QStyleOptionSlider()
        self.initStyleOption(opt)
        style, cc = self.style(), QStyle.ComplexControl.CC_Slider
        groove = style.subControlRect(cc, opt, QStyle.SubControl.SC_SliderGroove, self)
        handle = style.subControlRect(cc, opt, QStyle.SubControl.SC_SliderHandle, self)
        span = groove.width() - handle.width()
        pos = QStyle.sliderPositionFromValue(self.minimum(), self.maximum(), int(tick), span, opt.upsideDown)
        return groove.left() + pos + handle.width() / 2.0

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if self.mark_tick is None:
            return
        x = self.tick_x(self.mark_tick)
        painter = QPainter(self)
        painter.setPen(QPen(QColor(MARK_COLOR), 3))
        painter.drawLine(round(x), 1, round(x), self.height() - 2)
        painter.end()


class ParamSlider(QWidget):
    """A horizontal slider over [low, high] (log or linear) with its name and value as text,
    and a field for typing an exact value (a drag gives rounded ones; a lecture wants lr = 1.0).

    value_edited(float) fires for user edits only (drag or typed value); set_value() is silent.
    pressed() marks the start of a drag (one undo step per drag; a typed value is one step too).
    A typed value that is not a number or lies outside [low, high] changes nothing: a one-line
    message under the slider says why.
    """

    value_edited = Signal(float)
    pressed = Signal()

    def __init__(self, name: str, low: float, high: float, value: float, log: bool = False,
                 tooltip: str = "", parent=None) -> None:
        super().__init__(parent)
        if log and low <= 0:
            low = high * 1e-6   # a log axis cannot reach 0
        if not (math.isfinite(low) and math.isfinite(high) and high > low):
            raise ValueError(f"slider {name!r}: bad range [{low}, {high}]")
        self.name, self.low, self.high, self.log = name, float(low), float(high), log
        self.label = QLabel()
        self.label.setMinimumWidth(100)
        self.slider = MarkedSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, TICKS)
        self.slider.setToolTip(tooltip or name)
        self.label.setToolTip(tooltip or name)
        self.field = QLineEdit()
        self.field.setFixedWidth(FIELD_WIDTH)
        self.field.setToolTip(f"Type a value of {name} ({self.low:g} … {self.high:g}) and press Enter")
        self.error = QLabel()
        self.error.setStyleSheet("color: #C00000;")
        self.error.setWordWrap(True)
        self.error.hide()
        lay = QGridLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setHorizontalSpacing(4)
        lay.setVerticalSpacing(0)
        lay.addWidget(self.label, 0, 0)
        lay.addWidget(self.slider, 0, 1)
        lay.addWidget(self.field, 0, 2)
        lay.addWidget(self.error, 1, 0, 1, 3)
        self.mark_value: float | None = None   # set_mark: a value marked on the slider, with a note under it
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.hide()
        lay.addWidget(self.note, 2, 0, 1, 3)
        lay.setColumnStretch(1, 1)
        self.set_value(value)
        self.slider.valueChanged.connect(self._on_slider)
        self.slider.sliderPressed.connect(self.pressed)
        self.field.editingFinished.connect(self._on_typed)

    def _to_tick(self, v: float) -> int:
        v = min(max(float(v), self.low), self.high)
        if self.log:
            t = (math.log10(v) - math.log10(self.low)) / (math.log10(self.high) - math.log10(self.low))
        else:
            t = (v - self.low) / (self.high - self.low)
        return int(round(t * TICKS))

    def _from_tick(self, k: int) -> float:
        t = k / TICKS
        if self.log:
            v = 10 ** (math.log10(self.low) + t * (math.log10(self.high) - math.log10(self.low)))
            return float(f"{v:.2g}")   # round to 2 significant digits: "3.0e-02", not 2.9853e-02
        return float(np.round(self.low + t * (self.high - self.low), 6))

    def value(self) -> float:
        return self._value

    def set_value(self, v: float) -> None:
        self._value = float(v)
        self.slider.blockSignals(True)
        self.slider.setValue(self._to_tick(v))
        self.slider.blockSignals(False)
        self._show()

    def set_mark(self, value: float | None, note: str = "", warning: str = "", tooltip: str = "") -> None:
        """Mark ``value`` on the slider (None: no mark; a value off the range marks nothing but its
        note stays) with ``note`` under it, and ``warning`` after it in red (empty: none)."""
        self.mark_value = None if value is None else float(value)
        inside = value is not None and math.isfinite(value) and self.low <= value <= self.high
        self.slider.set_mark_tick(self._to_tick(value) if inside else None)
        text = html.escape(note) + (f" <b style='color:{MARK_COLOR}'>{html.escape(warning)}</b>" if warning else "")
        if self.note.text() != text:
            self.note.setText(text)
        self.note.setToolTip(tooltip)
        self.note.setVisible(bool(text))

    def _show(self) -> None:
        self.label.setText(f"{self.name} {format_value(self._value, self.log)}")
        self.field.setText(f"{self._value:.6g}")
        self.error.hide()

    def _on_slider(self, k: int) -> None:
        self._value = self._from_tick(k)
        self._show()
        self.value_edited.emit(self._value)

    def type_value(self, text: str) -> bool:
        """Apply a typed value (as Enter in the field does); False, with the message shown, if refused."""
        self.field.setText(text)
        return self._on_typed()

    def _on_typed(self) -> bool:
        text = self.field.text()
        if text.strip() == f"{self._value:.6g}":
            self.error.hide()          # focus left the field, nothing typed
            return True
        try:
            v = parse_value(text, self.low, self.high)
        except ValueError as e:
            self.error.setText(f"not applied: {e}")
            self.error.show()
            return False
        self.pressed.emit()            # a typed value is its own undo step
        self.set_value(v)
        self.value_edited.emit(v)
        return True


def swatch(color: str, size: int = 14) -> QIcon:
    pm = QPixmap(size, size)
    pm.fill(QColor(color))
    return QIcon(pm)
