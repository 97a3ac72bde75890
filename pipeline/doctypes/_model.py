"""The shape of a catalog entry: a document type, its printed titles, its fields and their labels."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from schemas.documents import DocType

#: the section of a form about someone else than its declarant (the child on a birth registration form):
#: its values belong to no field of the form
OTHER_PERSON = "other_person"


class ValueKind(StrEnum):
    """The grammar a field's value follows; it picks the parser and the normalizer."""

    NAME = "name"  # a person's full name → title case with diacritics
    DATE = "date"  # any printed date → YYYY-MM-DD
    ID_NUMBER = "id_number"  # so_dinh_danh: 12 digits (9 only where the paper says CMND)
    SEX = "sex"  # Nam / Nữ
    PLACE = "place"  # an address or a place name, as printed
    NATIONALITY = "nationality"
    ETHNICITY = "ethnicity"
    TEXT = "text"  # free text, as printed
    MONEY = "money"  # đồng as an integer string
    NUMBER = "number"  # a decimal with "." as separator (area)
    INTEGER = "integer"  # a plain count or parcel number
    CODE = "code"  # letters, digits and / - . (registration codes, diploma numbers)
    PHONE = "phone"
    YEAR = "year"


@dataclass(frozen=True)
class FieldSpec:
    """One field of a document type.

    Attributes:
        name: the field name of the contract (``schemas.DOC_TYPE_FIELDS``).
        kind: the value grammar.
        labels: label variants as printed (Vietnamese, with diacritics; English halves of
            bilingual labels are listed too). Matching is fuzzy on diacritic-folded text.
        section: the part of the paper the generic labels of this field belong to
            (``"me"`` for the mother's block of a birth certificate); ``None`` is the main part.
        anywhere: the field's labels are unambiguous, so they count in any section.
        choices: the standard wordings of a status field; a value that reads like one (OCR
            slips allowed) or starts with one is given in that wording.
    """

    name: str
    kind: ValueKind
    labels: tuple[str, ...]
    section: str | None = None
    anywhere: bool = False
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Validity:
    """How long a paper stays valid (``thoi_han_hieu_luc``).

    Attributes:
        months: months from the issue date (6 for a marital-status certificate).
        field: a field that prints the end date itself (``co_gia_tri_den`` on ID cards).
    """

    months: int | None = None
    field: str | None = None


@dataclass(frozen=True)
class DocTypeSpec:
    """Everything the classifier and the extractor know about one document type.

    Attributes:
        doc_type: the type.
        code: ``ma_loai_giay_to`` (Art. 9 a) as this project assigns it until the national
            result-type codes are loaded.
        titles: printed title variants, upper case as on paper; the first is the canonical one.
        fields: the fields with their labels, in the order a form shows them.
        sections: section name → header variants that open that part of the paper.
        validity: the rule for ``thoi_han_hieu_luc``; ``None`` when the paper has no term.
        agency: the issuing agency when the paper does not print one in a header.
        owner_field: the field holding the owner's ``so_dinh_danh`` (Art. 9 b).
        title_prefix: the title is a prefix followed by free words (``TỜ KHAI …``).
        number_field: the field that is the paper's number (``so_ky_hieu``) when it prints no "Số:".
        serial: a pattern of the printed serial that is the paper's number (land certificates).
        issued: an agency issues the paper (a citizen's form has no issue date or agency).
        others: qualifiers after a generic label that name another person ("Họ và tên chủ hộ"
            on a residence confirmation): such values belong to no field.
    """

    doc_type: DocType
    code: str
    titles: tuple[str, ...]
    fields: tuple[FieldSpec, ...]
    sections: dict[str, tuple[str, ...]] = field(default_factory=dict)
    validity: Validity | None = None
    agency: str | None = None
    owner_field: str | None = "so_dinh_danh"
    title_prefix: bool = False
    number_field: str | None = None
    serial: str | None = None
    issued: bool = True
    others: tuple[str, ...] = ()

    def field(self, name: str) -> FieldSpec:
        """The field called ``name``.

        Raises:
            KeyError: the type has no such field.
        """
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise KeyError(name)

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)
