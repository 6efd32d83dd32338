"""The "CIFAR-10 softmax/SVM slice" panel: download the data, build a slice, show it.

A slice is W(a, b) = W* + a·D₁ + b·D₂ of a linear classifier's loss on
CIFAR-10 (landscapes.cifar.build_cifar_slice). Building it (loading, training
W* unless cached, projecting the data) and downloading the archive both run
off the GUI thread (app.ui.common.jobs) with a progress bar and Cancel.
Errors (missing or corrupt data, network, cancel) are shown in the panel as
one line; the surface on screen stays until a new slice is ready.

The Data folder is the app's one CIFAR-10 data setting
(app.model.landscape_kinds.set_cifar_root; the window saves it): CIFAR-10
scenes, the slices built here and the session all read it, so a slice's spec
never names a machine's folder.

    install(host)   # a "CIFAR-10" dock next to Landscape, and a CIFAR-10 menu
"""
from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.model.build import build_landscape
from app.model.landscape_kinds import CIFAR_ADVICE, cifar_root, set_cifar_root
from app.model.scene import LandscapeSpec
from app.ui.common.jobs import JobRunner
from app.ui.window.host import Host

PLANES = (("random", "random, through W*"),
          ("init_opt_random", "W_init, W*, random search"),
          ("eigen", "top two eigenvectors, through W*"))
PLANE_TIPS = {"random": "two filter-normalized random directions through the trained W* (Li et al. 2018)",
              "init_opt_random": "the plane through W_init, the trained W* and the best random-search W",
              "eigen": "the sharpest plane: the Hessian's top two eigenvectors at W*, scaled to ‖W*‖"}
PANEL_MIN_WIDTH = 250   # fits a ~300-px dock with its scroll bar; nothing is clipped at this width
PARTS = (("total", "total loss"), ("data", "data loss only"), ("reg", "regularization only"))
DEFAULT_STRENGTH = {"l2": 5e3, "l1": 5.0}  # build_cifar_slice's defaults
DEFAULT_RESOLUTION = 81  # each grid point costs O(N·C): keep the grid coarse
ARCHIVE_MB = 163


def default_root() -> str:
    """The chosen data folder, else $LOSSLAB_CIFAR_ROOT, else the downloaded archive if present, else ''."""
    chosen = cifar_root()
    if chosen:
        return chosen
    try:
        from landscapes.cifar import cached_archive

        archive = cached_archive()
    except Exception:  # platformdirs missing or no cache dir: nothing cached
        return ""
    return str(archive) if archive.is_file() else ""


def _combo() -> QComboBox:
    """A combo box that may be narrower than its longest item (the list still shows it whole)."""
    box = QComboBox()
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(10)
    return box


def _cached(cache_dir) -> bool:
    from landscapes.cifar import cached_archive

    return cached_archive(cache_dir).is_file()


