"""The one settings object of sohoa (pydantic-settings, env prefix ``SOHOA_``).

Each pipeline stage gets its own section as an argument; nothing here is read
at import time and nothing is built from it at import time. Top-level service
settings keep the flat names operators know (``SOHOA_DATABASE_URL``,
``SOHOA_S3_ENDPOINT``, ``SOHOA_BROKER_URL``); stage sections nest with ``__``
(``SOHOA_OCR__TIMEOUT_S=60``). Outside ``development`` insecure defaults are
refused by :meth:`Settings.check_secure`.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from schemas.errors import ConfigError, ErrorCode

_SECTION = ConfigDict(frozen=True, extra="forbid")


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "sohoa"


class IngestSettings(BaseModel):
    """Limits and rasterization for reading input files (checked before anything is decoded)."""

    model_config = _SECTION

    #: larger files are refused (``file_too_large``)
    max_bytes: int = Field(default=200 * 1024 * 1024, ge=1)
    #: files with more pages are refused (``too_many_pages``) without walking their pages
    max_pages: int = Field(default=500, ge=1)
    #: pixels per page image after decoding; larger is refused (``image_too_large``: decompression bombs).
    #: Pillow itself refuses image files over 2 × ``PIL.Image.MAX_IMAGE_PIXELS`` (about 179 M) whatever this says
    max_pixels: int = Field(default=150_000_000, ge=1)
    #: dpi used to rasterize a PDF page that has no usable text layer
    raster_dpi: int = Field(default=300, ge=300, le=1200)
    #: images above this resolution are downsampled to it (INTER_AREA) before OCR
    max_dpi: int = Field(default=400, ge=300, le=2400)
    #: characters a PDF page's text layer must have to be read instead of OCR'd
    min_text_chars: int = Field(default=40, ge=1)
    #: seconds allowed to open one file, and again to decode each page (``ingest_timeout``)
    timeout_s: float = Field(default=60.0, ge=0)


class PreprocessSettings(BaseModel):
    """Which OpenCV steps run; each one is kept only where the benchmark shows it helps."""

    model_config = _SECTION

    orientation: bool = True
    deskew: bool = True
    max_skew_deg: float = 15.0
    crop: bool = True
    perspective: bool = True
    denoise: bool = True
    normalize_light: bool = True
    #: lift red seals and blue signatures off the text before OCR
    lift_marks: bool = True
    #: unsharp mask on sheets that flattening enlarged (phone photos, cards)
    sharpen: bool = True
    binarize: bool = True
    remove_leaders: bool = True
    #: what tesseract reads: the binary image, the grey one masked to the binary image's ink, or
    #: (auto) grey, except on forms (boxes and leaders) and pages enlarged to working scale (binary)
    ocr_input: Literal["binary", "grey", "auto"] = "auto"
    #: resolution pages are brought to for OCR
    target_dpi: int = 300
    #: preprocessing steps switched off by name (see pipeline.preprocess.FIRST_READ), e.g. ["scale"]
    skip: tuple[str, ...] = ()


class OcrSettings(BaseModel):
    """How tesseract is called."""

    model_config = _SECTION

    tesseract_cmd: str = "tesseract"
    lang: str = "vie"
    psm: int = 3
    oem: int = 1
    timeout_s: float = 60.0
    #: worker processes for page-parallel OCR; 0 means one per core
    jobs: int = 0
    #: correct stacked diacritics in names/places where the lexicon is unambiguous
    lexicon_correction: bool = True
    #: where to look for QR codes: ID cards only, every page, or nowhere
    qr: Literal["cards", "all", "off"] = "cards"


class ClassifySettings(BaseModel):
    """The document-type classifier."""

    model_config = _SECTION

    #: the trained model artifact; ``None`` means the one shipped in the package
    model_path: Path | None = None
    #: below this confidence the answer is ``khac`` (an officer decides)
    threshold: float = 0.45


class ExtractSettings(BaseModel):
    """Field extraction and validation."""

    model_config = _SECTION

    #: "today" for plausibility checks; ``None`` means the real date
    today: str | None = None


class OfficerKey(BaseModel):
    """One officer's own signing key in the officer key registry (Circular 01/2023 Art. 8).

    Either a PKCS#12 file or a key on the PKCS#11 token; with ``key_source=dev`` an
    entry may give only the ``name`` the development PKI puts in the certificate it
    issues. Relative paths in a registry file are read from the file's folder.
    """

    model_config = _SECTION

    #: the name in a development certificate issued for this officer (the stamp shows the certificate's CN)
    name: str | None = None
    #: the officer's PKCS#12 file, with its password from ``password_file`` or the variable ``password_env`` names
    pkcs12: Path | None = None
    password_file: Path | None = None
    password_env: str | None = None
    #: label of the officer's key and certificate on the token (``pkcs11_module``)
    pkcs11_key_label: str | None = None
    #: the token holding it; default ``pkcs11_token_label``
    pkcs11_token_label: str | None = None
    #: the token's PIN; default ``pkcs11_pin_file`` / ``SOHOA_SIGN__PKCS11_PIN``
    pin_file: Path | None = None
    pin_env: str | None = None

    @model_validator(mode="after")
    def _one_key(self) -> OfficerKey:
        if self.pkcs12 is not None and self.pkcs11_key_label is not None:
            raise ValueError("an officer key is a PKCS#12 file or a PKCS#11 label, not both")
        if self.pkcs12 is None and (self.password_file or self.password_env):
            raise ValueError("password_file / password_env go with pkcs12")
        if self.pkcs11_key_label is None and (self.pin_file or self.pin_env or self.pkcs11_token_label):
            raise ValueError("pin_file / pin_env / pkcs11_token_label go with pkcs11_key_label")
        return self


class SignSettings(BaseModel):
    """Who signs, with what key, stamped how, timestamped by whom.

    Keys per role: each digitizing officer signs their own scans with their own
    key, found by officer id (the token's ``sub``) in the officer key registry
    (``officer_keys`` and ``officer_keys_file``); the ``agency`` (and its
    ``signer``) sign results. Secrets come from ``*_password_file`` /
    ``*_pin_file`` or from ``SOHOA_SIGN__*_PASSWORD`` / ``*_PIN``; never from a default.
    """

    model_config = _SECTION

    #: ``dev``: the development PKI in ``dev_pki_dir``; ``pkcs12``: files; ``pkcs11``: a token
    key_source: Literal["pkcs12", "pkcs11", "dev"] = "dev"
    #: the development PKI folder; ``None`` means ``<data_dir>/pki`` (resolved by the caller)
    dev_pki_dir: Path | None = None
    #: the development officer for scans no officer submitted (tooling): ``officer`` (RSA) or ``officer-ec`` (ECDSA)
    dev_officer_identity: str = "officer"
    #: officer id -> that officer's key; inline, e.g. ``SOHOA_SIGN__OFFICER_KEYS='{"cb07": {"pkcs12": …}}'``
    officer_keys: dict[str, OfficerKey] = Field(default_factory=dict)
    #: a TOML or JSON registry file: ``[officers."<id>"]`` tables of :class:`OfficerKey` (re-read when it changes)
    officer_keys_file: Path | None = None
    #: officers' keys kept loaded per process (least recently used dropped first)
    officer_cache_size: int = Field(default=32, ge=1)
    #: PKCS#12 of the agency (results, copies)
    pkcs12_path: Path | None = None
    pkcs12_password_file: Path | None = None
    pkcs12_password: SecretStr | None = None
    #: no longer used (it was one key for every officer's scans): map each officer in ``officer_keys(_file)``;
    #: kept so an old configuration still loads and its ``key_unavailable`` errors say why
    officer_pkcs12_path: Path | None = None
    officer_pkcs12_password_file: Path | None = None
    officer_pkcs12_password: SecretStr | None = None
    pkcs11_module: Path | None = None
    pkcs11_token_label: str | None = None
    #: key (and certificate) label of the agency key on the token
    pkcs11_key_label: str | None = None
    #: no longer used (one token key for every officer): ``pkcs11_key_label`` entries in ``officer_keys(_file)``
    pkcs11_officer_key_label: str | None = None
    pkcs11_pin_file: Path | None = None
    pkcs11_pin: SecretStr | None = None
    tsa_url: str | None = None
    tsa_timeout_s: float = 10.0
    #: seconds allowed for one OCSP or CRL fetch
    revocation_timeout_s: float = 10.0
    default_level: Literal["B-B", "B-T", "B-LT", "B-LTA"] = "B-T"
    result_level: Literal["B-B", "B-T", "B-LT", "B-LTA"] = "B-LTA"
    #: check the signer's certificate (validity, key usage, revocation) before signing
    precheck: bool = True
    #: seconds a fetched OCSP/CRL answer is reused for further signatures with the same key
    revocation_cache_s: float = 300.0
    timezone: str = "Asia/Ho_Chi_Minh"
    #: a TrueType font with Vietnamese glyphs for stamps; ``None`` finds one (Liberation Serif, DejaVu)
    font_path: Path | None = None
    font_size: float = 10.0
    #: stamp boxes on page 1 in millimetres from the top-left corner: (x, y, width, height)
    scan_box_mm: tuple[float, float, float, float] = (10.0, 8.0, 80.0, 18.0)
    copy_box_mm: tuple[float, float, float, float] = (120.0, 8.0, 80.0, 18.0)
    result_box_mm: tuple[float, float, float, float] = (115.0, 215.0, 70.0, 35.0)
    #: the page of the result signature (1-based; -1 is the last page)
    result_page: int = -1
    #: blue signature image and red seal image (PNG, transparent) for results
    signature_image: Path | None = None
    seal_image: Path | None = None
    #: trust roots for verification (PEM/DER files); empty means the dev PKI root
    trust_roots: tuple[Path, ...] = ()


class VerifySettings(BaseModel):
    """How signed PDFs are verified: whom to trust, what may be fetched, and the limits for hostile files."""

    model_config = _SECTION

    #: trust roots (PEM/DER files); the CLI adds the dev PKI root in development only
    trust_roots: tuple[Path, ...] = ()
    #: a folder of the root and intermediate certificates a province accepts (``*.pem``, ``*.crt``,
    #: ``*.cer``, ``*.der``): self-signed ones are trust roots, the others help build chains
    trust_dir: Path | None = None
    #: fetch revocation data (OCSP, CRL) over the network when the file does not carry it
    #: (``sohoa verify --online``); off, the file's DSS/VRI and embedded answers are all there is
    allow_fetching: bool = False
    revocation_timeout_s: float = 10.0
    #: without revocation data (none in the file, no fetching) a chain is INDETERMINATE (TRY_LATER),
    #: as DSS judges; off, it is judged without and the report says revocation was not checked
    revocation_required: bool = False
    #: report language: ``vi`` or ``en``
    lang: Literal["vi", "en"] = "vi"
    #: seconds one file may take (``verify_timeout`` past it)
    timeout_s: float = Field(default=30.0, gt=0)
    #: larger files are refused (``file_too_large``)
    max_bytes: int = Field(default=200 * 1024 * 1024, ge=1)
    #: signature fields looked at in one file; more are reported as not checked
    max_signatures: int = Field(default=500, ge=1)


class SearchableSettings(BaseModel):
    """How a scan and its OCR become a searchable PDF."""

    model_config = _SECTION

    #: JPEG quality for colour and grey page images
    jpeg_quality: int = 85
    #: write PDF/A-2b (XMP identification, sRGB output intent) where the inputs allow
    pdfa: bool = True
    title: str | None = None
    #: language of the text layer (BCP 47)
    lang: str = "vi"


class PkiSettings(BaseModel):
    """The development PKI and its loopback services (TSA, OCSP, CRL)."""

    model_config = _SECTION

    host: str = "127.0.0.1"
    #: port of the services; written into the certificates when the PKI is made
    port: int = 9780


class ApiSettings(BaseModel):
    """The HTTP API (``sohoa serve``): where it listens, how it authenticates, what it accepts.

    Tokens are OAuth2 bearer JWTs with the claims ``role``, ``sub`` and ``agency``: signed
    RS256/ES256 by the province's identity provider (keys from ``jwks_path`` or ``jwks_url``),
    or, in development only, HS256 with ``token_secret`` (``sohoa token`` makes them).
    """

    model_config = _SECTION

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
    #: longest lifetime ``sohoa token`` may give a development token
    dev_token_max_ttl_s: int = Field(default=12 * 3600, ge=60)
    presign_expiry_s: int = 300
    #: the largest request body (all files of an upload together); larger is refused with 413
    max_request_bytes: int = Field(default=210 * 1024 * 1024, ge=1024)
    #: the largest JSON body
    max_json_bytes: int = Field(default=1024 * 1024, ge=1024)
    #: files in one upload
    max_files: int = Field(default=20, ge=1)
    #: requests per minute per token (kept in Redis when ``SOHOA_REDIS_URL`` is set, else in this process); 0: off
    rate_limit_per_minute: int = Field(default=600, ge=0)
    #: serve the OpenAPI page (``/docs``) and document (``/openapi.json``)
    docs: bool = True
    #: addresses of reverse proxies whose X-Forwarded-* headers are believed (uvicorn ``forwarded_allow_ips``)
    forwarded_allow_ips: str = "127.0.0.1"
    #: seconds a readiness check of one service may take
    ready_timeout_s: float = Field(default=2.0, gt=0)


class CallbackSettings(BaseModel):
    """Calls to the resolution system when a result job ends: signed, retried, only to allowed addresses."""

    model_config = _SECTION

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

    model_config = _SECTION

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

    model_config = _SECTION

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

    model_config = _SECTION

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

    model_config = _SECTION

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


class Settings(BaseSettings):
    """Root settings; read from ``SOHOA_*`` environment variables and an optional ``.env``."""

    model_config = SettingsConfigDict(
        env_prefix="SOHOA_",
        env_nested_delimiter="__",
        env_file=".env",
        # the compose file's .env beside it holds the services' own variables (POSTGRES_PASSWORD …):
        # read only the SOHOA_* lines of it, and still refuse a SOHOA_* name that is no setting
        dotenv_filtering="match_prefix",
        extra="forbid",
        frozen=True,
    )

    environment: Literal["development", "test", "production"] = "development"
    data_dir: Path = Field(default_factory=_default_data_dir)

    # services: unset means the embedded default (SQLite, a local folder, in-process queue)
    database_url: str | None = None
    s3_endpoint: str | None = None
    s3_access_key: str | None = None
    s3_secret_key: SecretStr | None = None
    s3_secure: bool = True
    s3_region: str | None = None
    bucket_prefix: str = "sohoa"
    broker_url: str | None = None
    #: Redis, for rate limits that hold across API replicas; unset: each process counts its own
    redis_url: str | None = None

    ingest: IngestSettings = IngestSettings()
    preprocess: PreprocessSettings = PreprocessSettings()
    ocr: OcrSettings = OcrSettings()
    classify: ClassifySettings = ClassifySettings()
    extract: ExtractSettings = ExtractSettings()
    sign: SignSettings = SignSettings()
    verify: VerifySettings = VerifySettings()
    searchable: SearchableSettings = SearchableSettings()
    pki: PkiSettings = PkiSettings()
    api: ApiSettings = ApiSettings()
    callbacks: CallbackSettings = CallbackSettings()
    portal: PortalSettings = PortalSettings()
    store: StoreSettings = StoreSettings()
    worker: WorkerSettings = WorkerSettings()
    registry: RegistrySettings = RegistrySettings()

    def check_secure(self, *, api: bool = False) -> None:
        """Refuse to run outside development with a secret left at a usable default.

        Args:
            api: also check what serving the API needs (token keys, callback secret).

        Raises:
            ConfigError: ``insecure_config`` naming the setting.
        """
        if self.environment == "development":
            return
        problems: list[str] = []
        token = self.api.token_secret
        if not self.s3_endpoint and (token is None or len(token.get_secret_value()) < 32):  # keys the local links
            problems.append("SOHOA_API__TOKEN_SECRET must be set to at least 32 characters: it keys the download "
                            "links of the local-folder store (or set SOHOA_S3_ENDPOINT)")
        if self.s3_endpoint and not self.s3_secret_key:
            problems.append("SOHOA_S3_SECRET_KEY must be set when SOHOA_S3_ENDPOINT is")
        if self.portal.url and (self.portal.password is None or len(self.portal.password.get_secret_value()) < 8):
            problems.append("SOHOA_PORTAL__PASSWORD must be set (8 characters or more) when SOHOA_PORTAL__URL is")
        if self.sign.key_source == "dev" and self.environment == "production":
            problems.append("SOHOA_SIGN__KEY_SOURCE=dev signs with the development PKI")
        problems.extend(self._registry_problems())
        if api:
            problems.extend(self._api_problems())
        if problems:
            raise ConfigError(
                "; ".join(problems), code=ErrorCode.INSECURE_CONFIG, detail={"problems": problems}
            )

    def _registry_problems(self) -> list[str]:
        cfg = self.registry
        if cfg.backend != "http":
            return []
        problems = []
        if cfg.token is None or len(cfg.token.get_secret_value()) < 32:
            problems.append("SOHOA_REGISTRY__TOKEN must be set to at least 32 characters")
        if not (cfg.url or "").startswith("https://"):
            problems.append("SOHOA_REGISTRY__URL must be https")
        return problems

    def _api_problems(self) -> list[str]:
        problems = []
        if not (self.api.jwks_path or self.api.jwks_url):
            problems.append("SOHOA_API__JWKS_PATH or SOHOA_API__JWKS_URL must name the identity provider's keys")
        if self.api.jwt_issuer == "sohoa-dev":
            problems.append("SOHOA_API__JWT_ISSUER must name the identity provider (not sohoa-dev)")
        secret = self.callbacks.secret
        if secret is None or len(secret.get_secret_value()) < 32:
            problems.append("SOHOA_CALLBACKS__SECRET must be set to at least 32 characters")
        if self.api.jwks_url and not self.api.jwks_url.startswith("https://"):
            problems.append("SOHOA_API__JWKS_URL must be https")
        return problems


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
