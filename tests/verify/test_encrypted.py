"""Encrypted PDFs: permission-only encryption (any viewer opens it) is verified; a user password is asked for."""

from __future__ import annotations

import io

import pikepdf
import pytest
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields
from pyhanko.sign import signers as pyhanko_signers

from pipeline.verify import verify_pdf
from schemas.errors import ErrorCode, SohoaError
from schemas.settings import VerifySettings
from tests.fixtures_pki import FROZEN, make_pdf


def _encrypted(user: str) -> bytes:
    pdf = pikepdf.open(io.BytesIO(make_pdf()))
    out = io.BytesIO()
    pdf.save(out, encryption=pikepdf.Encryption(user=user, owner="chủ sở hữu", aes=True,
                                                 allow=pikepdf.Permissions(modify_other=False)))
    return out.getvalue()


def _sign(data: bytes, password: str, signer) -> bytes:  # type: ignore[no-untyped-def]
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    writer.encrypt(password)
    meta = pyhanko_signers.PdfSignatureMetadata(field_name="Sig1", subfilter=fields.SigSeedSubFilter.PADES)
    return pyhanko_signers.PdfSigner(meta, signer.backend).sign_pdf(writer).getvalue()  # type: ignore[no-any-return]


def test_permission_only_encrypted_signed_pdf_is_opened_and_verified(signers, dev_pki):
    signed = _sign(_encrypted(""), "", signers["officer"])
    report = verify_pdf(signed, cfg=VerifySettings(trust_roots=(dev_pki.root_cert,)), now=FROZEN)
    assert report.encrypted
    [sig] = report.signatures
    assert sig.field == "Sig1" and sig.intact and sig.crypto_valid
    assert report.valid, report.to_text("en")


def test_pdf_that_needs_a_password_is_password_required_even_when_signed(signers, dev_pki):
    signed = _sign(_encrypted("mật khẩu"), "mật khẩu", signers["officer"])
    with pytest.raises(SohoaError) as e:
        verify_pdf(signed, cfg=VerifySettings(trust_roots=(dev_pki.root_cert,)))
    assert e.value.code == ErrorCode.PASSWORD_REQUIRED
