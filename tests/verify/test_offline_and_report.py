"""An archived B-LT/B-LTA file verifies offline from what it carries; reports read in Vietnamese and English."""

from __future__ import annotations

import json

from pipeline.sign import sign_pdf
from pipeline.verify import verify_pdf
from schemas.settings import VerifySettings


def test_b_lt_validates_offline_from_embedded_revocation_data(signers, sign_cfg, dev_pki, blank_pdf):
    signed = sign_pdf(blank_pdf, signer=signers["officer"], level="B-LT", appearance="none", cfg=sign_cfg)
    report = verify_pdf(signed, cfg=VerifySettings(trust_roots=(dev_pki.root_cert,), allow_fetching=False))
    entry = report.signatures[0]
    assert report.valid, report.to_text("en")
    assert entry.offline and entry.revocation == "good" and entry.level == "B-LT"


def test_b_t_offline_without_embedded_data_leaves_revocation_unchecked(signers, sign_cfg, dev_pki, blank_pdf):
    signed = sign_pdf(blank_pdf, signer=signers["officer"], level="B-T", appearance="none", cfg=sign_cfg)
    report = verify_pdf(signed, cfg=VerifySettings(trust_roots=(dev_pki.root_cert,), allow_fetching=False))
    assert report.signatures[0].revocation == "not_checked"
    assert report.signatures[0].level == "B-T"


def test_report_reads_in_vietnamese_and_english_and_as_json(signers, sign_cfg, verify_cfg, blank_pdf):
    signed = sign_pdf(blank_pdf, signer=signers["officer"], level="B-T", appearance="scan", cfg=sign_cfg)
    report = verify_pdf(signed, cfg=verify_cfg)
    assert "HỢP LỆ" in report.to_text("vi") and "Ký bởi: Nguyễn Văn An" in report.to_text("vi")
    assert "VALID" in report.to_text("en") and "Signed by" in report.to_text("en")
    data = json.loads(report.to_json())
    assert data["valid"] is True
    assert data["signatures"][0]["timestamp_time"].endswith("+07:00")
