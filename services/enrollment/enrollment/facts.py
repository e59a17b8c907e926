"""Building the contract payloads of the events this service emits, and recording them."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from enrollment.config import active_settings
from enrollment.models import Cohort, Enrollment, Program
from sinergi_shared.contracts import (
    CohortClosed,
    CohortOpened,
    EnrollmentCancelled,
    EnrollmentCompleted,
    EnrollmentConfirmed,
    EnrollmentRejected,
    EnrollmentReserved,
    EnrollmentWaitlisted,
)
from sinergi_shared.outbox import event_rows, record_event

# (event type, payload, key): an event not yet recorded.
Event = tuple[str, BaseModel, UUID]


async def emit(session: AsyncSession, event_type: str, payload: BaseModel, key: object) -> None:
    """Write the event to the outbox in the caller's transaction."""
    await record_event(
        session,
        service="enrollment",
        event_type=event_type,
        data=payload,
        key=str(key),
        topic_prefix=active_settings().topic_prefix,
    )


def _fact(e: Enrollment, program: Program) -> dict[str, Any]:
    return {
        "enrollment_id": e.id,
        "cohort_id": e.cohort_id,
        "program_id": e.program_id,
        "provider_id": program.provider_id,
        "nip": e.nip,
        "institution_id": e.institution_id,
        "is_dob": e.is_dob,
        "seat_class": e.seat_class,
    }


async def cohort_opened(session: AsyncSession, cohort: Cohort, program: Program) -> None:
    payload = CohortOpened(
        cohort_id=cohort.id,
        program_id=program.id,
        provider_id=program.provider_id,
        name=cohort.name,
        starts_on=cohort.starts_on,
        ends_on=cohort.ends_on,
        location=cohort.location,
        capacity=cohort.capacity,
        regional_share_pct=cohort.regional_share_pct,
        reserved_regional=cohort.reserved_regional,
        dob_seats=cohort.dob_seats,
        fiscal_year=program.fiscal_year,
    )
    await emit(session, "cohort.opened", payload, cohort.id)


async def cohort_closed(session: AsyncSession, cohort: Cohort, reason: str) -> None:
    payload = CohortClosed(cohort_id=cohort.id, program_id=cohort.program_id, reason=reason)
    await emit(session, "cohort.closed", payload, cohort.id)


def rows(event: Event) -> dict[str, Any]:
    """The outbox bind values of one event, for a statement that records it along with its own change."""
    return event_rows(service="enrollment", events=[event], topic_prefix=active_settings().topic_prefix)


def waitlisted_event(e: Enrollment, program: Program, position: int) -> Event:
    return "enrollment.waitlisted", EnrollmentWaitlisted(**_fact(e, program), waitlist_position=position), e.id


def reserved_event(e: Enrollment, program: Program) -> Event:
    payload = EnrollmentReserved(
        **_fact(e, program),
        provider_ministry_id=program.provider_ministry_id,
        participant_sector=e.participant_sector,
        requested_source=e.funding_source,
        amount_idr=program.cost_per_participant_idr,
        fiscal_year=program.fiscal_year,
        hours_jp=program.hours_jp,
        category=program.category,
    )
    return "enrollment.reserved", payload, e.id


async def reserved(session: AsyncSession, e: Enrollment, program: Program) -> None:
    await emit(session, *reserved_event(e, program))


def confirmed_event(e: Enrollment, program: Program) -> Event:
    payload = EnrollmentConfirmed(**_fact(e, program), funding_request_id=e.funding_request_id)
    return "enrollment.confirmed", payload, e.id


async def rejected(session: AsyncSession, e: Enrollment, program: Program, reason: str) -> None:
    await emit(session, "enrollment.rejected", EnrollmentRejected(**_fact(e, program), reason=reason), e.id)


async def cancelled(session: AsyncSession, e: Enrollment, program: Program, previous_status: str) -> None:
    payload = EnrollmentCancelled(**_fact(e, program), previous_status=previous_status, reason=e.reason)
    await emit(session, "enrollment.cancelled", payload, e.id)


async def completed(session: AsyncSession, e: Enrollment, program: Program) -> None:
    payload = EnrollmentCompleted(
        **_fact(e, program),
        outcome=e.status,
        attended_jp=e.attended_jp or 0,
        passed=bool(e.passed),
        category=program.category,
        fiscal_year=program.fiscal_year,
    )
    await emit(session, "enrollment.completed", payload, e.id)
