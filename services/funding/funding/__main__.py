"""python -m funding [--api] [--relay] [--consumers] [--workers N]: run the funding service."""

from pathlib import Path

from funding.app import handlers
from funding.config import get_settings
from funding.jobs import expire_overdue_approvals
from sinergi_shared.runner import ServiceDefinition, main

# What the runner and `sinergi` know of funding (entry point group sinergi.services in pyproject.toml).
DEFINITION = ServiceDefinition(
    name="funding",
    settings=get_settings,
    app="funding.app:create_app",
    handlers=handlers,
    default_port=8003,
    alembic_ini=Path(__file__).resolve().parents[1] / "alembic.ini",
    jobs=[("approval-timeouts", expire_overdue_approvals, get_settings().approval_check_interval_s)],
)


def run() -> None:
    main(DEFINITION)


if __name__ == "__main__":
    run()
