"""Hostile and broken files get a report or a stable error code, within the time limit, one signature at a time."""

from __future__ import annotations

import io
import zlib

import pikepdf
import pytest
from asn1crypto import cms
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from pipeline.sign import sign_pdf
from pipeline.verify import verify_pdf
from pipeline.verify._document import bounded_stream
from schemas.errors import ErrorCode, LimitExceeded, SohoaError, VerificationError
from schemas.settings import VerifySettings
from tests.fixtures_pki import FROZEN
from tests.verify.forge import append, append_raw, contents_of_last, next_free, page_of, with_contents
from tests.verify.shared_files import interop


@pytest.fixture(scope="module")
def two_signed(signers, sign_cfg, blank_pdf) -> bytes:
    """The officer's signature, then the agency's: the second may be broken without touching the first."""
    first = sign_pdf(blank_pdf, signer=signers["officer"], level="B-B", appearance="none", cfg=sign_cfg, now=FROZEN)
    return sign_pdf(first, signer=signers["agency"], level="B-B", appearance="none", cfg=sign_cfg, now=FROZEN)


@pytest.fixture(scope="module")
def offline(dev_pki) -> VerifySettings:
    return VerifySettings(trust_roots=(dev_pki.root_cert,))


def test_badly_encoded_cms_fails_that_signature_and_the_others_are_still_checked(two_signed, offline):
    der = contents_of_last(two_signed)
    broken = with_contents(two_signed, der[:40] + b"\xff" * 32 + der[72:])
    first, second = verify_pdf(broken, cfg=offline, now=FROZEN).signatures
    assert first.valid, first.problems
    assert "signature_unreadable" in second.problems
    assert (second.indication, second.sub_indication) == ("TOTAL_FAILED", "FORMAT_FAILURE")


def test_cms_with_an_unknown_digest_algorithm_is_indeterminate_not_a_crash(two_signed, offline):
    info = cms.ContentInfo.load(contents_of_last(two_signed))
    signed_data = info["content"]
    signer = signed_data["signer_infos"][0]
    signer["digest_algorithm"] = {"algorithm": "1.2.3.4.5.6.7"}
    signed_data["digest_algorithms"] = [{"algorithm": "1.2.3.4.5.6.7"}]
    report = verify_pdf(with_contents(two_signed, info.dump(force=True)), cfg=offline, now=FROZEN)
    second = report.signatures[1]
    assert "unsupported_algorithm" in second.problems
    assert (second.indication, second.sub_indication) == ("INDETERMINATE", "CRYPTO_CONSTRAINTS_FAILURE")
    assert "1.2.3.4.5.6.7" in second.advice_en


def test_empty_compressed_cms_is_an_unreadable_signature(two_signed, offline):
    empty = cms.ContentInfo({"content_type": "compressed_data", "content": cms.CompressedData({
        "version": "v0", "compression_algorithm": {"algorithm": "zlib"},
        "encap_content_info": {"content_type": "data", "content": zlib.compress(b"")}})})
    report = verify_pdf(with_contents(two_signed, empty.dump()), cfg=offline, now=FROZEN)
    assert "signature_unreadable" in report.signatures[1].problems
    assert report.signatures[0].valid


def test_a_stream_without_endstream_after_signing_does_not_stop_verification(two_signed, offline):
    num = next_free(two_signed)
    damaged = append_raw(two_signed, {num: b"<< /Length 4000 >>\nstream\nBT /F1 9 Tf (no end) Tj ET\n"},
                         trailer_extra=f"/Info {num} 0 R ".encode())
    report = verify_pdf(damaged, cfg=offline, now=FROZEN)
    assert [s.intact for s in report.signatures] == [True, True]


def test_field_names_with_periods_are_read(offline):
    """pyHanko refuses partial names holding a period; DSS's file has one."""
    report = verify_pdf(interop("pades-same-border-annotations.pdf").read_bytes(), cfg=offline)
    assert [s.field for s in report.signatures] == ["El.Podpis - PAdES [0]"]
    assert report.signatures[0].intact and report.signatures[0].crypto_valid


