"""The real back ends of the seams: the pipeline's stages and its PAdES signer.

:class:`PipelineDigitizer` calls ``pipeline.digitize.digitize_document`` (the
classifier is loaded once per process) and ``pipeline.searchable`` for the
searchable PDF. :class:`PipelineSigner` loads each key once per process
(``pipeline.sign.load_signer`` for the agency, ``load_officer_signer`` for each
officer, kept in an LRU) and signs with ``sign_pdf`` / ``sign_result``.
Both import the pipeline lazily, so workers start fast and ``--help`` stays cheap.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from schemas.documents import DigitizeResult
from schemas.errors import ErrorCode, SigningError
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
    """PAdES signatures: each officer with their own key, the agency with its own; each key loaded once.

    A scan is signed with the key of the officer who submitted it: their entry in
    the officer key registry, or with the development PKI a certificate issued for
    them on first use. Up to ``sign.officer_cache_size`` officers' keys stay loaded
    (least recently used dropped first). The level is the one asked for, else
    ``sign.result_level`` for results and ``sign.default_level`` for scans and
    copies; one that cannot be reached (B-T or more with no TSA) is an error
    (``level_unreachable``), never a lower level.

    Args:
        settings: the ``sign`` section, ``data_dir`` for the development PKI.
        environ: where officers' ``password_env`` / ``pin_env`` are looked up; default the process environment.
    """

    def __init__(self, settings: Settings, *, environ: Mapping[str, str] | None = None) -> None:
        from pipeline.sign import SignerCache

        self.cfg = _sign_settings(settings)
        if self.cfg.key_source != "dev" and not (self.cfg.officer_keys or self.cfg.officer_keys_file):
            log.warning("no officer key registry (SOHOA_SIGN__OFFICER_KEYS_FILE): every scan will fail with "
                        "key_unavailable until each officer's key is listed there")
        self._environ = os.environ if environ is None else environ
        self._signers: dict[str, Any] = {}
        self._officers = SignerCache(self.cfg.officer_cache_size)
        self._lock = threading.Lock()

    def _signer(self, role: str) -> Any:
        with self._lock:
            if role not in self._signers:
                from pipeline.sign import load_signer

                self._signers[role] = load_signer(self.cfg, role=role)  # type: ignore[arg-type]
            return self._signers[role]

    def _officer(self, officer: str | None, meta: Mapping[str, str]) -> AbstractContextManager[Any]:
        """The officer's own signer, borrowed from the cache for one signature."""
        if officer is None:
            if self.cfg.key_source == "dev":  # tooling in development: the development PKI's default officer
                return nullcontext(self._signer("officer"))
            who = meta.get("submitted_by") or "no officer"
            raise SigningError(f"a scan is signed by the officer who submitted it, and it was submitted by {who}",
                               code=ErrorCode.KEY_UNAVAILABLE, detail={"submitted_by": who})
        from pipeline.sign import load_officer_signer, officer_key

        # the entry is part of the key: a changed registry entry (a renewed key) loads the new key
        key = (officer, officer_key(self.cfg, officer))
        return self._officers.lease(key, lambda: load_officer_signer(
            self.cfg, officer, environ=self._environ, dev_issuer=self._dev_issuer()))

    def _dev_issuer(self) -> Callable[[str, str | None], str] | None:
        directory = self.cfg.dev_pki_dir
        if self.cfg.key_source != "dev" or directory is None:
            return None

        def issue(officer: str, name: str | None) -> str:
            from pki import dev_officer

            return dev_officer(directory, officer, name=name).label

        return issue

    def _who(self, role: SignRole, officer: str | None, meta: Mapping[str, str]) -> AbstractContextManager[Any]:
        return self._officer(officer, meta) if role == "officer" else nullcontext(self._signer("agency"))

    def sign(self, pdf: bytes, *, role: SignRole, meta: Mapping[str, str], level: Level | None = None,
             officer: str | None = None) -> SignedPdf:
        """Sign as ``role``: the officer on a scan, the signer then the seal on a result, the agency on a copy.

        Raises:
            SigningError: ``key_unavailable`` (no key for the officer), ``level_unreachable``.
        """
        from pipeline.sign import SignMeta, check_level, sign_pdf, sign_result

        chosen = check_level(level or (self.cfg.result_level if role == "agency" else self.cfg.default_level),
                             self.cfg)
        with self._who(role, officer, meta) as signer:
            if role == "officer":
                sign_meta = SignMeta(reason=meta.get("reason", "Số hóa hồ sơ"), name=meta.get("name"))
                data = sign_pdf(pdf, signer=signer, level=chosen, appearance="scan", meta=sign_meta, cfg=self.cfg)
            elif role == "agency":
                sign_meta = SignMeta(reason=meta.get("reason", "Ban hành kết quả"), title=meta.get("title"),
                                     name=meta.get("name"))
                data = sign_result(pdf, signer=self._signer("signer"), agency=signer, level=chosen,
                                   meta=sign_meta, cfg=self.cfg)
            else:
                sign_meta = SignMeta(reason=meta.get("reason", "Sao điện tử"),
                                     copy_form=meta.get("copy_form", "SAO Y"), number_symbol=meta.get("number_symbol"))
                data = sign_pdf(pdf, signer=signer, level=chosen, appearance="copy", meta=sign_meta, cfg=self.cfg)
            info = SignatureInput(role=role, signer_name=signer.subject,
                                  cert_serial=format(signer.cert.serial_number, "x"), level=chosen,
                                  signed_at=datetime.now(UTC))
        return SignedPdf(data, info)

    def close(self) -> None:
        """Release every loaded key (tokens, event loops)."""
        self._officers.close()
        with self._lock:
            for signer in self._signers.values():
                signer.close()
            self._signers.clear()


def _sign_settings(settings: Settings) -> SignSettings:
    """The signing section with the development PKI (folder, TSA, trust root, images) filled in."""
    from pki import resolved_sign_settings

    return resolved_sign_settings(settings)
