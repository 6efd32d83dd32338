"""The runs of a full-dimensional training race as an editable table, one row per run.

    table = TrainingRunsTable()
    table.set_settings([RunSettings("sgd", {"lr": 4e-7}), ...])
    table.settings()        # -> [RunSettings, ...]; a bad cell is one ValueError line
    table.mark_lr(row, past=True, tip="past 2/λmax = 4.8e-06")

Columns: solver (every solver of solvers/ that works on all of W, and random
search), learning rate (typed, e.g. 4e-7), batch size (32..256 or full),
schedule (constant, step, exponential, cosine with fixed shapes) and weight
decay λ. The run's colour is the swatch in its row header.
"""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
)

import solvers
from app.model.cifar_race import RANDOM_SEARCH, RANDOM_SEARCH_SCALE, RunSettings
from app.ui.common.widgets import swatch

SOLVERS = tuple(n for n in solvers.names() if n != "newton")  # newton needs the 30,730² Hessian
BATCHES = ("32", "64", "128", "200", "256", "full")
# fixed shapes of each schedule kind, scaled to a race of about 1,500 steps
SCHEDULES = {"constant": None, "step": {"kind": "step", "step_size": 500, "gamma": 0.5},
             "exponential": {"kind": "exponential", "gamma": 0.999},
             "cosine": {"kind": "cosine", "total_steps": 1500}}
COLUMNS = ("solver", "η", "batch", "schedule", "weight decay")
PAST_STYLE = "QLineEdit { background: #F8D0C0; color: #7A1A00; font-weight: bold; }"


def _number(text: str, what: str, row: int, positive: bool) -> float:
    try:
        v = float(text.strip().replace("−", "-"))
    except ValueError:
        raise ValueError(f"run {row + 1}: {what} {text.strip()!r} is not a number") from None
    if not (v > 0 if positive else v >= 0) or v != v or v == float("inf"):
        raise ValueError(f"run {row + 1}: {what} must be a finite number {'> 0' if positive else '>= 0'}, got {v:g}")
    return v


def schedule_name(schedule) -> str:
    kind = schedule.get("kind", "constant") if isinstance(schedule, dict) else getattr(schedule, "kind", None)
    return kind if kind in SCHEDULES else "constant"


class TrainingRunsTable(QTableWidget):
    edited = Signal()       # any cell changed by the user

    def __init__(self, parent=None) -> None:
        super().__init__(0, len(COLUMNS), parent)
        self.setHorizontalHeaderLabels(COLUMNS)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)   # "random_search" whole
        self.colors: list[str] = []
        self._labels: list[str] = []     # a scene's run labels ("batch 32"), kept while its row lives

    # ------------------------------------------------------------------ rows
    def set_settings(self, runs: list[RunSettings], colors: list[str]) -> None:
        """All rows anew; selection signals wait until every row has its cells."""
        self.blockSignals(True)
        self.setRowCount(0)
        self.colors, self._labels = [], []
        for s, c in zip(runs, colors, strict=True):
            self.add_row(s, c)
        if runs:
            self.selectRow(0)
        self.blockSignals(False)

    def add_row(self, s: RunSettings, color: str) -> int:
        row = self.rowCount()
        self.insertRow(row)
        self.colors.append(color)
        self._labels.append(s.label)
        head = QTableWidgetItem(swatch(color, 14), str(row + 1))
        self.setVerticalHeaderItem(row, head)
        solver = QComboBox()
        solver.addItems(SOLVERS)
        solver.setCurrentText(s.solver)
        default = RANDOM_SEARCH_SCALE if s.solver == RANDOM_SEARCH else solvers.make(s.solver).lr
        lr = QLineEdit(f"{float(s.hyper.get('lr', default)):.3g}")
        lr.setToolTip("learning rate η (random search: the scale σ of its draws W = σ·N(0, 1))")
        batch = QComboBox()
        batch.addItems(BATCHES)
        batch.setCurrentText("full" if s.batch_size is None else str(s.batch_size))
        schedule = QComboBox()
        schedule.addItems(SCHEDULES)
        schedule.setCurrentText(schedule_name(s.schedule))
        wd = QLineEdit(f"{float(s.hyper.get('weight_decay', 0.0)):g}")
        for col, w in enumerate((solver, lr, batch, schedule, wd)):
            self.setCellWidget(row, col, w)
            (w.currentTextChanged if isinstance(w, QComboBox) else w.textEdited).connect(lambda _t: self.edited.emit())
        return row

    def remove_row(self, row: int) -> None:
        if 0 <= row < self.rowCount():
            self.removeRow(row)
            del self.colors[row]
            del self._labels[row]

    @property
    def current(self) -> int:
        rows = self.selectionModel().selectedRows() if self.selectionModel() else []
        return rows[0].row() if rows else (0 if self.rowCount() else -1)

    # ------------------------------------------------------------------ values
    def _cell(self, row: int, col: int):
        return self.cellWidget(row, col)

    def lr_field(self, row: int) -> QLineEdit:
        return self._cell(row, 1)

    def settings(self) -> list[RunSettings]:
        """The table as RunSettings (ValueError naming the run and the cell when a value is bad)."""
        out = []
        for row in range(self.rowCount()):
            name = self._cell(row, 0).currentText()
            hyper = {"lr": _number(self._cell(row, 1).text(), "η", row, positive=True)}
            wd = _number(self._cell(row, 4).text(), "weight decay", row, positive=False)
            if wd:
                hyper["weight_decay"] = wd
            batch = self._cell(row, 2).currentText()
            label = name if name != RANDOM_SEARCH else "random search"
            out.append(RunSettings(name, hyper, SCHEDULES[self._cell(row, 3).currentText()],
                                   None if batch == "full" else int(batch), label=self._labels[row] or f"{label} {row + 1}",
                                   color=self.colors[row]))
        return out

    def mark_lr(self, row: int, past: bool, tip: str) -> None:
        """Show the run's η as past the stability bound (or not), with the bound in the tooltip."""
        if 0 <= row < self.rowCount():
            field = self.lr_field(row)
            field.setStyleSheet(PAST_STYLE if past else "")
            field.setToolTip(tip)
