"""Landscape panel (left dock): pick the surface, its parameters, a custom f(x, y),
grid resolution, bounds, L1/L2 strength; shows the formula and a gradient check.

The formula is written over the surface's own axes (surface_formula): f(x, y) for
a surface of x and y, L(W[0,0], W[0,1]) for the toy classifier's weight plane, and a
CIFAR-10 slice's own "L(W* + a·D₁ + b·D₂) = …" as it is.

The panel emits ``spec_changed(LandscapeSpec)``; the main window rebuilds (a typed
formula off the GUI thread: parsing one may take long). A bad custom expression is
reported inline (red, with the position, through show_expression_error) and nothing changes.
"""
from __future__ import annotations

import copy

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

import landscapes
from app.model.landscape_kinds import TOY_CLASSIFIER
from app.model.scene import LandscapeSpec
from app.ui.common.math_label import MathLabel
from app.ui.views.surface_grid import axis_names

EXPRESSION = "expression"
SPIN_MIN_WIDTH = 64     # px: a bound spin box still shows "-2.00" and its arrows
_SUBSCRIPTS = str.maketrans({chr(0x2080 + d): f"_{d}" for d in range(10)})   # d₁ -> d_1 for mathtext


def surface_formula(landscape) -> tuple[list[str], str]:
    """What the surface is, in its axes' own names: ([mathtext line] or [], the Unicode line).

    A formula that starts with the loss of its own plane ("L(W* + a·D₁ + b·D₂) = …", the
    CIFAR-10 slices) already says it and is shown as it is; a surface over named axes
    (the toy classifier's weights) is the loss L of those two; any other is f(x, y).
    """
    formula, latex = landscape.formula or "?", (landscape.latex or "").strip("$")
    if formula.startswith("L("):
        return ([f"${latex}$"] if latex else []), formula
    names = axis_names(landscape)
    if names == ("x", "y"):
        left, tex_left = "f(x, y)", "f(x, y)"
    else:
        left = f"L({names[0]}, {names[1]})"
        tex_left = left.translate(_SUBSCRIPTS)
    return ([f"${tex_left} = {latex}$"] if latex else []), f"{left} = {formula}"


