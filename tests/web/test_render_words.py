"""Pages rendered for the review screen, and signature verifications put into words."""

from __future__ import annotations

from dataclasses import replace

import pytest
from fpdf import FPDF

from api.web._render import render_page
from api.web._signatures import report_words, signature_words
from pipeline.verify import SignatureReport, VerificationReport
from schemas.errors import ErrorCode, InputError, NotFoundError

GOOD = SignatureReport(
    field="Sig1", kind="signature", signer="CN=Nguyễn Văn An,O=UBND", signer_cn="Nguyễn Văn An", intact=True,
    crypto_valid=True, coverage="entire_file", modifications="none", docmdp_ok=True, trusted=True,
    revocation="good", signing_time="2025-09-15T03:21:33+00:00", timestamp_time="2025-09-15T03:21:34+00:00",
    timestamp_ok=True, level="B-LT", offline=True, validation_time=None, problems=(), valid=True,
    subfilter="ETSI.CAdES.detached", digest_algorithm="sha256", signature_algorithm="rsassa_pss", changes=(),
    chain=("Nguyễn Văn An", "Development Issuing CA", "Development Root CA"), chain_missing_issuer=None,
    reason="Ban hành kết quả", indication="TOTAL_PASSED", sub_indication=None,
    advice_vi="Chữ ký hợp lệ.", advice_en="The signature is valid.",
)


def _pdf(pages: int) -> bytes:
    pdf = FPDF(unit="pt", format=(595, 842))
    for _ in range(pages):
        pdf.add_page()
    return bytes(pdf.output())


def test_a_page_renders_as_a_jpeg_with_the_page_proportions_and_a_screen_width() -> None:
    image = render_page(_pdf(2), 2, max_width=600)
    assert image.jpeg[:3] == b"\xff\xd8\xff"
    assert image.width == 600
    assert image.height == pytest.approx(600 * 842 / 595, abs=1)


def test_a_missing_page_or_a_broken_file_is_a_clear_error() -> None:
    with pytest.raises(NotFoundError):
        render_page(_pdf(1), 2)
    with pytest.raises(InputError) as broken:
        render_page(b"%PDF-1.7 nothing", 1)
    assert broken.value.code == ErrorCode.CORRUPT_PDF


def test_a_valid_signature_says_who_when_in_vietnam_time_and_the_level() -> None:
    words = signature_words(GOOD)
    assert words["valid"] is True and words["reasons"] == []
    assert words["summary"].startswith("Hợp lệ. Ký bởi Nguyễn Văn An, lúc 15/09/2025 10:21:34 (theo dấu thời gian)")
    assert "mức B-LT" in words["summary"]


def test_an_invalid_signature_says_why_in_words() -> None:
    tampered = replace(GOOD, intact=False, valid=False, problems=("digest_mismatch",), indication="TOTAL_FAILED",
                       sub_indication="HASH_FAILURE", advice_vi="Tệp đã bị sửa sau khi ký: không dùng bản này.")
    revoked = replace(GOOD, revocation="revoked", trusted=False, valid=False, problems=("revoked", "untrusted"),
                      indication="INDETERMINATE", sub_indication="REVOKED_NO_POE", advice_vi="")
    assert signature_words(tampered)["summary"].startswith("Không hợp lệ.")
    assert "nội dung đã bị sửa sau khi ký" in signature_words(tampered)["summary"]
    assert signature_words(tampered)["summary"].endswith("Tệp đã bị sửa sau khi ký: không dùng bản này.")
    assert signature_words(tampered)["sub_indication"] == "HASH_FAILURE"
    assert signature_words(revoked)["summary"].startswith("Chưa xác định được tính hợp lệ.")
    assert signature_words(revoked)["reasons"] == ["chứng thư không thuộc tổ chức chứng thực được tin cậy",
                                                   "chứng thư ĐÃ BỊ THU HỒI"]
    report = report_words(VerificationReport(signatures=(GOOD, tampered)))
    assert report["valid"] is False and len(report["items"]) == 2


def test_a_scan_page_measures_in_its_image_pixels_and_a_born_digital_page_at_the_ingest_dpi() -> None:
    import numpy as np

    from api.web._render import page_pixels
    from pipeline.searchable import SearchablePage, make_searchable_pdf
    from schemas.settings import SearchableSettings

    scan = make_searchable_pdf([SearchablePage(image=np.full((1754, 1240, 3), 255, np.uint8), dpi=150)],
                               cfg=SearchableSettings())
    assert page_pixels(scan, 1, dpi=300) == (1240, 1754)  # the image's own pixels, whatever dpi is passed
    assert page_pixels(_pdf(1), 1, dpi=300) == (round(595 * 300 / 72), round(842 * 300 / 72))
    with pytest.raises(NotFoundError):
        page_pixels(_pdf(1), 3, dpi=300)