class CifarPanel(QWidget):
    """Controls for one CIFAR-10 slice; emits ``built(spec, landscape)`` when one is ready."""

    built = Signal(object, object)  # (LandscapeSpec, CifarSlice with the chosen part)

    def __init__(self, parent=None, status_bar: Callable[[str], None] | None = None) -> None:
        super().__init__(parent)
        self.cache_dir: Path | None = None   # None: the user's cache (tests point it elsewhere)
        self.download_url: str | None = None  # None: the official URL
        self.download_md5: str | None = None
        self._status_bar = status_bar         # errors go there too
        self.base_landscape = None  # the last built slice, "total" part
        self.spec: LandscapeSpec | None = None

        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        title = QLabel("<b>CIFAR-10 softmax/SVM slice</b>")
        lay.addWidget(title)
        title.setWordWrap(True)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)   # a narrow dock puts fields under labels
        self.loss_box = _combo()
        self.loss_box.addItem("softmax (cross-entropy)", "softmax")
        self.loss_box.addItem("multiclass SVM (hinge)", "svm")
        form.addRow("Loss", self.loss_box)
        self.reg_box = _combo()
        self.reg_box.addItem("L2  λ‖W‖²", "l2")
        self.reg_box.addItem("L1  λ‖W‖₁", "l1")
        self.reg_box.currentIndexChanged.connect(self._on_reg)
        form.addRow("Reg.", self.reg_box)
        self.reg_box.setToolTip("regularization of W: L2 λ‖W‖² or L1 λ‖W‖₁")
        self.strength_box = QDoubleSpinBox()
        self.strength_box.setDecimals(3)
        self.strength_box.setRange(0.0, 1e6)
        self.strength_box.setValue(DEFAULT_STRENGTH["l2"])
        self.strength_box.setToolTip("λ; the defaults (5000 for L2, 5 for L1) match the lecture")
        form.addRow("Strength λ", self.strength_box)
        self.plane_box = _combo()
        for key, text in PLANES:
            self.plane_box.addItem(text, key)
            self.plane_box.setItemData(self.plane_box.count() - 1, PLANE_TIPS[key], Qt.ItemDataRole.ToolTipRole)
        self.plane_box.setToolTip("the plane of the slice; (0, 0) is the trained W*")
        form.addRow("Plane", self.plane_box)
        self.seed_box = QSpinBox()
        self.seed_box.setRange(0, 2**31 - 1)
        self.seed_box.setToolTip("seeds the directions D₁, D₂ (and W_init, random search)")
        form.addRow("Seed", self.seed_box)
        self.subset_box = QSpinBox()
        self.subset_box.setRange(10, 50000)
        self.subset_box.setSingleStep(500)
        self.subset_box.setValue(2000)
        self.subset_box.setToolTip("training images the slice's loss averages over")
        form.addRow("Images", self.subset_box)
        self.resolution_box = QSpinBox()
        self.resolution_box.setRange(21, 201)
        self.resolution_box.setValue(DEFAULT_RESOLUTION)
        self.resolution_box.setToolTip("grid points per side; each costs O(subset × 10)")
        form.addRow("Grid", self.resolution_box)
        root_row = QHBoxLayout()
        self.root_edit = QLineEdit(default_root())
        self.root_edit.setPlaceholderText("cifar-10-batches-py folder or .tar.gz")
        self.root_edit.setToolTip("Where CIFAR-10 is: used by this panel and by every CIFAR-10 scene, "
                                  "and remembered")
        self.root_edit.textEdited.connect(set_cifar_root)
        browse = QPushButton("…")
        browse.setMaximumWidth(32)
        browse.setToolTip("Choose the CIFAR-10 folder")
        browse.clicked.connect(self._browse)
        root_row.addWidget(self.root_edit, 1)
        root_row.addWidget(browse)
        form.addRow("Data", root_row)
        lay.addLayout(form)

        self.reset_runs_box = QCheckBox("Reset runs for the slice")
        self.reset_runs_box.setChecked(True)
        self.reset_runs_box.setToolTip("runs start at the slice's start with suggested learning rates: "
                                       "an analytic scene's rates mean nothing on a CIFAR slice")
        lay.addWidget(self.reset_runs_box)

        buttons = QHBoxLayout()
        self.build_button = QPushButton("Build slice")
        self.build_button.setDefault(True)
        self.build_button.clicked.connect(self.start_build)
        self.download_button = QPushButton(f"Download ({ARCHIVE_MB} MB)")
        self.download_button.setToolTip(f"Download the official CIFAR-10 archive ({ARCHIVE_MB} MB, md5-checked) "
                                        "into the cache")
        self.download_button.clicked.connect(self.start_download)
        buttons.addWidget(self.build_button, 1)
        buttons.addWidget(self.download_button)
        lay.addLayout(buttons)
        prog = QHBoxLayout()
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.cancel_button = QPushButton("Cancel")
        prog.addWidget(self.progress, 1)
        prog.addWidget(self.cancel_button)
        lay.addLayout(prog)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.status)

        self.result_group = QGroupBox("W* (trained)")
        rg = QFormLayout(self.result_group)
        self.accuracy_label = QLabel("—")
        self.accuracy_label.setWordWrap(True)   # "train 41.2%   val 39.0%   test 39.5%" wraps in a narrow dock
        rg.addRow("Accuracy", self.accuracy_label)
        self.part_box = _combo()
        for key, text in PARTS:
            self.part_box.addItem(text, key)
        self.part_box.currentIndexChanged.connect(self._on_part)
        rg.addRow("Show", self.part_box)
        self.result_group.setEnabled(False)
        lay.addWidget(self.result_group)
        lay.addStretch(1)
        self.setMinimumWidth(PANEL_MIN_WIDTH)
        # one job at a time: a second click while one runs is refused, not queued
        self.jobs = JobRunner(self, self._report, progress=self.progress, cancel_button=self.cancel_button,
                              replace=False)
        self.jobs.busy_changed.connect(self._set_busy)

    # ------------------------------------------------------------------ settings
    def _on_reg(self, _i: int) -> None:
        self.strength_box.setValue(DEFAULT_STRENGTH[self.reg_box.currentData()])

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "CIFAR-10 folder (cifar-10-batches-py)",
                                                  self.root_edit.text() or str(Path.home()))
        if folder:
            self.root_edit.setText(folder)
            set_cifar_root(folder)

    def landscape_spec(self) -> LandscapeSpec:
        """The LandscapeSpec the controls describe (no root: the Data folder is the app's setting)."""
        params: dict[str, Any] = {
            "loss": self.loss_box.currentData(), "reg": self.reg_box.currentData(),
            "strength": float(self.strength_box.value()), "seed": int(self.seed_box.value()),
            "plane": self.plane_box.currentData(), "subset": int(self.subset_box.value()),
        }
        if self.cache_dir is not None:
            params["cache_dir"] = str(self.cache_dir)
        return LandscapeSpec(name="cifar_slice", params=params, resolution=int(self.resolution_box.value()))

    # ------------------------------------------------------------------ jobs
    @property
    def job(self):
        """The running job (None when idle)."""
        return self.jobs.job

    def _set_busy(self, busy: bool) -> None:
        self.build_button.setEnabled(not busy)
        self.download_button.setEnabled(not busy)

    def _report(self, text: str, is_error: bool) -> None:
        (self.show_error if is_error else self.show_status)(text)
        if is_error and self._status_bar is not None:
            self._status_bar(text)

    def _run(self, kind: str, fn, on_done) -> None:
        self.jobs.run(kind, fn, on_done, announce=True,
                      on_cancelled=lambda: self._report(f"{kind} cancelled; the current surface is kept", True))

    def cancel(self) -> None:
        self.jobs.cancel()

    def show_status(self, text: str) -> None:
        self.status.setStyleSheet("")
        self.status.setText(text)

    def show_error(self, text: str) -> None:
        self.status.setStyleSheet("color: #b00020;")
        self.status.setText(text)

    def start_build(self) -> None:
        """Build the slice the controls describe, off the GUI thread."""
        spec = self.landscape_spec()
        set_cifar_root(self.root_edit.text())
        root = cifar_root()
        if root and not Path(root).exists():
            self.show_error(f"no CIFAR-10 at {root}: {CIFAR_ADVICE}")
            return
        if not root and not _cached(self.cache_dir):
            self.show_error(f"CIFAR-10 not found: {CIFAR_ADVICE}")
            return
        job_spec = copy.deepcopy(spec)
        self._run("building CIFAR-10 slice",
                  lambda progress, cancel: build_landscape(job_spec, progress, cancel),
                  lambda f: self._on_built(spec, f))

    def _on_built(self, spec: LandscapeSpec, f) -> None:
        self.spec, self.base_landscape = spec, f
        self._show_accuracy(f)
        self.result_group.setEnabled(True)
        self.show_status(f"{f.title}: {f.n_examples} images, "
                         f"grid {spec.resolution}×{spec.resolution}")
        self.built.emit(spec, self.current_landscape())

    def follow(self, spec: LandscapeSpec, f) -> None:
        """Show the settings and the accuracy of a slice that came from elsewhere (a CIFAR-10 scene),
        so the dock describes the surface on screen and Build, Show and the caption agree with it."""
        p = spec.params
        reg = str(p.get("reg", "l2"))
        boxes = (self.loss_box, self.reg_box, self.plane_box, self.part_box, self.strength_box,
                 self.seed_box, self.subset_box, self.resolution_box)
        for box in boxes:       # no rebuild, no strength reset, no re-install while they are set
            box.blockSignals(True)
        try:
            for box, value in ((self.loss_box, p.get("loss", "softmax")), (self.reg_box, reg),
                               (self.plane_box, p.get("plane", "random")), (self.part_box, f.part)):
                box.setCurrentIndex(max(box.findData(value), 0))
            strength = p.get("strength")
            self.strength_box.setValue(float(DEFAULT_STRENGTH[reg] if strength is None else strength))
            self.seed_box.setValue(int(p.get("seed", 0)))
            self.subset_box.setValue(int(f.n_examples))
            self.resolution_box.setValue(int(spec.resolution))
        finally:
            for box in boxes:
                box.blockSignals(False)
        self.spec = spec
        self.base_landscape = f if f.part == "total" else f.with_part("total")
        self._show_accuracy(f)
        self.result_group.setEnabled(True)

    def _show_accuracy(self, f) -> None:
        acc = f.accuracies
        self.accuracy_label.setText("   ".join(f"{k} {acc[k]:.1%}" for k in ("train", "val", "test") if k in acc)
                                    or "—")

    def current_landscape(self):
        """The built slice showing the chosen part (total / data / regularization)."""
        f = self.base_landscape
        part = self.part_box.currentData()
        return f if f is None or part == "total" else f.with_part(part)

    def _on_part(self, _i: int) -> None:
        if self.base_landscape is not None and self.job is None:
            self.built.emit(self.spec, self.current_landscape())

    def start_download(self) -> None:
        """Fetch the official archive into the cache (md5-checked), off the GUI thread."""
        from landscapes.cifar import fetch_cifar10

        kwargs: dict[str, Any] = {}
        if self.download_url:
            kwargs["url"] = self.download_url
        if self.download_md5:
            kwargs["md5"] = self.download_md5
        cache = self.cache_dir

        def fetch(progress, cancel):
            def bytes_progress(done: int, total: int) -> None:
                mb = done / 1e6
                if total:
                    progress(done / total, f"downloading CIFAR-10: {mb:.0f} of {total / 1e6:.0f} MB")
                else:
                    progress(0.0, f"downloading CIFAR-10: {mb:.0f} MB")
            return fetch_cifar10(cache, progress=bytes_progress, cancel=cancel, **kwargs)

        self._run("downloading CIFAR-10", fetch, self._on_downloaded)

    def _on_downloaded(self, path) -> None:
        self.root_edit.setText(str(path))
        set_cifar_root(path)
        self.show_status(f"CIFAR-10 downloaded and verified: {path}")

    def shutdown(self) -> None:
        """Cancel and wait for a running job (window closing)."""
        self.jobs.shutdown(30000)


