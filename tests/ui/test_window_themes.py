"""The swarm and training race windows follow the main window's theme (D toggles dark / light through
the lecture feature), also when it changes while they are open: plot backgrounds, axes, titles,
legends and the windows' own widgets, read back from the items and from the painted pixels."""
from __future__ import annotations

from PySide6.QtGui import QColor, QImage, QPalette

WAIT = 120_000   # ms: loading CIFAR-10 on a shared machine (never a speed assertion)


def corner(widget) -> str:
    """The colour painted 3 px inside the widget's top-left corner (outside every axis and box)."""
    img = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    return QColor(img.pixel(3, 3)).name()


def window_colour(w) -> str:
    return w.palette().color(QPalette.ColorRole.Window).name()


def check_plot(plot, th, legend_entries: bool = True) -> None:
    """Axes, tick text, axis label, title and legend of a pyqtgraph PlotItem in the theme's ink
    (``legend_entries``: the legend has some, as once a result is drawn)."""
    ink = th.foreground.lower()
    for side in ("left", "bottom"):
        ax = plot.getAxis(side)
        assert ax.pen().color().name() == ink and ax.textPen().color().name() == ink
        assert ax.labelStyle["color"] == ink
    if plot.titleLabel.isVisible():
        assert QColor(plot.titleLabel.opts["color"]).name() == ink
    if plot.legend is not None:
        check_legend(plot.legend, th, legend_entries)


def check_legend(legend, th, entries: bool = True) -> None:
    ink = f"color:{QColor(th.foreground).name()}"      # as Qt writes the label's html back
    assert bool(legend.items) or not entries
    assert all(ink in label.item.toHtml() for _s, label in legend.items)
    assert QColor(legend.opts["labelTextColor"]).name() == QColor(th.foreground).name()


def switch(features, qtbot):
    """Press D (the lecture feature's dark / light toggle) and return the theme it set."""
    lecture = features["lecture"]
    lecture.act_theme.trigger()
    qtbot.wait(20)
    return lecture.host.theme


def test_the_swarm_window_follows_the_theme_while_open(make_app, qtbot):
    from app.ui.common import theme

    w, features = make_app()
    swarm = features["swarm"].open(1)          # the sweep: its legend and the selected-η line
    features["swarm"].open(0)                   # the basin map drawn too
    qtbot.waitExposed(swarm)
    app_window = QColor(w.palette().color(QPalette.ColorRole.Window)).name()
    assert corner(swarm.basin_plot) == theme.LIGHT.background.lower()
    dark = switch(features, qtbot)
    assert dark.name == "dark" and dark.background.lower() != theme.LIGHT.background.lower()
    for widget in (swarm.basin_plot, swarm.sweep_plot):
        assert widget.backgroundBrush().color().name() == dark.background.lower()
        check_plot(widget.getPlotItem(), dark)
    assert corner(swarm.basin_plot) == dark.background.lower()
    assert window_colour(swarm) == dark.background.lower()
    assert swarm.sweep_line.pen.color().name() == dark.foreground.lower()
    assert swarm.basin_stars.opts["pen"].color().name() == dark.halo.lower()

    light = switch(features, qtbot)
    assert light.name != "dark"
    check_plot(swarm.sweep_plot.getPlotItem(), light)
    assert corner(swarm.sweep_plot) == light.background.lower()
    assert window_colour(swarm) == app_window        # the application's own palette again


def test_a_swarm_window_made_in_the_dark_is_dark(make_app, qtbot):
    w, features = make_app()
    dark = switch(features, qtbot)
    swarm = features["swarm"].open(1)
    qtbot.waitExposed(swarm)
    assert window_colour(swarm) == dark.background.lower()
    check_plot(swarm.sweep_plot.getPlotItem(), dark)
    assert corner(swarm.sweep_plot) == dark.background.lower()


def test_the_training_window_follows_the_theme_while_open(training, qtbot):
    from app.ui.common import theme

    w, features, win = training
    qtbot.waitExposed(win)
    plots = win.plots
    assert corner(plots.canvas) == theme.LIGHT.background.lower()
    dark = switch(features, qtbot)
    assert plots.canvas.backgroundBrush().color().name() == dark.background.lower()
    assert corner(plots.canvas) == dark.background.lower()
    for p in plots.plots.values():
        check_plot(p, dark)
    check_legend(plots.legend, dark)
    assert plots.chance.pen.color().name() == dark.foreground.lower()
    assert win.templates.background.name() == dark.background.lower()
    assert win.templates.foreground.name() == dark.foreground.lower()
    assert window_colour(win) == dark.background.lower()
    plane = win.plane
    for m in (plane.loss_map, plane.acc_map):
        assert m.plot_widget.backgroundBrush().color().name() == dark.background.lower()
        check_plot(m.plot, dark)
    for p in (plane.honesty.loss_plot, plane.honesty.gap_plot):
        check_plot(p, dark)
    assert plane.honesty.canvas.backgroundBrush().color().name() == dark.background.lower()

    light = switch(features, qtbot)
    assert corner(plots.canvas) == light.background.lower()
    check_legend(plots.legend, light)


