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
PrincipalKind = Literal["officer", "citizen", "system"]


@dataclass(frozen=True)
class Principal:
    """Who is acting: every repository function takes one, and the audit log records it.

    Attributes:
        kind: ``officer`` (a one-stop officer), ``citizen`` (acting on their own store)
            or ``system`` (a worker, the resolution system).
        id: the officer's account, the citizen's ``so_dinh_danh``, or the system's name.
    """

    kind: PrincipalKind
    id: str

    def __post_init__(self) -> None:
        if self.kind not in ("officer", "citizen", "system") or not _PRINCIPAL_ID.match(self.id):
            raise InputError("not a valid principal", detail={"kind": self.kind, "id": self.id})

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}"

    @classmethod
    def parse(cls, text: str) -> Principal:
        """Read ``officer:cb01`` / ``citizen:001090000001`` / ``system:worker``."""
        kind, _, ident = text.partition(":")
        return cls(kind, ident)  # type: ignore[arg-type]


SYSTEM_WORKER = Principal("system", "worker")
