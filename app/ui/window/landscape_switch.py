"""Switching the window's surface: build it (off the GUI thread when it may be slow), refuse it in
one line when it cannot be built or drawn, and keep the old surface then."""
from __future__ import annotations

from app.model import build
from app.model.landscape_kinds import EXPRESSION, kind_of


def request(w, spec) -> None:
    """A new surface from the Landscape panel, built off the GUI thread when it may be slow
    (a CIFAR-10 slice, a typed formula); errors keep the current one."""
    kind = kind_of(spec)
    if kind.slow or kind is EXPRESSION:
        w.jobs.run(f"building {kind.display_name}",
                   lambda progress, cancel: build.build_landscape(spec, progress, cancel),
                   lambda landscape: switch(w, spec, landscape),
                   on_failed=lambda m: refused(w, spec, m))
        return
    try:
        landscape = build.build_landscape(spec)
    except ValueError as e:
        refused(w, spec, str(e))
        return
    switch(w, spec, landscape)


def refused(w, spec, message: str) -> None:
    w.show_message(f"landscape not changed: {message}")
    if kind_of(spec) is EXPRESSION:
        w.landscape_panel.show_expression_error(message)
    w.landscape_panel.set_state(w.race.scene.landscape, w.race.landscape,
                                build.view_bounds(w.race.scene.landscape, w.race.landscape))


def switch(w, spec, landscape) -> None:
    """Race on an already built landscape (spec describes it); one that cannot be drawn
    (a formula that fails on the grid) is refused and the old surface stays."""
    old_spec, old = w.race.scene.landscape, w.race.landscape
    w.status.message = ""
    try:
        w.edits.set_landscape(spec, landscape)
        w.rebuild_surface()
    except Exception as e:  # a typed formula may raise anything when evaluated: the old surface comes back
        w.edits.set_landscape(old_spec, old)
        w.rebuild_surface()
        refused(w, spec, f"{type(e).__name__}: {e}")
    w._show_title()
    w.runs_panel.set_race(w.race)
    w.redraw()
