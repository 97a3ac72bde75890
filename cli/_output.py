"""Shared console output: stdout for results, stderr for progress and messages."""

from __future__ import annotations

import json
import sys
from typing import Any

from rich.console import Console
from rich.table import Table

from schemas.documents import DigitizeResult

out = Console(file=sys.stdout, highlight=False, soft_wrap=True)
err = Console(file=sys.stderr, highlight=False)


def print_json_line(obj: dict[str, Any]) -> None:
    """One JSON object on one line of stdout (JSON Lines), UTF-8, unescaped."""
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def result_table(result: DigitizeResult) -> Table:
    """A readable table of one file's result: type, then each field with its confidence and flags."""
    title = f"{result.file}"
    if result.error:
        table = Table(title=title, show_header=False, title_justify="left")
        table.add_row("[red]error[/red]", f"{result.error.code}: {result.error.message}")
        return table
    table = Table(title=title, title_justify="left")
    table.add_column("field")
    table.add_column("value")
    table.add_column("conf", justify="right")
    table.add_column("page", justify="right")
    table.add_column("flags")
    for i, comp in enumerate(result.components):
        label = f"[bold]{comp.doc_type}[/bold] ({comp.confidence:.2f})"
        pages = f"pages {comp.page_range[0]}–{comp.page_range[1]}"
        table.add_row(f"[bold]document {i + 1}[/bold]", label, "", pages, ", ".join(comp.flags))
        for name, value in comp.fields.items():
            table.add_row(
                name, value.value or "—", f"{value.confidence:.2f}",
                str(value.page or ""), ", ".join(value.flags),
            )
        for name, meta in comp.metadata.model_dump().items():
            if meta:
                table.add_row(f"[dim]{name}[/dim]", f"[dim]{meta}[/dim]", "", "", "")
    return table
