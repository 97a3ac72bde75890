"""The compose file's commands and environments, run for real on the test services (no Docker engine here).

Each sohoa service of docker-compose.yml runs as a process with exactly the environment
compose would give it: variables from a stand-in .env, the mounts laid out as the README
says (``secrets/agency.p12``, ``secrets/officers/officers.toml``, ``trust/roots.pem``)
and only the service addresses swapped for this run's PostgreSQL, RabbitMQ queue,
SeaweedFS S3 server and Redis. The migration makes the tables of an empty database; the API starts in
production, its health check passes and every service is ready; the worker starts
consuming with the officers' key registry and stops cleanly on SIGTERM.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests._deploy import environment, interpolated, load_compose, service_argv, stand_in_env
from tests.conftest import require_service
from tests.fixtures_pki import free_port
from tests.fixtures_services import S3_ACCESS_KEY, S3_SECRET_KEY, _pg_admin

pytestmark = pytest.mark.services

#: the stand-in .env
_STAND_IN = stand_in_env(load_compose())


@pytest.fixture
def project(tmp_path: Path, dev_pki: Any) -> Path:
    """The folder beside docker-compose.yml, with the files the README asks the operator for."""
    folder = tmp_path / "project"
    keys = folder / "secrets" / "officers" / "keys"
    keys.mkdir(parents=True)
    identities = dev_pki.directory / "identities"
    shutil.copy(identities / "agency.p12", folder / "secrets" / "agency.p12")
    shutil.copy(identities / "agency.p12.pass", folder / "secrets" / "agency.pass")
    shutil.copy(identities / "officer.p12", keys / "cb07.p12")
    shutil.copy(identities / "officer.p12.pass", keys / "cb07.pass")
    (folder / "secrets" / "officers" / "officers.toml").write_text(
        '[officers.cb07]\npkcs12 = "keys/cb07.p12"\npassword_file = "keys/cb07.pass"\n', encoding="utf-8")
    (folder / "trust").mkdir()
    shutil.copy(dev_pki.root_cert, folder / "trust" / "roots.pem")
    return folder


def _mounts(compose: dict[str, Any], service: dict[str, Any], project: Path, volumes: Path) -> dict[str, Path]:
    """Container path → host path, for the service's secrets, bind mounts and named volumes."""
    found = {f"/run/secrets/{name}": project / compose["secrets"][name]["file"] for name in service.get("secrets", [])}
    for volume in service.get("volumes", []):
        source, target, *_ = volume.split(":")
        found[target] = project / source if source.startswith("./") else volumes / source
        found[target].mkdir(parents=True, exist_ok=True)
    return found


def _process_env(compose: dict[str, Any], name: str, services: dict[str, str], project: Path) -> dict[str, str]:
    """What compose gives the service's container, its service addresses swapped for this run's."""
    service = compose["services"][name]
    mounts = _mounts(compose, service, project, project.parent / "volumes")
    env = {"PATH": os.environ["PATH"], "LANG": "C.UTF-8"}
    for variable, value in environment(service).items():
        value = services.get(variable) or interpolated(value, _STAND_IN)
        for target in sorted(mounts, key=len, reverse=True):  # the most specific mount holds the path
            value = value.replace(target, str(mounts[target]))
        env[variable] = value
    env["HOME"] = env.get("SOHOA_DATA_DIR", str(project))
    return env


def _python_argv(argv: list[str]) -> list[str]:
    assert argv[0] == "sohoa"
    return [sys.executable, "-m", "cli.main", *argv[1:]]


@pytest.fixture
def empty_database() -> Iterator[str]:
    """A database of its own, with no table yet: the migration service makes them."""
    found = _pg_admin()
    if found is None:
        require_service("PostgreSQL", "nothing accepts connections on 127.0.0.1:5432")
    assert found is not None
    conn, user = found
    name = f"sohoa_compose_{uuid.uuid4().hex[:12]}"
    conn.execute(f'CREATE DATABASE "{name}"'.encode())
    try:
        yield f"postgresql+psycopg://{user}@127.0.0.1:5432/{name}"
    finally:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'.encode())
        conn.close()


