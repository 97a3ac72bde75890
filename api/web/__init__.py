"""The counter's web pages: the officer's at ``/``, the citizen's at ``/cong-dan``, on the public /v1 API.

Mount with ``create_app(extra_routers=api.web.ROUTERS)``: the pages and their assets
(``router``), and the ``/v1/documents/{id}/pages|signatures`` routes the review
screens use (``documents_router``).
"""

from __future__ import annotations

from fastapi import APIRouter

from api.web._documents import print_label, printable_copy
from api.web._documents import router as documents_router
from api.web._errors_vi import CLIENT_MESSAGES, ERROR_MESSAGES, message_for
from api.web._routes import CSP, router, static_url
from api.web._words import DOC_TYPE_NAMES, FIELD_LABELS, FLAG_WORDS, STATUS_WORDS, flag_words, page_words

#: everything the pages add to the app: the pages themselves, and the document routes they use
ROUTERS: tuple[APIRouter, ...] = (documents_router, router)

__all__ = [
    "CLIENT_MESSAGES",
    "CSP",
    "DOC_TYPE_NAMES",
    "ERROR_MESSAGES",
    "FIELD_LABELS",
    "FLAG_WORDS",
    "ROUTERS",
    "STATUS_WORDS",
    "documents_router",
    "flag_words",
    "message_for",
    "page_words",
    "print_label",
    "printable_copy",
    "router",
    "static_url",
]
