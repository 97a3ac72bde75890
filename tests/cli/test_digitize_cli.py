"""End to end: `sohoa digitize` on generated scans of every type, bad files in the batch, stacks, JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from corpus import SampleTruth, generate_corpus
from pipeline.digitize import digitize_batch
from schemas.documents import DigitizeResult, DocType
from schemas.settings import Settings

pytestmark = pytest.mark.xdist_group("ocr")


@pytest.fixture(scope="module")
def scans(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[SampleTruth]]:
    """One 300-dpi scan of every document type (khác included), with ground truth."""
    folder = tmp_path_factory.mktemp("scans")
    return folder, generate_corpus(folder, count=len(DocType), seed=77, kinds=("scan",))


@pytest.fixture(scope="module")
def read(scans: tuple[Path, list[SampleTruth]]) -> list[DigitizeResult]:
    folder, truths = scans
    settings = Settings(_env_file=None, ocr={"jobs": 2})  # type: ignore[call-arg]
    return list(digitize_batch([folder / t.file for t in truths], settings=settings))


def test_every_document_type_is_recognised(scans, read) -> None:
    _, truths = scans
    assert {t.components[0].doc_type for t in truths} == set(DocType)
    got = {t.file: (r.doc_type, t.components[0].doc_type) for t, r in zip(truths, read, strict=True)}
    assert all(found == want for found, want in got.values()), got


def test_fields_are_read_and_normalized(scans, read) -> None:
    _, truths = scans
    total = right = 0
    wrong: list[str] = []
    for truth, result in zip(truths, read, strict=True):
        fields = result.components[0].fields
        for name, value in truth.components[0].fields.items():
            total += 1
            got = fields.get(name)
            if got is not None and got.value == value:
                right += 1
            else:
                wrong.append(f"{truth.file}:{name}={got.value if got else None!r} want {value!r}")
    assert total > 60
    assert right / total >= 0.85, wrong


def test_every_field_says_where_it_came_from(read) -> None:
    for result in read:
        for name, field in result.components[0].fields.items():
            assert 0.0 <= field.confidence <= 1.0, name
            if field.page is not None:
                assert field.bbox is not None and field.bbox.x1 > field.bbox.x0 and field.bbox.y1 > field.bbox.y0


def test_unknown_paper_is_khac_not_forced_into_a_type(scans, read) -> None:
    _, truths = scans
    khac = [r for t, r in zip(truths, read, strict=True) if t.components[0].doc_type is DocType.KHAC]
    assert khac and all(r.doc_type is DocType.KHAC for r in khac)


def test_stack_is_split_into_its_documents_with_page_ranges(tmp_path: Path) -> None:
    truths = generate_corpus(tmp_path, count=1, seed=91, kinds=("stack",))
    truth = truths[0]
    settings = Settings(_env_file=None, ocr={"jobs": 2})  # type: ignore[call-arg]
    result = next(digitize_batch([tmp_path / truth.file], settings=settings))
    found = [(c.doc_type, c.page_range) for c in result.components]
    want = [(c.doc_type, c.page_range) for c in truth.components]
    assert found == want
    assert result.pages == len(truth.pages)


def test_born_digital_pdf_is_read_from_its_text_layer(tmp_path: Path) -> None:
    truths = generate_corpus(tmp_path, count=1, seed=5, kinds=("pdf_born_digital",))
    settings = Settings(_env_file=None, ocr={"jobs": 1})  # type: ignore[call-arg]
    result = next(digitize_batch([tmp_path / truths[0].file], settings=settings))
    assert [p.source for p in result.page_info] == ["text_layer"]
    assert "ocr" not in result.timings_ms
    assert result.doc_type == truths[0].components[0].doc_type


def _sohoa(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, OMP_THREAD_LIMIT="1", SOHOA_DATA_DIR=str(cwd / "data"))
    return subprocess.run([sys.executable, "-m", "cli.main", *args], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[2], env=env, timeout=600, check=False)


def test_json_lines_in_input_order_and_a_bad_file_does_not_stop_the_batch(scans, tmp_path: Path) -> None:
    folder, truths = scans
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    fake = tmp_path / "letter.pdf"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    files = [folder / truths[0].file, empty, fake, folder / truths[1].file]
    done = _sohoa("digitize", "--json", *map(str, files), cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [line["file"] for line in lines] == [f.name for f in files]
    assert lines[1]["error"]["code"] == "empty_file"
    assert lines[2]["error"]["code"] in {"type_mismatch", "truncated_image", "corrupt_image"}
    for line in (lines[0], lines[3]):
        assert line["error"] is None
        assert set(line) >= {"file", "doc_type", "confidence", "pages", "fields", "metadata", "text",
                             "timings_ms", "error"}
        assert line["doc_type"] == truths[lines.index(line) // 3].components[0].doc_type
        assert all(set(f) == {"value", "confidence", "page", "bbox", "flags"} for f in line["fields"].values())


def test_all_good_files_exit_zero_and_print_a_table(scans, tmp_path: Path) -> None:
    folder, truths = scans
    done = _sohoa("digitize", str(folder / truths[2].file), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert truths[2].components[0].doc_type in done.stdout
