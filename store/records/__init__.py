"""The per-citizen data store (Kho quản lý dữ liệu điện tử): SQLAlchemy 2, PostgreSQL or SQLite.

Every repository function takes an open session (``with records.transaction() as s:``)
and the acting :class:`Principal`, so callers compose them in one transaction
and the audit log records who did what.
"""

from store.records._access import Scope, citizen_scope, dossier_agency, require_role
from store.records._audit import (
    READ_ACTIONS,
    access_log,
    acting_in,
    audit,
    audit_log,
    audit_trail,
    current_request_id,
)
from store.records._browse import browse_documents
from store.records._build import SignatureInput
from store.records._claims import claim_objects, referenced_keys
from store.records._components import (
    FileRef,
    Variant,
    component_file,
    confirm_component,
    correct_component,
    document_file,
    read_component,
)
from store.records._consents import ConsentView, grant_consent, list_consents, revoke_consent
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
from store.records._dossiers import dossier_for_intake, get_dossier, list_dossiers, open_dossier
from store.records._fold import fold, key_hash
from store.records._idempotency import Replay, claim_key, complete_key, purge_keys, release_key
from store.records._intake import (
    add_component,
    ensure_citizen,
    ensure_dossier,
    find_citizen,
    get_component,
    list_components,
)
from store.records._jobs import (
    RESULT_DOC_TYPE,
    CallbackAttemptView,
    ResultJobView,
    begin_result_job,
    callback_attempts,
    callback_due,
    check_result_request,
    create_result_job,
    fail_result_job,
    finish_result_job,
    get_result_job,
    record_callback_attempt,
    stale_jobs,
)
from store.records._migrate import check_current, current_revision, head_revision, upgrade
from store.records._progress import (
    OWNER_MISMATCH,
    begin_processing,
    complete_component,
    last_taken,
    record_failure,
    sweep_stale,
)
from store.records._reuse import attach_to_dossier, find_duplicates, search_documents, valid_documents
from store.records._store import RecordStore, open_records
from store.records._types import (
    ROLES,
    SYSTEM_WORKER,
    ComponentStatus,
    DocumentKind,
    DocumentStatus,
    Origin,
    Principal,
    Role,
)
from store.records._views import AuditView, ComponentView, DocumentView, DossierView, DuplicateHit, SignatureView

__all__ = [
    "OWNER_MISMATCH",
    "READ_ACTIONS",
    "RESULT_DOC_TYPE",
    "ROLES",
    "SYSTEM_WORKER",
    "AuditView",
    "CallbackAttemptView",
    "ComponentStatus",
    "ComponentView",
    "ConsentView",
    "DocumentKind",
    "DocumentStatus",
    "DocumentView",
    "DossierView",
    "DuplicateHit",
    "FileRef",
    "Origin",
    "Principal",
    "RecordStore",
    "Replay",
    "ResultJobView",
    "Role",
    "Scope",
    "SignatureInput",
    "SignatureView",
    "Variant",
    "access_log",
    "acting_in",
    "add_component",
    "add_signature",
    "attach_to_dossier",
    "audit",
    "audit_log",
    "audit_trail",
    "begin_processing",
    "begin_result_job",
    "browse_documents",
    "callback_attempts",
    "callback_due",
    "check_current",
    "check_result_request",
    "citizen_scope",
    "claim_key",
    "claim_objects",
    "complete_component",
    "complete_key",
    "component_file",
    "confirm_component",
    "confirm_document",
    "correct_component",
    "correct_document",
    "create_result_job",
    "current_request_id",
    "current_revision",
    "database_url",
    "document_file",
    "dossier_agency",
    "dossier_for_intake",
    "ensure_citizen",
    "ensure_dossier",
    "fail_result_job",
    "find_citizen",
    "find_duplicates",
    "finish_result_job",
    "fold",
    "get_component",
    "get_document",
    "get_dossier",
    "get_result_job",
    "grant_consent",
    "head_revision",
    "history",
    "issue_result",
    "key_hash",
    "last_taken",
    "list_components",
    "list_consents",
    "list_documents",
    "list_dossiers",
    "make_engine",
    "open_dossier",
    "open_records",
    "purge_keys",
    "read_component",
    "record_callback_attempt",
    "record_failure",
    "referenced_keys",
    "release_key",
    "require_role",
    "revoke_consent",
    "revoke_document",
    "search_documents",
    "stale_jobs",
    "sweep_stale",
    "upgrade",
    "valid_documents",
]
