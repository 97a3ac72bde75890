"""``sohoa pki init``, ``officer`` and ``serve``: the development PKI, its officers, and its loopback TSA/OCSP/CRL."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

pki_app = typer.Typer(help="The development PKI (DEVELOPMENT only: never for real signatures).",
                      no_args_is_help=True)

DirOption = Annotated[Path | None, typer.Option("--dir", help="PKI folder (default: <data dir>/pki)")]


def _directory(directory: Path | None) -> tuple[Path, int, str]:
    from schemas.settings import get_settings

    settings = get_settings()
    return directory or settings.data_dir / "pki", settings.pki.port, settings.pki.host


@pki_app.command("init")
def init(directory: DirOption = None) -> None:
    """Make the development root CA, issuing CA, agency, officer and TSA certificates (once)."""
    from pki import ensure_dev_pki

    path, port, _ = _directory(directory)
    pki = ensure_dev_pki(path, port=port)
    sys.stdout.write(f"development PKI in {pki.directory} (services on {pki.base_url})\n")
    for label, ident in sorted(pki.identities.items()):
        sys.stdout.write(f"  {label:<12} {ident.pkcs12} (password in {ident.pkcs12_password_file.name})\n")
    sys.stdout.write(f"  trust root   {pki.root_cert}\n  TSA          {pki.tsa_url}\n")


@pki_app.command("officer")
def officer(
    officer_id: Annotated[str, typer.Argument(help="the officer id (the account id, a token's sub)")],
    name: Annotated[str | None, typer.Option(help="the name in the certificate (default: the id)")] = None,
    directory: DirOption = None,
) -> None:
    """Issue (once) an officer's own development certificate, as their first signature would; print its files."""
    from pki import dev_officer, ensure_dev_pki
    from schemas.errors import SohoaError

    path, port, _ = _directory(directory)
    try:
        ident = dev_officer(ensure_dev_pki(path, port=port).directory, officer_id, name=name)
    except SohoaError as e:
        sys.stderr.write(f"error [{e.code}]: {e.message}\n")
        raise typer.Exit(2) from e
    sys.stdout.write(f"{officer_id}: {ident.cert}\n  {ident.pkcs12} (password in {ident.pkcs12_password_file.name})\n")


@pki_app.command("serve")
def serve(directory: DirOption = None) -> None:
    """Serve the RFC 3161 TSA, the OCSP responder and the CRLs on 127.0.0.1 until interrupted."""
    from pki import ensure_dev_pki, run_dev_pki_forever

    path, port, host = _directory(directory)
    pki = ensure_dev_pki(path, port=port)
    sys.stderr.write(f"serving TSA {pki.tsa_url}, OCSP {pki.ocsp_url}, CRLs on {pki.base_url}\n")
    run_dev_pki_forever(pki, host=host)


def register(app: typer.Typer) -> None:
    """Add ``sohoa pki …`` to the app."""
    app.add_typer(pki_app, name="pki")
