"""docker-compose.yml cannot run here (no Docker engine), so it is checked against what the code reads.

Services, pinned images, commands the CLI really has, ``SOHOA_*`` variables that
``schemas/settings.py`` really reads (and that parse into a secure production
configuration), health checks, volumes, and no secret written in the file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from pydantic import BaseModel

from schemas.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
VAR = re.compile(r"\$\{(?P<name>[A-Z0-9_]+)(?P<rest>[^}]*)\}")
SECRET_NAME = re.compile(r"PASSWORD|SECRET|ACCESS_KEY|_PASS$|TOKEN")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def example_env() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def _substitute(value: str, env: dict[str, str]) -> str:
    def repl(m: re.Match[str]) -> str:
        default = m["rest"][2:] if m["rest"].startswith(":-") else ""
        return env.get(m["name"]) or default

    return VAR.sub(repl, value)


def _markers(value: str) -> str:
    """``value`` with each ``${VAR…}`` replaced by ``__VAR__``, so URLs parse and variables compare."""
    return VAR.sub(lambda m: f"__{m['name']}__", value)


def _environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    assert isinstance(env, dict), "environment must be a mapping"
    return {k: str(v) for k, v in env.items()}


def test_the_services_operators_need_are_there(compose: dict[str, Any]) -> None:
    assert {"postgres", "minio", "rabbitmq", "migrate", "worker"} <= set(compose["services"])


def test_third_party_images_are_pinned(compose: dict[str, Any]) -> None:
    for name in ("postgres", "minio", "rabbitmq"):
        image = compose["services"][name]["image"]
        _, _, tag = image.partition(":")
        assert tag and tag != "latest" and any(ch.isdigit() for ch in tag), image


def test_commands_are_real_sohoa_commands(compose: dict[str, Any]) -> None:
    from typer.main import get_command

    from cli.main import build_app

    cli = get_command(build_app())
    for service in ("worker", "migrate"):
        command = compose["services"][service]["command"]
        assert command[0] == "sohoa"
        group: Any = cli
        for word in command[1:]:
            assert word in group.commands, f"`{' '.join(command)}` is not a command"
            group = group.commands[word]


def _setting_exists(variable: str) -> bool:
    path = variable.removeprefix("SOHOA_").lower().split("__")
    model: type[BaseModel] = Settings
    for i, part in enumerate(path):
        field = model.model_fields.get(part)
        if field is None:
            return False
        annotation = field.annotation
        if i < len(path) - 1:
            if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
                return False
            model = annotation
    return True


def test_every_sohoa_variable_is_a_setting_the_code_reads(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        for variable in _environment(service):
            if variable.startswith("SOHOA_"):
                assert _setting_exists(variable), f"{name}: {variable} is not in schemas/settings.py"
    worker = _environment(compose["services"]["worker"])
    for needed in ("SOHOA_DATABASE_URL", "SOHOA_S3_ENDPOINT", "SOHOA_S3_ACCESS_KEY", "SOHOA_S3_SECRET_KEY",
                   "SOHOA_S3_SECURE", "SOHOA_BROKER_URL"):
        assert needed in worker


def test_worker_environment_parses_into_a_secure_production_configuration(
    compose: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    filled = {name: "x" * 40 for name, rest in VAR.findall(yaml.safe_dump(compose)) if rest.startswith(":?")}
    filled["SOHOA_SIGN__TSA_URL"] = "http://tsa.example.vn/tsr"
    for variable, value in _environment(compose["services"]["worker"]).items():
        monkeypatch.setenv(variable, _substitute(value, filled))
    settings = Settings()
    settings.check_secure()
    assert settings.environment == "production" and settings.s3_secure is False
    assert settings.sign.key_source == "pkcs12" and settings.worker.threads == 2


def test_service_urls_point_at_the_services_with_their_credentials(compose: dict[str, Any]) -> None:
    services = compose["services"]
    worker = {k: _markers(v) for k, v in _environment(services["worker"]).items()}
    postgres, rabbit, minio = ({k: _markers(v) for k, v in _environment(services[n]).items()}
                               for n in ("postgres", "rabbitmq", "minio"))
    db = urlsplit(worker["SOHOA_DATABASE_URL"])
    assert (db.hostname, db.port, db.path, db.username, db.password) == (
        "postgres", 5432, f"/{postgres['POSTGRES_DB']}", postgres["POSTGRES_USER"], postgres["POSTGRES_PASSWORD"])
    amqp = urlsplit(worker["SOHOA_BROKER_URL"])
    assert (amqp.hostname, amqp.port, amqp.username, amqp.password, amqp.path) == (
        "rabbitmq", 5672, rabbit["RABBITMQ_DEFAULT_USER"], rabbit["RABBITMQ_DEFAULT_PASS"],
        f"/{rabbit['RABBITMQ_DEFAULT_VHOST']}")
    assert worker["SOHOA_S3_ENDPOINT"] == "minio:9000"
    assert (worker["SOHOA_S3_ACCESS_KEY"], worker["SOHOA_S3_SECRET_KEY"]) == (minio["MINIO_ROOT_USER"],
                                                                            minio["MINIO_ROOT_PASSWORD"])


def test_data_services_have_health_checks_and_the_workers_wait_for_them(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for name in ("postgres", "minio", "rabbitmq"):
        check = services[name]["healthcheck"]
        assert check["test"][0] in ("CMD", "CMD-SHELL") and check["retries"] >= 3
    depends = services["worker"]["depends_on"]
    assert {n: depends[n]["condition"] for n in ("postgres", "minio", "rabbitmq")} == dict.fromkeys(
        ("postgres", "minio", "rabbitmq"), "service_healthy")
    assert depends["migrate"]["condition"] == "service_completed_successfully"


def test_state_lives_in_named_volumes(compose: dict[str, Any]) -> None:
    declared = set(compose["volumes"])
    for name, target in (("postgres", "/var/lib/postgresql/data"), ("minio", "/data"),
                         ("rabbitmq", "/var/lib/rabbitmq")):
        mounts = compose["services"][name]["volumes"]
        assert any(m.split(":")[0] in declared and m.split(":")[1] == target for m in mounts), name


def test_workers_can_be_scaled(compose: dict[str, Any]) -> None:
    worker = compose["services"]["worker"]
    assert "container_name" not in worker and "ports" not in worker


def test_no_secret_is_written_in_the_file(compose: dict[str, Any], example_env: dict[str, str]) -> None:
    password_in_url = re.compile(r"://[^:/@]+:(?P<pw>[^@]+)@")
    for name, service in compose["services"].items():
        for variable, value in _environment(service).items():
            if SECRET_NAME.search(variable) and not variable.endswith("_FILE"):
                match = VAR.fullmatch(value)
                assert match and match["rest"].startswith(":?"), f"{name}: {variable} must come from .env"
            in_url = password_in_url.search(value)
            assert in_url is None or VAR.fullmatch(in_url["pw"]), f"{name}: {variable} has a password"
    referenced = VAR.findall(yaml.safe_dump(compose))
    required = {name for name, rest in referenced if rest.startswith(":?")}
    assert required <= set(example_env), required - set(example_env)
    assert all(example_env[name] == "" for name in required)  # the example holds no value to copy
