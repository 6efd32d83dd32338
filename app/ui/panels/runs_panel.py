"""Runs panel (right dock): the list of runs and live controls for the selected one.

The panel never mutates the race itself: it emits ``edit(index, changes, what)``
and the main window applies it (race.set_run + undo). Sliders are built from
``solvers.spec(name).params`` (ParamSpec low/high/log/label), so a new solver
gets its controls for free.
"""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QColorDialog,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

import solvers
from app.ui.common.math_label import MathLabel
from app.ui.common.widgets import ParamSlider, swatch

HIDDEN_PARAMS = {"eps", "lr_decay", "initial_accumulator_value", "dampening"}   # rarely taught; keep the panel calm
NOISE_MAX = 3.0
SPIN_MIN_WIDTH = 64     # px: a start spin box still shows "-1.500" and its arrows


def _shrinkable(combo: QComboBox) -> QComboBox:
    """Let a combo box narrow below its longest item (the dock must fit a 1024-px screen)."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(8)
    return combo


def update_rule(solver_name: str, weight_decay: float) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The solver's update rule as (LaTeX lines, plain-text lines), without weight decay when λ = 0.

    The solver's spec knows its own lines (solvers.SolverSpec.update_rule); one
    rule for the Runs panel and lecture mode.
    """
    return solvers.spec(solver_name).update_rule(weight_decay)


def weight_decay_of(solver_name: str, hyper: dict) -> float:
    """λ of a run: its own value, else the solver's default (adamw decays by default), else 0."""
    if "weight_decay" in hyper:
        return float(hyper["weight_decay"] or 0.0)
    ps = param_specs(solver_name).get("weight_decay")
    return float(getattr(ps, "default", 0.0) or 0.0)


def param_specs(solver_name: str) -> dict:
    """name -> ParamSpec of a solver (the registry's spec; tolerant of its container type)."""
    s = solvers.spec(solver_name)
    params = getattr(s, "params", s)
    return dict(params)


