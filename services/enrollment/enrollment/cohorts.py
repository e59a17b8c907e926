"""Cohorts: open one, show its seat picture, and change its seats, always with the cohort row locked.

Every change of a cohort's seats happens with its row locked (SELECT ... FOR UPDATE), so the seat rule of
domain/seat_rule.py holds across concurrent requests and service instances. Lock order: cohort, then its
enrollments.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import cast
from uuid import UUID, uuid4

from sqlalchemy import Table, bindparam, func, insert, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from enrollment import events, messages, programs, replica
from enrollment.domain import development, seat_rule
from enrollment.models import CivilServant, Cohort, Enrollment, Institution, Program
from enrollment.schemas import CohortIn, CohortOut, SeatCounts
from sinergi_shared.auth import Principal
from sinergi_shared.db import Prepared, columns_of
from sinergi_shared.outbox import record
from sinergi_shared.problems import Conflict, Forbidden, NotFound, invalid


async def create(session: AsyncSession, *, principal: Principal, program_id: UUID, body: CohortIn) -> CohortOut:
    """Open a cohort of a program; emits cohort.opened."""
    program = await programs.get(session, program_id)
    if not programs.may_manage(principal, program):
        raise Forbidden(messages.COHORT_NOT_YOURS())
    dates = development.cohort_dates_problem(
        starts_on=body.starts_on, ends_on=body.ends_on, fiscal_year=program.fiscal_year
    )
    if dates is not None:
        raise invalid(*dates)
    provider = await replica.institution(session, program.provider_id)
    # The replica never forgets an institution, and a program's provider was in it when the program was made.
    provider_sector = "central" if provider is None else provider.sector
    default = development.default_share_pct(location=body.location, provider_sector=provider_sector)
    share = default if body.regional_share_pct is None else body.regional_share_pct
    reason = body.regional_share_reason
    refusal = development.share_refusal(
        share_pct=share, default_pct=default, crosses_institutions=principal.crosses_institutions, reason=reason
    )
    if refusal is not None:
        if refusal.forbidden:
            raise Forbidden(refusal.message, errors=[{"field": refusal.field, "message": refusal.message}])
        raise invalid(refusal.field, refusal.message)
    reserved = seat_rule.reserved_regional_seats(body.capacity, share)
    dob_seats = body.dob_seats or 0
    if dob_seats > reserved:
        raise invalid("dob_seats", messages.DOB_SEATS_ABOVE_RESERVED(reserved=reserved))
    closes, release = body.enrollment_closes_at, body.reservation_release_at
    for name, moment in (("enrollment_closes_at", closes), ("reservation_release_at", release)):
        if moment is not None and moment.tzinfo is None:
            raise invalid(name, messages.TIME_ZONE_REQUIRED())
    if closes is not None and release is not None and release > closes:
        raise invalid("reservation_release_at", messages.RELEASE_AFTER_CLOSE())
    if closes is not None and closes.date() > body.ends_on:
        raise invalid("enrollment_closes_at", messages.CLOSE_AFTER_END())
    cohort = Cohort(
        **body.model_dump(exclude={"regional_share_pct", "regional_share_reason", "dob_seats"}),
        id=uuid4(),
        program_id=program.id,
        regional_share_pct=share,
        regional_share_reason=None if reason is None else reason.strip(),
        reserved_regional=reserved,
        dob_seats=dob_seats,
        status="open",
        taken_central=0,
        taken_regional=0,
        taken_dob=0,
        next_seq=0,
        created_at=datetime.now(UTC),
        version=1,
    )
    session.add(cohort)
    await record(session, events.cohort_opened(cohort, program))
    return await view(session, cohort, program)


async def get(session: AsyncSession, cohort_id: UUID) -> CohortOut:
    cohort = await session.get(Cohort, cohort_id)
    if cohort is None:
        raise NotFound(messages.COHORT_NOT_FOUND(id=cohort_id))
    return await view(session, cohort, await programs.get(session, cohort.program_id))


async def view(session: AsyncSession, cohort: Cohort, program: Program) -> CohortOut:
    """The seat picture of a cohort."""
    plan, taken = cohort.seat_plan(), cohort.taken()
    open_now = is_open(cohort, datetime.now(UTC))
    available = seat_rule.available(plan, taken) if open_now else dict.fromkeys(seat_rule.SEAT_CLASSES, 0)
    return CohortOut.model_validate(
        {
            **columns_of(cohort),
            "provider_id": program.provider_id,
            "reserved_regional": plan.reserved_regional,
            "dob_seats": plan.dob_seats,
            "configured_reserved_regional": cohort.reserved_regional,
            "configured_dob_seats": cohort.dob_seats,
            "taken": SeatCounts(central=taken.central, regional=taken.regional, dob=taken.dob),
            "available": SeatCounts(**available),
            "waitlist_length": await waitlist_length(session, cohort.id),
            "status": "open" if open_now else "closed",
        }
    )


def is_open(cohort: Cohort, now: datetime) -> bool:
    """Open until closed by the job, and never past enrollment_closes_at even before the job ran."""
    if cohort.status != "open":
        return False
    return cohort.enrollment_closes_at is None or now < cohort.enrollment_closes_at


async def lock(session: AsyncSession, cohort_id: UUID) -> Cohort | None:
    """The cohort row, locked for this unit of work (always lock the cohort before its enrollments)."""
    stmt = select(Cohort).where(Cohort.id == cohort_id).with_for_update()
    return (await session.scalars(stmt.execution_options(populate_existing=True))).first()


@dataclass(frozen=True)
class Arrival:
    """What a nomination needs to know, read with the cohort locked; the person's fields are None when the
    replica does not know them. Cohort and program are values here, not tracked by the session."""

    cohort: Cohort
    program: Program
    plan: seat_rule.SeatPlan  # in force, due reservations released
    taken: seat_rule.Taken
    nip: str | None
    servant_status: str | None
    employment: str | None
    position_level: str | None
    institution_id: UUID | None  # the civil servant's employer
    sector: str | None  # None when the replica does not know the employer
    is_dob: bool
    open: bool


_cohort, _program = cast(Table, Cohort.__table__), cast(Table, Program.__table__)
_servant, _institution = cast(Table, CivilServant.__table__), cast(Table, Institution.__table__)
_parent = _institution.alias("parent")
# The cohort with its program, locked; the civil servant, their employer, and whether its parent is a DOB.
# Whether the NIP is already live in the cohort is left to the write, whose snapshot follows the lock.
_ARRIVAL = Prepared(
    select(
        _cohort,
        _program,
        _servant.c.nip,
        _servant.c.status,
        _servant.c.employment,
        _servant.c.position_level,
        _servant.c.institution_id,
        _institution.c.sector,
        _institution.c.is_new_autonomous_region,
        _parent.c.is_new_autonomous_region,
    )
    .join(_program, _program.c.id == _cohort.c.program_id)
    .outerjoin(_servant, _servant.c.nip == bindparam("nip"))
    .outerjoin(_institution, _institution.c.id == _servant.c.institution_id)
    .outerjoin(_parent, _parent.c.id == _institution.c.parent_id)
    .where(_cohort.c.id == bindparam("cohort_id"))
    .with_for_update(of=_cohort)
)


async def lock_for_arrival(session: AsyncSession, *, cohort_id: UUID, nip: str) -> Arrival | None:
    """Lock the cohort and read, in one statement, what a nomination needs (None: no such cohort).

    Reservations that fell due are released first, so the arrival is decided on the plan in force.
    """
    found = await _ARRIVAL.first(session, {"cohort_id": cohort_id, "nip": nip})
    if found is None:
        return None
    cohort = Cohort(**{c.key: found[c] for c in _cohort.c})
    program = Program(**{c.key: found[c] for c in _program.c})
    now = datetime.now(UTC)
    if reservations_due(cohort, now):
        locked = await programs.lock_with(session, Cohort, cohort_id)
        assert locked is not None
        await release_reservations_if_due(session, *locked, now)
        await session.flush()
        return await lock_for_arrival(session, cohort_id=cohort_id, nip=nip)
    sector = found[_institution.c.sector]
    return Arrival(
        cohort=cohort,
        program=program,
        plan=cohort.seat_plan(),
        taken=cohort.taken(),
        nip=found[_servant.c.nip],
        servant_status=found[_servant.c.status],
        employment=found[_servant.c.employment],
        position_level=found[_servant.c.position_level],
        institution_id=found[_servant.c.institution_id],
        sector=sector,
        is_dob=sector is not None
        and bool(found[_institution.c.is_new_autonomous_region] or found[_parent.c.is_new_autonomous_region]),
        open=is_open(cohort, now),
    )


_enrollment = cast(Table, Enrollment.__table__)
_live = select(_enrollment.c.id).where(
    _enrollment.c.cohort_id == bindparam("e_cohort_id"),
    _enrollment.c.nip == bindparam("e_nip"),
    _enrollment.c.status.not_in([literal(status) for status in development.INACTIVE_STATUSES]),
)
_entered = (
    insert(_enrollment)
    .from_select(
        list(_enrollment.c),
        select(*(bindparam(f"e_{c.key}", type_=c.type) for c in _enrollment.c)).where(~_live.exists()),
    )
    .returning(_enrollment.c.id)
    .cte("entered")
)
# The enrollment, and the cohort's new seats and arrival counter, in one statement; nothing at all when the
# NIP is already live in the cohort (the partial unique index backs this check made under the lock).
_ENTER = Prepared(
    update(_cohort)
    .where(_cohort.c.id == bindparam("at_cohort"), select(_entered.c.id).exists())
    .values(
        taken_central=bindparam("central"),
        taken_regional=bindparam("regional"),
        taken_dob=bindparam("dob"),
        next_seq=bindparam("arrivals"),
        version=_cohort.c.version + bindparam("bump"),
    )
    .returning(_cohort.c.id)
)


async def enter(session: AsyncSession, arrival: Arrival, e: Enrollment, taken: seat_rule.Taken | None) -> int | None:
    """Store the enrollment with the seats the rule gave it (`taken`), or at the end of the waitlist (None).

    Returns its waitlist place, None when seated. 409 when the waitlist is full or the NIP is already live
    in the cohort; then nothing is written. The cohort must be locked by lock_for_arrival.
    """
    cohort, position = arrival.cohort, None
    if taken is None:
        position = await waitlist_length(session, cohort.id) + 1
        if cohort.waitlist_limit is not None and position > cohort.waitlist_limit:
            raise Conflict(messages.WAITLIST_FULL())
    seats = taken or arrival.taken
    params = {f"e_{key}": value for key, value in columns_of(e).items()}
    params.update(central=seats.central, regional=seats.regional, dob=seats.dob, bump=int(taken is not None))
    params.update(at_cohort=cohort.id, arrivals=e.seq)
    if await _ENTER.first(session, params) is None:
        live = await session.scalar(_live, {"e_cohort_id": cohort.id, "e_nip": e.nip})
        raise Conflict(messages.NIP_ALREADY_IN_COHORT(enrollment=live))
    return position


async def waitlist_length(session: AsyncSession, cohort_id: UUID) -> int:
    """How many wait in the cohort's waitlist."""
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


