"""The classify stage: OCR pages in, a document type with a confidence out (``khac`` when unsure)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pipeline.classify._features import DocText, text_of_pages
from pipeline.classify._model import Classifier
from pipeline.doctypes import CATALOG
from pipeline.extract._cardorder import looks_like_card_front
from pipeline.extract._layout import Line, build_lines
from pipeline.extract._mrz import find_td1, normalize_line
from pipeline.extract._qr import parse_qr
from pipeline.extract._title import find_title
from pipeline.types import OcrPage
from schemas.documents import DocType
from schemas.settings import ClassifySettings

#: a document needs this many letters and digits in legible words to be classified at all
MIN_READABLE_CHARS = 20
#: words read with less confidence than this are not counted as legible (specks, stamps, noise)
_LEGIBLE_CONF = 0.4
#: the flag of a document nothing legible was read from
NO_TEXT = "no_text"
#: confidence given to ``can_cuoc`` when a card's QR payload or MRZ was read
_CARD_CONFIDENCE = 0.97
#: confidence given to ``can_cuoc`` when only the front's layout says so (labels unreadable)
_CARD_LAYOUT_CONFIDENCE = 0.6
#: confidence given to the type a printed title names when the model, which learned other layouts, does not
#: see it (an official form the generator does not draw: "TỜ KHAI CĂN CƯỚC CÔNG DÂN")
_TITLE_CONFIDENCE = 0.7
#: a paper of a titled type prints its title; without one read, the model must be at least this sure
#: (an unknown paper the model half-recognizes, an old CMND read as a marriage certificate at 0.54, is khac)
_UNTITLED_MIN = 0.8


@dataclass(frozen=True)
class Classification:
    """The type of a document and how sure the model is.

    Attributes:
        doc_type: the type; ``khac`` when the best score is below the threshold.
        confidence: the probability of ``doc_type`` (also for ``khac`` given because no type reached
            the threshold: the probability that the paper is of none of the types).
        scores: every type's probability.
        flags: ``no_text`` when nothing legible was read (the type is then ``khac`` at confidence 0).
    """

    doc_type: DocType
    confidence: float
    scores: dict[DocType, float]
    flags: tuple[str, ...] = ()


def readable_chars(pages: Sequence[OcrPage]) -> int:
    """How many letters and digits the pages hold in words read with some confidence.

    A blank or black page, or one OCR only made specks of, has next to none; a text
    layer's words all count (their confidence is 1).

    Args:
        pages: OCR pages.

    Returns:
        The count of alphanumeric characters in legible words.
    """
    return sum(sum(ch.isalnum() for ch in w.text) for page in pages for w in page.words if w.conf >= _LEGIBLE_CONF)


def _machine_readable_card(pages: Sequence[OcrPage]) -> bool:
    """An ID card's QR payload or its ICAO zone (``I?VNM…``): proof of the type whatever OCR made of the rest."""
    if any(parse_qr(p) for page in pages for p in page.qr_payloads):
        return True
    for page in pages:
        zone = find_td1(page.text.splitlines())
        if zone and normalize_line(zone[0])[2:5] == "VNM":
            return True
    return False


def titled_types(lines: Sequence[Line]) -> frozenset[DocType]:
    """The types whose printed title heads the first page (usually none or one)."""
    first = [ln for ln in lines if lines and ln.page == lines[0].page]
    return frozenset(spec.doc_type for spec in CATALOG.values() if spec.titles and find_title(spec, first))


def _decide(text: DocText, model: Classifier, cfg: ClassifySettings, *, card: bool = False,
            card_front: bool = False, titles: Callable[[], frozenset[DocType]] = frozenset) -> Classification:
    probs = model.probabilities([text])[0]
    scores = {cls: float(p) for cls, p in zip(model.classes, probs, strict=True)}
    if card:
        scores[DocType.CAN_CUOC] = max(scores.get(DocType.CAN_CUOC, 0.0), _CARD_CONFIDENCE)
    best = max(scores, key=lambda k: scores[k])
    if best is not DocType.KHAC and scores[best] >= max(cfg.threshold, _UNTITLED_MIN):
        return Classification(best, scores[best], scores)  # sure enough that no title changes the answer
    return _less_sure(scores, best, cfg, card=card, card_front=card_front, titles=titles())


def _less_sure(scores: dict[DocType, float], best: DocType, cfg: ClassifySettings, *, card: bool, card_front: bool,
               titles: frozenset[DocType]) -> Classification:
    """The answer when the model says ``khac`` or is not sure: the printed title and the card layout weigh in."""
    unsure = best is not DocType.KHAC and scores[best] < cfg.threshold
    titled = next(iter(titles)) if len(titles) == 1 else None
    by_title = max(scores.get(titled, 0.0), _TITLE_CONFIDENCE) if titled is not None else 0.0
    if (best is DocType.KHAC or unsure) and titled is not None and by_title >= cfg.threshold:
        return Classification(titled, by_title, scores)
    if (best is DocType.KHAC or unsure) and card_front:
        return Classification(DocType.CAN_CUOC, _CARD_LAYOUT_CONFIDENCE, scores)
    untitled = not titles and best not in (DocType.KHAC, DocType.CAN_CUOC) and scores[best] < _UNTITLED_MIN
    if unsure or (untitled and not card):
        # "none of the types" is right only if the paper is none of them: the model's own odds of that
        return Classification(DocType.KHAC, scores.get(DocType.KHAC, 0.0), scores)
    return Classification(best, scores[best], scores)


def classify(pages: Sequence[OcrPage], *, model: Classifier, cfg: ClassifySettings) -> Classification:
    """Classify a document from all its pages.

    Args:
        pages: the document's OCR pages, in order.
        model: a loaded classifier (:func:`load_classifier`).
        cfg: the threshold below which the answer is ``khac``.

    Returns:
        The type, its confidence and every type's score. Too little legible text gives ``khac``
        at confidence 0 with the flag ``no_text``: nothing was read, so nothing is known. An ID
        card's QR payload or machine-readable zone makes it ``can_cuoc`` however garbled the rest.
        When the model answers ``khac`` or is unsure, a catalog title printed as the heading of the
        first page names the type (a form laid out as the model never saw), and so does a card
        front's layout (the number, then a name in capitals). A paper of a titled type whose
        title was not read is given that type only when the model is at least 0.8 sure; else
        it is ``khac`` (an unknown paper the model half-recognizes).
    """
    card = _machine_readable_card(pages)
    if not card and readable_chars(pages) < MIN_READABLE_CHARS:
        return Classification(DocType.KHAC, 0.0, {t: 0.0 for t in model.classes}, flags=(NO_TEXT,))
    lines = build_lines(pages)
    return _decide(text_of_pages(pages), model, cfg, card=card, card_front=looks_like_card_front(lines),
                   titles=lambda: titled_types(lines))


def classify_page(page: OcrPage, *, model: Classifier, cfg: ClassifySettings) -> Classification:
    """Classify one page on its own (for splitting stacks)."""
    return classify([page], model=model, cfg=cfg)
