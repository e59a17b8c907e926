"""The rest of the saga: cancelled/rejected enrollments release, completed ones realize, overdue approvals expire."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from funding import events, ledger, messages
from funding.domain.routing import Reason
from funding.models import EndedEnrollment, FundingRequest
from sinergi_shared.outbox import record


async def release_for_enrollment(session: AsyncSession, *, enrollment_id: UUID) -> None:
    """The enrollment ended without training: release an approved commitment, or close a pending request.

    Approved → released + funding.released; awaiting approval → cancelled + funding.cancelled, no money moves.
    With nothing to settle the end is remembered, so a reservation applied later (a replayed dead letter) opens
    no request and commits nothing.
    """
    await ledger.hold_enrollment(session, enrollment_id)
    now = datetime.now(UTC)
    of_enrollment = FundingRequest.enrollment_id == enrollment_id
    released = await ledger.settle(
        session, of_enrollment, FundingRequest.status == "approved", change=ledger.status_change("released", now=now)
    )
    if released is not None:
        await ledger.release(session, released)
        await record(session, events.released(released))
        return
    change = ledger.status_change("cancelled", now=now, reason="enrollment_cancelled")
    closed = await ledger.settle(session, of_enrollment, FundingRequest.status == "awaiting_approval", change=change)
    if closed is not None:
        await record(session, events.cancelled(closed))
        return
    # Already settled, or never heard of (waitlisted, or its reservation is still to come).
    await session.execute(insert(EndedEnrollment).values(enrollment_id=enrollment_id).on_conflict_do_nothing())


async def realize_for_enrollment(session: AsyncSession, *, enrollment_id: UUID) -> None:
    """The training took place (completed or no-show): the committed amount becomes realized."""
    realized = await ledger.settle(
        session,
        FundingRequest.enrollment_id == enrollment_id,
        FundingRequest.status == "approved",
        change=ledger.status_change("realized", now=datetime.now(UTC)),
    )
    if realized is not None:
        await ledger.realize(session, realized)
        await record(session, events.realized(realized))


async def expire_overdue(session: AsyncSession, *, batch: int = 100) -> int:
    """Reject at most `batch` requests left awaiting approval past their deadline (approval_timeout)."""
    now = datetime.now(UTC)
    overdue = await session.scalars(
        select(FundingRequest)
        .where(FundingRequest.status == "awaiting_approval", FundingRequest.approval_deadline <= now)
        .order_by(FundingRequest.approval_deadline)
        .limit(batch)
        .with_for_update(skip_locked=True)
    )
    expired = []
    for req in overdue.all():
        deadline = req.approval_deadline.isoformat() if req.approval_deadline else "deadline"
        change = ledger.status_change(
            "rejected",
            now=now,
            reason=Reason.APPROVAL_TIMEOUT,
            detail=messages.APPROVAL_TIMEOUT(deadline=deadline),
            by="timeout",
        )
        rejected = await ledger.settle(session, FundingRequest.id == req.id, change=change)
        assert rejected is not None  # locked above
        expired.append(events.decided(rejected))
    await record(session, *expired)
    return len(expired)
