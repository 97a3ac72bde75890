"""Verify every signature and document timestamp of a PDF with pyHanko, offline first.

For each signature: are the signed bytes intact, does it cover the whole file
or what changed after it (and may it, by DocMDP and pyHanko's diff policy),
who signed, does the chain reach a configured trust root, is the certificate
revoked, what does the timestamp say, and which PAdES level is reached. A file
that carries its revocation data (B-LT and up) is judged from that data alone,
without network (as of its timestamps once that data has gone stale, see
:mod:`pipeline.verify._checker`); only what is missing is fetched, and only
when allowed.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESIndeterminate
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature

from pipeline.sign._loop import LoopThread
from pipeline.sign._trust import load_certs
from pipeline.verify._checker import Checker, Judged, proofs_of_existence
from pipeline.verify._report import Revocation, SignatureReport, VerificationReport
from schemas.errors import ErrorCode, VerificationError
from schemas.settings import SignSettings, VerifySettings

_VN = ZoneInfo("Asia/Ho_Chi_Minh")
_UNKNOWN_REVOCATION = {AdESIndeterminate.TRY_LATER, AdESIndeterminate.REVOCATION_OUT_OF_BOUNDS_NO_POE}
#: a certificate of the chain is outside its validity at the time judged, with no proof of existence before
_EXPIRED = AdESIndeterminate.OUT_OF_BOUNDS_NO_POE


def _open(data: bytes) -> PdfFileReader:
    if b"%PDF-" not in data[:1024]:
        raise VerificationError("the file is not a PDF", code=ErrorCode.NOT_A_PDF)
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        if reader.encrypted:
            raise VerificationError("the PDF is encrypted", code=ErrorCode.ENCRYPTED_PDF)
        _ = reader.embedded_signatures
    except (PdfError, ValueError, KeyError, TypeError, IndexError) as e:
        raise VerificationError(f"the PDF is damaged: {e}", code=ErrorCode.CORRUPT_PDF) from e
    return reader


def _iso(moment: datetime | None) -> str | None:
    # times read as the decree wants them: ISO 8601 in Vietnam's zone (+07:00)
    return moment.astimezone(_VN).isoformat(timespec="seconds") if moment is not None else None


def _revocation(status: Any, checked: bool) -> Revocation:
    if status.revoked:
        return "revoked"
    if status.trusted:
        return "good" if checked else "not_checked"
    return "unknown" if status.trust_problem_indic in _UNKNOWN_REVOCATION else "not_checked"


def _level(sig: EmbeddedPdfSignature, status: Any, later: list[EmbeddedPdfSignature], has_dss: bool,
           offline: bool) -> str:
    if sig.sig_object_type == "/DocTimeStamp":
        return "-"
    later_ts = any(s.sig_object_type == "/DocTimeStamp" for s in later)
    if status.timestamp_validity is None and not later_ts:
        return "B-B"
    if not (has_dss and offline and status.trusted):
        return "B-T"
    return "B-LTA" if later_ts else "B-LT"


def _problems(status: Any, ts_ok: bool | None, revocation: Revocation) -> tuple[str, ...]:
    expired = not status.trusted and status.trust_problem_indic == _EXPIRED
    checks = [
        (not status.intact, "bytes_changed"),
        (not status.valid, "signature_value_invalid"),
        (not status.trusted and not expired and revocation not in ("revoked", "unknown"), "untrusted_chain"),
        (expired, "certificate_expired"),
        (not status.trusted and revocation == "unknown", "revocation_unavailable"),
        (revocation == "revoked", "certificate_revoked"),
        (status.docmdp_ok is False, "disallowed_changes_after_signing"),
        (ts_ok is False, "timestamp_invalid"),
    ]
    return tuple(code for failed, code in checks if failed)


def _entry(sig: EmbeddedPdfSignature, judged: Judged, *, later: list[EmbeddedPdfSignature],
           has_dss: bool) -> SignatureReport:
    doc_ts = sig.sig_object_type == "/DocTimeStamp"
    status = judged.status
    cert = sig.signer_cert
    ts = status if doc_ts else status.timestamp_validity
    ts_ok = None if ts is None else bool(ts.intact and ts.valid and ts.trusted)
    revocation = _revocation(status, judged.checked)
    problems = _problems(status, ts_ok, revocation)
    modification = status.modification_level
    coverage = status.coverage
    return SignatureReport(
        field=sig.field_name,
        kind="doc_timestamp" if doc_ts else "signature",
        signer=cert.subject.human_friendly,
        signer_cn=str(cert.subject.native.get("common_name", "")),
        intact=bool(status.intact),
        crypto_valid=bool(status.valid),
        coverage=coverage.name.lower() if coverage is not None else "unclear",
        modifications=modification.name.lower() if modification is not None else "none",
        docmdp_ok=status.docmdp_ok is not False,
        trusted=bool(status.trusted),
        revocation=revocation,
        signing_time=None if doc_ts else _iso(sig.self_reported_timestamp),
        timestamp_time=_iso(ts.timestamp) if ts is not None else None,
        timestamp_ok=ts_ok,
        level=_level(sig, status, later, has_dss, judged.offline),
        offline=judged.offline,
        validation_time=_iso(judged.at or datetime.now(UTC)),
        problems=problems,
        valid=not problems,
    )


async def _verify_all(checker: Checker) -> list[SignatureReport]:
    sigs = list(checker.reader.embedded_signatures)
    out: list[SignatureReport] = []
    try:
        for i, (sig, poe) in enumerate(zip(sigs, proofs_of_existence(sigs), strict=True)):
            try:
                judged = await checker.status(sig, poe)
            except (SignatureValidationError, ValueError, KeyError) as e:
                out.append(_broken(sig, str(e)))
                continue
            out.append(_entry(sig, judged, later=sigs[i + 1:], has_dss=checker.dss is not None))
    finally:
        await checker.backend.close()  # type: ignore[no-untyped-call]
    return out


def _broken(sig: EmbeddedPdfSignature, reason: str) -> SignatureReport:
    return SignatureReport(
        field=sig.field_name, kind="signature", signer="?", signer_cn="?", intact=False, crypto_valid=False,
        coverage="unclear", modifications="other", docmdp_ok=False, trusted=False, revocation="not_checked",
        signing_time=None, timestamp_time=None, timestamp_ok=None, level="-", offline=True,
        validation_time=None, problems=("unreadable_signature", reason[:120]), valid=False,
    )


def verify_pdf(
    data: bytes, *, cfg: VerifySettings | SignSettings, lang: str = "vi", now: datetime | None = None
) -> VerificationReport:
    """Verify every signature and document timestamp in ``data``.

    Args:
        data: the PDF.
        cfg: verification settings (trust roots, whether fetching is allowed); signing
            settings work too (their trust roots, fetching allowed).
        lang: language of the report's text (``vi`` or ``en``).
        now: the validation time (frozen-time tests, or "as of" checks); default the clock.

    Returns:
        The report; ``report.valid`` is false when any signature is invalid or there is none.

    Raises:
        VerificationError: ``not_a_pdf``, ``corrupt_pdf``, ``encrypted_pdf``.
        ConfigError: an unreadable trust root file.
    """
    reader = _open(data)
    roots = load_certs(cfg.trust_roots)
    allow = cfg.allow_fetching if isinstance(cfg, VerifySettings) else True
    checker = Checker(reader, roots, allow, cfg.revocation_timeout_s, now)
    loop = LoopThread("sohoa-verify")
    try:
        entries = loop.run(_verify_all(checker))
    finally:
        loop.close()
    return VerificationReport(signatures=tuple(entries), lang=lang)