def _shrinkable(combo: QComboBox) -> QComboBox:
    """Let a combo box narrow below its longest item (the dock must fit a 1024-px screen)."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(8)
    return combo


class LandscapePanel(QWidget):
    spec_changed = Signal(object)    # a new LandscapeSpec

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._spec = LandscapeSpec()
        self._landscape = None
        self._param_boxes: dict[str, QDoubleSpinBox] = {}
        self._default_titles: dict[int, str] = {}   # picker row -> the surface's title at its default parameters
        lay = QVBoxLayout(self)
        self.picker = QComboBox()
        self.picker.setToolTip("Loss surface")
        _shrinkable(self.picker)
        for name in landscapes.names():
            try:
                title = landscapes.get(name).title
            except Exception:   # a landscape that needs parameters: list it by name
                title = name
            self.picker.addItem(title, name)
            self._default_titles[self.picker.count() - 1] = title
        self.picker.addItem(TOY_CLASSIFIER.display_name, TOY_CLASSIFIER.name)
        self.picker.addItem("Custom f(x, y)", EXPRESSION)
        self.picker.activated.connect(self._on_pick)
        lay.addWidget(self.picker)

        self.title = QLabel()
        f = self.title.font()
        f.setPointSize(f.pointSize() + 3)
        f.setBold(True)
        self.title.setFont(f)
        self.title.setWordWrap(True)   # long titles wrap instead of widening the dock
        lay.addWidget(self.title)
        self.formula = MathLabel(point_size=15)   # mathtext when matplotlib exists, else Unicode serif
        self.formula.setWordWrap(True)
        self.formula.setMinimumWidth(40)   # a wide rendered formula is cut at the right, not the whole panel
        self.formula.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.formula)
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.description.setStyleSheet("color: #555;")
        lay.addWidget(self.description)

        custom = QGroupBox("Custom f(x, y)")
        cl = QVBoxLayout(custom)
        row = QHBoxLayout()
        self.expression = QLineEdit()
        self.expression.setPlaceholderText("e.g. x^2 + 10*y^2 - x*y")
        self.expression.setToolTip("Type f(x, y) and press Enter; ^ means power")
        self.expression.returnPressed.connect(self._on_expression)
        go = QPushButton("Use")
        go.setToolTip("Use this formula (Enter)")
        go.clicked.connect(self._on_expression)
        row.addWidget(self.expression, 1)
        row.addWidget(go)
        cl.addLayout(row)
        self.expression_error = QLabel()
        self.expression_error.setStyleSheet("color: #C00000;")
        self.expression_error.setWordWrap(True)
        self.expression_error.hide()
        cl.addWidget(self.expression_error)
        lay.addWidget(custom)

        self.params_box = QGroupBox("Parameters")
        self.params_form = QFormLayout(self.params_box)
        self.params_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        lay.addWidget(self.params_box)

        view = QGroupBox("Grid, bounds, regularization")
        vf = QFormLayout(view)
        vf.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)   # narrow dock: field under its label
        self.resolution = QSpinBox()
        self.resolution.setRange(50, 400)
        self.resolution.setSingleStep(25)
        self.resolution.setSuffix(" × grid")
        self.resolution.setKeyboardTracking(False)
        self.resolution.setToolTip("Grid points per side for both views (50..400)")
        self.resolution.valueChanged.connect(lambda v: self._emit(resolution=int(v)))
        vf.addRow("Resolution", self.resolution)
        self.bounds = [QDoubleSpinBox() for _ in range(4)]
        for b in self.bounds:
            b.setRange(-1e4, 1e4)
            b.setDecimals(2)
            b.setKeyboardTracking(False)
            b.setToolTip("View bounds (data coordinates)")
            b.valueChanged.connect(self._on_bounds)
            b.setMinimumWidth(SPIN_MIN_WIDTH)   # the ±1e4 range would ask for ~110 px each
        for label, (a, b) in (("x range", self.bounds[:2]), ("y range", self.bounds[2:])):
            r = QHBoxLayout()
            r.addWidget(a)
            r.addWidget(QLabel("…"))
            r.addWidget(b)
            vf.addRow(label, r)
        self.l2, self.l1 = QDoubleSpinBox(), QDoubleSpinBox()
        for sb, name in ((self.l2, "l2"), (self.l1, "l1")):
            sb.setRange(0.0, 100.0)
            sb.setDecimals(3)
            sb.setSingleStep(0.01)
            sb.setKeyboardTracking(False)
            sb.valueChanged.connect(lambda v, n=name: self._emit(**{n: float(v)}))
        self.l2.setToolTip("L2 strength λ₂: adds λ₂‖p‖² to f")
        self.l1.setToolTip("L1 strength λ₁: adds λ₁‖p‖₁ to f")
        vf.addRow("L2 λ₂", self.l2)
        vf.addRow("L1 λ₁", self.l1)
        lay.addWidget(view)

        self.gradcheck = QLabel()
        self.gradcheck.setWordWrap(True)
        self.gradcheck.setToolTip("Relative error of the analytic gradient vs central differences at the selected run's head")
        lay.addWidget(self.gradcheck)
        lay.addStretch(1)

    # --- model -> widgets -----------------------------------------------------------
    def set_state(self, spec: LandscapeSpec, landscape, bounds) -> None:
        self._spec = copy.deepcopy(spec)
        self._landscape = landscape
        widgets = [self.picker, self.resolution, self.l1, self.l2, *self.bounds]
        for w in widgets:
            w.blockSignals(True)
        i = self.picker.findData(spec.name)
        if i < 0:   # e.g. cifar_slice, not in the registry list
            self.picker.addItem(spec.name, spec.name)
            i = self.picker.count() - 1
        self.picker.setCurrentIndex(i)
        self._title_items(i, landscape)
        self.resolution.setValue(int(spec.resolution))
        self.l1.setValue(spec.l1)
        self.l2.setValue(spec.l2)
        for b, v in zip(self.bounds, (*bounds[0], *bounds[1]), strict=True):
            b.setValue(v)
        for w in widgets:
            w.blockSignals(False)
        if spec.name == EXPRESSION and spec.expression:
            self.expression.setText(spec.expression)
        self.title.setText(landscape.title)
        latex, text = surface_formula(landscape)
        self.formula.set_math(latex, [text])
        self.description.setText(landscape.description)
        self.description.setVisible(bool(landscape.description))
        self._build_params(landscape)

    def _title_items(self, current: int, landscape) -> None:
        """The current item names the surface with its actual parameters ("Ravine (κ = 100)", as the
        header does); every other item its default ones, which is what picking it gives."""
        for row, title in self._default_titles.items():
            self.picker.setItemText(row, title)
        if current in self._default_titles:
            self.picker.setItemText(current, getattr(landscape, "title", "") or self._default_titles[current])

    def show_expression_error(self, message: str) -> None:
        self.expression_error.setText(message)
        self.expression_error.setVisible(bool(message))

    def show_gradcheck(self, landscape, point) -> None:
        try:
            err = float(landscapes.gradcheck(landscape, np.asarray(point, dtype=np.float64)))
            self.gradcheck.setText(f"gradient check at head: rel. error {err:.1e}")
        except Exception as e:  # gradcheck missing or the point is off the surface
            self.gradcheck.setText(f"gradient check: n/a ({e})")

    def _build_params(self, landscape) -> None:
        while self.params_form.rowCount():
            self.params_form.removeRow(0)
        self._param_boxes = {}
        numeric = {k: v for k, v in dict(landscape.params).items()
                   if isinstance(v, (int, float)) and not isinstance(v, bool)}
        for key, v in numeric.items():
            sb = QDoubleSpinBox()
            sb.setRange(-1e6, 1e6)
            sb.setDecimals(3 if isinstance(v, float) else 0)
            sb.setValue(float(v))
            sb.setKeyboardTracking(False)
            sb.setToolTip(f"Parameter {key} of {landscape.title}")
            is_int = isinstance(v, int)
            sb.valueChanged.connect(lambda val, k=key, i=is_int: self._on_param(k, val, i))
            self.params_form.addRow(key.replace("_", " "), sb)
            self._param_boxes[key] = sb
        self.params_box.setVisible(bool(numeric))

    # --- widgets -> spec -------------------------------------------------------------
    def _emit(self, **changes) -> None:
        spec = copy.deepcopy(self._spec)
        for k, v in changes.items():
            setattr(spec, k, v)
        self.spec_changed.emit(spec)

    def _on_pick(self, _i: int) -> None:
        name = self.picker.currentData()
        if name == EXPRESSION:
            self.expression.setFocus()
            if self.expression.text().strip():
                self._on_expression()
            return
        if name == TOY_CLASSIFIER.name:   # regularized by its own reg: l1/l2 would hide its weight plane
            self._emit(name=name, params={}, expression=None, bounds=None, l1=0.0, l2=0.0)
            return
        self._emit(name=name, params={}, expression=None, bounds=None)

    def _on_expression(self) -> None:
        text = self.expression.text().strip()
        if not text:
            self.show_expression_error("type a formula in x and y first")
            return
        self.show_expression_error("")
        self._emit(name=EXPRESSION, expression=text, params={})

    def _on_param(self, key: str, value: float, is_int: bool) -> None:
        params = dict(self._spec.params)
        params[key] = int(round(value)) if is_int else float(value)
        self._emit(params=params)

    def _on_bounds(self) -> None:
        x0, x1, y0, y1 = (b.value() for b in self.bounds)
        if x1 <= x0 or y1 <= y0:
            return
        self._emit(bounds=((x0, x1), (y0, y1)))
