"""One sentence per verdict, in Vietnamese and English, saying what happened and what to do next."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.verify._etsi import Verdict

#: sub-indication -> (Vietnamese, English); {signer}, {issuer}, {stopped}, {changes}, {algo} are filled in
_TEXTS: dict[str, tuple[str, str]] = {
    "PASSED": ("Chữ ký hợp lệ: nội dung không đổi từ khi ký, người ký có chứng thư được tin cậy.",
               "Valid: the content is unchanged since signing and the signer's certificate is trusted."),
    "FORMAT_FAILURE": ("Chữ ký không hợp lệ: {changes}. Không dùng tệp này; yêu cầu cơ quan ban hành gửi lại bản gốc.",
                       "Invalid: {changes}. Do not rely on this file; ask the issuer for the original."),
    "HASH_FAILURE": ("Chữ ký không hợp lệ: nội dung đã bị sửa sau khi ký. Không dùng tệp này.",
                     "Invalid: the signed content was altered after signing. Do not rely on this file."),
    "SIG_CRYPTO_FAILURE": ("Chữ ký không hợp lệ: giá trị chữ ký không khớp với chứng thư của người ký.",
                           "Invalid: the signature value does not match the signer's certificate."),
    "REVOKED": ("Chữ ký không hợp lệ: chứng thư của {signer} đã bị thu hồi trước khi ký.",
                "Invalid: {signer}'s certificate was revoked before the signature was made."),
    "NO_CERTIFICATE_CHAIN_FOUND": (
        "Chưa xác định: nội dung nguyên vẹn nhưng chưa tin cậy được chứng thư; chuỗi dừng ở «{stopped}»{issuer_vi}. "
        "Thêm chứng thư gốc của Ban Cơ yếu Chính phủ hoặc NEAC vào thư mục tin cậy rồi kiểm tra lại.",
        "Indeterminate: the content is intact but the certificate is not trusted; the chain stops at "
        "'{stopped}'{issuer_en}. Add the Government Cipher Committee's or NEAC's root to the trust folder "
        "and verify again."),
    "CRYPTO_CONSTRAINTS_FAILURE": (
        "Chưa xác định: chữ ký dùng thuật toán {algo} không còn được chấp nhận (hoặc chưa hỗ trợ); "
        "nội dung vẫn có thể nguyên vẹn, cần xác minh với cơ quan ban hành.",
        "Indeterminate: the signature uses {algo}, which is no longer accepted (or not supported); the content "
        "may still be intact, confirm with the issuer."),
    "NO_SIGNING_CERTIFICATE_FOUND": ("Chưa xác định: chữ ký không kèm chứng thư của người ký.",
                                     "Indeterminate: the signature does not carry the signer's certificate."),
    "OUT_OF_BOUNDS_NO_POE": (
        "Chưa xác định: chứng thư của {signer} đã hết hạn và không có dấu thời gian chứng minh chữ ký có trước đó.",
        "Indeterminate: {signer}'s certificate has expired and no timestamp proves the signature came before."),
    "REVOKED_NO_POE": (
        "Chưa xác định: chứng thư của {signer} đã bị thu hồi; không có dấu thời gian chứng minh chữ ký có trước đó.",
        "Indeterminate: {signer}'s certificate is revoked and no timestamp proves the signature came before."),
    "TRY_LATER": ("Chưa xác định: chưa có thông tin thu hồi chứng thư; kiểm tra lại với --online.",
                  "Indeterminate: no revocation data is available; verify again with --online."),
    "GENERIC": ("Chưa xác định: dấu thời gian kèm chữ ký không hợp lệ.",
                "Indeterminate: the signature's timestamp does not verify."),
}
_OTHER = ("Chưa xác định ({sub}): cần kiểm tra thêm chứng thư của {signer}.",
          "Indeterminate ({sub}): {signer}'s certificate needs a closer look.")
_FAILED_OTHER = ("Chữ ký không hợp lệ ({sub}).", "Invalid ({sub}).")


@dataclass(frozen=True)
class Context:
    """What the sentence names.

    Attributes:
        signer: the signer's common name.
        stopped: the last certificate of the chain found.
        missing_issuer: the issuer not found, if any.
        changes: the reasons for a format failure, in words.
        algorithm: the algorithm judged weak or unknown.
    """

    signer: str
    stopped: str
    missing_issuer: str | None
    changes: str
    algorithm: str


def advice(v: Verdict, ctx: Context) -> tuple[str, str]:
    """The sentence in Vietnamese and in English."""
    key = "PASSED" if v.sub is None else v.sub
    pair = _TEXTS.get(key) or (_FAILED_OTHER if v.indication == "TOTAL_FAILED" else _OTHER)
    values = {
        "signer": ctx.signer, "stopped": ctx.stopped, "changes": ctx.changes, "algo": ctx.algorithm,
        "sub": v.sub or "", "issuer_vi": f", không tìm thấy chứng thư của «{ctx.missing_issuer}»"
        if ctx.missing_issuer else "", "issuer_en": f", whose issuer '{ctx.missing_issuer}' was not found"
        if ctx.missing_issuer else "",
    }
    return pair[0].format(**values), pair[1].format(**values)
