"""Sign a PDF with PAdES (B-B, B-T, B-LT, B-LTA), assembled from parts: signer, metadata, field, timestamper, stamp.

Each signature is an incremental update, so earlier signatures stay valid
(officer → signer → agency seal). The input is checked first (a PDF, readable,
not encrypted, not certified "no changes"), then the signer's certificate
(validity, key usage, revocation), and only a complete signed file is
returned: a failure anywhere leaves nothing half written.
"""

from __future__ import annotations

import asyncio
import io
from datetime import datetime
from zoneinfo import ZoneInfo

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.signers.pdf_signer import PdfSignatureMetadata, PdfSigner, PdfSigningSession
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko.sign.validation.pdf_embedded import read_certification_data

from pipeline.sign._appearance import build_stamp, stamp_values
from pipeline.sign._meta import LEVELS, Appearance, Level, SignMeta
from pipeline.sign._signer import Signer
from schemas.errors import ConfigError, ErrorCode, InputError, SigningError, SohoaError, TransientError
from schemas.settings import SignSettings

_DOCMDP = {"no_changes": fields.MDPPerm.NO_CHANGES, "fill_forms": fields.MDPPerm.FILL_FORMS,
           "annotate": fields.MDPPerm.ANNOTATE}
#: room for the CMS container (hex, so twice its DER size); fixed to skip pyHanko's dry-run signature
_RESERVED = {"B-B": 24_000, "B-T": 48_000, "B-LT": 48_000, "B-LTA": 48_000}


class _ClockedPdfSigner(PdfSigner):
    """pyHanko's PDF signer with the signing time given by us (+07:00), not the host's zone."""

    def __init__(self, *args: object, system_time: datetime, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._system_time = system_time

    def init_signing_session(self, pdf_out: object, existing_fields_only: bool = False) -> PdfSigningSession:
        session = super().init_signing_session(pdf_out, existing_fields_only)  # type: ignore[arg-type]
        session.system_time = self._system_time
        return session


def open_for_signing(data: bytes) -> IncrementalPdfFileWriter:
    """An incremental writer over ``data``, refusing what must not be signed.

    Raises:
        InputError: ``not_a_pdf``, ``corrupt_pdf``, ``encrypted_pdf``, ``pdf_locked``.
    """
    if b"%PDF-" not in data[:1024]:
        raise InputError("the file is not a PDF", code=ErrorCode.NOT_A_PDF)
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
        reader = writer.prev
        encrypted = reader.encrypted
        _ = reader.root["/Pages"]["/Count"]
    except (PdfError, ValueError, KeyError, TypeError, IndexError) as e:
        raise InputError(f"the PDF is damaged: {e}", code=ErrorCode.CORRUPT_PDF) from e
    if encrypted:
        raise InputError("the PDF is encrypted; decrypt it before signing", code=ErrorCode.ENCRYPTED_PDF)
    _refuse_locked(reader)
    return writer


def _refuse_locked(reader: PdfFileReader) -> None:
    try:
        info = read_certification_data(reader)
    except (PdfError, ValueError, KeyError) as e:
        raise InputError(f"the PDF's signatures are damaged: {e}", code=ErrorCode.CORRUPT_PDF) from e
    if info is not None and info.permission == fields.MDPPerm.NO_CHANGES:
        raise InputError("the PDF is certified with 'no changes allowed'", code=ErrorCode.PDF_LOCKED)


def _field_name(reader: PdfFileReader, kind: Appearance, meta: SignMeta) -> str:
    if meta.field_name:
        return meta.field_name
    taken = {name for name, _, _ in fields.enumerate_sig_fields(reader)}
    n = 1
    while f"Sig_{kind}_{n}" in taken:
        n += 1
    return f"Sig_{kind}_{n}"


def signing_time(cfg: SignSettings, now: datetime | None) -> datetime:
    """The signing time in the configured zone (Asia/Ho_Chi_Minh, +07:00), to the second."""
    zone = ZoneInfo(cfg.timezone)
    return (now.astimezone(zone) if now is not None else datetime.now(zone)).replace(microsecond=0)


def make_timestamper(cfg: SignSettings) -> HTTPTimeStamper:
    """The RFC 3161 client for ``cfg.tsa_url`` with a bounded timeout.

    Raises:
        ConfigError: no TSA configured.
    """
    if not cfg.tsa_url:
        raise ConfigError("a timestamp is needed but SOHOA_SIGN__TSA_URL is not set",
                          code=ErrorCode.CONFIG_INVALID)
    return HTTPTimeStamper(cfg.tsa_url, timeout=cfg.tsa_timeout_s)


def _metadata(signer: Signer, level: Level, meta: SignMeta, field_name: str, cfg: SignSettings
              ) -> PdfSignatureMetadata:
    long_term = level in ("B-LT", "B-LTA")
    return PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        reason=meta.reason,
        location=meta.location,
        contact_info=meta.contact,
        name=meta.name,
        subfilter=fields.SigSeedSubFilter.PADES,
        certify=meta.certify,
        docmdp_permissions=_DOCMDP[meta.docmdp],
        embed_validation_info=long_term,
        use_pades_lta=level == "B-LTA",
        validation_context=signer.context(cfg) if long_term else None,
        signer_key_usage={"non_repudiation"} if "non_repudiation" in _usage(signer) else {"digital_signature"},
    )


