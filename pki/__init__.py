"""The development PKI: a root and issuing CA, agency and officer certificates, a TSA, and their services.

Made on first run and marked DEVELOPMENT everywhere; served on 127.0.0.1 (RFC
3161 TSA, OCSP, CRLs) by certomancer, in-process or as ``sohoa pki serve``.
Production signs with a PKCS#12 file or a PKCS#11 token instead.
"""

from __future__ import annotations

from pki._devpki import DEFAULT_PORT, DevIdentity, DevPki, ensure_dev_pki, open_dev_pki
from pki._serve import DevPkiServices, run_dev_pki_forever, serve_dev_pki

__all__ = [
    "DEFAULT_PORT",
    "DevIdentity",
    "DevPki",
    "DevPkiServices",
    "ensure_dev_pki",
    "open_dev_pki",
    "run_dev_pki_forever",
    "serve_dev_pki",
]
