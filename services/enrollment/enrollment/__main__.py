"""python -m enrollment [--api] [--relay] [--consumers] [--workers N]: run the enrollment service."""

from pathlib import Path

from enrollment.app import handlers
from enrollment.config import get_settings
from enrollment.jobs import close_due_cohorts, release_due_reservations
from sinergi_shared.jobs import Tick
from sinergi_shared.runner import ServiceDefinition, main

# Periodic jobs, safe with several instances (FOR UPDATE SKIP LOCKED, once-per-cohort markers).
JOBS: tuple[tuple[str, Tick, float], ...] = (
    ("cohort-close", close_due_cohorts, 5.0),
    ("reservation-release", release_due_reservations, 5.0),
)

# What the runner and `sinergi` know of enrollment (entry point group sinergi.services in pyproject.toml).
DEFINITION = ServiceDefinition(
    name="enrollment",
    settings=get_settings,
    app="enrollment.app:create_app",
    handlers=handlers,
    default_port=8002,
    alembic_ini=Path(__file__).resolve().parents[1] / "alembic.ini",
    jobs=JOBS,
)


def run() -> None:
    main(DEFINITION)


if __name__ == "__main__":
    run()
