"""``sohoa worker``: a worker process consuming the digitize/sign/copy queue on RabbitMQ."""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from cli._output import err


def worker(
    threads: Annotated[int | None, typer.Option(help="Worker threads (default SOHOA_WORKER__THREADS).")] = None,
    log_level: Annotated[str, typer.Option(help="Logging level on stderr.")] = "INFO",
) -> None:
    """Run one worker process until SIGTERM/SIGINT (scale out with more processes or containers)."""
    from schemas.errors import SohoaError
    from schemas.settings import get_settings
    from workers import run_worker

    logging.basicConfig(level=log_level.upper(), format="%(asctime)s %(process)d %(name)s %(levelname)s %(message)s")
    logging.getLogger("pika").setLevel(max(logging.WARNING, logging.getLogger().level))  # a line per socket event
    # fontTools logs some sixty INFO lines per page while it subsets the searchable PDF's font
    logging.getLogger("fontTools").setLevel(max(logging.WARNING, logging.getLogger().level))
    settings = get_settings()
    try:
        settings.check_secure()
        run_worker(settings, threads=threads)
    except SohoaError as e:
        err.print(f"[red]{e.code}[/red]: {e.message}")
        raise typer.Exit(1) from e


def register(app: typer.Typer) -> None:
    """Add ``worker`` to the ``sohoa`` command."""
    app.command("worker")(worker)
