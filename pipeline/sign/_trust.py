"""Certificates, trust roots and the validation context shared by signing and verification.

Before a key signs, its certificate is checked: in its validity period, meant
for signing (digitalSignature or nonRepudiation), chained to a trust root and
not revoked (the issuer's OCSP responder or CRL is asked). Each failure has
its own stable code.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path

from asn1crypto import pem, x509
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator import errors as cv_errors
from pyhanko_certvalidator.fetchers.aiohttp_fetchers import AIOHttpFetcherBackend

from schemas.errors import ConfigError, ErrorCode, SigningError

#: the key usages either of which makes a certificate fit for document signatures
SIGNING_KEY_USAGES = frozenset({"digital_signature", "non_repudiation"})


def load_certs(paths: Iterable[Path]) -> list[x509.Certificate]:
    """Every certificate in the given PEM or DER files.

    Raises:
        ConfigError: ``config_invalid`` for a missing or unreadable file.
    """
    out: list[x509.Certificate] = []
    for path in paths:
        try:
            data = path.read_bytes()
            if pem.detect(data):
                out += [x509.Certificate.load(der) for _, _, der in pem.unarmor(data, multiple=True)]
            else:
                out.append(x509.Certificate.load(data))
        except (OSError, ValueError) as e:
            raise ConfigError(f"cannot read trust root {path}", code=ErrorCode.CONFIG_INVALID,
                              detail={"file": str(path)}) from e
    return out


def validation_context(
    *,
    roots: list[x509.Certificate],
    others: Iterable[x509.Certificate] = (),
    allow_fetching: bool = True,
    timeout_s: float = 10.0,
    moment: datetime | None = None,
    hard_fail: bool = True,
    backend: AIOHttpFetcherBackend | None = None,
) -> ValidationContext:
    """A pyHanko validation context trusting ``roots`` (fetching over aiohttp when allowed).

    Pass ``backend`` to own (and close) the HTTP session it fetches with.
    """
    if allow_fetching and backend is None:
        backend = AIOHttpFetcherBackend(per_request_timeout=timeout_s)
    return ValidationContext(
        trust_roots=roots,
        other_certs=list(others),
        allow_fetching=allow_fetching,
        revocation_mode="hard-fail" if hard_fail else "soft-fail",
        fetcher_backend=backend if allow_fetching else None,
        moment=moment,
        time_tolerance=timedelta(seconds=30),
    )


def _fail(message: str, code: ErrorCode, e: Exception, subject: str) -> SigningError:
    err = SigningError(message, code=code, detail={"subject": subject, "reason": str(e)})
    err.__cause__ = e
    return err


async def check_signing_cert(
    cert: x509.Certificate, chain: Iterable[x509.Certificate], context: ValidationContext
) -> None:
    """Check ``cert`` is fit to sign now; revocation is asked of its issuer's services.

    Raises:
        SigningError: ``cert_expired``, ``cert_not_yet_valid``, ``cert_revoked``,
            ``cert_not_for_signing``, ``cert_untrusted``, ``revocation_unavailable``
            or ``weak_algorithm``.
    """
    subject = cert.subject.human_friendly
    usage = set(cert.key_usage_value.native) if cert.key_usage_value is not None else set()
    if not usage & SIGNING_KEY_USAGES:
        raise SigningError(f"the certificate of {subject} is not for signing (key usage {sorted(usage)})",
                           code=ErrorCode.CERT_NOT_FOR_SIGNING, detail={"subject": subject})
    validator = CertificateValidator(cert, intermediate_certs=list(chain), validation_context=context)
    try:
        await validator.async_validate_path()
    except cv_errors.RevokedError as e:
        raise _fail(f"the certificate of {subject} is revoked", ErrorCode.CERT_REVOKED, e, subject) from e
    except cv_errors.ExpiredError as e:
        raise _fail(f"the certificate of {subject} has expired", ErrorCode.CERT_EXPIRED, e, subject) from e
    except cv_errors.NotYetValidError as e:
        raise _fail(f"the certificate of {subject} is not valid yet", ErrorCode.CERT_NOT_YET_VALID,
                    e, subject) from e
    except cv_errors.InsufficientRevinfoError as e:
        raise _fail(f"no revocation status for {subject}", ErrorCode.REVOCATION_UNAVAILABLE, e, subject) from e
    except cv_errors.DisallowedAlgorithmError as e:
        raise _fail(f"weak algorithm in the chain of {subject}", ErrorCode.WEAK_ALGORITHM, e, subject) from e
    except (cv_errors.PathBuildingError, cv_errors.PathValidationError) as e:
        raise _fail(f"the certificate of {subject} does not chain to a trust root", ErrorCode.CERT_UNTRUSTED,
                    e, subject) from e
