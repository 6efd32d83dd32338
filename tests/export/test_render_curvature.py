"""`losslab curvature` end to end (a subprocess, real data): the CIFAR-10 curvature window's
figure headless, its numbers equal to the Qt-free model's, and bad input in one line."""
from __future__ import annotations

import json
import os

import numpy as np
import pytest
from PIL import Image

from tests.export.test_cli_render import assert_clean_failure, losslab

IMAGES = 300        # training images: a few seconds a run, and still the whole pipeline


def env_without_data_folder():
    env = os.environ.copy()
    env.pop("LOSSLAB_CIFAR_ROOT", None)
    return env


def share_of(a: np.ndarray, colour: str, tol: int = 40) -> float:
    """The share of pixels within ``tol`` (per channel) of ``colour`` in an RGB crop."""
    rgb = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)])
    return float((np.abs(a.reshape(-1, 3).astype(int) - rgb).max(axis=1) <= tol).mean())


def coloured(a: np.ndarray) -> float:
    """The share of strongly coloured pixels (viridis, the curves) in an RGB crop: grey and white are not."""
    return float((np.ptp(a.reshape(-1, 3).astype(int), axis=1) > 60).mean())


@pytest.fixture(scope="module")
def drawn(cifar_root, tmp_path_factory):
    """One run: the PNG, its JSON and the printed numbers (pair reg: λ = 0 against W* itself)."""
    tmp = tmp_path_factory.mktemp("curvature")
    out, numbers = tmp / "curvature.png", tmp / "curvature.json"
    proc = losslab("curvature", "--images", IMAGES, "--pair", "reg", "--size", "1600x1000",
                   "--cifar-root", cifar_root, "--out", out, "--json", numbers, env=env_without_data_folder())
    assert proc.returncode == 0, proc.stderr
    return proc, out, json.loads(numbers.read_text(encoding="utf-8"))


def test_png_is_written_and_no_pane_is_blank(drawn):
    proc, out, _ = drawn
    assert "100% done" in proc.stderr                      # the same progress bar as `losslab render`
    a = np.asarray(Image.open(out).convert("RGB"))
    assert a.shape == (1000, 1600, 3)
    h, w = a.shape[:2]
    panes = {   # regions of the window's grid: spectrum | eigen-plane, random plane; the line below
        "density": a[int(0.15 * h):int(0.55 * h), int(0.02 * w):int(0.38 * w)],
        "eigen-plane": a[int(0.12 * h):int(0.42 * h), int(0.45 * w):int(0.64 * w)],
        "random plane": a[int(0.12 * h):int(0.42 * h), int(0.71 * w):int(0.89 * w)],
        "loss line": a[int(0.65 * h):int(0.95 * h), int(0.04 * w):int(0.49 * w)],
        "accuracy line": a[int(0.65 * h):int(0.95 * h), int(0.54 * w):int(0.99 * w)],
    }
    for name, crop in panes.items():
        assert crop.reshape(-1, 3).std() > 15, name
    for name in ("eigen-plane", "random plane"):           # the maps fill most of their crops
        assert coloured(panes[name]) > 0.5, name
    from app.model.scene import PALETTE

    # each curve drawn in its own colour, not only axes and marks
    for name, k in (("density", 4), ("loss line", 4), ("loss line", 5), ("accuracy line", 0), ("accuracy line", 2)):
        assert share_of(panes[name], PALETTE[k]) > 0.002, (name, PALETTE[k])


