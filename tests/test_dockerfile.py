"""The Dockerfile cannot be built here (no container engine), so it is checked against what it must hold.

Its base (Debian slim, the Python pyproject.toml asks for), its apt packages against
``scripts/setup.sh`` and the OCR languages the settings use, the packages and data files
pyproject.toml installs, a user that is not root, the ``sohoa`` entrypoint, a health check
on a real route, and no secret in the image or its build context.
"""

from __future__ import annotations

import ast
import fnmatch
import re
import shlex
from pathlib import Path

import pytest

from schemas.settings import OcrSettings
from tests._deploy import (
    ROOT,
    Stage,
    apt_installs,
    dockerfile_lines,
    dockerfile_stages,
    exec_form,
    pyproject,
    setup_apt_packages,
    stage_args,
    substitute_args,
)

#: what scripts/setup.sh installs for the test suite only, and the programs of each, which the code
#: never runs (checked below); the image leaves them out
TEST_ONLY = {
    "softhsm2": ("softhsm2-util", "libsofthsm2.so"),  # a PKCS#11 token for the signing tests
    "opensc": ("pkcs11-tool", "opensc-tool", "opensc-pkcs11.so"),  # fills that token
    "qpdf": ("qpdf", "fix-qdf", "zlib-flate"),  # PDF checks in tests (pikepdf carries its own libqpdf)
    "ghostscript": ("gs", "ghostscript", "ps2pdf", "pdf2ps"),  # PDF/A checks in tests
    "chromium": ("chromium", "chromium-browser"),  # the web pages' browser tests (setup.sh --dev)
    "fonts-sil-charis": (),  # the corpus's held-out font family: drawn only by the benchmarks' held-out style
}
#: what scripts/setup.sh installs to compile tesserocr against the system libtesseract: the build stage
#: installs them, the image leaves them out (tesseract-ocr brings the library itself)
BUILD_ONLY = ("libtesseract-dev", "libleptonica-dev", "g++", "pkg-config")
#: what the code needs at run time besides setup.sh's list, and why
IMAGE_EXTRAS = {
    "tzdata": "signing times in Asia/Ho_Chi_Minh (zoneinfo)",
    "ca-certificates": "the TSA, OCSP, JWKS and callbacks over https",
    "fontconfig": "fc-list, how corpus/_fonts.py finds the Vietnamese fonts",
}
RUNTIME_PACKAGES = ("schemas", "pipeline", "store", "workers", "api", "cli", "corpus", "pki")


