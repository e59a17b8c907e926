"""Use cases of programs and cohorts: create, read, the seat picture, and closing cohorts on time."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from enrollment import domain, facts, replica, seating, seats
from enrollment.models import Cohort, Program
from enrollment.schemas import CohortIn, CohortOut, ProgramIn, ProgramOut, SeatCounts
from sinergi_shared.auth import Principal
from sinergi_shared.http import keyset, keyset_cursor, page
from sinergi_shared.problems import Forbidden, NotFound, invalid


def may_manage(principal: Principal, program: Program) -> bool:
    """The provider itself, its K/L, or a coordinator may act for a program."""
    return principal.may_reach(program.provider_id, program.provider_ministry_id)


async def create_program(session: AsyncSession, *, principal: Principal, body: ProgramIn) -> ProgramOut:
    """Register a program of a training unit or K/L known to the replica."""
    provider = await replica.institution(session, body.provider_id)
    if provider is None or provider.status != "active":
        raise invalid("provider_id", "not an active institution in the registry")
    if provider.kind not in domain.PROVIDER_KINDS:
        raise invalid("provider_id", "a provider must be a training unit or a ministry/agency")
    ministry_id = domain.provider_ministry(provider_id=provider.id, kind=provider.kind, parent_id=provider.parent_id)
    if ministry_id is None:
        raise invalid("provider_id", "the training unit has no parent K/L in the registry")
    if not principal.may_reach(provider.id, ministry_id):  # type: ignore[arg-type]
        raise Forbidden("programs can only be created for the token's own training unit or its K/L")
    program = Program(
        id=uuid4(),
        provider_id=provider.id,
        provider_ministry_id=ministry_id,
        title=body.title,
        pattern=body.pattern,
        category=body.category or domain.DEFAULT_CATEGORY[body.pattern],
        hours_jp=body.hours_jp,
        horizon=body.horizon,
        fiscal_year=body.fiscal_year,
        cost_per_participant_idr=body.cost_per_participant_idr,
        created_at=datetime.now(UTC),
        version=1,
    )
    session.add(program)
    await session.flush()
    return ProgramOut.model_validate(program)


async def get_program(session: AsyncSession, program_id: UUID) -> Program:
    program = await session.get(Program, program_id)
    if program is None:
        raise NotFound(f"program {program_id} not found")
    return program


async def list_programs(
    session: AsyncSession,
    *,
    provider_id: UUID | None,
    fiscal_year: int | None,
    pattern: str | None,
    limit: int,
    cursor: str | None,
) -> dict[str, Any]:
    """The program catalogue, oldest first, filtered."""
    stmt = select(Program)
    if provider_id is not None:
        stmt = stmt.where(Program.provider_id == provider_id)
    if fiscal_year is not None:
        stmt = stmt.where(Program.fiscal_year == fiscal_year)
    if pattern is not None:
        stmt = stmt.where(Program.pattern == pattern)
    stmt = keyset(stmt, cursor=cursor, limit=limit, created_at=Program.created_at, id_=Program.id)
    rows = list(await session.scalars(stmt))
    result = page(rows, limit, lambda p: keyset_cursor(p.created_at, p.id))
    result["items"] = [ProgramOut.model_validate(p) for p in result["items"]]
    return result


async def create_cohort(session: AsyncSession, *, principal: Principal, program_id: UUID, body: CohortIn) -> CohortOut:
    """Open a cohort of a program; emits cohort.opened."""
    program = await get_program(session, program_id)
    if not may_manage(principal, program):
        raise Forbidden("cohorts can only be added to the token's own programs")
    share = body.regional_share_pct if body.regional_share_pct is not None else domain.default_share_pct(body.location)
    reserved = seats.reserved_regional_seats(body.capacity, share)
    dob_seats = body.dob_seats or 0
    if dob_seats > reserved:
        raise invalid("dob_seats", f"must not exceed the {reserved} reserved regional seats")
    if body.ends_on < body.starts_on:
        raise invalid("ends_on", "must not be before starts_on")
    closes, release = body.enrollment_closes_at, body.reservation_release_at
    for name, moment in (("enrollment_closes_at", closes), ("reservation_release_at", release)):
        if moment is not None and moment.tzinfo is None:
            raise invalid(name, "must carry a time zone (RFC 3339)")
    if closes is not None and release is not None and release > closes:
        raise invalid("reservation_release_at", "must not be after enrollment_closes_at")
    if closes is not None and closes.date() > body.ends_on:
        raise invalid("enrollment_closes_at", "must not be after the cohort ends")
    cohort = Cohort(
        id=uuid4(),
        program_id=program.id,
        name=body.name,
        starts_on=body.starts_on,
        ends_on=body.ends_on,
        location=body.location,
        capacity=body.capacity,
        regional_share_pct=share,
        reserved_regional=reserved,
        dob_seats=dob_seats,
        enrollment_closes_at=closes,
        reservation_release_at=release,
        waitlist_limit=body.waitlist_limit,
        status="open",
        taken_central=0,
        taken_regional=0,
        taken_dob=0,
        next_seq=0,
        created_at=datetime.now(UTC),
        version=1,
    )
    session.add(cohort)
    await session.flush()
    await facts.cohort_opened(session, cohort, program)
    return await cohort_view(session, cohort, program)


async def cohort_view(session: AsyncSession, cohort: Cohort, program: Program) -> CohortOut:
    """The seat picture of a cohort."""
    plan, taken = seating.plan_of(cohort), seating.taken_of(cohort)
    available = seats.available(plan, taken)
    if not is_open(cohort, datetime.now(UTC)):
        available = {"central": 0, "regional": 0, "dob": 0}
    return CohortOut(
        id=cohort.id,
        program_id=cohort.program_id,
        provider_id=program.provider_id,
        name=cohort.name,
        starts_on=cohort.starts_on,
        ends_on=cohort.ends_on,
        location=cohort.location,
        capacity=cohort.capacity,
        regional_share_pct=cohort.regional_share_pct,
        reserved_regional=plan.reserved_regional,
        dob_seats=plan.dob_seats,
        configured_reserved_regional=cohort.reserved_regional,
        configured_dob_seats=cohort.dob_seats,
        taken=SeatCounts(central=taken.central, regional=taken.regional, dob=taken.dob),
        available=SeatCounts(**available),
        waitlist_length=await seating.waitlist_length(session, cohort.id),
        waitlist_limit=cohort.waitlist_limit,
        status="open" if is_open(cohort, datetime.now(UTC)) else "closed",
        enrollment_closes_at=cohort.enrollment_closes_at,
        reservation_release_at=cohort.reservation_release_at,
        reservations_released_at=cohort.reservations_released_at,
        created_at=cohort.created_at,
        version=cohort.version,
    )


def is_open(cohort: Cohort, now: datetime) -> bool:
    """Open until closed by the job, and never past enrollment_closes_at even before the job ran."""
    if cohort.status != "open":
        return False
    return cohort.enrollment_closes_at is None or now < cohort.enrollment_closes_at


async def get_cohort(session: AsyncSession, cohort_id: UUID) -> CohortOut:
    cohort = await session.get(Cohort, cohort_id)
    if cohort is None:
        raise NotFound(f"cohort {cohort_id} not found")
    return await cohort_view(session, cohort, await get_program(session, cohort.program_id))


async def close_due_cohorts(sessions: async_sessionmaker[AsyncSession]) -> int:
    """Job: close every open cohort whose enrollment_closes_at passed; emits cohort.closed once each."""
    async with sessions() as session, session.begin():
        now = datetime.now(UTC)
        due = list(
            await session.scalars(
                select(Cohort)
                .where(Cohort.status == "open", Cohort.enrollment_closes_at <= now)
                .order_by(Cohort.enrollment_closes_at)
                .limit(100)
                .with_for_update(skip_locked=True)
            )
        )
        for cohort in due:
            cohort.status = "closed"
            cohort.closed_at = now
            cohort.version += 1
            await facts.cohort_closed(session, cohort, "enrollment_closes_at passed")
        return len(due)


async def release_reservations_of(sessions: async_sessionmaker[AsyncSession], cohort_id: UUID) -> None:
    """Release one cohort's reservations now if they are due, in a transaction of its own (as the job would)."""
    async with sessions() as session, session.begin():
        cohort = await seating.lock_cohort(session, cohort_id)
        if cohort is not None:
            program = await get_program(session, cohort.program_id)
            await seating.release_reservations_if_due(session, cohort, program, datetime.now(UTC))


async def release_due_reservations(sessions: async_sessionmaker[AsyncSession]) -> int:
    """Job: at reservation_release_at drop R and D to 0 and promote the waitlist, once per cohort."""
    async with sessions() as session, session.begin():
        now = datetime.now(UTC)
        due = list(
            await session.scalars(
                select(Cohort)
                .where(Cohort.reservations_released_at.is_(None), Cohort.reservation_release_at <= now)
                .order_by(Cohort.reservation_release_at)
                .limit(100)
                .with_for_update(skip_locked=True)
            )
        )
        for cohort in due:
            program = await get_program(session, cohort.program_id)
            await seating.release_reservations_if_due(session, cohort, program, now)
        return len(due)
