"""python -m registry [--api] [--relay] [--consumers] [--workers N]: run the registry service."""

from pathlib import Path

from registry.app import handlers
from registry.cli import add_commands
from registry.config import get_settings
from sinergi_shared.runner import ServiceDefinition, main

# What the runner and `sinergi` know of the registry (entry point group sinergi.services in pyproject.toml).
DEFINITION = ServiceDefinition(
    name="registry",
    settings=get_settings,
    app="registry.app:create_app",
    handlers=handlers,
    default_port=8001,
    alembic_ini=Path(__file__).resolve().parents[1] / "alembic.ini",
    commands=add_commands,
)


def run() -> None:
    main(DEFINITION)


if __name__ == "__main__":
    run()
