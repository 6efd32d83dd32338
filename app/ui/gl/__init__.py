"""OpenGL drawing shared by the screen's 3-D view and the exports.

framebuffers: offscreen framebuffers, their read-back and the shared offscreen context.
static_layer: the items that do not change during a race (surface, contour lines,
floor, axis labels) drawn once into a framebuffer and copied under every frame.
offscreen: a GL view rendered at any pixel size into a QImage, through the static layer.
clip: trajectory segments clipped to the drawn box (numpy only).
"""
