"""Damage profiles: sizes, rotation, resolution, bilevel output and determinism."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from corpus import PROFILES, degrade
from schemas.errors import SohoaError


@pytest.fixture(scope="module")
def page() -> Image.Image:
    img = Image.new("RGB", (1240, 1754), "white")  # A4 at 150 dpi keeps the tests quick
    draw = ImageDraw.Draw(img)
    for y in range(100, 1600, 40):
        draw.rectangle((120, y, 1000, y + 12), fill=(0, 0, 0))
    return img


@pytest.mark.parametrize("profile", PROFILES)
def test_every_profile_gives_rgb_and_is_deterministic(page: Image.Image, profile: str) -> None:
    a = degrade(page, profile=profile, seed=3, dpi=150)
    b = degrade(page, profile=profile, seed=3, dpi=150)
    assert a.image.mode == "RGB"
    assert a.image.tobytes() == b.image.tobytes() and a.damage == b.damage
    assert a.rotation in (0, 90, 180, 270)


def test_rotated_feed_turns_the_page_and_says_by_how_much(page: Image.Image) -> None:
    seen = set()
    for seed in range(12):
        d = degrade(page, profile="scan_rotated", seed=seed, dpi=150)
        assert d.rotation in (90, 180, 270)
        portrait = d.image.height > d.image.width
        assert portrait == (d.rotation == 180)
        seen.add(d.rotation)
    assert seen == {90, 180, 270}


def test_200dpi_and_fax_profiles_resample_and_fax_is_bilevel(page: Image.Image) -> None:
    low = degrade(page, profile="scan_200dpi", seed=1, dpi=300)
    assert low.dpi == 200 and low.image.width == round(page.width * 2 / 3)
    fax = degrade(page, profile="fax", seed=1, dpi=300)
    assert fax.dpi == 200 and "bilevel" in fax.damage
    assert set(np.unique(np.asarray(fax.image))) <= {0, 255}


def test_photo_is_shrunk_with_the_sheet_inside_a_desk_frame(page: Image.Image) -> None:
    for seed in range(4):
        d = degrade(page, profile="photo", seed=seed, dpi=150)
        assert 1280 <= max(d.image.size) <= 1600
        arr = np.asarray(d.image).astype(int)
        border = np.concatenate([arr[0], arr[-1], arr[:, 0], arr[:, -1]])
        # the frame edge is desk, never the white sheet: the corners stay inside the picture
        assert (border.mean(axis=1) < 235).mean() > 0.95
        assert "perspective" in d.damage and any(x.startswith("jpeg=") for x in d.damage)


def test_unknown_profile_is_refused(page: Image.Image) -> None:
    with pytest.raises(SohoaError) as err:
        degrade(page, profile="smudge", seed=1)
    assert err.value.code == "invalid_value"
