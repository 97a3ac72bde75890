"""Readers of the deployment files for the tests that check them: compose, the Dockerfile, the set-up script.

No container engine runs here, so ``tests/test_compose.py`` and ``tests/test_dockerfile.py``
read the files the way Docker and bash would (as far as these files use them) and
compare what they say with what the code needs.
"""

from __future__ import annotations

import json
import re
import secrets
import shlex
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]

#: ``${NAME}``, ``${NAME:-default}``, ``${NAME:?message}`` as compose interpolates them
VAR = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?P<rest>[^}]*)\}")


#: values standing in for a province's .env (any other required variable gets a random secret)
PLACEHOLDERS = {
    "SOHOA_API__JWKS_URL": "https://id.example.gov.vn/.well-known/jwks.json",
    "SOHOA_API__JWT_ISSUER": "https://id.example.gov.vn/",
    "SOHOA_API__JWT_AUDIENCE": "sohoa-api",
    "SOHOA_API__PUBLIC_URL": "https://sohoa.example.gov.vn",
    "SOHOA_API__FORWARDED_ALLOW_IPS": "172.18.0.1",
    "SOHOA_CALLBACKS__ALLOW": '["https://motcua.example.gov.vn/api/"]',
    "SOHOA_SIGN__TSA_URL": "http://tsa.example.gov.vn/tsr",
}


def load_compose() -> dict[str, Any]:
    """docker-compose.yml as YAML (anchors and ``<<`` merges resolved, interpolation not)."""
    data = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def interpolated(value: str, env: dict[str, str]) -> str:
    """``value`` as compose makes it from ``env``: defaults for unset names, a failure for a required one."""

    def repl(m: re.Match[str]) -> str:
        rest = m["rest"]
        if m["name"] in env and (env[m["name"]] or not rest.startswith((":-", ":?"))):
            return env[m["name"]]
        if rest.startswith(":-"):
            return rest[2:]
        if rest.startswith(":?"):
            raise AssertionError(f"{m['name']} is required ({rest[2:]}) and has no value")
        return ""

    return VAR.sub(repl, value)


def stand_in_env(compose: dict[str, Any]) -> dict[str, str]:
    """A stand-in .env: every variable compose requires, with a plausible value."""
    required = [n for n, kind in variables(yaml.safe_dump(compose)).items() if kind == "required"]
    return {name: PLACEHOLDERS.get(name) or secrets.token_hex(24) for name in required}


def environment(service: dict[str, Any]) -> dict[str, str]:
    """A service's ``environment`` (a mapping; values as written, not interpolated)."""
    env = service.get("environment") or {}
    assert isinstance(env, dict), "environment must be a mapping"
    return {k: str(v) for k, v in env.items()}


def image_entrypoint() -> list[str]:
    """The ENTRYPOINT of the Dockerfile's last stage."""
    _, stages = dockerfile_stages((ROOT / "Dockerfile").read_text(encoding="utf-8"))
    return exec_form(stages[-1].all("ENTRYPOINT")[-1])


def service_argv(service: dict[str, Any], env: dict[str, str]) -> list[str]:
    """What a container of the image runs: the entrypoint, then the service's command, interpolated."""
    return [*image_entrypoint(), *(interpolated(str(word), env) for word in service["command"])]


def parse_sohoa(argv: list[str]) -> Any:
    """The ``sohoa`` command line as the CLI parses it (a click context; an unknown command or option raises)."""
    from typer.main import get_command

    from cli.main import build_app

    assert argv[0] == "sohoa"
    command: Any = get_command(build_app())
    args = argv[1:]
    while hasattr(command, "commands"):  # a group: descend to the command the next word names
        assert args and args[0] in command.commands, f"`{' '.join(argv)}` is not a sohoa command"
        command, args = command.commands[args[0]], args[1:]
    return command.make_context(command.name or "", list(args))


def variables(text: str) -> dict[str, str]:
    """Every interpolated name in ``text`` and how it is used: ``required``, ``default`` or ``plain``."""
    kinds = {":?": "required", ":-": "default"}
    return {m["name"]: kinds.get(m["rest"][:2], "plain") for m in VAR.finditer(text)}


