"""Help: F1 or ? shows every keyboard shortcut on one sheet, and an About box.

The sheet is built from the window's own QActions each time it opens, so a key
added by any feature appears without anyone updating a list here.
"""
from __future__ import annotations

import html
from importlib import metadata

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QMessageBox, QVBoxLayout, QWidget

from app.ui.window.host import Host

COLUMNS = 3
PACKAGE = "losslab"


def shortcut_rows(window: QWidget) -> list[tuple[str, str]]:
    """(keys, what) for every action of ``window`` that has a shortcut, in the order they were made."""
    rows = []
    for a in window.actions():
        keys = " / ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in a.shortcuts())
        if keys:
            rows.append((keys, a.text().replace("&", "").rstrip("…").strip()))
    return rows


def shortcut_table(rows: list[tuple[str, str]], columns: int = COLUMNS) -> str:
    """Rich text: the rows in ``columns`` side-by-side columns of key | action."""
    per = -(-len(rows) // columns) if rows else 0
    cols = [rows[i * per:(i + 1) * per] for i in range(columns)]
    cells = []
    for r in range(per):
        tds = []
        for col in cols:
            if r < len(col):
                keys, what = col[r]
                tds.append(f"<td align='right'><b>{html.escape(keys)}</b></td>"
                           f"<td style='padding-right:24px'>{html.escape(what)}</td>")
            else:
                tds.append("<td></td><td></td>")
        cells.append("<tr>" + "".join(tds) + "</tr>")
    return "<table cellspacing='0' cellpadding='3'>" + "".join(cells) + "</table>"


def version() -> str:
    """The installed package's version (pyproject.toml), or "unknown" for a bare source tree."""
    try:
        return metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:
        return "unknown"


def about_text() -> str:
    return (f"<h3>Loss Lab {html.escape(version())}</h3>"
            "<p>Loss surfaces in 3-D and 2-D, with optimizers racing over them: "
            "for lectures and for exploring alone.</p>"
            "<p>Press F1 or ? for every keyboard shortcut.</p>")


class Help(QObject):
    """The Help menu: the shortcut sheet and the About box (made by install(host))."""

    def __init__(self, host: Host) -> None:
        super().__init__(host.window)
        self.host = host
        self.sheet: QDialog | None = None
        self.about_box: QMessageBox | None = None

    def show_shortcuts(self) -> QDialog:
        """The sheet of every shortcut, rebuilt from the window's actions now."""
        if self.sheet is None:
            self.sheet = QDialog(self.host.window)
            self.sheet.setWindowTitle("Keyboard shortcuts")
            lay = QVBoxLayout(self.sheet)
            self.table = QLabel()
            self.table.setTextFormat(Qt.TextFormat.RichText)
            lay.addWidget(self.table)
            buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
            buttons.rejected.connect(self.sheet.reject)
            lay.addWidget(buttons)
        self.table.setText(shortcut_table(shortcut_rows(self.host.window)))
        self.sheet.show()
        self.sheet.raise_()
        self.sheet.activateWindow()
        return self.sheet

    def show_about(self) -> QMessageBox:
        if self.about_box is None:
            self.about_box = QMessageBox(QMessageBox.Icon.Information, "About Loss Lab", "",
                                         QMessageBox.StandardButton.Ok, self.host.window)
            self.about_box.setTextFormat(Qt.TextFormat.RichText)
        self.about_box.setText(about_text())
        self.about_box.open()        # not exec(): the window keeps drawing behind it
        return self.about_box


def install(host: Host) -> Help:
    """The Help menu: Keyboard shortcuts (F1, ?) and About Loss Lab."""
    h = Help(host)
    menu = host.add_menu("&Help")
    h.act_keys = host.add_action("Keyboard shortcuts", [Qt.Key.Key_F1, "?"], h.show_shortcuts,
                                 "Every keyboard shortcut on one sheet", menu=menu)
    h.act_about = host.add_action("About Loss Lab", None, h.show_about,
                                  "Version and what Loss Lab is for", menu=menu)
    return h
