"""Intake: citizens, dossiers and the components (files) handed in for them."""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from schemas.codes import dossier_code_ok, procedure_code_ok
from schemas.errors import ConflictError, ErrorCode, InputError, NotFoundError
from store.objects import StoredObject
from store.records._access import (
    check_citizen_write,
    check_component,
    check_dossier,
    dossier_agency,
    find_dossier,
    require_role,
)
from store.records._audit import audit
from store.records._models import Citizen, Component, Document, Dossier, utcnow
from store.records._types import ComponentStatus, Origin, Principal
from store.records._views import ComponentView, component_view

_PERSON_ID = re.compile(r"^\d{12}$")
_TAX_CODE = re.compile(r"^\d{10}(-\d{3})?$")  # enterprise / tax code (and a branch's)
_ORG_CODE = re.compile(r"^[0-9A-Z][0-9A-Z.]{2,19}$")  # agency codes (Decision 20/2020)


def check_owner_id(ma_dinh_danh: str) -> str:
    """``person`` for a 12-digit personal id, ``organization`` for an enterprise or tax code.

    Raises:
        InputError: ``invalid_id_number``.
    """
    if _PERSON_ID.match(ma_dinh_danh):
        return "person"
    if _TAX_CODE.match(ma_dinh_danh) or (_ORG_CODE.match(ma_dinh_danh) and not ma_dinh_danh.isdigit()):
        return "organization"
    raise InputError("not a personal id number (12 digits) nor an organization code",
                     code=ErrorCode.INVALID_ID_NUMBER, detail={"value": ma_dinh_danh})


def ensure_citizen(session: Session, by: Principal, ma_dinh_danh: str, *, ho_ten: str | None = None) -> Citizen:
    """The citizen (or organization) with this id, created on first sight (by an officer or the system).

    Raises:
        InputError: ``invalid_id_number``.
        AccessDenied: a role that does not take files in.
    """
    kind = check_owner_id(ma_dinh_danh)
    require_role(by, "officer", "resolution_system")
    row = session.scalar(select(Citizen).where(Citizen.ma_dinh_danh == ma_dinh_danh))
    if row is None:
        row = Citizen(ma_dinh_danh=ma_dinh_danh, kind=kind, ho_ten=ho_ten, created_at=utcnow())
        session.add(row)
        session.flush()
        audit(session, by, "create", "citizen", row.id, citizen=ma_dinh_danh)
    elif ho_ten and not row.ho_ten:
        row.ho_ten = ho_ten
    return row


def find_citizen(session: Session, ma_dinh_danh: str) -> Citizen:
    """The citizen with this id.

    Raises:
        NotFoundError: nobody with this id is in the store.
    """
    row = session.scalar(select(Citizen).where(Citizen.ma_dinh_danh == ma_dinh_danh))
    if row is None:
        raise NotFoundError("no such citizen in the store", detail={"ma_dinh_danh": ma_dinh_danh})
    return row


def check_codes(ma_ho_so: str | None, ma_tthc: str | None) -> None:
    """Refuse a malformed dossier code (or one with an impossible date) and a malformed procedure code.

    Raises:
        InputError: ``invalid_dossier_code`` / ``invalid_procedure_code``.
    """
    if ma_ho_so is not None and not dossier_code_ok(ma_ho_so):
        raise InputError("not a dossier code (Circular 01/2018 Art. 19)",
                         code=ErrorCode.INVALID_DOSSIER_CODE, detail={"ma_ho_so": ma_ho_so})
    if ma_tthc is not None and not procedure_code_ok(ma_tthc):
        raise InputError("not a procedure code", code=ErrorCode.INVALID_PROCEDURE_CODE,
                         detail={"ma_tthc": ma_tthc})


def ensure_dossier(
    session: Session, by: Principal, citizen: Citizen, ma_ho_so: str, ma_tthc: str | None = None
) -> Dossier:
    """The dossier with this code, created on first sight; its codes are checked and never changed.

    Raises:
        InputError: ``invalid_dossier_code`` / ``invalid_procedure_code``.
        ConflictError: the code belongs to another citizen or another procedure.
        AccessDenied: the dossier's agency is not one ``by`` acts for.
    """
    check_codes(ma_ho_so, ma_tthc)
    row = session.scalar(select(Dossier).where(Dossier.ma_ho_so == ma_ho_so))
    if row is None:
        row = Dossier(ma_ho_so=ma_ho_so, ma_tthc=ma_tthc, citizen_id=citizen.id, results_issued=0,
                      co_quan_tiep_nhan=dossier_agency(ma_ho_so), created_by=str(by), created_at=utcnow())
        check_dossier(by, row, write=True)
        session.add(row)
        session.flush()
        audit(session, by, "create", "dossier", row.id, citizen=citizen.ma_dinh_danh, ma_ho_so=ma_ho_so)
        return row
    check_dossier(by, row, write=True)
    if row.citizen_id != citizen.id:
        raise ConflictError("this dossier belongs to another citizen", detail={"ma_ho_so": ma_ho_so})
    if ma_tthc and row.ma_tthc and ma_tthc != row.ma_tthc:
        raise ConflictError("this dossier was received for another procedure",
                            detail={"ma_ho_so": ma_ho_so, "ma_tthc": row.ma_tthc})
    if ma_tthc and not row.ma_tthc:
        row.ma_tthc = ma_tthc
    return row


