"""Who may do what, asserted on the store functions themselves (the API, CLI and workers all go through them).

A world of two citizens, three agencies and four dossiers; each row of the matrix
calls one repository function as one principal and expects it allowed or refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy.orm import Session

from schemas.errors import AccessDenied, NotFoundError
from store.records import (
    OWNER_MISMATCH,
    SYSTEM_WORKER,
    Principal,
    RecordStore,
    acting_in,
    add_component,
    attach_to_dossier,
    audit_trail,
    confirm_document,
    correct_document,
    ensure_citizen,
    find_citizen,
    get_document,
    get_dossier,
    grant_consent,
    issue_result,
    list_consents,
    list_documents,
    open_dossier,
    revoke_consent,
    search_documents,
    valid_documents,
)
from tests.store.helpers import CITIZEN, OTHER, result, scan

A, B, C = "000.00.15.H55", "000.00.16.H56", "000.00.17.H57"
DA = f"{A}-230612-0001"  # agency A, citizen CITIZEN
DB = f"{B}-230612-0001"  # agency B, citizen CITIZEN
DA2 = f"{A}-230612-0002"  # agency A, citizen OTHER
DB3 = f"{B}-230612-0003"  # agency B, citizen OTHER: may reuse CITIZEN's card with consent

PRINCIPALS = {
    "officer_a": Principal("officer", "cb-a", frozenset({A})),
    "officer_b": Principal("officer", "cb-b", frozenset({B})),
    "officer_c": Principal("officer", "cb-c", frozenset({C})),
    "resolution_a": Principal("resolution_system", "motcua-a", frozenset({A})),
    "resolution_b": Principal("resolution_system", "motcua-b", frozenset({B})),
    "resolution_all": Principal("resolution_system", "motcua", None),
    "citizen": Principal("citizen", CITIZEN),
    "other_citizen": Principal("citizen", OTHER),
    "admin": Principal("admin", "quantri"),
    "system": SYSTEM_WORKER,
}


@dataclass
class World:
    card: str  # CITIZEN's ID card, digitized in DA and confirmed
    birth: str  # CITIZEN's birth certificate, digitized in DB
    other: str  # OTHER's document, in DA2


def _digitize(s: Session, by: Principal, citizen: str, dossier: str, seed: str, **kw: Any) -> str:
    for code in (dossier,):
        try:
            get_dossier(s, SYSTEM_WORKER, code)
        except NotFoundError:
            open_dossier(s, by, ma_ho_so=code, so_dinh_danh=citizen)
    return digitized_as(s, by, result(**kw), seed=seed, citizen=citizen, dossier=dossier)[0]


def digitized_as(s: Session, by: Principal, res: Any, *, seed: str, citizen: str, dossier: str) -> list[str]:
    from store.records import begin_processing, complete_component, ensure_dossier

    owner = ensure_citizen(s, by, citizen)
    folder = ensure_dossier(s, by, owner, dossier)
    comp, _ = add_component(s, by, citizen=owner, dossier=folder, file_name=f"{seed}.png", scan=scan(seed, citizen))
    begin_processing(s, SYSTEM_WORKER, comp.id)
    return complete_component(s, SYSTEM_WORKER, comp.id, res, searchable_pdf_key=None, signature=None)


@pytest.fixture
def world(records: RecordStore) -> World:
    return build_world(records)


def build_world(records: RecordStore) -> World:
    """The world of the module docstring, written in ``records``."""
    a, b = PRINCIPALS["officer_a"], PRINCIPALS["officer_b"]
    with records.transaction() as s:
        card = _digitize(s, a, CITIZEN, DA, "card", fields={"ho_ten": "Nguyễn Văn An", "so_dinh_danh": CITIZEN,
                                                           "ngay_cap": "2021-05-01"})
        confirm_document(s, a, card)
        birth = _digitize(s, b, CITIZEN, DB, "birth", doc_type="khai_sinh", fields={"ho_ten": "Nguyễn Văn An"})
        confirm_document(s, b, birth)
        other = _digitize(s, a, OTHER, DA2, "other", fields={"ho_ten": "Trần Thị Bé"})
        open_dossier(s, b, ma_ho_so=DB3, so_dinh_danh=OTHER)
    return World(card, birth, other)


def _outcome(records: RecordStore, call: Callable[[Session], object], *, keep: bool = True) -> str:
    """Call in a transaction (committed with ``keep``, else rolled back) and say how it went."""
    session = records.sessions()
    try:
        with session.begin():
            call(session)
            if not keep:
                session.rollback()
    except AccessDenied:
        return "deny"
    except NotFoundError:
        return "missing"
    finally:
        session.close()
    return "allow"


READS: dict[str, Callable[[Session, Principal, World], object]] = {
    "get_document": lambda s, by, w: get_document(s, by, w.card),
    "list_documents": lambda s, by, w: list_documents(s, by, CITIZEN),
    "valid_documents": lambda s, by, w: valid_documents(s, by, CITIZEN),
    "search_documents": lambda s, by, w: search_documents(s, by, "nguyen", ma_dinh_danh=CITIZEN),
    "get_dossier": lambda s, by, w: get_dossier(s, by, DA),
}
#: who may read CITIZEN's card and store (agency B and C officers have no dossier of CITIZEN... B has DB)
READ_ALLOWED = {"officer_a", "officer_b", "resolution_a", "resolution_b", "resolution_all", "citizen", "system"}
#: a dossier is read by its agency's officers and resolution system, and by its citizen
DOSSIER_ALLOWED = {"officer_a", "resolution_a", "resolution_all", "citizen", "system"}


def test_reads_follow_the_rules(records: RecordStore, world: World) -> None:
    wrong = []
    for what, read in sorted(READS.items()):
        allowed = DOSSIER_ALLOWED if what == "get_dossier" else READ_ALLOWED
        for who, by in sorted(PRINCIPALS.items()):
            outcome = _outcome(records, lambda s, read=read, by=by: read(s, by, world))  # type: ignore[misc]
            if outcome != ("allow" if who in allowed else "deny"):
                wrong.append(f"{what} by {who}: {outcome}")
    assert not wrong, "\n".join(wrong)


WRITES: dict[str, tuple[Callable[[Session, Principal, World], object], set[str]]] = {
    "confirm_document": (lambda s, by, w: confirm_document(s, by, w.other), {"officer_a", "system"}),
    "correct_document": (lambda s, by, w: correct_document(s, by, w.other, fields={"ho_ten": "Trần Thị Bê"},
                                                           reason="typo"), {"officer_a", "system"}),
    "add_component": (lambda s, by, w: add_component(s, by, citizen=find_citizen(s, CITIZEN),
                                                     dossier=_dossier_row(s, DA), file_name="x.png",
                                                     scan=scan("new")), {"officer_a", "system"}),
    "open_dossier": (lambda s, by, w: open_dossier(s, by, ma_ho_so=f"{A}-230612-0009", so_dinh_danh=CITIZEN),
                     {"officer_a", "system"}),
    "issue_result": (lambda s, by, w: issue_result(s, by, ma_ho_so=DA, doc_type="ket_qua",
                                                   pdf_key="aa/bb/" + "a" * 64, pdf_sha256="a" * 64,
                                                   page_count=1), {"resolution_a", "resolution_all", "system"}),
}


def _dossier_row(s: Session, code: str) -> Any:
    from store.records._access import find_dossier

    return find_dossier(s, code)


def test_writes_follow_the_rules(records: RecordStore, world: World) -> None:
    wrong = []
    for what, (call, allowed) in sorted(WRITES.items()):
        for who, by in sorted(PRINCIPALS.items()):
            outcome = _outcome(records, lambda s, call=call, by=by: call(s, by, world), keep=False)  # type: ignore[misc]
            if outcome != ("allow" if who in allowed else "deny"):
                wrong.append(f"{what} by {who}: {outcome}")
    assert not wrong, "\n".join(wrong)


def test_an_officer_reads_another_citizens_document_only_for_the_dossier_it_was_consented_to(
    records: RecordStore, world: World,
) -> None:
    b, owner = PRINCIPALS["officer_b"], PRINCIPALS["citizen"]
    assert _outcome(records, lambda s: get_document(s, b, world.card, for_dossier=DB3)) == "deny"
    assert _outcome(records, lambda s: attach_to_dossier(s, b, world.card, ma_ho_so=DB3)) == "deny"
    with records.transaction() as s:
        consent = grant_consent(s, owner, document_id=world.card, ma_ho_so=DB3)
    with records.transaction() as s:
        seen = list_documents(s, b, CITIZEN, for_dossier=DB3)
        attached = attach_to_dossier(s, b, world.card, ma_ho_so=DB3)
    assert [d.id for d in seen] == [world.card]  # not the birth certificate, which was not consented
    assert attached.citizen == OTHER and attached.reuses_document_id == world.card
    # agency C has no dossier and no consent; agency B may not use it for another of its dossiers
    assert _outcome(records, lambda s: get_document(s, PRINCIPALS["officer_c"], world.card)) == "deny"
    with records.transaction() as s:
        revoke_consent(s, owner, consent.id)
        assert list_consents(s, owner) == []
    assert _outcome(records, lambda s: list_documents(s, b, CITIZEN, for_dossier=DB3)) == "deny"


def test_an_officer_of_another_agency_is_refused_everything_of_a_dossier(records: RecordStore, world: World) -> None:
    c = PRINCIPALS["officer_c"]
    for call in (lambda s: get_dossier(s, c, DA), lambda s: list_documents(s, c, CITIZEN, for_dossier=DA),
                 lambda s: attach_to_dossier(s, c, world.card, ma_ho_so=DA)):
        assert _outcome(records, call) == "deny"


def test_only_the_citizen_grants_and_revokes_consents(records: RecordStore, world: World) -> None:
    assert _outcome(records, lambda s: grant_consent(s, PRINCIPALS["officer_a"], document_id=world.card,
                                                     ma_ho_so=DB3)) == "deny"
    assert _outcome(records, lambda s: grant_consent(s, PRINCIPALS["other_citizen"], document_id=world.card,
                                                     ma_ho_so=DB3)) == "missing"
    with records.transaction() as s:
        mine = grant_consent(s, PRINCIPALS["citizen"], document_id=world.card, ma_ho_so=DB3)
    assert _outcome(records, lambda s: revoke_consent(s, PRINCIPALS["other_citizen"], mine.id)) == "missing"


def test_every_read_is_audited_with_who_which_dossier_and_the_request(records: RecordStore, world: World) -> None:
    with acting_in("req-123"), records.transaction() as s:
        get_document(s, PRINCIPALS["officer_a"], world.card)
        list_documents(s, PRINCIPALS["officer_b"], CITIZEN)
    with records.transaction() as s:
        trail = audit_trail(s, citizen=CITIZEN, reads_only=True)
    reads = {(a.actor, a.action, a.ma_ho_so, a.request_id) for a in trail}
    assert ("officer:cb-a", "read_document", DA, "req-123") in reads
    assert ("officer:cb-b", "read_documents", DB, "req-123") in reads


def test_a_document_naming_another_owner_is_filed_with_the_dossier_citizen_and_flagged(
    records: RecordStore, world: World,
) -> None:
    a = PRINCIPALS["officer_a"]
    with records.transaction() as s:
        doc_id = _digitize(s, a, CITIZEN, DA, "spouse-card", metadata={"ma_dinh_danh_chu_so_huu": OTHER})
        doc = get_document(s, a, doc_id)
    assert doc.citizen == CITIZEN and doc.metadata.ma_dinh_danh_chu_so_huu == OTHER
    assert OWNER_MISMATCH in doc.flags
