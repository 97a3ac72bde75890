"""``sohoa sign`` / ``sohoa verify`` / ``sohoa archive renew`` against the session's PKI and services."""

from __future__ import annotations

from typer.testing import CliRunner

from cli.main import build_app


def _env(monkeypatch, dev_pki):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SOHOA_SIGN__DEV_PKI_DIR", str(dev_pki.directory))
    monkeypatch.setenv("SOHOA_PKI__PORT", str(dev_pki.port))
    from schemas.settings import get_settings

    get_settings.cache_clear()


def test_sign_then_verify_json_and_exit_codes(tmp_path, blank_pdf, dev_pki, pki_services, monkeypatch):
    _env(monkeypatch, dev_pki)
    source, target = tmp_path / "in.pdf", tmp_path / "out.pdf"
    source.write_bytes(blank_pdf)
    runner = CliRunner()
    app = build_app()

    signed = runner.invoke(app, ["sign", str(source), str(target), "--level", "B-LTA", "--as", "officer"])
    assert signed.exit_code == 0, signed.output
    ok = runner.invoke(app, ["verify", str(target), "--json"])
    assert ok.exit_code == 0 and '"valid": true' in ok.stdout
    unsigned = runner.invoke(app, ["verify", str(source)])
    assert unsigned.exit_code == 1
    renewed = runner.invoke(app, ["archive", "renew", str(target), "--within-days", "99999"])
    assert renewed.exit_code == 0 and "renewed" in renewed.stdout
    after = runner.invoke(app, ["verify", str(target), "--json", "--lang", "en"])
    assert after.exit_code == 0, after.stdout
    assert after.stdout.count('"kind": "doc_timestamp"') == 2


def test_sign_refuses_a_non_pdf_with_its_code_and_writes_nothing(tmp_path, dev_pki, pki_services, monkeypatch):
    _env(monkeypatch, dev_pki)
    source, target = tmp_path / "in.pdf", tmp_path / "out.pdf"
    source.write_bytes(b"not a pdf")
    result = CliRunner().invoke(build_app(), ["sign", str(source), str(target), "--level", "B-B"])
    assert result.exit_code == 2
    assert "not_a_pdf" in result.output
    assert not target.exists()
