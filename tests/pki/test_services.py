"""Our TSA and OCSP responders over real HTTP: they answer as of the frozen clock, and a signer asks them little."""

from __future__ import annotations

import asyncio
import hashlib
import os

import aiohttp
from asn1crypto import ocsp, tsp

from pipeline.sign import load_certs, load_signer, sign_pdf
from tests.fixtures_pki import FROZEN, PKI_MADE


def _post(url: str, body: bytes, kind: str) -> bytes:
    async def run() -> bytes:
        async with aiohttp.ClientSession() as session, session.post(
                url, data=body, headers={"Content-Type": kind}) as resp:
            assert resp.status == 200
            return await resp.read()

    return asyncio.run(run())


def _ocsp_request(dev_pki, label: str) -> bytes:  # type: ignore[no-untyped-def]
    cert = load_certs([dev_pki.identities[label].cert])[0]
    issuer = load_certs([dev_pki.issuing_cert])[0]
    cert_id = {"hash_algorithm": {"algorithm": "sha1"}, "issuer_name_hash": issuer.subject.sha1,
               "issuer_key_hash": issuer.public_key.sha1, "serial_number": cert.serial_number}
    return bytes(ocsp.OCSPRequest({"tbs_request": {"request_list": [{"req_cert": cert_id}]}}).dump())


def test_pki_is_made_as_of_the_given_time(dev_pki):
    officer = load_certs([dev_pki.identities["officer"].cert])[0]
    assert officer.not_valid_before < PKI_MADE < FROZEN < officer.not_valid_after


def test_tsa_stamps_the_frozen_time_and_echoes_the_nonce(dev_pki, pki_services):
    digest = hashlib.sha256(os.urandom(16)).digest()
    req = tsp.TimeStampReq({"version": 1, "nonce": 4242, "cert_req": True, "message_imprint": {
        "hash_algorithm": {"algorithm": "sha256"}, "hashed_message": digest}})

    resp = tsp.TimeStampResp.load(_post(dev_pki.tsa_url, req.dump(), "application/timestamp-query"))
    tst = resp["time_stamp_token"]["content"]["encap_content_info"]["content"].parsed
    assert resp["status"]["status"].native == "granted"
    assert tst["gen_time"].native == FROZEN
    assert tst["nonce"].native == 4242
    assert tst["message_imprint"]["hashed_message"].native == digest


def test_ocsp_answers_good_and_revoked_as_of_the_frozen_time(dev_pki, pki_services):
    answers = {}
    for label in ("officer", "test-revoked"):
        resp = ocsp.OCSPResponse.load(_post(dev_pki.ocsp_url, _ocsp_request(dev_pki, label),
                                            "application/ocsp-request"))
        data = resp.basic_ocsp_response["tbs_response_data"]
        assert data["produced_at"].native == FROZEN
        answers[label] = data["responses"][0]["cert_status"].name
    assert answers == {"officer": "good", "test-revoked": "revoked"}


def test_a_signer_fetches_revocation_data_once_per_chain(sign_cfg, pki_services, blank_pdf):
    signer = load_signer(sign_cfg, role="officer")  # fresh: nothing cached yet
    before = pki_services.requests.copy()
    try:
        for _ in range(3):
            sign_pdf(blank_pdf, signer=signer, level="B-LT", appearance="none", cfg=sign_cfg, now=FROZEN)
    finally:
        signer.close()
    asked = pki_services.requests - before
    assert asked["ocsp"] == 1  # the officer's certificate, once
    assert asked["crl"] == 1  # the root's CRL, for the issuing CA and the TSA alike, once
    assert asked["tsa"] >= 3  # one timestamp per signature
