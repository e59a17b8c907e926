"""python -m enrollment [--api] [--relay] [--consumers]: run the enrollment service."""

from enrollment.app import create_app, handlers
from enrollment.catalogue import close_due_cohorts, release_due_reservations
from enrollment.config import get_settings
from sinergi_shared.jobs import Tick
from sinergi_shared.runner import ServiceDefinition, main

# Periodic jobs, safe with several instances (FOR UPDATE SKIP LOCKED, once-per-cohort markers).
JOBS: tuple[tuple[str, Tick, float], ...] = (
    ("cohort-close", close_due_cohorts, 5.0),
    ("reservation-release", release_due_reservations, 5.0),
)

DEFINITION = ServiceDefinition(
    name="enrollment",
    settings=get_settings,
    create_app=create_app,
    handlers=handlers,
    default_port=8002,
    jobs=JOBS,
)


def run() -> None:
    main(DEFINITION)


if __name__ == "__main__":
    run()
