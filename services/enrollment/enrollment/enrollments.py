"""Use cases of enrollments: nominate, cancel, complete, apply funding outcomes, read what one may see."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from enrollment import catalogue, domain, facts, seating, seats
from enrollment.models import Enrollment, Program
from enrollment.schemas import CompletionIn, EnrollmentOut, NominationIn
from sinergi_shared.auth import Principal
from sinergi_shared.db import Driver, DriverSQL, detached, driver_of, instance_of, select_list
from sinergi_shared.http import check_if_match, keyset, keyset_cursor, page
from sinergi_shared.outbox import with_events
from sinergi_shared.problems import Conflict, Forbidden, NotFound, invalid


async def view(session: AsyncSession, e: Enrollment) -> EnrollmentOut:
    """The API shape of a stored enrollment."""
    return shaped(e, await seating.waitlist_position(session, e))


def shaped(e: Enrollment, waitlist_position: int | None) -> EnrollmentOut:
    """The API shape of an enrollment whose waitlist place (None: not waiting) is known."""
    return EnrollmentOut(
        id=e.id,
        cohort_id=e.cohort_id,
        program_id=e.program_id,
        nip=e.nip,
        institution_id=e.institution_id,
        nominated_by_id=e.nominated_by_id,
        participant_sector=e.participant_sector,
        is_dob=e.is_dob,
        seat_class=e.seat_class,
        funding_source=e.funding_source,
        status=e.status,
        waitlist_position=waitlist_position,
        attended_jp=e.attended_jp,
        passed=e.passed,
        funding_request_id=e.funding_request_id,
        reason=e.reason,
        created_at=e.created_at,
        updated_at=e.updated_at,
        version=e.version,
    )


async def nominate(driver: Driver, *, principal: Principal, cohort_id: UUID, body: NominationIn) -> EnrollmentOut:
    """Hold a seat for a civil servant if the seat rule allows it, else put them on the waitlist.

    The hot path of the whole system, on the driver (sinergi_shared.db.driver_connection). First without a
    lock: read everything in one statement, decide, then seat, store and record the event in a second one
    that writes only if the cohort has not moved meanwhile. A cohort that moved, or that moved lately under
    another nomination, or an arrival for the waitlist (its place is counted), is decided under the cohort's
    lock instead. Raises ReservationsDue when the cohort's reservations must be released first (once per
    cohort; catalogue.release_reservations_of, then nominate again).
    """
    if not seating.contended(cohort_id):
        arrival = await seating.read_arrival(driver, cohort_id=cohort_id, nip=body.nip)
        decided = await _arrive(driver, arrival, principal=principal, cohort_id=cohort_id, body=body, locked=False)
        if decided is not None:
            return decided
    async with driver.transaction():
        arrival = await seating.lock_for_arrival(driver, cohort_id=cohort_id, nip=body.nip)
        decided = await _arrive(driver, arrival, principal=principal, cohort_id=cohort_id, body=body, locked=True)
        if decided is None:  # a locked cohort cannot move
            raise RuntimeError(f"cohort {cohort_id} moved while locked")
        return decided


async def _arrive(
    driver: Driver,
    arrival: seating.Arrival | None,
    *,
    principal: Principal,
    cohort_id: UUID,
    body: NominationIn,
    locked: bool,
) -> EnrollmentOut | None:
    """Decide and store one nomination on the arrival as read; None: decide again under the cohort's lock."""
    if arrival is None:
        raise NotFound(f"cohort {cohort_id} not found")
    cohort, program, servant, institution = arrival.cohort, arrival.program, arrival.servant, arrival.institution
    if servant is None:
        raise invalid("nip", "the registry does not know this NIP")
    if servant.status != "active":
        raise invalid("nip", "this civil servant is retired")
    if not principal.crosses_institutions and servant.institution_id != principal.institution_id:
        raise invalid("nip", "this civil servant is not employed by the nominating institution")
    if institution is None:
        raise invalid("nip", "the civil servant's institution is not known to the registry replica")
    if arrival.live_enrollment_id is not None:
        raise Conflict(f"this NIP is already active in the cohort (enrollment {arrival.live_enrollment_id})")
    now = datetime.now(UTC)
    if not catalogue.is_open(cohort, now):
        raise Conflict("the cohort is closed for nominations")
    if seating.reservations_due(cohort, now):
        raise seating.ReservationsDue(cohort.id)

    is_dob = institution.is_new_autonomous_region or arrival.parent_is_dob
    seat_class = seats.seat_class_of(sector=institution.sector, is_dob=is_dob)
    seated = seating.admits(cohort, seat_class)
    position = None
    if not seated:
        if not locked:  # a waitlist place is counted under the lock
            return None
        position = await seating.queue_length(driver, cohort.id) + 1
        if cohort.waitlist_limit is not None and position > cohort.waitlist_limit:
            raise Conflict("the cohort is full and its waitlist is full")
    enrollment = detached(
        Enrollment,
        id=uuid4(),
        cohort_id=cohort.id,
        program_id=program.id,
        nip=servant.nip,
        institution_id=institution.id,
        nominated_by_id=principal.institution_id,
        participant_sector=institution.sector,
        is_dob=is_dob,
        seat_class=seat_class,
        funding_source=body.funding_source,
        status="reserved" if seated else "waitlisted",
        created_at=now,
        updated_at=now,
        version=1,
    )
    event = (
        facts.reserved_event(enrollment, program)
        if position is None
        else facts.waitlisted_event(enrollment, program, position)
    )
    try:
        if not await seating.enter(driver, enrollment, event, seen=cohort):
            seating.note_contention(cohort.id)
            return None
    except seating.AlreadyLive:
        raise Conflict("this NIP is already active in the cohort") from None
    # A waitlisted arrival's place is the queue length just counted under the cohort lock.
    return shaped(enrollment, position)


