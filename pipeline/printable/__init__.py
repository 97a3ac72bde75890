"""Printed copies: a stored document or signed result as the law wants it on paper.

The QR code at the top-left of page 1 (TCVN 7322:2009) holds the dossier
code, the procedure code, the owner's id and the document's name (Circular
01/2023/TT-VPCP), and a label beside it names the system and where the
electronic original can be looked up (Decree 45/2020 Art. 18.2). The API
serves it as the ``printable`` variant of a document's file.
"""

from __future__ import annotations

from pipeline.printable._band import PrintLayout, qr_modules
from pipeline.printable._compose import make_printable, plan_page
from pipeline.printable._label import PAYLOAD_HEADER, PrintLabel, label_lines, parse_payload, qr_payload

__all__ = [
    "PAYLOAD_HEADER",
    "PrintLabel",
    "PrintLayout",
    "label_lines",
    "make_printable",
    "parse_payload",
    "plan_page",
    "qr_modules",
    "qr_payload",
]
