"""``sohoa db upgrade``, ``ingest FILE... --citizen ID``, ``documents ID``, ``sweep``: the per-citizen store.

With no ``SOHOA_BROKER_URL`` (the embedded default) ``ingest`` digitizes each
file in this process before it returns; with a broker it uploads, enqueues and
returns at once, and ``--wait`` waits for the workers' result. Who acts comes
from a bearer token (``--token`` or ``SOHOA_TOKEN``, checked like the API's);
only in development may ``--officer`` name someone without one (see ``OfficerOption``).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from cli._output import err, out, print_json_line

db_app = typer.Typer(help="The records database: migrations.", no_args_is_help=True)

# In development only, --officer is taken on trust (an operator on a laptop, acting for every
# agency). Everywhere else these commands need a token (--token / SOHOA_TOKEN), verified as the
# API verifies it, and the principal recorded is the token's, never a name typed on the line.
OfficerOption = Annotated[str, typer.Option(
    "--officer", help="Development only: who is acting (officer account), for the audit log, taken on trust. "
                      "Elsewhere the token names who acts.")]
TokenOption = Annotated[str | None, typer.Option(
    "--token", envvar="SOHOA_TOKEN", help="Bearer token of who acts (required outside development).")]


def acting_principal(settings: Any, *, officer: str, token: str | None) -> Any:
    """Who acts: the token's principal, or in development with no token, ``officer`` acting for every agency.

    Raises:
        SohoaError: ``unauthenticated`` outside development without a token, or with a bad one.
    """
    from schemas.errors import ErrorCode, SohoaError
    from store.records import Principal

    if token:
        from api import TokenVerifier

        return TokenVerifier(settings).verify(token)
    if settings.environment != "development":
        raise SohoaError("outside development this command needs a token (--token or SOHOA_TOKEN)",
                         code=ErrorCode.UNAUTHENTICATED)
    return Principal("officer", officer, None)


@contextmanager
def _errors(as_json: bool) -> Iterator[None]:
    """Print a sohoa error as a sentence (or a JSON line) and exit 1."""
    from schemas.errors import SohoaError

    try:
        yield
    except SohoaError as e:
        if as_json:
            print_json_line({"error": e.to_dict()})
        else:
            err.print(f"[red]{e.code}[/red]: {e.message}")
        raise typer.Exit(1) from e


@db_app.command("upgrade")
def db_upgrade(
    url: Annotated[str | None, typer.Option(help="Database URL (default SOHOA_DATABASE_URL or SQLite).")] = None,
) -> None:
    """Migrate the database to the newest schema (safe to run again)."""
    from schemas.settings import get_settings
    from store.records import RecordStore, make_engine

    with _errors(False):
        records = RecordStore(make_engine(get_settings(), url=url))
        try:
            revision = records.upgrade()
        finally:
            records.close()
    out.print(f"database at revision {revision} ({records.dialect})")


def ingest(
    files: Annotated[list[Path], typer.Argument(help="Scans or PDFs of the dossier's components.", exists=True,
                                                dir_okay=False)],
    *,
    citizen: Annotated[str, typer.Option("--citizen", help="The owner's so_dinh_danh (or organization code).")],
    dossier: Annotated[str | None, typer.Option("--dossier", help="Dossier code (mã hồ sơ).")] = None,
    procedure: Annotated[str | None, typer.Option("--procedure", help="Procedure code (mã TTHC).")] = None,
    wait: Annotated[bool, typer.Option("--wait", help="Wait for the workers and print the result.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per file on stdout.")] = False,
    officer: OfficerOption = "cli",
    token: TokenOption = None,
) -> None:
    """Upload files into a citizen's store and have them digitized.

    Exit status 1 when a file could not be taken in, or (with --wait) failed or timed out.
    """
    from schemas.settings import get_settings
    from store import Store
    from workers import LazyRuntime, ingest_files, open_dispatcher, report, wait_for

    settings = get_settings()
    with _errors(as_json), _inline_signing(settings):
        by = acting_principal(settings, officer=officer, token=token)
        store = Store.open(settings)
        dispatcher = open_dispatcher(settings, LazyRuntime(settings))
        try:
            taken = ingest_files(store, dispatcher, files, citizen=citizen, by=by, dossier=dossier,
                                 procedure=procedure)
            ids = [t.component.id for t in taken]
            views = wait_for(store, ids, timeout_s=settings.worker.wait_timeout_s) if wait else None
            lines = [report(store, v, by=by) for v in views] if views is not None else [
                {**t.component.to_json(), "duplicates": [h.to_json() for h in t.duplicates]} for t in taken]
        finally:
            dispatcher.close()
            store.close()
    for line in lines:
        if as_json:
            print_json_line(line)
        else:
            _print_ingested(line)
    if views is not None and any(v.status != "extracted" for v in views):
        raise typer.Exit(1)


@contextmanager
def _inline_signing(settings: Any) -> Iterator[None]:
    """Without a broker the jobs (and their signatures) run here: keep the development PKI's TSA answering."""
    if settings.broker_url:
        yield
        return
    from workers import dev_pki_services, needs_dev_pki

    with dev_pki_services(settings, needed=needs_dev_pki(settings)):
        yield


