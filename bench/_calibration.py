"""Whether the classifier's confidence means what it says: expected calibration error and sure mistakes.

Each document found is one prediction: its type, the confidence given, and whether the type is
right. Expected calibration error (ECE) bins predictions by confidence (ten equal bins) and
averages, weighted by bin size, the gap between the mean confidence and the accuracy of each
bin: 0 when "0.8" is right 80% of the time. A *sure mistake* is a wrong type given with a
confidence at or above the classification threshold (below it the answer is ``khac``: an
officer decides).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from corpus import SampleTruth
from schemas.documents import ComponentResult, DocType

_BINS = 10


@dataclass
class Calibration:
    """Predictions collected over a benchmark run.

    Attributes:
        threshold: the confidence at or above which an answer is acted on.
        points: ``(confidence, right, answered type)`` per document.
    """

    threshold: float
    points: list[tuple[float, bool, DocType]] = field(default_factory=list)

    def add(self, sample: SampleTruth, found: Sequence[ComponentResult]) -> None:
        """Add every document of ``sample``: the component matched to it, or a miss at confidence 0."""
        from bench._metrics import _match

        for truth in sample.components:
            got = _match(truth, tuple(found))
            if got is None:
                self.points.append((0.0, False, DocType.KHAC))
            else:
                self.points.append((got.confidence, got.doc_type == truth.doc_type, got.doc_type))

    @property
    def ece(self) -> float:
        """Expected calibration error over ten equal-width bins."""
        if not self.points:
            return 0.0
        bins: list[list[tuple[float, bool]]] = [[] for _ in range(_BINS)]
        for conf, right, _ in self.points:
            bins[min(_BINS - 1, int(conf * _BINS))].append((conf, right))
        total = len(self.points)
        gap = 0.0
        for b in bins:
            if b:
                mean_conf = sum(c for c, _ in b) / len(b)
                accuracy = sum(r for _, r in b) / len(b)
                gap += len(b) / total * abs(mean_conf - accuracy)
        return gap

    @property
    def sure_mistakes(self) -> int:
        """Wrong types given at or above the threshold, ``khac`` included (an unknown paper named one)."""
        return sum(1 for conf, right, _ in self.points if not right and conf >= self.threshold)

    def line(self) -> str:
        """One line for the report."""
        n = len(self.points)
        rate = self.sure_mistakes / n if n else 0.0
        return (f"calibration: ECE {self.ece:.3f} over {n} documents; wrong type at confidence >= "
                f"{self.threshold:.2f}: {self.sure_mistakes} ({rate:.1%})")
