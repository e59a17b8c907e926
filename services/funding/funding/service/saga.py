"""The rest of the saga: cancelled/rejected enrollments release, completed ones realize, overdue approvals expire."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from funding.config import Settings
from funding.models import FundingRequest
from funding.routing import Reason
from funding.service.ledger import Events, close, realize_amount, release_amount
from sinergi_shared.db import driver_of


async def _locked_for_enrollment(session: AsyncSession, enrollment_id: UUID) -> FundingRequest | None:
    query = select(FundingRequest).where(FundingRequest.enrollment_id == enrollment_id).with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def release_for_enrollment(session: AsyncSession, *, enrollment_id: UUID, settings: Settings) -> None:
    """The enrollment ended without training: release an approved commitment, close a pending request."""
    req = await _locked_for_enrollment(session, enrollment_id)
    if req is None:
        return  # waitlisted enrollments never asked for money
    now = datetime.now(UTC)
    if req.status == "approved":
        await release_amount(await driver_of(session), req)
        close(req, "released", now=now, reason=req.reason)
        await session.flush()
        await Events(settings.topic_prefix).record(session, req, "funding.released")
    elif req.status == "awaiting_approval":
        # Nothing was committed, so nothing moves; the enrollment is gone, so no decision is announced.
        close(req, "cancelled", now=now, reason="enrollment_cancelled")
        await session.flush()


async def realize_for_enrollment(session: AsyncSession, *, enrollment_id: UUID, settings: Settings) -> None:
    """The training took place (completed or no-show): the committed amount becomes realized."""
    req = await _locked_for_enrollment(session, enrollment_id)
    if req is None or req.status != "approved":
        return
    await realize_amount(await driver_of(session), req)
    close(req, "realized", now=datetime.now(UTC), reason=req.reason)
    await session.flush()
    await Events(settings.topic_prefix).record(session, req, "funding.realized")


async def expire_overdue(session: AsyncSession, *, settings: Settings, batch: int = 100) -> int:
    """Reject requests left awaiting approval past their deadline (approval_timeout); returns how many."""
    now = datetime.now(UTC)
    query = (
        select(FundingRequest)
        .where(FundingRequest.status == "awaiting_approval", FundingRequest.approval_deadline <= now)
        .order_by(FundingRequest.approval_deadline)
        .limit(batch)
        .with_for_update(skip_locked=True)
    )
    overdue = list((await session.execute(query)).scalars())
    events = Events(settings.topic_prefix)
    for req in overdue:
        close(
            req,
            "rejected",
            now=now,
            reason=Reason.APPROVAL_TIMEOUT,
            detail=f"no decision before {deadline.isoformat() if (deadline := req.approval_deadline) else 'deadline'}",
            by="timeout",
        )
    await session.flush()
    for req in overdue:
        await events.record(session, req, "funding.rejected")
    return len(overdue)
