"""Schemathesis against our own OpenAPI document: no 5xx, and every answer matches what the document says.

Cases are generated from the schema (valid and invalid bodies, ids, query
strings, uploads of random bytes); each operation is called with the token of
the audience it is for, on an app with the embedded defaults and the fakes.
Examples per operation are few to keep the suite fast; Hypothesis keeps the
failing ones in its database for the next run.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from api import create_app, open_services
from tests.api.conftest import api_settings, tokens_for

_SETTINGS = api_settings(Path(tempfile.mkdtemp(prefix="sohoa-schemathesis-")))
_SERVICES = open_services(_SETTINGS)
_TOKENS = tokens_for(_SETTINGS)
schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(services=_SERVICES))

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _caller(path: str) -> str:
    if path.startswith("/v1/me"):
        return "citizen"
    if path.startswith("/v1/results"):
        return "resolution"
    if path.startswith("/v1/audit"):
        return "admin"
    return "officer"


@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_answers_as_its_openapi_document_says(case: schemathesis.Case) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {_TOKENS[_caller(case.path)]}"}, checks=CHECKS)
