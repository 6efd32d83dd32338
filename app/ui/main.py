"""GUI entry point: run_gui(scene, argv) -> exit code (used by `losslab` / `python -m app`)."""
from __future__ import annotations

import sys
import time


def run_gui(scene=None, argv=None) -> int:
    """Create the QApplication (sharing GL contexts), the main window, and run the event loop."""
    from PySide6.QtCore import QCoreApplication, Qt

    # Must precede QApplication, or the second GL widget fails with GLError.
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(list(argv if argv is not None else sys.argv))
    app.setApplicationName("Loss Lab")
    app.setOrganizationName("LossLab")
    from app.ui.window.main_window import MainWindow

    t0 = time.perf_counter()
    window = MainWindow(scene=scene)
    window.install_extensions()
    from app.ui.common import error_guard

    error_guard.install(lambda text: window.statusBar().showMessage(text, 15000))
    window.show()
    window.cold_start_s = time.perf_counter() - t0
    return int(app.exec())


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(run_gui(None, sys.argv))
