"""The officer's page at ``/``, the citizen's at ``/cong-dan``, and their static files.

The pages are server-rendered shells: everything they show comes from the
public ``/v1`` API, called from the browser with the signed-in user's token,
so whatever a page can do an integrator can do too. Every asset is served
from here (no CDN, no outside font): offices run on closed networks, and the
Content-Security-Policy header lets the browser fetch nothing from elsewhere.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from api.web._words import page_words
from schemas.settings import get_settings

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"

#: nothing leaves the server the page came from: scripts, styles, images, fetches, forms
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
       "connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
PAGE_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class StaticFile:
    """One asset, read once: its bytes, type and a short content hash for cache busting."""

    body: bytes
    media_type: str
    digest: str


@lru_cache(maxsize=1)
def _static_files() -> dict[str, StaticFile]:
    files: dict[str, StaticFile] = {}
    for path in sorted(STATIC.iterdir()):
        if path.is_file():
            body = path.read_bytes()
            media = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            if media.startswith("text/") or media.endswith("javascript"):
                media += "; charset=utf-8"
            files[path.name] = StaticFile(body, media, hashlib.sha256(body).hexdigest()[:12])
    return files


def static_url(name: str) -> str:
    """The URL of a static asset, with its content hash so a changed file is fetched anew."""
    return f"/static/{name}?v={_static_files()[name].digest}"


@lru_cache(maxsize=1)
def _templates() -> Environment:
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.globals["static_url"] = static_url
    return env


def _render(name: str, **context: Any) -> HTMLResponse:
    settings = get_settings()
    development = settings.environment == "development"
    words = json.dumps(page_words(), ensure_ascii=False).replace("</", "<\\/")
    html = _templates().get_template(name).render(words_json=words, development=development, **context)
    return HTMLResponse(html, headers=PAGE_HEADERS)


@router.get("/", response_class=HTMLResponse)
def officer_page() -> HTMLResponse:
    """The one-stop officer's counter page."""
    return _render("officer.html")


@router.get("/cong-dan", response_class=HTMLResponse)
def citizen_page() -> HTMLResponse:
    """The citizen's page: my documents, consents, who read my data."""
    return _render("citizen.html")


@router.get("/static/{name}")
def static_file(name: str, request: Request) -> Response:
    """A page asset by name (only the files shipped in ``api/web/static``; no paths)."""
    asset = _static_files().get(name)
    if asset is None:
        return Response(status_code=404, headers={"Cache-Control": "no-store"})
    etag = f'"{asset.digest}"'
    headers = {"ETag": etag, "X-Content-Type-Options": "nosniff",
               "Cache-Control": "public, max-age=31536000, immutable" if request.query_params.get("v")
               else "no-cache"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(asset.body, media_type=asset.media_type, headers=headers)
