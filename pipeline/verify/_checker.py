"""How each signature's chain is judged: now, or as of the time its timestamps prove, from the data it carries.

pyHanko judges one CMS signature against one validation context; this module
chooses the contexts. A signature is judged now first. When that fails only for
want of fresh revocation data or because a certificate has expired since, and
the signature carries a valid timestamp, it is judged again as of that
timestamp from the data the file carries (point-in-time validation): the
timestamp proves the signature existed then, the embedded OCSP/CRL answers say
the chain was good then. Each timestamp in turn is judged as of the next
document timestamp, which proves it existed then; the newest is judged now.
That is how a B-LT/B-LTA file stays verifiable offline after its OCSP answers
go stale and its certificates expire, as long as its document timestamps are
renewed (``sohoa archive renew``).

The file's own data comes first: its DSS and the revocation answers a signer
embedded (Adobe's revocation archival attribute). The network is asked only
when fetching is allowed. Algorithms are all accepted here so that the facts
(chain, revocation) are known even for a SHA-1 signature; whether they are
acceptable is judged apart (:mod:`._etsi`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from asn1crypto import cms, core, crl, ocsp, x509
from pyhanko.sign.general import find_cms_attribute_iter
from pyhanko.sign.validation.generic_cms import cms_basic_validation, collect_timing_info, validate_tst_signed_data
from pyhanko.sign.validation.status import PdfSignatureStatus, StandardCMSSignatureStatus, TimestampSignatureStatus
from pyhanko.sign.validation.utils import CMSAlgorithmUsagePolicy
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.fetchers.aiohttp_fetchers import AIOHttpFetcherBackend
from pyhanko_certvalidator.policy_decl import (
    AcceptAllAlgorithms,
    CertRevTrustPolicy,
    RevocationCheckingPolicy,
    RevocationCheckingRule,
)
from pyhanko_certvalidator.registry import CertificateRegistry

from pipeline.verify._cms import VALIDATOR, Crypto, SignedBytes
from pipeline.verify._document import Dss
from pipeline.verify._trust import TrustStore

#: clock drift allowed between a signature, its timestamp and the revocation answers
_TOLERANCE = timedelta(seconds=30)
_NO_REVOCATION = CertRevTrustPolicy(RevocationCheckingPolicy(
    ee_certificate_rule=RevocationCheckingRule.NO_CHECK, intermediate_ca_cert_rule=RevocationCheckingRule.NO_CHECK))
_ACCEPT_ALL = AcceptAllAlgorithms()
_CMS_ACCEPT_ALL = CMSAlgorithmUsagePolicy.lift_policy(_ACCEPT_ALL)


@dataclass(frozen=True)
class Signed:
    """A signature whose container could be read: what the trust checks need.

    Attributes:
        kind: ``signature`` or ``doc_timestamp``.
        crypto: the container and its maths.
        signed: the signed bytes.
        claimed_time: the dictionary's ``/M``.
    """

    kind: str
    crypto: Crypto
    signed: SignedBytes
    claimed_time: datetime | None

    @property
    def signed_data(self) -> cms.SignedData:
        """The CMS signed data (always readable for a :class:`Signed`)."""
        assert self.crypto.signed_data is not None
        return self.crypto.signed_data

    @property
    def signer_info(self) -> cms.SignerInfo:
        """Its one signer info."""
        return self.signed_data["signer_infos"][0]


@dataclass(frozen=True)
class Judged:
    """A signature's pyHanko status and how it was reached.

    Attributes:
        status: pyHanko's signature or timestamp status.
        offline: reached from the data the file carries, without network.
        checked: revocation was checked (not skipped for want of data).
        at: the time the chain was judged at (``None``: the clock).
    """

    status: Any
    offline: bool
    checked: bool
    at: datetime | None


class Checker:
    """One verification run: trust, the file's validation data, network policy, and the HTTP session it owns."""

    def __init__(self, trust: TrustStore, dss: Dss | None, *, allow_fetching: bool, timeout_s: float,
                 moment: datetime | None) -> None:
        self.trust = trust
        self.has_dss = dss is not None
        self.allow_fetching = allow_fetching
        self.moment = moment
        self.backend = AIOHttpFetcherBackend(per_request_timeout=timeout_s) if allow_fetching else None
        self._certs = [*trust.intermediates, *_load(x509.Certificate, dss.certs if dss else (), "tbs_certificate")]
        self._ocsps = _load(ocsp.OCSPResponse, dss.ocsps if dss else (), "response_status")
        self._crls = _load(crl.CertificateList, dss.crls if dss else (), "signature_algorithm")
        self._registry: CertificateRegistry | None = None

    def _context(self, sig: Signed, *, offline: bool, hard_fail: bool, moment: datetime | None,
                 revocation: bool = True) -> ValidationContext:
        fetch = self.allow_fetching and not offline
        ocsps: list[Any] = []
        crls: list[Any] = []
        if not fetch:
            # offline: what the file carries; online, the responders are asked afresh (the file was tried first)
            ocsps, crls = list(self._ocsps), list(self._crls)
            for archive in _revocation_archives(sig.signer_info):
                for key, bucket in (("ocsp", ocsps), ("crl", crls)):
                    if not isinstance(archive[key], core.Void):
                        bucket.extend(archive[key])
        options: dict[str, Any] = {}
        if revocation:
            options["revocation_mode"] = "hard-fail" if hard_fail else "soft-fail"
        else:
            options["revinfo_policy"] = _NO_REVOCATION
        if fetch:  # a registry of its own, able to fetch missing issuers named in the certificates
            options["other_certs"] = self._certs
        else:  # one registry for the file: indexing certificates by name is the costly part of a context
            if self._registry is None:
                self._registry = CertificateRegistry.build(self._certs)
            options["certificate_registry"] = self._registry
        return ValidationContext(
            trust_roots=list(self.trust.roots), ocsps=ocsps, crls=crls, moment=moment,
            allow_fetching=fetch, fetcher_backend=self.backend if fetch else None, time_tolerance=_TOLERANCE,
            algorithm_usage_policy=_ACCEPT_ALL, signature_validator=VALIDATOR, **options)

    async def _status(self, sig: Signed, *, offline: bool, hard_fail: bool, at: datetime | None,
                      ts_at: datetime | None, ts_revocation: bool = True) -> Any:
        if sig.kind == "doc_timestamp":
            vc = self._context(sig, offline=offline, hard_fail=hard_fail, moment=at)
            kwargs = await validate_tst_signed_data(sig.signed_data, vc, sig.signed.digest,
                                                    algorithm_policy=_CMS_ACCEPT_ALL)
            return TimestampSignatureStatus(**kwargs)
        vc = self._context(sig, offline=offline, hard_fail=hard_fail, moment=at)
        # the timestamp is judged as of the next document timestamp; the newest one's chain soft-fails now
        ts_vc = self._context(sig, offline=offline, hard_fail=ts_at is not None, moment=ts_at or self.moment,
                              revocation=ts_revocation)
        kwargs = await collect_timing_info(sig.signer_info, ts_vc, raw_digest=sig.signed.digest,
                                           algorithm_policy=_CMS_ACCEPT_ALL)
        if "signer_reported_dt" not in kwargs and sig.claimed_time is not None:
            kwargs["signer_reported_dt"] = sig.claimed_time
        kwargs = await cms_basic_validation(
            sig.signed_data, raw_digest=sig.crypto.raw_digest, validation_context=vc, status_kwargs=kwargs,
            key_usage_settings=PdfSignatureStatus.default_usage_constraints(), algorithm_policy=_CMS_ACCEPT_ALL)
        return StandardCMSSignatureStatus(**kwargs)

    async def status(self, sig: Signed, poe: datetime | None) -> Judged:
        """How ``sig`` is judged.

        Args:
            sig: a signature or document timestamp of the file.
            poe: the time of the first document timestamp after it, if any: proof that
                it (and its own timestamp) existed then.

        Returns:
            pyHanko's status and how it was reached.
        """
        if sig.kind == "doc_timestamp":
            return await self._doc_timestamp(sig, poe)
        carried = self.has_dss or bool(_revocation_archives(sig.signer_info))
        if carried:
            status = await self._status(sig, offline=True, hard_fail=True, at=self.moment, ts_at=poe)
            if status.trusted or status.revoked:
                return Judged(status, offline=True, checked=True, at=self.moment)
            past = await self._past(sig, status, poe)
            if past is not None:
                return past
        if self.allow_fetching:
            status = await self._status(sig, offline=False, hard_fail=True, at=self.moment, ts_at=poe)
            return Judged(status, offline=False, checked=True, at=self.moment)
        # the file does not answer for this chain and the network is not asked: judge what can be
        # judged, revocation stays unchecked (the verdict says so, or asks for it when it is required)
        status = await self._status(sig, offline=True, hard_fail=False, at=self.moment, ts_at=poe)
        return Judged(status, offline=True, checked=False, at=self.moment)

    async def _doc_timestamp(self, sig: Signed, poe: datetime | None) -> Judged:
        # judged as of the next document timestamp, whose renewal added this one's revocation data
        if poe is not None:
            status = await self._status(sig, offline=True, hard_fail=True, at=poe, ts_at=None)
            return Judged(status, offline=True, checked=True, at=poe)
        # the newest: judged now, from the file, else the network, else without revocation data
        status = await self._status(sig, offline=True, hard_fail=True, at=self.moment, ts_at=None)
        if status.trusted or status.revoked:
            return Judged(status, offline=True, checked=True, at=self.moment)
        if self.allow_fetching:
            status = await self._status(sig, offline=False, hard_fail=True, at=self.moment, ts_at=None)
            if status.trusted or status.revoked:
                return Judged(status, offline=False, checked=True, at=self.moment)
        vc = self._context(sig, offline=True, hard_fail=False, moment=self.moment, revocation=False)
        kwargs = await validate_tst_signed_data(sig.signed_data, vc, sig.signed.digest,
                                                algorithm_policy=_CMS_ACCEPT_ALL)
        return Judged(TimestampSignatureStatus(**kwargs), offline=True, checked=False, at=self.moment)

    async def _past(self, sig: Signed, status: Any, poe: datetime | None) -> Judged | None:
        ts = status.timestamp_validity
        if ts is None or not (ts.intact and ts.valid):
            return None
        # without a later document timestamp, the signature's own timestamp is the newest: its TSA's
        # revocation data in the file may be stale by now, and it is judged without it (as the newest
        # document timestamp is)
        past = await self._status(sig, offline=True, hard_fail=True, at=ts.timestamp, ts_at=poe,
                                  ts_revocation=ts.trusted or poe is not None)
        past_ts = past.timestamp_validity
        if (past.trusted or past.revoked) and past_ts is not None and past_ts.trusted:
            return Judged(past, offline=True, checked=True, at=ts.timestamp)
        return None

    async def close(self) -> None:
        """Close the HTTP session, if one was opened."""
        if self.backend is not None:
            await self.backend.close()  # type: ignore[no-untyped-call]


