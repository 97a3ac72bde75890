"""Who may do what in the store: the rules every repository function applies to its principal.

- A citizen sees only their own documents (and their own dossiers' components).
- An officer (or the resolution system) acts for agencies; a dossier's agency is the
  receiving unit at the head of its code (``000.00.15.H55-261206-0001`` → ``000.00.15.H55``).
  Everything of a dossier of another agency is refused (403).
- An officer sees a citizen's documents only through a dossier of their own agency for that
  citizen, or, for one dossier, the documents the citizen consented to reuse in it.
- ``admin`` reads the audit log and nothing else; ``system`` (workers, sweeps) may do everything.

The API, the command line and the workers all call the same repository functions, so they
meet the same rules; refusals are :class:`~schemas.errors.AccessDenied` (``forbidden``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from schemas.codes import DOSSIER_CODE_RE
from schemas.errors import AccessDenied, NotFoundError
from store.records._models import Citizen, Component, Document, Dossier
from store.records._tables import Consent
from store.records._types import Principal, Role

#: roles that act for agencies (and so go through dossiers)
AGENCY_ROLES: frozenset[Role] = frozenset({"officer", "resolution_system"})


def dossier_agency(ma_ho_so: str) -> str | None:
    """The receiving unit at the head of a dossier code, ``None`` when the code is malformed."""
    match = DOSSIER_CODE_RE.match(ma_ho_so)
    return match["agency"] if match else None


def deny(message: str, **detail: object) -> AccessDenied:
    """The refusal for ``message`` (``forbidden``)."""
    return AccessDenied(message, detail=dict(detail))


def require_role(by: Principal, *roles: Role) -> None:
    """Refuse any principal not in ``roles`` (``system`` always passes).

    Raises:
        AccessDenied: the principal's role may not do this.
    """
    if by.role != "system" and by.role not in roles:
        raise deny(f"a {by.role} may not do this", role=by.role, allowed=sorted(roles))


def check_dossier(by: Principal, dossier: Dossier, *, write: bool = False) -> None:
    """Whether ``by`` may read (or, with ``write``, add to) this dossier.

    Raises:
        AccessDenied: another agency's dossier, another citizen's, or a role without dossiers.
    """
    check_dossier_of(by, dossier.ma_ho_so, dossier.co_quan_tiep_nhan, lambda: _owner_id(dossier.citizen_id, dossier),
                     write=write)


def check_dossier_of(by: Principal, ma_ho_so: str, agency: str | None, owner: Callable[[], str | None], *,
                     write: bool = False) -> None:
    """:func:`check_dossier` on what it looks at: the dossier's code, its agency, its citizen's id
    (``owner``, asked only when a citizen acts), however they were read.

    Raises:
        AccessDenied: another agency's dossier, another citizen's, or a role without dossiers.
    """
    if by.role == "system":
        return
    if by.role in AGENCY_ROLES:
        if not by.acts_for(agency):
            raise deny("this dossier belongs to another agency", ma_ho_so=ma_ho_so, agency=agency)
        return
    if by.role == "citizen" and not write and owner() == by.id:
        return
    raise deny(f"a {by.role} may not {'change' if write else 'read'} this dossier", ma_ho_so=ma_ho_so)


def _owner_id(citizen_id: str, row: Dossier | Document | Component) -> str | None:
    session = Session.object_session(row)
    citizen = session.get(Citizen, citizen_id) if session is not None else None
    return citizen.ma_dinh_danh if citizen else None


def own_dossiers(session: Session, by: Principal, citizen_id: str,
                 dossiers: list[tuple[str, str | None]] | None = None) -> list[str]:
    """Codes of the citizen's dossiers received by agencies ``by`` acts for, newest first.

    Args:
        dossiers: every (code, agency) of the citizen's dossiers, newest first, when already read
            (:func:`citizen_and_dossiers`).
    """
    if dossiers is None:
        query = (select(Dossier.ma_ho_so, Dossier.co_quan_tiep_nhan).where(Dossier.citizen_id == citizen_id)
                 .order_by(Dossier.created_at.desc()))
        dossiers = [(code, agency) for code, agency in session.execute(query)]
    return own_codes(by, dossiers)


def own_codes(by: Principal, dossiers: list[tuple[str, str | None]]) -> list[str]:
    """The codes of ``dossiers`` (code, agency) received by agencies ``by`` acts for, in their order."""
    return [code for code, agency in dossiers if by.acts_for(agency)]


def consented_lineages(session: Session, citizen_id: str, ma_ho_so: str) -> frozenset[str]:
    """The citizen's documents (lineages) they let this dossier reuse, consents not revoked."""
    query = select(Consent.lineage_id).where(Consent.citizen_id == citizen_id, Consent.ma_ho_so == ma_ho_so,
                                             Consent.revoked_at.is_(None))
    return frozenset(session.scalars(query))


