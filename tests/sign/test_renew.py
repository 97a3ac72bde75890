"""``archive renew`` near the TSA certificate's expiry: due only then, and the renewed file outlives its certificates.

The clock is frozen: the file is signed at ``FROZEN`` (2025); the services are
then moved to 30 days before the TSA certificate expires (2035), when the
officer's certificate (3 years) has long expired and every OCSP/CRL answer the
file carries is stale. Verification there is offline, from the file alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from pyhanko.sign.ades.report import AdESPassed

from pipeline.sign import check_renewal, load_certs, renew_archive_timestamp, sign_pdf
from pipeline.verify import verify_pdf
from schemas.settings import VerifySettings
from tests.fixtures_pki import FROZEN, ades_lta_indication

_YEAR = timedelta(days=365)


@pytest.fixture(scope="module")
def archived(signers, sign_cfg, blank_pdf) -> bytes:
    """A B-LTA file made at the frozen time."""
    return sign_pdf(blank_pdf, signer=signers["officer"], level="B-LTA", appearance="scan", cfg=sign_cfg,
                    now=FROZEN)


@pytest.fixture(scope="module")
def tsa_expiry(dev_pki) -> datetime:
    return load_certs([dev_pki.tsa_cert])[0].not_valid_after


@pytest.fixture
def near_expiry(pki_services, tsa_expiry) -> Iterator[datetime]:
    """The services answer 30 days before the TSA certificate expires; back to ``FROZEN`` afterwards."""
    late = tsa_expiry - timedelta(days=30)
    pki_services.at_time = late
    try:
        yield late
    finally:
        pki_services.at_time = FROZEN


def _offline(dev_pki) -> VerifySettings:  # type: ignore[no-untyped-def]
    return VerifySettings(trust_roots=(dev_pki.root_cert,), allow_fetching=False)


def test_renewal_is_due_only_when_the_tsa_certificate_nears_expiry(archived, tsa_expiry):
    at_signing = check_renewal(archived, within=_YEAR, now=FROZEN)
    near = check_renewal(archived, within=_YEAR, now=tsa_expiry - timedelta(days=30))

    assert at_signing.has_timestamp and at_signing.expires == tsa_expiry and not at_signing.due
    assert near.due


def test_renewed_file_verifies_offline_after_its_certificates_expired(archived, sign_cfg, dev_pki, near_expiry):
    officer_expiry = load_certs([dev_pki.identities["officer"].cert])[0].not_valid_after
    assert officer_expiry < near_expiry  # the signer's certificate is long expired by then

    renewed = renew_archive_timestamp(archived, cfg=sign_cfg, now=near_expiry)

    report = verify_pdf(renewed, cfg=_offline(dev_pki), now=near_expiry)
    assert report.valid, report.to_text("en")
    signature, first_ts, renewal_ts = report.signatures
    assert signature.level == "B-LTA" and signature.offline
    # judged as of its timestamp, which the document timestamps prove existed then
    assert signature.validation_time == FROZEN.isoformat()
    assert first_ts.kind == renewal_ts.kind == "doc_timestamp"
    assert renewal_ts.timestamp_time == near_expiry.astimezone(FROZEN.tzinfo).isoformat()
    # pyHanko's own archival validation agrees, from the file alone
    assert ades_lta_indication(renewed, dev_pki.root_cert, near_expiry) == AdESPassed.OK


def test_unrenewed_file_fails_pyhanko_archival_validation_near_expiry(archived, dev_pki, tsa_expiry):
    assert ades_lta_indication(archived, dev_pki.root_cert, tsa_expiry - timedelta(days=30)) != AdESPassed.OK


def test_unrenewed_file_is_invalid_once_the_tsa_certificate_has_expired(archived, dev_pki, tsa_expiry):
    report = verify_pdf(archived, cfg=_offline(dev_pki), now=tsa_expiry + timedelta(days=30))

    assert not report.valid
    assert "certificate_expired" in report.signatures[-1].problems
