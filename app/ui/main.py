"""GUI entry point: run_gui(scene, argv) -> exit code (used by `losslab` / `python -m app`)."""
from __future__ import annotations

import sys


def run_gui(scene=None, argv=None) -> int:
    """Create the QApplication (sharing GL contexts), the main window, and run the event loop."""
    from PySide6.QtCore import QCoreApplication, Qt

    # Must precede QApplication, or the second GL widget fails with GLError.
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(list(argv if argv is not None else sys.argv))
    app.setApplicationName("Loss Lab")
    app.setOrganizationName("LossLab")
    from app.ui.compose import compose
    from app.ui.window.main_window import MainWindow

    window = MainWindow(scene=scene)
    compose(window)   # every feature; each is a child of the window and lives as long as it
    from app.ui.common import error_guard

    error_guard.install(lambda text: window.statusBar().showMessage(text, 15000))
    window.show()
    return int(app.exec())


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(run_gui(None, sys.argv))
