"""Label variants of real papers the generator does not print (DOMAIN.md §4–§5, the official blank forms)."""

from __future__ import annotations

from pathlib import Path

from pipeline.extract import extract
from schemas.documents import DocType
from schemas.settings import ExtractSettings
from tests.pipeline.extract._textpages import page_from_text

CFG = ExtractSettings(today="2025-06-01")
GCN_2024 = ["^GIẤY CHỨNG NHẬN", "^QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU TÀI SẢN GẮN LIỀN VỚI ĐẤT"]


def _values(doc_type: DocType, lines: list[str]) -> dict[str, str | None]:
    return {k: v.value for k, v in extract(doc_type, [page_from_text(lines)], cfg=CFG).fields.items()}


def test_a_land_holder_printed_as_nguoi_su_dung_dat_ong_ba_sinh_nam_is_named() -> None:
    got = _values(DocType.QSDD, [*GCN_2024, "Người sử dụng đất: Ông/Bà NGUYỄN VĂN AN, sinh năm 1970",
                                 "CCCD số: 001070012345", "Thửa đất số: 12  Tờ bản đồ số: 3"])
    assert (got["ho_ten"], got["so_dinh_danh"]) == ("Nguyễn Văn An", "001070012345")


def test_a_land_holder_under_the_2024_heading_and_under_the_2014_heading_is_named() -> None:
    new = _values(DocType.QSDD, [*GCN_2024, "1. Người sử dụng đất, chủ sở hữu tài sản gắn liền với đất:",
                                 "Ông/Bà TRẦN THỊ BÍCH, sinh năm 1982, CCCD số: 034182012345"])
    old = _values(DocType.QSDD, ["^GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT",
                                 "I. Người sử dụng đất, chủ sở hữu nhà ở và tài sản khác gắn liền với đất",
                                 "Hộ ông: Lê Văn Hùng, Năm sinh: 1960"])
    assert new["ho_ten"] == "Trần Thị Bích"
    assert old["ho_ten"] == "Lê Văn Hùng"


def test_a_person_numbered_by_cccd_so_is_not_the_papers_number() -> None:
    found = extract(DocType.QSDD, [page_from_text([*GCN_2024, "Ông: NGUYỄN VĂN AN", "CCCD số: 001070012345"])],
                    cfg=CFG)
    assert found.metadata.so_ky_hieu is None


def test_a_household_business_number_printed_as_so_under_the_title_is_its_code() -> None:
    found = extract(DocType.HO_KINH_DOANH, [page_from_text([
        "^GIẤY CHỨNG NHẬN ĐĂNG KÝ HỘ KINH DOANH", "^Số: 01A8012345",
        "^Đăng ký lần đầu: ngày 05 tháng 03 năm 2019", "1. Tên hộ kinh doanh: TẠP HÓA AN",
        "2. Địa điểm kinh doanh: Thôn 2, xã An Bình, huyện Thuận Thành, tỉnh Bắc Ninh",
    ])], cfg=CFG)
    assert found.fields["ma_so_ho_kinh_doanh"].value == "01A8012345"
    assert found.metadata.so_ky_hieu == "01A8012345"


def test_form_cc01_footnote_marks_and_the_other_name_line_do_not_hide_the_name() -> None:
    got = _values(DocType.TO_KHAI, [
        "^TỜ KHAI CĂN CƯỚC CÔNG DÂN", "1. Họ, chữ đệm và tên(1): NGUYỄN VĂN BÌNH",
        "2. Họ, chữ đệm và tên gọi khác (nếu có)(1): Bình Nguyễn",
        "3. Ngày, tháng, năm sinh: 12/05/1991; 4. Giới tính (Nam/nữ): Nam",
        "5. Số CMND/CCCD (2) 0 0 1 0 9 1 0 1 2 3 4 5", "6. Dân tộc: Kinh; 7. Tôn giáo: Không 8. Quốc tịch: Việt Nam",
        "13. Nơi thường trú: Số 8 ngõ 4 phố Kim Mã, phường Kim Mã, quận Ba Đình, Hà Nội",
        "17. Họ, chữ đệm và tên của cha(1): NGUYỄN VĂN AN Quốc tịch: Việt Nam", "Số CCCD/CMND(*): 001060054321",
        "Địa chỉ nhận: như trên   Số điện thoại: 0912345678",
    ])
    assert got == {"ho_ten": "Nguyễn Văn Bình", "ngay_sinh": "1991-05-12", "so_dinh_danh": "001091012345",
                   "noi_cu_tru": "Số 8 ngõ 4 phố Kim Mã, phường Kim Mã, quận Ba Đình, Hà Nội",
                   "so_dien_thoai": "0912345678"}


