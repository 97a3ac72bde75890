"""The verification report: one entry per signature, a verdict, JSON and text in Vietnamese or English."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any, Literal

Revocation = Literal["good", "revoked", "unknown", "not_checked"]

_LABELS: dict[str, dict[str, str]] = {
    "vi": {
        "file": "Tệp", "valid": "HỢP LỆ", "invalid": "KHÔNG HỢP LỆ", "signature": "Chữ ký",
        "timestamp_sig": "Dấu thời gian tài liệu", "signer": "Ký bởi", "intact": "Nội dung đã ký nguyên vẹn",
        "coverage": "Phạm vi", "modifications": "Thay đổi sau khi ký", "docmdp": "DocMDP cho phép",
        "chain": "Chuỗi chứng thư đến gốc tin cậy", "revocation": "Tình trạng thu hồi",
        "timestamp": "Dấu thời gian", "level": "Mức PAdES",
        "validated_at": "Thẩm định tại thời điểm", "signing_time": "Thời gian ký (khai báo)",
        "yes": "có", "no": "không", "none": "không có", "problems": "Vấn đề", "count": "Số chữ ký",
        "good": "còn hiệu lực", "revoked": "ĐÃ BỊ THU HỒI", "unknown": "không xác định",
        "not_checked": "chưa kiểm tra",
    },
    "en": {
        "file": "File", "valid": "VALID", "invalid": "INVALID", "signature": "Signature",
        "timestamp_sig": "Document timestamp", "signer": "Signed by", "intact": "Signed bytes intact",
        "coverage": "Coverage", "modifications": "Changes after signing", "docmdp": "Allowed by DocMDP",
        "chain": "Chain to a trust root", "revocation": "Revocation status",
        "timestamp": "Timestamp", "level": "PAdES level",
        "validated_at": "Judged as of", "signing_time": "Signing time (claimed)",
        "yes": "yes", "no": "no", "none": "none", "problems": "Problems", "count": "Signatures",
        "good": "good", "revoked": "REVOKED", "unknown": "unknown", "not_checked": "not checked",
    },
}


@dataclass(frozen=True)
class SignatureReport:
    """What was found about one signature or document timestamp.

    Attributes:
        field: the signature field's name.
        kind: ``signature`` or ``doc_timestamp``.
        signer: the signer's (or TSA's) certificate subject.
        signer_cn: its common name.
        intact: the signed bytes hash to what the signature says.
        crypto_valid: the signature value verifies with the certificate's key.
        coverage: ``entire_file``, ``entire_revision`` or ``partial``.
        modifications: what changed after this signature: ``none``, ``lta_updates``,
            ``form_filling``, ``annotations`` or ``other``.
        docmdp_ok: those changes are allowed (by DocMDP and the default policy).
        trusted: the certificate chains to a configured trust root.
        revocation: ``good``, ``revoked``, ``unknown`` or ``not_checked``.
        signing_time: the time the signer claims (ISO 8601).
        timestamp_time: the time of the signature's timestamp token, if any.
        timestamp_ok: that token is intact, valid and trusted (``None`` without one).
        level: the PAdES level reached: ``B-B``, ``B-T``, ``B-LT``, ``B-LTA`` (or ``-``).
        offline: judged from the data the file carries, without network.
        validation_time: the time the chain was judged at: now, or the time of the
            signature's timestamp for an archived file whose certificates have
            expired or whose revocation answers have gone stale since.
        problems: short English codes of what is wrong.
        valid: the verdict for this signature.
    """

    field: str
    kind: Literal["signature", "doc_timestamp"]
    signer: str
    signer_cn: str
    intact: bool
    crypto_valid: bool
    coverage: str
    modifications: str
    docmdp_ok: bool
    trusted: bool
    revocation: Revocation
    signing_time: str | None
    timestamp_time: str | None
    timestamp_ok: bool | None
    level: str
    offline: bool
    validation_time: str | None
    problems: tuple[str, ...]
    valid: bool


@dataclass(frozen=True)
class VerificationReport:
    """The verification of a whole file.

    Attributes:
        signatures: one entry per signature and document timestamp, in file order.
        lang: the language of :meth:`to_text`.
    """

    signatures: tuple[SignatureReport, ...]
    lang: str = "vi"

    @property
    def valid(self) -> bool:
        """The file carries at least one signature and every one of them is valid."""
        return bool(self.signatures) and all(s.valid for s in self.signatures)

    def to_dict(self) -> dict[str, Any]:
        """The report as plain data."""
        return {"valid": self.valid, "signatures": [asdict(s) for s in self.signatures]}

    def to_json(self) -> str:
        """The report as JSON (``sohoa verify --json``)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    def to_text(self, lang: str | None = None) -> str:
        """The report for a person, in Vietnamese (``vi``) or English (``en``)."""
        t = _LABELS.get(lang or self.lang, _LABELS["vi"])
        lines = [f"{t['count']}: {len(self.signatures)} — {t['valid'] if self.valid else t['invalid']}"]
        for i, s in enumerate(self.signatures, 1):
            lines += _entry(i, s, t)
        return "\n".join(lines)


def _yn(value: bool | None, t: dict[str, str]) -> str:
    return t["none"] if value is None else t["yes"] if value else t["no"]


def _entry(i: int, s: SignatureReport, t: dict[str, str]) -> list[str]:
    title = t["signature"] if s.kind == "signature" else t["timestamp_sig"]
    lines = [
        "",
        f"{title} {i} ({s.field}): {t['valid'] if s.valid else t['invalid']}",
        f"  {t['signer']}: {s.signer_cn}",
        f"  {t['intact']}: {_yn(s.intact and s.crypto_valid, t)}",
        f"  {t['coverage']}: {s.coverage}",
        f"  {t['modifications']}: {s.modifications} ({t['docmdp']}: {_yn(s.docmdp_ok, t)})",
        f"  {t['chain']}: {_yn(s.trusted, t)}",
        f"  {t['revocation']}: {t[s.revocation]}",
        f"  {t['signing_time']}: {s.signing_time or t['none']}",
        f"  {t['timestamp']}: {s.timestamp_time or t['none']}"
        + ("" if s.timestamp_ok is None else f" ({_yn(s.timestamp_ok, t)})"),
        f"  {t['level']}: {s.level}",
        f"  {t['validated_at']}: {s.validation_time or t['none']}",
    ]
    if s.problems:
        lines.append(f"  {t['problems']}: {', '.join(s.problems)}")
    return lines
