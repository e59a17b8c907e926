"""The seat rule applied to stored cohorts: row lock, counters, waitlist promotion, release of reservations.

Every change of a cohort's seats happens here, with the cohort row locked (SELECT ... FOR UPDATE) or, for
a nomination decided without the lock, as a write that holds only if the cohort is still the version the
decision read; so the rule in seats.py holds across concurrent requests and service instances.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from asyncpg import Record, UniqueViolationError
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from enrollment import domain, facts, seats
from enrollment.models import CivilServant, Cohort, Enrollment, Institution, Program
from enrollment.seats import SeatClass, SeatPlan, Taken
from sinergi_shared.db import Driver, DriverSQL, instance_of, select_list
from sinergi_shared.outbox import record_ctes


async def lock_cohort(session: AsyncSession, cohort_id: UUID, *, skip_locked: bool = False) -> Cohort | None:
    """The cohort row, locked for this transaction (always lock the cohort before its enrollments)."""
    stmt = select(Cohort).where(Cohort.id == cohort_id).with_for_update(skip_locked=skip_locked)
    return (await session.scalars(stmt.execution_options(populate_existing=True))).first()


@dataclass(frozen=True)
class Arrival:
    """What a nomination needs to know, read in one statement; replica rows are None when unknown."""

    cohort: Cohort
    program: Program
    servant: CivilServant | None
    institution: Institution | None
    parent_is_dob: bool
    live_enrollment_id: UUID | None  # the NIP's live enrollment in this cohort, if it has one


class ReservationsDue(Exception):
    """The cohort's reservations are due: release them (catalogue.release_reservations_of), then nominate again."""

    def __init__(self, cohort_id: UUID) -> None:
        super().__init__(f"the reservations of cohort {cohort_id} are due for release")
        self.cohort_id = cohort_id


# The nomination runs on the driver (sinergi_shared.db.DriverSQL), so its statements are written out here
# and its rows become plain, session-less model instances.
_LIVE = f"status NOT IN ({', '.join(repr(s) for s in domain.INACTIVE_STATUSES)})"  # as the partial unique index
_LIVE_INDEX = "uq_enrollments_active_nip"
_ARRIVAL_PARTS = ((Cohort, "c"), (Program, "p"), (CivilServant, "s"), (Institution, "i"))


def _arrival_sql(lock: str) -> DriverSQL:
    return DriverSQL(
        f"""
        SELECT {", ".join(select_list(model, alias) for model, alias in _ARRIVAL_PARTS)},
               parent.is_new_autonomous_region AS parent_is_dob, live.id AS live_enrollment_id
        FROM {Cohort.__tablename__} c
        JOIN {Program.__tablename__} p ON p.id = c.program_id
        LEFT JOIN {CivilServant.__tablename__} s ON s.nip = :nip
        LEFT JOIN {Institution.__tablename__} i ON i.id = s.institution_id
        LEFT JOIN {Institution.__tablename__} parent ON parent.id = i.parent_id
        LEFT JOIN {Enrollment.__tablename__} live ON live.cohort_id = c.id AND live.nip = :nip AND live.{_LIVE}
        WHERE c.id = :cohort_id
        {lock}
        """
    )


# Only the cohort row is locked; waiting for the lock refreshes that row (its counters are current), while
# the other rows are read as of the statement's start, which is all a nomination needs of them (a NIP that
# became live meanwhile is caught by the partial unique index when the arrival is stored).
_READ_ARRIVAL = _arrival_sql("")
_LOCK_FOR_ARRIVAL = _arrival_sql("FOR UPDATE OF c")


async def read_arrival(driver: Driver, *, cohort_id: UUID, nip: str) -> Arrival | None:
    """Read the cohort, its program, the servant and their institution in one statement (None: no cohort)."""
    return _arrival(await _READ_ARRIVAL.fetchrow(driver, {"cohort_id": cohort_id, "nip": nip}))


async def lock_for_arrival(driver: Driver, *, cohort_id: UUID, nip: str) -> Arrival | None:
    """As read_arrival, with the cohort row locked until the transaction ends."""
    return _arrival(await _LOCK_FOR_ARRIVAL.fetchrow(driver, {"cohort_id": cohort_id, "nip": nip}))


def _arrival(row: Record | None) -> Arrival | None:
    if row is None:
        return None
    return Arrival(
        cohort=instance_of(Cohort, row, "c"),
        program=instance_of(Program, row, "p"),
        servant=instance_of(CivilServant, row, "s") if row["s_nip"] is not None else None,
        institution=instance_of(Institution, row, "i") if row["i_id"] is not None else None,
        parent_is_dob=bool(row["parent_is_dob"]),
        live_enrollment_id=row["live_enrollment_id"],
    )


