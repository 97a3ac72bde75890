"""The verification report: one entry per signature, ETSI verdicts, the changes after signing, JSON and text."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any, Literal

Revocation = Literal["good", "revoked", "unknown", "not_checked"]

_LABELS: dict[str, dict[str, str]] = {
    "vi": {
        "valid": "HỢP LỆ", "invalid": "KHÔNG HỢP LỆ", "signature": "Chữ ký",
        "timestamp_sig": "Dấu thời gian tài liệu", "signer": "Ký bởi", "intact": "Nội dung đã ký nguyên vẹn",
        "coverage": "Phạm vi", "modifications": "Thay đổi sau khi ký", "docmdp": "được phép",
        "chain": "Chuỗi chứng thư", "trusted": "đến gốc tin cậy", "revocation": "Tình trạng thu hồi",
        "timestamp": "Dấu thời gian", "level": "Mức PAdES", "verdict": "Kết luận (ETSI EN 319 102-1)",
        "validated_at": "Thẩm định tại thời điểm", "signing_time": "Thời gian ký (khai báo)",
        "yes": "có", "no": "không", "none": "không có", "problems": "Vấn đề", "count": "Số chữ ký",
        "good": "còn hiệu lực", "revoked": "ĐÃ BỊ THU HỒI", "unknown": "không xác định",
        "not_checked": "chưa kiểm tra", "unsigned": "Ô chữ ký chưa ký", "allowed": "được phép",
        "not_allowed": "KHÔNG được phép", "notes": "Ghi chú",
    },
    "en": {
        "valid": "VALID", "invalid": "INVALID", "signature": "Signature",
        "timestamp_sig": "Document timestamp", "signer": "Signed by", "intact": "Signed bytes intact",
        "coverage": "Coverage", "modifications": "Changes after signing", "docmdp": "allowed",
        "chain": "Certificate chain", "trusted": "to a trust root", "revocation": "Revocation status",
        "timestamp": "Timestamp", "level": "PAdES level", "verdict": "Verdict (ETSI EN 319 102-1)",
        "validated_at": "Judged as of", "signing_time": "Signing time (claimed)",
        "yes": "yes", "no": "no", "none": "none", "problems": "Problems", "count": "Signatures",
        "good": "good", "revoked": "REVOKED", "unknown": "unknown", "not_checked": "not checked",
        "unsigned": "Empty signature fields", "allowed": "allowed", "not_allowed": "NOT allowed", "notes": "Notes",
    },
}


@dataclass(frozen=True)
class ChangeReport:
    """One change made after a signature.

    Attributes:
        kind: what kind of change (``form_filled``, ``page_added``, ``page_resource_changed`` …).
        what: the change in words.
        pages: 1-based pages it touches.
        objects: objects it touches (``12 0 R``).
        allowed: allowed by the signature's DocMDP/FieldMDP and the PAdES rules.
    """

    kind: str
    what: str
    pages: tuple[int, ...]
    objects: tuple[str, ...]
    allowed: bool


@dataclass(frozen=True)
class SignatureReport:
    """What was found about one signature or document timestamp.

    Attributes:
        field: the signature field's fully qualified name.
        kind: ``signature`` or ``doc_timestamp``.
        subfilter: the dictionary's ``/SubFilter`` (``ETSI.CAdES.detached`` …).
        signer: the signer's (or TSA's) certificate subject.
        signer_cn: its common name.
        intact: the signed bytes hash to what the signature says.
        crypto_valid: the signature value verifies with the certificate's key.
        digest_algorithm: the digest of the signed bytes.
        signature_algorithm: the signature scheme.
        coverage: ``entire_file``, ``entire_revision`` or ``unclear``.
        modifications: the highest kind of change after it: ``none``, ``lta_updates``,
            ``form_filling``, ``annotations`` or ``other``.
        docmdp_ok: every change after it is allowed.
        changes: each change after it, named, placed and judged.
        trusted: the certificate chains to a configured trust root.
        chain: common names from the signer to the root, or as far as the chain was found.
        chain_missing_issuer: the issuer the chain stopped for want of (``None``: none missing).
        revocation: ``good``, ``revoked``, ``unknown`` or ``not_checked``.
        signing_time: the time the signer claims (ISO 8601).
        timestamp_time: the time of the signature's timestamp token, if any.
        timestamp_ok: that token is intact, valid and trusted (``None`` without one).
        level: the PAdES level reached: ``B-B``, ``B-T``, ``B-LT``, ``B-LTA`` (or ``-``).
        offline: judged from the data the file carries, without network.
        validation_time: the time the chain was judged at.
        reason: the signature's ``/Reason``.
        indication: ``TOTAL_PASSED``, ``TOTAL_FAILED`` or ``INDETERMINATE`` (ETSI EN 319 102-1).
        sub_indication: why, when not passed (``HASH_FAILURE``, ``NO_CERTIFICATE_CHAIN_FOUND`` …).
        advice_vi: the verdict in one sentence an officer can act on, in Vietnamese.
        advice_en: the same in English.
        problems: short English codes of what is wrong.
        valid: the verdict is ``TOTAL_PASSED``.
    """

    field: str
    kind: Literal["signature", "doc_timestamp"]
    subfilter: str
    signer: str
    signer_cn: str
    intact: bool
    crypto_valid: bool
    digest_algorithm: str
    signature_algorithm: str
    coverage: str
    modifications: str
    docmdp_ok: bool
    changes: tuple[ChangeReport, ...]
    trusted: bool
    chain: tuple[str, ...]
    chain_missing_issuer: str | None
    revocation: Revocation
    signing_time: str | None
    timestamp_time: str | None
    timestamp_ok: bool | None
    level: str
    offline: bool
    validation_time: str | None
    reason: str | None
    indication: str
    sub_indication: str | None
    advice_vi: str
    advice_en: str
    problems: tuple[str, ...]
    valid: bool


@dataclass(frozen=True)
class VerificationReport:
    """The verification of a whole file.

    Attributes:
        signatures: one entry per signature and document timestamp, in signing order.
        unsigned_fields: names of the signature fields nobody has signed.
        indication: the file's ETSI indication: the worst of its signatures'
            (``INDETERMINATE`` / ``SIGNED_DATA_NOT_FOUND`` without any).
        sub_indication: its sub-indication.
        encrypted: the file is encrypted with permissions only (it opened without a password).
        notes: what the verifier could not look at, in English (too many fields …).
        lang: the language of :meth:`to_text`.
    """

    signatures: tuple[SignatureReport, ...]
    unsigned_fields: tuple[str, ...] = ()
    indication: str = "INDETERMINATE"
    sub_indication: str | None = "SIGNED_DATA_NOT_FOUND"
    encrypted: bool = False
    notes: tuple[str, ...] = ()
    lang: str = "vi"

    @property
    def valid(self) -> bool:
        """The file carries at least one signature and every one of them is ``TOTAL_PASSED``."""
        return bool(self.signatures) and all(s.valid for s in self.signatures)

    def to_dict(self) -> dict[str, Any]:
        """The report as plain data."""
        data = asdict(self)
        data["valid"] = self.valid
        data.pop("lang")
        return {"valid": data.pop("valid"), **data}

    def to_json(self) -> str:
        """The report as JSON (``sohoa verify --json`` prints it on one line)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    def to_text(self, lang: str | None = None) -> str:
        """The report for a person, in Vietnamese (``vi``) or English (``en``)."""
        lang = lang if lang in _LABELS else self.lang if self.lang in _LABELS else "vi"
        t = _LABELS[lang]
        lines = [f"{t['count']}: {len(self.signatures)} — {t['valid'] if self.valid else t['invalid']} "
                 f"({self.indication}{'/' + self.sub_indication if self.sub_indication else ''})"]
        for i, s in enumerate(self.signatures, 1):
            lines += _entry(i, s, t, lang)
        if self.unsigned_fields:
            lines += ["", f"{t['unsigned']}: {', '.join(self.unsigned_fields)}"]
        if self.notes:
            lines += ["", f"{t['notes']}: {'; '.join(self.notes)}"]
        return "\n".join(lines)