@dataclass(frozen=True)
class Scope:
    """What of one citizen's store a principal may read, and for which dossier.

    Attributes:
        everything: the whole store; else only ``lineages``.
        lineages: the documents (lineages) consented for ``ma_ho_so``.
        ma_ho_so: the dossier the read is for (recorded in the audit log).
    """

    everything: bool
    lineages: frozenset[str] = frozenset()
    ma_ho_so: str | None = None

    def allows(self, lineage_id: str) -> bool:
        """Whether a document of this lineage is in the scope."""
        return self.everything or lineage_id in self.lineages


def reads_everything(by: Principal) -> bool:
    """Whether ``by`` may read any citizen's store (the system, a principal acting for every agency)."""
    return by.role == "system" or (by.role in AGENCY_ROLES and by.agencies is None)


def known_citizen(session: Session, by: Principal, ma_dinh_danh: str) -> Citizen | None:
    """The citizen with this id, ``None`` when nothing was filed for them yet (to those who could read it).

    Raises:
        AccessDenied: an unknown citizen asked about by someone who could not read their store
            anyway (the same answer as for a known one: existence is not told).
    """
    row = session.scalar(select(Citizen).where(Citizen.ma_dinh_danh == ma_dinh_danh))
    if row is None and not (reads_everything(by) or (by.role == "citizen" and by.id == ma_dinh_danh)):
        raise deny("no dossier of your agency is for this citizen", citizen=ma_dinh_danh)
    return row


def citizen_and_dossiers(session: Session, by: Principal,
                         ma_dinh_danh: str) -> tuple[Citizen | None, list[tuple[str, str | None]] | None]:
    """:func:`known_citizen`, and for an officer or the resolution system its dossiers' (code, agency),
    newest first, read in the same query (what :func:`citizen_scope` looks at for them); ``None`` for others.

    Raises:
        AccessDenied: as :func:`known_citizen`.
    """
    if by.role not in AGENCY_ROLES or by.agencies is None:
        return known_citizen(session, by, ma_dinh_danh), None
    rows = session.execute(citizen_dossiers_query(ma_dinh_danh)).all()
    if not rows:
        raise deny("no dossier of your agency is for this citizen", citizen=ma_dinh_danh)
    return rows[0][0], [(code, agency) for _, code, agency in rows if code is not None]


def citizen_dossiers_query(ma_dinh_danh: str) -> Select[Citizen, str, str | None]:
    """The citizen with every (code, agency) of their dossiers, newest first (no row: no such citizen)."""
    return (select(Citizen, Dossier.ma_ho_so, Dossier.co_quan_tiep_nhan)
            .outerjoin(Dossier, Dossier.citizen_id == Citizen.id)
            .where(Citizen.ma_dinh_danh == ma_dinh_danh).order_by(Dossier.created_at.desc()))


def find_dossier(session: Session, ma_ho_so: str, *, lock: bool = False) -> Dossier:
    """The dossier with this code.

    Raises:
        NotFoundError: no such dossier.
    """
    query = select(Dossier).where(Dossier.ma_ho_so == ma_ho_so)
    row = session.scalar(query.with_for_update() if lock else query)
    if row is None:
        raise NotFoundError("no such dossier", detail={"ma_ho_so": ma_ho_so})
    return row


def find_dossier_of_citizen(session: Session, ma_ho_so: str) -> tuple[Dossier, Citizen]:
    """The dossier with this code and its citizen, read in one statement.

    Raises:
        NotFoundError: no such dossier.
    """
    row = session.execute(select(Dossier, Citizen).join(Citizen, Citizen.id == Dossier.citizen_id)
                          .where(Dossier.ma_ho_so == ma_ho_so)).one_or_none()
    if row is None:
        raise NotFoundError("no such dossier", detail={"ma_ho_so": ma_ho_so})
    return row[0], row[1]