def test_numbers_are_the_models(drawn, cifar_root):
    from app.model.cifar_curvature import load_problem, top_eigenvalues
    from app.model.cifar_curvature_run import compute, numbers
    from app.model.cifar_solutions import make_solution, sgd_recipe

    proc, _, got = drawn
    want = numbers(compute(str(cifar_root), "softmax", "l2", 5e3, IMAGES, "reg", 41))
    assert got.keys() == want.keys()
    assert (got["loss"], got["reg"], got["strength"], got["images"], got["pair"]) == \
        ("softmax", "l2", 5000.0, IMAGES, "reg")
    np.testing.assert_allclose(got["spectrum"]["top_eigenvalues"], want["spectrum"]["top_eigenvalues"], rtol=1e-6)
    for key in ("trace", "trace_error", "mean_eigenvalue"):
        assert got["spectrum"][key] == pytest.approx(want["spectrum"][key], rel=1e-6), key
    for key in ("eigen_plane_eigenvalues", "random_plane_curvature", "loss_range"):
        np.testing.assert_allclose(got["planes"][key], want["planes"][key], rtol=1e-6, err_msg=key)
    for g, w in zip(got["solutions"], want["solutions"], strict=True):
        assert (g["label"], g["t"], g["objective"]) == (w["label"], w["t"], w["objective"])
        assert g["lmax"] == pytest.approx(w["lmax"], rel=1e-6)
        assert g["loss"] == pytest.approx(w["loss"], rel=1e-9)
        assert (g["train_accuracy"], g["val_accuracy"]) == (w["train_accuracy"], w["val_accuracy"])

    # independently: λ₁ of an SGD W* trained on the same images, by Lanczos to 1e-6, and the
    # full-batch softmax loss of W* by hand (features [x − mean, 1]; λ‖W‖²): B of the reg pair is W*
    problem = load_problem(cifar_root, subset=IMAGES)
    W = make_solution(problem, sgd_recipe(problem))
    lam = top_eigenvalues(problem, W, k=1, tol=1e-6)[0][0]
    assert got["spectrum"]["top_eigenvalues"][0] == pytest.approx(lam, rel=1e-4)
    assert got["solutions"][1]["lmax"] == pytest.approx(lam, rel=1e-4)
    X = np.hstack([problem.x.astype(np.float64) - problem.mean, np.ones((IMAGES, 1))])
    S = X @ W
    S -= S.max(axis=1, keepdims=True)
    data = float(np.mean(np.log(np.exp(S).sum(axis=1)) - S[np.arange(IMAGES), problem.y]))
    assert got["solutions"][1]["loss"]["softmax + L2 λ=5000"] == pytest.approx(data + 5e3 * np.sum(W * W), rel=1e-9)
    assert got["solutions"][0]["loss"]["softmax + L2 λ=5000"] > got["solutions"][1]["loss"]["softmax + L2 λ=5000"]
    # and printed on stdout, as people read them
    assert f"top eigenvalues: {got['spectrum']['top_eigenvalues'][0]:.6g}," in proc.stdout
    assert f"λmax {got['solutions'][1]['lmax']:.6g}" in proc.stdout


def test_svg_with_the_svm_note(cifar_root, tmp_path):
    out = tmp_path / "curvature.svg"
    proc = losslab("curvature", "--images", 100, "--loss", "svm", "--pair", "loss", "--size", "1400x900",
                   "--cifar-root", cifar_root, "--out", out, env=env_without_data_folder())
    assert proc.returncode == 0, proc.stderr
    text = out.read_text(encoding="utf-8")
    assert text.rstrip().endswith("</svg>") and 'viewBox="0 0 1400 900"' in text
    assert text.count("<image") >= 2                        # the two plane maps
    # text stays text (split where the font changes for λ): the panes' titles, the marks, the note
    for words in (">Top eigenvalues<", ">random plane: filter-normalized<", ">A: SVM, <", ">B: softmax, <",
                  "kink to kink."):
        assert words in text, words
    # the SVM's Hessian is the L2 regularizer's alone: every eigenvalue is 2λ
    assert "top eigenvalues: 10000, 10000, 10000" in proc.stdout


@pytest.mark.parametrize("extra, words", [
    (["--pair", "batchh"], ["unknown --pair 'batchh'", "did you mean batch?", "reg, solver"]),
    (["--pair", "optimizer"], ["did you mean solver?"]),
    (["--size", "12x"], ["--size"]),
    (["--size", "-5x300"], ["--size"]),
    (["--out", "{tmp}/no/such/dir/c.png"], ["cannot write", "does not exist"]),
    (["--out", "{file}/c.png"], ["cannot write", "is a file, not a directory"]),
    (["--out", "/proc/c.png"], ["cannot write '/proc/c.png': '/proc' does not accept new files"]),
    (["--out", "{tmp}/old.png"], ["cannot write", "read-only (remove it, or add --overwrite)"]),
    (["--json", "{tmp}/old.json"], ["cannot write", "read-only (remove it, or add --overwrite)"]),
    (["--out", "{tmp}/c.mp4"], ["--out must end in .png or .svg"]),
    (["--json", "{tmp}/c.txt"], ["--json must end in .json"]),
    (["--images", "20"], ["--images must be between 100 and 49,000"]),
    (["--strength", "-1"], ["--strength"]),
    (["--loss", "hinge"], ["unknown --loss 'hinge'"]),
    (["--cifar-root", "{tmp}/nowhere"], ["no CIFAR-10 at", "--cifar-root DIR", "losslab cifar fetch"]),
    (["--cifar-root", "{tmp}"], ["no CIFAR-10 here"]),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, extra, words):
    (tmp_path / "afile").write_text("x")
    for old in ("old.png", "old.json"):          # read-only files from an earlier run
        (tmp_path / old).write_text("kept")
        (tmp_path / old).chmod(0o444)
    args = [a.format(tmp=tmp_path, file=tmp_path / "afile") for a in extra]
    if "--out" not in args:
        args += ["--out", str(tmp_path / "c.png")]
    if "--cifar-root" not in args:
        args += ["--cifar-root", str(tmp_path / "nowhere")]
    proc = losslab("curvature", *args, env=env_without_data_folder())
    assert_clean_failure(proc, *words)
    assert proc.returncode == 2
    assert not (tmp_path / "c.png").exists()
    assert (tmp_path / "old.png").read_text() == "kept" and (tmp_path / "old.json").read_text() == "kept"
