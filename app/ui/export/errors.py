"""The export's one error type."""
from __future__ import annotations

NEEDS_DISPLAY = "3-D rendering needs a display: run under xvfb-run (or use --view 2d)"


class RenderError(ValueError):
    """Rendering cannot be done as asked (no display for 3-D, bad view or size): one line."""