def slice_caption(spec: LandscapeSpec, f) -> str:
    """One caption line: what is plotted, in which plane, and how good W* is."""
    p = spec.params
    loss = "softmax (cross-entropy)" if p.get("loss") == "softmax" else "multiclass SVM (hinge)"
    reg = "L2" if p.get("reg") == "l2" else "L1"
    part = {"total": "", "data": " (data loss only)", "reg": " (regularization only)"}[f.part]
    if p.get("plane") == "random":
        plane = "along two filter-normalized random directions (Li et al. 2018) through the trained W* at (0, 0)"
    elif p.get("plane") == "eigen":
        lam = getattr(f, "eigenvalues", ())
        values = f" (λ₁ = {lam[0]:.3g}, λ₂ = {lam[1]:.3g})" if len(lam) == 2 else ""
        plane = (f"along the Hessian's top two eigenvectors{values}, each scaled to ‖W*‖, "
                 "through the trained W* at (0, 0)")
    else:
        plane = ("in the plane through the random initialization W_init (1, 0), the trained W* (0, 0) "
                 "and the best of 20 random weight matrices")
    acc = f.accuracies
    accs = ", ".join(f"{k} {acc[k]:.1%}" for k in ("train", "val", "test") if k in acc)
    return (f"{loss} loss{part} + {reg} λ={p.get('strength', 0):g} of a linear classifier on "
            f"{f.n_examples} CIFAR-10 images, {plane}."
            + (f" W* accuracy: {accs}." if accs else ""))


