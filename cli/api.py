"""``sohoa token`` (a development token) and ``sohoa serve`` (the HTTP API with uvicorn)."""

from __future__ import annotations

from typing import Annotated

import typer

from cli._output import err, out


def token(
    role: Annotated[str, typer.Option("--role", help="officer, resolution_system, citizen or admin.")],
    agency: Annotated[str | None, typer.Option("--agency", help="Agency code (an officer's is required; "
                                                                 "the resolution system without one acts for all).")]
    = None,
    sub: Annotated[str | None, typer.Option("--sub", help="Who: an officer's account, a citizen's so_dinh_danh "
                                                          "(default: a name for the role).")] = None,
    ttl: Annotated[int, typer.Option("--ttl", help="Seconds the token is valid.")] = 3600,
) -> None:
    """Print a development token (HS256) on the last line; refused outside development."""
    from api import mint_dev_token
    from schemas.errors import SohoaError
    from schemas.settings import get_settings

    defaults = {"officer": "canbo01", "resolution_system": "motcua", "citizen": "001090000001", "admin": "quantri"}
    try:
        made = mint_dev_token(get_settings(), role=role, sub=sub or defaults.get(role, role), agency=agency,
                              ttl_s=ttl)
    except SohoaError as e:
        err.print(f"[red]{e.code}[/red]: {e.message}")
        raise typer.Exit(1) from e
    err.print(f"development token for {role} {sub or defaults.get(role, role)}"
              f"{' of ' + agency if agency else ''}, valid {ttl} s:")
    out.print(made, soft_wrap=True)


def serve(
    host: Annotated[str | None, typer.Option(help="Address to bind (default SOHOA_API__HOST, 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default SOHOA_API__PORT, 8000).")] = None,
    workers: Annotated[int | None, typer.Option(help="Worker processes (default SOHOA_API__WORKERS, 1).")] = None,
    log_level: Annotated[str, typer.Option(help="Logging level.")] = "info",
) -> None:
    """Run the HTTP API with uvicorn (embedded defaults with no configuration: local files, SQLite, jobs in-process).

    In development it binds to loopback only; serving on another address needs
    SOHOA_ENVIRONMENT=production and every secret and key configured.
    """
    from api import serve_api
    from schemas.errors import SohoaError
    from schemas.settings import get_settings

    try:
        serve_api(get_settings(), host=host, port=port, workers=workers, log_level=log_level)
    except SohoaError as e:
        err.print(f"[red]{e.code}[/red]: {e.message}")
        raise typer.Exit(1) from e


def register(app: typer.Typer) -> None:
    """Add ``token`` and ``serve`` to the ``sohoa`` command."""
    app.command("token")(token)
    app.command("serve")(serve)
