"""The seat rule applied to stored cohorts: row lock, counters, waitlist promotion, release of reservations.

Every change of a cohort's seats happens here, with the cohort row locked (SELECT ... FOR UPDATE),
so the rule in seats.py holds across concurrent requests and service instances.
"""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from enrollment import facts, seats
from enrollment.models import Cohort, Enrollment, Program
from enrollment.seats import SeatClass, SeatPlan, Taken


async def lock_cohort(session: AsyncSession, cohort_id: UUID, *, skip_locked: bool = False) -> Cohort | None:
    """The cohort row, locked for this transaction (always lock the cohort before its enrollments)."""
    stmt = select(Cohort).where(Cohort.id == cohort_id).with_for_update(skip_locked=skip_locked)
    return (await session.scalars(stmt.execution_options(populate_existing=True))).first()


def plan_of(cohort: Cohort) -> SeatPlan:
    """The plan in force: the configured reservations until they were released."""
    plan = SeatPlan(cohort.capacity, cohort.reserved_regional, cohort.dob_seats)
    return plan.released() if cohort.reservations_released_at is not None else plan


def taken_of(cohort: Cohort) -> Taken:
    return Taken(central=cohort.taken_central, regional=cohort.taken_regional, dob=cohort.taken_dob)


def set_taken(cohort: Cohort, taken: Taken) -> None:
    cohort.taken_central, cohort.taken_regional, cohort.taken_dob = taken.central, taken.regional, taken.dob
    cohort.version += 1


async def waitlist_length(session: AsyncSession, cohort_id: UUID) -> int:
    stmt = select(func.count()).where(Enrollment.cohort_id == cohort_id, Enrollment.status == "waitlisted")
    return int(await session.scalar(stmt) or 0)


async def waitlist_position(session: AsyncSession, enrollment: Enrollment) -> int | None:
    """1-based place in the cohort's waitlist, or None when not waitlisted."""
    if enrollment.status != "waitlisted":
        return None
    stmt = select(func.count()).where(
        Enrollment.cohort_id == enrollment.cohort_id,
        Enrollment.status == "waitlisted",
        Enrollment.seq <= enrollment.seq,
    )
    return int(await session.scalar(stmt) or 0)


def admit(cohort: Cohort, seat_class: SeatClass) -> bool:
    """Take a seat of this class if the rule allows it (cohort must be locked)."""
    plan, taken = plan_of(cohort), taken_of(cohort)
    if not seats.fits(plan, taken, seat_class):
        return False
    set_taken(cohort, taken.plus(seat_class))
    return True


def give_back(cohort: Cohort, seat_class: SeatClass) -> None:
    """Release one seat of this class (cohort must be locked)."""
    set_taken(cohort, taken_of(cohort).minus(seat_class))


async def promote_waitlist(session: AsyncSession, cohort: Cohort, program: Program) -> list[Enrollment]:
    """Offer free seats to the earliest waitlisted applicants who fit; emits enrollment.reserved for each."""
    queue = list(
        await session.scalars(
            select(Enrollment)
            .where(Enrollment.cohort_id == cohort.id, Enrollment.status == "waitlisted")
            .order_by(Enrollment.seq)
            .with_for_update()
        )
    )
    if not queue:
        return []
    admitted, taken = seats.promote(plan_of(cohort), taken_of(cohort), [(e, e.seat_class) for e in queue])  # type: ignore[misc]
    if not admitted:
        return []
    set_taken(cohort, taken)
    now = datetime.now(UTC)
    for e in admitted:
        e.status = "reserved"
        e.updated_at = now
        e.version += 1
        await facts.reserved(session, e, program)
    return admitted


async def release_reservations_if_due(
    session: AsyncSession, cohort: Cohort, program: Program, now: datetime
) -> list[Enrollment]:
    """After reservation_release_at, R and D drop to 0 (once per cohort) and the waitlist is promoted."""
    if cohort.reservations_released_at is not None or cohort.reservation_release_at is None:
        return []
    if cohort.reservation_release_at > now:
        return []
    cohort.reservations_released_at = now
    cohort.version += 1
    return await promote_waitlist(session, cohort, program)
