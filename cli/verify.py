"""``sohoa verify FILE...``: check every signature of many PDFs in one process, quietly, offline unless asked.

Trust comes from the settings (``SOHOA_VERIFY__TRUST_DIR``, ``SOHOA_VERIFY__TRUST_ROOTS``) or
``--trust-dir``; in development the development PKI's root is added when that PKI exists (it
is never made here, and no service is started). Revocation comes from the file; ``--online``
lets the verifier ask OCSP responders and CRL servers for what the file lacks.
"""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path
from typing import Annotated

import typer

#: exit status: every file valid / some file not valid / some file could not be verified at all
EXIT_VALID, EXIT_INVALID, EXIT_ERROR = 0, 1, 2


def verify(  # noqa: PLR0917 (a command: every option is a parameter)
    files: Annotated[list[Path], typer.Argument(help="the signed PDFs", exists=True, dir_okay=False)],
    as_json: Annotated[bool, typer.Option("--json", help="one JSON report per line")] = False,
    lang: Annotated[str, typer.Option(help="vi or en")] = "vi",
    online: Annotated[bool, typer.Option(help="fetch revocation data the files do not carry (OCSP, CRL)")] = False,
    offline: Annotated[bool, typer.Option(hidden=True, help="never fetch (the default)")] = False,
    trust_dir: Annotated[Path | None, typer.Option(help="folder of trusted root and intermediate certificates",
                                                   exists=True, file_okay=False)] = None,
) -> None:
    """Verify every signature of each PDF; exit 0 when all are valid, 1 when one is not, 2 when one cannot be read."""
    warnings.simplefilter("ignore")  # library deprecation notes are not for the officer reading the report
    from pipeline.verify import quiet_library_logs, verify_pdf
    from pki import verify_settings
    from schemas.errors import SohoaError
    from schemas.settings import get_settings

    quiet_library_logs()
    try:
        settings = get_settings()
        cfg = verify_settings(settings, online=online and not offline, trust_dir=trust_dir, lang=lang)
    except SohoaError as e:
        _error(None, e.to_dict(), as_json=as_json)
        raise typer.Exit(EXIT_ERROR) from e
    status = EXIT_VALID
    for path in files:
        try:
            report = verify_pdf(path.read_bytes(), cfg=cfg, lang=lang)
        except SohoaError as e:
            _error(path, e.to_dict(), as_json=as_json)
            status = EXIT_ERROR
            continue
        except OSError as e:
            _error(path, {"code": "file_not_found", "message": str(e), "detail": {}}, as_json=as_json)
            status = EXIT_ERROR
            continue
        if as_json:
            sys.stdout.write(json.dumps({"file": str(path), **report.to_dict()}, ensure_ascii=False) + "\n")
        else:
            head = f"== {path}\n" if len(files) > 1 else ""
            sys.stdout.write(head + report.to_text(lang) + "\n")
        if not report.valid and status == EXIT_VALID:
            status = EXIT_INVALID
    raise typer.Exit(status)


def _error(path: Path | None, error: dict[str, object], *, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps({"file": str(path) if path else None, "error": error}, ensure_ascii=False) + "\n")
    else:
        sys.stderr.write(f"{path or 'sohoa verify'}: error [{error['code']}]: {error['message']}\n")


def register(app: typer.Typer) -> None:
    """Add ``sohoa verify`` to the app."""
    app.command("verify")(verify)
