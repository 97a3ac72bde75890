"""``sohoa train-classifier``: build the document-type classifier artifact from the synthetic corpus."""

from __future__ import annotations

from pathlib import Path

import typer


def train_classifier_command(
    out: Path | None = typer.Option(None, "--out", help="artifact path (default: the one shipped in the package)"),
    count: int = typer.Option(30, "--count", min=2, help="documents rendered per type"),
    seed: int = typer.Option(100_000, "--seed", min=100_000, help="first corpus seed (>= 100000)"),
    cache: Path = typer.Option(Path("var/classify-ocr"), "--cache", help="tesseract text cache"),
    ocr_share: float = typer.Option(0.2, "--ocr-share", min=0.0, max=1.0,
                                    help="share of documents also read by tesseract from a degraded scan"),
) -> None:
    """Train the classifier on generated documents and write it with its JSON sidecar."""
    import os

    from rich.console import Console

    from pipeline.classify import default_model_path, train_classifier
    from schemas.errors import SohoaError

    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    err = Console(stderr=True)
    target = out or default_model_path()
    try:
        with err.status("training") as status:
            report = train_classifier(target, count=count, seed=seed, cache_dir=cache if ocr_share > 0 else None,
                                      ocr_share=ocr_share, progress=status.update)
    except SohoaError as e:
        err.print(f"[red]{e.code}[/red]: {e.message}")
        raise typer.Exit(1) from e
    typer.echo(f"wrote {report.path} (sha256 {report.sha256[:16]}…)")
    typer.echo(f"samples: {report.samples}")
    typer.echo(f"held-out accuracy: {report.holdout_accuracy:.3f}; ocr pages: {report.ocr_pages}; "
               f"{report.seconds:.0f} s")


def register(app: typer.Typer) -> None:
    """Add ``train-classifier`` to the ``sohoa`` app."""
    app.command("train-classifier")(train_classifier_command)
