"""A deterministic generator of Vietnamese administrative papers and their scan damage, with truth.

Feeds the tests, the classifier's training, ``sohoa demo`` and ``bench/digitize.py``.
``render_document`` draws one clean document; ``degrade`` damages a page like a
scanner, a fax or a phone would; ``generate_corpus`` writes files of every kind
with ``manifest.jsonl``. See ``corpus/README.md`` for how truth relates to print.
"""

from __future__ import annotations

from corpus._corpus import MANIFEST, generate_corpus, load_manifest
from corpus._degrade import PROFILES, degrade
from corpus._mrz import check_digit, td1, verify_td1
from corpus._render import layouts, render_document
from corpus._types import ComponentTruth, Degraded, PageSpec, PageTruth, RenderedDocument, SampleTruth
from corpus._writer import KINDS

__all__ = [
    "KINDS",
    "MANIFEST",
    "PROFILES",
    "ComponentTruth",
    "Degraded",
    "PageSpec",
    "PageTruth",
    "RenderedDocument",
    "SampleTruth",
    "check_digit",
    "degrade",
    "generate_corpus",
    "layouts",
    "load_manifest",
    "render_document",
    "td1",
    "verify_td1",
]