def test_form_ct01_boxed_id_digits_and_the_household_heads_lines_belong_to_the_declarant() -> None:
    got = _values(DocType.TO_KHAI, [
        "^TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ", "Kính gửi(1): Công an phường Kim Mã",
        "1. Họ, chữ đệm và tên: NGUYỄN VĂN BÌNH", "2. Ngày, tháng, năm sinh: 12/05/1991  3. Giới tính: Nam",
        "4. Số định danh cá nhân: 0 0 1 0 9 1 0 1 2 3 4 5",
        "5. Số điện thoại liên hệ: 0912345678  6. Email: b@gmail.com",
        "7. Họ, chữ đệm và tên chủ hộ: NGUYỄN VĂN AN 8. Mối quan hệ với chủ hộ: Con",
        "9. Số định danh cá nhân của chủ hộ: 0 0 1 0 6 0 0 5 4 3 2 1",
    ])
    assert got == {"ho_ten": "Nguyễn Văn Bình", "ngay_sinh": "1991-05-12", "so_dinh_danh": "001091012345",
                   "so_dien_thoai": "0912345678"}


def test_birth_registration_form_reads_the_requester_not_the_child() -> None:
    got = _values(DocType.TO_KHAI, [
        "^TỜ KHAI ĐĂNG KÝ KHAI SINH", "Kính gửi: (1) Ủy ban nhân dân phường Kim Mã",
        "Họ, chữ đệm, tên người yêu cầu: TRẦN THỊ MAI", "Ngày, tháng, năm sinh: 01/01/1995",
        "Nơi cư trú: (2) Số 8 ngõ 4 phố Kim Mã, phường Kim Mã, quận Ba Đình, Hà Nội",
        "Giấy tờ tùy thân: (3) CCCD số 001195012345 cấp ngày 01/01/2021", "Quan hệ với người được khai sinh: Mẹ",
        "Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:", "Họ, chữ đệm, tên: NGUYỄN VĂN NAM",
        "Ngày, tháng, năm sinh: 02/02/2025",
    ])
    assert got == {"ho_ten": "Trần Thị Mai", "ngay_sinh": "1995-01-01", "so_dinh_danh": "001195012345",
                   "noi_cu_tru": "Số 8 ngõ 4 phố Kim Mã, phường Kim Mã, quận Ba Đình, Hà Nội"}


def test_marital_status_certificate_with_its_identity_paper_line() -> None:
    got = _values(DocType.TINH_TRANG_HON_NHAN, [
        "^GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN", "Số: 125/UBND-XNTTHN", "XÁC NHẬN:", "Họ, chữ đệm, tên: LÊ THỊ HOA",
        "Ngày, tháng, năm sinh: 12/04/1995", "Giới tính: Nữ  Dân tộc: Kinh  Quốc tịch: Việt Nam",
        "Giấy tờ tùy thân: Căn cước công dân số 034195012345",
        "Nơi cư trú: Thôn 3, xã Vũ Thắng, huyện Kiến Xương, tỉnh Thái Bình",
        "Trong thời gian cư trú tại xã Vũ Thắng từ ngày 12/04/1995 đến ngày 01/03/2025",
        "Tình trạng hôn nhân: Hiện tại chưa đăng ký kết hôn với ai.",
    ])
    assert got == {"ho_ten": "Lê Thị Hoa", "ngay_sinh": "1995-04-12", "gioi_tinh": "Nữ", "so_dinh_danh": "034195012345",
                   "noi_cu_tru": "Thôn 3, xã Vũ Thắng, huyện Kiến Xương, tỉnh Thái Bình",
                   "tinh_trang_hon_nhan": "Hiện tại chưa đăng ký kết hôn với ai"}


def test_criminal_record_form_numbered_with_its_status_under_a_heading() -> None:
    got = _values(DocType.LY_LICH_TU_PHAP, [
        "^PHIẾU LÝ LỊCH TƯ PHÁP SỐ 1", "Số: 56/LLTP", "1. Họ và tên: PHẠM VĂN DŨNG", "2. Giới tính: Nam",
        "3. Ngày, tháng, năm sinh: 20/11/1988", "4. Nơi sinh: Hải Phòng", "5. Quốc tịch: Việt Nam",
        "6. Nơi cư trú: Số 12 đường Lạch Tray, phường Lạch Tray, quận Ngô Quyền, Hải Phòng",
        "7. Giấy CMND/Hộ chiếu/CCCD số: 031088012345  Ngày cấp: 01/01/2022", "TÌNH TRẠNG ÁN TÍCH", "Không có án tích",
    ])
    assert (got["so_dinh_danh"], got["tinh_trang_an_tich"]) == ("031088012345", "Không có án tích")


def test_death_extract_with_the_time_of_death_line() -> None:
    got = _values(DocType.KHAI_TU, [
        "^TRÍCH LỤC KHAI TỬ", "Họ, chữ đệm, tên: NGÔ VĂN TÁM", "Ngày, tháng, năm sinh: 03/03/1940",
        "Giới tính: Nam  Dân tộc: Kinh  Quốc tịch: Việt Nam", "Giấy tờ tùy thân: CCCD số 001040012345",
        "Đã chết vào lúc: 10 giờ 30 phút, ngày 05 tháng 3 năm 2024", "Nơi chết: Bệnh viện Bạch Mai, Hà Nội",
    ])
    assert (got["ngay_chet"], got["noi_chet"], got["so_dinh_danh"]) == ("2024-03-05", "Bệnh viện Bạch Mai, Hà Nội",
                                                                         "001040012345")


