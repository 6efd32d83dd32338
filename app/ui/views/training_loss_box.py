"""The CIFAR-10 training race's loss: softmax or SVM data term, L2 or L1 regularization and its strength.

Every run of a race trains the same loss (app.model.cifar_race.CifarRace), so
these three settings sit once above the runs table, not per run. Changing one
marks the race as edited: it takes effect at the next Start or Reset, from W_init.
"""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QHBoxLayout, QLabel, QWidget

from landscapes.cifar.linear import LOSSES, REGS

# The lecture's strengths: 5e3 for L2 on raw pixels (CS231n's softmax notes), 5 for L1.
DEFAULT_STRENGTH = {"l2": 5e3, "l1": 5.0}


class TrainingLossBox(QWidget):
    edited = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.loss = QComboBox()
        self.loss.addItems(list(LOSSES))
        self.loss.setToolTip("data loss: softmax (cross-entropy) or the multiclass SVM (hinge)")
        self.reg = QComboBox()
        self.reg.addItems(list(REGS))
        self.reg.setToolTip("regularization over all of W: L2 (λ·ΣW²) or L1 (λ·Σ|W|)")
        self.strength = QDoubleSpinBox()
        self.strength.setRange(0.0, 1e6)
        self.strength.setDecimals(3)
        self.strength.setValue(DEFAULT_STRENGTH["l2"])
        self.strength.setToolTip("λ, the regularization strength")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        for w in (QLabel("Loss"), self.loss, self.reg, QLabel("λ"), self.strength):
            lay.addWidget(w)
        self.loss.currentTextChanged.connect(self.edited)
        self.reg.currentTextChanged.connect(self._reg_changed)
        self.strength.valueChanged.connect(self.edited)

    def _reg_changed(self, reg: str) -> None:
        # a strength tuned for L2 is far too strong for L1 (and the reverse): take the other's default
        self.strength.setValue(DEFAULT_STRENGTH.get(reg, self.strength.value()))
        self.edited.emit()

    def values(self) -> dict[str, object]:
        return {"loss": self.loss.currentText(), "reg": self.reg.currentText(), "strength": self.strength.value()}

    def set_values(self, loss: str, reg: str, strength: float) -> None:
        """Show a race's settings (a scene's) without marking anything edited."""
        for w in (self.loss, self.reg, self.strength):
            w.blockSignals(True)
        self.loss.setCurrentText(loss)
        self.reg.setCurrentText(reg)
        self.strength.setValue(float(strength))
        for w in (self.loss, self.reg, self.strength):
            w.blockSignals(False)
