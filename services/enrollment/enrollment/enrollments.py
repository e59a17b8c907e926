"""Enrollments: nominate, cancel, complete, apply funding outcomes, read what one may see."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import Select, and_, bindparam, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from enrollment import certificates, cohorts, events, messages, programs
from enrollment.domain import development, jp, seat_rule
from enrollment.models import Cohort, Enrollment, Program
from enrollment.schemas import CompletionIn, EnrollmentFilters, EnrollmentOut, NominationIn
from sinergi_shared.auth import Principal
from sinergi_shared.db import columns_of
from sinergi_shared.http import check_if_match, filtered, keyset_page
from sinergi_shared.outbox import record
from sinergi_shared.problems import Conflict, Forbidden, NotFound, invalid


async def nominate(
    session: AsyncSession, *, principal: Principal, cohort_id: UUID, body: NominationIn
) -> EnrollmentOut:
    """Hold a seat for a civil servant if the seat rule allows it, else put them on the waitlist.

    Lock the cohort, decide with the pure seat rule, write the enrollment and its event.
    """
    arrival = await cohorts.lock_for_arrival(session, cohort_id=cohort_id, nip=body.nip)
    if arrival is None:
        raise NotFound(messages.COHORT_NOT_FOUND(id=cohort_id))
    cohort, program = arrival.cohort, arrival.program
    # "Not yours" first, one answer for unknown, retired and another's: a nomination tells nothing of other staff.
    if not principal.crosses_institutions and arrival.institution_id != principal.institution_id:
        raise invalid("nip", messages.NOMINEE_NOT_STAFF())
    if arrival.nip is None:
        raise invalid("nip", messages.NIP_UNKNOWN())
    if arrival.servant_status != "active":
        raise invalid("nip", messages.CIVIL_SERVANT_RETIRED())
    if arrival.sector is None:
        raise invalid("nip", messages.EMPLOYER_UNKNOWN())
    if not arrival.open:
        raise Conflict(messages.COHORT_CLOSED())
    if jp.pppk_maximum_applies(employment=arrival.employment or "", position_level=arrival.position_level):
        await _check_pppk_maximum(session, nip=arrival.nip, cohort=cohort, program=program)

    seat_class = seat_rule.seat_class_of(sector=arrival.sector, is_dob=arrival.is_dob)
    taken = seat_rule.admit(arrival.plan, arrival.taken, seat_class)
    now = datetime.now(UTC)
    e = Enrollment(
        id=uuid4(),
        cohort_id=cohort.id,
        program_id=program.id,
        nip=arrival.nip,
        institution_id=arrival.institution_id,
        nominated_by_id=principal.institution_id,
        participant_sector=arrival.sector,
        is_dob=arrival.is_dob,
        seat_class=seat_class,
        funding_source=body.funding_source,
        status="reserved" if taken is not None else "waitlisted",
        seq=cohort.next_seq + 1,
        created_at=now,
        updated_at=now,
        version=1,
    )
    position = await cohorts.enter(session, arrival, e, taken)
    await record(session, events.reserved(e, program) if position is None else events.waitlisted(e, program, position))
    return shaped(e, position)


def ended_in(year: Any) -> Any:
    """Enrollments of cohorts that ended in the calendar year: a year's JP is the year its training ended."""
    return Enrollment.cohort_id.in_(select(Cohort.id).where(func.extract("year", Cohort.ends_on) == year))


# JP are credited only for a completion that passed (SPEC section 1).
CREDITED = and_(Enrollment.status == "completed", Enrollment.passed.is_(True))

# JP a PPPK holds in a year outside this cohort (a repeat here is the write's 409): seats held or confirmed at
# the program's hours, completions at the JP credited.
_HELD_JP = (
    select(
        func.coalesce(
            func.sum(
                case(
                    (Enrollment.status.in_(("reserved", "confirmed")), Program.hours_jp),
                    (CREDITED, Enrollment.attended_jp),
                    else_=0,
                )
            ),
            0,
        )
    )
    .select_from(Enrollment)
    .join(Program, Program.id == Enrollment.program_id)
    .where(
        Enrollment.nip == bindparam("nip"),
        Enrollment.cohort_id != bindparam("cohort_id"),
        ended_in(bindparam("year")),
    )
)


async def _check_pppk_maximum(session: AsyncSession, *, nip: str, cohort: Cohort, program: Program) -> None:
    """422 pppk_jp_limit when this program would take the PPPK above 24 JP in the year the cohort ends.

    Nominations of one PPPK are serialized (a lock on the NIP, after the cohort's), so two cohorts at once
    cannot together pass the maximum.
    """
    await session.execute(select(func.pg_advisory_xact_lock(func.hashtext("pppk:" + nip))))
    held = int(await session.scalar(_HELD_JP, {"nip": nip, "cohort_id": cohort.id, "year": cohort.ends_on.year}) or 0)
    if jp.over_pppk_maximum(held_jp=held, program_jp=program.hours_jp):
        message = messages.PPPK_JP_LIMIT(
            maximum=jp.PPPK_MAXIMUM_JP, held=held, year=cohort.ends_on.year, program=program.hours_jp
        )
        raise invalid("nip", message, code="pppk_jp_limit")


async def view(session: AsyncSession, e: Enrollment) -> EnrollmentOut:
    """The API shape of a stored enrollment."""
    return shaped(e, await cohorts.waitlist_position(session, e))