@pytest.fixture
def services(*, empty_database: str, rabbitmq_url: str, rabbit_queue: str, seaweedfs: Any, bucket_prefix: str,
             redis_url: str) -> dict[str, str]:
    return {"SOHOA_DATABASE_URL": empty_database, "SOHOA_BROKER_URL": rabbitmq_url, "SOHOA_WORKER__QUEUE": rabbit_queue,
            "SOHOA_S3_ENDPOINT": seaweedfs.endpoint, "SOHOA_S3_ACCESS_KEY": S3_ACCESS_KEY,
            "SOHOA_S3_SECRET_KEY": S3_SECRET_KEY, "SOHOA_BUCKET_PREFIX": bucket_prefix, "SOHOA_REDIS_URL": redis_url}


@pytest.fixture
def started() -> Iterator[list[subprocess.Popen[bytes]]]:
    procs: list[subprocess.Popen[bytes]] = []
    yield procs
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)


def _get(url: str) -> tuple[int, dict[str, Any]]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def _wait_for(predicate: Any, proc: subprocess.Popen[bytes], log: Path, what: str, limit_s: float = 180.0) -> None:
    deadline = time.monotonic() + limit_s
    while not predicate():
        assert proc.poll() is None, f"{what}: exited {proc.returncode}:\n{log.read_text(errors='replace')[-3000:]}"
        assert time.monotonic() < deadline, f"{what} did not come up:\n{log.read_text(errors='replace')[-3000:]}"
        time.sleep(0.5)


def test_the_services_run_as_compose_starts_them(project: Path, services: dict[str, str],
                                                started: list[subprocess.Popen[bytes]]) -> None:
    compose = load_compose()
    migrate = subprocess.run(_python_argv(service_argv(compose["services"]["migrate"], _STAND_IN)), cwd=project,
                             env=_process_env(compose, "migrate", services, project), capture_output=True,
                             text=True, timeout=300, check=False)
    assert migrate.returncode == 0 and "database at revision" in migrate.stdout, migrate.stderr[-2000:]
    assert "(postgresql)" in migrate.stdout

    api = compose["services"]["api"]
    argv = service_argv(api, _STAND_IN)
    port = free_port()
    argv[argv.index("--port") + 1] = str(port)
    api_log = project / "api.log"
    api_env = _process_env(compose, "api", services, project)
    started.append(subprocess.Popen(_python_argv(argv), cwd=project, env=api_env, stdout=api_log.open("wb"),
                                    stderr=subprocess.STDOUT))
    check = api["healthcheck"]["test"][-1].replace("127.0.0.1:8000", f"127.0.0.1:{port}")

    def healthy() -> bool:
        return subprocess.run([sys.executable, "-c", check], capture_output=True, timeout=30,
                              check=False).returncode == 0

    _wait_for(healthy, started[0], api_log, "the API")
    status, ready = _get(f"http://127.0.0.1:{port}/readyz")
    assert (status, ready["services"]) == (200, dict.fromkeys(("database", "object_store", "broker", "redis"), "ok"))
    status, refused = _get(f"http://127.0.0.1:{port}/v1/dossiers")
    assert (status, refused["error"]["code"]) == (401, "unauthenticated")

    worker_log = project / "worker.log"
    started.append(subprocess.Popen(_python_argv(service_argv(compose["services"]["worker"], _STAND_IN)), cwd=project,
                                    env=_process_env(compose, "worker", services, project),
                                    stdout=worker_log.open("wb"), stderr=subprocess.STDOUT))
    consuming = f"worker consuming {services['SOHOA_WORKER__QUEUE']}"
    _wait_for(lambda: consuming in worker_log.read_text(errors="replace"), started[1], worker_log, "the worker")
    for proc in started:
        proc.send_signal(signal.SIGTERM)
    assert [proc.wait(timeout=120) for proc in started] == [0, 0], (api_log.read_text(errors="replace")[-2000:],
                                                                   worker_log.read_text(errors="replace")[-2000:])
    assert "no officer key registry" not in worker_log.read_text(errors="replace")
