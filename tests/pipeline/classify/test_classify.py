"""Classification: right type through OCR damage, ``khac`` for unknown papers, stack-splitting cues."""

from __future__ import annotations

import random

import pytest

from pipeline.classify import NO_TEXT, Classifier, classify, classify_page, starts_document
from pipeline.classify._noise import ocr_noise
from schemas.documents import DocType
from schemas.settings import ClassifySettings
from tests.pipeline.classify.conftest import typed_text
from tests.pipeline.extract._textpages import page_from_text

CFG = ClassifySettings()


@pytest.mark.parametrize("doc_type", [t for t in DocType if t is not DocType.KHAC], ids=str)
def test_each_type_is_recognized_through_heavy_ocr_noise(doc_type: DocType, small_model: Classifier) -> None:
    rng = random.Random(1234)
    text = ocr_noise(typed_text(doc_type, rng), rng, level=1.0)
    result = classify([page_from_text(text.splitlines())], model=small_model, cfg=CFG)
    assert result.doc_type is doc_type
    assert result.scores[doc_type] == result.confidence


@pytest.mark.parametrize(
    "lines",
    [
        ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "HỢP ĐỒNG THUÊ NHÀ", "Bên A cam kết thanh toán đúng hạn"],
        ["HÓA ĐƠN GIÁ TRỊ GIA TĂNG", "Đơn vị tính: đồng", "Thành tiền 1.200.000"],
        ["The quick brown fox jumps over the lazy dog", "Invoice total due within 30 days"],
    ],
    ids=["contract", "invoice", "english"],
)
def test_unknown_papers_come_out_khac(lines: list[str], small_model: Classifier) -> None:
    assert classify([page_from_text(lines)], model=small_model, cfg=CFG).doc_type is DocType.KHAC


def test_below_the_threshold_the_answer_is_khac(small_model: Classifier) -> None:
    rng = random.Random(5)
    page = page_from_text(typed_text(DocType.KHAI_SINH, rng).splitlines())
    assert classify([page], model=small_model, cfg=ClassifySettings(threshold=1.01)).doc_type is DocType.KHAC


def test_a_page_with_almost_no_text_is_khac_at_zero_confidence_flagged_no_text(small_model: Classifier) -> None:
    result = classify_page(page_from_text(["12", "Trang"]), model=small_model, cfg=CFG)
    assert (result.doc_type, result.confidence, result.flags) == (DocType.KHAC, 0.0, (NO_TEXT,))


def test_low_confidence_words_do_not_count_as_legible_text(small_model: Classifier) -> None:
    lines = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "GIẤY KHAI SINH"]
    assert classify([page_from_text(lines, conf=0.2)], model=small_model, cfg=CFG).flags == (NO_TEXT,)
    assert classify([page_from_text(lines, conf=0.9)], model=small_model, cfg=CFG).flags == ()


def test_a_titled_page_starts_a_document_and_a_continuation_page_does_not(small_model: Classifier) -> None:
    first = page_from_text(["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "GIẤY KHAI SINH"])
    card = page_from_text(["^CĂN CƯỚC CÔNG DÂN", "Số: 001090012345", "Họ và tên: NGUYỄN VĂN AN"])
    back = page_from_text(["Đặc điểm nhân dạng: sẹo chấm", "Ngày 04 tháng 6 năm 2017", "CỤC TRƯỞNG CỤC CẢNH SÁT"])
    second = page_from_text(["4. Sơ đồ thửa đất:", "5. Ghi chú: -", "6. Những thay đổi sau khi cấp Giấy chứng nhận:"])
    assert starts_document(first, model=small_model)
    assert starts_document(card, model=small_model)
    assert not starts_document(back, model=small_model)
    assert not starts_document(second, model=small_model)


def test_an_id_card_whose_text_ocr_garbled_is_known_by_its_machine_readable_zone(small_model: Classifier) -> None:
    from tests.pipeline.extract.test_mrz import vn_zone

    page = page_from_text(["te cv P.2 l6caotrcdeC-eo", "Nguy thang cảm căn lạc", *vn_zone()])
    result = classify([page], model=small_model, cfg=CFG)
    assert result.doc_type is DocType.CAN_CUOC
    assert result.confidence >= 0.97


def test_an_id_card_is_known_by_its_qr_payload(small_model: Classifier) -> None:
    payload = "001090012345|012345678|Nguyễn Văn An|05031990|Nam|Hà Nội|10102021"
    page = page_from_text(["giãn (0À V090 GP lội J0 va"], qr=[payload])
    assert classify([page], model=small_model, cfg=CFG).doc_type is DocType.CAN_CUOC


def test_a_sentence_repeating_title_words_on_a_continuation_page_opens_no_document(small_model: Classifier) -> None:
    page = page_from_text(["2", "II. Thửa đất, nhà ở và tài sản khác gắn liền với đất", "1. Thửa đất:",
                           "g) Nguồn gốc sử dụng: Nhà nước công nhận quyền sử dụng đất"])
    assert not starts_document(page, model=small_model)


def test_a_heading_that_is_an_administrative_type_name_opens_a_document(small_model: Classifier) -> None:
    page = page_from_text(["^QUYET ĐỊNH", "Về việc phê duyệt kế hoạch", "Điều 1. Phê duyệt"])
    assert starts_document(page, model=small_model)


def test_a_card_front_with_unreadable_labels_is_can_cuoc_by_its_layout(small_model: Classifier) -> None:
    # every label garbled: only the number, then a name in capitals opening its row, survive
    page = page_from_text(["x¿ ‹ ;: 079090012345", "NGUYỄN VĂN AN", "Nqàx xÿ; 05/03/1990", "Gxö tn Nam Qx tc Việt Nam"])
    result = classify([page], model=small_model, cfg=CFG)
    assert result.doc_type is DocType.CAN_CUOC
    assert result.confidence < 0.97  # weaker than a card known by its QR code or MRZ


def test_a_letter_naming_a_person_by_number_stays_khac(small_model: Classifier) -> None:
    page = page_from_text(["Kính gửi: Ông NGUYỄN VĂN AN, số định danh 079090012345",
                           "Về việc mời họp tổ dân phố vào ngày 05/03/2025 tại nhà văn hóa"])
    assert classify([page], model=small_model, cfg=CFG).doc_type is DocType.KHAC


def test_a_printed_catalog_title_names_a_paper_the_model_calls_khac(small_model: Classifier) -> None:
    """An official form laid out as no training paper was: its title says what it is."""
    lines = ["Mẫu CC01 ban hành kèm theo Thông tư số 41/2019/TT-BCA", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
             "TỜ KHAI CĂN CƯỚC CÔNG DÂN", "9. Tình trạng hôn nhân: 10. Nhóm máu (nếu có):",
             "15. Nghề nghiệp: 16. Trình độ học vấn:", "22. Yêu cầu của công dân: cấp đổi thẻ"]
    result = classify([page_from_text(lines)], model=small_model, cfg=CFG)
    assert result.doc_type is DocType.TO_KHAI and result.confidence >= 0.7
    strict = classify([page_from_text(lines)], model=small_model, cfg=ClassifySettings(threshold=0.9))
    assert strict.doc_type is DocType.KHAC  # below the operator's threshold the officer still decides
