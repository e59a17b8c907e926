"""Funding's own Prometheus series, read at scrape time: requests by status and the approval backlog.

`/metrics` answers without a token (SPEC section 3), so no amount of money and no institution appears here;
money per line and per institution is `GET /reports/funding`, with a token.
"""

from typing import get_args

from prometheus_client import Gauge
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from funding.models import FundingRequest
from funding.schemas import RequestStatus

REQUESTS = Gauge("sinergi_funding_requests", "Funding requests by status", ["status"])
AWAITING_OLDEST_AGE = Gauge(
    "sinergi_funding_awaiting_oldest_age_seconds", "Age of the oldest funding request awaiting approval"
)
AWAITING_OVERDUE = Gauge(
    "sinergi_funding_awaiting_overdue",
    "Funding requests awaiting approval past their deadline (the approval-timeouts job rejects them)",
)

_AWAITING = FundingRequest.status == "awaiting_approval"


async def collect_requests(session: AsyncSession) -> None:
    """How many requests are in each status, and how long and how late the approvals still awaited are."""
    by_status = select(FundingRequest.status, func.count()).group_by(FundingRequest.status)
    counts: dict[str, int] = {status: n for status, n in (await session.execute(by_status)).all()}
    for status in get_args(RequestStatus):
        REQUESTS.labels(status).set(counts.get(status, 0))
    oldest_age, overdue = (
        await session.execute(
            select(
                func.coalesce(func.extract("epoch", func.now() - func.min(FundingRequest.created_at)), 0),
                func.count().filter(FundingRequest.approval_deadline < func.now()),
            ).where(_AWAITING)
        )
    ).one()
    AWAITING_OLDEST_AGE.set(float(oldest_age))
    AWAITING_OVERDUE.set(overdue)
