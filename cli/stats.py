"""``sohoa stats``: the service index (Decision 766/QĐ-TTg) for a period, as ``GET /v1/stats`` gives it."""

from __future__ import annotations

import json
import sys
from contextlib import closing
from typing import Annotated, Any

import typer

from cli.store import OfficerOption, TokenOption, _errors, acting_principal


def _pct(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.1f} %"


def _table(index: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    period = f"{index['from'] or '…'} → {index['to'] or '…'}"
    table = Table(title=f"Service index, {index['agency'] or 'every agency'}, {period}", title_justify="left")
    table.add_column("figure")
    table.add_column("value", justify="right")
    table.add_column("of", justify="right")
    d, r, c, t = index["dossiers"], index["results"], index["components"], index["upload_to_done"]
    table.add_row("dossiers with a digitized component", _pct(d["share"]), f"{d['digitized']}/{d['total']}")
    table.add_row("results issued electronically", _pct(r["share"]), f"{r['signed']}/{r['ended']}")
    table.add_row("components reused from the Kho", _pct(c["reuse_rate"]), f"{c['reused']}/{c['total']}")
    mean = c["per_day_mean"]
    table.add_row("components per day", "—" if mean is None else f"{mean:.1f}", f"{len(c['per_day'])} day(s)")
    for q in ("p50", "p95"):
        value = t[f"{q}_s"]
        table.add_row(f"upload to done, {q}", "—" if value is None else f"{value:.1f} s", str(t["components"]))
    for fix in index["corrections"]:
        table.add_row(f"corrected: {fix['doc_type']}.{fix['field']}", _pct(fix["share"]),
                      f"{fix['corrected']}/{fix['documents']}")
    # a console made now, on the stdout of the moment (a test's captured one too)
    Console(file=sys.stdout, highlight=False, soft_wrap=True).print(table)


def stats(
    *,
    from_: Annotated[str | None, typer.Option("--from", help="First day (YYYY-MM-DD, Vietnam) or an ISO time.")] = None,
    to: Annotated[str | None, typer.Option("--to", help="Last day, included (or an ISO time, excluded).")] = None,
    agency: Annotated[str | None, typer.Option("--agency", help="One agency's code (an officer's own by default).")]
    = None,
    as_json: Annotated[bool, typer.Option("--json", help="The figures as one JSON object.")] = False,
    officer: OfficerOption = "cli",
    token: TokenOption = None,
) -> None:
    """Print the service index: digitized dossiers, electronic results, reuse, speed, corrected fields."""
    from schemas.settings import get_settings
    from store.records import open_records, parse_bound, service_index

    settings = get_settings()
    with _errors(as_json):
        by = acting_principal(settings, officer=officer, token=token)
        start, end = parse_bound(from_, end=False), parse_bound(to, end=True)
        with closing(open_records(settings)) as records, records.read_transaction() as session:
            index = service_index(session, by, start=start, end=end, agency=agency).to_json()
    if as_json:
        sys.stdout.write(json.dumps(index, ensure_ascii=False) + "\n")
        return
    _table(index)


def register(app: typer.Typer) -> None:
    """Add ``stats`` to the ``sohoa`` command."""
    app.command("stats")(stats)