def test_a_plane_on_screen_is_drawn_again_in_the_new_theme(training, qtbot):
    w, features, win = training
    win.steps.setValue(4)
    win.start()
    qtbot.waitUntil(lambda: not win.playing, timeout=WAIT)
    win.tabs.setCurrentWidget(win.plane)
    win.show_plane()
    qtbot.waitUntil(lambda: win.plane.result is not None, timeout=WAIT)
    dark = switch(features, qtbot)
    m = win.plane.loss_map
    # the theme drops the path items (they take the look when made): they are made again
    assert len(m._tracks) == len(win.plane.result.view.paths) > 0
    assert QColor(m.plot.titleLabel.opts["color"]).name() == dark.foreground.lower()


def test_the_phase_map_window_follows_the_theme_while_open(make_app, qtbot):
    from app.ui.common import theme

    w, features = make_app()
    pw = features["phase_map"].open()
    qtbot.waitUntil(lambda: pw.pm is not None and not pw.busy, timeout=WAIT)
    qtbot.waitExposed(pw)
    assert corner(pw.view) == theme.LIGHT.background.lower()
    dark = switch(features, qtbot)
    assert pw.view.backgroundBrush().color().name() == dark.background.lower()
    check_plot(pw.view.plot, dark)
    check_legend(pw.view.legend, dark)
    assert corner(pw.view) == dark.background.lower()
    assert window_colour(pw) == dark.background.lower()
    assert pw.view.bar.getAxis("right").textPen().color().name() == dark.foreground.lower()
    light = switch(features, qtbot)
    check_plot(pw.view.plot, light)
    assert corner(pw.view) == light.background.lower()


def test_the_cifar_curvature_window_follows_the_theme_while_open(make_app, qtbot):
    """Its plots before any result: grounds, axes and titles, the colour bar's label and axis."""
    from app.ui.common import theme

    w, features = make_app()
    cw = features["cifar_curvature"].open()
    qtbot.waitExposed(cw)
    fig = cw.figure
    assert corner(fig.loss_plot) == theme.LIGHT.background.lower()
    dark = switch(features, qtbot)
    for plot in (fig.density_plot, *fig.plane_plots, fig.loss_plot, fig.acc_plot):
        assert plot.backgroundBrush().color().name() == dark.background.lower()
        check_plot(plot.getPlotItem(), dark, legend_entries=False)    # no result yet: empty legends
    assert corner(fig.loss_plot) == dark.background.lower()
    assert window_colour(cw) == dark.background.lower()
    assert QColor(fig.bar_label.opts["color"]).name() == dark.foreground.lower()
    assert corner(fig.bar) == dark.background.lower()           # the colour bar's ground too
    assert fig.colorbar.axis.textPen().color().name() == dark.foreground.lower()
    light = switch(features, qtbot)
    check_plot(fig.acc_plot.getPlotItem(), light, legend_entries=False)
    assert corner(fig.acc_plot) == light.background.lower()


def _tick_pt(plot) -> int:
    return plot.getAxis("bottom").style["tickFont"].pointSize()


def test_lecture_mode_sizes_the_swarm_and_training_windows_text_and_back(make_app, qtbot, training):
    """F11: the windows' plots' tick labels, titles and legends at back-row sizes, and back after."""
    from app.ui.views.plot_look import PRESENTATION_PT

    w, features, win = training
    swarm = features["swarm"].open(1)
    qtbot.waitExposed(swarm)
    desk = (_tick_pt(swarm.sweep_plot.getPlotItem()), _tick_pt(win.plots.plots["batch"]), swarm.font().pointSize())
    assert desk[0] < PRESENTATION_PT and desk[1] < PRESENTATION_PT
    features["lecture"].enter()
    qtbot.wait(50)
    assert _tick_pt(swarm.sweep_plot.getPlotItem()) == PRESENTATION_PT == _tick_pt(win.plots.plots["batch"])
    assert swarm.font().pointSize() == 16
    assert {lbl.opts["size"] for _s, lbl in swarm.sweep_plot.getPlotItem().legend.items} == {f"{PRESENTATION_PT}pt"}
    assert {lbl.opts["size"] for _s, lbl in win.plots.legend.items} == {f"{PRESENTATION_PT + 1}pt"}
    assert win.plots.plots["batch"].titleLabel.opts["size"] == f"{PRESENTATION_PT + 1}pt"
    features["lecture"].leave()
    qtbot.wait(50)
    assert (_tick_pt(swarm.sweep_plot.getPlotItem()), _tick_pt(win.plots.plots["batch"]),
            swarm.font().pointSize()) == desk
