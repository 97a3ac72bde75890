"""Look-ups of a citizen's results in the Kho by result code and number (the national shape's question).

Other systems ask the Kho "which of these results (``MaKetQua``, ``SoKyHieu``) does this owner hold".
The requester is the acting principal: the channel and requester id the body names must be the
principal's own (:func:`check_requester`), and what may be read of the owner's store is decided by
:func:`~store.records._access.citizen_scope`, as for every other read; the read is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from schemas.errors import ErrorCode, InputError
from store.records._access import AGENCY_ROLES, citizen_scope, known_citizen, require_role
from store.records._audit import audit
from store.records._documents import views_of
from store.records._models import Document
from store.records._types import DocumentKind, DocumentStatus, Principal
from store.records._views import DocumentView

#: ``1``: an officer (or the resolution system) at the counter; ``2``: the citizen online
Channel = Literal["1", "2"]


@dataclass(frozen=True)
class Requester:
    """Who the body says is asking: the channel (``KenhThucHien``) and id (``SoDinhDanhNguoiYeuCau``)."""

    channel: Channel
    id: str
    name: str | None = None


@dataclass(frozen=True)
class Wanted:
    """One result asked for: its code (``MaKetQua``), and its number/symbol (``SoKyHieu``) when given."""

    ma_ket_qua: str
    so_ky_hieu: str | None = None


def check_requester(by: Principal, requester: Requester) -> None:
    """The body's requester must be the token's principal, on the channel of its role.

    Raises:
        AccessDenied: a role that reads no store (admin).
        InputError: ``requester_mismatch``: another id, or the other channel.
    """
    require_role(by, *AGENCY_ROLES, "citizen")
    channel = "2" if by.role == "citizen" else "1"
    if requester.channel != channel or requester.id != by.id:
        raise InputError("the requester in the body is not the caller of this token",
                         code=ErrorCode.REQUESTER_MISMATCH,
                         detail={"KenhThucHien": requester.channel, "expected_KenhThucHien": channel,
                                 "SoDinhDanhNguoiYeuCau": requester.id})


def lookup_results(session: Session, by: Principal, owner: str, requester: Requester, wanted: list[Wanted], *,
                   ma_thu_tuc: str | None = None) -> list[DocumentView]:
    """The owner's current results matching ``wanted`` (every result of theirs when it is empty).

    Revoked results are left out; a code asked for that the owner does not hold is simply absent.

    Raises:
        InputError: ``requester_mismatch`` (see :func:`check_requester`).
        AccessDenied: the principal may not read this owner's store.
    """
    check_requester(by, requester)
    citizen = known_citizen(session, by, owner)
    if citizen is None:
        return []
    scope = citizen_scope(session, by, citizen)
    query = select(Document).where(Document.citizen_id == citizen.id, Document.kind == DocumentKind.RESULT,
                                   Document.is_current.is_(True), Document.status != DocumentStatus.REVOKED)
    if wanted:
        query = query.where(Document.ma_ket_qua.in_(sorted({w.ma_ket_qua for w in wanted})))
    rows = [row for row in session.scalars(query.order_by(Document.ma_ket_qua))
            if scope.allows(row.lineage_id) and _asked(row, wanted)]
    views = views_of(session, rows)
    audit(session, by, "kho_lookup", "citizen", None, citizen=owner, dossier=scope.ma_ho_so,
          results=[v.ma_ket_qua for v in views], asked=len(wanted), ma_thu_tuc=ma_thu_tuc,
          channel=requester.channel)
    return views


def _asked(row: Document, wanted: list[Wanted]) -> bool:
    if not wanted:
        return True
    return any(w.ma_ket_qua == row.ma_ket_qua and (not w.so_ky_hieu or w.so_ky_hieu == row.so_ky_hieu)
               for w in wanted)
