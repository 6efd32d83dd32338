"""Independent check of exported videos: ask ffprobe, not our own writer."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from fractions import Fraction

import pytest


def probe(path) -> dict:
    """Return width, height, fps (float) and the decoded frame count of a video."""
    exe = shutil.which("ffprobe")
    if exe is None:
        if os.environ.get("CI"):    # scripts/setup.sh installs ffmpeg: CI must check the videos
            pytest.fail("ffprobe not installed (scripts/setup.sh installs ffmpeg)")
        pytest.skip("ffprobe not installed (apt-get install ffmpeg)")
    out = subprocess.run(
        [exe, "-v", "error", "-count_frames", "-select_streams", "v:0",
         "-show_entries", "stream=codec_name,width,height,r_frame_rate,nb_read_frames",
         "-of", "json", str(path)],
        capture_output=True, text=True, check=True,
    ).stdout
    s = json.loads(out)["streams"][0]
    return {
        "codec": s["codec_name"],
        "width": int(s["width"]),
        "height": int(s["height"]),
        "fps": float(Fraction(s["r_frame_rate"])),
        "frames": int(s["nb_read_frames"]),
    }
