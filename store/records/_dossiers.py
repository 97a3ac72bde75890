"""Dossiers: opened by an officer of the receiving agency, read with their components, listed per agency."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from schemas.errors import ConflictError
from store.records._access import check_dossier, dossier_agency, find_dossier, require_role
from store.records._audit import audit
from store.records._intake import check_codes, check_owner_id, component_view_of, ensure_citizen, ensure_dossier
from store.records._models import Citizen, Component, Dossier
from store.records._types import Principal
from store.records._views import ComponentView, DossierView, dossier_view


def open_dossier(session: Session, by: Principal, *, ma_ho_so: str, so_dinh_danh: str,
                 ma_tthc: str | None = None) -> DossierView:
    """Open a new dossier for a citizen (created in the store on first sight).

    Raises:
        InputError: a malformed code or id.
        ConflictError: a dossier with this code exists.
        AccessDenied: not an officer of the agency at the head of the code.
    """
    require_role(by, "officer")
    check_codes(ma_ho_so, ma_tthc)
    check_owner_id(so_dinh_danh)
    if session.scalar(select(Dossier.id).where(Dossier.ma_ho_so == ma_ho_so)) is not None:
        raise ConflictError("a dossier with this code exists", detail={"ma_ho_so": ma_ho_so})
    probe = Dossier(ma_ho_so=ma_ho_so, co_quan_tiep_nhan=dossier_agency(ma_ho_so))
    check_dossier(by, probe, write=True)
    citizen = ensure_citizen(session, by, so_dinh_danh)
    row = ensure_dossier(session, by, citizen, ma_ho_so, ma_tthc)
    return dossier_view(row, citizen=citizen.ma_dinh_danh)


def get_dossier(session: Session, by: Principal, ma_ho_so: str) -> tuple[DossierView, list[ComponentView]]:
    """A dossier and its components, oldest first (the read is audited).

    Raises:
        NotFoundError: no such dossier.
        AccessDenied: a dossier of another agency, or of another citizen.
    """
    row = find_dossier(session, ma_ho_so)
    check_dossier(by, row)
    citizen = session.get(Citizen, row.citizen_id)
    assert citizen is not None
    comps = session.scalars(select(Component).where(Component.dossier_id == row.id)
                            .order_by(Component.created_at, Component.id))
    views = [component_view_of(session, c) for c in comps]
    audit(session, by, "read_dossier", "dossier", row.id, citizen=citizen.ma_dinh_danh, dossier=ma_ho_so)
    return dossier_view(row, citizen=citizen.ma_dinh_danh), views


def list_dossiers(session: Session, by: Principal, *, before: tuple[str, str] | None = None,
                  limit: int = 50) -> list[DossierView]:
    """The dossiers of the agencies ``by`` acts for, newest first (``before``: a cursor of created_at, id).

    Raises:
        AccessDenied: a role without dossiers.
    """
    require_role(by, "officer", "resolution_system")
    query = (select(Dossier, Citizen.ma_dinh_danh).join(Citizen, Citizen.id == Dossier.citizen_id)
             .order_by(Dossier.created_at.desc(), Dossier.id.desc()).limit(limit))
    if by.agencies is not None:
        query = query.where(Dossier.co_quan_tiep_nhan.in_(sorted(by.agencies)))
    if before is not None:
        at, last = datetime.fromisoformat(before[0]), before[1]
        query = query.where((Dossier.created_at < at) | ((Dossier.created_at == at) & (Dossier.id < last)))
    return [dossier_view(row, citizen=owner) for row, owner in session.execute(query)]


def dossier_for_intake(session: Session, by: Principal, ma_ho_so: str) -> DossierView:
    """The dossier files are about to be handed in for, once ``by`` is known to be allowed (not audited).

    Raises:
        NotFoundError: no such dossier.
        AccessDenied: not an officer of the dossier's agency.
    """
    require_role(by, "officer")
    row = find_dossier(session, ma_ho_so)
    check_dossier(by, row, write=True)
    return dossier_view(row, citizen=session.get_one(Citizen, row.citizen_id).ma_dinh_danh)