class RunsPanel(QWidget):
    selection_changed = Signal(int)
    edit = Signal(int, dict, str)          # run index, changes for race.set_run, undo text
    start_edit = Signal(int, float, float)
    add_requested = Signal()
    remove_requested = Signal(int)
    duplicate_requested = Signal(int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._race = None
        self._current = -1
        self._sliders: dict[str, ParamSlider] = {}
        outer = QVBoxLayout(self)
        self.list = QListWidget()
        self.list.setMinimumHeight(120)
        self.list.setMaximumHeight(230)
        self.list.currentRowChanged.connect(self._on_row)
        outer.addWidget(self.list)
        buttons = QHBoxLayout()
        for text, tip in (("Add", "Add a run (Ctrl+N)"),
                          ("Duplicate", "Duplicate the selected run (Ctrl+D)"),
                          ("Remove", "Remove the selected run (Delete)")):
            b = QPushButton(text)
            b.setToolTip(tip)
            b.setMinimumWidth(40)   # "Duplicate" may be cut in a narrow dock; its tool tip says it
            buttons.addWidget(b)
            if text == "Add":
                b.clicked.connect(self.add_requested)
            elif text == "Duplicate":
                b.clicked.connect(lambda: self._current >= 0 and self.duplicate_requested.emit(self._current))
            else:
                b.clicked.connect(lambda: self._current >= 0 and self.remove_requested.emit(self._current))
        outer.addLayout(buttons)

        box = QGroupBox("Selected run")
        self.form = QFormLayout(box)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)   # narrow dock: field under its label
        self.solver = QComboBox()
        self.solver.addItems(solvers.names())
        self.solver.setToolTip("The optimizer of this run")
        _shrinkable(self.solver)
        self.solver.activated.connect(lambda _i: self._emit({"solver": self.solver.currentText()}, "solver"))
        self.label = QLineEdit()
        self.label.setPlaceholderText("automatic, e.g. adam (lr 1.0e-02)")
        self.label.editingFinished.connect(self._on_label)
        self.label.setMinimumWidth(SPIN_MIN_WIDTH)
        self.color = QPushButton()
        self.color.setToolTip("Colour of this run in every view")
        self.color.clicked.connect(self._pick_color)
        self.start_x, self.start_y = QDoubleSpinBox(), QDoubleSpinBox()
        for sb in (self.start_x, self.start_y):
            sb.setRange(-1e6, 1e6)
            sb.setDecimals(3)
            sb.setSingleStep(0.1)
            sb.setKeyboardTracking(False)
            sb.setToolTip("Start point (or click the 2-D map or the 3-D surface; Shift+click moves every run)")
            sb.valueChanged.connect(self._on_start)
            sb.setMinimumWidth(SPIN_MIN_WIDTH)   # the ±1e6 range would ask for ~120 px each
        start = QHBoxLayout()
        start.addWidget(QLabel("x"))
        start.addWidget(self.start_x)
        start.addWidget(QLabel("y"))
        start.addWidget(self.start_y)
        self.mode = QComboBox()
        self.mode.addItem("restart run", "restart")
        self.mode.addItem("continue from here", "continue")
        _shrinkable(self.mode)
        self.mode.setToolTip("What a changed setting does: re-run from the start, or apply from the current step on")
        self.schedule = QComboBox()
        self.schedule.addItem("constant", None)
        for name in _schedule_names():
            if name != "constant":
                self.schedule.addItem(name, name)
        _shrinkable(self.schedule)
        self.schedule.setToolTip("Learning-rate schedule (lr multiplier per step)")
        self.schedule.activated.connect(self._on_schedule)
        self.form.addRow("Solver", self.solver)
        self.form.addRow("Label", self.label)
        self.form.addRow("Colour", self.color)
        self.form.addRow("Start", start)
        self.form.addRow("On change", self.mode)
        self.slider_box = QVBoxLayout()
        self.form.addRow(self.slider_box)
        self.form.addRow("Schedule", self.schedule)
        self.schedule_box = QFormLayout()
        self.form.addRow(self.schedule_box)
        self.batch = QSpinBox()
        self.batch.setRange(0, 50000)
        self.batch.setSpecialValueText("full batch")
        self.batch.setSingleStep(16)
        self.batch.setKeyboardTracking(False)
        self.batch.setToolTip("Minibatch size for the gradient (data landscapes only); 0 = full batch")
        self.batch.valueChanged.connect(lambda v: self._emit({"batch_size": int(v) or None}, "batch size"))
        self.batch_label = QLabel("Batch")
        self.form.addRow(self.batch_label, self.batch)
        self.update_rule = MathLabel(point_size=12)
        self.update_rule.setWordWrap(True)
        self.update_rule.setMinimumWidth(40)   # a wide rendered rule is cut at the right, not the whole panel
        self.update_rule.setToolTip("Update rule of the selected solver (as in torch.optim)")
        self.form.addRow(self.update_rule)
        outer.addWidget(box)
        outer.addStretch(1)
        self.editor = box

    # --- model -> widgets ---------------------------------------------------------
    @property
    def mode_value(self) -> str:
        return self.mode.currentData()

    def set_race(self, race, select: int | None = None) -> None:
        """Rebuild the list (runs added/removed, new race) and the selected run's editor."""
        self._race = race
        row = self._current if select is None else select
        self.list.blockSignals(True)
        self.list.clear()
        for tr in race.runs:
            self.list.addItem(QListWidgetItem(swatch(tr.color), ""))
        row = min(max(row, 0), len(race.runs) - 1)
        self.list.setCurrentRow(row)
        self.list.blockSignals(False)
        self._current = row
        self.update_losses()
        self.show_run()

    def update_losses(self) -> None:
        """Refresh the list texts: label, current loss, divergence (cheap; per few frames)."""
        if self._race is None:
            return
        for i, tr in enumerate(self._race.runs):
            item = self.list.item(i)
            if item is None:
                continue
            state = f"diverged at step {tr.diverged_at}" if tr.diverged_at is not None else f"loss {tr.loss:.2e}"
            text = f"{tr.label}\n    {state}"
            if item.text() != text:
                item.setText(text)

    def show_start(self) -> None:
        """Load the selected run's start into the Start fields (signals blocked)."""
        race = self._race
        if race is None or not 0 <= self._current < len(race.runs):
            return
        spec = race.runs[self._current].spec
        start = spec.start if spec.start is not None else race.landscape.default_start
        for sb, v in ((self.start_x, start[0]), (self.start_y, start[1])):
            sb.blockSignals(True)
            sb.setValue(float(v))
            sb.blockSignals(False)

    def show_run(self) -> None:
        """Load the selected run's settings into the editor (signals blocked: no edits fire)."""
        race = self._race
        ok = race is not None and 0 <= self._current < len(race.runs)
        self.editor.setEnabled(ok)
        if not ok:
            return
        tr = race.runs[self._current]
        spec = tr.spec
        self.solver.blockSignals(True)
        self.solver.setCurrentText(spec.solver)
        self.solver.blockSignals(False)
        self.label.setText(spec.label or "")
        self.color.setIcon(swatch(tr.color, 18))
        self.color.setText(tr.color)
        self.show_start()
        sched = (spec.schedule or {}).get("kind") if spec.schedule else None
        idx = self.schedule.findData(sched)
        self.schedule.setCurrentIndex(max(idx, 0))
        self._build_schedule_params(spec.schedule)
        minibatch = hasattr(race.landscape, "minibatch_grad")
        self.batch.blockSignals(True)
        self.batch.setValue(int(spec.batch_size or 0))
        self.batch.blockSignals(False)
        self.batch.setVisible(minibatch)
        self.batch_label.setVisible(minibatch)
        self._build_sliders(tr)
        self._show_rule(spec.solver, weight_decay_of(spec.solver, dict(tr.solver.hyper)))

    def _show_rule(self, solver_name: str, weight_decay: float) -> None:
        latex, lines = update_rule(solver_name, weight_decay)
        self.update_rule.set_math(latex, lines)
        self.update_rule.setVisible(bool(lines or latex))

    def _build_sliders(self, tr) -> None:
        while self.slider_box.count():
            w = self.slider_box.takeAt(0).widget()
            if w is not None:
                w.deleteLater()
        self._sliders = {}
        hyper = dict(tr.solver.hyper)
        for key, ps in param_specs(tr.spec.solver).items():
            if key in HIDDEN_PARAMS or getattr(ps, "kind", "float") == "bool":
                continue
            value = hyper.get(key, ps.default)
            parts = getattr(ps, "components", ()) or ()
            if parts and isinstance(value, (tuple, list)):   # e.g. adam's betas: one slider each
                for j, (part, v) in enumerate(zip(parts, value, strict=True)):
                    self._add_slider(f"{key}[{j}]", part.symbol or f"{key}{j + 1}", part, v)
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                self._add_slider(key, _short_name(key, ps), ps, value)
        noise = ParamSlider("noise", 0.0, NOISE_MAX, tr.spec.noise,
                            tooltip="Gradient noise, in units of the surface's typical |∇f|")
        noise.value_edited.connect(lambda v: self._emit({"noise": v}, "noise", merge=True))
        noise.pressed.connect(self._new_drag)
        self.slider_box.addWidget(noise)
        self._sliders["noise"] = noise

    def _build_schedule_params(self, schedule: dict | None) -> None:
        """One spin box per parameter of the current schedule (defaults filled in by solvers)."""
        while self.schedule_box.rowCount():
            self.schedule_box.removeRow(0)
        if not schedule or schedule.get("kind", "constant") == "constant":
            return
        try:
            full = solvers.make_schedule(**schedule).as_dict()
        except ValueError:
            full = dict(schedule)
        full.setdefault("warmup", 0)
        for key, value in full.items():
            if key == "kind" or not isinstance(value, (int, float)):
                continue
            sb = QDoubleSpinBox()
            is_int = key in ("step_size", "total_steps", "warmup")
            sb.setDecimals(0 if is_int else 4)
            sb.setRange(0.0, 1e6)
            sb.setSingleStep(1.0 if is_int else 0.01)
            sb.setValue(float(value))
            sb.setKeyboardTracking(False)
            sb.setToolTip(f"{full['kind']} schedule: {key.replace('_', ' ')}")
            sb.valueChanged.connect(lambda v, k=key, i=is_int: self._on_schedule_param(k, int(v) if i else v))
            self.schedule_box.addRow(f"  {key.replace('_', ' ')}", sb)

    def _on_schedule_param(self, key: str, value) -> None:
        spec = self._race.runs[self._current].spec
        sched = dict(spec.schedule or {})
        sched[key] = value
        self._emit({"schedule": sched}, "schedule parameter")

    def _add_slider(self, key: str, name: str, ps, value) -> None:
        low, high = getattr(ps, "slider", None) or (ps.low, ps.high)
        s = ParamSlider(name, low, high, float(value), log=ps.log,
                        tooltip=f"{ps.label or key} ({'log scale' if ps.log else 'linear'})")
        s.value_edited.connect(lambda v, k=key: self._on_param(k, v))
        s.pressed.connect(self._new_drag)
        self.slider_box.addWidget(s)
        self._sliders[key] = s

    # --- widgets -> edits ---------------------------------------------------------------
    _drag = 0

    def _new_drag(self) -> None:
        RunsPanel._drag += 1

    def _on_param(self, key: str, v: float) -> None:
        tr = self._race.runs[self._current]
        if "[" in key:   # one component of a tuple parameter such as betas
            base, j = key[:-1].split("[")
            cur = list(tr.solver.hyper.get(base, param_specs(tr.spec.solver)[base].default))
            cur[int(j)] = v
            self._emit({"hyper": {base: tuple(cur)}}, base, merge=True)
        else:
            self._emit({"hyper": {key: v}}, key, merge=True)
        if key == "weight_decay":     # the "+ λx" line comes and goes with λ
            self._show_rule(tr.spec.solver, v)

    def _on_row(self, row: int) -> None:
        self._current = row
        self.show_run()
        self.selection_changed.emit(row)

    def _on_label(self) -> None:
        text = self.label.text().strip() or None
        if self._race is not None and self._race.runs[self._current].spec.label != text:
            self._emit({"label": text}, "label")

    def _on_start(self) -> None:
        if self._current >= 0:
            self.start_edit.emit(self._current, self.start_x.value(), self.start_y.value())

    def _on_schedule(self, _i: int) -> None:
        kind = self.schedule.currentData()
        if kind is not None and kind != "constant":
            steps = self._race.total_steps if self._race is not None else 300
            sched = {"kind": kind, **({"total_steps": steps} if kind == "cosine" else {})}
        else:
            sched = None
        self._emit({"schedule": sched}, "schedule")

    def _pick_color(self) -> None:
        if self._current < 0:
            return
        c = QColorDialog.getColor(QColor(self._race.runs[self._current].color), self, "Run colour")
        if c.isValid():
            self._emit({"color": c.name().upper()}, "colour")

    def _emit(self, changes: dict, what: str, merge: bool = False) -> None:
        if self._race is None or self._current < 0:
            return
        changes = dict(changes)
        changes["_merge"] = (what, self._current, RunsPanel._drag) if merge else None
        self.edit.emit(self._current, changes, what)

    @property
    def current(self) -> int:
        return self._current

    def slider(self, key: str) -> ParamSlider | None:
        """The selected run's slider of parameter ``key`` ("lr", "momentum", ...), if it has one."""
        return self._sliders.get(key)

    def select(self, row: int) -> None:
        self.list.setCurrentRow(row)


def _short_name(key: str, ps) -> str:
    """Slider caption: 'lr', 'momentum', 'weight decay', else the symbol (β₁, α)."""
    if key == "lr":
        return "lr"
    label = ps.label or key
    return label if len(label) <= 14 else (ps.symbol or key)


def _schedule_names() -> list[str]:
    try:
        return list(solvers.schedule_names())
    except AttributeError:
        return []
