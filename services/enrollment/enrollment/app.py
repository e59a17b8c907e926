"""create_app(): the enrollment HTTP API on the shared service base."""

from fastapi import FastAPI

from enrollment.api import routers
from enrollment.config import Settings, get_settings
from enrollment.consumers import handlers
from enrollment.metrics import collect_seats
from sinergi_shared.limits import install_limits
from sinergi_shared.web import create_service_app

__all__ = ["create_app", "handlers"]


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = create_service_app(
        settings,
        title="Sinergi Enrollment",
        description="Programs, cohorts, seats, enrollments, waitlists and the competency ledger.",
        routers=routers,
        metric_collectors=[collect_seats],
    )
    # 401 for a missing or bad token before any body is parsed; 413 for a chunked body over the cap. A certificate's
    # verification page answers anyone who holds its code.
    install_limits(app, open_prefixes=("/verify/",))
    return app