async def free_seat(session: AsyncSession, cohort: Cohort, e: Enrollment, program: Program) -> None:
    """Give the enrollment's seat back and offer it to the waitlist (the cohort is locked by the caller)."""
    cohort.set_taken(cohort.taken().minus(e.seat_class))  # type: ignore[arg-type]
    now = datetime.now(UTC)
    if not await release_reservations_if_due(session, cohort, program, now):
        await promote_waitlist(session, cohort, program)


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
    admitted, taken = seat_rule.promote(cohort.seat_plan(), cohort.taken(), [(e, e.seat_class) for e in queue])  # type: ignore[misc]
    if not admitted:
        return []
    cohort.set_taken(taken)
    now = datetime.now(UTC)
    for e in admitted:
        e.status = "reserved"
        e.updated_at = now
        e.version += 1
    await record(session, *(events.reserved(e, program) for e in admitted))
    return admitted


def reservations_due(cohort: Cohort, now: datetime) -> bool:
    """True once reservation_release_at has passed and the reservations were not released yet."""
    due = cohort.reservation_release_at
    return cohort.reservations_released_at is None and due is not None and due <= now


async def release_reservations_if_due(session: AsyncSession, cohort: Cohort, program: Program, now: datetime) -> bool:
    """After reservation_release_at, R and D drop to 0 (once per cohort) and the waitlist is promoted."""
    if not reservations_due(cohort, now):
        return False
    cohort.reservations_released_at = now
    cohort.version += 1
    await promote_waitlist(session, cohort, program)
    return True
