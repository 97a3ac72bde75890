"""Verify every signature and document timestamp of a PDF: the stages, in order, under one guard.

1. open the file with qpdf (permission-only encryption opens, a password is refused);
2. list every signature field (:mod:`._fields`), signed or not;
3. per signed field: read its dictionary and byte range (:mod:`._sigdict`), then its
   CMS container and the maths (:mod:`._cms`);
4. per signature that does not cover the whole file: compare the signed revision with
   the final document (:mod:`._changes`), judge each change (:mod:`._policy`), and look
   for annotations over the signed text (:mod:`._overlay`);
5. the chains, revocation and timestamps, offline first (:mod:`._checker`);
6. the ETSI verdict and the report (:mod:`._entry`).

One broken signature never sinks the others: whatever a library raises while one
signature is read becomes a problem of that signature. The whole file gets
``VerifySettings.timeout_s``.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Coroutine
from datetime import datetime
from typing import Any, TypeVar

from pipeline.verify._changes import Change, changes_after
from pipeline.verify._checker import Checker, Judged, Signed, proofs_of_existence
from pipeline.verify._cms import Crypto, SignedBytes, check_cms, unreadable
from pipeline.verify._document import PdfFile
from pipeline.verify._entry import Parts, entry
from pipeline.verify._etsi import Verdict, document_verdict
from pipeline.verify._fields import SigField, signature_fields
from pipeline.verify._guard import Deadline, VerifyTimeout, run_with_limit, timeout_error
from pipeline.verify._overlay import TextIndex, flag_overlays
from pipeline.verify._policy import Permissions, judge, permissions
from pipeline.verify._report import SignatureReport, VerificationReport
from pipeline.verify._roles import Roles, roles
from pipeline.verify._sigdict import SigDict, read_sigdict
from pipeline.verify._trust import TrustStore, load_trust
from schemas.settings import SignSettings, VerifySettings

T = TypeVar("T")


def verify_pdf(data: bytes, *, cfg: VerifySettings | SignSettings, lang: str | None = None,
               now: datetime | None = None) -> VerificationReport:
    """Verify every signature and document timestamp in ``data``.

    Pure: no server is started and nothing is fetched unless ``cfg.allow_fetching``.
    Safe to call from any thread, many times in one process.

    Args:
        data: the PDF.
        cfg: verification settings (trust roots and folder, fetching, limits); signing
            settings work too (their trust roots, fetching allowed).
        lang: language of the report's text (``vi`` or ``en``); default ``cfg.lang``.
        now: the validation time (frozen-time tests, or "as of" checks); default the clock.

    Returns:
        The report; ``report.valid`` is true only when every signature is ``TOTAL_PASSED``.

    Raises:
        VerificationError: ``not_a_pdf``, ``corrupt_pdf``, ``password_required``, ``verify_timeout``.
        LimitExceeded: ``file_too_large``.
        ConfigError: an unreadable trust root file or folder.
    """
    settings = _settings(cfg)
    trust = load_trust(settings.trust_roots, settings.trust_dir)
    deadline = Deadline(settings.timeout_s)
    try:
        return run_with_limit(
            lambda: _verify(data, settings, trust, lang=lang or settings.lang, now=now, deadline=deadline), deadline)
    except VerifyTimeout as e:
        raise timeout_error(settings.timeout_s) from e


def _settings(cfg: VerifySettings | SignSettings) -> VerifySettings:
    if isinstance(cfg, VerifySettings):
        return cfg
    return VerifySettings(trust_roots=cfg.trust_roots, allow_fetching=True,
                          revocation_timeout_s=cfg.revocation_timeout_s)


def _verify(data: bytes, cfg: VerifySettings, trust: TrustStore, *, lang: str, now: datetime | None,
            deadline: Deadline) -> VerificationReport:
    doc = PdfFile(data, max_bytes=cfg.max_bytes)
    try:
        fields = signature_fields(doc.pdf, deadline=deadline, limit=cfg.max_signatures)
        notes = [f"only the first {cfg.max_signatures} signature fields were checked"] \
            if len(fields) >= cfg.max_signatures else []
        sigs = sorted((_read(f, doc) for f in fields if f.value is not None), key=lambda s: s.signed_end)
        parts = _parts(doc, sigs, deadline)
        judged = _run(_judge_all(doc, parts, trust, cfg, now=now, deadline=deadline))
        entries = [entry(p, trust=trust, revocation_required=cfg.revocation_required) for p in judged]
    finally:
        doc.close()
    v = document_verdict([Verdict(e.indication, e.sub_indication) for e in entries])
    unsigned = tuple(f.name for f in fields if f.value is None)
    return VerificationReport(signatures=tuple(entries), unsigned_fields=unsigned, indication=v.indication,
                              sub_indication=v.sub,
                              encrypted=doc.encrypted, notes=tuple(notes), lang=lang)


def _run(coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` on a fresh event loop of this thread (never the caller's, never a signal handler)."""
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coro)
    finally:
        loop.close()


#: signatures ending at the same revision share one comparison; with the same permissions, one judgement
_Compared = dict[int, tuple[str, list[Change]]]
_Judged = dict[tuple[int, Permissions], list[Change]]


def _read(field: SigField, doc: PdfFile) -> SigDict:
    try:
        return read_sigdict(field, doc)
    except (VerifyTimeout, MemoryError):
        raise
    except Exception as e:
        return SigDict(field=field, kind="signature", subfilter="?", byte_range=None, contents=b"",
                       claimed_time=None, reason=None, problems=("byte_range_invalid", f"unreadable: {e}"[:120]),
                       changed_keys=())


