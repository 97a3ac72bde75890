"""``sohoa corpus generate``: write a synthetic corpus of scans with ground truth."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

corpus_app = typer.Typer(help="Synthetic Vietnamese administrative papers with ground truth.",
                         no_args_is_help=True)


def _split(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


@corpus_app.command("generate")
def generate(
    out_dir: Annotated[Path, typer.Argument(help="Folder to write the files and manifest.jsonl into.")],
    count: Annotated[int, typer.Option("--count", "-n", min=0, help="Number of files.")] = 20,
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same bytes.")] = 0,
    kinds: Annotated[str | None, typer.Option("--kinds", help="Comma-separated file kinds.")] = None,
    types: Annotated[str | None, typer.Option("--types", help="Comma-separated doc_types.")] = None,
) -> None:
    """Write COUNT files of the given kinds and types into OUT_DIR, then print where."""
    from rich.console import Console
    from rich.progress import Progress

    from corpus import KINDS, generate_corpus
    from schemas.documents import DocType
    from schemas.errors import SohoaError

    try:
        doc_types = [DocType(t) for t in _split(types) or []] or None
    except ValueError as e:
        raise typer.BadParameter(f"{e}; known: {', '.join(t.value for t in DocType)}", param_hint="--types") from e
    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("generating", total=count)
        try:
            truths = generate_corpus(out_dir, count=count, seed=seed, kinds=_split(kinds) or KINDS,
                                     doc_types=doc_types, progress=lambda n: bar.update(task, completed=n))
        except SohoaError as e:
            typer.echo(f"error [{e.code}]: {e.message}", err=True)
            raise typer.Exit(2) from e
    typer.echo(f"wrote {len(truths)} files and {out_dir / 'manifest.jsonl'}")


def register(app: typer.Typer) -> None:
    """Add the ``corpus`` command group to the ``sohoa`` app."""
    app.add_typer(corpus_app, name="corpus")
