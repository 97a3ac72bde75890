"""Real-document bench helpers: which truth goes with which page, CER, a text-quality proxy.

Everything here is engine-neutral: the same function scores sohoa's text and raw
Tesseract's text of the same page.

CER: both texts go through :func:`bench._metrics.norm_text` (Unicode NFC, runs of
three or more dots/underscores/dashes dropped as layout, every run of white
space, line breaks included, collapsed to one space), then Levenshtein distance
over characters divided by the length of the normalized truth. Case and
diacritics count; reading order counts (a header read column by column costs
what it costs both engines).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from bench._metrics import cer_counts
from pipeline.digitize import Digitized
from pipeline.lexicon import is_valid_syllable
from pipeline.ocr import reading_text

#: what sohoa reads (``sohoa digitize`` help)
SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp", ".pdf"})

#: a number or a code: digits, or capitals with digits and separators (UBND, 1743/QĐ-BGTVT, 04/8/2020)
_CODE = re.compile(r"^(?=.*[\dA-ZĐ])[\dA-ZĐ/.,:\-]+$")
#: punctuation that may stick to a word and is not part of it
_EDGE = "\"'“”‘’()[]{}<>«»,.;:!?…-–—/*•·"


def cer(hypothesis: str, truth: str) -> float:
    """Character error rate of ``hypothesis`` against ``truth`` (see the module docstring)."""
    edits, chars = cer_counts(hypothesis, truth)
    return edits / chars if chars else float(edits > 0)


def page_texts(done: Digitized) -> dict[int, str]:
    """Page number -> sohoa's text of that page (a component's text joins them), from ``keep_pages``."""
    return {k.number: reading_text(list(k.words)) for k in done.pages}


@dataclass(frozen=True)
class Quality:
    """A ground-truth-free reading of a page's text: how much of it is Vietnamese.

    Attributes:
        words: tokens with at least one character left after edge punctuation is stripped.
        valid: of those, the ones that are a well-formed Vietnamese syllable, or a number or code.
    """

    words: int
    valid: int

    @property
    def share(self) -> float:
        return self.valid / self.words if self.words else 0.0


def _valid_word(core: str) -> bool:
    if _CODE.match(core):
        return True
    letters = "".join(ch for ch in core if ch.isalpha())
    # a letter word must be all letters (a stray digit or symbol inside is an OCR slip) and a syllable
    return letters == core and is_valid_syllable(core)


def quality(text: str) -> Quality:
    """Words and valid words in ``text``; garbage symbols count as invalid words."""
    words = valid = 0
    for token in unicodedata.normalize("NFC", text).split():
        core = token.strip(_EDGE)
        if not core:
            continue
        words += 1
        valid += _valid_word(core)
    return Quality(words, valid)


def _read_truth(path: Path) -> str:
    """A transcript without its leading ``#`` comment lines."""
    lines = path.read_text(encoding="utf-8").split("\n")  # not splitlines(): it splits at form feeds too
    while lines and (lines[0].startswith("#") or not lines[0].strip()):
        lines.pop(0)
    return "\n".join(lines).rstrip("\n ")


def split_pages(text: str) -> list[str]:
    """A text layer dump's pages: form feeds separate them; an empty last page is dropped."""
    pages = text.split("\f")
    if len(pages) > 1 and not pages[-1].strip():
        pages.pop()
    return pages


def transcript(file: Path, page: int, pages: int) -> str | None:
    """The ground truth of ``page`` (1-based) of ``file``, or ``None`` when there is none.

    Looked up beside the file: ``STEM.pN.txt`` (one page's transcript), then ``STEM.txt``
    and, for damaged copies named ``STEM-damage.jpg``, the transcript of ``STEM``. A
    ``.txt`` with form feeds is split per page; one without is the truth of a one-page file only.
    """
    stem = file.stem
    own = file.with_name(f"{stem}.p{page}.txt")
    if own.is_file():
        return _read_truth(own)
    names = [stem]
    while "-" in names[-1]:
        names.append(names[-1].rsplit("-", 1)[0])
    for name in names:
        path = file.with_name(f"{name}.txt")
        if not path.is_file():
            continue
        text = _read_truth(path)
        if "\f" in text:
            split = split_pages(text)
            return split[page - 1] if page <= len(split) and len(split) == pages else None
        return text if pages == 1 else None
    return None
