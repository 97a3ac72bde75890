"""Debian's Chromium driven by Playwright: launch, watch every request, run axe-core, keep screenshots.

Playwright's own browser download cannot run on these machines, so the tests launch
``/usr/bin/chromium`` (installed by ``scripts/setup.sh --dev``) headless, with the
background services switched off: on a closed network Chromium's own calls home are
refused, and they would also show up as requests leaving the server.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tests.conftest import require_service

CHROMIUM = os.environ.get("SOHOA_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-extensions",
    "--metrics-recording-only", "--no-default-browser-check", "--disable-features=Translate,MediaRouter",
]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("SOHOA_TEST_ARTIFACTS", ROOT / "build" / "test-artifacts")) / "web"


@dataclass
class RequestLog:
    """Every URL the page asked for, to prove none left the server it came from."""

    urls: list[str] = field(default_factory=list)

    def foreign(self, origin: str) -> list[str]:
        """The requests to anywhere but ``origin`` (``http://127.0.0.1:PORT``); blob/data URLs are local."""
        allowed = urlsplit(origin).netloc
        return [u for u in self.urls if urlsplit(u).scheme in ("http", "https", "ws", "wss")
                and urlsplit(u).netloc != allowed]


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium for the session (Playwright gives it a fresh temporary profile, deleted after)."""
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        require_service("Chromium", f"{CHROMIUM} is not installed (scripts/setup.sh --dev installs it)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require_service("Playwright", "the playwright package is missing (pip install -e .[dev])")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def page_on(browser: Any, *, width: int = 1366, height: int = 768, log: RequestLog | None = None,
            accept_downloads: bool = True) -> Iterator[Any]:
    """A fresh context (empty cache, no storage) and one page in it, every request recorded in ``log``."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN",
                                  timezone_id="Asia/Ho_Chi_Minh", accept_downloads=accept_downloads,
                                  service_workers="block")
    if log is not None:
        context.on("request", lambda request: log.urls.append(request.url))
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        yield page
    finally:
        context.close()


def wait_until(page: Any, expression: str, *, timeout_s: float = 15.0, every_ms: int = 100) -> Any:
    """Poll a JavaScript expression until it is truthy (``page.wait_for_function`` is refused by the pages'
    Content-Security-Policy, which allows no eval; ``page.evaluate`` is not).

    Raises:
        TimeoutError: the expression stayed falsy for ``timeout_s``.
    """
    deadline = time.monotonic() + timeout_s
    while True:
        value = page.evaluate(expression)
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"still false after {timeout_s}s: {expression}")
        page.wait_for_timeout(every_ms)


def serious_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "targets": [n["target"] for n in v["nodes"]][:5]}
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def screenshot(page: Any, name: str) -> Path:
    """Save the page as ``build/test-artifacts/web/NAME.png`` (a test artifact)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path
