#!/usr/bin/env bash
# Sets up (with dev tools) and runs every check: ruff, mypy, then the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --dev
export OMP_THREAD_LIMIT=1
.venv/bin/ruff check .
.venv/bin/mypy
.venv/bin/python -m pytest -q -n "${SOHOA_TEST_JOBS:-2}" --dist loadgroup "$@"
