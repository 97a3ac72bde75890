"""PAdES signing with pyHanko: B-B, B-T, B-LT, B-LTA; PKCS#12 or PKCS#11 keys; Vietnamese stamps.

Assembled from parts as pyHanko is: who signs (:func:`load_signer` for the agency,
:func:`load_officer_signer` for each officer's own key, kept in a
:class:`SignerCache`), what (:class:`SignMeta`), where and how it looks (the appearance:
``scan``, ``result``, ``seal``, ``copy``), when (the RFC 3161 timestamper of the
settings). Workers call :func:`sign_pdf`; the API awaits :func:`async_sign_pdf`.
"""

from __future__ import annotations

from pipeline.sign._cache import SignerCache
from pipeline.sign._keys import KeyInfo, dev_identity_paths
from pipeline.sign._meta import APPEARANCES, LEVELS, Appearance, DocMdp, Level, SignMeta
from pipeline.sign._officers import DevIssuer, load_officer_signer, officer_key, read_registry_file
from pipeline.sign._renew import RenewalCheck, check_renewal, renew_archive_timestamp
from pipeline.sign._result import sign_result
from pipeline.sign._sign import async_sign_pdf, check_level, open_for_signing, sign_pdf, signing_time
from pipeline.sign._signer import Signer, load_signer
from pipeline.sign._trust import load_certs

__all__ = [
    "APPEARANCES",
    "LEVELS",
    "Appearance",
    "DevIssuer",
    "DocMdp",
    "KeyInfo",
    "Level",
    "RenewalCheck",
    "SignMeta",
    "Signer",
    "SignerCache",
    "async_sign_pdf",
    "check_level",
    "check_renewal",
    "dev_identity_paths",
    "load_certs",
    "load_officer_signer",
    "load_signer",
    "officer_key",
    "open_for_signing",
    "read_registry_file",
    "renew_archive_timestamp",
    "sign_pdf",
    "sign_result",
    "signing_time",
]
