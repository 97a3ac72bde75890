"""The administrator's route (the audit log), and development tokens (only when SOHOA_ENVIRONMENT=development)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from api._auth import mint_dev_token, principal_of
from api._models import AuditOut, Page
from api._paging import decode_cursor, encode_cursor
from api._responses import errors
from api._store_docs import Cursor, Limit
from api.deps import Caller, Services
from store.records import audit_log

router = APIRouter(prefix="/v1", tags=["admin"])
dev_router = APIRouter(prefix="/v1/dev", tags=["development"])


@router.get("/audit", response_model=Page[AuditOut], summary="The audit log", responses=errors())
def audit(services: Services, by: Caller, *,
          actor: Annotated[str | None, Query(max_length=120, examples=["officer:canbo01"])] = None,
          so_dinh_danh: Annotated[str | None, Query(max_length=20)] = None,
          action: Annotated[str | None, Query(max_length=40, examples=["read_document"])] = None,
          since: datetime | None = None, until: datetime | None = None,
          cursor: Cursor = None, limit: Limit = 50) -> Page[AuditOut]:
    """Who did what to which record, when, for which dossier, in which request; newest first."""
    at = decode_cursor(cursor, "id")
    with services.store.records.read_transaction() as s:
        lines = audit_log(s, by, citizen=so_dinh_danh, actor=actor, action=action, since=since, until=until,
                          before_id=int(at["id"]) if at else None, limit=limit + 1)
    nxt = encode_cursor({"id": lines[limit - 1].id}) if len(lines) > limit else None
    return Page(items=[AuditOut.of(line) for line in lines[:limit]], next=nxt)


class TokenRequest(BaseModel):
    """A development token: who, and for which agency."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"role": "officer", "sub": "canbo01", "agency": "000.00.15.H55"}]})

    role: Literal["officer", "resolution_system", "citizen", "admin"]
    sub: str = Field(max_length=100, description="an officer's account, a citizen's so_dinh_danh …")
    agency: str | None = Field(default=None, max_length=35)
    ttl_s: int = Field(default=3600, ge=60, le=12 * 3600)


class TokenOut(BaseModel):
    """A development token and whom it names."""

    token: str
    principal: str


@dev_router.post("/tokens", response_model=TokenOut, summary="Make a development token (development only)",
                 responses=errors())
def dev_token(body: TokenRequest, services: Services) -> TokenOut:
    """For the development web pages and ``curl``: exists only when SOHOA_ENVIRONMENT=development."""
    token = mint_dev_token(services.settings, role=body.role, sub=body.sub, agency=body.agency, ttl_s=body.ttl_s)
    claims = {"role": body.role, "sub": body.sub, **({"agency": body.agency} if body.agency else {})}
    return TokenOut(token=token, principal=principal_of(claims, development=True).qualified())
