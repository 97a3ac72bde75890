"""Keep archived files verifiable: a fresh document timestamp before the last one's certificate expires.

A B-LTA file stays verifiable as long as its last document timestamp does;
before the TSA certificate behind it expires, we add the validation data of
that timestamp to the DSS and cover everything with a new document timestamp
(PAdES-LTA renewal, ETSI EN 319 142-1 §5.5).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.signers.pdf_signer import PdfTimeStamper
from pyhanko_certvalidator.fetchers.aiohttp_fetchers import AIOHttpFetcherBackend

from pipeline.sign._loop import LoopThread
from pipeline.sign._signer import make_timestamper
from pipeline.sign._trust import load_certs, validation_context
from schemas.errors import ErrorCode, InputError, SigningError
from schemas.settings import SignSettings


@dataclass(frozen=True)
class RenewalCheck:
    """Whether a file's last timestamp needs renewing.

    Attributes:
        has_timestamp: the file carries a document or signature timestamp at all.
        expires: when the certificate of the last timestamp's TSA expires.
        due: it expires within the threshold.
    """

    has_timestamp: bool
    expires: datetime | None
    due: bool


def check_renewal(data: bytes, *, within: timedelta, now: datetime | None = None) -> RenewalCheck:
    """Find the last timestamp of ``data`` and whether its TSA certificate expires within ``within``.

    Raises:
        InputError: ``corrupt_pdf`` for an unreadable file.
    """
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        sigs = reader.embedded_signatures
    except (PdfError, ValueError, KeyError) as e:
        raise InputError(f"the PDF is damaged: {e}", code=ErrorCode.CORRUPT_PDF) from e
    expires: datetime | None = None
    for sig in reversed(sigs):
        token = sig.signed_data if sig.sig_object_type == "/DocTimeStamp" else sig.attached_timestamp_data
        if token is None:
            continue
        certs = [c.chosen for c in token["certificates"]]
        tsa = [c for c in certs if "time_stamping" in (c.extended_key_usage_value.native
                                                       if c.extended_key_usage_value else [])]
        if tsa:
            expires = tsa[0]["tbs_certificate"]["validity"]["not_after"].native
            break
    moment = now or datetime.now(UTC)
    return RenewalCheck(has_timestamp=expires is not None, expires=expires,
                        due=expires is not None and expires - moment <= within)


def renew_archive_timestamp(data: bytes, *, cfg: SignSettings, now: datetime | None = None) -> bytes:
    """Add the last timestamp's validation data and a new document timestamp to ``data``.

    Args:
        data: a B-LTA (or B-LT with a timestamp) PDF.
        cfg: signing settings (TSA URL and timeout, trust roots, revocation timeout).
        now: the time the last timestamp is validated at (frozen-time tests); default the clock.

    Returns:
        The renewed PDF.

    Raises:
        SigningError: the last timestamp cannot be validated, or the TSA failed.
        InputError: ``corrupt_pdf``.
    """
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
    except (PdfError, ValueError) as e:
        raise InputError(f"the PDF is damaged: {e}", code=ErrorCode.CORRUPT_PDF) from e
    roots = load_certs(cfg.trust_roots)
    if cfg.key_source == "dev" and cfg.dev_pki_dir is not None and not roots:
        roots = load_certs([cfg.dev_pki_dir / "certs" / "root.cert.pem"])
    loop = LoopThread("sohoa-renew")
    backend = AIOHttpFetcherBackend(per_request_timeout=cfg.revocation_timeout_s)
    stamper = PdfTimeStamper(make_timestamper(cfg, session=backend.session))
    try:
        context = validation_context(roots=roots, backend=backend, moment=now)
        out = io.BytesIO()
        loop.run(stamper.async_update_archival_timestamp_chain(reader, context, in_place=False, output=out))
    except Exception as e:
        raise SigningError(f"cannot renew the archive timestamp: {e}", code=ErrorCode.SIGNING_FAILED) from e
    finally:
        loop.run(backend.close())  # type: ignore[no-untyped-call]
        loop.close()
    return out.getvalue()
