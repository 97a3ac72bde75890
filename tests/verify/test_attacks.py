"""Verification catches tampering: a changed byte, appended changes (shadow attacks), untrusted keys, bad timestamps."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from pipeline.sign import sign_pdf
from pipeline.verify import verify_pdf
from schemas.errors import ErrorCode, SohoaError
from tests.fixtures_pki import FROZEN


@pytest.fixture(scope="module")
def signed(signers, sign_cfg, blank_pdf) -> bytes:
    return sign_pdf(blank_pdf, signer=signers["officer"], level="B-T", appearance="scan", cfg=sign_cfg, now=FROZEN)


def test_one_byte_changed_inside_the_signed_range_is_caught(signed, verify_cfg):
    pos = signed.index(b"/Helvetica")
    tampered = signed[:pos + 1] + b"J" + signed[pos + 2:]
    report = verify_pdf(tampered, cfg=verify_cfg, now=FROZEN)
    assert not report.valid
    assert "bytes_changed" in report.signatures[0].problems


def _append(signed: bytes, change) -> bytes:  # type: ignore[no-untyped-def]
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_appended_page_is_caught(signed, verify_cfg):
    def add_page(w: IncrementalPdfFileWriter) -> None:
        from pyhanko.pdf_utils.writer import PageObject

        w.insert_page(PageObject(contents=w.add_object(generic.StreamObject(stream_data=b"BT ET")),
                                 media_box=(0, 0, 595, 842)))

    report = verify_pdf(_append(signed, add_page), cfg=verify_cfg, now=FROZEN)
    assert not report.valid
    assert "disallowed_changes_after_signing" in report.signatures[0].problems


def test_changed_page_text_appended_after_signing_is_caught(signed, verify_cfg):
    def change_text(w: IncrementalPdfFileWriter) -> None:
        page_ref = w.root["/Pages"]["/Kids"][0]
        page = page_ref.get_object()
        page["/Contents"] = w.add_object(generic.StreamObject(
            stream_data=b"BT /F1 14 Tf 72 700 Td (Shadow text) Tj ET"))
        w.update_container(page)

    report = verify_pdf(_append(signed, change_text), cfg=verify_cfg, now=FROZEN)
    assert not report.valid
    assert report.signatures[0].modifications == "other"


def test_form_field_changed_after_signing_is_caught(signed, verify_cfg):
    def change_field(w: IncrementalPdfFileWriter) -> None:
        field = w.root["/AcroForm"]["/Fields"][0].get_object()
        field["/TU"] = generic.TextStringObject("changed")
        field["/Rect"] = generic.ArrayObject([generic.FloatObject(v) for v in (0, 0, 1, 1)])
        w.update_container(field)

    report = verify_pdf(_append(signed, change_field), cfg=verify_cfg, now=FROZEN)
    assert not report.valid


def test_signature_by_an_untrusted_key_is_caught(signed, tmp_path):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    from schemas.settings import VerifySettings

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Stranger root")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(datetime(2020, 1, 1)).not_valid_after(datetime(2040, 1, 1))
            .sign(key, hashes.SHA256()))
    (tmp_path / "stranger.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    report = verify_pdf(signed, cfg=VerifySettings(trust_roots=(tmp_path / "stranger.pem",)), now=FROZEN)
    assert not report.valid
    assert "untrusted_chain" in report.signatures[0].problems


def test_timestamp_over_other_data_is_caught(signers, sign_cfg, verify_cfg, blank_pdf, monkeypatch):
    from pyhanko.sign.timestamps import HTTPTimeStamper

    class WrongImprint(HTTPTimeStamper):
        async def async_timestamp(self, message_digest, md_algorithm):  # type: ignore[no-untyped-def]
            return await super().async_timestamp(bytes(len(message_digest)), md_algorithm)

    officer = signers["officer"]
    monkeypatch.setattr(officer, "timestamper", lambda cfg: WrongImprint(cfg.tsa_url))
    bad = sign_pdf(blank_pdf, signer=officer, level="B-T", appearance="none", cfg=sign_cfg, now=FROZEN)
    monkeypatch.undo()
    report = verify_pdf(bad, cfg=verify_cfg, now=FROZEN)
    assert not report.valid
    assert "timestamp_invalid" in report.signatures[0].problems


@pytest.mark.parametrize(("data", "code"), [(b"not a pdf", ErrorCode.NOT_A_PDF),
                                            (b"%PDF-1.7\ngarbage", ErrorCode.CORRUPT_PDF)])
def test_unreadable_input_raises_a_stable_code(data, code, verify_cfg):
    with pytest.raises(SohoaError) as e:
        verify_pdf(data, cfg=verify_cfg, now=FROZEN)
    assert e.value.code == code


def test_unsigned_pdf_is_not_valid(blank_pdf, verify_cfg):
    assert not verify_pdf(blank_pdf, cfg=verify_cfg, now=FROZEN).valid
