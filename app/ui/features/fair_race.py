"""Fair race: Swarm → Tune all… (Ctrl+Shift+U) tunes every run under one stated budget.

    install(host)   adds the action and its small budget dialog

The tuning itself is app.model.fair_race (Qt-free): this module asks for the
budget (trials, steps, seeds, objective; the scene's own ``tuning`` if it has
one), runs tune_all on the window's scene and landscape off the GUI thread
(progress and Cancel in the dialog) and puts the result in as ONE undoable
edit (host.retune): every run's tuned hyper-parameters, the budget in the
scene's ``tuning`` and the fine print ending the caption. A bad budget or a
surface tune_all refuses is one line in the dialog; a cancel changes nothing.
"""
from __future__ import annotations

import copy
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from app.model import fair_race
from app.model.limits import MAX_STEPS, MAX_TRIALS, TUNE_OBJECTIVES, TUNE_SECOND_VALUES
from app.model.race import Race
from app.model.scene import Scene, TuneBudget
from app.ui.window.host import Host

OBJECTIVE_NAMES = {"final_loss": "final loss", "auc": "area under the curve",
                   "distance_to_minimum": "distance to the nearest minimum"}
assert set(OBJECTIVE_NAMES) == set(TUNE_OBJECTIVES)
UNDO_TEXT = "tune all (fair race)"


def parse_seeds(text: str) -> tuple[int, ...]:
    """ "0, 1, 2" -> (0, 1, 2); ValueError in one line (check_budget checks the range)."""
    parts = [p for p in text.replace(",", " ").split() if p]
    try:
        return tuple(int(p) for p in parts)
    except ValueError:
        raise ValueError(f"seeds must be whole numbers separated by commas, got {text.strip()!r}") from None


class TuneDialog(QDialog):
    """The budget, a Tune button, progress and Cancel, and one status line."""

    def __init__(self, feature: FairRace) -> None:
        super().__init__(feature.host.window)
        self.feature = feature
        self.setWindowTitle("Tune all — Loss Lab")
        self.setMinimumWidth(480)
        self.trials = QSpinBox()
        self.trials.setRange(1, MAX_TRIALS)          # check_budget says why 6 is refused
        self.trials.setSingleStep(TUNE_SECOND_VALUES)
        self.trials.setToolTip(f"settings each solver tries: a multiple of {TUNE_SECOND_VALUES} "
                               f"(learning rates × {TUNE_SECOND_VALUES} values of momentum, α or β₂)")
        self.steps = QSpinBox()
        self.steps.setRange(1, MAX_STEPS)
        self.steps.setToolTip("steps of every trial")
        self.seeds = QLineEdit()
        self.seeds.setToolTip("each trial's objective is averaged over these seeds, e.g. 0, 1, 2")
        self.objective = QComboBox()
        for key, name in OBJECTIVE_NAMES.items():
            self.objective.addItem(name, key)
        form = QFormLayout()
        form.addRow("Trials", self.trials)
        form.addRow("Steps", self.steps)
        form.addRow("Seeds", self.seeds)
        form.addRow("Objective", self.objective)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.cancel_button = QPushButton("Cancel")
        self.tune_button = QPushButton("Tune")
        self.tune_button.setDefault(True)
        self.tune_button.clicked.connect(self.tune)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.progress, 1)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(0)
        buttons.addWidget(self.tune_button)
        buttons.addWidget(close)
        box = QVBoxLayout(self)
        box.addLayout(form)
        box.addWidget(self.status)
        box.addLayout(buttons)
        self.jobs = feature.host.new_jobs(self, lambda text, _error: self.status.setText(text),
                                          progress=self.progress, cancel_button=self.cancel_button,
                                          replace=False)
        self.jobs.busy_changed.connect(lambda busy: self.tune_button.setEnabled(not busy))
        feature.host.closing.connect(self.jobs.shutdown)

    def load(self, budget: TuneBudget) -> None:
        self.trials.setValue(budget.trials)
        self.steps.setValue(budget.steps)
        self.seeds.setText(", ".join(str(s) for s in budget.seeds))
        self.objective.setCurrentIndex(max(self.objective.findData(budget.objective), 0))
        self.status.setText("")

    def budget(self) -> TuneBudget:
        """The budget as typed; ValueError in one line."""
        budget = TuneBudget(trials=self.trials.value(), steps=self.steps.value(),
                            seeds=parse_seeds(self.seeds.text()), objective=str(self.objective.currentData()))
        return fair_race.check_budget(budget)

    def tune(self) -> bool:
        """Start tuning; False (with the reason in the status line) if it did not start."""
        try:
            budget = self.budget()
        except ValueError as e:
            self.status.setText(f"not tuned: {e}")
            return False
        return self.feature.start(budget)

    def closeEvent(self, event: Any) -> None:
        self.jobs.cancel()       # closing the dialog stops its tuning: nothing half applied
        super().closeEvent(event)


