"""``sohoa pki init`` and ``sohoa pki serve``: the development PKI and its loopback TSA/OCSP/CRL services."""

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
