"""``sohoa demo``: the main job on the embedded defaults, for a newcomer.

Generates a few sample scans (unless files are given), then for each one does
what a worker does at the counter: digitize it, make its searchable PDF, sign
that as the digitizing officer (PAdES B-T, development PKI with a local TSA),
verify the signature, and keep everything in the embedded store (a local
folder and SQLite under the data dir); finally lists the citizen's store back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

from cli._output import err, out

if TYPE_CHECKING:
    from schemas.documents import DigitizeResult
    from schemas.settings import Settings
    from store import Store
    from store.records import Principal
    from workers._adapters import PipelineDigitizer, PipelineSigner

#: sample kinds the demo generates: a scan, an ID card on a bed, a phone photo, a born-digital PDF, a stack
SAMPLE_KINDS = ("scan", "id_card_bed", "photo", "pdf_born_digital", "scan_rotated", "stack")
#: citizen the samples are filed under when a document names nobody (a made-up, well-formed number)
DEMO_CITIZEN = "001190012345"


def _owner(result: DigitizeResult) -> str:
    """The citizen a digitized file belongs to: the first valid personal number read on it."""
    for comp in result.components:
        for name in ("so_dinh_danh", "so_dinh_danh_chong"):
            field = comp.fields.get(name)
            if field is not None and field.value and len(field.value) == 12 and field.value.isdigit():
                return field.value
    return DEMO_CITIZEN


def _summary(result: DigitizeResult) -> str:
    if result.error:
        return f"[red]{result.error.code}[/red]: {result.error.message}"
    parts = []
    for comp in result.components:
        keys = [f"{k}={v.value}" for k, v in comp.fields.items() if v.value][:3]
        parts.append(f"[bold]{comp.doc_type}[/bold] ({comp.confidence:.2f}) p{comp.page_range[0]}–{comp.page_range[1]} "
                     + ", ".join(keys))
    return " | ".join(parts) or "nothing read"


def _samples(folder: Path, count: int, seed: int) -> list[Path]:
    from corpus import generate_corpus

    samples = folder / "samples"
    err.print(f"generating {count} sample scans in {samples} …")
    truths = generate_corpus(samples, count=count, seed=seed, kinds=SAMPLE_KINDS)
    return [samples / t.file for t in truths]


def _one(path: Path, *, ctx: _Demo) -> str | None:
    """Digitize, sign, verify and keep one file; returns the citizen it was filed under."""
    from pipeline.verify import verify_pdf

    scan = path.read_bytes()
    done = ctx.digitizer.digitize(scan, name=path.name)
    ctx.results.write(json.dumps(done.result.to_json(), ensure_ascii=False) + "\n")
    out.print(f"{path.name}: {_summary(done.result)}")
    if done.result.error or done.searchable_pdf is None:
        return None
    signed = ctx.signer.sign(done.searchable_pdf, role="officer", meta={"reason": "Số hóa hồ sơ"},
                             officer=ctx.officer.id)
    target = ctx.signed_dir / f"{path.stem}.signed.pdf"
    target.write_bytes(signed.data)
    report = verify_pdf(signed.data, cfg=ctx.settings.sign)
    verdict = "[green]valid[/green]" if report.valid else "[red]INVALID[/red]"
    levels = ", ".join(s.level or "?" for s in report.signatures)
    out.print(f"  signed by the officer ({levels}), verification: {verdict} → {target}")
    owner = _owner(done.result)
    ctx.store.keep_digitized(done.result, scan=scan, citizen=owner, by=ctx.officer,
                             searchable_pdf=signed.data, signature=signed.signature)
    return owner


@dataclass
class _Demo:
    settings: Settings
    store: Store
    digitizer: PipelineDigitizer
    signer: PipelineSigner
    officer: Principal
    signed_dir: Path
    results: TextIO


#: the agency and dossier ``sohoa demo --serve`` opens for the demo citizen
DEMO_AGENCY = "000.00.15.H55"
DEMO_DOSSIER = f"{DEMO_AGENCY}-261206-0001"


def demo(
    files: Annotated[list[Path] | None, typer.Argument(help="Scans to use instead of generated samples.")] = None,
    count: Annotated[int, typer.Option(help="How many samples to generate.")] = len(SAMPLE_KINDS),
    seed: Annotated[int, typer.Option(help="Seed of the generated samples.")] = 2026,
    serve: Annotated[bool, typer.Option("--serve", help="Serve the API and the counter's pages instead: sample "
                                                        "dossiers read through the API, how to sign in on the "
                                                        "pages, tokens for an officer, the resolution system and "
                                                        "a citizen, and a curl that works.")] = False,
    port: Annotated[int | None, typer.Option(help="Port for --serve (default SOHOA_API__PORT, 8000).")] = None,
) -> None:
    """Digitize, sign, verify and store a handful of sample scans on the embedded defaults."""
    if serve:
        _serve_demo(port, files=files, count=count, seed=seed)
        return
    from cli.sign import dev_services
    from pki import resolved_sign_settings
    from schemas.settings import get_settings
    from store import Store
    from store.records import Principal
    from workers._adapters import PipelineDigitizer, PipelineSigner

    settings = get_settings()
    folder = settings.data_dir / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    files = files or _samples(folder, count, seed)
    settings = settings.model_copy(update={"sign": resolved_sign_settings(settings)})
    officer = Principal("officer", "demo-officer", None)  # an operator in development: every agency
    (folder / "signed").mkdir(exist_ok=True)
    store = Store.open(settings)
    signer = PipelineSigner(settings)
    owners: list[str] = []
    try:
        with dev_services(settings, settings.sign), (folder / "results.jsonl").open("w", encoding="utf-8") as fh:
            ctx = _Demo(settings, store, PipelineDigitizer(settings), signer, officer, folder / "signed", fh)
            owners = [o for o in (_one(path, ctx=ctx) for path in files) if o]
        for citizen in dict.fromkeys(owners):
            docs = store.documents_of(citizen, by=officer)
            out.print(f"\n[bold]store of {citizen}[/bold] ({len(docs)} document(s)):")
            for d in docs:
                out.print(f"  {d.doc_type:<20} {d.ho_ten or '—':<28} status={d.status} pages={d.page_count}")
    finally:
        signer.close()
        store.close()
    out.print(f"\nresults: {folder / 'results.jsonl'}\nsigned PDFs: {folder / 'signed'}\n"
              f"store (files and SQLite): {settings.data_dir}")


def _serve_demo(port: int | None, *, files: list[Path] | None, count: int, seed: int) -> None:
    """Open a demo dossier, print the page, the tokens and a curl, then serve the API and the pages on loopback
    with sample dossiers read through the API (:mod:`cli._demo_serve`)."""
    from api import mint_dev_token
    from schemas.errors import SohoaError
    from schemas.settings import get_settings
    from store import Store
    from store.records import Principal, ensure_citizen, ensure_dossier

    settings = get_settings()
    port = settings.api.port if port is None else port
    officer = Principal("officer", "canbo01", frozenset({DEMO_AGENCY}))
    try:
        store = Store.open(settings)
        try:
            with store.records.transaction() as session:
                ensure_dossier(session, officer, ensure_citizen(session, officer, DEMO_CITIZEN), DEMO_DOSSIER,
                               "1.001193")
        finally:
            store.close()
        ttl = 8 * 3600
        tokens = {"officer": mint_dev_token(settings, role="officer", sub="canbo01", agency=DEMO_AGENCY, ttl_s=ttl),
                  "resolution_system": mint_dev_token(settings, role="resolution_system", sub="motcua", ttl_s=ttl),
                  "citizen": mint_dev_token(settings, role="citizen", sub=DEMO_CITIZEN, ttl_s=ttl)}
    except SohoaError as e:
        err.print(f"[red]{e.code}[/red]: {e.message}")
        raise typer.Exit(1) from e
    base = f"http://127.0.0.1:{port}"
    out.print(f"OpenAPI page: {base}/docs\n")
    out.print(f"officer canbo01 of {DEMO_AGENCY} (dossier {DEMO_DOSSIER} is open for citizen {DEMO_CITIZEN}):")
    out.print(f"OFFICER={tokens['officer']}", soft_wrap=True)
    out.print("the resolution system (every agency):")
    out.print(f"RESOLUTION={tokens['resolution_system']}", soft_wrap=True)
    out.print(f"citizen {DEMO_CITIZEN}:")
    out.print(f"CITIZEN={tokens['citizen']}\n", soft_wrap=True)
    out.print("try (after pasting the three lines above into a shell):")
    out.print(f'curl -s -H "Authorization: Bearer $OFFICER" {base}/v1/dossiers/{DEMO_DOSSIER}\n', soft_wrap=True)
    from cli._demo_serve import serve_demo

    scans = files or _samples(settings.data_dir / "demo", count, seed)
    try:
        serve_demo(settings, scans, citizen=DEMO_CITIZEN, host="127.0.0.1", port=port)
    except SohoaError as e:
        err.print(f"[red]{e.code}[/red]: {e.message}")
        raise typer.Exit(1) from e


def register(app: typer.Typer) -> None:
    """Add ``demo`` to the ``sohoa`` command."""
    app.command("demo")(demo)
