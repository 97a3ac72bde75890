"""``sohoa sign`` / ``sohoa verify`` / ``sohoa archive renew`` from a fresh data folder with nothing but defaults.

The first command makes the development PKI under the data folder and, since
no ``sohoa pki serve`` runs, serves its TSA/OCSP/CRL in-process for the
command's duration. This test runs on the real clock: the PKI it makes is
new, so its certificates are valid whatever the day.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import build_app
from tests.fixtures_pki import free_port, make_pdf


@pytest.fixture(scope="module")
def _shared(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """One folder and port for the module, so the PKI is made once (by its first command)."""
    return tmp_path_factory.mktemp("cli"), free_port()


@pytest.fixture
def fresh_data_dir(_shared, monkeypatch) -> Iterator[Path]:  # type: ignore[no-untyped-def]
    """Only the data folder and a port are set (conftest clears every other SOHOA_* variable)."""
    from schemas.settings import get_settings

    base, port = _shared
    monkeypatch.setenv("SOHOA_DATA_DIR", str(base / "data"))
    monkeypatch.setenv("SOHOA_PKI__PORT", str(port))
    get_settings.cache_clear()
    yield base
    get_settings.cache_clear()


def test_sign_verify_and_renew_from_a_fresh_data_dir(fresh_data_dir):
    source, target = fresh_data_dir / "in.pdf", fresh_data_dir / "out.pdf"
    source.write_bytes(make_pdf())
    runner, app = CliRunner(), build_app()

    signed = runner.invoke(app, ["sign", str(source), str(target), "--level", "B-LTA", "--as", "officer"])
    assert signed.exit_code == 0, signed.output
    assert (fresh_data_dir / "data" / "pki" / "DEVELOPMENT.txt").is_file()
    ok = runner.invoke(app, ["verify", str(target), "--json"])
    assert ok.exit_code == 0 and '"valid": true' in ok.stdout
    unsigned = runner.invoke(app, ["verify", str(source)])
    assert unsigned.exit_code == 1
    renewed = runner.invoke(app, ["archive", "renew", str(target), "--within-days", "99999"])
    assert renewed.exit_code == 0 and "renewed" in renewed.stdout
    after = runner.invoke(app, ["verify", str(target), "--json", "--lang", "en", "--offline"])
    assert after.exit_code == 0, after.stdout
    assert after.stdout.count('"kind": "doc_timestamp"') == 2


def test_certify_then_sign_and_seal_the_prepared_fields(fresh_data_dir):
    plain, certified, signed, sealed = (fresh_data_dir / f"{n}.pdf" for n in ("plain", "cert", "signed", "sealed"))
    plain.write_bytes(make_pdf())
    runner, app = CliRunner(), build_app()

    steps = [
        ["sign", str(plain), str(certified), "--as", "agency", "--certify", "--appearance", "none",
         "--prepare", "result,seal", "--level", "B-B"],
        ["sign", str(certified), str(signed), "--as", "signer", "--appearance", "result", "--level", "B-B"],
        ["sign", str(signed), str(sealed), "--as", "agency", "--appearance", "seal", "--level", "B-T"],
    ]
    for step in steps:
        result = runner.invoke(app, step)
        assert result.exit_code == 0, result.output
    report = runner.invoke(app, ["verify", str(sealed), "--lang", "en"])
    assert report.exit_code == 0, report.stdout
    assert "Sig_certify_1" in report.stdout and "Sig_seal_1" in report.stdout


def test_sign_refuses_a_non_pdf_with_its_code_and_writes_nothing(fresh_data_dir):
    source, target = fresh_data_dir / "not-a.pdf", fresh_data_dir / "not-signed.pdf"
    source.write_bytes(b"not a pdf")
    result = CliRunner().invoke(build_app(), ["sign", str(source), str(target), "--level", "B-B"])
    assert result.exit_code == 2
    assert "not_a_pdf" in result.output
    assert not target.exists()


def test_sign_as_an_officer_uses_their_own_certificate_issued_on_first_use(fresh_data_dir):
    source, target = fresh_data_dir / "scan.pdf", fresh_data_dir / "scan.signed.pdf"
    source.write_bytes(make_pdf())
    result = CliRunner().invoke(build_app(), ["sign", str(source), str(target), "--as", "officer",
                                              "--officer", "cb42", "--level", "B-T"])
    assert result.exit_code == 0, result.output
    assert "cb42 (DEVELOPMENT)" in result.output  # "signed … as officer: <subject>"
    assert "cb42" in (fresh_data_dir / "data" / "pki" / "officers.json").read_text()


def test_a_level_beyond_reach_without_a_tsa_fails_and_writes_nothing(_shared, monkeypatch, dev_pki):
    """A province with no TSA configured asks for B-LTA: an error with its code, never a B-B file."""
    from schemas.settings import get_settings

    base, _ = _shared
    agency = dev_pki.identities["agency"]
    for name, value in {"SOHOA_DATA_DIR": str(base / "no-tsa"), "SOHOA_SIGN__KEY_SOURCE": "pkcs12",
                        "SOHOA_SIGN__PKCS12_PATH": str(agency.pkcs12),
                        "SOHOA_SIGN__PKCS12_PASSWORD_FILE": str(agency.pkcs12_password_file)}.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    source, target = base / "result.pdf", base / "result.signed.pdf"
    source.write_bytes(make_pdf())
    runner, app = CliRunner(), build_app()
    for level in ("B-T", "B-LTA"):
        result = runner.invoke(app, ["sign", str(source), str(target), "--as", "agency", "--level", level])
        assert result.exit_code == 2 and "level_unreachable" in result.output and "SOHOA_SIGN__TSA_URL" in result.output
        assert not target.exists()
    get_settings.cache_clear()
