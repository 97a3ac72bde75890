"""docker-compose.yml cannot run here (no Docker engine), so it is checked against what the code reads.

Every service's command against the ``sohoa`` commands (through the Dockerfile's
entrypoint), every ``SOHOA_*`` variable against ``schemas/settings/`` (and the whole
environment of the API and the workers loaded into a production configuration that
passes the checks they make at start), the health checks (run for real against a
server and a connection), the order of start (migrations first), the files the
settings name against the mounts, and no secret written in the file.
"""

from __future__ import annotations

import http.server
import itertools
import os
import re
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from pydantic import BaseModel

from schemas.settings import Settings
from tests._deploy import (
    ROOT,
    dockerfile_stages,
    env_example,
    environment,
    exec_form,
    image_entrypoint,
    interpolated,
    load_compose,
    parse_sohoa,
    service_argv,
    stand_in_env,
    variables,
)

DATA_SERVICES = ("postgres", "minio", "rabbitmq", "redis")
#: the old single key every officer's scans were signed with: nothing reads it any more
RETIRED = ("SOHOA_SIGN__OFFICER_PKCS12_PATH", "SOHOA_SIGN__OFFICER_PKCS12_PASSWORD_FILE",
           "SOHOA_SIGN__OFFICER_PKCS12_PASSWORD", "SOHOA_SIGN__PKCS11_OFFICER_KEY_LABEL")
SECRET_NAME = re.compile(r"PASSWORD|SECRET|ACCESS_KEY|_PASS$|TOKEN|AUTH")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return load_compose()


@pytest.fixture(scope="module")
def filled(compose: dict[str, Any]) -> dict[str, str]:
    return stand_in_env(compose)


def _sohoa_services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: s for name, s in compose["services"].items() if s.get("build") is not None}


