"""The development PKI: a root and issuing CA, agency and officer certificates, a TSA, and their services.

Made on first run and marked DEVELOPMENT everywhere (certomancer issues it);
served on 127.0.0.1 (RFC 3161 TSA, OCSP, CRLs) by our own small responders, in
process or as ``sohoa pki serve``, optionally as of a frozen time. Each officer
gets a certificate of their own the first time they sign (:func:`dev_officer`).
Production signs with PKCS#12 files or PKCS#11 tokens instead.
"""

from __future__ import annotations

from pki._devpki import (
    DEFAULT_PORT,
    DevIdentity,
    DevPki,
    dev_sign_settings,
    ensure_dev_pki,
    open_dev_pki,
    resolved_sign_settings,
)
from pki._guard import DevPkiGuard, dev_pki_services
from pki._officers import dev_officer, dev_officers, officer_label
from pki._serve import DevPkiServices, build_app, run_dev_pki_forever, serve_dev_pki
from pki._trust import verify_settings

__all__ = [
    "DEFAULT_PORT",
    "DevIdentity",
    "DevPki",
    "DevPkiGuard",
    "DevPkiServices",
    "build_app",
    "dev_officer",
    "dev_officers",
    "dev_pki_services",
    "dev_sign_settings",
    "ensure_dev_pki",
    "officer_label",
    "open_dev_pki",
    "resolved_sign_settings",
    "run_dev_pki_forever",
    "serve_dev_pki",
    "verify_settings",
]
