"""The development PKI: marked as development, URLs on 127.0.0.1, real TSA/OCSP/CRL services answering."""

from __future__ import annotations

import asyncio

import aiohttp

from pipeline.sign import load_certs


def test_every_certificate_is_marked_development(dev_pki):
    for label in ("root", "issuing", "tsa", "officer", "agency"):
        cert = load_certs([dev_pki.cert_path(label)])[0]
        assert "DEVELOPMENT" in cert.subject.human_friendly
    assert "DEVELOPMENT" in (dev_pki.directory / "DEVELOPMENT.txt").read_text()


def test_identity_certificates_point_at_loopback_ocsp_and_crl(dev_pki):
    cert = load_certs([dev_pki.identities["officer"].cert])[0]
    assert cert.ocsp_urls == [dev_pki.ocsp_url]
    assert all(url.startswith("http://127.0.0.1:") for dp in cert.crl_distribution_points
               for url in [dp["distribution_point"].native[0]])


def test_secrets_are_private_files(dev_pki):
    ident = dev_pki.identities["officer"]
    assert ident.pkcs12_password_file.stat().st_mode & 0o077 == 0
    assert ident.key.stat().st_mode & 0o077 == 0


def test_ensure_is_idempotent(dev_pki):
    from pki import ensure_dev_pki

    again = ensure_dev_pki(dev_pki.directory, port=1)
    assert again.port == dev_pki.port
    assert again.identities.keys() == dev_pki.identities.keys()


def test_services_answer_crl_and_tsa_over_http(dev_pki, pki_services):
    from asn1crypto import crl

    async def fetch() -> tuple[bytes, int]:
        async with aiohttp.ClientSession() as session:
            async with session.get(dev_pki.crl_urls[1]) as resp:
                body = await resp.read()
            async with session.post(dev_pki.tsa_url, data=b"junk") as bad:
                return body, bad.status

    body, status = asyncio.run(fetch())
    issuer = crl.CertificateList.load(body)["tbs_cert_list"]["issuer"]
    assert issuer.native["common_name"] == "sohoa DEVELOPMENT Issuing CA"
    assert status >= 400
