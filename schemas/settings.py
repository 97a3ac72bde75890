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

from pydantic import BaseModel, ConfigDict, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from schemas.errors import ConfigError, ErrorCode

_SECTION = ConfigDict(frozen=True, extra="forbid")


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "sohoa"


class IngestSettings(BaseModel):
    """Limits and rasterization for reading input files."""

    model_config = _SECTION

    max_bytes: int = 200 * 1024 * 1024
    max_pages: int = 500
    #: pixels per page image after decoding; larger is refused (decompression bombs)
    max_pixels: int = 150_000_000
    #: dpi used to rasterize a PDF page that has no usable text layer
    raster_dpi: int = 300
    #: images above this resolution are downsampled to it before OCR (never below 300)
    max_dpi: int = 400
    #: characters a PDF page's text layer must have to be read instead of OCR'd
    min_text_chars: int = 40
    #: seconds allowed to open and enumerate one file
    timeout_s: float = 60.0


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
    binarize: bool = True
    #: resolution pages are brought to for OCR
    target_dpi: int = 300


class OcrSettings(BaseModel):
    """How tesseract is called."""

    model_config = _SECTION

    tesseract_cmd: str = "tesseract"
    lang: str = "vie"
    psm: int = 3
    oem: int = 1
    timeout_s: float = 120.0
    #: worker processes for page-parallel OCR; 0 means one per core
    jobs: int = 0
    #: correct stacked diacritics in names/places where the lexicon is unambiguous
    lexicon_correction: bool = True


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


class SignSettings(BaseModel):
    """Who signs, with what key, stamped how, timestamped by whom."""

    model_config = _SECTION

    key_source: Literal["pkcs12", "pkcs11", "dev"] = "dev"
    pkcs12_path: Path | None = None
    #: a file holding the PKCS#12 passphrase (or set SOHOA_SIGN__PKCS12_PASSWORD)
    pkcs12_password_file: Path | None = None
    pkcs12_password: SecretStr | None = None
    pkcs11_module: Path | None = None
    pkcs11_token_label: str | None = None
    pkcs11_key_label: str | None = None
    pkcs11_pin_file: Path | None = None
    pkcs11_pin: SecretStr | None = None
    tsa_url: str | None = None
    tsa_timeout_s: float = 10.0
    default_level: Literal["B-B", "B-T", "B-LT", "B-LTA"] = "B-T"
    result_level: Literal["B-B", "B-T", "B-LT", "B-LTA"] = "B-LTA"
    timezone: str = "Asia/Ho_Chi_Minh"
    #: a TrueType font with Vietnamese glyphs for stamps; ``None`` finds one
    font_path: Path | None = None
    #: trust roots for verification (PEM/DER files); empty means the dev PKI root
    trust_roots: tuple[Path, ...] = ()


class PkiSettings(BaseModel):
    """The development PKI and its loopback services (TSA, OCSP, CRL)."""

    model_config = _SECTION

    host: str = "127.0.0.1"
    port: int = 9780


class ApiSettings(BaseModel):
    """The HTTP API."""

    model_config = _SECTION

    host: str = "127.0.0.1"
    port: int = 8000
    #: HMAC secret for bearer tokens; required outside development
    token_secret: SecretStr | None = None
    presign_expiry_s: int = 300


class Settings(BaseSettings):
    """Root settings; read from ``SOHOA_*`` environment variables and an optional ``.env``."""

    model_config = SettingsConfigDict(
        env_prefix="SOHOA_",
        env_nested_delimiter="__",
        env_file=".env",
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

    ingest: IngestSettings = IngestSettings()
    preprocess: PreprocessSettings = PreprocessSettings()
    ocr: OcrSettings = OcrSettings()
    classify: ClassifySettings = ClassifySettings()
    extract: ExtractSettings = ExtractSettings()
    sign: SignSettings = SignSettings()
    pki: PkiSettings = PkiSettings()
    api: ApiSettings = ApiSettings()

    def check_secure(self) -> None:
        """Refuse to run outside development with a secret left at a usable default.

        Raises:
            ConfigError: ``insecure_config`` naming the setting.
        """
        if self.environment == "development":
            return
        problems: list[str] = []
        if self.api.token_secret is None or len(self.api.token_secret.get_secret_value()) < 32:
            problems.append("SOHOA_API__TOKEN_SECRET must be set to at least 32 characters")
        if self.s3_endpoint and not self.s3_secret_key:
            problems.append("SOHOA_S3_SECRET_KEY must be set when SOHOA_S3_ENDPOINT is")
        if self.sign.key_source == "dev" and self.environment == "production":
            problems.append("SOHOA_SIGN__KEY_SOURCE=dev signs with the development PKI")
        if problems:
            raise ConfigError(
                "; ".join(problems), code=ErrorCode.INSECURE_CONFIG, detail={"problems": problems}
            )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
