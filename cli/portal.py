"""``sohoa portal``: the national portal's record of a dossier, syncing, and dossiers that keep failing.

``export`` and ``status`` read as the acting officer (a token, or ``--officer`` in
development), checked and audited like the API's reads; ``sync`` is the worker's
job run in this process (``SOHOA_PORTAL__URL`` and ``SOHOA_PORTAL__PASSWORD``).
"""

from __future__ import annotations

import json
import sys
from contextlib import closing
from typing import Annotated, Any

import typer

from cli._output import out
from cli.store import OfficerOption, TokenOption, _errors, acting_principal

portal_app = typer.Typer(help="The National Public Service Portal: records, sync, failures.", no_args_is_help=True)

Code = Annotated[str, typer.Argument(help="The dossier code (mã hồ sơ).")]
JsonOption = Annotated[bool, typer.Option("--json", help="JSON on stdout.")]


def _dump(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2, default=str) + "\n")


@portal_app.command("export")
def export(ma_ho_so: Code, *, officer: OfficerOption = "cli", token: TokenOption = None) -> None:
    """Print the dossier as the portal receives it (HoSoDongBoDVC, JSON); the read is audited."""
    from schemas.settings import get_settings
    from store.records import open_records, portal_record

    settings = get_settings()
    with _errors(False):
        by = acting_principal(settings, officer=officer, token=token)
        with closing(open_records(settings)) as records, records.read_transaction() as s:
            record = portal_record(s, by, ma_ho_so, base_url=settings.portal.public_base_url)
    _dump(record.model_dump(mode="json"))


@portal_app.command("sync")
def sync(
    *,
    wait: Annotated[float, typer.Option("--wait", help="Seconds to keep retrying failed dossiers as they fall due.")]
    = 0.0,
    as_json: JsonOption = False,
) -> None:
    """Send new and changed dossiers to the portal now (what the worker does every portal.interval_s)."""
    from dataclasses import asdict

    from schemas.settings import get_settings
    from store.records import open_records
    from workers import sync_configured

    settings = get_settings()
    with _errors(as_json):
        settings.check_secure()
        with closing(open_records(settings)) as records:
            report = sync_configured(records, settings, wait_s=wait)
    if as_json:
        _dump(asdict(report))
    else:
        out.print(f"{report.posted} new and {report.updated} updated dossier(s) taken by the portal in "
                  f"{report.calls} call(s); {report.failed} failure(s) {report.errors or ''}; "
                  f"{report.remaining} not synced yet")
    if report.remaining:
        raise typer.Exit(2)


@portal_app.command("status")
def status(ma_ho_so: Code, *, as_json: JsonOption = False, officer: OfficerOption = "cli",
           token: TokenOption = None) -> None:
    """Where a dossier is with the portal, and every call made for it."""
    from dataclasses import asdict

    from schemas.settings import get_settings
    from store.records import open_records, portal_attempts, portal_sync_status

    settings = get_settings()
    with _errors(as_json):
        by = acting_principal(settings, officer=officer, token=token)
        with closing(open_records(settings)) as records, records.read_transaction() as s:
            view = portal_sync_status(s, by, ma_ho_so)
            attempts = portal_attempts(s, by, ma_ho_so)
    body = {"sync": asdict(view) if view else None, "attempts": attempts}
    if as_json:
        _dump(body)
        return
    if view is None:
        out.print(f"{ma_ho_so}: not looked at by the sync yet")
        return
    out.print(f"{ma_ho_so}: {view.state}, {view.attempts} failed tries of the current record, "
              f"last answer {json.dumps(view.last_answer, ensure_ascii=False)}")
    for a in attempts:
        out.print(f"  {a['at'][:19]} {a['service']:6} {'ok' if a['ok'] else 'failed'} {a['error_code'] or ''} "
                  f"{a['message'] or ''}")


@portal_app.command("failing")
def failing(*, as_json: JsonOption = False, limit: Annotated[int, typer.Option(min=1, max=1000)] = 100,
            officer: OfficerOption = "cli", token: TokenOption = None) -> None:
    """Dossiers the portal keeps refusing (after portal.max_attempts tries), with the last answer."""
    from dataclasses import asdict

    from schemas.settings import get_settings
    from store.records import failing_syncs, open_records

    settings = get_settings()
    with _errors(as_json):
        by = acting_principal(settings, officer=officer, token=token)
        with closing(open_records(settings)) as records, records.read_transaction() as s:
            rows = failing_syncs(s, by, limit=limit)
    if as_json:
        _dump([asdict(r) for r in rows])
        return
    out.print(f"{len(rows)} dossier(s) failing")
    for r in rows:
        out.print(f"  {r.ma_ho_so}  {r.attempts} tries  {r.last_error_code}  "
                  f"{json.dumps(r.last_answer, ensure_ascii=False)}")


def register(app: typer.Typer) -> None:
    """Add ``portal`` to the ``sohoa`` command."""
    app.add_typer(portal_app, name="portal")