def _visible(principal: Principal) -> Any:
    """Rows the caller may see: its institution's participants or nominations, or its own programs' cohorts."""
    me = principal.institution_id
    return or_(
        Enrollment.institution_id == me,
        Enrollment.nominated_by_id == me,
        Enrollment.program_id.in_(
            select(Program.id).where(or_(Program.provider_id == me, Program.provider_ministry_id == me))
        ),
    )


async def get_visible(session: AsyncSession, *, principal: Principal, enrollment_id: UUID) -> Enrollment:
    """The enrollment if the caller may see it; 404 otherwise, so its existence stays private."""
    stmt: Select[tuple[Enrollment]] = select(Enrollment).where(Enrollment.id == enrollment_id)
    if not principal.crosses_institutions:
        stmt = stmt.where(_visible(principal))
    e = (await session.scalars(stmt)).first()
    if e is None:
        raise NotFound(f"enrollment {enrollment_id} not found")
    return e


async def list_visible(
    session: AsyncSession,
    *,
    principal: Principal,
    cohort_id: UUID | None,
    nip: str | None,
    status: str | None,
    limit: int,
    cursor: str | None,
) -> dict[str, Any]:
    stmt = select(Enrollment)
    if not principal.crosses_institutions:
        stmt = stmt.where(_visible(principal))
    if cohort_id is not None:
        stmt = stmt.where(Enrollment.cohort_id == cohort_id)
    if nip is not None:
        stmt = stmt.where(Enrollment.nip == nip)
    if status is not None:
        stmt = stmt.where(Enrollment.status == status)
    stmt = keyset(stmt, cursor=cursor, limit=limit, created_at=Enrollment.created_at, id_=Enrollment.id)
    rows = list(await session.scalars(stmt))
    result = page(rows, limit, lambda e: keyset_cursor(e.created_at, e.id))
    result["items"] = [await view(session, e) for e in result["items"]]
    return result


async def _lock_enrollment(session: AsyncSession, enrollment_id: UUID) -> Enrollment | None:
    stmt = select(Enrollment).where(Enrollment.id == enrollment_id).with_for_update()
    return (await session.scalars(stmt.execution_options(populate_existing=True))).first()


async def _lock_for_seat_change(session: AsyncSession, enrollment_id: UUID) -> Enrollment | None:
    """Lock cohort then enrollment (the one lock order every seat change follows)."""
    cohort_id = await session.scalar(select(Enrollment.cohort_id).where(Enrollment.id == enrollment_id))
    if cohort_id is None:
        return None
    await seating.lock_cohort(session, cohort_id)
    return await _lock_enrollment(session, enrollment_id)


async def _free_seat(session: AsyncSession, e: Enrollment, program: Program) -> None:
    """Give the enrollment's seat back and offer it to the waitlist, in this transaction."""
    cohort = await seating.lock_cohort(session, e.cohort_id)
    assert cohort is not None
    seating.give_back(cohort, e.seat_class)  # type: ignore[arg-type]
    await seating.release_reservations_if_due(session, cohort, program, datetime.now(UTC))
    await seating.promote_waitlist(session, cohort, program)


