"""Which roots verification trusts: the configured ones, and the development root in development only.

The one place that decides it, so ``sohoa verify``, the API and the pages trust the same
roots: a province's trust folder and roots from the settings always; the development PKI's
root only when ``SOHOA_ENVIRONMENT=development`` signs with it and it already exists (it is
never made here, and no service is started).
"""

from __future__ import annotations

from pathlib import Path

from schemas.errors import ConfigError
from schemas.settings import Settings, VerifySettings


def verify_settings(settings: Settings, *, online: bool = False, trust_dir: Path | None = None,
                    lang: str | None = None) -> VerifySettings:
    """The verification section with the caller's options and, in development only, the dev PKI's root.

    Args:
        settings: all settings (``verify`` section, environment, signing key source, data dir).
        online: allow fetching revocation data the file does not carry.
        trust_dir: a folder of trusted certificates that replaces the configured one.
        lang: report language (``vi`` or ``en``); ``None`` keeps the configured one.

    Returns:
        the ``verify`` section to pass to :func:`pipeline.verify.verify_pdf`.
    """
    cfg = settings.verify
    roots = tuple(cfg.trust_roots)
    dev_root = _dev_root(settings)
    if dev_root is not None and dev_root not in roots:
        roots += (dev_root,)
    update: dict[str, object] = {"trust_roots": roots, "trust_dir": trust_dir or cfg.trust_dir,
                                 "allow_fetching": cfg.allow_fetching or online}
    if lang is not None:
        update["lang"] = lang
    return cfg.model_copy(update=update)


def _dev_root(settings: Settings) -> Path | None:
    if settings.environment != "development" or settings.sign.key_source != "dev":
        return None
    from pki._devpki import open_dev_pki

    try:
        return open_dev_pki(settings.sign.dev_pki_dir or settings.data_dir / "pki").root_cert
    except ConfigError:
        return None  # no development PKI made yet: nothing of ours to trust
