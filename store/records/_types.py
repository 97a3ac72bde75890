"""Statuses, origins and the acting principal of the records store."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from schemas.errors import InputError


class ComponentStatus(StrEnum):
    """Where a dossier component (one uploaded file) is in the digitizing pipeline."""

    PENDING = "pending"
    PROCESSING = "processing"
    EXTRACTED = "extracted"
    FAILED = "failed"


class DocumentStatus(StrEnum):
    """The life of a digitized document record."""

    PENDING = "pending"
    EXTRACTED = "extracted"
    CONFIRMED = "confirmed"
    SIGNED = "signed"
    REVOKED = "revoked"


class Origin(StrEnum):
    """Where a component or document came from."""

    SCANNED = "scanned"  # scanned or uploaded at the counter
    REUSED = "reused"  # taken from the citizen's store by reference
    ONLINE = "online"  # submitted online by the citizen


class DocumentKind(StrEnum):
    """A dossier component, or a result of the procedure (``{ma_ho_so}-KQ{n}``)."""

    COMPONENT = "component"
    RESULT = "result"


#: statuses whose content is frozen: a correction makes a new version
LOCKED_STATUSES = frozenset({DocumentStatus.CONFIRMED, DocumentStatus.SIGNED, DocumentStatus.REVOKED})

_PRINCIPAL_ID = re.compile(r"^[0-9A-Za-z._@-]{1,100}$")
_AGENCY = re.compile(r"^[0-9A-Z.]{1,35}$")
Role = Literal["officer", "resolution_system", "citizen", "admin", "system"]
#: kept for callers that named the old type
PrincipalKind = Role
ROLES: tuple[Role, ...] = ("officer", "resolution_system", "citizen", "admin", "system")


@dataclass(frozen=True)
class Principal:
    """Who is acting: every repository function takes one, checks it may, and the audit log records it.

    Attributes:
        kind: the role: ``officer`` (a one-stop officer of an agency), ``resolution_system``
            (the provincial resolution system), ``citizen`` (acting on their own store),
            ``admin`` (reads the audit log) or ``system`` (a worker, a sweep).
        id: the officer's account (a token's ``sub``), the citizen's ``so_dinh_danh``, or the system's name.
        agencies: the agency codes it acts for (a dossier's agency is the receiving unit at the
            head of its code); ``None`` means every agency (a development token made without
            ``--agency``, an operator's command in development).
    """

    kind: Role
    id: str
    agencies: frozenset[str] | None = frozenset()

    def __post_init__(self) -> None:
        if self.kind not in ROLES or not _PRINCIPAL_ID.match(self.id):
            raise InputError("not a valid principal", detail={"kind": self.kind, "id": self.id})
        if self.agencies is not None:
            bad = sorted(a for a in self.agencies if not _AGENCY.match(a))
            if bad:
                raise InputError("not a valid agency code", detail={"agencies": bad})

    @property
    def role(self) -> Role:
        """The role (same as ``kind``)."""
        return self.kind

    def acts_for(self, agency: str | None) -> bool:
        """Whether it acts for ``agency`` (``None``: a record of no agency, only for those acting for all)."""
        if self.agencies is None:
            return True
        return agency is not None and agency in self.agencies

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}"

    def qualified(self) -> str:
        """``str(self)`` plus the agencies (``officer:cb01#000.00.15.H55``, ``#*`` for all): for queue messages."""
        if self.agencies is None:
            return f"{self}#*"
        return f"{self}#{'+'.join(sorted(self.agencies))}" if self.agencies else str(self)

    @classmethod
    def parse(cls, text: str) -> Principal:
        """Read ``officer:cb01`` / ``citizen:001090000001`` / ``system:worker``, or a :meth:`qualified` form."""
        kind, _, rest = text.partition(":")
        ident, qualified, scope = rest.partition("#")
        agencies: frozenset[str] | None = frozenset()
        if qualified:
            agencies = None if scope == "*" else frozenset(scope.split("+"))
        return cls(kind, ident, agencies)  # type: ignore[arg-type]


SYSTEM_WORKER = Principal("system", "worker", None)