def _print_ingested(line: dict[str, Any]) -> None:
    status = line.get("status", "")
    colour = {"extracted": "green", "failed": "red"}.get(status, "yellow")
    out.print(f"{line.get('file')}: [{colour}]{status}[/{colour}] component {line.get('component_id')}"
              + (f", record {line['record_id']}" if line.get("record_id") else ""))
    if line.get("error") and status == "failed":
        out.print(f"  [red]{line['error']['code']}[/red]: {line['error']['message']}")
    for hit in line.get("duplicates", []):
        out.print(f"  [yellow]already in the store[/yellow]: {hit['doc_type']} {hit['document_id']} "
                  f"({hit['match']}, digitized {hit['digitized_at'][:10]})")


def documents(
    citizen: Annotated[str, typer.Argument(help="The owner's so_dinh_danh (or organization code).")],
    *,
    as_json: Annotated[bool, typer.Option("--json", help="A JSON array on stdout.")] = False,
    search: Annotated[str | None, typer.Option("--search", help="Words to find, diacritics optional.")] = None,
    doc_type: Annotated[str | None, typer.Option("--type", help="Only this document type.")] = None,
    valid: Annotated[bool, typer.Option("--valid", help="Only reusable ones: confirmed, unexpired.")] = False,
    officer: OfficerOption = "cli",
    token: TokenOption = None,
) -> None:
    """List a citizen's documents in the store (every read is written to the audit log)."""
    from schemas.settings import get_settings
    from store import Store
    from store.records import list_documents, search_documents, valid_documents

    with _errors(as_json):
        by = acting_principal(get_settings(), officer=officer, token=token)
        store = Store.open(get_settings())
        try:
            with store.records.transaction() as session:
                if search:
                    docs = search_documents(session, by, search, ma_dinh_danh=citizen, doc_type=doc_type)
                elif valid:
                    docs = valid_documents(session, by, citizen, doc_type=doc_type)
                else:
                    docs = list_documents(session, by, citizen, doc_type=doc_type)
        finally:
            store.close()
    if as_json:
        sys.stdout.write(json.dumps([d.to_json() for d in docs], ensure_ascii=False, indent=2) + "\n")
        return
    _documents_table(citizen, docs)


def _documents_table(citizen: str, docs: list[Any]) -> None:
    from rich.table import Table

    table = Table(title=f"{citizen}: {len(docs)} document(s)", title_justify="left")
    for column in ("id", "type", "name", "status", "v", "dossier", "pages", "valid until", "digitized"):
        table.add_column(column)
    for d in docs:
        table.add_row(d.id[:8], d.doc_type, d.ho_ten or d.metadata.ten_giay_to or "—", d.status, str(d.version),
                      d.ma_ho_so or "—", str(d.page_count), d.expires_on.isoformat() if d.expires_on else "—",
                      d.digitized_at.astimezone().strftime("%Y-%m-%d %H:%M"))
    out.print(table)


def sweep(
    *,
    orphans: Annotated[bool, typer.Option("--orphans/--no-orphans",
                                          help="Also delete stored files no record refers to.")] = True,
    older_than: Annotated[float, typer.Option("--older-than", help="Grace period of files, in hours.")] = 24.0,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would be done; change nothing.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object on stdout.")] = False,
) -> None:
    """Maintenance, safe at any time: lost jobs and orphaned files.

    A component left pending/processing longer than a job can take (its
    message was dead-lettered or lost) is enqueued again, or after too many
    attempts ends failed with job_lost. Workers do this every
    SOHOA_WORKER__SWEEP_INTERVAL_S too. Without a broker, the components
    enqueued again are digitized here.

    Files uploaded by a job that crashed before recording them are deleted
    once older than --older-than hours.
    """
    from schemas.settings import get_settings
    from store import Store, sweep_orphans
    from store.records import Principal
    from workers import LazyRuntime, open_dispatcher, sweep_stuck

    settings = get_settings()
    by = Principal("system", "sweep")
    with _errors(as_json), _inline_signing(settings):
        store = Store.open(settings)
        dispatcher = open_dispatcher(settings, LazyRuntime(settings))
        try:
            stuck = sweep_stuck(store.records, dispatcher, settings.worker, by=by, dry_run=dry_run)
            files = sweep_orphans(store, older_than_s=older_than * 3600, by=by, dry_run=dry_run) if orphans else None
        finally:
            dispatcher.close()
            store.close()
    if as_json:
        print_json_line({"dry_run": dry_run, "components": stuck.to_json(),
                         "objects": files.to_json() if files else None})
        return
    verb = "would be" if dry_run else "were"
    out.print(stuck.skipped or f"components: {len(stuck.requeued)} {verb} enqueued again, "
                               f"{len(stuck.given_up)} {verb} given up on (job_lost)")
    if files is not None:
        out.print(f"files: {len(files.orphans)} of {files.looked_at} {verb} deleted as orphans "
                  f"({files.bytes / 1e6:.1f} MB)")


def register(app: typer.Typer) -> None:
    """Add ``db``, ``ingest``, ``documents`` and ``sweep`` to the ``sohoa`` command."""
    app.add_typer(db_app, name="db")
    app.command("ingest")(ingest)
    app.command("documents")(documents)
    app.command("sweep")(sweep)
