"""The real back ends of the seams: the pipeline's stages and its PAdES signer.

:class:`PipelineDigitizer` calls ``pipeline.digitize.digitize_document`` (the
classifier is loaded once per process) and ``pipeline.searchable`` for the
searchable PDF. :class:`PipelineSigner` loads each key once per process with
``pipeline.sign.load_signer`` and signs with ``sign_pdf`` / ``sign_result``.
Both import the pipeline lazily, so workers start fast and ``--help`` stays cheap.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from schemas.documents import DigitizeResult
from schemas.settings import Settings, SignSettings
from store.records import SignatureInput
from workers._seams import DigitizeOutput, SignedPdf, SignRole

if TYPE_CHECKING:
    from pipeline.digitize import KeptPage

log = logging.getLogger(__name__)

Level = Literal["B-B", "B-T", "B-LT", "B-LTA"]

NO_SEARCHABLE_PDF = "no_searchable_pdf"


class PipelineDigitizer:
    """The real pipeline: ingest, preprocess, OCR, classify, extract, then the searchable PDF.

    Args:
        settings: all settings (each stage takes its own section).
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._model: Any = None
        self._lock = threading.Lock()

    def _classifier(self) -> Any:
        with self._lock:
            if self._model is None:
                from pipeline.classify import load_classifier

                self._model = load_classifier(self.settings.classify.model_path)
            return self._model

    def digitize(self, scan: bytes, *, name: str) -> DigitizeOutput:
        """Digitize ``scan`` and make its searchable PDF; an unreadable file comes back with ``result.error``."""
        from pipeline.digitize import digitize_document

        done = digitize_document(scan, name=name, settings=self.settings, model=self._classifier(),
                                 keep_pages=True)
        if done.result.error is not None:
            return DigitizeOutput(done.result, None)
        pdf = _searchable(done.pages, scan, self.settings)
        if pdf is None:
            return DigitizeOutput(_flagged(done.result, NO_SEARCHABLE_PDF), None)
        return DigitizeOutput(done.result, pdf)


def _searchable(pages: Sequence[KeptPage], scan: bytes, settings: Settings) -> bytes | None:
    """The searchable PDF of a digitized file: its scans with our text layer, its born-digital pages as they are.

    A PDF whose every page was read from a trusted text layer already is searchable: it is kept
    as it is (with its own signatures). A mixed PDF gets our layer on its scanned pages (and on
    pages whose layer was not trusted) and keeps its born-digital pages. ``None`` when a page has
    neither an image nor a PDF to copy it from.
    """
    from pipeline.searchable import OriginalPage, SearchablePage, make_searchable_pdf

    is_pdf = scan.startswith(b"%PDF-")
    if all(p.image is None for p in pages) and is_pdf:
        return scan
    if any(p.image is None for p in pages) and not is_pdf:
        return None
    parts = [OriginalPage(p.number - 1) if p.image is None else SearchablePage(image=p.image, dpi=p.dpi, words=p.words)
             for p in pages]
    return make_searchable_pdf(parts, cfg=settings.searchable, source=scan if is_pdf else None)


def _flagged(result: DigitizeResult, flag: str) -> DigitizeResult:
    parts = tuple(c.model_copy(update={"flags": (*c.flags, flag)}) for c in result.components)
    return result.model_copy(update={"components": parts})


class PipelineSigner:
    """PAdES signatures with the configured keys; each key is loaded once and reused.

    Levels: ``sign.default_level`` for scans and copies, ``sign.result_level`` for
    results; without a TSA URL only ``B-B`` is possible, and that is what is
    recorded on the signature.

    Args:
        settings: the ``sign`` section, ``data_dir`` for the development PKI.
    """

    def __init__(self, settings: Settings) -> None:
        self.cfg = _sign_settings(settings)
        self._signers: dict[str, Any] = {}
        self._lock = threading.Lock()

    def _signer(self, role: str) -> Any:
        with self._lock:
            if role not in self._signers:
                from pipeline.sign import load_signer

                self._signers[role] = load_signer(self.cfg, role=role)  # type: ignore[arg-type]
            return self._signers[role]

    def _level(self, role: SignRole) -> Level:
        if not self.cfg.tsa_url:
            return "B-B"
        return self.cfg.result_level if role == "agency" else self.cfg.default_level

    def sign(self, pdf: bytes, *, role: SignRole, meta: Mapping[str, str]) -> SignedPdf:
        """Sign as ``role``: the officer on a scan, the signer then the seal on a result, the agency on a copy."""
        from pipeline.sign import SignMeta, sign_pdf, sign_result

        level = self._level(role)
        if role == "officer":
            signer = self._signer("officer")
            sign_meta = SignMeta(reason=meta.get("reason", "Số hóa hồ sơ"), name=meta.get("name"))
            data = sign_pdf(pdf, signer=signer, level=level, appearance="scan", meta=sign_meta, cfg=self.cfg)
        elif role == "agency":
            signer = self._signer("agency")
            sign_meta = SignMeta(reason=meta.get("reason", "Ban hành kết quả"), title=meta.get("title"),
                                 name=meta.get("name"))
            data = sign_result(pdf, signer=self._signer("signer"), agency=signer, level=level,
                               meta=sign_meta, cfg=self.cfg)
        else:
            signer = self._signer("agency")
            sign_meta = SignMeta(reason=meta.get("reason", "Sao điện tử"), copy_form=meta.get("copy_form", "SAO Y"),
                                 number_symbol=meta.get("number_symbol"))
            data = sign_pdf(pdf, signer=signer, level=level, appearance="copy", meta=sign_meta, cfg=self.cfg)
        info = SignatureInput(role=role, signer_name=signer.subject, cert_serial=format(signer.cert.serial_number, "x"),
                              level=level, signed_at=datetime.now(UTC))
        return SignedPdf(data, info)

    def close(self) -> None:
        """Release every loaded key (tokens, event loops)."""
        with self._lock:
            for signer in self._signers.values():
                signer.close()
            self._signers.clear()


def _sign_settings(settings: Settings) -> SignSettings:
    """The signing section with the development PKI (folder, TSA, trust root, images) filled in."""
    from pki import resolved_sign_settings

    return resolved_sign_settings(settings)
