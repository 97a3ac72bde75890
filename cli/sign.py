"""``sohoa sign`` and ``sohoa archive renew``: PAdES on files from the command line (``sohoa verify``: cli.verify)."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from pipeline.sign import Signer
    from schemas.settings import Settings, SignSettings

archive_app = typer.Typer(help="Keep archived signed files verifiable.", no_args_is_help=True)


def _fail(e: Exception, as_json: bool = False) -> None:
    from schemas.errors import SohoaError

    if not isinstance(e, SohoaError):
        raise e
    if as_json:
        import json

        sys.stdout.write(json.dumps({"error": e.to_dict()}, ensure_ascii=False) + "\n")
    else:
        sys.stderr.write(f"error [{e.code}]: {e.message}\n")
    raise typer.Exit(2)


def sign_settings(settings: Settings) -> SignSettings:
    """The signing settings with the development PKI filled in when the key source is ``dev``."""
    from pki import resolved_sign_settings

    return resolved_sign_settings(settings)


@contextmanager
def dev_services(settings: Settings, cfg: SignSettings) -> Iterator[None]:
    """With the development PKI, make sure its TSA/OCSP/CRL answer for the command's duration.

    When nothing listens on the PKI's port the services run in-process until the
    command ends; a listener there must be this PKI. Other key sources: nothing to do.
    """
    from pki import dev_pki_services

    with dev_pki_services(settings.model_copy(update={"sign": cfg})):
        yield


def _write_atomic(path: Path, data: bytes) -> None:
    # write beside the target and rename: a failure never leaves a half-written file
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)


def sign(  # noqa: PLR0917 (a command: every option is a parameter)
    source: Annotated[Path, typer.Argument(help="the PDF to sign", exists=True, dir_okay=False)],
    target: Annotated[Path, typer.Argument(help="where to write the signed PDF")],
    level: Annotated[str, typer.Option(help="B-B, B-T, B-LT or B-LTA")] = "B-T",
    role: Annotated[str, typer.Option("--as", help="officer, signer or agency")] = "officer",
    appearance: Annotated[str, typer.Option(help="scan, result, seal, copy or none")] = "scan",
    reason: Annotated[str | None, typer.Option(help="the signature's reason")] = None,
    certify: Annotated[bool, typer.Option(help="certification signature (DocMDP)")] = False,
    copy_form: Annotated[str | None, typer.Option(help="copy form for --appearance copy")] = None,
    prepare: Annotated[str, typer.Option(help="empty visible fields for later signers, e.g. result,seal "
                                               "(with --certify: later visible signatures only fill these)")] = "",
    officer: Annotated[str | None, typer.Option(help="with --as officer: the officer id whose own key signs "
                                                     "(SOHOA_SIGN__OFFICER_KEYS_FILE; in development issued "
                                                     "on first use)")] = None,
) -> None:
    """Sign a PDF with PAdES as an officer (their own key), the signer or the agency."""
    from pipeline.sign import APPEARANCES, LEVELS, SignMeta, check_level, sign_pdf
    from schemas.settings import get_settings

    empty = tuple(p for p in prepare.split(",") if p)
    if level not in LEVELS or appearance not in APPEARANCES or role not in ("officer", "signer", "agency") \
            or any(p not in APPEARANCES or p == "none" for p in empty):
        raise typer.BadParameter(f"level one of {LEVELS}, appearance and --prepare among {APPEARANCES}, "
                                 "--as officer|signer|agency")
    try:
        settings = get_settings()
        cfg = sign_settings(settings)
        check_level(level, cfg)  # before any key is loaded or issued
        with dev_services(settings, cfg):
            signer = _load(cfg, role, officer if role == "officer" else None)
            try:
                meta = SignMeta(reason=reason, certify=certify, copy_form=copy_form,
                                empty_fields=empty)  # type: ignore[arg-type]
                out = sign_pdf(source.read_bytes(), signer=signer, level=level,  # type: ignore[arg-type]
                               appearance=appearance, meta=meta, cfg=cfg)  # type: ignore[arg-type]
            finally:
                signer.close()
    except Exception as e:
        _fail(e)
    _write_atomic(target, out)
    sys.stderr.write(f"signed {target} ({level}, as {role}: {signer.subject})\n")


def _load(cfg: SignSettings, role: str, officer: str | None) -> Signer:
    """The agency's or signer's key, an officer's own key, or (development only) the default officer's."""
    from pipeline.sign import load_officer_signer, load_signer

    if officer is None:
        return load_signer(cfg, role=role)  # type: ignore[arg-type]
    issuer = None
    if cfg.key_source == "dev" and cfg.dev_pki_dir is not None:
        directory = cfg.dev_pki_dir

        def issuer(oid: str, name: str | None) -> str:
            from pki import dev_officer

            return dev_officer(directory, oid, name=name).label

    return load_officer_signer(cfg, officer, environ=os.environ, dev_issuer=issuer)


@archive_app.command("renew")
def renew(
    files: Annotated[list[Path], typer.Argument(help="B-LTA files to check", exists=True, dir_okay=False)],
    within_days: Annotated[int, typer.Option(help="renew when the last timestamp expires this soon")] = 365,
) -> None:
    """Add a fresh document timestamp to files whose last timestamp's certificate nears expiry."""
    from pipeline.sign import check_renewal, renew_archive_timestamp
    from schemas.settings import get_settings

    try:
        settings = get_settings()
        cfg = sign_settings(settings)
        due: list[tuple[Path, bytes]] = []
        for path in files:
            data = path.read_bytes()
            check = check_renewal(data, within=timedelta(days=within_days))
            if check.due:
                due.append((path, data))
            else:
                sys.stdout.write(f"{path}: not due (last timestamp valid until {check.expires})\n")
        if due:
            with dev_services(settings, cfg):
                for path, data in due:
                    _write_atomic(path, renew_archive_timestamp(data, cfg=cfg))
                    sys.stdout.write(f"{path}: renewed\n")
    except Exception as e:
        _fail(e)


def register(app: typer.Typer) -> None:
    """Add ``sohoa sign`` and ``sohoa archive renew`` to the app."""
    app.command("sign")(sign)
    app.add_typer(archive_app, name="archive")
