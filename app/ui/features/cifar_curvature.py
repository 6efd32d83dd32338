"""The "CIFAR-10 curvature" window: how sharp a real classifier's minimum is, seen and not told.

    install(host)   adds CIFAR-10 → CIFAR-10 curvature… (Ctrl+H)

For the loss, regularizer and strength chosen here, on the first ``Images``
training images (app.model.cifar_curvature, Qt-free):

- spectrum: the top eigenvalues of the Hessian at the SGD solution W*, its
  trace (Hutchinson) and tr H / n, and the eigenvalue density (stochastic
  Lanczos quadrature) on a log axis, since it spans orders of magnitude;
- the eigen-plane beside the random plane, on ONE colour scale: both are
  W* + a·D₁ + b·D₂ with ‖D₁‖ = ‖D₂‖ = ‖W*‖ (unit eigenvectors times ‖W*‖, and
  filter-normalized random directions), drawn 1:1;
- sharp vs flat: the full-batch loss and the train and validation accuracy
  along (1 − t)·W_a + t·W_b between two solutions (app.model.cifar_solutions),
  each marked with its λmax;
- the SVM note when the loss is the SVM: its curvature is the regularizer's alone.

The figure is app.ui.views.curvature_figure (``losslab curvature`` draws the same one
offscreen); the computation is app.model.cifar_curvature_run.compute, run here as one
background job (app.ui.common.jobs) with progress and Cancel; missing data is one line
in the CIFAR-10 dock's words.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from app.model.cifar_curvature import svm_note
from app.model.cifar_curvature_run import CurvatureResult, compute, data_root
from app.model.cifar_solutions import PAIRS
from app.ui.common.lazy_window import LazyWindow
from app.ui.views.curvature_figure import FONT_PT, CurvatureFigure
from app.ui.window.host import Host

DEFAULT_STRENGTH = {"l2": 5e3, "l1": 5.0}   # build_cifar_slice's defaults


class CurvatureWindow(QDialog):
    """Non-modal window: controls on top, spectrum | the two planes, then the sharp-vs-flat line."""

    def __init__(self, host: Host) -> None:
        super().__init__(host.window)
        self.host = host
        self.setWindowTitle("CIFAR-10 curvature — Loss Lab")
        font = QFont()
        font.setPointSize(FONT_PT)
        self.setFont(font)
        self.result: CurvatureResult | None = None

        self.loss_box = QComboBox()
        self.loss_box.addItem("softmax", "softmax")
        self.loss_box.addItem("multiclass SVM", "svm")
        self.reg_box = QComboBox()
        self.reg_box.addItem("L2 λ‖W‖²", "l2")
        self.reg_box.addItem("L1 λ‖W‖₁", "l1")
        self.reg_box.currentIndexChanged.connect(
            lambda _i: self.strength_box.setValue(DEFAULT_STRENGTH[self.reg_box.currentData()]))
        self.strength_box = QDoubleSpinBox()
        self.strength_box.setDecimals(3)
        self.strength_box.setRange(0.0, 1e6)
        self.strength_box.setValue(DEFAULT_STRENGTH["l2"])
        self.subset_box = QSpinBox()
        self.subset_box.setRange(100, 49_000)
        self.subset_box.setSingleStep(1000)
        self.subset_box.setValue(5000)
        self.subset_box.setToolTip("training images the loss, the Hessian and the solutions use")
        self.pair_box = QComboBox()
        for key, text in PAIRS.items():
            self.pair_box.addItem(text, key)
        self.pair_box.setCurrentIndex(list(PAIRS).index("reg"))
        self.compute_button = QPushButton("Compute")
        self.compute_button.setDefault(True)
        self.compute_button.clicked.connect(self.start)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setMinimumWidth(260)
        self.cancel_button = QPushButton("Cancel")
        controls = QHBoxLayout()
        for text, w in (("Loss", self.loss_box), ("Reg.", self.reg_box), ("λ", self.strength_box),
                        ("Images", self.subset_box), ("Pair", self.pair_box)):
            controls.addWidget(QLabel(text))
            controls.addWidget(w)
        controls.addStretch(1)
        for w in (self.progress, self.cancel_button, self.compute_button):
            controls.addWidget(w)
        self.status = QLabel("Compute: W* (SGD), its Hessian spectrum, the eigen- and random planes and the pair")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.svm_label = QLabel()
        self.svm_label.setWordWrap(True)
        self.svm_label.setStyleSheet(f"color: #b35900; font-weight: bold; font-size: {FONT_PT}pt;")
        self.svm_label.setVisible(False)
        self.loss_box.currentIndexChanged.connect(lambda _i: self._show_note())
        self.reg_box.currentIndexChanged.connect(lambda _i: self._show_note())
        self.strength_box.valueChanged.connect(lambda _v: self._show_note())

        self.figure = CurvatureFigure()
        lay = QVBoxLayout(self)
        lay.addLayout(controls)
        lay.addWidget(self.status)
        lay.addWidget(self.svm_label)
        lay.addWidget(self.figure, 1)
        self.resize(1500, 960)
        self.jobs = host.new_jobs(self, self._report, progress=self.progress, cancel_button=self.cancel_button,
                                  replace=False)
        self.jobs.busy_changed.connect(lambda busy: self.compute_button.setEnabled(not busy))
        host.closing.connect(self.jobs.shutdown)
        host.look_changed.connect(lambda th, _presentation: self.apply_theme(th))
        self.apply_theme(host.theme)

    # ------------------------------------------------------------------ jobs
    @property
    def busy(self) -> bool:
        return self.jobs.busy

    def _report(self, text: str, is_error: bool) -> None:
        self.status.setStyleSheet("color: #b00020;" if is_error else "")
        self.status.setText(text)

    def _show_note(self) -> None:
        note = svm_note(self.loss_box.currentData(), self.reg_box.currentData(), float(self.strength_box.value()))
        self.svm_label.setText(note)
        self.svm_label.setVisible(bool(note))

    def start(self) -> bool:
        """Compute everything for the controls' settings off the GUI thread; False if the data is missing."""
        root, problem = data_root()
        if root is None:
            self._report(problem, True)
            return False
        args = (root, self.loss_box.currentData(), self.reg_box.currentData(), float(self.strength_box.value()),
                int(self.subset_box.value()), self.pair_box.currentData(), 41)
        self._show_note()
        return self.jobs.run("CIFAR-10 curvature", lambda progress, cancel: compute(*args, progress, cancel),
                             self.show_result, announce=True)

    def show_result(self, r: CurvatureResult) -> None:
        self.result = r
        self.figure.show_result(r)
        self._report(f"{r.problem.label} on {len(r.problem.x):,} images: W* is SGD (batch 200, lr 4e-7, "
                     f"1,500 steps); {r.spectrum.products} Hessian-vector products", False)

    def apply_theme(self, th) -> None:
        """The window's widgets and its figure in the main window's theme (D dark / light)."""
        from app.ui.views.plot_look import follow_palette

        follow_palette(self, th)
        self.figure.apply_theme(th)


class CifarCurvature(QObject):
    """The CIFAR-10 menu's curvature entry and its window (made on first use)."""

    def __init__(self, host: Host) -> None:
        super().__init__(host.window)
        self.host = host
        self.windows = LazyWindow(lambda: CurvatureWindow(host))
        menu = host.add_menu("CIFAR-&10")
        self.act = host.add_action("CIFAR-10 curvature…", "Ctrl+H", self.open,
                                   "Hessian spectrum, eigen-plane and sharp vs flat on CIFAR-10", menu=menu)

    def window(self) -> CurvatureWindow:
        return self.windows.get()

    def open(self) -> CurvatureWindow:
        return self.windows.show()


def install(host: Host) -> CifarCurvature:
    """CIFAR-10 → CIFAR-10 curvature… (Ctrl+H)."""
    return CifarCurvature(host)
