"""The one error tree of sohoa: every failure a caller can see has a stable code.

The API maps :class:`SohoaError` to an HTTP status and a body
``{"error": {"code", "message", "detail"}}`` in one handler; workers decide
whether to retry from :attr:`SohoaError.retryable`. Codes are part of the
public contract: add new ones, never rename or reuse old ones.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    """Stable, machine-readable error codes (snake_case, never renamed)."""

    # input files (ingest)
    EMPTY_FILE = "empty_file"
    FILE_TOO_LARGE = "file_too_large"
    UNSUPPORTED_TYPE = "unsupported_type"
    TYPE_MISMATCH = "type_mismatch"  # the bytes are not what the file name says
    CORRUPT_IMAGE = "corrupt_image"
    TRUNCATED_IMAGE = "truncated_image"
    IMAGE_TOO_LARGE = "image_too_large"  # pixel limit: decompression bombs
    CORRUPT_PDF = "corrupt_pdf"
    ENCRYPTED_PDF = "encrypted_pdf"
    TOO_MANY_PAGES = "too_many_pages"
    DIGEST_MISMATCH = "digest_mismatch"  # a file's bytes or length are not what its part declared (Repr-Digest)
    FILE_NOT_FOUND = "file_not_found"
    INGEST_TIMEOUT = "ingest_timeout"  # reading one file ran past IngestSettings.timeout_s
    NO_TEXT = "no_text"  # nothing legible was read from the file (blank, black, or unreadable pages)
    # engines
    OCR_FAILED = "ocr_failed"
    OCR_TIMEOUT = "ocr_timeout"
    ENGINE_MISSING = "engine_missing"
    # models and catalogs
    MODEL_MISSING = "model_missing"
    MODEL_STALE = "model_stale"
    MODEL_CORRUPT = "model_corrupt"
    # validation of values and codes
    INVALID_VALUE = "invalid_value"
    INVALID_DOSSIER_CODE = "invalid_dossier_code"
    INVALID_PROCEDURE_CODE = "invalid_procedure_code"
    INVALID_ID_NUMBER = "invalid_id_number"
    REQUESTER_MISMATCH = "requester_mismatch"  # a body names a requester other than the token's principal
    # signing and verification
    NOT_A_PDF = "not_a_pdf"
    PDF_LOCKED = "pdf_locked"  # certified with "no changes allowed"
    CERT_EXPIRED = "cert_expired"
    CERT_NOT_YET_VALID = "cert_not_yet_valid"
    CERT_REVOKED = "cert_revoked"
    CERT_NOT_FOR_SIGNING = "cert_not_for_signing"
    CERT_UNTRUSTED = "cert_untrusted"
    REVOCATION_UNAVAILABLE = "revocation_unavailable"
    KEY_UNAVAILABLE = "key_unavailable"
    WRONG_PIN = "wrong_pin"
    WEAK_ALGORITHM = "weak_algorithm"
    TSA_UNAVAILABLE = "tsa_unavailable"
    TSA_TIMEOUT = "tsa_timeout"
    LEVEL_UNREACHABLE = "level_unreachable"  # a level needing a timestamp (B-T and up) with no TSA configured
    SIGNING_FAILED = "signing_failed"
    SIGNATURE_INVALID = "signature_invalid"
    PASSWORD_REQUIRED = "password_required"  # the PDF opens only with a password
    VERIFY_TIMEOUT = "verify_timeout"  # verifying one file ran past VerifySettings.timeout_s
    # storage, records, queue
    STORAGE_UNAVAILABLE = "storage_unavailable"
    DATABASE_UNAVAILABLE = "database_unavailable"
    BROKER_UNAVAILABLE = "broker_unavailable"
    PORTAL_UNAVAILABLE = "portal_unavailable"  # the national portal did not answer, or refused the login
    INTEGRITY_ERROR = "integrity_error"  # stored bytes no longer match their SHA-256
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    RECORD_LOCKED = "record_locked"  # a confirmed record is never edited in place
    JOB_TIMEOUT = "job_timeout"  # a worker job ran past its time limit
    JOB_LOST = "job_lost"  # a component's job vanished or kept dying; given up on by the sweeper
    # access
    UNAUTHENTICATED = "unauthenticated"
    FORBIDDEN = "forbidden"
    # HTTP requests (the API)
    REQUEST_TOO_LARGE = "request_too_large"  # a body over the configured limit (413)
    RATE_LIMITED = "rate_limited"  # too many requests for this token (429, with Retry-After)
    IDEMPOTENCY_CONFLICT = "idempotency_conflict"  # an Idempotency-Key reused for another request
    PRECONDITION_FAILED = "precondition_failed"  # If-Match names another version (412)
    METHOD_NOT_ALLOWED = "method_not_allowed"
    CALLBACK_NOT_ALLOWED = "callback_not_allowed"  # a callback URL outside the allow-list
    CALLBACK_FAILED = "callback_failed"  # a callback answered with an error, timed out or was unreachable
    REGISTRY_UNAVAILABLE = "registry_unavailable"  # the population registry could not be asked (check skipped)
    # configuration
    CONFIG_INVALID = "config_invalid"
    INSECURE_CONFIG = "insecure_config"
    INTERNAL = "internal"


class SohoaError(Exception):
    """Base of every error sohoa raises on purpose.

    Args:
        message: one sentence for a person (officer, integrator, operator).
        code: overrides the class default code.
        detail: machine-readable context (file name, limit, page …).
    """

    code: ErrorCode = ErrorCode.INTERNAL
    retryable: bool = False

    def __init__(
        self,
        message: str,
        *,
        code: ErrorCode | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.detail: dict[str, Any] = dict(detail or {})

    def to_dict(self) -> dict[str, Any]:
        """The error as the JSON body the API and ``--json`` output use."""
        return {"code": str(self.code), "message": self.message, "detail": self.detail}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!s}: {self.message})"


class InputError(SohoaError):
    """The input itself is bad: retrying will not help."""

    code = ErrorCode.INVALID_VALUE


class LimitExceeded(InputError):
    """The input is over a configured limit (bytes, pages, pixels)."""

    code = ErrorCode.FILE_TOO_LARGE


class EngineError(SohoaError):
    """An outside engine (tesseract, OpenCV, qpdf …) failed or is missing."""

    code = ErrorCode.OCR_FAILED


class ModelError(SohoaError):
    """A trained model artifact is missing, stale or corrupt."""

    code = ErrorCode.MODEL_MISSING


class SigningError(SohoaError):
    """Signing could not be done (certificate, key, PDF, TSA)."""

    code = ErrorCode.SIGNING_FAILED


class VerificationError(SohoaError):
    """A file could not be verified at all (not: a signature is invalid)."""

    code = ErrorCode.SIGNATURE_INVALID


class TransientError(SohoaError):
    """An outside service is unreachable or timed out: worth retrying later."""

    code = ErrorCode.STORAGE_UNAVAILABLE
    retryable = True


class NotFoundError(SohoaError):
    """The record or object asked for does not exist (or is not yours)."""

    code = ErrorCode.NOT_FOUND


class ConflictError(SohoaError):
    """The request contradicts the current state of a record."""

    code = ErrorCode.CONFLICT


class AccessDenied(SohoaError):
    """The caller may not do this."""

    code = ErrorCode.FORBIDDEN


class ConfigError(SohoaError):
    """The configuration is invalid or insecure for this environment."""

    code = ErrorCode.CONFIG_INVALID
