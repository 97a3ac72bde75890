"""The counter's web pages: the officer's at ``/``, the citizen's at ``/cong-dan``, on the public /v1 API.

Mount with ``app.include_router(api.web.router)``.
"""

from __future__ import annotations

from api.web._errors_vi import CLIENT_MESSAGES, ERROR_MESSAGES, message_for
from api.web._routes import CSP, router, static_url
from api.web._words import DOC_TYPE_NAMES, FIELD_LABELS, FLAG_WORDS, STATUS_WORDS, flag_words, page_words

__all__ = [
    "CLIENT_MESSAGES",
    "CSP",
    "DOC_TYPE_NAMES",
    "ERROR_MESSAGES",
    "FIELD_LABELS",
    "FLAG_WORDS",
    "STATUS_WORDS",
    "flag_words",
    "message_for",
    "page_words",
    "router",
    "static_url",
]
