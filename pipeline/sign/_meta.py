"""What is signed and why: the signature's metadata, its level and its appearance kind."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Level = Literal["B-B", "B-T", "B-LT", "B-LTA"]
LEVELS: tuple[Level, ...] = ("B-B", "B-T", "B-LT", "B-LTA")

#: ``scan``: officer, top-left of page 1 (Circular 01/2023 Art. 8); ``result``: signer's signature
#: image and name (Decree 30/2020 ô 7c); ``seal``: the agency's red seal over the left third of the
#: result signature (ô 8); ``copy``: attachment or electronic copy, top-right, no image; ``none``.
Appearance = Literal["scan", "result", "seal", "copy", "none"]
APPEARANCES: tuple[Appearance, ...] = ("scan", "result", "seal", "copy", "none")

#: DocMDP for a certification signature: what later changes the certifier allows
DocMdp = Literal["no_changes", "fill_forms", "annotate"]


@dataclass(frozen=True)
class SignMeta:
    """Who signs in what capacity, and why; everything optional.

    Attributes:
        reason: the signature's /Reason ("Số hóa hồ sơ", "Ban hành kết quả").
        location: /Location (the office).
        contact: /ContactInfo.
        name: the signer's name as shown in the stamp; default the certificate's CN.
        agency: "Cơ quan: …" in the stamp; default the certificate's OU, O or CN.
        title: the signer's position for a result ("CHỦ TỊCH", "KT. CHỦ TỊCH").
        number_symbol: the document's number and symbol ("Số: 15/QĐ-UBND") for attachments.
        copy_form: the copy form for electronic copies ("SAO Y", "TRÍCH SAO", "SAO LỤC").
        field_name: the signature field's name; default one derived from the appearance.
        certify: make this a certification signature (DocMDP), the first one on a result.
        docmdp: what a certification allows afterwards.
        empty_fields: empty visible signature fields to create in the same revision, for
            later signers (``result``, ``seal`` …). After a certification signature, a
            later visible signature may only fill a field that already exists.
        page: 1-based page for the stamp (default: 1, the last page for results).
        box_mm: the stamp's box (x, y, width, height) in mm from the page's top-left corner.
    """

    reason: str | None = None
    location: str | None = None
    contact: str | None = None
    name: str | None = None
    agency: str | None = None
    title: str | None = None
    number_symbol: str | None = None
    copy_form: str | None = None
    field_name: str | None = None
    certify: bool = False
    docmdp: DocMdp = "fill_forms"
    empty_fields: tuple[Appearance, ...] = ()
    page: int | None = None
    box_mm: tuple[float, float, float, float] | None = None
