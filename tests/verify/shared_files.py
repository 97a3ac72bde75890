"""The real signed PDFs of ``../shared`` (EU DSS validation files, Quảng Ngãi documents) and pdfsig's view of them."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
INTEROP = SHARED / "pades-interop"
REALDOCS = SHARED / "realdocs"


def shared_pdfs() -> list[Path]:
    """Every PDF of both folders (none when ``../shared`` is absent outside CI)."""
    files = sorted(INTEROP.glob("*.pdf")) + sorted(REALDOCS.glob("quangngai-*.pdf"))
    if not files and os.environ.get("CI") == "true":
        raise RuntimeError(f"CI=true and no shared PDFs under {SHARED}")
    return files


def interop(name: str) -> Path:
    """One file of the DSS set (the test fails, not skips, when it is missing)."""
    path = INTEROP / name
    assert path.is_file(), f"missing shared file {path}"
    return path


@dataclass(frozen=True)
class PdfsigEntry:
    """One signature field as ``pdfsig`` lists it.

    Attributes:
        field: the field name.
        verdict: ``valid``, ``digest_mismatch``, ``unsigned``, ``not_verified`` or ``unknown_failure``.
    """

    field: str
    verdict: str


_VERDICTS = {
    "Signature is Valid.": "valid",
    "Digest Mismatch.": "digest_mismatch",
    "Signature has not yet been verified.": "not_verified",
    "Unknown Validation Failure.": "unknown_failure",
}


def pdfsig(path: Path) -> list[PdfsigEntry]:
    """Run ``pdfsig -nocert`` (no certificate or network checks: only the signed bytes) and read its list."""
    exe = shutil.which("pdfsig")
    if exe is None:
        if os.environ.get("CI") == "true":
            raise RuntimeError("pdfsig (poppler-utils) is required when CI=true")
        pytest.skip("pdfsig (poppler-utils) is not installed")
    out = subprocess.run([exe, "-nocert", str(path)], capture_output=True, text=True, errors="replace",
                         timeout=120, check=False).stdout
    entries: list[PdfsigEntry] = []
    for block in re.split(r"^Signature #\d+:\n", out, flags=re.MULTILINE)[1:]:
        name = re.search(r"- Signature Field Name: (.*)", block)
        validation = re.search(r"- Signature Validation: (.*?\.)", block)
        if "The signature form field is not signed." in block:
            verdict = "unsigned"
        else:
            verdict = _VERDICTS.get(validation.group(1), "other") if validation else "other"
        entries.append(PdfsigEntry(field=name.group(1).strip() if name else "?", verdict=verdict))
    return entries