def _parts(doc: PdfFile, sigs: list[SigDict], deadline: Deadline) -> list[Parts]:
    final: list[Roles] = []  # walked once, when a first signature needs it
    out: list[Parts] = []
    seen: dict[tuple[object, ...], tuple[Crypto, SignedBytes | None]] = {}  # fields sharing one signature
    compared: _Compared = {}
    judged: _Judged = {}
    for i, sig in enumerate(sigs):
        deadline.check()
        later = any(s.kind == "doc_timestamp" for s in sigs[i + 1:])
        try:
            key = (sig.byte_range, sig.kind, sig.subfilter, hashlib.sha256(sig.contents).digest())
            if key not in seen:
                seen[key] = _crypto(doc, sig)
            crypto, signed = seen[key]
            coverage, changes = _coverage_and_changes(doc, sig, final, (compared, judged), deadline)
            out.append(Parts(sig, crypto, tuple(changes), coverage, None, later, False, signed=signed))
        except (VerifyTimeout, MemoryError):
            raise
        except Exception as e:
            out.append(Parts(sig, unreadable("cms_unreadable", f"{type(e).__name__}: {e}"), (), "unclear", None,
                             later, False, ("signature_unreadable",)))
    return out


def _crypto(doc: PdfFile, sig: SigDict) -> tuple[Crypto, SignedBytes | None]:
    if sig.byte_range is None or "byte_range_invalid" in sig.problems:
        return unreadable("byte_range_invalid", "the byte range is not usable"), None
    signed = SignedBytes(doc.data, sig.byte_range)
    return check_cms(sig.contents, signed, kind=sig.kind, subfilter=sig.subfilter), signed


def _coverage_and_changes(doc: PdfFile, sig: SigDict, final: list[Roles],
                          caches: tuple[_Compared, _Judged], deadline: Deadline) -> tuple[str, list[Change]]:
    compared, judged = caches
    if sig.byte_range is None or {"byte_range_invalid", "signed_bytes_not_a_revision"} & set(sig.problems):
        return "unclear", []
    end = sig.signed_end
    if end not in compared:
        compared[end] = _compare(doc, end, final, deadline)
    coverage, changes = compared[end]
    assert sig.field.value is not None
    perms = permissions(sig.field.value, sig.field.field)
    if (end, perms) not in judged:
        judged[(end, perms)] = judge(changes, perms)
    return coverage, judged[(end, perms)]


def _compare(doc: PdfFile, end: int, final: list[Roles], deadline: Deadline) -> tuple[str, list[Change]]:
    """Coverage of a signature whose bytes end at ``end``, and what changed after them."""
    if not doc.data[end:].strip(b"\r\n\t\f \x00"):
        return "entire_file", []
    old = doc.revision(end)
    if old is None:
        return "unclear", []
    if not final:
        final.append(roles(doc.pdf, deadline=deadline))
    changes = changes_after(doc, old, end, final[0], deadline=deadline)
    if any(c.kind in ("annotation_added", "annotation_changed", "annotation_removed", "form_filled")
           for c in changes):
        text = TextIndex(doc.data[:end])
        try:
            changes = flag_overlays(changes, text)
        finally:
            text.close()
    return "entire_revision", changes


async def _judge_all(doc: PdfFile, parts: list[Parts], trust: TrustStore, cfg: VerifySettings, *,
                     now: datetime | None, deadline: Deadline) -> list[Parts]:
    dss = doc.dss()
    checker = Checker(trust, dss, allow_fetching=cfg.allow_fetching, timeout_s=cfg.revocation_timeout_s, moment=now)
    signed = [_signed(p) for p in parts]
    out: list[Parts] = []
    seen: dict[tuple[object, ...], tuple[Judged | None, tuple[str, ...]]] = {}
    try:
        for p, s, poe in zip(parts, signed, proofs_of_existence(signed), strict=True):
            deadline.check()
            key = (id(p.crypto), poe)  # one container shared by several fields is judged once
            if key not in seen:
                seen[key] = await _judge_one(checker, s, poe, deadline)
            judged, problems = seen[key]
            out.append(Parts(p.sig, p.crypto, p.changes, p.coverage, judged, p.later_timestamps,
                             dss is not None or p.carries_revocation, p.extra_problems + problems, p.signed))
    finally:
        await checker.close()
    return out


async def _judge_one(checker: Checker, s: Signed | None, poe: datetime | None,
                     deadline: Deadline) -> tuple[Judged | None, tuple[str, ...]]:
    if s is None:
        return None, ()
    try:
        return await asyncio.wait_for(checker.status(s, poe), deadline.remaining()), ()
    except TimeoutError as e:
        raise VerifyTimeout("the chain checks ran past the time limit") from e
    except (VerifyTimeout, MemoryError):
        raise
    except Exception:
        return None, ("chain_unverifiable",)


def _signed(p: Parts) -> Signed | None:
    if p.crypto.signed_data is None or p.crypto.cert is None or p.signed is None or p.crypto.problem is not None:
        return None
    return Signed(kind=p.sig.kind, crypto=p.crypto, signed=p.signed, claimed_time=p.sig.claimed_time)


__all__ = ["SignatureReport", "VerificationReport", "verify_pdf"]