def test_a_loop_in_the_object_graph_after_signing_is_named_not_followed_forever(two_signed, offline):
    """A form XObject that draws itself, drawn on page 1 after signing."""
    def loop(w: IncrementalPdfFileWriter) -> None:
        xobject = generic.StreamObject({"/Type": generic.NameObject("/XObject"),
                                        "/Subtype": generic.NameObject("/Form"),
                                        "/BBox": generic.ArrayObject([generic.NumberObject(0)] * 4)},
                                       stream_data=b"/Loop Do")
        ref = w.add_object(xobject)
        xobject["/Resources"] = generic.DictionaryObject(
            {"/XObject": generic.DictionaryObject({"/Loop": ref})})
        page = page_of(w)
        page["/Resources"]["/XObject"] = generic.DictionaryObject({"/Loop": ref})
        page["/Contents"] = w.add_object(generic.StreamObject(stream_data=b"/Loop Do"))
        w.update_container(page)

    report = verify_pdf(append(two_signed, loop), cfg=offline, now=FROZEN)
    for sig in report.signatures:
        assert "page_content_changed" in {c.kind for c in sig.changes if not c.allowed}
        assert sig.indication == "TOTAL_FAILED"


def test_a_decompression_bomb_in_the_dss_is_not_inflated(two_signed, offline):
    bomb = zlib.compress(b"\0" * (64 * 1024 * 1024), 9)

    def add_dss(w: IncrementalPdfFileWriter) -> None:
        stream = generic.StreamObject({"/Filter": generic.NameObject("/FlateDecode")}, encoded_data=bomb)
        w.root["/DSS"] = w.add_object(generic.DictionaryObject(
            {"/Certs": generic.ArrayObject([w.add_object(stream)])}))
        w.update_root()

    report = verify_pdf(append(two_signed, add_dss), cfg=offline, now=FROZEN)
    assert [s.intact for s in report.signatures] == [True, True]
    pdf = pikepdf.new()
    assert bounded_stream(pdf.make_stream(bomb, Filter=pikepdf.Name.FlateDecode), 16 * 1024 * 1024) == b""


def test_thousands_of_fields_sharing_one_signature_stop_at_the_field_limit(two_signed, offline):
    def many(w: IncrementalPdfFileWriter) -> None:
        form = w.root["/AcroForm"]
        value = form["/Fields"][0].get_object().raw_get("/V")
        for i in range(2000):
            form["/Fields"].append(w.add_object(generic.DictionaryObject({
                "/FT": generic.NameObject("/Sig"), "/T": generic.TextStringObject(f"copy{i}"), "/V": value})))
        w.update_container(form)

    cfg = offline.model_copy(update={"max_signatures": 300})
    report = verify_pdf(append(two_signed, many), cfg=cfg, now=FROZEN)
    assert len(report.signatures) == 300
    assert report.notes == ("only the first 300 signature fields were checked",)
    pooled = [c for c in report.signatures[0].changes if " changes like: " in c.what]
    assert pooled and len(report.signatures[0].changes) < 20  # one entry for the 2000 new fields, not 2000


def test_twenty_four_signatures_in_one_file_are_all_judged(signers, sign_cfg, blank_pdf, offline):
    data = blank_pdf
    for _ in range(24):
        data = sign_pdf(data, signer=signers["officer"], level="B-B", appearance="none", cfg=sign_cfg, now=FROZEN)
    report = verify_pdf(data, cfg=offline, now=FROZEN)
    assert len(report.signatures) == 24
    assert report.valid, report.to_text("en")


def test_a_file_that_runs_past_its_time_limit_gets_a_stable_code_and_the_next_one_is_verified(
        two_signed, offline, monkeypatch):
    import pipeline.verify._verify as stages

    def endless(*args: object, **kwargs: object) -> None:
        while True:  # a pure-Python loop deep in a library: only the guard can stop it
            pass

    monkeypatch.setattr(stages, "changes_after", endless)
    with pytest.raises(VerificationError) as e:
        verify_pdf(two_signed, cfg=offline.model_copy(update={"timeout_s": 1.0}), now=FROZEN)
    assert e.value.code == ErrorCode.VERIFY_TIMEOUT
    monkeypatch.undo()
    assert verify_pdf(two_signed, cfg=offline, now=FROZEN).valid


def test_a_password_protected_pdf_is_refused_as_password_required(offline):
    pdf = pikepdf.new()
    pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out, encryption=pikepdf.Encryption(user="secret", owner="owner"))
    with pytest.raises(SohoaError) as e:
        verify_pdf(out.getvalue(), cfg=offline)
    assert e.value.code == ErrorCode.PASSWORD_REQUIRED


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(two_signed, offline):
    with pytest.raises(LimitExceeded) as e:
        verify_pdf(two_signed, cfg=offline.model_copy(update={"max_bytes": 1000}))
    assert e.value.code == ErrorCode.FILE_TOO_LARGE
