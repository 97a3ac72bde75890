"""Values in their own column: ID-card photo columns, values under labels, side-by-side parts, damaged labels."""

from __future__ import annotations

from pipeline.extract import extract
from pipeline.extract._weak import WEAK_LABEL
from pipeline.types import OcrPage, Word
from schemas.documents import DocType, FieldValue
from schemas.settings import ExtractSettings
from tests.pipeline.extract._textpages import page_from_text

CFG = ExtractSettings(today="2025-06-01")


def _read(doc_type: DocType, lines: list[str]) -> dict[str, FieldValue]:
    return extract(doc_type, [page_from_text(lines)], cfg=CFG).fields


def _values(doc_type: DocType, lines: list[str]) -> dict[str, str | None]:
    return {k: v.value for k, v in _read(doc_type, lines).items()}


def test_a_wrapped_card_address_leaves_out_what_ocr_read_in_the_photo_column() -> None:
    got = _values(DocType.CAN_CUOC, [
        "^CĂN CƯỚC CÔNG DÂN",
        "rẻ ẤN\tNơi thường trú: Xóm 12, Cẩm Phúc, Vũ Thư,",
        "b— ẽ _-l\tThái -“* Bình",
        "Có giá trị đến:",
        "22/10/2033",
    ])
    assert got["noi_thuong_tru"] == "Xóm 12, Cẩm Phúc, Vũ Thư, Thái Bình"
    assert got["co_gia_tri_den"] == "2033-10-22"


def test_the_expiry_under_the_photo_is_read_below_its_label_and_kept_out_of_the_origin() -> None:
    got = _values(DocType.CAN_CUOC, [
        "^CĂN CƯỚC CÔNG DÂN",
        "Ngày sinh / Date of birth: 06/06/2006",
        "Có giá trị đến:\tQuê quán / Place of origin: Thanh Bình, Dĩ An,",
        "Date of expiry\tBình Dương",
        "06/06/2031\tNơi thường trú / Place of residence: Số 81 phố Trần Phú,",
        "\tLào Cai",
    ])
    assert got["co_gia_tri_den"] == "2031-06-06"
    assert got["que_quan"] == "Thanh Bình, Dĩ An, Bình Dương"
    assert got["noi_thuong_tru"] == "Số 81 phố Trần Phú, Lào Cai"


def test_a_date_label_holding_garbage_takes_the_date_under_it() -> None:
    got = _values(DocType.CAN_CUOC, ["^CĂN CƯỚC CÔNG DÂN", "C9 giá trị đến\tHới, Quảng Bình", "06/11/2034"])
    assert got["co_gia_tri_den"] == "2034-11-06"


def test_a_speck_is_no_name_and_the_name_below_it_is_taken() -> None:
    got = _values(DocType.CAN_CUOC, ["^CĂN CƯỚC CÔNG DÂN", "Họ và tên: x", "NGUYỄN THANH HOA"])
    assert got["ho_ten"] == "Nguyễn Thanh Hoa"


def test_a_bilingual_label_split_by_a_misread_slash_is_one_label() -> None:
    got = _values(DocType.CAN_CUOC, ["^CĂN CƯỚC CÔNG DÂN", "Họ và tên lã Full name:", "NGUYỄN TRỌNG PHONG"])
    assert got["ho_ten"] == "Nguyễn Trọng Phong"


def test_a_heading_with_a_name_label_does_not_take_half_of_the_labelled_name_below() -> None:
    got = _values(DocType.HO_KINH_DOANH, [
        "^GIẤY CHỨNG NHẬN ĐĂNG KÝ HỘ KINH DOANH",
        "5. Thông tin về chủ hộ kinh doanh",
        "1. Họ tên: Nguyễn Thế Tuấn",
    ])
    assert got["ho_ten"] == "Nguyễn Thế Tuấn"


def test_labels_ocr_glued_into_one_word_are_found() -> None:
    got = _values(DocType.XAC_NHAN_CU_TRU, ["Nơithườngtrú: Xóm 2, xã Nhơn Hậu, huyện Cam Lâm, tỉnh Khánh Hòa"])
    assert got["noi_thuong_tru"] == "Xóm 2, xã Nhơn Hậu, huyện Cam Lâm, tỉnh Khánh Hòa"


def test_an_address_ending_on_a_unit_word_goes_on_below_and_a_sentence_does_not() -> None:
    got = _values(DocType.XAC_NHAN_CU_TRU, [
        "Nơi thường trú: Số 175, Ngõ 98, Phố Phan Bội Châu, Phường",
        "Minh Khai, Quận Ninh Kiều, Thành phố Cần Thơ",
        "Trong thời gian cư trú tại phường Minh Khai từ ngày 15/12/2000 đến ngày 04/08/2017",
    ])
    assert got["noi_thuong_tru"] == ("Số 175, Ngõ 98, Phố Phan Bội Châu, Phường Minh Khai, Quận Ninh Kiều, "
                                     "Thành phố Cần Thơ")


def test_an_address_line_starting_with_a_short_label_of_another_type_is_a_value() -> None:
    got = _values(DocType.LY_LICH_TU_PHAP, ["Địa chỉ cư trú:", "Số 281, Đường Huỳnh Thúc Kháng, Phường 3"])
    assert got["noi_cu_tru"] == "Số 281, Đường Huỳnh Thúc Kháng, Phường 3"