def _usage(signer: Signer) -> set[str]:
    value = signer.cert.key_usage_value
    return set(value.native) if value is not None else set()


def _causes(e: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    cur: BaseException | None = e
    while cur is not None and len(chain) < 20:
        chain.append(cur)
        cur = cur.__cause__ or cur.__context__
    return chain


def _translate(e: Exception, cfg: SignSettings) -> SohoaError:
    causes = _causes(e)
    err: SohoaError
    if any(isinstance(c, TimeoutError | asyncio.TimeoutError) for c in causes):
        err = TransientError(f"the TSA did not answer within {cfg.tsa_timeout_s} s",
                             code=ErrorCode.TSA_TIMEOUT, detail={"tsa": cfg.tsa_url})
    elif any(isinstance(c, TimestampRequestError) for c in causes):
        err = TransientError(f"the TSA is unavailable: {causes[-1]}",
                             code=ErrorCode.TSA_UNAVAILABLE, detail={"tsa": cfg.tsa_url})
    elif "certif" in str(e).lower() and "mdp" in str(e).lower():
        err = InputError(str(e), code=ErrorCode.PDF_LOCKED)
    else:
        err = SigningError(f"signing failed: {e}", code=ErrorCode.SIGNING_FAILED)
    err.__cause__ = e
    return err


async def _sign(data: bytes, *, signer: Signer, level: Level, appearance: Appearance, meta: SignMeta,
                cfg: SignSettings, now: datetime | None) -> bytes:
    if level not in LEVELS:
        raise InputError(f"unknown PAdES level {level}", code=ErrorCode.INVALID_VALUE)
    writer = open_for_signing(data)
    if cfg.precheck:
        await signer.precheck(cfg)
    when = signing_time(cfg, now)
    field_name = _field_name(writer.prev, appearance, meta)
    stamp = build_stamp(writer.prev, kind=appearance, meta=meta, cfg=cfg, field_name=field_name,
                        values=stamp_values(signer.cert, meta, when, signer.role))
    pdf_signer = _ClockedPdfSigner(
        _metadata(signer, level, meta, field_name, cfg), signer.backend,
        timestamper=make_timestamper(cfg) if level != "B-B" else None,
        stamp_style=stamp.style, new_field_spec=stamp.field, system_time=when,
    )
    try:
        out = await pdf_signer.async_sign_pdf(writer, bytes_reserved=_RESERVED[level],
                                              appearance_text_params=stamp.params)
    except SohoaError:
        raise
    except (PyHankoSigningError, TimestampRequestError, TimeoutError, PdfError, OSError, ValueError) as e:
        raise _translate(e, cfg) from e
    return bytes(out.getbuffer())


def sign_pdf(
    data: bytes,
    *,
    signer: Signer,
    level: Level = "B-T",
    appearance: Appearance = "scan",
    meta: SignMeta | None = None,
    cfg: SignSettings,
    now: datetime | None = None,
) -> bytes:
    """Sign ``data`` with PAdES at ``level``, as an incremental update.

    Args:
        data: the PDF.
        signer: from :func:`load_signer` (loaded once, reused).
        level: ``B-B``, ``B-T`` (+ RFC 3161 timestamp), ``B-LT`` (+ revocation data in the
            DSS), ``B-LTA`` (+ document timestamp).
        appearance: ``scan``, ``result``, ``seal``, ``copy`` or ``none`` (invisible).
        meta: reason, names, certification and placement.
        cfg: signing settings (TSA, fonts, boxes, images).
        now: the signing time (tests freeze it); default the clock, in +07:00.

    Returns:
        The signed PDF.

    Raises:
        InputError: ``not_a_pdf``, ``corrupt_pdf``, ``encrypted_pdf``, ``pdf_locked``.
        SigningError: certificate refused (``cert_*``, ``revocation_unavailable``) or signing failed.
        TransientError: ``tsa_unavailable`` / ``tsa_timeout`` (worth retrying).
        ConfigError: missing TSA URL, font or images.
    """
    return signer.loop.run(_sign(data, signer=signer, level=level, appearance=appearance,
                                 meta=meta or SignMeta(), cfg=cfg, now=now))


async def async_sign_pdf(
    data: bytes,
    *,
    signer: Signer,
    level: Level = "B-T",
    appearance: Appearance = "scan",
    meta: SignMeta | None = None,
    cfg: SignSettings,
    now: datetime | None = None,
) -> bytes:
    """:func:`sign_pdf` for an event loop (the API): the work runs on the signer's own loop.

    Args:
        data: the PDF.
        signer: from :func:`load_signer`.
        level: the PAdES level.
        appearance: the stamp kind.
        meta: reason, names, certification and placement.
        cfg: signing settings.
        now: the signing time; default the clock.

    Returns:
        The signed PDF.

    Raises:
        SohoaError: as :func:`sign_pdf`.
    """
    return await signer.loop.run_async(_sign(data, signer=signer, level=level, appearance=appearance,
                                             meta=meta or SignMeta(), cfg=cfg, now=now))


def sign_result(
    data: bytes,
    *,
    signer: Signer,
    agency: Signer,
    level: Level = "B-LTA",
    meta: SignMeta | None = None,
    cfg: SignSettings,
    now: datetime | None = None,
) -> bytes:
    """Sign an electronic result as Decree 30/2020 wants: the competent person, then the agency seal.

    Both are approval signatures: pyHanko's diff policy judges the seal's visible
    appearance, added after a certification signature, a disallowed change, so a
    certification (``SignMeta(certify=True)``) is left to callers that add no
    visible signature after it.

    Args:
        data: the result PDF.
        signer: the competent person's signer (signature image and name).
        agency: the agency's signer (red seal over the left third of the signature).
        level: the PAdES level of both signatures.
        meta: title, name, reason.
        cfg: signing settings (images, boxes).
        now: the signing time.

    Returns:
        The PDF with both signatures.

    Raises:
        SohoaError: as :func:`sign_pdf`.
    """
    meta = meta or SignMeta()
    person = SignMeta(**{**meta.__dict__, "certify": False})
    signed = sign_pdf(data, signer=signer, level=level, appearance="result", meta=person, cfg=cfg, now=now)
    seal = SignMeta(reason=meta.reason, location=meta.location, agency=meta.agency)
    return sign_pdf(signed, signer=agency, level=level, appearance="seal", meta=seal, cfg=cfg, now=now)
