"""A verification report in words: who signed, when, at which level, and valid or not, for a person.

The pages show each signature as one Vietnamese sentence beside a verdict
("Hợp lệ" / "Không hợp lệ"); an invalid one says why in words, not in the
verifier's short English problem codes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from pipeline.verify import SignatureReport, VerificationReport

_ICT = ZoneInfo("Asia/Ho_Chi_Minh")

_MODIFICATIONS = {
    "none": "không có thay đổi nào sau khi ký",
    "lta_updates": "sau khi ký chỉ thêm dữ liệu lưu trữ dài hạn (cho phép)",
    "form_filling": "sau khi ký có điền biểu mẫu",
    "annotations": "sau khi ký có thêm ghi chú",
    "other": "sau khi ký nội dung đã bị thay đổi",
}
#: the ETSI EN 319 102-1 indication of a signature that did not pass, as a person says it
_VERDICT = {
    "TOTAL_FAILED": "Không hợp lệ.",
    "INDETERMINATE": "Chưa xác định được tính hợp lệ.",
}
_REVOCATION = {
    "good": "chứng thư chưa bị thu hồi",
    "revoked": "chứng thư ĐÃ BỊ THU HỒI",
    "unknown": "không xác định được tình trạng thu hồi của chứng thư",
    "not_checked": "chưa kiểm tra tình trạng thu hồi",
}


def _when(iso: str | None) -> str | None:
    if not iso:
        return None
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if moment.tzinfo is not None:
        moment = moment.astimezone(_ICT)
    return moment.strftime("%d/%m/%Y %H:%M:%S")


def _reasons(s: SignatureReport) -> list[str]:
    reasons: list[str] = []
    if not (s.intact and s.crypto_valid):
        reasons.append("nội dung đã bị sửa sau khi ký (mã băm không khớp)")
    if not s.docmdp_ok:
        reasons.append(_MODIFICATIONS.get(s.modifications, _MODIFICATIONS["other"]) + ", không được phép")
    if not s.trusted:
        reasons.append("chứng thư không thuộc tổ chức chứng thực được tin cậy")
    if s.revocation == "revoked":
        reasons.append(_REVOCATION["revoked"])
    if s.timestamp_ok is False:
        reasons.append("dấu thời gian không hợp lệ")
    if not reasons and not s.valid:
        reasons.append("không đạt yêu cầu thẩm định (" + ", ".join(s.problems) + ")")
    return reasons


def signature_words(s: SignatureReport) -> dict[str, Any]:
    """One signature for a page: its facts, and a sentence saying them.

    Args:
        s: the verifier's entry for one signature or document timestamp.

    Returns:
        ``signer``, ``time`` (ISO), ``level``, ``valid``, ``kind``, ``reasons`` (Vietnamese, empty
        when valid) and ``summary`` (one Vietnamese sentence).
    """
    time_iso = s.timestamp_time or s.signing_time
    when = _when(time_iso)
    if s.kind == "doc_timestamp":
        head = f"Dấu thời gian lưu trữ của {s.signer_cn}" + (f", lúc {when}" if when else "")
    else:
        stamped = " (theo dấu thời gian)" if s.timestamp_time else " (giờ người ký khai)"
        head = f"Ký bởi {s.signer_cn}" + (f", lúc {when}{stamped}" if when else "") + f", mức {s.level}"
    reasons = _reasons(s)
    if s.valid:
        tail = [_MODIFICATIONS.get(s.modifications, "")] if s.kind == "signature" else []
        tail.append(_REVOCATION[s.revocation])
        summary = f"Hợp lệ. {head}; " + "; ".join(t for t in tail if t) + "."
    else:
        verdict = _VERDICT.get(s.indication, _VERDICT["TOTAL_FAILED"])
        summary = f"{verdict} {head}: " + "; ".join(reasons) + "." + (f" {s.advice_vi}" if s.advice_vi else "")
    return {"kind": s.kind, "signer": s.signer_cn, "time": time_iso, "level": s.level, "valid": s.valid,
            "indication": s.indication, "sub_indication": s.sub_indication, "advice": s.advice_vi,
            "reasons": reasons, "summary": summary}


def report_words(report: VerificationReport) -> dict[str, Any]:
    """A whole file's verification for a page: ``{valid, items: [signature_words ...]}``."""
    return {"valid": report.valid, "items": [signature_words(s) for s in report.signatures]}