def _settings(service: dict[str, Any], env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The settings the service's processes read (and nothing from this machine's environment or .env)."""
    for key in list(os.environ):
        if key.startswith("SOHOA_"):
            monkeypatch.delenv(key)
    for variable, value in environment(service).items():
        monkeypatch.setenv(variable, interpolated(value, env))
    return Settings(_env_file=None)  # type: ignore[call-arg]


def test_the_services_operators_need_are_there(compose: dict[str, Any]) -> None:
    assert {*DATA_SERVICES, "migrate", "api", "worker"} <= set(compose["services"])
    assert set(_sohoa_services(compose)) == {"migrate", "api", "worker"}


def test_images_are_pinned_and_sohoa_is_built_here(compose: dict[str, Any]) -> None:
    for name in DATA_SERVICES:
        _, _, tag = compose["services"][name]["image"].partition(":")
        assert tag and tag != "latest" and any(ch.isdigit() for ch in tag), name
    built = _sohoa_services(compose)
    assert all(s["build"] == "." for s in built.values()) and (ROOT / "Dockerfile").is_file()
    assert len({s["image"] for s in built.values()}) == 1, "one image for the API, the workers and migrations"


def test_commands_are_real_sohoa_commands(compose: dict[str, Any], filled: dict[str, str]) -> None:
    assert image_entrypoint() == ["sohoa"]
    parsed = {name: parse_sohoa(service_argv(s, filled)) for name, s in _sohoa_services(compose).items()}
    assert service_argv(compose["services"]["migrate"], filled) == ["sohoa", "db", "upgrade"]
    assert service_argv(compose["services"]["worker"], filled) == ["sohoa", "worker"]
    serve = parsed["api"]
    assert serve.command.name == "serve"
    assert serve.params["host"] == "0.0.0.0" and serve.params["workers"] >= 1


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
    _, stages = dockerfile_stages((ROOT / "Dockerfile").read_text(encoding="utf-8"))
    image_env = [kv.partition("=")[0] for e in stages[-1].all("ENV") for kv in e.split()]
    named = [(name, v) for name, s in compose["services"].items() for v in environment(s)] + [
        ("Dockerfile", v) for v in image_env]
    for where, variable in named:
        if variable.startswith("SOHOA_"):
            assert _setting_exists(variable), f"{where}: {variable} is not in schemas/settings/"
            assert variable not in RETIRED, f"{where}: {variable} is no longer read (one key for every officer)"
    assert not {"officer_p12", "officer_p12_password"} & set(compose.get("secrets", {}))


def test_the_api_environment_is_a_production_configuration_the_api_starts_with(
    compose: dict[str, Any], filled: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from api._serve import check_serving, is_loopback

    api = compose["services"]["api"]
    settings = _settings(api, filled, monkeypatch)
    host = parse_sohoa(service_argv(api, filled)).params["host"]
    check_serving(settings, host)  # what `sohoa serve` does before it binds: refuses an insecure configuration
    assert settings.environment == "production" and not is_loopback(host)
    assert settings.api.jwks_url and settings.api.jwks_url.startswith("https://")
    assert settings.api.token_secret is None and settings.callbacks.secret is not None  # files on S3: no local links
    assert settings.sign.key_source != "dev" and settings.broker_url and settings.database_url
    # refused by nothing at start, but wrong without: download links, rate limits across processes,
    # the proxy's client addresses, callbacks, the roots signatures are verified against
    assert settings.api.public_url and settings.api.public_url.startswith("https://")
    assert settings.redis_url and urlsplit(settings.redis_url).hostname == "redis"
    assert settings.api.forwarded_allow_ips not in {"127.0.0.1", "*"}
    assert settings.callbacks.allow and settings.verify.trust_dir
    for name in ("SOHOA_API__JWKS_URL", "SOHOA_API__JWT_ISSUER", "SOHOA_API__JWT_AUDIENCE",
                 "SOHOA_API__PUBLIC_URL", "SOHOA_API__FORWARDED_ALLOW_IPS", "SOHOA_CALLBACKS__ALLOW"):
        assert variables(environment(api)[name]) == {name: "required"}, f"{name} must come from .env"


def test_the_worker_environment_is_a_production_configuration_the_worker_starts_with(
    compose: dict[str, Any], filled: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _settings(compose["services"]["worker"], filled, monkeypatch)
    settings.check_secure()  # what `sohoa worker` does at start
    sign = settings.sign
    assert settings.environment == "production" and settings.s3_secure is False and settings.broker_url
    assert sign.key_source == "pkcs12" and sign.pkcs12_path and sign.pkcs12_password_file and sign.tsa_url
    assert str(sign.officer_keys_file) == "/run/secrets/officers/officers.toml"
    assert settings.callbacks.secret is not None and settings.callbacks.allow  # the workers make the callbacks
    assert sign.trust_roots and settings.worker.threads == 2


def test_migrations_get_the_database_and_nothing_else(compose: dict[str, Any], filled: dict[str, str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    migrate = compose["services"]["migrate"]
    assert set(environment(migrate)) == {"SOHOA_ENVIRONMENT", "SOHOA_DATA_DIR", "SOHOA_DATABASE_URL"}
    assert not migrate.get("secrets") and not migrate.get("volumes")
    settings = _settings(migrate, filled, monkeypatch)
    assert settings.database_url and settings.database_url.startswith("postgresql+psycopg://")


def test_the_api_and_the_workers_share_the_services_and_the_queue(compose: dict[str, Any]) -> None:
    api, worker = (environment(compose["services"][n]) for n in ("api", "worker"))
    shared = [k for k in api if k.startswith(("SOHOA_DATABASE", "SOHOA_S3", "SOHOA_BROKER", "SOHOA_BUCKET",
                                              "SOHOA_WORKER__QUEUE", "SOHOA_CALLBACKS", "SOHOA_ENVIRONMENT"))]
    assert len(shared) >= 10
    assert {k: worker.get(k) for k in shared} == {k: api[k] for k in shared}


def _markers(value: str) -> str:
    """``value`` with each ``${VAR…}`` replaced by ``__VAR__``, so URLs parse and variables compare."""
    return re.sub(r"\$\{([A-Z0-9_]+)[^}]*\}", lambda m: f"__{m[1]}__", value)


def test_service_urls_point_at_the_services_with_their_credentials(compose: dict[str, Any]) -> None:
    services = compose["services"]
    api = {k: _markers(v) for k, v in environment(services["api"]).items()}
    postgres, rabbit, minio = ({k: _markers(v) for k, v in environment(services[n]).items()}
                               for n in ("postgres", "rabbitmq", "minio"))
    db = urlsplit(api["SOHOA_DATABASE_URL"])
    assert (db.hostname, db.port, db.path, db.username, db.password) == (
        "postgres", 5432, f"/{postgres['POSTGRES_DB']}", postgres["POSTGRES_USER"], postgres["POSTGRES_PASSWORD"])
    amqp = urlsplit(api["SOHOA_BROKER_URL"])
    assert (amqp.hostname, amqp.port, amqp.username, amqp.password, amqp.path) == (
        "rabbitmq", 5672, rabbit["RABBITMQ_DEFAULT_USER"], rabbit["RABBITMQ_DEFAULT_PASS"],
        f"/{rabbit['RABBITMQ_DEFAULT_VHOST']}")
    assert api["SOHOA_S3_ENDPOINT"] == "minio:9000"
    assert (api["SOHOA_S3_ACCESS_KEY"], api["SOHOA_S3_SECRET_KEY"]) == (minio["MINIO_ROOT_USER"],
                                                                      minio["MINIO_ROOT_PASSWORD"])
    redis = urlsplit(api["SOHOA_REDIS_URL"])
    command = [_markers(str(w)) for w in services["redis"]["command"]]
    assert (redis.hostname, redis.port) == ("redis", 6379)
    assert redis.password == command[command.index("--requirepass") + 1]


def _hosts_used(env: dict[str, str]) -> set[str]:
    urls = [env.get(k, "") for k in ("SOHOA_DATABASE_URL", "SOHOA_BROKER_URL", "SOHOA_REDIS_URL")]
    hosts = {urlsplit(_markers(u)).hostname for u in urls if u}
    if "SOHOA_S3_ENDPOINT" in env:
        hosts.add(env["SOHOA_S3_ENDPOINT"].split(":")[0])
    return {h for h in hosts if h}


def test_migrations_run_once_before_the_api_and_the_workers(compose: dict[str, Any],
                                                            filled: dict[str, str]) -> None:
    services = compose["services"]
    migrations = [n for n, s in _sohoa_services(compose).items()
                  if service_argv(s, filled)[1:3] == ["db", "upgrade"]]
    assert migrations == ["migrate"]
    assert services["migrate"]["restart"] == "no" and "deploy" not in services["migrate"]
    for name, service in _sohoa_services(compose).items():
        depends = service["depends_on"]
        for host in _hosts_used(environment(service)):
            assert depends[host]["condition"] == "service_healthy", f"{name} must wait for {host}"
        if name != "migrate":
            assert depends["migrate"]["condition"] == "service_completed_successfully", name


def test_every_service_has_a_health_check(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        check = service["healthcheck"]
        if service.get("restart") == "no":  # a one-shot: the others wait for its exit status
            assert check == {"disable": True}, name
            continue
        assert check["test"][0] in ("CMD", "CMD-SHELL") and check["retries"] >= 3, name
        assert re.fullmatch(r"\d+s", check["interval"]) and re.fullmatch(r"\d+s", check["timeout"]), name
    worker = compose["services"]["worker"]["healthcheck"]["test"]
    assert "/healthz" not in str(worker), "the image's HTTP check is the API's, not the workers'"


@pytest.fixture
def http_server() -> Iterator[tuple[int, dict[str, int]]]:
    """A server answering ``/healthz`` with the status in ``state`` (404 elsewhere)."""
    state = {"status": 200}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(state["status"] if self.path == "/healthz" else 404)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], state
    server.shutdown()
    server.server_close()


def _run_check(code: str, env: dict[str, str] | None = None) -> int:
    return subprocess.run([sys.executable, "-c", code], env={**os.environ, **(env or {})}, capture_output=True,
                          timeout=30, check=False).returncode


def test_the_api_health_checks_fail_when_the_api_does_not_answer(
    compose: dict[str, Any], filled: dict[str, str], http_server: tuple[int, dict[str, int]]
) -> None:
    from api._app import ROUTERS

    port, state = http_server
    api = compose["services"]["api"]
    served = parse_sohoa(service_argv(api, filled)).params["port"]
    code = api["healthcheck"]["test"][-1]
    url = re.search(r"http://127\.0\.0\.1:(\d+)(/\w+)", code)
    assert url and int(url[1]) == served and url[2] in {r.path for rt in ROUTERS for r in rt.routes}  # type: ignore[attr-defined]
    assert api["ports"] and all(p.startswith("127.0.0.1:") and p.endswith(f":{served}") for p in api["ports"])
    _, stages = dockerfile_stages((ROOT / "Dockerfile").read_text(encoding="utf-8"))
    image_check = exec_form(stages[-1].all("HEALTHCHECK")[0].partition(" CMD ")[2])[-1]
    ours = code.replace(f"127.0.0.1:{served}", f"127.0.0.1:{port}")
    assert _run_check(ours) == 0 and _run_check(image_check, {"SOHOA_API__PORT": str(port)}) == 0
    state["status"] = 503
    assert _run_check(ours) != 0 and _run_check(image_check, {"SOHOA_API__PORT": str(port)}) != 0


def test_the_worker_health_check_needs_a_connection_to_the_broker(compose: dict[str, Any]) -> None:
    code = compose["services"]["worker"]["healthcheck"]["test"][-1]
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        env = {"SOHOA_BROKER_URL": f"amqp://sohoa:x@127.0.0.1:{listener.getsockname()[1]}/sohoa"}
        assert _run_check(code, env) == 1  # listening is not connected
        with socket.create_connection(listener.getsockname()) as _client:
            accepted, _ = listener.accept()
            assert _run_check(code, env) == 0
            accepted.close()
        assert _run_check(code, env) == 1


def test_files_the_settings_name_are_mounted(compose: dict[str, Any], filled: dict[str, str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    declared = compose.get("secrets", {})
    for name, service in _sohoa_services(compose).items():
        settings = _settings(service, filled, monkeypatch)
        paths = [settings.sign.pkcs12_path, settings.sign.pkcs12_password_file, settings.sign.officer_keys_file,
                 *settings.sign.trust_roots, *settings.verify.trust_roots, settings.verify.trust_dir]
        mounts = [f"/run/secrets/{s}" for s in service.get("secrets", [])]
        for volume in service.get("volumes", []):
            source, target, *mode = volume.split(":")
            if source.startswith("./"):
                assert mode == ["ro"], f"{name}: {volume} must be read-only"
                assert source.removeprefix("./").split("/")[0] in {"secrets", "trust"}, volume
            mounts.append(target)
        for path in filter(None, paths):
            assert any(str(path) == m or str(path).startswith(m + "/") for m in mounts), f"{name}: {path} not mounted"
    for secret in declared.values():
        assert secret["file"].startswith("./secrets/"), secret


def test_state_lives_in_named_volumes(compose: dict[str, Any]) -> None:
    declared = set(compose["volumes"])
    for name, target in (("postgres", "/var/lib/postgresql/data"), ("minio", "/data"),
                         ("rabbitmq", "/var/lib/rabbitmq"), ("api", "/var/lib/sohoa"), ("worker", "/var/lib/sohoa")):
        mounts = [m.split(":") for m in compose["services"][name]["volumes"]]
        assert any(m[0] in declared and m[1] == target for m in mounts), name
    for name in ("api", "worker"):
        assert environment(compose["services"][name])["SOHOA_DATA_DIR"] == "/var/lib/sohoa"


def test_only_the_api_is_published_and_only_on_loopback(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        if name != "api":
            assert "ports" not in service, f"{name} must stay inside the compose network"
    for port in compose["services"]["api"]["ports"]:
        assert str(port).startswith("127.0.0.1:"), f"{port}: only the reverse proxy on this host reaches the API"


def test_workers_can_be_scaled(compose: dict[str, Any]) -> None:
    worker = compose["services"]["worker"]
    assert "container_name" not in worker and "ports" not in worker
    assert variables(str(worker["deploy"]["replicas"])) == {"WORKER_REPLICAS": "default"}


def test_no_secret_is_written_in_the_file(compose: dict[str, Any]) -> None:
    password_in_url = re.compile(r"://[^:/@]*:(?P<pw>[^@]+)@")
    for name, service in compose["services"].items():
        for variable, value in environment(service).items():
            if SECRET_NAME.search(variable) and not variable.endswith("_FILE"):
                # from .env: required (${VAR:?}), or optional with no default (${VAR:-}, a feature left off)
                assert variables(value) and re.fullmatch(r"\$\{[A-Z0-9_]+:(\?[^}]*|-)\}", value), \
                    f"{name}: {variable} must come from .env (${{VAR:?}} or ${{VAR:-}})"
            in_url = password_in_url.search(value)
            assert in_url is None or re.fullmatch(r"\$\{[A-Z0-9_]+:\?[^}]*\}", in_url["pw"]), f"{name}: {variable}"
        words = [str(w) for w in service.get("command", [])]
        for flag, value in itertools.pairwise(words):
            if flag.startswith("-") and re.search(r"pass|secret|token|auth", flag, re.I):
                assert re.fullmatch(r"\$\{[A-Z0-9_]+:\?[^}]*\}", value), f"{name}: {flag} takes a literal"


def test_env_example_lists_every_variable_and_holds_no_value(compose: dict[str, Any]) -> None:
    values, optional = env_example()
    used = variables(yaml.safe_dump(compose))
    required = {n for n, kind in used.items() if kind == "required"}
    assert required == set(values), f"required but not in .env.example: {required - set(values)}; " \
                                    f"in .env.example but not required: {set(values) - required}"
    assert all(values[name] == "" for name in required)  # the example holds no value to copy
    assert set(used) - required == optional, "an optional variable compose reads is not documented, or the reverse"
    for name in values.keys() | optional:
        assert not name.startswith("SOHOA_") or _setting_exists(name), f".env.example: {name} is not a setting"
