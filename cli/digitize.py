"""``sohoa digitize FILE... [--json]``: read scans into typed records, one per input file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli._output import err, out, print_json_line, result_table


def digitize(
    files: Annotated[list[Path], typer.Argument(help="Scans or PDFs: PNG, JPEG, TIFF, BMP, WebP, PDF.")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per input file on stdout.")] = False,
    jobs: Annotated[int, typer.Option(help="Page reader processes; 0 means one per core.")] = 0,
    progress: Annotated[bool, typer.Option(help="Progress bar on stderr.")] = True,
) -> None:
    """Digitize dossier components: OCR, document type, fields and Art. 9 metadata.

    Exit status 0 when every file was read, 1 when any failed (its error is in the output).
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from pipeline.digitize import digitize_batch
    from schemas.settings import get_settings

    settings = get_settings()
    if jobs:
        settings = settings.model_copy(update={"ocr": settings.ocr.model_copy(update={"jobs": jobs})})
    failed = 0
    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                   console=err, transient=True, disable=not progress or len(files) < 2)
    with bar:
        task = bar.add_task("digitizing", total=len(files))
        for result in digitize_batch(files, settings=settings):
            bar.advance(task)
            failed += result.error is not None
            if as_json:
                print_json_line(result.to_json())
            else:
                out.print(result_table(result))
    if failed:
        err.print(f"[red]{failed} of {len(files)} file(s) could not be read[/red]")
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add ``digitize`` to the ``sohoa`` command."""
    app.command("digitize")(digitize)
