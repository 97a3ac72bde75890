"""What the pages say when the API answers with an error: one Vietnamese sentence per code, saying what to do.

Keyed by the stable codes of :class:`schemas.errors.ErrorCode` (a test checks
every code has one). The API's own ``message`` is for integrators and stays in
English; a person at the counter or on a phone reads these.
"""

from __future__ import annotations

ERROR_MESSAGES: dict[str, str] = {
    # input files
    "empty_file": "Tệp trống, không có nội dung. Hãy quét lại hoặc chọn đúng tệp.",
    "file_too_large": "Tệp quá lớn. Hãy quét ở 200–300 dpi hoặc chia tệp thành nhiều phần rồi tải lên lại.",
    "digest_mismatch": "Tệp nhận được không khớp với mã kiểm tra gửi kèm (có thể bị lỗi khi truyền). Hãy tải lên lại.",
    "unsupported_type": "Loại tệp này không dùng được. Hãy tải lên ảnh (JPEG, PNG, TIFF) hoặc PDF.",
    "type_mismatch": "Nội dung tệp không khớp với đuôi tên tệp. Hãy lưu lại tệp đúng định dạng rồi tải lên lại.",
    "corrupt_image": "Ảnh bị hỏng, không đọc được. Hãy quét hoặc chụp lại trang này.",
    "truncated_image": "Ảnh bị cắt cụt (tệp chưa ghi xong). Hãy quét lại hoặc sao chép lại tệp rồi tải lên.",
    "image_too_large": "Ảnh có quá nhiều điểm ảnh. Hãy quét ở độ phân giải thấp hơn (200–300 dpi).",
    "corrupt_pdf": "Tệp PDF bị hỏng, không mở được. Hãy xuất lại PDF hoặc quét lại giấy tờ.",
    "encrypted_pdf": "Tệp PDF có mật khẩu. Hãy bỏ mật khẩu rồi tải lên lại.",
    "too_many_pages": "Tệp có quá nhiều trang. Hãy tách thành nhiều tệp nhỏ hơn rồi tải lên.",
    "file_not_found": "Không tìm thấy tệp. Hãy chọn lại tệp cần tải lên.",
    "ingest_timeout": "Đọc tệp quá lâu nên đã dừng. Hãy quét lại ở độ phân giải thấp hơn hoặc chia nhỏ tệp.",
    # engines
    "no_text": "Không đọc được chữ nào trên trang này (trang trắng, quá mờ hoặc quá tối). "
               "Hãy quét hoặc chụp lại rõ hơn, đủ sáng, rồi tải lên lại.",
    "ocr_failed": "Không đọc được chữ trên trang. Hãy quét lại rõ hơn, hoặc nhập tay các trường.",
    "ocr_timeout": "Đọc chữ quá lâu nên đã dừng. Hãy quét lại rõ hơn hoặc thử lại sau ít phút.",
    "engine_missing": "Máy chủ thiếu bộ đọc chữ. Hãy báo bộ phận kỹ thuật; giấy tờ đã tải lên vẫn được giữ.",
    # models and catalogs
    "model_missing": "Máy chủ thiếu mô hình nhận dạng loại giấy tờ. Hãy báo bộ phận kỹ thuật.",
    "model_stale": "Mô hình nhận dạng trên máy chủ đã cũ. Hãy báo bộ phận kỹ thuật cập nhật.",
    "model_corrupt": "Mô hình nhận dạng trên máy chủ bị hỏng. Hãy báo bộ phận kỹ thuật.",
    # validation of values and codes
    "invalid_value": "Có giá trị không hợp lệ. Hãy kiểm tra các ô được đánh dấu rồi gửi lại.",
    "invalid_dossier_code": "Mã hồ sơ không đúng mẫu. Hãy nhập dạng MÃ-ĐƠN-VỊ-YYMMDD-SỐTT, "
                            "ví dụ 000.00.15.H55-230612-0001.",
    "invalid_procedure_code": "Mã thủ tục hành chính không đúng mẫu. Hãy nhập dạng 1.001193 "
                              "hoặc 2.000815.000.00.00.H55.",
    "invalid_id_number": "Số định danh cá nhân phải có 12 chữ số. Hãy đối chiếu với thẻ căn cước và nhập lại.",
    # signing and verification
    "not_a_pdf": "Tệp không phải PDF nên không ký được. Hãy chọn tệp PDF.",
    "pdf_locked": "Văn bản đã bị khóa, không cho ký thêm. Hãy dùng bản gốc chưa khóa.",
    "cert_expired": "Chứng thư số đã hết hạn. Hãy gia hạn chứng thư số rồi ký lại.",
    "cert_not_yet_valid": "Chứng thư số chưa đến ngày có hiệu lực. "
                          "Hãy kiểm tra đồng hồ máy chủ hoặc chờ đến ngày hiệu lực.",
    "cert_revoked": "Chứng thư số đã bị thu hồi. Hãy xin cấp chứng thư số mới.",
    "cert_not_for_signing": "Chứng thư số này không dùng để ký văn bản. Hãy dùng chứng thư ký số của cán bộ.",
    "cert_untrusted": "Chứng thư số không thuộc tổ chức chứng thực được tin cậy. Hãy báo bộ phận kỹ thuật.",
    "revocation_unavailable": "Không kiểm tra được tình trạng thu hồi của chứng thư. Hãy thử lại sau ít phút.",
    "key_unavailable": "Chưa có khóa ký số cho tài khoản của bạn. Hãy báo bộ phận kỹ thuật cấp khóa.",
    "wrong_pin": "Mã PIN của thiết bị ký số không đúng. Hãy nhập lại mã PIN.",
    "weak_algorithm": "Thuật toán ký quá yếu nên không được chấp nhận. Hãy dùng chứng thư số mới.",
    "tsa_unavailable": "Không kết nối được máy chủ cấp dấu thời gian. Hãy thử lại sau ít phút.",
    "tsa_timeout": "Máy chủ cấp dấu thời gian trả lời quá chậm. Hãy thử lại sau ít phút.",
    "signing_failed": "Ký số không thành công. Hãy thử lại; nếu vẫn lỗi, báo bộ phận kỹ thuật.",
    "signature_invalid": "Chữ ký số không hợp lệ: văn bản có thể đã bị sửa sau khi ký. Hãy yêu cầu bản gốc.",
    "level_unreachable": "Máy chủ chưa được cấu hình dịch vụ cấp dấu thời gian nên không ký được ở mức này. "
                         "Hãy chọn mức B-B hoặc báo bộ phận kỹ thuật cấu hình dịch vụ dấu thời gian.",
    "password_required": "Tệp PDF được khóa bằng mật khẩu nên không kiểm tra được chữ ký. "
                         "Hãy yêu cầu bản không đặt mật khẩu mở tệp.",
    "verify_timeout": "Kiểm tra chữ ký của tệp này quá lâu nên đã dừng. Hãy thử lại; "
                      "nếu vẫn vậy, tệp có thể bị hỏng hoặc bất thường: báo bộ phận kỹ thuật.",
    # storage, records, queue
    "storage_unavailable": "Kho lưu tệp tạm thời không truy cập được. Hãy thử lại sau ít phút; "
                           "những gì đã nhập vẫn được giữ.",
    "database_unavailable": "Cơ sở dữ liệu tạm thời không truy cập được. Hãy thử lại sau ít phút; "
                            "những gì đã nhập vẫn được giữ.",
    "broker_unavailable": "Hàng đợi xử lý tạm thời không truy cập được. Hãy thử lại sau ít phút.",
    "portal_unavailable": "Cổng Dịch vụ công quốc gia không trả lời hoặc từ chối đăng nhập. Hãy thử lại sau; "
                          "nếu vẫn lỗi, hãy báo quản trị kiểm tra tài khoản đồng bộ.",
    "registry_unavailable": "Chưa đối chiếu được với Cơ sở dữ liệu quốc gia về dân cư (hệ thống không trả lời). "
                            "Hồ sơ vẫn được xử lý; hãy tự đối chiếu họ tên, ngày sinh, giới tính với giấy tờ gốc.",
    "integrity_error": "Tệp lưu trữ không còn khớp mã băm, có thể đã bị thay đổi. Hãy báo bộ phận kỹ thuật.",
    "not_found": "Không tìm thấy. Hãy kiểm tra lại mã đã nhập.",
    "conflict": "Đã có từ trước (ví dụ hồ sơ trùng mã). Hãy mở bản đã có thay vì tạo mới.",
    "record_locked": "Giấy tờ đã xác nhận thì không sửa trực tiếp. Hãy tạo bản sửa đổi mới.",
    "job_timeout": "Xử lý quá lâu nên đã dừng. Hãy tải lại tệp hoặc quét lại rõ hơn.",
    "job_lost": "Việc xử lý bị gián đoạn. Hãy tải lại tệp này lên.",
    # access
    "unauthenticated": "Phiên đăng nhập đã hết hạn hoặc chưa đăng nhập. Hãy đăng nhập lại; "
                       "những gì đã nhập vẫn được giữ.",
    "requester_mismatch": "Người yêu cầu ghi trong yêu cầu không khớp với tài khoản đang đăng nhập. "
                          "Hãy ghi đúng số định danh và kênh thực hiện của chính tài khoản này.",
    "forbidden": "Bạn không có quyền xem hoặc làm việc này (ví dụ hồ sơ của cơ quan khác). "
                 "Hãy kiểm tra lại mã hoặc đăng nhập bằng tài khoản đúng.",
    # HTTP requests
    "request_too_large": "Dữ liệu gửi lên quá lớn. Hãy gửi ít tệp hơn mỗi lần hoặc quét ở độ phân giải thấp hơn.",
    "rate_limited": "Bạn gửi quá nhiều yêu cầu trong thời gian ngắn. Hãy chờ vài giây rồi thử lại; "
                    "những gì đã nhập vẫn được giữ.",
    "idempotency_conflict": "Yêu cầu này trùng mã với một yêu cầu khác đã gửi. Hãy tải lại trang rồi làm lại.",
    "precondition_failed": "Giấy tờ vừa được người khác sửa. Hãy tải lại để xem bản mới nhất rồi sửa tiếp.",
    "method_not_allowed": "Thao tác này không được hỗ trợ. Hãy tải lại trang; nếu vẫn lỗi, báo bộ phận kỹ thuật.",
    "callback_not_allowed": "Địa chỉ nhận thông báo không nằm trong danh sách cho phép. Hãy báo bộ phận kỹ thuật.",
    "callback_failed": "Không gửi được thông báo kết quả tới hệ thống nhận. Hãy báo bộ phận kỹ thuật kiểm tra.",
    # configuration
    "config_invalid": "Cấu hình máy chủ chưa đúng. Hãy báo bộ phận kỹ thuật.",
    "insecure_config": "Cấu hình máy chủ chưa an toàn nên bị từ chối. Hãy báo bộ phận kỹ thuật.",
    "internal": "Máy chủ gặp lỗi ngoài dự kiến. Hãy thử lại; nếu vẫn lỗi, báo bộ phận kỹ thuật kèm mã yêu cầu.",
}

#: what the pages say about trouble the API never answers with: the network, the browser
CLIENT_MESSAGES: dict[str, str] = {
    "offline": "Mất kết nối tới máy chủ. Những gì đã nhập vẫn được giữ; trang sẽ tự gửi lại khi có kết nối.",
    "back_online": "Đã kết nối lại.",
    "session_expired": "Phiên đăng nhập đã hết hạn. Hãy đăng nhập lại để tiếp tục; những gì đã nhập vẫn được giữ.",
    "unexpected": "Máy chủ trả lời không như mong đợi. Hãy thử lại; nếu vẫn lỗi, báo bộ phận kỹ thuật.",
    "not_a_scan": "Chỉ nhận ảnh (JPEG, PNG, TIFF) hoặc PDF.",
}


def message_for(code: str) -> str:
    """The Vietnamese sentence for an error code; the generic one for a code this page does not know.

    Args:
        code: an :class:`schemas.errors.ErrorCode` value.

    Returns:
        One or two sentences saying what happened and what to do.
    """
    return ERROR_MESSAGES.get(code, ERROR_MESSAGES["internal"])
