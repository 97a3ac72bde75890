"""The one settings object of sohoa (pydantic-settings, env prefix ``SOHOA_``).

Each pipeline stage gets its own section as an argument; nothing here is read
at import time and nothing is built from it at import time. Top-level service
settings keep the flat names operators know (``SOHOA_DATABASE_URL``,
``SOHOA_S3_ENDPOINT``, ``SOHOA_BROKER_URL``); stage sections nest with ``__``
(``SOHOA_OCR__TIMEOUT_S=60``). Outside ``development`` insecure defaults are
refused by :meth:`Settings.check_secure`.

The sections live beside this module by what they configure: ``_reading.py`` (ingest
to searchable PDF), ``_signing.py`` (keys, signing, verification, the development
PKI) and ``_services.py`` (API, callbacks, national links, store, workers).
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from schemas.errors import ConfigError, ErrorCode
from schemas.settings._reading import (
    ClassifySettings,
    ExtractSettings,
    IngestSettings,
    OcrSettings,
    PreprocessSettings,
    SearchableSettings,
)
from schemas.settings._services import (
    ApiSettings,
    CallbackSettings,
    PortalSettings,
    RegistrySettings,
    StoreSettings,
    WorkerSettings,
)
from schemas.settings._signing import OfficerKey, PkiSettings, SignSettings, VerifySettings

__all__ = [
    "ApiSettings",
    "CallbackSettings",
    "ClassifySettings",
    "ExtractSettings",
    "IngestSettings",
    "OcrSettings",
    "OfficerKey",
    "PkiSettings",
    "PortalSettings",
    "PreprocessSettings",
    "RegistrySettings",
    "SearchableSettings",
    "Settings",
    "SignSettings",
    "StoreSettings",
    "VerifySettings",
    "WorkerSettings",
    "get_settings",
]


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "sohoa"


class Settings(BaseSettings):
    """Root settings; read from ``SOHOA_*`` environment variables and an optional ``.env``."""

    model_config = SettingsConfigDict(
        env_prefix="SOHOA_",
        env_nested_delimiter="__",
        env_file=".env",
        # the compose file's .env beside it holds the services' own variables (POSTGRES_PASSWORD …):
        # read only the SOHOA_* lines of it, and still refuse a SOHOA_* name that is no setting
        dotenv_filtering="match_prefix",
        # an empty variable is an unset one: compose passes optional settings as ${NAME:-}
        env_ignore_empty=True,
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