def _yn(value: bool | None, t: dict[str, str]) -> str:
    return t["none"] if value is None else t["yes"] if value else t["no"]


def _entry(i: int, s: SignatureReport, t: dict[str, str], lang: str) -> list[str]:
    title = t["signature"] if s.kind == "signature" else t["timestamp_sig"]
    verdict = s.indication + (f"/{s.sub_indication}" if s.sub_indication else "")
    chain = " → ".join(s.chain) + (f" → ? ({s.chain_missing_issuer})" if s.chain_missing_issuer else "")
    lines = [
        "",
        f"{title} {i} ({s.field}): {t['valid'] if s.valid else t['invalid']}",
        f"  {t['verdict']}: {verdict}",
        f"  {s.advice_vi if lang == 'vi' else s.advice_en}",
        f"  {t['signer']}: {s.signer_cn}",
        f"  {t['intact']}: {_yn(s.intact and s.crypto_valid, t)}",
        f"  {t['coverage']}: {s.coverage}",
        f"  {t['modifications']}: {s.modifications} ({t['docmdp']}: {_yn(s.docmdp_ok, t)})",
    ]
    lines += [f"    - {c.what}{' (p. ' + ','.join(map(str, c.pages)) + ')' if c.pages else ''}: "
              f"{t['allowed'] if c.allowed else t['not_allowed']}" for c in s.changes if c.kind != "lta_update"]
    lines += [
        f"  {t['chain']}: {chain} ({t['trusted']}: {_yn(s.trusted, t)})",
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
