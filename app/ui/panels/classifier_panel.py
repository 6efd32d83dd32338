"""The linear-classifier lab's dock: the numbers behind the data view, at the selected run's parameters.

- a row per point: x, y, class, the scores and the point's loss, marked when
  the loss is above zero (the points that still pull on W);
- the data loss, the regularization loss and their total;
- a row per parameter (W[c, d], b[c]): its value (editable: the runs then
  restart from the edited classifier), the analytic gradient, the centred
  difference and their relative error: the gradient check, with its verdict;
- "Single update", "Start / stop repeated update", "Randomize";
- how far the selected run has moved off the plane the surface shows.

The panel only shows numbers and reports what the user asks for (signals);
the lab (app.ui.features.toy_lab) computes and applies.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.model.toy_view import PointTable
from app.ui.views.data_view import class_color

POSITIVE_BG = "#FBE3DF"     # a point whose loss is above zero
GRAD_OK = 1e-7              # relative error below it: the gradient is right (landscapes.gradcheck)
GRAD_CLOSE = 1e-4           # below it: right to the accuracy of the differences; above: a kink (or a bug)
PARAM_COLUMNS = ("θ", "value", "∂L/∂θ", "numeric", "rel. err.")   # numeric: centred differences


def _item(text: str, *, editable: bool = False, align_right: bool = True) -> QTableWidgetItem:
    it = QTableWidgetItem(text)
    flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
    it.setFlags(flags | Qt.ItemFlag.ItemIsEditable if editable else flags)
    if align_right:
        it.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return it


def _table(columns: tuple[str, ...] | list[str]) -> QTableWidget:
    """A table as wide as the dock (columns share it), every row shown: the dock scrolls, not the table."""
    t = QTableWidget(0, len(columns))
    t.setHorizontalHeaderLabels(list(columns))
    t.verticalHeader().setVisible(False)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    t.horizontalHeader().setMinimumSectionSize(30)
    t.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return t


def _fit_height(t: QTableWidget) -> None:
    """Every row on show (the dock scrolls, not the table)."""
    h = t.horizontalHeader().height() + sum(t.rowHeight(r) for r in range(t.rowCount())) + 2 * t.frameWidth()
    t.setFixedHeight(h + 2)


class ClassifierPanel(QWidget):
    """See the module docstring. Signals: param_edited(index, value), single_update, repeated_update,
    randomize."""

    param_edited = Signal(int, float)
    single_update = Signal()
    repeated_update = Signal()
    randomize = Signal()

    def __init__(self) -> None:
        super().__init__()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        self.showing = QLabel()
        self.showing.setWordWrap(True)
        lay.addWidget(self.showing)
        buttons = QHBoxLayout()
        self.single = QPushButton("Single update")
        self.single.setToolTip("One step of every run (the window's Step, S)")
        self.repeated = QPushButton("Start repeated update")
        self.repeated.setToolTip("Play the race (the window's Play, Space)")
        self.random = QPushButton("Randomize")
        self.random.setToolTip("A random W and b: every run restarts from it")
        for b, signal in ((self.single, self.single_update), (self.repeated, self.repeated_update),
                          (self.random, self.randomize)):
            b.clicked.connect(signal)
            buttons.addWidget(b)
        lay.addLayout(buttons)
        lay.addWidget(QLabel("<b>Points</b> (loss above zero marked)"))
        self.points = _table(["#", "x₁", "x₂", "class"])
        lay.addWidget(self.points)
        self.totals = QLabel()
        self.totals.setWordWrap(True)
        lay.addWidget(self.totals)
        lay.addWidget(QLabel("<b>Parameters</b> (edit a value: the runs restart from it)"))
        self.params = _table(list(PARAM_COLUMNS))
        self.params.horizontalHeaderItem(3).setToolTip("centred differences (L(θ + h·e) − L(θ − h·e)) / 2h, h = 1e-5")
        self.params.horizontalHeaderItem(4).setToolTip("|analytic − numeric| / max(|analytic|, |numeric|)")
        self.params.itemChanged.connect(self._on_param_item)
        lay.addWidget(self.params)
        self.gradcheck = QLabel()
        self.gradcheck.setWordWrap(True)
        self.gradcheck.setObjectName("toy_gradcheck")
        lay.addWidget(self.gradcheck)
        self.distance = QLabel()
        self.distance.setWordWrap(True)
        lay.addWidget(self.distance)
        lay.addStretch(1)
        self._filling = False
        self._bold = QFont()
        self._bold.setBold(True)

    # --- what is shown --------------------------------------------------------------
    def set_playing(self, playing: bool) -> None:
        self.repeated.setText("Stop repeated update" if playing else "Start repeated update")

    def show_table(self, table: PointTable) -> None:
        """Rows per point; the columns follow the number of classes."""
        t = self.points
        n, c = table.scores.shape
        columns = ["#", "x₁", "x₂", "class", *(f"s{_sub(k)}" for k in range(c)), "loss"]
        if t.columnCount() != len(columns):
            t.setColumnCount(len(columns))
            t.setHorizontalHeaderLabels(columns)
        if t.rowCount() != n:
            t.setRowCount(n)
        positive = table.positive
        for i in range(n):
            cells = [str(i), f"{table.X[i, 0]:.2f}", f"{table.X[i, 1]:.2f}", str(int(table.y[i])),
                     *(f"{s:.2f}" for s in table.scores[i]), f"{table.losses[i]:.2f}"]
            for j, text in enumerate(cells):
                it = t.item(i, j)
                if it is None:
                    it = _item(text)
                    t.setItem(i, j, it)
                elif it.text() != text:
                    it.setText(text)
            klass = t.item(i, 3)
            klass.setForeground(QBrush(QColor(class_color(int(table.y[i])))))
            klass.setFont(self._bold)
            loss = t.item(i, len(cells) - 1)
            loss.setBackground(QBrush(QColor(POSITIVE_BG)) if positive[i] else QBrush())
            loss.setFont(self._bold if positive[i] else QFont())
        _fit_height(t)
        self.totals.setText(f"data loss {table.data_loss:.4f}  +  reg loss {table.reg_loss:.4f}  =  "
                            f"<b>total {table.total:.4f}</b>  ({int(positive.sum())} of {n} points with loss > 0; "
                            f"{table.correct} of {n} classified right)")

    def show_params(self, names: tuple[str, ...], theta: np.ndarray, analytic: np.ndarray, numeric: np.ndarray,
                    rel_error: np.ndarray) -> None:
        """A row per parameter: name, value, gradient, centred difference, relative error; the verdict."""
        t = self.params
        self._filling = True
        try:
            if t.rowCount() != len(names):
                t.setRowCount(len(names))
            editing = t.state() == QAbstractItemView.State.EditingState
            for i, name in enumerate(names):
                cells = (name, f"{theta[i]:.4f}", f"{analytic[i]:.4f}", f"{numeric[i]:.4f}", f"{rel_error[i]:.0e}")
                for j, text in enumerate(cells):
                    it = t.item(i, j)
                    if it is None:
                        t.setItem(i, j, _item(text, editable=j == 1, align_right=j > 0))
                    elif it.text() != text and not (editing and j == 1 and t.currentRow() == i):
                        it.setText(text)
        finally:
            self._filling = False
        _fit_height(t)
        worst = int(np.argmax(rel_error)) if len(rel_error) else 0
        err = float(rel_error[worst]) if len(rel_error) else 0.0
        if err < GRAD_OK:
            verdict = "analytic and centred differences agree"
        elif err < GRAD_CLOSE:
            verdict = "they agree to the accuracy of the differences"
        else:
            verdict = (f"they differ at {names[worst]}: a hinge's kink, where the slopes on either side "
                       "differ and the analytic gradient takes one of them")
        self.gradcheck.setText(f"<b>Gradient check</b> (h = 1e-5): largest relative error {err:.1e} — {verdict}")

    def show_distance(self, label: str, distance: float | None) -> None:
        if distance is None:
            self.distance.setText("")
            return
        self.distance.setText(f"{label} is {distance:.3g} away from the plane drawn in 3-D and 2-D "
                              "(its other parameters have moved; the surface is redrawn through it)"
                              if distance > 1e-9 else f"{label} is on the plane drawn in 3-D and 2-D")

    def show_run(self, label: str) -> None:
        self.showing.setText(f"Numbers of <b>{label}</b> at its current step (select another run in Runs)")

    # --- edits ------------------------------------------------------------------------
    def _on_param_item(self, item: QTableWidgetItem) -> None:
        if self._filling or item.column() != 1:
            return
        try:
            value = float(item.text().replace("−", "-"))
        except ValueError:
            value = float("nan")
        self.param_edited.emit(item.row(), value)


def _sub(k: int) -> str:
    return "".join("₀₁₂₃₄₅₆₇₈₉"[int(d)] for d in str(k))