def add_component(
    session: Session,
    by: Principal,
    *,
    citizen: Citizen,
    dossier: Dossier | None,
    file_name: str,
    scan: StoredObject,
) -> tuple[ComponentView, bool]:
    """Register an uploaded file as a pending component; the same file for the same dossier is one.

    Returns:
        the component, and whether it was created now (``False``: it was handed in before).

    Raises:
        AccessDenied: not an officer of the dossier's agency (or, with no dossier, one who may
            file in this citizen's store).
    """
    if dossier is not None:
        require_role(by, "officer")
        check_dossier(by, dossier, write=True)
    else:
        check_citizen_write(session, by, citizen)
    scope = f"dossier:{dossier.id}" if dossier else f"citizen:{citizen.id}"
    ingest_key = f"{scope}:{scan.sha256}"
    row = session.scalar(select(Component).where(Component.ingest_key == ingest_key))
    created = row is None
    if row is None:
        now = utcnow()
        row = Component(
            citizen_id=citizen.id, dossier_id=dossier.id if dossier else None, ingest_key=ingest_key,
            file_name=file_name[:255], content_type=scan.content_type, size_bytes=scan.size,
            scan_key=scan.key, scan_sha256=scan.sha256, origin=Origin.SCANNED,
            status=ComponentStatus.PENDING, attempts=0, submitted_by=str(by), created_at=now,
            updated_at=now,
        )
        session.add(row)
        session.flush()
        audit(session, by, "ingest", "component", row.id, citizen=citizen.ma_dinh_danh,
              file=file_name, sha256=scan.sha256, ma_ho_so=dossier.ma_ho_so if dossier else None)
    return component_view_of(session, row), created


def get_component(session: Session, by: Principal, component_id: str) -> ComponentView:
    """A component and its status (not audited: see :func:`read_component` for its content).

    Raises:
        NotFoundError: no such component.
        AccessDenied: another agency's dossier, another citizen's component.
    """
    row = component_row(session, component_id)
    check_component(session, by, row)
    return component_view_of(session, row)


def component_row(session: Session, component_id: str, *, lock: bool = False,
                  with_owner: bool = False) -> Component:
    """The component row (``with_owner``: its citizen and dossier loaded in the same query).

    Raises:
        NotFoundError: no such component.
    """
    if with_owner and not lock:
        found = session.execute(component_with_owner(component_id)).first()
        if found is None:
            raise NotFoundError("no such component", detail={"component_id": component_id})
        # the identity map holds rows weakly: keep the owner and dossier alive for the checks that follow
        session.info.setdefault("sohoa_loaded", []).extend(found[1:])
        return found[0]
    query = select(Component).where(Component.id == component_id)
    row = session.scalar(query.with_for_update() if lock else query)
    if row is None:
        raise NotFoundError("no such component", detail={"component_id": component_id})
    return row


def component_with_owner(component_id: str) -> Select[Component, Citizen, Dossier]:
    """The component with its citizen and its dossier (``NULL`` columns when it has none), one row."""
    return (select(Component, Citizen, Dossier).join(Citizen, Citizen.id == Component.citizen_id)
            .outerjoin(Dossier, Dossier.id == Component.dossier_id).where(Component.id == component_id))


def list_components(
    session: Session, by: Principal, *, dossier: str | None = None, status: str | None = None, limit: int = 1000
) -> list[ComponentView]:
    """Components, oldest first, optionally of one dossier (by code) and in one status.

    Raises:
        AccessDenied: a dossier of another agency; with no dossier, anyone but the system.
    """
    query = select(Component).order_by(Component.created_at, Component.id).limit(limit)
    if dossier is not None:
        check_dossier(by, find_dossier(session, dossier))
        query = query.join(Dossier, Dossier.id == Component.dossier_id).where(Dossier.ma_ho_so == dossier)
    else:
        require_role(by)
    if status is not None:
        query = query.where(Component.status == status)
    return [component_view_of(session, row) for row in session.scalars(query)]


def component_view_of(session: Session, row: Component, *,
                      documents: list[Document] | None = None) -> ComponentView:
    """The view of a component row, with its owner, dossier code and documents.

    Args:
        documents: every version of its documents, when the caller already read them.
    """
    citizen = session.get(Citizen, row.citizen_id)
    dossier = session.get(Dossier, row.dossier_id) if row.dossier_id else None
    if documents is not None and not row.reuses_document_id:
        doc_ids: tuple[str, ...] = first_versions(documents)
    elif row.reuses_document_id:
        doc_ids = (row.reuses_document_id,)
    elif row.status != ComponentStatus.EXTRACTED:
        doc_ids = ()  # documents are written with the final status, in one transaction
    else:
        doc_ids = tuple(session.scalars(
            select(Document.id).where(Document.component_id == row.id, Document.version == 1)
            .order_by(Document.page_start)
        ))
    return component_view(row, citizen=citizen.ma_dinh_danh if citizen else "",
                          ma_ho_so=dossier.ma_ho_so if dossier else None, document_ids=doc_ids)


def first_versions(documents: Sequence[Document]) -> tuple[str, ...]:
    """The ids a component's view lists: the first version of each of its documents, in page order."""
    return tuple(d.id for d in sorted((d for d in documents if d.version == 1), key=lambda d: d.page_start))
