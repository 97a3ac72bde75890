"""Several signatures as incremental updates: a certified result, then signer and seal, each earlier one still valid."""

from __future__ import annotations

import asyncio
import io

import pytest
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import async_validate_pdf_signature, read_certification_data

from pipeline.sign import SignMeta, load_certs, sign_pdf, sign_result
from pipeline.sign._trust import validation_context
from pipeline.verify import verify_pdf
from schemas.errors import ErrorCode, SohoaError
from tests.fixtures_pki import FROZEN
from tests.sign.test_levels import pdfsig


@pytest.fixture(scope="module")
def certified_result(signers, sign_cfg, blank_pdf) -> bytes:
    """A result as the agency issues it: certified (P=2), then the signer's signature, then the seal (B-LTA)."""
    return sign_result(blank_pdf, signer=signers["signer"], agency=signers["agency"], level="B-LTA",
                       meta=SignMeta(title="CHỦ TỊCH", reason="Ban hành kết quả"), cfg=sign_cfg, now=FROZEN)


def _pyhanko_statuses(data: bytes, dev_pki) -> list:  # type: ignore[no-untyped-def]
    """pyHanko's own validation of every approval/certification signature, with its default diff policy."""
    roots = load_certs([dev_pki.root_cert])

    async def run() -> list:  # type: ignore[type-arg]
        out = []
        for sig in PdfFileReader(io.BytesIO(data)).embedded_signatures:
            if sig.sig_object_type == "/Sig":
                vc = validation_context(roots=roots, allow_fetching=True, moment=FROZEN)
                out.append(await async_validate_pdf_signature(sig, signer_validation_context=vc))
        return out

    return asyncio.run(run())


def test_result_is_certified_for_form_filling_and_signed_in_prepared_fields(certified_result):
    reader = PdfFileReader(io.BytesIO(certified_result))
    docmdp = read_certification_data(reader)
    assert docmdp is not None and docmdp.permission == fields.MDPPerm.FILL_FORMS
    names = [s.field_name for s in reader.embedded_signatures if s.sig_object_type == "/Sig"]
    assert names == ["Sig_certify_1", "Sig_result_1", "Sig_seal_1"]
    # the two visible fields were made by the certifying revision, not by the later signers
    first = reader.embedded_signatures[0]
    assert {"Sig_result_1", "Sig_seal_1"} <= {name for name, _, _ in fields.enumerate_sig_fields(
        first.reader.get_historical_resolver(first.signed_revision))}


def test_certified_result_verifies_with_ours_pyhanko_and_pdfsig(certified_result, verify_cfg, dev_pki, tmp_path):
    report = verify_pdf(certified_result, cfg=verify_cfg, now=FROZEN)
    assert report.valid, report.to_text("en")
    sigs = [s for s in report.signatures if s.kind == "signature"]
    assert [s.signer_cn.split(" (")[0] for s in sigs] == ["UBND Phường Bến Nghé", "Lê Minh Chánh",
                                                         "UBND Phường Bến Nghé"]
    assert all(s.docmdp_ok and s.level == "B-LTA" for s in sigs)

    statuses = _pyhanko_statuses(certified_result, dev_pki)
    assert all(st.bottom_line and st.docmdp_ok for st in statuses)
    assert all(st.modification_level <= ModificationLevel.FORM_FILLING for st in statuses)

    out = pdfsig(certified_result, tmp_path)
    assert out.count("Signature Validation: Signature is Valid.") == 3, out


def test_we_refuse_a_new_visible_signature_on_a_certified_result(certified_result, signers, sign_cfg):
    with pytest.raises(SohoaError) as e:
        sign_pdf(certified_result, signer=signers["officer"], level="B-B", appearance="copy", cfg=sign_cfg,
                 meta=SignMeta(copy_form="SAO Y"), now=FROZEN)
    assert e.value.code == ErrorCode.PDF_LOCKED


def test_a_new_visible_signature_made_elsewhere_after_certification_is_caught(certified_result, signers,
                                                                             verify_cfg):
    """Plain pyHanko adds the visible field our signer refuses to add: the certification no longer holds."""
    from pyhanko.sign import signers as pyhanko_signers

    writer = IncrementalPdfFileWriter(io.BytesIO(certified_result))
    meta = pyhanko_signers.PdfSignatureMetadata(field_name="Intruder", subfilter=fields.SigSeedSubFilter.PADES)
    spec = fields.SigFieldSpec(sig_field_name="Intruder", on_page=0, box=(20, 20, 220, 80))
    out = pyhanko_signers.PdfSigner(meta, signers["officer"].backend, new_field_spec=spec).sign_pdf(writer)

    report = verify_pdf(out.getvalue(), cfg=verify_cfg, now=FROZEN)
    assert not report.valid
    certification = report.signatures[0]
    assert certification.field == "Sig_certify_1"
    assert "disallowed_changes_after_signing" in certification.problems


def test_a_page_added_after_certification_is_caught(certified_result, verify_cfg):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.writer import PageObject

    writer = IncrementalPdfFileWriter(io.BytesIO(certified_result))
    writer.insert_page(PageObject(contents=writer.add_object(generic.StreamObject(stream_data=b"BT ET")),
                                  media_box=(0, 0, 595, 842)))
    out = io.BytesIO()
    writer.write(out)

    report = verify_pdf(out.getvalue(), cfg=verify_cfg, now=FROZEN)
    assert not report.valid
    assert all("disallowed_changes_after_signing" in s.problems for s in report.signatures if s.kind == "signature")


def test_officer_scan_then_result_signatures_all_stay_valid(signers, sign_cfg, verify_cfg, blank_pdf):
    """A document signed before cannot be certified any more: signer and seal are approvals after the officer's."""
    scan = sign_pdf(blank_pdf, signer=signers["officer"], level="B-T", appearance="scan", cfg=sign_cfg, now=FROZEN)
    result = sign_result(scan, signer=signers["signer"], agency=signers["agency"], level="B-LT", cfg=sign_cfg,
                         meta=SignMeta(title="CHỦ TỊCH"), now=FROZEN)

    assert read_certification_data(PdfFileReader(io.BytesIO(result))) is None
    report = verify_pdf(result, cfg=verify_cfg, now=FROZEN)
    sigs = [s for s in report.signatures if s.kind == "signature"]
    assert [s.signer_cn.split(" (")[0] for s in sigs] == ["Nguyễn Văn An", "Lê Minh Chánh", "UBND Phường Bến Nghé"]
    assert report.valid, report.to_text("en")
    assert all(s.docmdp_ok for s in sigs)
