"""The tool bar's scene picker: built-in lecture scenes by name, the one on screen shown by its title."""
from __future__ import annotations

import json

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QComboBox

from app.model import presets

TITLES_AFTER_MS = 400   # the titles are read soon after the first frame, not before it


class ScenePicker(QObject):
    def __init__(self, combo: QComboBox) -> None:
        super().__init__(combo)   # the delayed title look-up dies with the combo box
        self.combo = combo
        self._titles: dict[str, str] | None = None   # title -> built-in name
        self._pending: str | None = None
        self._scheduled = False

    def show_title(self, title: str) -> None:
        """Show a built-in scene's name when its title matches, else '—'."""
        if self._titles is None:
            self._pending = title
            if not self._scheduled:
                self._scheduled = True
                QTimer.singleShot(TITLES_AFTER_MS, self._load_titles)
            return
        self.pick(self._titles.get(title))

    def pick(self, name: str | None) -> None:
        self.combo.blockSignals(True)
        self.combo.setCurrentIndex(max(self.combo.findData(name), 0))
        self.combo.blockSignals(False)

    def _load_titles(self) -> None:
        # Titles straight from the JSON (no validation: that would build expression
        # landscapes and import sympy on the GUI thread, a visible hitch).
        names = {}
        files = {p.stem: p for p in presets.scenes_dir().glob("*.json")}
        for name in presets.builtin_scene_names():
            path = next((p for stem, p in files.items() if stem == name or stem.endswith("_" + name)), None)
            try:
                names[json.loads(path.read_text(encoding="utf-8")).get("title")] = name
            except (OSError, ValueError, AttributeError):
                pass
        self._titles = names
        if self._pending is not None:
            self.show_title(self._pending)
