"""The development PKI's responders: an RFC 3161 TSA, an OCSP responder and CRLs, each answering in milliseconds.

certomancer's animator reloads its signing key for every request: parsing and
validating an RSA-2048 private key costs 55–75 ms here, and it re-encodes the
certificates it built on each answer, so one TSA round trip took 80–90 ms on
loopback and a B-LTA signature (two timestamps) paid that twice. These
responders load each key once, keep certificates as parsed DER and cache each
CRL per CRL number. certomancer stays the source of truth: its architecture
says which certificate is revoked and since when, and it issues the CRLs.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from asn1crypto import algos, cms, core, keys, ocsp, tsp, x509
from certomancer.registry import PKIArchitecture, ServiceLabel
from certomancer.registry.svc_config.ocsp import OCSPInterface
from certomancer.services import CertomancerServiceError, choose_signed_digest, issuer_match
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

#: the TSA policy written into every development timestamp (certomancer's default)
TSA_POLICY = "1.3.6.1.4.1.4146.2.3"


def _reparsed(cert: x509.Certificate) -> x509.Certificate:
    # a certificate parsed from DER dumps its cached bytes; one certomancer built re-encodes every time
    return x509.Certificate.load(cert.dump())


class _KeySigner:
    """A private key loaded once, with the signature algorithm its responses declare."""

    def __init__(self, info: keys.PrivateKeyInfo, algo: algos.SignedDigestAlgorithm) -> None:
        key = serialization.load_der_private_key(info.dump(), password=None)
        if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
            raise ValueError(f"unsupported responder key {type(key).__name__}")
        self._key = key
        self.algo = algo

    def sign(self, tbs: bytes) -> bytes:
        """The signature of ``tbs`` under the declared algorithm."""
        digest = getattr(hashes, self.algo.hash_algo.upper())()
        if isinstance(self._key, ec.EllipticCurvePrivateKey):
            return self._key.sign(tbs, ec.ECDSA(digest))
        if self.algo.signature_algo == "rsassa_pss":
            params = self.algo["parameters"]
            mgf_hash = getattr(hashes, params["mask_gen_algorithm"]["parameters"]["algorithm"].native.upper())()
            pss = padding.PSS(mgf=padding.MGF1(mgf_hash), salt_length=params["salt_length"].native)
            return self._key.sign(tbs, pss, digest)
        return self._key.sign(tbs, padding.PKCS1v15(), digest)


def _attr(kind: str, value: object) -> cms.CMSAttribute:
    return cms.CMSAttribute({"type": cms.CMSAttributeType(kind), "values": (value,)})


def _ocsp_error(status: str) -> bytes:
    return bytes(ocsp.OCSPResponse({"response_status": status}).dump())


class TimeStampResponder:
    """An RFC 3161 time-stamping authority of the architecture (one ``time-stamping`` service)."""

    def __init__(self, arch: PKIArchitecture, label: str) -> None:
        info = arch.service_registry.get_tsa_info(ServiceLabel(label))
        self.cert = _reparsed(arch.get_cert(info.signing_cert))
        self._extra = [_reparsed(arch.get_cert(c)) for c in info.certs_to_embed]
        algo = choose_signed_digest(info.digest_algo, self.cert.public_key, info.signature_algo)
        self._key = _KeySigner(arch.key_set.get_private_key(info.signing_key), algo)
        self._md = info.digest_algo
        self._ess = tsp.SigningCertificateV2({"certs": [{"cert_hash": hashlib.sha256(self.cert.dump()).digest()}]})

    def respond(self, body: bytes, at: datetime) -> bytes:
        """The DER ``TimeStampResp`` to the DER ``TimeStampReq`` ``body``, stamped at ``at``.

        Raises:
            ValueError: ``body`` is not a time-stamp request.
        """
        req = tsp.TimeStampReq.load(body)
        info: dict[str, object] = {
            "version": "v1", "policy": TSA_POLICY, "message_imprint": req["message_imprint"],
            "serial_number": secrets.randbits(63), "gen_time": at,
            "tsa": x509.GeneralName(name="directory_name", value=self.cert.subject),
        }
        if isinstance(req["nonce"], core.Integer):
            info["nonce"] = req["nonce"]
        tst_der = tsp.TSTInfo(info).dump()
        signed_attrs = cms.CMSAttributes([
            _attr("content_type", "tst_info"),
            _attr("signing_time", cms.Time({"utc_time": core.UTCTime(at)})),
            _attr("signing_certificate_v2", self._ess),
            _attr("message_digest", hashlib.new(self._md, tst_der).digest()),
        ])
        signer_info = cms.SignerInfo({
            "version": "v1",
            "sid": cms.SignerIdentifier(name="issuer_and_serial_number", value=cms.IssuerAndSerialNumber(
                {"issuer": self.cert.issuer, "serial_number": self.cert.serial_number})),
            "digest_algorithm": {"algorithm": self._md},
            "signature_algorithm": self._key.algo,
            "signed_attrs": signed_attrs,
            "signature": self._key.sign(signed_attrs.dump()),
        })
        signed_data = cms.SignedData({
            "version": "v3",
            "digest_algorithms": [{"algorithm": self._md}],
            "encap_content_info": {"content_type": "tst_info", "content": cms.ParsableOctetString(tst_der)},
            "certificates": [self.cert, *self._extra],
            "signer_infos": [signer_info],
        })
        token = cms.ContentInfo({"content_type": "signed_data", "content": signed_data})
        resp = tsp.TimeStampResp({"status": {"status": "granted"}, "time_stamp_token": token})
        return bytes(resp.dump())


class OcspResponder:
    """An OCSP responder of the architecture (one ``ocsp`` service), for one issuing CA."""

    def __init__(self, arch: PKIArchitecture, label: str) -> None:
        info = arch.service_registry.get_ocsp_info(ServiceLabel(label))
        issuer_label = info.resolve_issuer_cert(arch)
        self.cert = _reparsed(arch.get_cert(info.responder_cert))
        self._issuer = _reparsed(arch.get_cert(issuer_label))
        self._status = OCSPInterface(info.for_issuer, arch, issuer_label, info.is_aa_responder)
        algo = choose_signed_digest(info.digest_algo, self.cert.public_key, info.signature_algo)
        self._key = _KeySigner(arch.key_set.get_private_key(info.signing_key), algo)
        self._validity = info.validity_period

    def _single(self, cid: ocsp.CertId, at: datetime) -> ocsp.SingleResponse:
        if not issuer_match(cid, self._issuer):
            raise CertomancerServiceError("not this responder's issuer")
        status, extensions = self._status.check_revocation_status(cid, at)
        single: dict[str, object] = {"cert_id": cid, "cert_status": status, "this_update": at,
                                     "single_extensions": extensions or None}
        if self._validity is not None:
            single["next_update"] = at + self._validity
        return ocsp.SingleResponse(single)

    def respond(self, body: bytes, at: datetime) -> bytes:
        """The DER ``OCSPResponse`` to the DER ``OCSPRequest`` ``body``, as of ``at``.

        Raises:
            ValueError: ``body`` is not an OCSP request.
        """
        req = ocsp.OCSPRequest.load(body)
        items = req["tbs_request"]["request_list"]
        try:
            singles = [self._single(item["req_cert"], at) for item in items]
        except CertomancerServiceError:
            return _ocsp_error("unauthorized")
        if not singles:
            return _ocsp_error("malformed_request")
        data = ocsp.ResponseData({
            "responder_id": ocsp.ResponderId(name="by_key", value=self.cert.public_key.sha1),
            "produced_at": at,
            "responses": singles,
        })
        if req.nonce_value is not None:
            data["response_extensions"] = [{"extn_id": "nonce", "extn_value": req.nonce_value.native}]
        basic = ocsp.BasicOCSPResponse({"tbs_response_data": data, "signature_algorithm": self._key.algo,
                                        "signature": self._key.sign(data.dump()), "certs": [self.cert]})
        response_bytes = {"response_type": "basic_ocsp_response", "response": core.ParsableOctetString(basic.dump())}
        return bytes(ocsp.OCSPResponse({"response_status": "successful", "response_bytes": response_bytes}).dump())


class CrlRepository:
    """The architecture's CRLs, issued by certomancer once per CRL number and kept."""

    def __init__(self, arch: PKIArchitecture) -> None:
        self._arch = arch
        self._cache: dict[tuple[str, int], bytes] = {}

    def latest(self, label: str, at: datetime) -> bytes:
        """The DER CRL of repository ``label`` current at ``at``.

        Raises:
            CertomancerObjectNotFoundError: no such repository.
            CertomancerServiceError: ``at`` is before the issuer's validity.
        """
        registry = self._arch.service_registry
        info = registry.get_crl_repo_info(ServiceLabel(label))
        issuer = self._arch.get_cert(info.issuer_cert or info.resolve_issuer_cert(self._arch))
        elapsed = at - issuer.not_valid_before
        if elapsed < timedelta(0):
            raise CertomancerServiceError(f"{at} is before the CRL issuer's validity")
        number = elapsed // info.simulated_update_schedule
        key = (label, number)
        if key not in self._cache:
            self._cache[key] = bytes(registry.get_crl(ServiceLabel(label), number=number).dump())
        return self._cache[key]
