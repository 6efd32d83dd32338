"""Offscreen rendering (app.ui.export.render): sizes, transparency, SVG vectors, scaled text, videos.

Images are read back with Pillow and videos with ffprobe, never through our own code.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from app.model.scene import LandscapeSpec, PlaybackSpec, RunSpec, Scene
from tests.export.ffprobe import probe

pytest.importorskip("PySide6")


def small_scene(steps=40, speed=1, runs=None) -> Scene:
    runs = runs if runs is not None else [
        RunSpec("gd", {"lr": 0.05}, start=(-1.5, 1.2)),
        RunSpec("adam", {"lr": 0.1}, start=(1.5, -1.0)),
    ]
    return Scene(title="Export test: gd and adam on a bowl", landscape=LandscapeSpec("quadratic_bowl", resolution=60),
                 runs=runs, playback=PlaybackSpec(steps=steps, speed=speed, fps=10))


def render(tmp_path, name, **kw):
    from app.ui.export.render import render_scene

    scene = kw.pop("scene", None) or small_scene()
    return render_scene(scene, tmp_path / name, **kw)


def rgba(path) -> np.ndarray:
    return np.asarray(Image.open(path).convert("RGBA"))


def assert_not_blank(a: np.ndarray) -> None:
    rgb = a[..., :3].reshape(-1, 3)
    assert rgb.std() > 20, "image is (nearly) uniform"
    colours = np.unique(rgb[:: max(len(rgb) // 20000, 1)] // 16, axis=0)
    assert len(colours) > 30, f"only {len(colours)} distinct colours"


# ------------------------------------------------------------------ frame count
@pytest.mark.parametrize("steps, speed, frames", [(300, 1, 301), (10, 3, 5), (9, 3, 4), (0, 2, 1), (1, 50, 2)])
def test_video_frame_count_is_start_plus_one_per_step_group(steps, speed, frames):
    from app.ui.export.render import video_frame_count

    assert video_frame_count(steps, speed) == frames


def test_scale_grows_with_output_and_keeps_small_text_legible():
    from app.ui.export.render import scale_for

    assert scale_for((1280, 720)) == 1.0
    assert scale_for((3840, 2160)) == 3.0
    assert scale_for((640, 360)) == 0.75       # not 0.5: text stays readable in a small GIF


# ------------------------------------------------------------------ 2-D (works without GL)
def test_png_2d_has_requested_size_and_content(tmp_path):
    out = render(tmp_path, "map.png", size=(640, 400), view="2d")
    a = rgba(out)
    assert a.shape == (400, 640, 4)
    assert (a[..., 3] == 255).all()            # opaque by default
    assert_not_blank(a)
    assert tuple(a[2, 2, :3]) == (255, 255, 255)   # light background by default (slides)


def test_transparent_png_has_see_through_background(tmp_path):
    out = render(tmp_path, "clear.png", size=(640, 400), view="2d", transparent=True)
    a = rgba(out)
    assert a.shape == (400, 640, 4)
    assert a[0, 0, 3] < 255 and a[-1, -1, 3] < 255       # margins
    assert (a[..., 3] < 255).mean() > 0.05
    assert (a[..., 3] == 255).mean() > 0.3               # the map itself stays opaque


def test_svg_is_vector_not_one_raster(tmp_path):
    out = render(tmp_path, "map.svg", size=(800, 500), view="2d")
    text = out.read_text()
    assert text.lstrip().startswith("<?xml") and "<svg" in text
    paths = len(re.findall(r"<path\b", text))
    polylines = len(re.findall(r"<polyline\b", text))
    images = len(re.findall(r"<image\b", text))
    assert paths >= 1
    assert paths + polylines >= 20, "contours and trajectories must be vector elements"
    assert images <= 3                          # the heatmap (and colour bar) may be embedded images
    assert "Export test" in text                # title as text


def test_svg_runs_are_clipped_to_the_map(tmp_path):
    """A run that leaves the map (gd at lr 1.05 on a bowl diverges) is drawn inside a clip path
    no larger than the map, so it cannot run over the axes or the colour bar."""
    import xml.etree.ElementTree as ET

    from app.model.race import Race

    scene = small_scene(runs=[RunSpec("gd", {"lr": 1.05}, start=(1.5, 1.0))])
    colour = Race(scene).runs[0].color.lower()
    root = ET.parse(render(tmp_path, "far.svg", scene=scene, size=(800, 500), view="2d")).getroot()
    ns = "{http://www.w3.org/2000/svg}"
    parent = {child: p for p in root.iter() for child in p}
    clips = {}
    for cp in root.iter(f"{ns}clipPath"):
        xy = np.array(re.findall(r"([-\d.]+),([-\d.]+)", cp.find(f"{ns}path").get("d")), dtype=float)
        clips[cp.get("id")] = (*xy.min(axis=0), *xy.max(axis=0))
    view_w, view_h = map(float, root.get("viewBox").split()[2:])
    strokes = [el for el in root.iter() if (el.get("stroke") or "").lower() == colour]
    clipped = 0
    for el in strokes:
        node, clip = el, None
        while node is not None and clip is None:
            clip = node.get("clip-path")
            node = parent.get(node)
        if clip is None:        # only the legend's line sample, at the bottom, is drawn unclipped
            ys = [float(y) for sub in el.iter() for _, y in re.findall(r"([-\d.]+),([-\d.]+)",
                                                                      sub.get("points") or sub.get("d") or "")]
            assert ys and min(ys) > 0.9 * view_h, "a run path outside any clip path"
            continue
        x0, y0, x1, y1 = clips[re.fullmatch(r"url\(#(.+)\)", clip).group(1)]
        assert x1 - x0 < 0.95 * view_w          # the map's box, not the whole canvas
        clipped += 1
    assert clipped >= 1, "the run's path is in the SVG"


def test_svg_of_3d_view_is_refused(tmp_path):
    from app.ui.export.render import RenderError

    with pytest.raises(RenderError, match="2-D"):
        render(tmp_path, "x.svg", view="3d")
    assert not (tmp_path / "x.svg").exists()


@pytest.mark.parametrize("kw, match", [
    (dict(view="side"), "view"),
    (dict(size=(10, 10)), "size"),
    (dict(size=(9000, 100)), "size"),
    (dict(fps=0), "fps"),
])
def test_bad_arguments_raise_one_line_errors(tmp_path, kw, match):
    from app.ui.export.render import RenderError

    with pytest.raises(RenderError, match=match) as e:
        render(tmp_path, "x.png", **kw)
    assert "\n" not in str(e.value)


def test_odd_mp4_size_is_refused(tmp_path):
    from app.ui.export.render import RenderError

    with pytest.raises(RenderError, match="even"):
        render(tmp_path, "x.mp4", size=(641, 360), view="2d")


def test_text_scales_with_output_size(tmp_path):
    """The title of a 4x export is ~4x as tall (a 4K slide must not have tiny text)."""
    small = rgba(render(tmp_path, "s.png", size=(960, 540), view="2d"))
    big = rgba(render(tmp_path, "b.png", size=(3840, 2160), view="2d"))

    def title_height(a):
        h = a.shape[0]
        band = a[: int(h * 0.07), : a.shape[1] // 2, :3].astype(int).sum(axis=2)   # title, top left
        rows = np.flatnonzero((band < 200).any(axis=1))
        return rows[-1] - rows[0] + 1

    ratio = title_height(big) / title_height(small)
    assert 3.3 < ratio < 4.7, ratio


def test_lines_scale_with_output_size(tmp_path):
    """Trajectory halos cover the same share of the map at 4x the size (no hairlines in 4K)."""
    small = rgba(render(tmp_path, "s.png", size=(960, 540), view="2d"))
    big = rgba(render(tmp_path, "b.png", size=(3840, 2160), view="2d"))

    def dark_share(a):
        h, w = a.shape[:2]
        mid = a[int(h * 0.15): int(h * 0.8), int(w * 0.1): int(w * 0.85), :3].astype(int)
        return (mid.sum(axis=2) < 120).mean()      # the near-black halos under the runs

    ratio = dark_share(big) / dark_share(small)
    assert 0.6 < ratio < 1.6, ratio


# ------------------------------------------------------------------ videos
def test_gif_2d_frames_size_fps(tmp_path):
    # GIF delays are whole 1/100 s: 10 fps is exact, 8 fps would read back as ~8.1
    out = render(tmp_path, "race.gif", scene=small_scene(steps=10, speed=3), size=(320, 200), view="2d", fps=10)
    info = probe(out)
    assert (info["codec"], info["width"], info["height"]) == ("gif", 320, 200)
    assert info["frames"] == 5                  # steps 0, 3, 6, 9, 10
    assert info["fps"] == pytest.approx(10)


def test_finished_race_still_gives_every_frame(tmp_path):
    # lr 5 on the bowl x^2 + y^2 diverges within a few steps: the race "finishes" early
    scene = small_scene(steps=12, runs=[RunSpec("gd", {"lr": 5.0}, start=(1.0, 1.0))])
    out = render(tmp_path, "boom.gif", scene=scene, size=(200, 120), view="2d", fps=10)
    assert probe(out)["frames"] == 13


def test_cancel_stops_video_and_leaves_no_file(tmp_path):
    from app.model.video import ExportCancelled

    calls = []

    def cancel():
        calls.append(1)
        return len(calls) > 3

    with pytest.raises(ExportCancelled):
        render(tmp_path, "c.mp4", scene=small_scene(steps=30), size=(160, 120), view="2d", cancel=cancel)
    assert list(tmp_path.iterdir()) == []


def test_progress_reaches_one(tmp_path):
    seen = []
    render(tmp_path, "p.gif", scene=small_scene(steps=4), size=(160, 120), view="2d",
           progress=lambda f, msg="": seen.append(f))
    assert seen and seen[-1] == 1.0
    assert all(0.0 <= f <= 1.0 for f in seen)
    assert seen == sorted(seen)


# ------------------------------------------------------------------ 3-D (needs GL)
@pytest.mark.gl
@pytest.mark.parametrize("view", ["3d", "both"])
def test_png_with_3d_has_requested_size_and_content(tmp_path, view):
    out = render(tmp_path, f"{view}.png", size=(800, 450), view=view)
    a = rgba(out)
    assert a.shape == (450, 800, 4)
    assert_not_blank(a)


@pytest.mark.gl
def test_3d_pane_shows_the_surface(tmp_path):
    """The middle of the 3-D view is covered by the coloured surface, not background."""
    a = rgba(render(tmp_path, "s.png", size=(640, 480), view="3d"))[..., :3].astype(int)
    mid = a[140:340, 200:440]
    coloured = (mid.max(axis=2) - mid.min(axis=2)) > 40      # saturated: viridis, not white/grey
    assert coloured.mean() > 0.5


@pytest.mark.gl
def test_transparent_3d_background(tmp_path):
    a = rgba(render(tmp_path, "t3.png", size=(640, 360), view="3d", transparent=True))
    assert a[0, 0, 3] < 255
    assert (a[..., 3] < 255).mean() > 0.2       # around the surface
    assert (a[..., 3] == 255).mean() > 0.1      # the surface


@pytest.mark.gl
def test_mp4_both_frames_size_fps(tmp_path):
    out = render(tmp_path, "race.mp4", scene=small_scene(steps=12, speed=2), size=(480, 270), fps=12)
    info = probe(out)
    assert (info["codec"], info["width"], info["height"]) == ("h264", 480, 270)
    assert info["frames"] == 7
    assert info["fps"] == pytest.approx(12)


@pytest.mark.gl
def test_video_layers_hold_no_runs():
    """Videos draw the surface and map once, then only the runs: a removed run must vanish."""
    from app.model.race import Race
    from app.ui.export.render import SceneRenderer, ensure_app

    ensure_app(need_gl=True)
    race = Race(small_scene(steps=30))
    race.step(10)
    video = SceneRenderer(race, (960, 540), "both", cache=True)

    def sky_blue_pixels() -> int:          # adam's colour, #56B4E9
        a = video.frame()[..., :3].astype(int)
        return int((np.abs(a - (0x56, 0xB4, 0xE9)).sum(axis=2) < 40).sum())

    assert sky_blue_pixels() > 200          # adam is drawn (3-D, 2-D, plots, legend)
    race.remove_run(1)
    video.update()
    assert sky_blue_pixels() < 20
    video.close()


@pytest.mark.gl
def test_4k_png_of_3d_view(tmp_path):
    a = rgba(render(tmp_path, "4k.png", size=(3840, 2160), view="3d"))
    assert a.shape == (2160, 3840, 4)
    assert_not_blank(a)


# ------------------------------------------------------------------ the Export dialog
@pytest.fixture
def window(qtbot, tmp_path):
    from app.ui.common.settings import ini_settings
    from app.ui.window.main_window import MainWindow

    w = MainWindow(scene=small_scene(), settings=ini_settings(tmp_path / "losslab-test.ini"))
    qtbot.addWidget(w)
    w.race.step(20)
    return w


@pytest.mark.gl
def test_dialog_exports_png_at_custom_size_and_remembers_folder(window, qtbot, tmp_path):
    from app.ui.features.export_dialog import LAST_DIR_KEY, ExportDialog

    folder = tmp_path / "slides"
    folder.mkdir()
    d = ExportDialog(window)
    qtbot.addWidget(d)
    d.select(what="2d", fmt=".png", size=(500, 300))
    d.transparent.setChecked(True)
    d.path.setText(str(folder / "map.png"))
    out = d.start()
    assert out == folder / "map.png"
    a = rgba(out)
    assert a.shape == (300, 500, 4) and a[0, 0, 3] < 255
    assert window.settings.q.value(LAST_DIR_KEY) == str(folder)
    again = ExportDialog(window)
    qtbot.addWidget(again)
    assert Path(again.path.text()).parent == folder


@pytest.mark.gl
def test_dialog_offers_svg_only_for_the_2d_view(window, qtbot):
    from app.ui.features.export_dialog import ExportDialog

    d = ExportDialog(window)
    qtbot.addWidget(d)
    d.select(what="3d")
    assert d.format.findData(".svg") < 0
    d.select(what="2d")
    assert d.format.findData(".svg") >= 0
    d.select(what="video")
    assert [d.format.itemData(i) for i in range(d.format.count())] == [".mp4", ".gif"]
    assert not d.transparent.isEnabled()


@pytest.mark.gl
def test_dialog_video_has_requested_frames(window, qtbot, tmp_path):
    from app.ui.features.export_dialog import ExportDialog

    d = ExportDialog(window)
    qtbot.addWidget(d)
    d.select(what="video", view="3d", fmt=".gif", size=(200, 120))
    d.steps.setValue(6)
    d.fps.setValue(20)
    assert "7 frames" in d.frames_label.text()
    d.path.setText(str(tmp_path / "race.gif"))
    out = d.start()
    info = probe(out)
    assert (info["frames"], info["width"], info["height"]) == (7, 200, 120)
    assert info["fps"] == pytest.approx(20)
    assert window.race.step_count == 20          # the live race was not touched


@pytest.mark.gl
def test_dialog_cancel_stops_the_video(window, qtbot, tmp_path):
    from app.ui.features.export_dialog import ExportDialog

    d = ExportDialog(window)
    qtbot.addWidget(d)
    d.select(what="video", view="2d", fmt=".mp4", size=(160, 120))
    d.steps.setValue(200)
    d.path.setText(str(tmp_path / "long.mp4"))
    ticks = []
    d._progress_orig = d._progress

    def progress(fraction, message=""):
        ticks.append(fraction)
        if len(ticks) == 5:
            d.cancel()                           # as if the user pressed "Cancel export"
        d._progress_orig(fraction, message)

    d._progress = progress
    assert d.start() is None
    assert "cancelled" in d.status.text()
    assert list(tmp_path.glob("*.mp4")) == [] and list(tmp_path.glob(".*part*")) == []
