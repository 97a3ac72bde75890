"""Several signatures as incremental updates: officer → signer → agency seal, each earlier one still valid."""

from __future__ import annotations

from pipeline.sign import SignMeta, sign_pdf, sign_result
from pipeline.verify import verify_pdf


def test_officer_then_result_and_seal_all_stay_valid(signers, sign_cfg, verify_cfg, blank_pdf):
    scan = sign_pdf(blank_pdf, signer=signers["officer"], level="B-T", appearance="scan", cfg=sign_cfg)
    result = sign_result(scan, signer=signers["signer"], agency=signers["agency"], level="B-LTA", cfg=sign_cfg,
                         meta=SignMeta(title="CHỦ TỊCH"))

    report = verify_pdf(result, cfg=verify_cfg)
    sigs = [s for s in report.signatures if s.kind == "signature"]
    assert [s.signer_cn.split(" (")[0] for s in sigs] == ["Nguyễn Văn An", "Lê Minh Chánh", "UBND Phường Bến Nghé"]
    assert report.valid, report.to_text("en")
    assert all(s.docmdp_ok for s in sigs)


def test_certification_signature_allows_a_later_invisible_approval(signers, sign_cfg, verify_cfg, blank_pdf):
    import io

    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation.pdf_embedded import read_certification_data

    certified = sign_pdf(blank_pdf, signer=signers["signer"], level="B-T", appearance="result", cfg=sign_cfg,
                         meta=SignMeta(certify=True, docmdp="fill_forms", title="CHỦ TỊCH"))
    both = sign_pdf(certified, signer=signers["agency"], level="B-T", appearance="none", cfg=sign_cfg)

    assert read_certification_data(PdfFileReader(io.BytesIO(both))) is not None
    report = verify_pdf(both, cfg=verify_cfg)
    assert report.valid, report.to_text("en")