def citizen_scope(session: Session, by: Principal, citizen: Citizen, *, for_dossier: str | None = None,
                  dossiers: list[tuple[str, str | None]] | None = None) -> Scope:
    """What ``by`` may read of ``citizen``'s store (for ``for_dossier`` when given).

    ``dossiers``: the citizen's dossiers as :func:`citizen_and_dossiers` read them (else read here).

    Raises:
        AccessDenied: nothing of it: another citizen, no dossier of the officer's agency for this
            citizen and no consent, another agency's dossier, or a role that reads no store.
        NotFoundError: ``for_dossier`` does not exist.
    """
    if by.role == "system":
        return Scope(True, ma_ho_so=for_dossier)
    if by.role == "citizen":
        if by.id != citizen.ma_dinh_danh:
            raise deny("a citizen sees only their own store")
        return Scope(True, ma_ho_so=for_dossier)
    require_role(by, *AGENCY_ROLES)
    if for_dossier is not None:
        dossier = find_dossier(session, for_dossier)
        check_dossier(by, dossier)
        if dossier.citizen_id == citizen.id:
            return Scope(True, ma_ho_so=for_dossier)
        consented = consented_lineages(session, citizen.id, for_dossier)
        if not consented:
            raise deny("this citizen has not let this dossier reuse any of their documents",
                       ma_ho_so=for_dossier)
        return Scope(False, consented, for_dossier)
    if by.agencies is None:  # acts for every agency: an operator in development, a development token
        return Scope(True)
    return agency_scope(own_dossiers(session, by, citizen.id, dossiers))


def agency_scope(own: list[str]) -> Scope:
    """What an officer (or the resolution system) acting for some agencies may read of a citizen's
    store with no dossier named: all of it, for the newest of ``own`` (the codes of the citizen's
    dossiers of those agencies, newest first: :func:`own_codes`).

    Raises:
        AccessDenied: no dossier of its agencies is for this citizen.
    """
    if not own:
        raise deny("no dossier of your agency is for this citizen: name the dossier you read for (for_dossier)")
    return Scope(True, ma_ho_so=own[0])


def check_document_read(session: Session, by: Principal, doc: Document, *,
                        for_dossier: str | None = None) -> str | None:
    """Whether ``by`` may read this document; returns the dossier the read is for (for the audit log).

    Raises:
        AccessDenied: see :func:`citizen_scope`; with no ``for_dossier``, any dossier of the
            principal's agency for the owner, or a consent for such a dossier, will do.
    """
    citizen = session.get(Citizen, doc.citizen_id)
    assert citizen is not None
    if for_dossier is None and by.role in AGENCY_ROLES:
        if doc.ma_ho_so and by.acts_for(dossier_agency(doc.ma_ho_so)):
            return doc.ma_ho_so
        consents = session.scalars(select(Consent.ma_ho_so).where(
            Consent.lineage_id == doc.lineage_id, Consent.revoked_at.is_(None)))
        for code in consents:
            if by.acts_for(dossier_agency(code)):
                return code
    scope = citizen_scope(session, by, citizen, for_dossier=for_dossier)
    if not scope.allows(doc.lineage_id):
        raise deny("this document is not among those the citizen let this dossier reuse",
                   document_id=doc.id, ma_ho_so=for_dossier)
    return scope.ma_ho_so


def check_document_write(session: Session, by: Principal, doc: Document) -> None:
    """Whether ``by`` may confirm, correct, revoke or sign this document.

    Officers of the agency of the dossier it came in with; documents that came with no
    dossier, officers who may read the owner's whole store (results are signed by workers).

    Raises:
        AccessDenied: anyone else (citizens and admins never change records).
    """
    if by.role == "system":
        return
    require_role(by, "officer")
    if doc.dossier_id is not None:
        dossier = session.get(Dossier, doc.dossier_id)
        assert dossier is not None
        check_dossier(by, dossier, write=True)
        return
    citizen = session.get(Citizen, doc.citizen_id)
    assert citizen is not None
    if not citizen_scope(session, by, citizen).everything:
        raise deny("this document is not yours to change", document_id=doc.id)


def check_component(session: Session, by: Principal, comp: Component, *, write: bool = False) -> None:
    """Whether ``by`` may read (or change) a component: through its dossier, or its owner's store.

    Raises:
        AccessDenied: another agency's dossier, another citizen's component, a role without components.
    """
    if by.role == "system":
        return
    if write:
        require_role(by, "officer")
    if comp.dossier_id is not None:
        dossier = session.get(Dossier, comp.dossier_id)
        assert dossier is not None
        check_dossier(by, dossier, write=write)
        return
    citizen = session.get(Citizen, comp.citizen_id)
    assert citizen is not None
    if not citizen_scope(session, by, citizen).everything:
        raise deny("this component is not yours", component_id=comp.id)


def check_citizen_write(session: Session, by: Principal, citizen: Citizen) -> None:
    """Whether ``by`` may file something in a citizen's store outside any dossier.

    Raises:
        AccessDenied: only officers who may read the whole store (or the system) may.
    """
    if by.role == "system":
        return
    require_role(by, "officer")
    if not by.acts_for(None) and not own_dossiers(session, by, citizen.id):
        raise deny("file components through a dossier of your agency for this citizen",
                   citizen=citizen.ma_dinh_danh)