@pytest.fixture(scope="module")
def dockerfile() -> tuple[dict[str, str], list[Stage]]:
    return dockerfile_stages((ROOT / "Dockerfile").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def runtime(dockerfile: tuple[dict[str, str], list[Stage]]) -> Stage:
    return dockerfile[1][-1]


def test_the_image_is_debian_slim_with_the_python_the_project_needs(
    dockerfile: tuple[dict[str, str], list[Stage]],
) -> None:
    requires = pyproject()["project"]["requires-python"]
    assert requires == ">=3.11"
    for stage in dockerfile[1]:
        image, _, tag = stage.base.partition(":")
        assert image in {"python", "docker.io/library/python"}, stage.base
        assert re.fullmatch(r"3\.11(\.\d+)?-slim-(bookworm|trixie)", tag), f"{stage.base}: not Python 3.11 Debian slim"
    assert len({s.base for s in dockerfile[1]}) == 1, "the venv is built on the base it runs on"


def test_apt_packages_cover_what_setup_sh_installs_for_running(runtime: Stage) -> None:
    setup = setup_apt_packages()
    assert set(TEST_ONLY) - {"chromium"} <= set(setup), "TEST_ONLY names a package setup.sh no longer installs"
    installed = [p for run in runtime.all("RUN") for p in apt_installs(run)]
    needed = (set(setup) - set(TEST_ONLY) - set(BUILD_ONLY)) | set(IMAGE_EXTRAS)
    assert needed <= set(installed), f"missing from the image: {sorted(needed - set(installed))}"
    assert not set(installed) & (set(TEST_ONLY) | set(BUILD_ONLY)), "the image carries test-only or build-only packages"
    assert set(installed) <= set(setup) | set(IMAGE_EXTRAS), "an apt package nobody explains"
    assert any("--no-install-recommends" in run and "rm -rf /var/lib/apt/lists" in run for run in runtime.all("RUN"))


def test_tesserocr_is_compiled_in_the_build_stage_against_the_system_libtesseract(
    dockerfile: tuple[dict[str, str], list[Stage]],
) -> None:
    build = dockerfile[1][0]
    assert set(BUILD_ONLY) <= set(setup_apt_packages()), "BUILD_ONLY names a package setup.sh no longer installs"
    assert set(BUILD_ONLY) <= {p for run in build.all("RUN") for p in apt_installs(run)}
    assert any("--no-binary tesserocr" in run for run in build.all("RUN"))
    assert "--no-binary tesserocr" in (ROOT / "scripts" / "setup.sh").read_text(encoding="utf-8")


def test_tesseract_has_the_languages_the_settings_read_with(runtime: Stage) -> None:
    installed = {p for run in runtime.all("RUN") for p in apt_installs(run)}
    languages = {*OcrSettings().lang.split("+"), "osd"}  # osd: the orientation of scanned pages
    assert languages >= {"vie", "osd"}
    assert {"tesseract-ocr", *(f"tesseract-ocr-{lang}" for lang in languages)} <= installed


def _non_docstring_strings(tree: ast.AST) -> list[str]:
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    return [n.value for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings]


def test_the_code_never_runs_a_test_only_program() -> None:
    programs = {name for names in TEST_ONLY.values() for name in names}
    used = []
    for package in RUNTIME_PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            for value in _non_docstring_strings(ast.parse(path.read_text(encoding="utf-8"))):
                if value.strip() and (value.split()[0].rsplit("/", 1)[-1] in programs):
                    used.append(f"{path.relative_to(ROOT)}: {value[:60]!r}")
    assert not used, f"the code runs programs the image leaves out: {used}"


def test_the_user_is_not_root(runtime: Stage) -> None:
    args = stage_args(runtime)
    users = runtime.all("USER")
    assert users, "no USER: the containers would run as root"
    user = substitute_args(users[-1], args).split(":")[0]
    assert user not in {"root", "0"} and "$" not in user, user
    made = [substitute_args(run, args) for run in runtime.all("RUN") if "useradd" in run]
    assert made, "the user is never created"
    words = shlex.split(made[0])
    useradd = words[words.index("useradd"):]
    useradd = useradd[:useradd.index("&&")] if "&&" in useradd else useradd
    uid, name = useradd[useradd.index("--uid") + 1], useradd[-1]
    assert user in {uid, name}, (user, uid, name)
    assert int(uid) >= 1000


def test_the_data_dir_exists_and_belongs_to_the_user(runtime: Stage) -> None:
    env = dict(kv.partition("=")[::2] for e in runtime.all("ENV") for kv in shlex.split(e))
    data_dir = env["SOHOA_DATA_DIR"]
    made = " ".join(runtime.all("RUN"))
    assert re.search(rf"install -d -o sohoa -g sohoa\b[^&]*\s{re.escape(data_dir)}\b", made), \
        "SOHOA_DATA_DIR must be made owned by the user (a named volume copies that owner)"
    assert env["PATH"].startswith("/opt/sohoa/bin:")


def test_entrypoint_is_the_sohoa_command(runtime: Stage) -> None:
    from typer.main import get_command

    from cli.main import build_app

    assert exec_form(runtime.all("ENTRYPOINT")[-1]) == ["sohoa"]
    assert "sohoa" in pyproject()["project"]["scripts"]
    cmd = exec_form(runtime.all("CMD")[-1])
    serve = get_command(build_app()).commands[cmd[0]]  # type: ignore[attr-defined]
    serve.make_context(cmd[0], cmd[1:])  # raises on an option `sohoa serve` does not have


def test_the_packages_pyproject_installs_are_copied_in(dockerfile: tuple[dict[str, str], list[Stage]]) -> None:
    build = dockerfile[1][0]
    copied = {shlex.split(c)[-1].strip("/") for c in build.all("COPY")}
    patterns = pyproject()["tool"]["setuptools"]["packages"]["find"]["include"]
    tops = {p.rstrip("*") for p in patterns}
    assert tops == set(RUNTIME_PACKAGES)
    missing = {top for top in tops if top not in copied}
    assert not missing, f"pyproject.toml installs {sorted(missing)}, which the Dockerfile does not copy"
    assert {"pyproject.toml", "README.md"} <= {w for c in build.all("COPY") for w in shlex.split(c)}
    assert any(re.search(r"pip install (--no-deps )?\.$", run) for run in build.all("RUN")), "not installed"
    assert not any("-e ." in run or "--editable" in run for run in build.all("RUN"))


def test_every_data_file_of_the_packages_is_installed() -> None:
    patterns = pyproject()["tool"]["setuptools"]["package-data"]["*"]
    unshipped = set()
    for package in RUNTIME_PACKAGES:
        for path in (ROOT / package).rglob("*"):
            if (path.is_file() and "__pycache__" not in path.parts and path.suffix not in {".py", ".pyc", ".md"}
                    and not any(fnmatch.fnmatch(path.name, p) for p in patterns)):
                unshipped.add(path.relative_to(ROOT).as_posix())
    assert not unshipped, f"not in [tool.setuptools.package-data]: {sorted(unshipped)}"


def test_the_health_check_asks_a_route_of_the_api(runtime: Stage) -> None:
    from api._app import ROUTERS

    checks = runtime.all("HEALTHCHECK")
    assert len(checks) == 1
    options, _, command = checks[0].partition(" CMD ")
    assert re.search(r"--interval=\d+s", options) and re.search(r"--retries=[3-9]", options)
    code = exec_form(command)
    assert code[:2] == ["python", "-c"]
    compile(code[2], "<healthcheck>", "exec")
    path = re.search(r"http://127\.0\.0\.1:%s(/[a-z]+)", code[2])
    assert path, code[2]
    assert path[1] in {r.path for router in ROUTERS for r in router.routes}  # type: ignore[attr-defined]


def test_no_secret_in_the_image_or_its_build_context(runtime: Stage) -> None:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    secretish = re.compile(r"PASSWORD|SECRET|TOKEN|_KEY\b|PIN\b", re.I)
    for keyword, args in dockerfile_lines(text):
        if keyword in {"ENV", "ARG"}:
            for word in shlex.split(args):
                assert not secretish.search(word.partition("=")[0]), f"{keyword} {word}: a secret in the image"
        if keyword in {"COPY", "ADD"}:
            assert not re.search(r"secrets|\.env|\.p12|\.pem|trust", args), f"{keyword} {args}"
            assert not re.search(r"(^|\s)\.\s", args + " "), f"{keyword} {args}: the whole context"
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()}
    assert {".env", "secrets/", "trust/", "*.p12", ".git/", ".venv/"} <= ignored
    assert Path(ROOT / ".gitignore").read_text(encoding="utf-8").splitlines().count(".env") == 1
