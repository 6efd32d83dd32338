"""Small reusable widgets: a labelled parameter slider (linear or log) and a colour swatch."""
from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QWidget

TICKS = 1000


def format_value(v: float, log: bool) -> str:
    """Log sliders show powers of ten ("3.0e-02"); linear ones three significant digits."""
    if log:
        return f"{v:.1e}"
    return f"{v:.3g}"


class ParamSlider(QWidget):
    """A horizontal slider over [low, high] (log or linear) with its name and value as text.

    value_edited(float) fires for user edits only; set_value() is silent.
    pressed() marks the start of a drag (one undo step per drag).
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
        self.label.setMinimumWidth(118)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, TICKS)
        self.slider.setToolTip(tooltip or name)
        self.label.setToolTip(tooltip or name)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.label)
        lay.addWidget(self.slider, 1)
        self.set_value(value)
        self.slider.valueChanged.connect(self._on_slider)
        self.slider.sliderPressed.connect(self.pressed)

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

    def _show(self) -> None:
        self.label.setText(f"{self.name} {format_value(self._value, self.log)}")

    def _on_slider(self, k: int) -> None:
        self._value = self._from_tick(k)
        self._show()
        self.value_edited.emit(self._value)


def swatch(color: str, size: int = 14) -> QIcon:
    pm = QPixmap(size, size)
    pm.fill(QColor(color))
    return QIcon(pm)
