"""OpenGL drawing shared by the screen's 3-D view and the exports.

framebuffers: offscreen framebuffers, their read-back and the shared offscreen context.
static_layer: the items that do not change during a race (surface, contour lines,
floor, axis labels) drawn once into a framebuffer and copied under every frame.
window: the screen's GL window (pyqtgraph's camera and items) drawn through the static layer;
motion: a moving camera told from a still one (the window then draws lighter stand-ins).
offscreen: a GL view rendered at any pixel size into a QImage, through the static layer.
paths: the GL items of the runs and the GL options of what is drawn over the surface.
clip: trajectory segments clipped to the drawn box (numpy only).

Nothing here knows the views or the exports that use it (import-linter contract).
"""