def shaped(e: Enrollment, waitlist_position: int | None) -> EnrollmentOut:
    """The API shape of an enrollment whose waitlist place (None: not waiting) is known."""
    return EnrollmentOut.model_validate({**columns_of(e), "waitlist_position": waitlist_position})


def visible_to(principal: Principal) -> Any:
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
        stmt = stmt.where(visible_to(principal))
    e = (await session.scalars(stmt)).first()
    if e is None:
        raise NotFound(messages.ENROLLMENT_NOT_FOUND(id=enrollment_id))
    return e


async def get(session: AsyncSession, *, principal: Principal, enrollment_id: UUID) -> EnrollmentOut:
    """The enrollment as the API shows it, if the caller may see it (404 otherwise)."""
    return await view(session, await get_visible(session, principal=principal, enrollment_id=enrollment_id))


async def list_visible(session: AsyncSession, *, principal: Principal, filters: EnrollmentFilters) -> dict[str, Any]:
    """The enrollments the caller may see, oldest first, filtered."""
    stmt = select(Enrollment)
    if not principal.crosses_institutions:
        stmt = stmt.where(visible_to(principal))
    stmt = filtered(
        stmt,
        (Enrollment.cohort_id, filters.cohort_id),
        (Enrollment.nip, filters.nip),
        (Enrollment.status, filters.status),
    )
    result = await keyset_page(session, stmt, limit=filters.limit, cursor=filters.cursor)
    return {**result, "items": [await view(session, e) for e in result["items"]]}


async def _lock_for_seat_change(
    session: AsyncSession, enrollment_id: UUID
) -> tuple[Cohort, Enrollment, Program] | None:
    """Lock cohort then enrollment (the one lock order every seat change follows)."""
    cohort_id = await session.scalar(select(Enrollment.cohort_id).where(Enrollment.id == enrollment_id))
    cohort = None if cohort_id is None else await cohorts.lock(session, cohort_id)
    locked = None if cohort is None else await programs.lock_with(session, Enrollment, enrollment_id)
    return None if cohort is None or locked is None else (cohort, *locked)


def _touch(e: Enrollment, status: str) -> None:
    e.status = status
    e.updated_at = datetime.now(UTC)
    e.version += 1


async def cancel(
    session: AsyncSession, *, principal: Principal, enrollment_id: UUID, reason: str | None, if_match: str | None
) -> EnrollmentOut:
    """Cancel an open enrollment of the caller's institution; a held seat goes to the waitlist."""
    await get_visible(session, principal=principal, enrollment_id=enrollment_id)
    locked = await _lock_for_seat_change(session, enrollment_id)
    assert locked is not None
    cohort, e, program = locked
    if not principal.may_reach(e.institution_id, e.nominated_by_id):
        raise Forbidden(messages.CANCEL_NOT_YOURS())
    if if_match is not None:
        check_if_match(if_match, e.version)
    if e.status not in development.OPEN_STATUSES:
        raise Conflict(messages.CANCEL_STATUS(status=e.status))
    previous = e.status
    e.reason = reason
    _touch(e, "cancelled")
    await record(session, events.cancelled(e, program, previous))
    if previous in development.SEATED_STATUSES:
        await cohorts.free_seat(session, cohort, e, program)
    return await view(session, e)


async def complete(
    session: AsyncSession, *, principal: Principal, enrollment_id: UUID, body: CompletionIn, if_match: str | None
) -> EnrollmentOut:
    """The provider records attendance: completed, or no_show when nobody attended and nobody passed."""
    await get_visible(session, principal=principal, enrollment_id=enrollment_id)
    locked = await programs.lock_with(session, Enrollment, enrollment_id)
    assert locked is not None
    e, program = locked
    if not programs.may_manage(principal, program):
        raise Forbidden(messages.COMPLETE_NOT_PROVIDER())
    if if_match is not None:
        check_if_match(if_match, e.version)
    if e.status != "confirmed":
        raise Conflict(messages.COMPLETE_STATUS(status=e.status))
    if body.attended_jp > program.hours_jp:
        raise invalid("attended_jp", messages.ATTENDED_ABOVE_PROGRAM(hours=program.hours_jp))
    e.attended_jp = body.attended_jp
    e.passed = body.passed
    _touch(e, development.completion_outcome(attended_jp=body.attended_jp, passed=body.passed))
    await record(session, events.completed(e, program))
    if e.status == "completed" and e.passed:
        await certificates.issue(session, e, program)  # in this unit of work: no passed completion without one
    return await view(session, e)


async def funding_approved(session: AsyncSession, *, enrollment_id: UUID, request_id: UUID) -> None:
    """reserved → confirmed; an outcome for an enrollment no longer reserved is ignored."""
    locked = await programs.lock_with(session, Enrollment, enrollment_id)
    if locked is None or locked[0].status != "reserved":
        return
    e, program = locked
    e.funding_request_id = request_id
    _touch(e, "confirmed")
    await record(session, events.confirmed(e, program))


async def funding_rejected(session: AsyncSession, *, enrollment_id: UUID, request_id: UUID, reason: str) -> None:
    """reserved → rejected and the seat goes to the waitlist; late or repeated outcomes are ignored."""
    locked = await _lock_for_seat_change(session, enrollment_id)
    if locked is None or locked[1].status != "reserved":
        return
    cohort, e, program = locked
    e.funding_request_id = request_id
    e.reason = reason
    _touch(e, "rejected")
    await record(session, events.rejected(e, program, reason))
    await cohorts.free_seat(session, cohort, e, program)
