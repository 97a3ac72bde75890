"""The Ministry's blank form CC01, filled with generated values: typed (a text layer) and printed and scanned.

The form is laid out as the generator never draws it: numbered labels with footnote marks
("tên(1):"), values written over dotted leaders, the ID number one digit a box. It must be
typed ``to_khai`` (its printed title says so) and give the declarant's fields.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.digitize import digitize_file
from schemas.documents import DigitizeResult, DocType
from schemas.settings import Settings
from tests.pipeline.extract._forms import fill_cc01, scanned

SETTINGS = Settings(_env_file=None)  # type: ignore[call-arg]


def _read(path: Path) -> DigitizeResult:
    result = digitize_file(path, settings=SETTINGS).result
    assert result.error is None, result.error
    return result


@pytest.mark.parametrize("seed", [3, 11])
def test_a_typed_cc01_form_is_a_to_khai_with_the_declarants_fields(seed: int, tmp_path: Path) -> None:
    filled = fill_cc01(seed)
    path = tmp_path / "cc01.pdf"
    path.write_bytes(filled.pdf)
    result = _read(path)
    assert result.page_info[0].source == "text_layer"
    assert result.doc_type is DocType.TO_KHAI
    assert {k: v.value for k, v in result.components[0].fields.items()} == filled.truth


@pytest.mark.slow
def test_a_printed_and_scanned_cc01_form_is_a_to_khai_with_the_declarants_fields(tmp_path: Path) -> None:
    filled = fill_cc01(3)
    path = tmp_path / "cc01.png"
    scanned(filled.pdf, seed=3).save(path, dpi=(300, 300))
    result = _read(path)
    assert result.doc_type is DocType.TO_KHAI
    got = {k: v.value for k, v in result.components[0].fields.items()}
    assert got == filled.truth
