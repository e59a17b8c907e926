"""python -m funding [--api] [--relay] [--consumers]: run the funding service."""

from funding.app import create_app, handlers
from funding.config import get_settings
from funding.jobs import expire_overdue_approvals
from sinergi_shared.runner import ServiceDefinition, main

DEFINITION = ServiceDefinition(
    name="funding",
    settings=get_settings,
    create_app=create_app,
    handlers=handlers,
    default_port=8003,
    jobs=[("approval-timeouts", expire_overdue_approvals, get_settings().approval_check_interval_s)],
)


def run() -> None:
    main(DEFINITION)


if __name__ == "__main__":
    run()
