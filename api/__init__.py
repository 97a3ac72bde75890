"""The HTTP API (FastAPI): one front door for officers, the resolution system and citizens.

Routers per audience (``_officer``, ``_store_docs``, ``_resolution``, ``_citizen``,
``_admin``, ``_ops``), bearer JWTs (``_auth``), one error body (``_errors``), the
request context (``_middleware``: request id, limits, JSON logs, metrics).
Authorization lives in the store functions the routes call. ``sohoa serve`` runs it.
"""

from api._app import ROUTERS, app_from_environment, create_app
from api._auth import TokenVerifier, dev_secret, mint_dev_token, principal_of
from api._serve import check_serving, is_loopback, serve_api
from api._services import ApiServices, open_services

__all__ = [
    "ROUTERS",
    "ApiServices",
    "TokenVerifier",
    "app_from_environment",
    "check_serving",
    "create_app",
    "dev_secret",
    "is_loopback",
    "mint_dev_token",
    "open_services",
    "principal_of",
    "serve_api",
]
