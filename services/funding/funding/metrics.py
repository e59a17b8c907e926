"""Funding's own Prometheus series: money per budget line, read at scrape time."""

from prometheus_client import Gauge
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from funding.models import BudgetLine

LINE_AMOUNT = Gauge(
    "sinergi_budget_line_idr",
    "Rupiah per budget line by kind (ceiling, committed, realized)",
    ["line", "institution", "source", "fiscal_year", "purpose", "kind"],
)


async def collect_budget_lines(session: AsyncSession) -> None:
    """Committed and realized against the ceiling of every budget line."""
    lines = (await session.execute(select(BudgetLine))).scalars().all()
    for line in lines:
        labels = (str(line.id), str(line.institution_id), line.source, str(line.fiscal_year), line.purpose)
        LINE_AMOUNT.labels(*labels, "ceiling").set(line.ceiling_idr)
        LINE_AMOUNT.labels(*labels, "committed").set(line.committed_idr)
        LINE_AMOUNT.labels(*labels, "realized").set(line.realized_idr)
