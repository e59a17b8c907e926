"""python -m enrollment [--api] [--relay] [--consumers] [--workers N]: run the enrollment service."""

from enrollment.app import handlers
from enrollment.cli import add_commands
from enrollment.config import get_settings
from enrollment.jobs import close_due_cohorts, release_due_reservations
from sinergi_shared.retention import retention_job
from sinergi_shared.runner import ServiceDefinition

# What the runner and `sinergi` know of enrollment (entry point group sinergi.services in pyproject.toml), with
# its periodic jobs, safe with several instances (FOR UPDATE SKIP LOCKED, once-per-cohort markers).
DEFINITION = ServiceDefinition(
    "enrollment",
    8002,
    get_settings,
    handlers,
    jobs=[
        ("cohort-close", close_due_cohorts, 5.0),
        ("reservation-release", release_due_reservations, 5.0),
        retention_job(get_settings()),
    ],
    commands=add_commands,
)

if __name__ == "__main__":
    DEFINITION.run()
