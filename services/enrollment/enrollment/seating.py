"""The seat rule applied to stored cohorts: row lock, counters, waitlist promotion, release of reservations.

Every change of a cohort's seats happens here, with the cohort row locked (SELECT ... FOR UPDATE),
so the rule in seats.py holds across concurrent requests and service instances.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy import bindparam, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from enrollment import domain, facts, seats
from enrollment.models import CivilServant, Cohort, Enrollment, Institution, Program
from enrollment.seats import SeatClass, SeatPlan, Taken
from sinergi_shared.outbox import RECORD_CTES


async def lock_cohort(session: AsyncSession, cohort_id: UUID, *, skip_locked: bool = False) -> Cohort | None:
    """The cohort row, locked for this transaction (always lock the cohort before its enrollments)."""
    stmt = select(Cohort).where(Cohort.id == cohort_id).with_for_update(skip_locked=skip_locked)
    return (await session.scalars(stmt.execution_options(populate_existing=True))).first()


@dataclass(frozen=True)
class Arrival:
    """What a nomination needs to know, read with the cohort row locked; replica rows are None when unknown."""

    cohort: Cohort
    program: Program
    servant: CivilServant | None
    institution: Institution | None
    parent_is_dob: bool


_Parent = aliased(Institution, name="parent_institution")
# Built once: aliasing and compiling this join per request cost more than running it. Only the cohort row
# is locked; waiting for the lock refreshes that row (its counters are current), while the replica rows
# are read as of the statement's start, which is all a nomination needs of them.
_LOCK_FOR_ARRIVAL = (
    select(Cohort, Program, CivilServant, Institution, _Parent.is_new_autonomous_region)
    .join(Program, Program.id == Cohort.program_id)
    .outerjoin(CivilServant, CivilServant.nip == bindparam("nip"))
    .outerjoin(Institution, Institution.id == CivilServant.institution_id)
    .outerjoin(_Parent, _Parent.id == Institution.parent_id)
    .where(Cohort.id == bindparam("cohort_id"))
    .with_for_update(of=Cohort)
    .execution_options(populate_existing=True)
)


async def lock_for_arrival(session: AsyncSession, *, cohort_id: UUID, nip: str) -> Arrival | None:
    """Lock the cohort and read its program, the servant and their institution in one statement (None: no cohort)."""
    row = (await session.execute(_LOCK_FOR_ARRIVAL, {"cohort_id": cohort_id, "nip": nip})).first()
    if row is None:
        return None
    return Arrival(row[0], row[1], row[2], row[3], bool(row[4]))


def admits(cohort: Cohort, seat_class: SeatClass) -> bool:
    """Would the rule seat one more applicant of this class right now? (cohort must be locked)."""
    return seats.fits(plan_of(cohort), taken_of(cohort), seat_class)


# The arrival's place (next_seq), the seat it takes if any, the enrollment row and its event, in one
# statement: the cohort stays locked for one round trip between the lock and the commit. A NIP already
# live in the cohort inserts nothing (the partial unique index decides, whatever the races); the caller
# then rolls the whole transaction back, counters and event included.
_ENTER = text(
    f"""
    WITH arrival AS (
        UPDATE cohorts
        SET next_seq = next_seq + 1,
            taken_central = taken_central + :central,
            taken_regional = taken_regional + :regional,
            taken_dob = taken_dob + :dob,
            version = version + :central + :regional + :dob
        WHERE id = :cohort_id
        RETURNING next_seq
    ), {RECORD_CTES}
    INSERT INTO enrollments (id, cohort_id, program_id, nip, institution_id, nominated_by_id, participant_sector,
                             is_dob, seat_class, funding_source, status, seq, created_at, updated_at, version)
    VALUES (:id, :cohort_id, :program_id, :nip, :institution_id, :nominated_by_id, :participant_sector,
            :is_dob, :seat_class, :funding_source, :status, (SELECT next_seq FROM arrival), :now, :now, 1)
    ON CONFLICT (cohort_id, nip) WHERE status NOT IN ({", ".join(f"'{s}'" for s in domain.INACTIVE_STATUSES)})
    DO NOTHING
    RETURNING seq, (SELECT count(*) FROM notified) AS notified
    """
)


async def enter(session: AsyncSession, e: Enrollment, event: facts.Event) -> bool:
    """Store a new arrival and its event (reserved takes its class's seat); False when the NIP is live here.

    The cohort must be locked and the seat checked with admits(); sets e.seq to its arrival place.
    """
    seated = e.status == "reserved"
    taken = Taken().plus(e.seat_class) if seated else Taken()  # type: ignore[arg-type]
    seq = await session.scalar(
        _ENTER,
        {
            **facts.rows(event),
            "central": taken.central,
            "regional": taken.regional,
            "dob": taken.dob,
            "id": e.id,
            "cohort_id": e.cohort_id,
            "program_id": e.program_id,
            "nip": e.nip,
            "institution_id": e.institution_id,
            "nominated_by_id": e.nominated_by_id,
            "participant_sector": e.participant_sector,
            "is_dob": e.is_dob,
            "seat_class": e.seat_class,
            "funding_source": e.funding_source,
            "status": e.status,
            "now": e.created_at,
        },
    )
    if seq is None:
        return False
    e.seq = seq
    return True


async def live_enrollment_of(session: AsyncSession, cohort_id: UUID, nip: str) -> UUID | None:
    """The NIP's live (not cancelled or rejected) enrollment in the cohort, if any."""
    stmt = select(Enrollment.id).where(
        Enrollment.cohort_id == cohort_id, Enrollment.nip == nip, Enrollment.status.not_in(domain.INACTIVE_STATUSES)
    )
    found: UUID | None = await session.scalar(stmt)
    return found


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
    if not reservations_due(cohort, now):
        return []
    cohort.reservations_released_at = now
    cohort.version += 1
    return await promote_waitlist(session, cohort, program)


def reservations_due(cohort: Cohort, now: datetime) -> bool:
    """Has reservation_release_at passed without the reservations having been released yet?"""
    due = cohort.reservation_release_at
    return cohort.reservations_released_at is None and due is not None and due <= now
