"""The service sections: the API, callbacks, the national links, the store and the workers."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr

from schemas.settings._section import SECTION


class ApiSettings(BaseModel):
    """The HTTP API (``sohoa serve``): where it listens, how it authenticates, what it accepts.

    Tokens are OAuth2 bearer JWTs with the claims ``role``, ``sub`` and ``agency``: signed
    RS256/ES256 by the province's identity provider (keys from ``jwks_path`` or ``jwks_url``),
    or, in development only, HS256 with ``token_secret`` (``sohoa token`` makes them).
    """

    model_config = SECTION

    #: development binds to loopback only; any other address needs ``SOHOA_ENVIRONMENT=production``
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    #: uvicorn worker processes (``sohoa serve --workers``)
    workers: int = Field(default=1, ge=1)
    #: the address clients reach the API at, behind the reverse proxy (download links); ``None``: http://host:port
    public_url: str | None = None
    #: HS256 secret of development tokens (refused in production) and the key of the local store's
    #: download links; ``None`` in development keeps a random one under ``data_dir``
    token_secret: SecretStr | None = None
    #: the identity provider's keys (a JWKS file or URL): RS256 / ES256 tokens
    jwks_path: Path | None = None
    jwks_url: str | None = None
    #: seconds a fetched JWKS is kept
    jwks_cache_s: int = Field(default=300, ge=0)
    #: the ``iss`` and ``aud`` every token must carry
    jwt_issuer: str = "sohoa-dev"
    jwt_audience: str = "sohoa"
    #: clock skew allowed on ``exp`` and ``nbf``
    clock_skew_s: int = Field(default=30, ge=0, le=300)
    #: seconds a verified token is remembered (by its hash, never past its ``exp``); 0 checks every request
    token_cache_s: int = Field(default=60, ge=0, le=3600)
    #: how many verified tokens are remembered at most
    token_cache_size: int = Field(default=4096, ge=0)
    #: the hottest reads take plainly valid requests past FastAPI's dependency solving (``api/_hot_route.py``);
    #: false: every request the long way (same answers, more CPU)
    fast_reads: bool = True
    #: longest lifetime ``sohoa token`` may give a development token
    dev_token_max_ttl_s: int = Field(default=12 * 3600, ge=60)
    presign_expiry_s: int = 300
    #: the largest request body (all files of an upload together); larger is refused with 413
    max_request_bytes: int = Field(default=210 * 1024 * 1024, ge=1024)
    #: the largest JSON body
    max_json_bytes: int = Field(default=1024 * 1024, ge=1024)
    #: files in one upload
    max_files: int = Field(default=20, ge=1)
    #: bytes of an upload's files kept in memory instead of a temporary file (the rest goes to disk): a scan
    #: of a few MB is put to the object store without being written out and read back; each upload in flight
    #: holds at most this much (twice it for a moment, while a file's chunks are joined): 50 at once, 400-800 MiB
    upload_memory_bytes: int = Field(default=8 * 1024 * 1024, ge=0)
    #: requests per minute per token (kept in Redis when ``SOHOA_REDIS_URL`` is set, else in this process); 0: off
    rate_limit_per_minute: int = Field(default=600, ge=0)
    #: serve the OpenAPI page (``/docs``) and document (``/openapi.json``)
    docs: bool = True
    #: FastAPI's own OpenTelemetry spans, metrics and logs, to the providers configured in the process; off, as
    #: sohoa exports Prometheus metrics and JSON logs and configures no provider: FastAPI then does not look
    #: one up (in the environment) on every request
    opentelemetry: bool = False
    #: addresses of reverse proxies whose X-Forwarded-* headers are believed (uvicorn ``forwarded_allow_ips``)
    forwarded_allow_ips: str = "127.0.0.1"
    #: seconds a readiness check of one service may take
    ready_timeout_s: float = Field(default=2.0, gt=0)


class CallbackSettings(BaseModel):
    """Calls to the resolution system when a result job ends: signed, retried, only to allowed addresses."""

    model_config = SECTION

    #: HMAC-SHA256 key of the ``X-Sohoa-Signature`` header; required outside development
    secret: SecretStr | None = None
    #: URL prefixes a ``callback_url`` must start with (``https://motcua.tinh.gov.vn/``); empty: no callbacks
    allow: tuple[str, ...] = ()
    #: seconds one call may take (connect and answer)
    timeout_s: float = Field(default=5.0, gt=0)
    #: calls before giving up, with exponential backoff between them
    max_attempts: int = Field(default=8, ge=1)
    min_backoff_ms: int = Field(default=1_000, ge=1)
    max_backoff_ms: int = Field(default=300_000, ge=1)


class RegistrySettings(BaseModel):
    """The national population database (CSDL quốc gia về dân cư): extraction's names, dates of birth and
    sexes are cross-checked against it; a disagreement flags the field ``registry_mismatch``."""

    model_config = SECTION

    #: ``none``: no cross-check; ``http``: the service at ``url``; ``fake``: answers from ``fixtures``
    #: (tests and development; refused in production)
    backend: Literal["none", "http", "fake"] = "none"
    #: the service's base address (``GET {url}/citizens/{so_dinh_danh}``); https outside development
    url: str | None = None
    #: seconds one look-up may take; past it the check is skipped (a warning), never the dossier failed
    timeout_s: float = Field(default=5.0, gt=0)
    #: the bearer token the service gave us; required outside development
    token: SecretStr | None = None
    #: the fake registry's JSON file: ``{"<so_dinh_danh>": {"ho_ten", "ngay_sinh", "gioi_tinh"}}``
    fixtures: Path | None = None


class PortalSettings(BaseModel):
    """The National Public Service Portal's dossier sync (Cổng DVC quốc gia): adapter, account, retries."""

    model_config = SECTION

    #: the adapter's base URL (``…/login``, ``…/hoso``, ``…/hoso/capnhat`` under it); ``None``: no sync
    url: str | None = None
    username: str = "sohoa"
    #: the account's password; required outside development when ``url`` is set
    password: SecretStr | None = None
    #: our API as the portal reaches it, for the file links in a record; ``None``: no links
    public_base_url: str | None = None
    #: dossiers per request
    batch_size: int = Field(default=100, ge=1, le=1000)
    #: seconds one call may take (connect and answer)
    timeout_s: float = Field(default=10.0, gt=0)
    #: failed tries of one record before it is shown as ``failing`` (it is still retried, at the longest backoff)
    max_attempts: int = Field(default=8, ge=1)
    min_backoff_ms: int = Field(default=1_000, ge=1)
    max_backoff_ms: int = Field(default=600_000, ge=1)
    #: how long a worker holds the dossiers it is sending (a killed worker's come back after it); keep it
    #: above two calls' ``timeout_s`` (a post, then the update of those the portal already has)
    lease_s: float = Field(default=120.0, gt=0)
    #: seconds between a worker's syncs (0: only ``sohoa portal sync`` syncs)
    interval_s: float = Field(default=60.0, ge=0)


