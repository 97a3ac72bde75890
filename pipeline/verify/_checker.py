"""How each signature of a file is judged: now, or as of the time its timestamps prove, from the data it carries.

pyHanko validates one signature against one validation context; this module
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
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from asn1crypto import x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import async_validate_pdf_signature, async_validate_pdf_timestamp
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.errors import NoDSSFoundError
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko_certvalidator.fetchers.aiohttp_fetchers import AIOHttpFetcherBackend
from pyhanko_certvalidator.policy_decl import CertRevTrustPolicy, RevocationCheckingPolicy, RevocationCheckingRule

from pipeline.sign._trust import validation_context

#: clock drift allowed between a signature, its timestamp and the revocation answers
_TOLERANCE = timedelta(seconds=30)
_NO_REVOCATION = CertRevTrustPolicy(RevocationCheckingPolicy(
    ee_certificate_rule=RevocationCheckingRule.NO_CHECK, intermediate_ca_cert_rule=RevocationCheckingRule.NO_CHECK))


class Checker:
    """One verification run: trust roots, the DSS, network policy, and the HTTP session it owns."""

    def __init__(self, reader: PdfFileReader, roots: list[x509.Certificate], allow_fetching: bool,
                 timeout_s: float, moment: datetime | None) -> None:
        self.reader = reader
        self.roots = roots
        self.allow_fetching = allow_fetching
        self.moment = moment
        self.backend = AIOHttpFetcherBackend(per_request_timeout=timeout_s)
        try:
            self.dss: DocumentSecurityStore | None = DocumentSecurityStore.read_dss(reader)
        except NoDSSFoundError:
            self.dss = None

    def _context(self, *, offline: bool, hard_fail: bool, moment: datetime | None, revocation: bool = True) -> Any:
        if offline and self.dss is not None:
            options: dict[str, Any] = {"trust_roots": self.roots, "allow_fetching": False, "moment": moment,
                                       "time_tolerance": _TOLERANCE}
            if revocation:
                options["revocation_mode"] = "hard-fail" if hard_fail else "soft-fail"
            else:
                options["revinfo_policy"] = _NO_REVOCATION
            return self.dss.as_validation_context(options)
        return validation_context(roots=self.roots, allow_fetching=self.allow_fetching and not offline,
                                  backend=self.backend, hard_fail=hard_fail, moment=moment)

    async def _status(self, sig: EmbeddedPdfSignature, *, offline: bool, hard_fail: bool,
                      at: datetime | None, ts_at: datetime | None, ts_revocation: bool = True) -> Any:
        if sig.sig_object_type == "/DocTimeStamp":
            return await async_validate_pdf_timestamp(sig, validation_context=self._context(
                offline=offline, hard_fail=hard_fail, moment=at))
        vc = self._context(offline=offline, hard_fail=hard_fail, moment=at)
        # the timestamp is judged as of the next document timestamp; the newest one's chain soft-fails now
        ts_vc = self._context(offline=offline, hard_fail=ts_at is not None, moment=ts_at or self.moment,
                              revocation=ts_revocation)
        return await async_validate_pdf_signature(sig, signer_validation_context=vc, ts_validation_context=ts_vc)

    async def status(self, sig: EmbeddedPdfSignature, poe: datetime | None) -> Judged:
        """How ``sig`` is judged.

        Args:
            sig: a signature or document timestamp of the file.
            poe: the time of the first document timestamp after it, if any: proof that
                it (and its own timestamp) existed then.

        Returns:
            pyHanko's status and how it was reached.
        """
        if sig.sig_object_type == "/DocTimeStamp":
            return await self._doc_timestamp(sig, poe)
        if self.dss is not None:
            status = await self._status(sig, offline=True, hard_fail=True, at=self.moment, ts_at=poe)
            if status.trusted or status.revoked:
                return Judged(status, offline=True, checked=True, at=self.moment)
            past = await self._past(sig, status, poe)
            if past is not None:
                return past
            if not self.allow_fetching:
                return Judged(status, offline=True, checked=True, at=self.moment)
        if not self.allow_fetching:
            # nothing embedded and no network: judge what can be judged, revocation stays unchecked
            status = await self._status(sig, offline=True, hard_fail=False, at=self.moment, ts_at=poe)
            return Judged(status, offline=True, checked=False, at=self.moment)
        status = await self._status(sig, offline=False, hard_fail=True, at=self.moment, ts_at=poe)
        return Judged(status, offline=False, checked=True, at=self.moment)

    async def _doc_timestamp(self, sig: EmbeddedPdfSignature, poe: datetime | None) -> Judged:
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
        vc = self._context(offline=True, hard_fail=False, moment=self.moment, revocation=False)
        return Judged(await async_validate_pdf_timestamp(sig, validation_context=vc), offline=True, checked=False,
                       at=self.moment)

    async def _past(self, sig: EmbeddedPdfSignature, status: Any, poe: datetime | None) -> Judged | None:
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


def _doc_timestamp_time(sig: EmbeddedPdfSignature) -> datetime | None:
    try:
        tst = sig.signed_data["encap_content_info"]["content"].parsed
        return tst["gen_time"].native  # type: ignore[no-any-return]
    except (KeyError, ValueError, AttributeError):
        return None


def proofs_of_existence(sigs: list[EmbeddedPdfSignature]) -> list[datetime | None]:
    """For each signature, the time of the first document timestamp after it (``None``: there is none)."""
    out: list[datetime | None] = []
    nxt: datetime | None = None
    for sig in reversed(sigs):
        out.append(nxt)
        if sig.sig_object_type == "/DocTimeStamp":
            nxt = _doc_timestamp_time(sig) or nxt
    return out[::-1]
