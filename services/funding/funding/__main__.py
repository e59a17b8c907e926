"""python -m funding [--api] [--relay] [--consumers] [--workers N]: run the funding service."""

from funding.app import handlers
from funding.config import get_settings
from funding.jobs import expire_overdue_approvals
from sinergi_shared.retention import retention_job
from sinergi_shared.runner import ServiceDefinition

# What the runner and `sinergi` know of funding (entry point group sinergi.services in pyproject.toml).
DEFINITION = ServiceDefinition(
    "funding",
    8003,
    get_settings,
    handlers,
    jobs=[
        ("approval-timeouts", expire_overdue_approvals, get_settings().approval_check_interval_s),
        retention_job(get_settings()),
    ],
)

if __name__ == "__main__":
    DEFINITION.run()