def _placed(rows: list[list[tuple[int, str]]]) -> OcrPage:
    """A page of rows of (x, text) pieces, words 20 px a character, rows 60 px apart."""
    words = []
    for i, row in enumerate(rows):
        for x, text in row:
            for token in text.split():
                words.append(Word(text=token, box=(x, 100 + 60 * i, x + 20 * len(token), 140 + 60 * i), conf=0.95,
                                  line=i))
                x += 20 * (len(token) + 1)
    return OcrPage(number=1, words=tuple(words), width=2480, height=3508, dpi=300)


def test_side_by_side_part_headers_close_together_split_the_page() -> None:
    page = _placed([
        [(900, "GIẤY CHỨNG NHẬN KẾT HÔN")],
        [(900, "Thông tin người chồng"), (1350, "Thông tin người vợ")],
        [(300, "Họ, chữ đệm, tên:"), (900, "Lâm Tiến Thông"), (1350, "Nguyễn Cẩm Hồng")],
        [(1350, "Nhung")],
        [(300, "Ngày sinh:"), (900, "ngày 20 tháng 02 năm"), (1350, "ngày 23 tháng 9 năm")],
        [(900, "1974"), (1350, "1991")],
    ])
    got = {k: v.value for k, v in extract(DocType.KET_HON, [page], cfg=CFG).fields.items()}
    assert (got["ho_ten_chong"], got["ho_ten_vo"]) == ("Lâm Tiến Thông", "Nguyễn Cẩm Hồng Nhung")
    assert (got["ngay_sinh_chong"], got["ngay_sinh_vo"]) == ("1974-02-20", "1991-09-23")


def test_part_headers_whose_first_one_wrapped_its_last_word_still_split_the_page() -> None:
    page = _placed([
        [(900, "GIẤY CHỨNG NHẬN KẾT HÔN")],
        [(900, "Thông tin người"), (1350, "Thông tin người vợ")],
        [(900, "chồng")],
        [(300, "Họ tên:"), (900, "LÒ QUỐC LÂM"), (1350, "TRẦN HỒNG TRINH")],
        [(300, "Ngày sinh:"), (900, "19/01/1994"), (1350, "23/11/1979")],
    ])
    got = {k: v.value for k, v in extract(DocType.KET_HON, [page], cfg=CFG).fields.items()}
    assert (got["ho_ten_chong"], got["ho_ten_vo"]) == ("Lò Quốc Lâm", "Trần Hồng Trinh")
    assert (got["ngay_sinh_chong"], got["ngay_sinh_vo"]) == ("1994-01-19", "1979-11-23")


def test_a_spouse_id_number_wrapped_under_its_label_words_is_read_from_the_row_below() -> None:
    page = _placed([
        [(900, "GIẤY CHỨNG NHẬN KẾT HÔN")],
        [(900, "Thông tin người chồng"), (1350, "Thông tin người vợ")],
        [(300, "Họ tên:"), (900, "Nguyễn Minh Lộc"), (1350, "Lê Hoài Tuyết Hà")],
        [(300, "Giấy tờ tùy thân:"), (900, "Thẻ căn cước số"), (1350, "CCCD số 034198188279")],
        [(900, "022081383760")],
    ])
    got = {k: v.value for k, v in extract(DocType.KET_HON, [page], cfg=CFG).fields.items()}
    assert (got["so_dinh_danh_chong"], got["so_dinh_danh_vo"]) == ("022081383760", "034198188279")

def test_a_wrapped_origin_below_a_row_of_the_photo_column_alone_is_still_joined() -> None:
    got = _values(DocType.CAN_CUOC, [
        "^CĂN CƯỚC CÔNG DÂN",
        "\tQuê quán / Place of origin: Phường 7, Tây Ninh,",
        "Có giá trị đến:",
        "Date of expiry\tTây Ninh",
        "28/09/2025\tNơi thường trú / Place of residence: Thôn 3, Mỹ Hòa, Lai Vung, Đồng Tháp",
    ])
    assert got["que_quan"] == "Phường 7, Tây Ninh, Tây Ninh"
    assert got["co_gia_tri_den"] == "2025-09-28"

def test_labels_a_photo_damaged_are_taken_when_the_value_follows_the_grammar_and_flagged() -> None:
    fields = _read(DocType.CAN_CUOC, [
        "^CĂN CƯỚC CÔNG DÂN",
        "Nqày sïmh 07/10/1983",
        "Gn tình. Nữ",
        "Que cuánc Tiên Phong, Bến Lức, Long An",
    ])
    assert fields["ngay_sinh"].value == "1983-10-07"
    assert fields["gioi_tinh"].value == "Nữ"
    assert fields["que_quan"].value == "Tiên Phong, Bến Lức, Long An"
    assert all(WEAK_LABEL in fields[k].flags for k in ("ngay_sinh", "gioi_tinh", "que_quan"))
    assert fields["ngay_sinh"].confidence < 0.7


def test_a_row_that_reads_like_no_label_gives_no_weak_value() -> None:
    got = _values(DocType.CAN_CUOC, ["^CĂN CƯỚC CÔNG DÂN", "Trong thời gian công tác tại địa phương 07/10/1983"])
    assert "ngay_sinh" not in got