class StoreSettings(BaseModel):
    """The per-citizen store: files (local folder or S3/MinIO) and records (SQLite or PostgreSQL)."""

    model_config = SECTION

    #: folder of the embedded object store; ``None`` means ``<data_dir>/objects``
    objects_dir: Path | None = None
    #: uploads larger than this go to S3 in parts of this size (multipart); at least 5 MiB
    part_size: int = Field(default=16 * 1024 * 1024, ge=5 * 1024 * 1024)
    s3_connect_timeout_s: float = 5.0
    s3_read_timeout_s: float = 60.0
    #: how long a presigned download URL stays valid
    presign_expiry_s: int = Field(default=300, ge=1, le=7 * 24 * 3600)
    #: seconds to wait for a database connection
    db_connect_timeout_s: float = 5.0
    db_pool_size: int = 10
    #: apply migrations on open (only ever done for the embedded SQLite store)
    auto_migrate_sqlite: bool = True
    #: wait for the disk when committing the audit lines of reads too (PostgreSQL); off, a database crash
    #: may lose the last fraction of a second of read audit lines (never a record), and reads answer faster
    sync_read_audit: bool = False


class WorkerSettings(BaseModel):
    """Dramatiq workers: queue, retries with backoff, time limits, and which back ends they use."""

    model_config = SECTION

    #: the RabbitMQ queue the actors live on
    queue: str = "sohoa"
    threads: int = Field(default=2, ge=1)
    #: retries of a job after a transient failure (S3, database, TSA unreachable)
    max_retries: int = Field(default=8, ge=0)
    min_backoff_ms: int = Field(default=2_000, ge=1)
    max_backoff_ms: int = Field(default=300_000, ge=1)
    digitize_time_limit_s: float = 900.0
    sign_time_limit_s: float = 180.0
    #: ``pipeline`` (the real stages) or ``fake`` (the in-tree fake, refused in production)
    digitizer: Literal["pipeline", "fake"] = "pipeline"
    signer: Literal["pipeline", "fake"] = "pipeline"
    #: how long ``sohoa ingest --wait`` waits for the result
    wait_timeout_s: float = 1800.0
    #: seconds between a worker's sweeps for components whose job was lost (0: never; ``sohoa sweep`` does it too)
    sweep_interval_s: float = Field(default=300.0, ge=0)
    #: a component unfinished for this long has lost its job; ``None``: time limit + longest backoff + 5 min
    stale_after_s: float | None = Field(default=None, gt=0)
