"""Each file kind is written readable, with a manifest that round-trips; same seed, same bytes."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest
from PIL import Image

from corpus import KINDS, generate_corpus, load_manifest
from schemas.documents import DocType
from schemas.errors import SohoaError


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    generate_corpus(out, count=len(KINDS), seed=12)
    return out


def _page_count(path: Path) -> int:
    if path.suffix == ".pdf":
        pdf = pdfium.PdfDocument(path)
        try:
            return len(pdf)
        finally:
            pdf.close()
    with Image.open(path) as img:
        img.load()
        return getattr(img, "n_frames", 1)


def test_every_kind_writes_a_readable_file_with_one_truth_page_per_physical_page(corpus_dir: Path) -> None:
    truths = load_manifest(corpus_dir / "manifest.jsonl")
    assert [t.kind for t in truths] == list(KINDS)
    for t in truths:
        path = corpus_dir / t.file
        assert _page_count(path) == len(t.pages), t.file
        covered = [n for c in t.components for n in range(c.page_range[0], c.page_range[1] + 1)]
        blank = [i + 1 for i, p in enumerate(t.pages) if p.blank]
        assert sorted(covered + blank) == list(range(1, len(t.pages) + 1)), t.file
        assert all(p.text or p.blank for p in t.pages)


def test_kinds_have_their_shape(corpus_dir: Path) -> None:
    by_kind = {t.kind: t for t in load_manifest(corpus_dir)}
    assert by_kind["scan_rotated"].pages[0].rotation in (90, 180, 270)
    assert by_kind["scan_200dpi"].pages[0].dpi == 200
    assert by_kind["photo"].file.endswith(".jpg")
    assert by_kind["id_card_bed"].components[0].doc_type is DocType.CAN_CUOC
    assert 2 <= len(by_kind["stack"].components) <= 4
    assert len(by_kind["pdf_mixed"].components) == 2
    assert len(by_kind["tiff_multi"].pages) >= 2


def test_born_digital_pdf_text_holds_the_truth_values(corpus_dir: Path) -> None:
    truth = next(t for t in load_manifest(corpus_dir) if t.kind == "pdf_born_digital")
    with pdfplumber.open(corpus_dir / truth.file) as pdf:
        text = " ".join((page.extract_text() or "") for page in pdf.pages)
    flat = " ".join(text.split()).lower()
    fields = truth.components[0].fields
    for name in ("ho_ten", "so_dinh_danh", "noi_cu_tru", "noi_thuong_tru", "so_hieu", "ma_so_ho_kinh_doanh"):
        if name in fields:
            assert " ".join(fields[name].split()).lower() in flat, name
    assert truth.components[0].metadata["ten_giay_to"].lower() in flat


def test_tiff_pages_mix_compressions_including_group4_for_bilevel(tmp_path: Path) -> None:
    truths = generate_corpus(tmp_path, count=6, seed=3, kinds=["tiff_multi"])
    compressions = set()
    for t in truths:
        with Image.open(tmp_path / t.file) as img:
            for i in range(getattr(img, "n_frames", 1)):
                img.seek(i)
                compressions.add(img.info.get("compression"))
    assert "group4" in compressions and len(compressions) >= 2


def test_manifest_round_trips(corpus_dir: Path) -> None:
    truths = load_manifest(corpus_dir)
    lines = (corpus_dir / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    assert [t.to_json() for t in truths] == lines
    assert [type(t).from_json(t.to_json()) for t in truths] == truths


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    kinds = ["scan", "pdf_born_digital", "tiff_multi", "photo", "pdf_image"]
    a = generate_corpus(tmp_path / "a", count=5, seed=99, kinds=kinds)
    b = generate_corpus(tmp_path / "b", count=5, seed=99, kinds=kinds)
    assert a == b
    for t in a:
        assert (tmp_path / "a" / t.file).read_bytes() == (tmp_path / "b" / t.file).read_bytes(), t.file
    assert (tmp_path / "a" / "manifest.jsonl").read_bytes() == (tmp_path / "b" / "manifest.jsonl").read_bytes()


def test_type_filter_is_honoured_and_id_card_bed_needs_cards(tmp_path: Path) -> None:
    truths = generate_corpus(tmp_path, count=4, seed=1, kinds=["scan", "id_card_bed"],
                             doc_types=[DocType.KHAI_TU])
    assert all(c.doc_type is DocType.KHAI_TU for t in truths for c in t.components)
    assert {t.kind for t in truths} == {"scan"}
    with pytest.raises(SohoaError):
        generate_corpus(tmp_path, count=1, seed=1, kinds=["etching"])


def test_bad_manifest_line_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "manifest.jsonl").write_text('{"file": 1}\n', encoding="utf-8")
    with pytest.raises(SohoaError) as err:
        load_manifest(tmp_path)
    assert err.value.code == "invalid_value"
