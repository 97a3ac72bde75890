"""The classify stage: OCR pages in, a document type with a confidence out (``khac`` when unsure)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from pipeline.classify._features import DocText, text_of_pages
from pipeline.classify._model import Classifier
from pipeline.doctypes import CATALOG
from pipeline.extract._mrz import find_td1, normalize_line
from pipeline.extract._qr import parse_qr
from pipeline.lexicon import fold_key
from pipeline.types import OcrPage
from schemas.documents import DocType
from schemas.settings import ClassifySettings

_MOTTO = ("cong hoa xa hoi chu nghia viet nam", "doc lap tu do hanh phuc")
_MIN_CHARS = 20
#: confidence given to ``can_cuoc`` when a card's QR payload or MRZ was read
_CARD_CONFIDENCE = 0.97


@dataclass(frozen=True)
class Classification:
    """The type of a document and how sure the model is.

    Attributes:
        doc_type: the type; ``khac`` when the best score is below the threshold.
        confidence: the probability of ``doc_type`` (for ``khac`` by threshold: 1 − best score).
        scores: every type's probability.
    """

    doc_type: DocType
    confidence: float
    scores: dict[DocType, float]


def _machine_readable_card(pages: Sequence[OcrPage]) -> bool:
    """An ID card's QR payload or its ICAO zone (``I?VNM…``): proof of the type whatever OCR made of the rest."""
    if any(parse_qr(p) for page in pages for p in page.qr_payloads):
        return True
    for page in pages:
        zone = find_td1(page.text.splitlines())
        if zone and normalize_line(zone[0])[2:5] == "VNM":
            return True
    return False


def _decide(text: DocText, model: Classifier, cfg: ClassifySettings, *, card: bool = False) -> Classification:
    if len(text.folded.strip()) < _MIN_CHARS and not card:
        return Classification(DocType.KHAC, 1.0, {t: 0.0 for t in model.classes})
    probs = model.probabilities([text])[0]
    scores = {cls: float(p) for cls, p in zip(model.classes, probs, strict=True)}
    if card:
        scores[DocType.CAN_CUOC] = max(scores.get(DocType.CAN_CUOC, 0.0), _CARD_CONFIDENCE)
    best = max(scores, key=lambda k: scores[k])
    if best is not DocType.KHAC and scores[best] < cfg.threshold:
        return Classification(DocType.KHAC, 1.0 - scores[best], scores)
    return Classification(best, scores[best], scores)


def classify(pages: Sequence[OcrPage], *, model: Classifier, cfg: ClassifySettings) -> Classification:
    """Classify a document from all its pages.

    Args:
        pages: the document's OCR pages, in order.
        model: a loaded classifier (:func:`load_classifier`).
        cfg: the threshold below which the answer is ``khac``.

    Returns:
        The type, its confidence and every type's score. Too little text gives ``khac``. An ID
        card's QR payload or machine-readable zone makes it ``can_cuoc`` however garbled the rest.
    """
    return _decide(text_of_pages(pages), model, cfg, card=_machine_readable_card(pages))


def classify_page(page: OcrPage, *, model: Classifier, cfg: ClassifySettings) -> Classification:
    """Classify one page on its own (for splitting stacks)."""
    return classify([page], model=model, cfg=cfg)


@lru_cache(maxsize=1)
def _title_keys() -> tuple[str, ...]:
    keys = {fold_key(t) for spec in CATALOG.values() for t in spec.titles}
    return tuple(sorted(k for k in keys if len(k) >= 8))


def _top_lines(page: OcrPage, share: float) -> list[str]:
    out: list[str] = []
    for words in page.lines():
        if min(w.box[1] for w in words) <= page.height * share:
            out.append(fold_key(" ".join(w.text for w in words)))
    return [x for x in out if x]


def starts_document(page: OcrPage, *, model: Classifier) -> bool:
    """Whether ``page`` opens a new document: a national motto or a known title near its top.

    A continuation page (page 2 of a form, the back of an ID card) has neither. Blank and
    separator sheets are the caller's business.

    Args:
        page: one OCR page.
        model: the classifier (kept in the signature so a learned cue can be added).

    Returns:
        ``True`` when a header or a title stands in the upper part of the page.
    """
    del model  # the header cues below are enough today
    for line in _top_lines(page, 0.3):
        if any(fuzz.partial_ratio(m, line) >= 85 for m in _MOTTO if len(line) >= len(m) * 0.6):
            return True
    for line in _top_lines(page, 0.45):
        for key in _title_keys():
            if len(line) >= len(key) * 0.8 and fuzz.partial_ratio(key, line) >= 88:
                return True
    return False
