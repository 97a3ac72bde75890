"""``sohoa corpus generate`` writes files and says where."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from cli.main import build_app


def test_corpus_generate_writes_files_and_prints_the_manifest_path(tmp_path: Path) -> None:
    out = tmp_path / "c"
    result = CliRunner().invoke(build_app(), ["corpus", "generate", str(out), "--count", "2", "--seed", "4",
                                              "--kinds", "scan,pdf_born_digital", "--types", "khai_tu,to_khai"])
    assert result.exit_code == 0, result.output
    assert "manifest.jsonl" in result.output
    assert len((out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()) == 2


def test_corpus_generate_rejects_an_unknown_type(tmp_path: Path) -> None:
    result = CliRunner().invoke(build_app(), ["corpus", "generate", str(tmp_path), "--types", "passport"])
    assert result.exit_code != 0