def admits(cohort: Cohort, seat_class: SeatClass) -> bool:
    """Would the rule seat one more applicant of this class, given the cohort as read?"""
    return seats.fits(plan_of(cohort), taken_of(cohort), seat_class)


# The arrival's place (next_seq), the seat it takes if any, the enrollment row and its event, in one
# statement, written only if the cohort is still the version the decision was made on. Every writer of
# `cohorts` must therefore bump `version` when it changes seats, plan or status (set_taken, the release,
# the close job and this statement do). Under the cohort's lock that always holds; without it,
# a cohort that moved meanwhile writes nothing and the caller decides again. A NIP already live in the
# cohort fails the statement on the partial unique index, whatever the races, so nothing is written.
_ENTER = DriverSQL(
    f"""
    WITH arrival AS (
        UPDATE cohorts
        SET next_seq = next_seq + 1,
            taken_central = taken_central + :central,
            taken_regional = taken_regional + :regional,
            taken_dob = taken_dob + :dob,
            version = version + :central + :regional + :dob
        WHERE id = :cohort_id AND version = :seen_version
        RETURNING next_seq
    ), {record_ctes(only_after="arrival")}
    INSERT INTO enrollments (id, cohort_id, program_id, nip, institution_id, nominated_by_id, participant_sector,
                             is_dob, seat_class, funding_source, status, seq, created_at, updated_at, version)
    SELECT :id, :cohort_id, :program_id, :nip, :institution_id, :nominated_by_id, :participant_sector,
           :is_dob, :seat_class, :funding_source, :status, arrival.next_seq, :now, :now, 1
    FROM arrival
    RETURNING seq, (SELECT count(*) FROM notified) AS notified
    """
)


class AlreadyLive(Exception):
    """The NIP is already live in the cohort (it arrived in a race the arrival's read could not see)."""


async def enter(driver: Driver, e: Enrollment, event: facts.Event, *, seen: Cohort) -> bool:
    """Store a new arrival and its event (reserved takes its class's seat); False when the cohort moved since seen.

    The seat must have been checked with admits(seen); sets e.seq to its arrival place. Raises AlreadyLive.
    """
    seated = e.status == "reserved"
    taken = Taken().plus(e.seat_class) if seated else Taken()  # type: ignore[arg-type]
    try:
        seq = await _ENTER.fetchval(
            driver,
            {
                **facts.rows(event),
                "central": taken.central,
                "regional": taken.regional,
                "dob": taken.dob,
                "seen_version": seen.version,
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
    except UniqueViolationError as exc:
        if exc.constraint_name != _LIVE_INDEX:
            raise
        raise AlreadyLive(e.nip) from exc
    if seq is None:
        return False
    e.seq = seq
    return True


# Cohorts whose unlocked decision found them moved lately. Their nominations lock the cohort at once for a
# while: on a cohort many nominate into at the same moment, deciding without the lock would mostly be undone.
_CONTENDED_FOR_S = 5.0
_contended_until: dict[UUID, float] = {}


def contended(cohort_id: UUID) -> bool:
    """Did an unlocked decision on this cohort find it moved lately?"""
    until = _contended_until.get(cohort_id)
    return until is not None and time.monotonic() < until


def note_contention(cohort_id: UUID) -> None:
    """Remember that this cohort moved under an unlocked decision."""
    now = time.monotonic()
    if len(_contended_until) > 10_000:
        for stale in [c for c, until in _contended_until.items() if until <= now]:
            del _contended_until[stale]
    _contended_until[cohort_id] = now + _CONTENDED_FOR_S


_WAITLIST_LENGTH = "SELECT count(*) FROM enrollments WHERE cohort_id = :cohort_id AND status = 'waitlisted'"
_QUEUE_LENGTH = DriverSQL(_WAITLIST_LENGTH)


async def queue_length(driver: Driver, cohort_id: UUID) -> int:
    """How many wait in the cohort's waitlist (for a nomination, on the driver)."""
    return int(await _QUEUE_LENGTH.fetchval(driver, {"cohort_id": cohort_id}))


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
    """The same count as queue_length, in a session."""
    return int(await session.scalar(text(_WAITLIST_LENGTH), {"cohort_id": cohort_id}) or 0)


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
