"""An electronic result signed as Decree 30/2020 wants: certified, then the signer, then the agency's seal.

A certification signature (DocMDP, "fill forms and sign" — P=2) lets later
signatures only fill signature fields that already exist: pyHanko's difference
analysis, like the PDF standard read strictly, refuses a new visible field
added after a certification. So the agency's certification (invisible) creates,
in its own revision, the two empty visible fields the result needs — the
signer's signature and the red seal over its left third — and the signer and
the agency then fill them as approval signatures. Every signature stays valid,
and any other change made after the certification is caught. A certification
must be a document's first signature, so a document signed before (an
officer's scan) gets the two approvals only.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from pipeline.sign._meta import Level, SignMeta
from pipeline.sign._sign import check_level, open_for_signing, sign_pdf
from pipeline.sign._signer import Signer
from schemas.settings import SignSettings


def _earlier_level(level: Level) -> Level:
    # one document timestamp after the last signature covers them all: earlier ones stop at B-LT
    return "B-LT" if level == "B-LTA" else level


def sign_result(
    data: bytes,
    *,
    signer: Signer,
    agency: Signer,
    level: Level = "B-LTA",
    meta: SignMeta | None = None,
    cfg: SignSettings,
    now: datetime | None = None,
) -> bytes:
    """Certify a result for the agency, then sign it as the competent person, then seal it.

    Three incremental revisions: the agency's certification signature (DocMDP P=2,
    invisible, ``Sig_certify_1``, creating empty ``Sig_result_N`` and ``Sig_seal_N``
    fields), the signer's visible signature (image, title, name) filling the first,
    and the agency's red seal filling the second. A document that carries a
    signature already cannot be certified (a certification must come first): it
    gets the two visible approvals in new fields. The last signature is made at
    ``level``; the earlier ones at B-LT when ``level`` is B-LTA (the final document
    timestamp covers them), else at ``level``.

    Args:
        data: the result PDF (certified only when it carries no signature yet).
        signer: the competent person's signer (signature image and name).
        agency: the agency's signer (certification and seal).
        level: the PAdES level reached by every signature.
        meta: title, name, reason, location of the person's signature.
        cfg: signing settings (images, boxes, TSA).
        now: the signing time; default the clock.

    Returns:
        The PDF with both visible signatures (certified when it was unsigned).

    Raises:
        SohoaError: as :func:`pipeline.sign.sign_pdf`; ``pdf_locked`` when ``data``
            is already certified with "no changes"; ``level_unreachable`` before anything
            is signed when ``level`` needs a TSA and none is configured.
    """
    check_level(level, cfg)  # before the first of three signatures: all reach the level or none is made
    meta = meta or SignMeta()
    early = _earlier_level(level)
    if not open_for_signing(data).prev.embedded_signatures:
        certify = SignMeta(reason=meta.reason, location=meta.location, agency=meta.agency, certify=True,
                           docmdp="fill_forms", empty_fields=("result", "seal"), field_name="Sig_certify_1")
        data = sign_pdf(data, signer=agency, level=early, appearance="none", meta=certify, cfg=cfg, now=now)
    # no field names: each fills the empty field the certification prepared for its kind
    person = replace(meta, certify=False, empty_fields=(), field_name=None)
    signed = sign_pdf(data, signer=signer, level=early, appearance="result", meta=person, cfg=cfg, now=now)
    seal = SignMeta(reason=meta.reason, location=meta.location, agency=meta.agency)
    return sign_pdf(signed, signer=agency, level=level, appearance="seal", meta=seal, cfg=cfg, now=now)
