"""An archived B-LT/B-LTA file verifies offline from what it carries; reports read in Vietnamese and English."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from pipeline.sign import sign_pdf
from pipeline.verify import verify_pdf
from schemas.settings import VerifySettings
from tests.fixtures_pki import FROZEN


def test_b_lt_validates_offline_from_embedded_revocation_data(signers, sign_cfg, dev_pki, blank_pdf):
    signed = sign_pdf(blank_pdf, signer=signers["officer"], level="B-LT", appearance="none", cfg=sign_cfg, now=FROZEN)
    report = verify_pdf(signed, cfg=VerifySettings(trust_roots=(dev_pki.root_cert,), allow_fetching=False), now=FROZEN)
    entry = report.signatures[0]
    assert report.valid, report.to_text("en")
    assert entry.offline and entry.revocation == "good" and entry.level == "B-LT"


@pytest.mark.parametrize("later", [timedelta(hours=1), timedelta(days=400)])
def test_b_lt_still_validates_offline_after_its_ocsp_answer_went_stale(later, signers, sign_cfg, dev_pki, blank_pdf):
    """The embedded OCSP answer is good for minutes; the signature is judged as of its timestamp."""
    signed = sign_pdf(blank_pdf, signer=signers["officer"], level="B-LT", appearance="none", cfg=sign_cfg, now=FROZEN)
    offline = VerifySettings(trust_roots=(dev_pki.root_cert,), allow_fetching=False)

    report = verify_pdf(signed, cfg=offline, now=FROZEN + later)
    entry = report.signatures[0]
    assert report.valid, report.to_text("en")
    assert entry.level == "B-LT" and entry.revocation == "good"
    assert entry.validation_time == FROZEN.isoformat()


def test_b_t_offline_without_embedded_data_leaves_revocation_unchecked(signers, sign_cfg, dev_pki, blank_pdf):
    signed = sign_pdf(blank_pdf, signer=signers["officer"], level="B-T", appearance="none", cfg=sign_cfg, now=FROZEN)
    report = verify_pdf(signed, cfg=VerifySettings(trust_roots=(dev_pki.root_cert,), allow_fetching=False), now=FROZEN)
    assert report.signatures[0].revocation == "not_checked"
    assert report.signatures[0].level == "B-T"


def test_report_reads_in_vietnamese_and_english_and_as_json(signers, sign_cfg, verify_cfg, blank_pdf):
    signed = sign_pdf(blank_pdf, signer=signers["officer"], level="B-T", appearance="scan", cfg=sign_cfg, now=FROZEN)
    report = verify_pdf(signed, cfg=verify_cfg, now=FROZEN)
    assert "HỢP LỆ" in report.to_text("vi") and "Ký bởi: Nguyễn Văn An" in report.to_text("vi")
    assert "VALID" in report.to_text("en") and "Signed by" in report.to_text("en")
    data = json.loads(report.to_json())
    assert data["valid"] is True
    assert data["signatures"][0]["timestamp_time"].endswith("+07:00")