def env_example() -> tuple[dict[str, str], set[str]]:
    """``.env.example``: the variables to fill in (name → value) and the optional ones (``# NAME=``)."""
    values: dict[str, str] = {}
    optional: set[str] = set()
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if commented := re.fullmatch(r"#\s*([A-Z][A-Z0-9_]*)=.*", stripped):
            optional.add(commented[1])
        elif stripped and not stripped.startswith("#"):
            name, _, value = stripped.partition("=")
            values[name.strip()] = value.strip()
    return values, optional


@dataclass
class Stage:
    """One ``FROM`` of a Dockerfile: its base, name and instructions (keyword, arguments)."""

    base: str
    name: str | None
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        """The arguments of every ``keyword`` instruction of this stage."""
        return [args for kw, args in self.instructions if kw == keyword]


def dockerfile_lines(text: str) -> list[tuple[str, str]]:
    """Instructions with their continuation lines joined, comment lines dropped."""
    out: list[tuple[str, str]] = []
    pending = ""
    for line in text.splitlines():
        if line.lstrip().startswith("#") or (not line.strip() and pending):
            continue
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        full = (pending + line).strip()
        pending = ""
        if full:
            keyword, _, args = full.partition(" ")
            out.append((keyword.upper(), args.strip()))
    return out


def dockerfile_stages(text: str) -> tuple[dict[str, str], list[Stage]]:
    """The global ``ARG`` defaults and the stages, ``${ARG}`` in ``FROM`` resolved."""
    global_args: dict[str, str] = {}
    stages: list[Stage] = []
    for keyword, args in dockerfile_lines(text):
        if keyword == "FROM":
            words = substitute_args(args, global_args).split()
            stages.append(Stage(words[0], words[2] if len(words) > 2 and words[1].upper() == "AS" else None))
        elif keyword == "ARG" and not stages:
            name, _, default = args.partition("=")
            global_args[name] = default
        else:
            assert stages, f"{keyword} before FROM"
            stages[-1].instructions.append((keyword, args))
    return global_args, stages


def stage_args(stage: Stage) -> dict[str, str]:
    """The ``ARG`` defaults declared in a stage."""
    return dict(arg.partition("=")[::2] for arg in stage.all("ARG"))


def substitute_args(text: str, args: dict[str, str]) -> str:
    """``$NAME`` and ``${NAME}`` replaced by the ARG defaults (build arguments left at their defaults)."""
    return re.sub(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?", lambda m: args.get(m[1], m[0]), text)


def exec_form(args: str) -> list[str]:
    """A JSON-array instruction (``ENTRYPOINT ["sohoa"]``); the shell form is refused."""
    parsed = json.loads(args)
    assert isinstance(parsed, list) and all(isinstance(a, str) for a in parsed), args
    return parsed


def apt_installs(run: str) -> list[str]:
    """The packages every ``apt-get install`` in one ``RUN`` names."""
    words = shlex.split(run, comments=False)
    packages: list[str] = []
    for i, word in enumerate(words):
        if word == "install" and i and words[i - 1] == "apt-get":
            for arg in words[i + 1:]:
                if arg in {"&&", "||", ";", "|"}:
                    break
                if not arg.startswith("-"):
                    packages.append(arg)
    return packages


def setup_apt_packages() -> list[str]:
    """What ``scripts/setup.sh`` installs with apt on every machine (the ``--dev`` extras left out)."""
    text = (ROOT / "scripts" / "setup.sh").read_text(encoding="utf-8")
    block = re.search(r"^APT_PACKAGES=\((.*?)^\)", text, flags=re.M | re.S)
    assert block, "scripts/setup.sh no longer has an APT_PACKAGES=( … ) list"
    return [word for line in block[1].splitlines() for word in line.split("#", 1)[0].split()]


def pyproject() -> dict[str, Any]:
    """pyproject.toml."""
    with (ROOT / "pyproject.toml").open("rb") as fh:
        return tomllib.load(fh)
