"""Whether a worker signs with the development PKI; the services themselves live in :mod:`pki`."""

from __future__ import annotations

from pki import DevPkiGuard, dev_pki_services
from schemas.settings import Settings

__all__ = ["DevPkiGuard", "dev_pki_services", "needs_dev_pki"]


def needs_dev_pki(settings: Settings) -> bool:
    """Whether this process signs with the development PKI (so its services must answer)."""
    return (settings.worker.signer == "pipeline" and settings.sign.key_source == "dev"
            and settings.environment != "production")