class FairRace(QObject):
    """The Tune all… action and its dialog."""

    def __init__(self, host: Host) -> None:
        super().__init__(host.window)
        self.host = host
        self.dialog: TuneDialog | None = None
        self._tuning: tuple[Race, Scene] | None = None   # the race being tuned, and its scene then
        menu = host.add_menu("S&warm")
        self.act = host.add_action("Tune all…", "Ctrl+Shift+U", self.open,
                                   "Tune every run's solver under one stated budget (a fair race)", menu=menu)

    def open(self) -> TuneDialog | None:
        race = self.host.race
        if race is None:
            return None
        if self.dialog is None:
            self.dialog = TuneDialog(self)
        if not self.dialog.jobs.busy:
            self.dialog.load(race.scene.tuning if race.scene.tuning is not None else TuneBudget())
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()
        return self.dialog

    def start(self, budget: TuneBudget) -> bool:
        """Tune the window's scene on its landscape off the GUI thread (the dialog shows progress)."""
        race, dialog = self.host.race, self.dialog
        if race is None or dialog is None:
            return False
        scene = copy.deepcopy(race.scene)    # what is tuned: edits meanwhile do not reach the worker
        landscape = race.landscape
        self._tuning = (race, scene)

        def work(progress: Any, cancel: Any) -> fair_race.TuneResult:
            # a cancel raises TuneCancelled with the job's stop set: the runner reports it as cancelled
            return fair_race.tune_all(scene, budget, landscape=landscape, progress=progress, cancel=cancel)

        return dialog.jobs.run("tuning", work, self._done, on_failed=self._failed,
                               on_cancelled=self._cancelled)

    def _done(self, result: fair_race.TuneResult) -> None:
        dialog, tuned_from, self._tuning = self.dialog, self._tuning, None
        if dialog is None or tuned_from is None:
            return
        race, scene = tuned_from
        if race is not self.host.race or race.scene.runs != scene.runs \
                or race.scene.landscape != scene.landscape:
            dialog.status.setText("not applied: the scene changed while tuning; tune again")
            return
        if self.host.retune(fair_race.apply(race.scene, result), UNDO_TEXT):
            dialog.status.setText(f"tuned {len(result.runs)} runs: the caption ends with the fine print "
                                  f"(Ctrl+Z undoes)")
        else:
            dialog.status.setText("not applied: see the status bar")

    def _failed(self, message: str) -> None:
        self._tuning = None
        if self.dialog is not None:
            self.dialog.status.setText(f"not tuned: {message.removeprefix('ValueError: ')}")

    def _cancelled(self) -> None:
        self._tuning = None
        if self.dialog is not None:
            self.dialog.status.setText("tuning cancelled: nothing changed")


def install(host: Host) -> FairRace:
    """Swarm → Tune all… (after the swarm feature, which makes the menu)."""
    return FairRace(host)
