"""The contract every other package speaks: domain models, error codes, settings."""

from schemas.documents import (
    DOC_TYPE_FIELDS,
    METADATA_FIELDS,
    BBox,
    ComponentResult,
    DigitizeResult,
    DocType,
    ErrorInfo,
    FieldValue,
    Metadata,
    PageInfo,
)
from schemas.errors import ErrorCode, SohoaError

__all__ = [
    "DOC_TYPE_FIELDS",
    "METADATA_FIELDS",
    "BBox",
    "ComponentResult",
    "DigitizeResult",
    "DocType",
    "ErrorCode",
    "ErrorInfo",
    "FieldValue",
    "Metadata",
    "PageInfo",
    "SohoaError",
]
