"""The document catalog: each type's printed titles, ``ma_loai_giay_to``, fields, labels and validity."""

from pipeline.doctypes import _labels as labels
from pipeline.doctypes._catalog import CATALOG, get_spec
from pipeline.doctypes._model import OTHER_PERSON, DocTypeSpec, FieldSpec, Validity, ValueKind

__all__ = ["CATALOG", "OTHER_PERSON", "DocTypeSpec", "FieldSpec", "Validity", "ValueKind", "get_spec", "labels"]
