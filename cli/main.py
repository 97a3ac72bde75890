"""The ``sohoa`` console command: one Typer app, commands registered from their modules.

Each command module exposes ``register(app)``; heavy imports happen inside the
commands so that ``sohoa --help`` stays fast.
"""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="sohoa",
    help="Digitize, store and sign the dossiers of a one-stop office (Bộ phận Một cửa).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

#: command modules, each with a ``register(app)`` function
COMMAND_MODULES: tuple[str, ...] = (
    "cli.digitize",
    "cli.demo",
    "cli.sign",
    "cli.verify",
    "cli.pki",
    "cli.train",
    "cli.store",
    "cli.portal",
    "cli.worker",
    "cli.api",
    "cli.corpus",
    "cli.stats",
)


def build_app() -> typer.Typer:
    """Register every command module on the app (idempotent)."""
    if not getattr(app, "_sohoa_registered", False):
        for name in COMMAND_MODULES:
            importlib.import_module(name).register(app)
        app._sohoa_registered = True  # type: ignore[attr-defined]
    return app


def main() -> None:
    """Entry point of the ``sohoa`` console script."""
    build_app()()


if __name__ == "__main__":
    main()
