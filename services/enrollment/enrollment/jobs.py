"""Periodic jobs of the enrollment service; each run is one unit of work, safe with several instances."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from enrollment import cohorts, events, programs
from enrollment.models import Cohort
from sinergi_shared.outbox import record

BATCH = 100


async def close_due_cohorts(session: AsyncSession) -> int:
    """Close every open cohort whose enrollment_closes_at passed; emits cohort.closed once each."""
    now = datetime.now(UTC)
    due = list(
        await session.scalars(
            select(Cohort)
            .where(Cohort.status == "open", Cohort.enrollment_closes_at <= now)
            .order_by(Cohort.enrollment_closes_at)
            .limit(BATCH)
            .with_for_update(skip_locked=True)
        )
    )
    for cohort in due:
        cohort.status = "closed"
        cohort.closed_at = now
        cohort.version += 1
    await record(session, *(events.cohort_closed(cohort, "enrollment_closes_at passed") for cohort in due))
    return len(due)


async def release_due_reservations(session: AsyncSession) -> int:
    """At reservation_release_at drop R and D to 0 and promote the waitlist, once per cohort."""
    now = datetime.now(UTC)
    due = list(
        await session.scalars(
            select(Cohort)
            .where(Cohort.reservations_released_at.is_(None), Cohort.reservation_release_at <= now)
            .order_by(Cohort.reservation_release_at)
            .limit(BATCH)
            .with_for_update(skip_locked=True)
        )
    )
    for cohort in due:
        await cohorts.release_reservations_if_due(session, cohort, await programs.get(session, cohort.program_id), now)
    return len(due)
