"""pipeline is pure: it imports nothing from store, workers, api, or the service libraries."""

from __future__ import annotations

import ast
from pathlib import Path

FORBIDDEN = {"store", "workers", "api", "fastapi", "dramatiq", "sqlalchemy", "minio", "alembic", "psycopg"}
ROOT = Path(__file__).resolve().parents[2]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_pipeline_imports_no_store_workers_api_or_service_library() -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imports(path) & FORBIDDEN)
        for path in (ROOT / "pipeline").rglob("*.py")
        if _imports(path) & FORBIDDEN
    }
    assert offenders == {}


def test_schemas_import_nothing_of_ours_but_schemas() -> None:
    ours = {"pipeline", "store", "workers", "api", "cli", "corpus", "pki"}
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imports(path) & ours)
        for path in (ROOT / "schemas").rglob("*.py")
        if _imports(path) & ours
    }
    assert offenders == {}


def test_the_check_sees_a_forbidden_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import sqlalchemy\nfrom store.objects import x\n", encoding="utf-8")
    assert _imports(bad) & FORBIDDEN == {"sqlalchemy", "store"}