def install_slice(host: Host, spec: LandscapeSpec, landscape, reset_runs: bool = True) -> None:
    """Show a built slice (no rebuild: the landscape is already made).

    reset_runs: every run starts at the slice's default start (W_init on the
    init plane) with a learning rate suggested for this slice's curvature
    (app.model.suggest), since an analytic scene's rates mean nothing here.
    """
    from app.model.suggest import suggest_hyper

    host.pause()
    scene = host.race.scene
    if reset_runs:
        for run in scene.runs:
            run.start = None
            run.hyper = {**run.hyper, **suggest_hyper(run.solver, landscape)}
    scene.title = landscape.title
    scene.caption = slice_caption(spec, landscape)
    host.show_caption(scene.caption)
    host.set_landscape(spec, landscape)


class Cifar(QObject):
    """The CIFAR-10 dock (tabbed under Landscape) and menu."""

    def __init__(self, host: Host) -> None:
        super().__init__(host.window)
        self.panel = panel = CifarPanel(status_bar=host.show_message)
        self.dock = host.add_dock("CIFAR-10", panel, name="cifar_dock", tab_with="landscape", h_scroll=True)
        self.dock.setMinimumWidth(PANEL_MIN_WIDTH + self.dock.widget().verticalScrollBar().sizeHint().width() + 8)
        panel.built.connect(lambda spec, f: install_slice(host, spec, f, panel.reset_runs_box.isChecked()))
        host.closing.connect(panel.shutdown)   # cancel its own job (download, training)
        host.landscape_changed.connect(lambda: self._follow(host))
        menu = host.add_menu("CIFAR-&10")
        self.act = host.add_action("CIFAR-10 slice…", None, self.show_panel,
                                   "Build a loss slice of a linear classifier on CIFAR-10", menu=menu)
        menu.addAction(self.dock.toggleViewAction())

    def _follow(self, host: Host) -> None:
        race = host.race
        f = race.landscape if race is not None else None
        if race is not None and race.scene.landscape.name == "cifar_slice" and hasattr(f, "accuracies"):
            self.panel.follow(race.scene.landscape, f)

    def show_panel(self) -> None:
        self.dock.show()
        self.dock.raise_()


def install(host: Host) -> Cifar:
    """The CIFAR-10 panel as a dock tabbed with Landscape, and a CIFAR-10 menu."""
    return Cifar(host)
