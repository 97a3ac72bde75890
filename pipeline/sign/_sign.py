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
from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.signers.pdf_signer import PdfSignatureMetadata, PdfSigner, PdfSigningSession
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko.sign.validation.pdf_embedded import read_certification_data

from pipeline.sign._appearance import build_stamp, field_spec, stamp_values
from pipeline.sign._meta import LEVELS, Appearance, Level, SignMeta
from pipeline.sign._signer import Signer
from schemas.errors import ErrorCode, InputError, SigningError, SohoaError, TransientError
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


def _refuse_new_visible_field(reader: PdfFileReader, field_name: str) -> None:
    # after a certification, a new visible field breaks it (PDF 2.0 §12.8.2.2, pyHanko's diff policy):
    # refuse rather than write a file whose certification no longer verifies
    if read_certification_data(reader) is None:
        return
    empty = sorted(name for name, _, _ in fields.enumerate_sig_fields(reader, filled_status=False))
    raise InputError(
        f"the PDF is certified: a visible signature may only fill one of its empty signature fields "
        f"({', '.join(empty) or 'there are none'}), not add {field_name}",
        code=ErrorCode.PDF_LOCKED, detail={"empty_fields": empty},
    )


def _new_field_name(reader: PdfFileReader, kind: str, also_taken: Iterable[str] = ()) -> str:
    taken = {name for name, _, _ in fields.enumerate_sig_fields(reader)} | set(also_taken)
    n = 1
    while f"Sig_{kind}_{n}" in taken:
        n += 1
    return f"Sig_{kind}_{n}"


def _field_name(reader: PdfFileReader, kind: Appearance, meta: SignMeta) -> tuple[str, bool]:
    """The field to sign in, and whether it exists already (prepared empty by an earlier signer)."""
    empty = [name for name, _, _ in fields.enumerate_sig_fields(reader, filled_status=False)]
    if meta.field_name:
        return meta.field_name, meta.field_name in empty
    prepared = sorted(name for name in empty if name.startswith(f"Sig_{kind}_"))
    if prepared and kind != "none":
        return prepared[0], True
    return _new_field_name(reader, "certify" if meta.certify and kind == "none" else kind), False


def _prepare_fields(writer: IncrementalPdfFileWriter, meta: SignMeta, cfg: SignSettings, own: str) -> None:
    # empty fields for later signers, written in this signature's revision
    names = {own}
    for kind in meta.empty_fields:
        name = _new_field_name(writer.prev, kind, names)
        names.add(name)
        defaults = SignMeta()
        fields.append_signature_field(writer, field_spec(writer.prev, kind=kind, meta=defaults, cfg=cfg,
                                                         field_name=name))


def signing_time(cfg: SignSettings, now: datetime | None) -> datetime:
    """The signing time in the configured zone (Asia/Ho_Chi_Minh, +07:00), to the second."""
    zone = ZoneInfo(cfg.timezone)
    return (now.astimezone(zone) if now is not None else datetime.now(zone)).replace(microsecond=0)


def _metadata(signer: Signer, level: Level, meta: SignMeta, field_name: str, *, cfg: SignSettings,
              moment: datetime | None) -> PdfSignatureMetadata:
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
        validation_context=signer.context(cfg, moment) if long_term else None,
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


def check_level(level: str, cfg: SignSettings) -> Level:
    """``level``, when ``cfg`` can reach it: a level is never quietly lowered.

    Args:
        level: the PAdES level asked for.
        cfg: the signing settings (the TSA URL).

    Returns:
        The level, typed.

    Raises:
        InputError: ``invalid_value`` for an unknown level.
        SigningError: ``level_unreachable`` for B-T or more with no TSA configured.
    """
    if level not in LEVELS:
        raise InputError(f"unknown PAdES level {level}", code=ErrorCode.INVALID_VALUE,
                         detail={"level": level, "levels": list(LEVELS)})
    if level != "B-B" and not cfg.tsa_url:
        raise SigningError(
            f"a {level} signature needs an RFC 3161 timestamp and no TSA is configured (SOHOA_SIGN__TSA_URL); "
            "nothing was signed (a lower level is never used instead)",
            code=ErrorCode.LEVEL_UNREACHABLE, detail={"level": level, "setting": "SOHOA_SIGN__TSA_URL"},
        )
    return level  # type: ignore[return-value]  # one of LEVELS, checked above


async def _sign(data: bytes, *, signer: Signer, level: Level, appearance: Appearance, meta: SignMeta,
                cfg: SignSettings, now: datetime | None) -> bytes:
    check_level(level, cfg)
    writer = open_for_signing(data)
    if cfg.precheck:
        await signer.precheck(cfg, now)
    when = signing_time(cfg, now)
    field_name, existing = _field_name(writer.prev, appearance, meta)
    if not existing and (appearance != "none" or meta.empty_fields):
        _refuse_new_visible_field(writer.prev, field_name)
    stamp = build_stamp(writer.prev, kind=appearance, meta=meta, cfg=cfg, field_name=field_name,
                        values=stamp_values(signer.cert, meta, when, signer.role))
    pdf_signer = _ClockedPdfSigner(
        _metadata(signer, level, meta, field_name, cfg=cfg, moment=now), signer.backend,
        timestamper=signer.timestamper(cfg) if level != "B-B" else None,
        stamp_style=stamp.style, new_field_spec=None if existing else stamp.field, system_time=when,
    )
    try:
        _prepare_fields(writer, meta, cfg, field_name)
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
        InputError: ``not_a_pdf``, ``corrupt_pdf``, ``encrypted_pdf``, ``pdf_locked`` (certified
            "no changes", or certified and the signature would add a visible field).
        SigningError: certificate refused (``cert_*``, ``revocation_unavailable``), signing failed, or
            ``level_unreachable`` (B-T or more with no TSA configured: never signed at a lower level).
        TransientError: ``tsa_unavailable`` / ``tsa_timeout`` (worth retrying).
        ConfigError: missing font or images.
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
