"""The scene's own words and story: a title and caption editor, runs revealed one at a time,
and no stale words after a landscape change.

- File → Scene title and caption… (Ctrl+T): the title and caption of the scene on
  screen, saved with it (Ctrl+S), so a lecturer's own scene does not keep a
  built-in scene's title. "Reveal the runs one at a time" keeps every run but the
  first back (their ``enabled`` is false in the saved scene).
- M reveals the next run kept back: it joins the race caught up to the current
  step, so the story can go "gradient descent alone… now momentum".
- A landscape change makes the scene's words describe another surface: while they
  are still the ones the scene came with, the title becomes the new surface's
  name and the caption is cleared (hidden) rather than left untrue. Words the
  user typed in the editor are theirs and stay.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
)

from app.model.limits import MAX_CAPTION_CHARS, MAX_TITLE_CHARS
from app.ui.window.host import Host


def check_text(title: str, caption: str) -> tuple[str, str]:
    """(title, caption) stripped, or ValueError with one line: a title is needed, both have a limit."""
    title, caption = title.strip(), caption.strip()
    if not title:
        raise ValueError("a scene needs a title")
    if len(title) > MAX_TITLE_CHARS:
        raise ValueError(f"the title has {len(title)} characters; at most {MAX_TITLE_CHARS}")
    if len(caption) > MAX_CAPTION_CHARS:
        raise ValueError(f"the caption has {len(caption)} characters; at most {MAX_CAPTION_CHARS}")
    return title, caption


def _surface(spec) -> tuple:
    """What a scene's words describe of its landscape (not the grid size or the view bounds)."""
    return (spec.name, repr(sorted(dict(spec.params).items())), spec.expression, spec.l1, spec.l2)


class TextDialog(QDialog):
    """Title, caption and "reveal one at a time" of the scene on screen."""

    def __init__(self, editor: SceneEditor) -> None:
        super().__init__(editor.host.window)
        self.editor = editor
        self.setWindowTitle("Scene title and caption")
        self.resize(560, 320)
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.title = QLineEdit()
        self.title.setMaxLength(MAX_TITLE_CHARS)
        self.caption = QPlainTextEdit()
        self.caption.setPlaceholderText("What the audience should see in this scene (lecture mode shows it)")
        form.addRow("Title", self.title)
        form.addRow("Caption", self.caption)
        lay.addLayout(form)
        self.reveal = QCheckBox("Reveal the runs one at a time (start with only the first; M shows the next)")
        lay.addWidget(self.reveal)
        self.error = QLabel()
        self.error.setStyleSheet("color: #C00000;")
        self.error.hide()
        lay.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.apply)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def load(self) -> None:
        scene = self.editor.host.race.scene
        self.title.setText(scene.title)
        self.caption.setPlainText(scene.caption)
        self.reveal.setChecked(any(not r.enabled for r in scene.runs))
        self.error.hide()

    def apply(self) -> None:
        """Set the words (and the story) on the scene; bad words change nothing and say why."""
        try:
            title, caption = check_text(self.title.text(), self.caption.toPlainText())
        except ValueError as e:
            self.error.setText(f"not applied: {e}")
            self.error.show()
            return
        self.editor.set_text(title, caption)
        self.editor.set_reveal(self.reveal.isChecked())
        self.accept()


class SceneEditor(QObject):
    """The feature object (made by install(host))."""

    def __init__(self, host: Host) -> None:
        super().__init__(host.window)
        self.host = host
        self.dialog: TextDialog | None = None
        self._race = None             # the race whose words are tracked
        self._surface: tuple | None = None
        self._own_words = False       # the user typed them: a landscape change keeps them
        host.scene_loaded.connect(self._on_scene)
        host.landscape_changed.connect(self._on_landscape)
        self._on_scene()               # the window's first scene came before the features

    # --- title and caption ----------------------------------------------------------
    def open(self) -> TextDialog | None:
        if self.host.race is None:
            return None
        if self.dialog is None:
            self.dialog = TextDialog(self)
        self.dialog.load()
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()
        return self.dialog

    def set_text(self, title: str, caption: str) -> None:
        self._own_words = True
        self.host.set_scene_text(title, caption)

    def _on_scene(self) -> None:
        race = self.host.race
        self._race, self._own_words = race, False
        self._surface = _surface(race.scene.landscape) if race is not None else None

    def _on_landscape(self) -> None:
        race = self.host.race
        if race is None or race is not self._race:
            return                     # a scene being installed: scene_loaded follows
        now = _surface(race.scene.landscape)
        if now == self._surface:
            return                     # the same surface redrawn (theme, log height, grid size)
        self._surface = now
        if not self._own_words:
            self.host.set_scene_text(race.landscape.title or race.scene.landscape.name, "")
            self.host.show_message("new surface: the scene's title and caption were about the old one, "
                                   "so the title names the new surface (Ctrl+T edits both)")

    # --- revealing runs -------------------------------------------------------------------
    def hidden_runs(self) -> list[int]:
        race = self.host.race
        return [] if race is None else [i for i, r in enumerate(race.scene.runs) if not r.enabled]

    def reveal_next(self) -> None:
        hidden = self.hidden_runs()
        if not hidden:
            self.host.show_message("every run is shown")
            return
        self.host.set_run_enabled(hidden[0], True)
        left = len(hidden) - 1
        self.host.show_message(f"run {hidden[0] + 1} revealed" + (f"; {left} more (M)" if left else ""))

    def set_reveal(self, on: bool) -> None:
        """Keep back every run but the first (on), or show them all (off)."""
        race = self.host.race
        for i, r in enumerate(race.scene.runs):
            want = (i == 0) or not on
            if r.enabled != want:
                self.host.set_run_enabled(i, want)


def install(host: Host) -> SceneEditor:
    """File → Scene title and caption… (Ctrl+T) and M: reveal the next run."""
    ed = SceneEditor(host)
    ed.act_text = host.add_action("Scene title and caption…", "Ctrl+T", ed.open,
                                  "Edit the title and caption of this scene (saved with it)", menu="file")
    ed.act_reveal = host.add_action("Reveal next run", Qt.Key.Key_M, ed.reveal_next,
                                    "Show the next run the scene keeps back (it joins at the current step)",
                                    menu="view")
    return ed
