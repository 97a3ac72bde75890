"""``sohoa ingest`` as functions: upload and enqueue, wait for the outcome, and report it as JSON."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from schemas.documents import DigitizeResult
from schemas.errors import ErrorCode, SohoaError
from store import Store, Uploaded
from store.records import SYSTEM_WORKER, ComponentView, Principal, find_duplicates, get_component, get_document
from workers._dispatch import Dispatcher


def ingest_files(
    store: Store, dispatcher: Dispatcher, paths: Sequence[Path], *, citizen: str, by: Principal,
    dossier: str | None = None, procedure: str | None = None,
) -> list[Uploaded]:
    """Upload each file, record it as a component, and hand it to the workers.

    A file already handed in for the same dossier is not uploaded as a second
    component; if it is still ``pending`` it is enqueued again (safe: the jobs are idempotent).

    Raises:
        SohoaError: the first file that cannot be taken in (bad codes, S3/database/broker down).
    """
    taken = []
    for path in paths:
        uploaded = store.upload_component(path, citizen=citizen, by=by, dossier=dossier, procedure=procedure)
        if uploaded.created or uploaded.component.status == "pending":
            dispatcher.digitize(uploaded.component.id)
        taken.append(uploaded)
    return taken


def wait_for(store: Store, component_ids: Sequence[str], *, timeout_s: float,
             poll_s: float = 0.5, by: Principal = SYSTEM_WORKER) -> list[ComponentView]:
    """Poll until every component is ``extracted`` or ``failed`` (or ``timeout_s`` passes).

    Args:
        by: who asks (only the components' status is read, nothing personal).
    """
    deadline = time.monotonic() + timeout_s
    while True:
        with store.records.transaction() as session:
            views = [get_component(session, by, cid) for cid in component_ids]
        if all(v.done for v in views) or time.monotonic() >= deadline:
            return views
        time.sleep(poll_s)


def report(store: Store, component: ComponentView, *, by: Principal) -> dict[str, Any]:
    """The ``digitize --json`` object of a component, plus its record ids, status and duplicates."""
    if component.result is not None:
        out = DigitizeResult.model_validate(component.result).to_json()
    else:
        out = {"file": component.file_name, "sha256": component.scan_sha256, "error": None}
    if component.status == "failed":
        out["error"] = {"code": component.last_error_code, "message": component.last_error_message,
                        "detail": {}}
    elif not component.done:
        out["error"] = SohoaError("still being processed", code=ErrorCode.CONFLICT).to_dict()
    duplicates: dict[str, dict[str, Any]] = {}
    with store.records.transaction() as session:
        for doc_id in component.document_ids:
            doc = get_document(session, by, doc_id)
            for hit in find_duplicates(session, by, component.citizen, sha256=component.scan_sha256,
                                       key_hash=doc.key_hash, exclude=component.document_ids):
                duplicates.setdefault(hit.document_id, hit.to_json())
    out.update(record_id=component.document_ids[0] if component.document_ids else None,
               record_ids=list(component.document_ids), component_id=component.id, status=component.status,
               attempts=component.attempts, citizen=component.citizen, ma_ho_so=component.ma_ho_so,
               duplicates=list(duplicates.values()))
    return out

