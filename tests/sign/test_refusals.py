"""Bad input and bad certificates: each refused with its stable error code, nothing half written."""

from __future__ import annotations

import asyncio
import io
import socket
import threading

import pikepdf
import pytest

from pipeline.sign import SignMeta, load_signer, sign_pdf
from schemas.errors import ErrorCode, SohoaError
from tests.fixtures_pki import FROZEN, free_port


def _code(excinfo: pytest.ExceptionInfo[SohoaError]) -> ErrorCode:
    return excinfo.value.code


def test_not_a_pdf_is_refused(signers, sign_cfg):
    with pytest.raises(SohoaError) as e:
        sign_pdf(b"hello, not a pdf", signer=signers["officer"], level="B-B", cfg=sign_cfg, now=FROZEN)
    assert _code(e) == ErrorCode.NOT_A_PDF


def test_corrupt_pdf_is_refused(signers, sign_cfg):
    with pytest.raises(SohoaError) as e:
        sign_pdf(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage", signer=signers["officer"], level="B-B",
                 cfg=sign_cfg, now=FROZEN)
    assert _code(e) == ErrorCode.CORRUPT_PDF


def test_encrypted_pdf_is_refused(signers, sign_cfg, blank_pdf):
    out = io.BytesIO()
    pikepdf.open(io.BytesIO(blank_pdf)).save(out, encryption=pikepdf.Encryption(owner="o", user="u"))
    with pytest.raises(SohoaError) as e:
        sign_pdf(out.getvalue(), signer=signers["officer"], level="B-B", cfg=sign_cfg, now=FROZEN)
    assert _code(e) == ErrorCode.ENCRYPTED_PDF


def test_pdf_certified_no_changes_is_refused(signers, sign_cfg, blank_pdf):
    locked = sign_pdf(blank_pdf, signer=signers["agency"], level="B-B", appearance="none", cfg=sign_cfg,
                      meta=SignMeta(certify=True, docmdp="no_changes"), now=FROZEN)
    with pytest.raises(SohoaError) as e:
        sign_pdf(locked, signer=signers["officer"], level="B-B", cfg=sign_cfg, now=FROZEN)
    assert _code(e) == ErrorCode.PDF_LOCKED


@pytest.mark.parametrize(("identity", "code"), [
    ("test-expired", ErrorCode.CERT_EXPIRED),
    ("test-revoked", ErrorCode.CERT_REVOKED),
    ("test-nosign", ErrorCode.CERT_NOT_FOR_SIGNING),
])
def test_unfit_signer_certificate_is_refused_before_signing(identity, code, sign_cfg, blank_pdf):
    signer = load_signer(sign_cfg, role="officer", identity=identity)
    try:
        with pytest.raises(SohoaError) as e:
            sign_pdf(blank_pdf, signer=signer, level="B-B", cfg=sign_cfg, now=FROZEN)
        assert _code(e) == code
    finally:
        signer.close()


def test_revoked_is_what_the_local_ocsp_responder_says(sign_cfg, dev_pki):
    """The revoked test certificate is valid by dates and usage: only the OCSP answer refuses it."""
    from pipeline.sign import load_certs

    cert = load_certs([dev_pki.identities["test-revoked"].cert])[0]
    assert set(cert.key_usage_value.native) >= {"digital_signature"}
    assert cert.ocsp_urls == [dev_pki.ocsp_url]


def test_wrong_pkcs12_password_is_refused(sign_cfg, dev_pki):
    from pydantic import SecretStr

    cfg = sign_cfg.model_copy(update={"key_source": "pkcs12", "pkcs12_path": dev_pki.identities["agency"].pkcs12,
                                      "pkcs12_password": SecretStr("wrong")})
    with pytest.raises(SohoaError) as e:
        load_signer(cfg, role="agency")
    assert _code(e) == ErrorCode.WRONG_PIN


def test_missing_password_outside_dev_is_a_config_error(sign_cfg, dev_pki):
    cfg = sign_cfg.model_copy(update={"key_source": "pkcs12", "pkcs12_path": dev_pki.identities["agency"].pkcs12})
    with pytest.raises(SohoaError) as e:
        load_signer(cfg, role="agency")
    assert _code(e) == ErrorCode.CONFIG_INVALID


def test_tsa_down_is_a_clear_retryable_error(signers, sign_cfg, blank_pdf):
    cfg = sign_cfg.model_copy(update={"tsa_url": f"http://127.0.0.1:{free_port()}/tsa"})
    with pytest.raises(SohoaError) as e:
        sign_pdf(blank_pdf, signer=signers["officer"], level="B-T", cfg=cfg, now=FROZEN)
    assert _code(e) == ErrorCode.TSA_UNAVAILABLE
    assert e.value.retryable


def test_slow_tsa_times_out_within_the_bound(signers, sign_cfg, blank_pdf):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept_and_hold() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])  # accept, never answer
            except OSError:
                continue

    thread = threading.Thread(target=accept_and_hold, daemon=True)
    thread.start()
    cfg = sign_cfg.model_copy(update={"tsa_url": f"http://127.0.0.1:{listener.getsockname()[1]}/tsa",
                                      "tsa_timeout_s": 1.0})
    try:
        with pytest.raises(SohoaError) as e:
            sign_pdf(blank_pdf, signer=signers["officer"], level="B-T", cfg=cfg, now=FROZEN)
        assert _code(e) == ErrorCode.TSA_TIMEOUT
    finally:
        stop.set()
        thread.join()
        listener.close()
        for conn in held:
            conn.close()


def test_async_sign_does_not_block_the_callers_event_loop(signers, sign_cfg, blank_pdf):
    from pipeline.sign import async_sign_pdf

    async def main() -> tuple[bytes, int]:
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0.001)

        task = asyncio.create_task(ticker())
        signed = await async_sign_pdf(blank_pdf, signer=signers["officer"], level="B-T", cfg=sign_cfg, now=FROZEN)
        task.cancel()
        return signed, ticks

    signed, ticks = asyncio.run(main())
    assert signed.startswith(b"%PDF")
    assert ticks > 1  # the loop kept running while the signature was made