def _load(cls: Any, blobs: tuple[bytes, ...], probe: str) -> list[Any]:
    out = []
    for blob in blobs:
        try:
            item = cls.load(blob)
            _ = item[probe].native  # a damaged entry of the DSS is left out, not a failure of every signature
            out.append(item)
        except (ValueError, TypeError, KeyError, IndexError, OverflowError):
            continue
    return out


def _revocation_archives(signer_info: cms.SignerInfo) -> list[Any]:
    try:
        attrs = signer_info["signed_attrs"]
        return list(find_cms_attribute_iter(attrs, "adobe_revocation_info_archival"))
    except (ValueError, KeyError, TypeError):
        return []


def _doc_timestamp_time(sig: Signed) -> datetime | None:
    try:
        tst = sig.signed_data["encap_content_info"]["content"].parsed
        return tst["gen_time"].native  # type: ignore[no-any-return]
    except (KeyError, ValueError, AttributeError):
        return None


def proofs_of_existence(sigs: list[Signed | None]) -> list[datetime | None]:
    """For each signature, the time of the first document timestamp after it (``None``: there is none)."""
    out: list[datetime | None] = []
    nxt: datetime | None = None
    for sig in reversed(sigs):
        out.append(nxt)
        if sig is not None and sig.kind == "doc_timestamp":
            nxt = _doc_timestamp_time(sig) or nxt
    return out[::-1]
