"""The per-citizen data store (Kho quản lý dữ liệu điện tử): SQLAlchemy 2, PostgreSQL or SQLite.

Every repository function takes an open session (``with records.transaction() as s:``)
and the acting :class:`Principal`, so callers compose them in one transaction
and the audit log records who did what.
"""

from store.records._audit import audit, audit_trail
from store.records._build import SignatureInput
from store.records._claims import claim_objects, referenced_keys
from store.records._db import database_url, make_engine
from store.records._documents import (
    add_signature,
    confirm_document,
    correct_document,
    get_document,
    history,
    issue_result,
    list_documents,
    revoke_document,
)
from store.records._fold import fold, key_hash
from store.records._intake import add_component, ensure_citizen, ensure_dossier, get_component, list_components
from store.records._migrate import check_current, current_revision, head_revision, upgrade
from store.records._progress import begin_processing, complete_component, record_failure, sweep_stale
from store.records._reuse import attach_to_dossier, find_duplicates, search_documents, valid_documents
from store.records._store import RecordStore, open_records
from store.records._types import (
    SYSTEM_WORKER,
    ComponentStatus,
    DocumentKind,
    DocumentStatus,
    Origin,
    Principal,
)
from store.records._views import AuditView, ComponentView, DocumentView, DuplicateHit, SignatureView

__all__ = [
    "SYSTEM_WORKER",
    "AuditView",
    "ComponentStatus",
    "ComponentView",
    "DocumentKind",
    "DocumentStatus",
    "DocumentView",
    "DuplicateHit",
    "Origin",
    "Principal",
    "RecordStore",
    "SignatureInput",
    "SignatureView",
    "add_component",
    "add_signature",
    "attach_to_dossier",
    "audit",
    "audit_trail",
    "begin_processing",
    "check_current",
    "claim_objects",
    "complete_component",
    "confirm_document",
    "correct_document",
    "current_revision",
    "database_url",
    "ensure_citizen",
    "ensure_dossier",
    "find_duplicates",
    "fold",
    "get_component",
    "get_document",
    "head_revision",
    "history",
    "issue_result",
    "key_hash",
    "list_components",
    "list_documents",
    "make_engine",
    "open_records",
    "record_failure",
    "referenced_keys",
    "revoke_document",
    "search_documents",
    "sweep_stale",
    "upgrade",
    "valid_documents",
]