def _touch(e: Enrollment, status: str) -> None:
    e.status = status
    e.updated_at = datetime.now(UTC)
    e.version += 1


async def cancel(
    session: AsyncSession, *, principal: Principal, enrollment_id: UUID, reason: str | None, if_match: str | None
) -> EnrollmentOut:
    """Cancel an open enrollment of the caller's institution; a held seat goes to the waitlist."""
    await get_visible(session, principal=principal, enrollment_id=enrollment_id)
    e = await _lock_for_seat_change(session, enrollment_id)
    assert e is not None
    if not principal.may_reach(e.institution_id, e.nominated_by_id):
        raise Forbidden("only the participant's or nominating institution may cancel an enrollment")
    if if_match is not None:
        check_if_match(if_match, e.version)
    if e.status not in domain.OPEN_STATUSES:
        raise Conflict(f"an enrollment in status {e.status} cannot be cancelled")
    program = await catalogue.get_program(session, e.program_id)
    previous = e.status
    e.reason = reason
    _touch(e, "cancelled")
    await facts.cancelled(session, e, program, previous)
    if previous in domain.SEATED_STATUSES:
        await _free_seat(session, e, program)
    return await view(session, e)


async def complete(
    session: AsyncSession, *, principal: Principal, enrollment_id: UUID, body: CompletionIn, if_match: str | None
) -> EnrollmentOut:
    """The provider records attendance: completed, or no_show when nobody attended and nobody passed."""
    await get_visible(session, principal=principal, enrollment_id=enrollment_id)
    e = await _lock_enrollment(session, enrollment_id)
    assert e is not None
    program = await catalogue.get_program(session, e.program_id)
    if not catalogue.may_manage(principal, program):
        raise Forbidden("only the program's provider may record completion")
    if if_match is not None:
        check_if_match(if_match, e.version)
    if e.status != "confirmed":
        raise Conflict(f"only a confirmed enrollment can be completed; this one is {e.status}")
    if body.attended_jp > program.hours_jp:
        raise invalid("attended_jp", f"must not exceed the program's {program.hours_jp} JP")
    e.attended_jp = body.attended_jp
    e.passed = body.passed
    _touch(e, domain.completion_outcome(attended_jp=body.attended_jp, passed=body.passed))
    await facts.completed(session, e, program)
    return await view(session, e)


async def funding_approved(session: AsyncSession, *, enrollment_id: UUID, request_id: UUID) -> None:
    """reserved → confirmed; an outcome for an enrollment no longer reserved is ignored."""
    # On the driver, in the transaction the inbox's statement began: the saga's last step runs on every seat.
    driver = await driver_of(session)
    found = await _LOCK_WITH_PROGRAM.fetchrow(driver, {"enrollment_id": enrollment_id})
    if found is None or found["e_status"] != "reserved":
        return
    e, program = instance_of(Enrollment, found, "e"), instance_of(Program, found, "p")
    e.funding_request_id = request_id
    _touch(e, "confirmed")
    await _CONFIRM.fetchval(
        driver,
        {
            **facts.rows(facts.confirmed_event(e, program)),
            "enrollment_id": e.id,
            "request_id": request_id,
            "now": e.updated_at,
            "version": e.version,
        },
    )


# The enrollment locked and its program read in one round trip, then the confirmation and its event in
# one more.
_LOCK_WITH_PROGRAM = DriverSQL(
    f"""
    SELECT {select_list(Enrollment, "e")}, {select_list(Program, "p")}
    FROM {Enrollment.__tablename__} e JOIN {Program.__tablename__} p ON p.id = e.program_id
    WHERE e.id = :enrollment_id
    FOR UPDATE OF e
    """
)
_CONFIRM = DriverSQL(
    with_events(
        "UPDATE enrollments SET status = 'confirmed', funding_request_id = :request_id, updated_at = :now, "
        "version = :version WHERE id = :enrollment_id"
    )
)


async def funding_rejected(session: AsyncSession, *, enrollment_id: UUID, request_id: UUID, reason: str) -> None:
    """reserved → rejected and the seat goes to the waitlist; late or repeated outcomes are ignored."""
    e = await _lock_for_seat_change(session, enrollment_id)
    if e is None or e.status != "reserved":
        return
    program = await catalogue.get_program(session, e.program_id)
    e.funding_request_id = request_id
    e.reason = reason
    _touch(e, "rejected")
    await facts.rejected(session, e, program, reason)
    await _free_seat(session, e, program)
