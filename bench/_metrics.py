"""Scores: document-type accuracy, field exact match, character error rate."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from rapidfuzz.distance import Levenshtein

from corpus import ComponentTruth, SampleTruth
from schemas.documents import ComponentResult, DigitizeResult

#: dotted leaders and rules printed after form values: layout, not text
LEADERS = re.compile(r"[.…·_]{3,}|-{3,}")


def norm_text(text: str) -> str:
    """NFC, leader runs dropped, every run of white space one space: CER counts text, not layout.

    Leaders are dropped on both sides (truth and OCR), so neither pipeline is
    charged for dots it erased or rewarded for dots it guessed.
    """
    text = LEADERS.sub(" ", unicodedata.normalize("NFC", text))
    return re.sub(r"\s+", " ", text).strip()


def cer_counts(hypothesis: str, truth: str) -> tuple[int, int]:
    """(edit distance, truth length) after normalization."""
    h, t = norm_text(hypothesis), norm_text(truth)
    return Levenshtein.distance(h, t), len(t)


@dataclass
class Tally:
    """Running totals for one group of samples (a kind, or all)."""

    files: int = 0
    components: int = 0
    type_ok: int = 0
    fields: int = 0
    fields_ok: int = 0
    edits: int = 0
    chars: int = 0
    raw_edits: int = 0
    errors: int = 0
    field_misses: dict[str, int] = field(default_factory=dict)

    def add(self, other: Tally) -> None:
        for name in ("files", "components", "type_ok", "fields", "fields_ok", "edits", "chars", "raw_edits", "errors"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for k, v in other.field_misses.items():
            self.field_misses[k] = self.field_misses.get(k, 0) + v

    @property
    def type_acc(self) -> float:
        return self.type_ok / self.components if self.components else 0.0

    @property
    def field_acc(self) -> float:
        return self.fields_ok / self.fields if self.fields else 0.0

    @property
    def cer(self) -> float:
        return self.edits / self.chars if self.chars else 0.0

    @property
    def raw_cer(self) -> float:
        return self.raw_edits / self.chars if self.chars else 0.0


def _match(truth: ComponentTruth, found: tuple[ComponentResult, ...]) -> ComponentResult | None:
    def overlap(c: ComponentResult) -> int:
        lo = max(truth.page_range[0], c.page_range[0])
        hi = min(truth.page_range[1], c.page_range[1])
        return max(0, hi - lo + 1)

    best = max(found, key=overlap, default=None)
    return best if best is not None and overlap(best) > 0 else None


def score(sample: SampleTruth, result: DigitizeResult, raw_text: str) -> Tally:
    """Score one file's result (and the raw tesseract text of the same pages) against its truth."""
    t = Tally(files=1)
    truth_text = "\n".join(p.text for p in sample.pages)
    ours = "\n".join(c.text for c in result.components)
    t.edits, t.chars = cer_counts(ours, truth_text)
    t.raw_edits, _ = cer_counts(raw_text, truth_text)
    t.errors = int(result.error is not None)
    for truth in sample.components:
        t.components += 1
        found = _match(truth, result.components)
        t.type_ok += int(found is not None and found.doc_type == truth.doc_type)
        for name, value in truth.fields.items():
            t.fields += 1
            got = found.fields.get(name) if found is not None else None
            if got is not None and got.value == value:
                t.fields_ok += 1
            else:
                key = f"{truth.doc_type}.{name}"
                t.field_misses[key] = t.field_misses.get(key, 0) + 1
    return t