def test_a_diploma_printing_sinh_ngay_in_words_and_tai_for_the_birthplace() -> None:
    got = _values(DocType.BANG_TOT_NGHIEP, [
        "^BẰNG TỐT NGHIỆP TRUNG HỌC PHỔ THÔNG", "Cho: NGUYỄN VĂN AN", "Sinh ngày 01 tháng 01 năm 2000", "Tại: Bắc Ninh",
        "Năm tốt nghiệp: 2018", "Xếp loại: Khá", "Số hiệu: A1234567",
    ])
    assert got == {"ho_ten": "Nguyễn Văn An", "ngay_sinh": "2000-01-01", "noi_sinh": "Bắc Ninh",
                   "nam_tot_nghiep": "2018", "so_hieu": "A1234567"}


def test_a_name_addressed_as_ong_or_ba_loses_the_honorific() -> None:
    got = _values(DocType.BANG_TOT_NGHIEP, ["^BẰNG CỬ NHÂN", "Cấp cho: Ông Nguyễn Văn An", "Ngày sinh: 01/01/2000"])
    assert got["ho_ten"] == "Nguyễn Văn An"


def test_a_household_business_paper_of_appendix_vi_1() -> None:
    got = _values(DocType.HO_KINH_DOANH, [
        "^GIẤY CHỨNG NHẬN ĐĂNG KÝ HỘ KINH DOANH", "^Số: 01A8012345", "^Đăng ký lần đầu, ngày 05 tháng 03 năm 2019",
        "1. Tên hộ kinh doanh (ghi bằng chữ in hoa): TẠP HÓA AN BÌNH",
        "2. Địa điểm kinh doanh: Thôn 2, xã An Bình, huyện Thuận Thành, tỉnh Bắc Ninh", "Điện thoại: 0912345678  Fax:",
        "3. Ngành, nghề kinh doanh: Bán lẻ lương thực, thực phẩm", "4. Vốn kinh doanh: 100.000.000 đồng",
        "5. Thông tin về chủ hộ kinh doanh", "Họ và tên chủ hộ: NGUYỄN VĂN AN  Giới tính: Nam",
        "Sinh ngày: 01/01/1980  Dân tộc: Kinh  Quốc tịch: Việt Nam",
        "Loại giấy tờ pháp lý của cá nhân: Căn cước công dân", "Số giấy tờ pháp lý của cá nhân: 027080012345",
    ])
    assert got == {"ten_ho_kinh_doanh": "TẠP HÓA AN BÌNH", "ma_so_ho_kinh_doanh": "01A8012345",
                   "dia_diem_kinh_doanh": "Thôn 2, xã An Bình, huyện Thuận Thành, tỉnh Bắc Ninh",
                   "nganh_nghe": "Bán lẻ lương thực, thực phẩm", "von_kinh_doanh": "100000000",
                   "ho_ten": "Nguyễn Văn An", "ngay_sinh": "1980-01-01", "so_dinh_danh": "027080012345"}


def test_the_under_six_joint_form_gives_the_requester_and_not_the_child() -> None:
    """Form 01 of the birth/residence/health-card joint procedure, its own text filled line by line."""
    forms = Path(__file__).resolve().parents[3] / ".." / "shared" / "realdocs" / "forms"
    text = (forms / "form_mau01_to_khai_dien_tu_lien_thong_khai_sinh_thuong_tru_BHYT_duoi6tuoi_blank.docx_text.txt")
    values = {"Họ, chữ đệm, tên người yêu cầu:": "TRẦN THỊ MAI", "Số định danh cá nhân:": "001195012345",
              "Nơi cư trú: (2)": "Số 8 ngõ 4 phố Kim Mã, phường Kim Mã, quận Ba Đình, Hà Nội",
              "Số điện thoại:": "0912345678", "Họ, chữ đệm, tên:": "NGUYỄN VĂN NAM",
              "Ngày, tháng, năm sinh:": "02/02/2025"}
    lines = []
    for line in text.read_text(encoding="utf-8").splitlines()[:30]:
        label = next((k for k in values if line.startswith(k)), None)
        if label is not None:  # the value over the leaders, what follows a ";" kept
            line = f"{label} {values.pop(label)}" + (f"  {line.split(';')[-1].strip()}" if ";" in line else "")
        lines.append(line)
    assert not values  # every value found its line
    got = _values(DocType.TO_KHAI, lines)
    assert got == {"ho_ten": "Trần Thị Mai", "so_dinh_danh": "001195012345", "so_dien_thoai": "0912345678",
                   "noi_cu_tru": "Số 8 ngõ 4 phố Kim Mã, phường Kim Mã, quận Ba Đình, Hà Nội"}
