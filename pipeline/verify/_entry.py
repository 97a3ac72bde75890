"""One signature's report entry, from its dictionary, its container, its changes and its chain."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from asn1crypto import x509
from pyhanko.sign.ades.report import AdESIndeterminate

from pipeline.verify._advice import Context, advice
from pipeline.verify._changes import Change
from pipeline.verify._checker import Judged
from pipeline.verify._cms import Crypto, SignedBytes
from pipeline.verify._etsi import WEAK_DIGESTS, Facts, Verdict, verdict
from pipeline.verify._policy import summary_level
from pipeline.verify._report import ChangeReport, Revocation, SignatureReport
from pipeline.verify._sigdict import SigDict
from pipeline.verify._trust import TrustStore, chain_walk, name_of

_VN = ZoneInfo("Asia/Ho_Chi_Minh")
_UNKNOWN_REVOCATION = {AdESIndeterminate.TRY_LATER, AdESIndeterminate.REVOCATION_OUT_OF_BOUNDS_NO_POE}
_EXPIRED = AdESIndeterminate.OUT_OF_BOUNDS_NO_POE


@dataclass(frozen=True)
class Parts:
    """Everything found about one signature before the verdict.

    Attributes:
        sig: its dictionary.
        crypto: its container and maths.
        changes: the changes after it, judged (empty when it covers the file).
        coverage: ``entire_file``, ``entire_revision`` or ``unclear``.
        judged: the chain's status (``None`` when the chain could not be judged).
        later_timestamps: a document timestamp follows it.
        carries_revocation: the file holds revocation data (DSS or embedded answers).
        extra_problems: problems found on the way (``chain_unverifiable`` …).
        signed: the signed bytes, when the byte range is usable.
    """

    sig: SigDict
    crypto: Crypto
    changes: tuple[Change, ...]
    coverage: str
    judged: Judged | None
    later_timestamps: bool
    carries_revocation: bool
    extra_problems: tuple[str, ...] = ()
    signed: SignedBytes | None = None


def entry(p: Parts, *, trust: TrustStore, revocation_required: bool) -> SignatureReport:
    """The report entry of one signature."""
    status = p.judged.status if p.judged is not None else None
    doc_ts = p.sig.kind == "doc_timestamp"
    ts = (status if doc_ts else getattr(status, "timestamp_validity", None)) if status is not None else None
    ts_ok = None if ts is None else bool(ts.intact and ts.valid and ts.trusted)
    checked = p.judged.checked if p.judged is not None else False
    revocation = _revocation(status, checked)
    problems = _problems(p, status, ts, revocation)
    weak = _weak(p.crypto, status)
    if weak:
        problems.append("weak_algorithm")
    facts = Facts(problems=tuple(problems), intact=p.crypto.intact, crypto_valid=p.crypto.crypto_valid, weak=weak,
                  status=status, revocation_checked=checked and status is not None and status.trusted,
                  revocation_required=revocation_required,
                  timestamp_broken=ts is not None and not doc_ts and not (ts.intact and ts.valid))
    v = verdict(facts)
    names, missing, trusted = _chain(p.crypto, status, trust)
    cert = p.crypto.cert
    signer_cn = name_of(cert) if cert is not None else "?"
    vi, en = advice(v, Context(signer=signer_cn, stopped=names[-1] if names else "?", missing_issuer=missing,
                               changes=_reasons(p, problems), algorithm=_algorithm(p.crypto)))
    return SignatureReport(
        field=p.sig.field.name, kind="doc_timestamp" if doc_ts else "signature", subfilter=p.sig.subfilter,
        signer=cert.subject.human_friendly if cert is not None else "?", signer_cn=signer_cn,
        intact=p.crypto.intact, crypto_valid=p.crypto.crypto_valid, digest_algorithm=p.crypto.digest_algorithm,
        signature_algorithm=p.crypto.signature_algorithm, coverage=p.coverage,
        modifications=summary_level(list(p.changes)), docmdp_ok=all(c.allowed for c in p.changes),
        changes=tuple(ChangeReport(c.kind, c.what, c.pages, c.objects, c.allowed) for c in p.changes),
        trusted=trusted, chain=names, chain_missing_issuer=missing, revocation=revocation,
        signing_time=None if doc_ts else _iso(p.sig.claimed_time or getattr(status, "signer_reported_dt", None)),
        timestamp_time=_iso(ts.timestamp) if ts is not None else None, timestamp_ok=ts_ok,
        level=_level(p, status), offline=p.judged.offline if p.judged is not None else True,
        validation_time=_iso(p.judged.at or datetime.now(UTC)) if p.judged is not None else None,
        reason=p.sig.reason, indication=v.indication, sub_indication=v.sub, advice_vi=vi, advice_en=en,
        problems=tuple(dict.fromkeys(problems)), valid=v == Verdict("TOTAL_PASSED", None),
    )


def _problems(p: Parts, status: Any, ts: Any, revocation: Revocation) -> list[str]:
    out = list(p.sig.problems) + list(p.extra_problems)
    if p.crypto.problem is not None:
        out.append(p.crypto.problem)
        if p.crypto.problem in ("cms_unreadable", "cms_format"):  # the word for both
            out.append("signature_unreadable")
    if p.coverage == "unclear" and not p.sig.problems:
        out.append("coverage_unclear")
    if p.crypto.problem is None and not p.crypto.intact:
        out.append("bytes_changed")
    if p.crypto.problem is None and not p.crypto.crypto_valid:
        out.append("signature_value_invalid")
    if any(not c.allowed for c in p.changes):
        out.append("disallowed_changes_after_signing")
    if status is not None:
        expired = not status.trusted and status.trust_problem_indic == _EXPIRED
        checks = [
            (not status.trusted and not expired and revocation not in ("revoked", "unknown"), "untrusted_chain"),
            (expired, "certificate_expired"),
            (not status.trusted and revocation == "unknown", "revocation_unavailable"),
            (revocation == "revoked", "certificate_revoked"),
            (ts is not None and not (ts.intact and ts.valid), "timestamp_invalid"),
            (ts is not None and ts.intact and ts.valid and not ts.trusted, "timestamp_untrusted"),
        ]
        out += [code for failed, code in checks if failed]
    return out


def _revocation(status: Any, checked: bool) -> Revocation:
    if status is None:
        return "not_checked"
    if status.revoked:
        return "revoked"
    if status.trusted:
        return "good" if checked else "not_checked"
    return "unknown" if status.trust_problem_indic in _UNKNOWN_REVOCATION else "not_checked"


def _level(p: Parts, status: Any) -> str:
    if p.sig.kind == "doc_timestamp" or status is None:
        return "-"
    if status.timestamp_validity is None and not p.later_timestamps:
        return "B-B"
    offline = p.judged is not None and p.judged.offline
    if not (p.carries_revocation and offline and status.trusted):
        return "B-T"
    return "B-LTA" if p.later_timestamps else "B-LT"


def _weak(crypto: Crypto, status: Any) -> bool:
    if crypto.signed_data is None:
        return False
    if crypto.digest_algorithm in WEAK_DIGESTS:
        return True
    try:
        algo = crypto.signed_data["signer_infos"][0]["signature_algorithm"]
        if algo.hash_algo in WEAK_DIGESTS:
            return True
    except (ValueError, KeyError):
        pass
    path = getattr(status, "validation_path", None)
    certs: Iterable[x509.Certificate] = path.iter_certs(include_root=False) if path is not None else ()
    return any(_cert_hash(c) in WEAK_DIGESTS for c in certs)


def _cert_hash(cert: x509.Certificate) -> str | None:
    try:
        return str(cert["signature_algorithm"].hash_algo)
    except (ValueError, KeyError):
        return None


def _chain(crypto: Crypto, status: Any, trust: TrustStore) -> tuple[tuple[str, ...], str | None, bool]:
    path = getattr(status, "validation_path", None)
    trusted = bool(status is not None and status.trusted)
    if path is not None and trusted:
        return tuple(name_of(c) for c in reversed(list(path.iter_certs(include_root=True)))), None, True
    if crypto.cert is None:
        return (), None, False
    known = [*trust.roots, *trust.intermediates]
    if crypto.signed_data is not None:
        known += [c.chosen for c in crypto.signed_data["certificates"] or () if c.name == "certificate"]
    walk = chain_walk(crypto.cert, known, trust.roots)
    return walk.names, walk.missing_issuer, trusted


def _reasons(p: Parts, problems: list[str]) -> str:
    bad = [c.what for c in p.changes if not c.allowed][:3]
    if p.sig.changed_keys:
        bad.insert(0, f"{', '.join(p.sig.changed_keys)} of the signature changed after signing")
    return "; ".join(bad) or ", ".join(problems[:3]) or "format"


def _algorithm(crypto: Crypto) -> str:
    if crypto.digest_algorithm in WEAK_DIGESTS:
        return crypto.digest_algorithm.upper().replace("SHA", "SHA-")
    return crypto.detail or crypto.signature_algorithm


def _iso(moment: datetime | None) -> str | None:
    # times read as the decree wants them: ISO 8601 in Vietnam's zone (+07:00)
    return moment.astimezone(_VN).isoformat(timespec="seconds") if moment is not None else None
