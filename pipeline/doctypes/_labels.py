"""Label variants real papers print for each kind of field (DESIGN.md "Domain contract", DOMAIN.md §4–5).

Labels are written as printed, with diacritics; the extractor folds them. English halves of
the bilingual ID-card labels are separate variants so either half anchors the value.
"""

from __future__ import annotations

NAME = (
    "Họ, chữ đệm và tên", "Họ, chữ đệm, tên", "Họ chữ đệm và tên", "Họ và tên", "Họ tên",
    "Họ, chữ đệm và tên khai sinh", "Họ và tên khai sinh", "Full name", "Tên",
)
OWNER_NAME = ("Ông", "Bà", "Ông/Bà", "Ông (Bà)", "Cho", "Cấp cho")
#: the holder of a land certificate (DOMAIN.md §5, 7): "Người sử dụng đất: Ông/Bà …, sinh năm …", "Hộ ông: …"
LAND_HOLDER = (
    "Người sử dụng đất", "Người sử dụng đất, chủ sở hữu tài sản gắn liền với đất",
    "Người sử dụng đất, chủ sở hữu nhà ở và tài sản khác gắn liền với đất", "Chủ sử dụng đất", "Chủ sử dụng",
    "Người được cấp", "Hộ ông", "Hộ bà", "Hộ gia đình ông", "Hộ gia đình bà", "Hộ gia đình ông/bà",
)
BIRTH = (
    "Ngày, tháng, năm sinh", "Ngày tháng năm sinh", "Ngày sinh", "Sinh ngày", "Sinh năm",
    "Năm sinh", "Date of birth",
)
SEX = ("Giới tính", "Sex", "Giới")
ID_NUMBER = (
    "Số định danh cá nhân", "Số định danh", "Mã định danh cá nhân", "Số CCCD", "CCCD số",
    "Căn cước công dân số", "Số căn cước công dân", "Số căn cước", "Căn cước số",
    "Số CMND/CCCD", "Số CCCD/CMND", "Giấy tờ tùy thân", "Personal identification number",
    "Số giấy tờ tùy thân", "Số CMND", "CMND số", "Số giấy tờ pháp lý của cá nhân", "Số giấy tờ pháp lý",
)
ID_CARD_NUMBER = ("Số", "No", "Số / No")
NATIONALITY = ("Quốc tịch", "Nationality")
ETHNICITY = ("Dân tộc", "Ethnic group")
ORIGIN = ("Quê quán", "Place of origin")
RESIDENCE_PERMANENT = ("Nơi thường trú", "Place of residence", "Địa chỉ thường trú", "Thường trú")
RESIDENCE = (
    "Nơi cư trú", "Nơi ở hiện tại", "Nơi ở hiện nay", "Địa chỉ cư trú", "Place of residence", "Địa chỉ liên hệ",
    "Chỗ ở hiện tại",
)
BIRTH_REGISTRATION_PLACE = ("Nơi đăng ký khai sinh", "Place of birth")
BIRTH_PLACE = ("Nơi sinh", "Place of birth", "Sinh tại")
ISSUE_DATE = (
    "Ngày cấp", "Ngày, tháng, năm cấp", "Ngày tháng năm cấp", "Date of issue",
    "Ngày, tháng, năm", "Date, month, year",
)
EXPIRY = (
    "Có giá trị đến", "Date of expiry", "Ngày, tháng, năm hết hạn", "Ngày hết hạn", "Giá trị đến",
)
REGISTRATION_DATE = (
    "Ngày đăng ký", "Ngày, tháng, năm đăng ký", "Đăng ký ngày", "Ngày đăng ký kết hôn",
    "Ngày, tháng, năm đăng ký kết hôn", "Ngày đăng ký khai sinh",
)
PHONE = ("Số điện thoại", "Điện thoại", "Điện thoại liên hệ", "SĐT")
DEATH_DATE = (
    "Ngày, tháng, năm chết", "Ngày chết", "Đã chết vào lúc", "Chết vào lúc", "Ngày mất",
    "Thời gian chết",
)
DEATH_PLACE = ("Nơi chết", "Nơi mất")
MARITAL_STATUS = ("Tình trạng hôn nhân",)
CRIMINAL_RECORD = ("Tình trạng án tích", "Án tích")
PARCEL = ("Thửa đất số", "Thửa số")
MAP_SHEET = ("Tờ bản đồ số", "Tờ bản đồ")
PARCEL_ADDRESS = ("Địa chỉ thửa đất", "Địa chỉ")
AREA = ("Diện tích", "Diện tích đất")
LAND_USE = ("Mục đích sử dụng",)
BUSINESS_NAME = ("Tên hộ kinh doanh",)
BUSINESS_CODE = ("Mã số hộ kinh doanh", "Mã số đăng ký hộ kinh doanh", "Số đăng ký hộ kinh doanh")
BUSINESS_PLACE = ("Địa điểm kinh doanh", "Địa chỉ kinh doanh")
BUSINESS_LINES = ("Ngành, nghề kinh doanh", "Ngành nghề kinh doanh", "Ngành nghề")
CAPITAL = ("Vốn kinh doanh",)
GRAD_YEAR = ("Năm tốt nghiệp", "Tốt nghiệp năm", "Khóa thi")
DIPLOMA_NUMBER = ("Số hiệu", "Số hiệu bằng", "Số hiệu văn bằng")

#: Labels that belong to no field of ours but end the value before them.
STOP = (
    "Đặc điểm nhân dạng", "Personal identification", "Nơi tạm trú",
    "Nguyên nhân chết", "Nơi đăng ký", "Số vào sổ", "Số vào sổ cấp bằng", "Quyển số",
    "Xếp loại", "Hình thức đào tạo", "Email", "Fax", "Website", "Thời hạn sử dụng",
    "Hình thức sử dụng", "Nguồn gốc sử dụng", "Ghi chú", "Mối quan hệ", "Quan hệ với chủ hộ",
    "Nghề nghiệp", "Trình độ", "Tôn giáo", "Số sổ hộ khẩu", "Lý do", "Nội dung",
    "Vân tay ngón trỏ trái", "Vân tay ngón trỏ phải", "Left index finger", "Right index finger",
    "Mục đích sử dụng giấy xác nhận", "Giấy này được cấp để", "Được sử dụng để",
    "Có giá trị sử dụng", "Địa chỉ trụ sở", "Số lao động", "Cấm đảm nhiệm chức vụ",
    "Thông tin về", "Hộ khẩu thường trú", "Người đi khai", "Nơi cư trú cuối cùng",
    "Loại giấy tờ pháp lý", "Bằng chữ", "Ghi bằng chữ", "Đăng ký lần đầu", "Đăng ký thay đổi",
    "Họ, chữ đệm và tên gọi khác", "Tên gọi khác", "Nhóm máu", "Trình độ học vấn",
    "Quan hệ với người được khai sinh", "Nội dung đề nghị", "Kính gửi", "Địa chỉ nhận",
)
