"""create_app(): the funding HTTP API on the shared service base."""

from fastapi import FastAPI

from funding.api import routers
from funding.config import Settings, get_settings
from funding.consumers import handlers
from funding.metrics import collect_requests
from sinergi_shared.limits import install_limits
from sinergi_shared.web import create_service_app

__all__ = ["create_app", "handlers"]


def create_app(settings: Settings | None = None) -> FastAPI:
    """The funding API: budget lines, funding requests and the report."""
    app = create_service_app(
        settings or get_settings(),
        title="Sinergi Funding",
        description=(
            "Budget lines, funding requests, approvals and commitments. "
            "On a line, committed = approved and not yet released or realized; realized = spent "
            "(moved from committed when the enrollment completed); available = ceiling − committed − realized. "
            "Another institution's lines and requests answer 403 unless the token is a coordinator or admin."
        ),
        routers=routers,
        metric_collectors=[collect_requests],
    )
    # 401 for a missing or bad token before any body is parsed; 413 for a chunked body over the cap.
    install_limits(app)
    return app
