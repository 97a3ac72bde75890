"""Memory stays bounded: a decompression bomb is never allocated, a 2400-dpi page is never decoded whole.

Each case runs in a fresh Python process and reports its peak resident memory
(``VmHWM``, reset after the imports) before and after reading the file, so
other tests cannot disturb the measure. Bounds are generous; what they catch is a full
decode (900 MB for the bomb, over 550 MB for the 2400-dpi page).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from tests.pipeline.ingest import samples

ROOT = Path(__file__).resolve().parents[3]

_CHILD = """
import json, sys
import cv2, numpy, pdfplumber, pikepdf, pypdfium2, PIL.Image
from pipeline.ingest import open_document
from schemas.errors import SohoaError
from schemas.settings import IngestSettings

def peak_mib():
    # VmHWM belongs to this process's memory map (ru_maxrss would carry the parent's over fork/exec)
    with open("/proc/self/status") as fh:
        line = next(l for l in fh if l.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024

path = sys.argv[1]
try:
    with open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")  # reset the high-water mark to what the imports left resident
except OSError:
    pass
before = peak_mib()
code, shapes = None, []
try:
    with open_document(__import__("pathlib").Path(path), name=path, cfg=IngestSettings()) as doc:
        for page in doc.pages():
            shapes.append(None if page.image is None else list(page.image.shape))
            del page
except SohoaError as e:
    code = str(e.code)
print(json.dumps({"before": before, "after": peak_mib(), "code": code, "shapes": shapes}))
"""


def run_child(path: Path) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path)], cwd=ROOT, capture_output=True, text=True, check=True, timeout=120
    )
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def growth(result: dict[str, object]) -> float:
    return float(result["after"]) - float(result["before"])  # type: ignore[arg-type]


def test_the_30000_square_png_bomb_is_refused_without_allocating_it(tmp_path: Path) -> None:
    path = tmp_path / "bomb.png"
    path.write_bytes(samples.png_bomb())
    result = run_child(path)
    assert result["code"] == "image_too_large"
    assert growth(result) < 64, result  # decoding it would take 900 MiB


def test_an_a4_page_at_2400_dpi_is_read_in_bounded_memory(tmp_path: Path) -> None:
    data, width, height = samples.huge_bilevel_page(dpi=2400)
    path = tmp_path / "hires.pdf"
    path.write_bytes(data)
    result = run_child(path)
    assert result["code"] is None
    shapes: Any = result["shapes"]
    [[rows, cols, _]] = shapes
    assert abs(rows - height / 6) <= 2 and abs(cols - width / 6) <= 2  # 2400 dpi brought to 400
    assert growth(result) < 400, result  # one byte per pixel would already be 530 MiB


def test_a_300_dpi_a4_colour_scan_peaks_well_under_1_gib(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    page = np.full((3508, 2480, 3), 245, np.uint8)
    noise = rng.integers(0, 20, size=page.shape, dtype=np.uint8)
    page = np.asarray(cv2.subtract(page, noise), dtype=np.uint8)
    for y in range(200, 3300, 60):
        cv2.putText(page, "HO VA TEN NGUYEN VAN AN 05/03/1990", (150, y), cv2.FONT_HERSHEY_SIMPLEX, 2, (0, 0, 0), 4)
    path = tmp_path / "a4.jpg"
    path.write_bytes(samples.jpeg(page, dpi=300))
    result = run_child(path)
    assert result["code"] is None and result["shapes"] == [[3508, 2480, 3]]
    assert float(result["after"]) < 1024, result  # type: ignore[arg-type]
    assert growth(result) < 300, result
