"""The events this service emits, built from its rows as the contract's payloads."""

from __future__ import annotations

from typing import Any

from enrollment.models import Cohort, Enrollment, Program
from sinergi_shared.contracts import CohortClosed, CohortOpened, spec_of
from sinergi_shared.db import columns_of
from sinergi_shared.outbox import Event


def cohort_opened(cohort: Cohort, program: Program) -> Event:
    facts = {**columns_of(cohort), "cohort_id": cohort.id, "provider_id": program.provider_id}
    return Event("cohort.opened", CohortOpened.model_validate({**facts, "fiscal_year": program.fiscal_year}), cohort.id)


def cohort_closed(cohort: Cohort, reason: str) -> Event:
    payload = CohortClosed(cohort_id=cohort.id, program_id=cohort.program_id, reason=reason)
    return Event("cohort.closed", payload, cohort.id)


def waitlisted(e: Enrollment, program: Program, position: int) -> Event:
    return _enrollment_event("enrollment.waitlisted", e, program, waitlist_position=position)


def reserved(e: Enrollment, program: Program) -> Event:
    facts = {"requested_source": e.funding_source, "amount_idr": program.cost_per_participant_idr}
    return _enrollment_event("enrollment.reserved", e, program, **facts)


def confirmed(e: Enrollment, program: Program) -> Event:
    return _enrollment_event("enrollment.confirmed", e, program)


def rejected(e: Enrollment, program: Program, reason: str) -> Event:
    return _enrollment_event("enrollment.rejected", e, program, reason=reason)


def cancelled(e: Enrollment, program: Program, previous_status: str) -> Event:
    return _enrollment_event("enrollment.cancelled", e, program, previous_status=previous_status)


def completed(e: Enrollment, program: Program) -> Event:
    facts = {"outcome": e.status, "attended_jp": e.attended_jp or 0, "passed": bool(e.passed)}
    return _enrollment_event("enrollment.completed", e, program, **facts)


def _enrollment_event(event_type: str, e: Enrollment, program: Program, **facts: Any) -> Event:
    """An enrollment event: what its program and the enrollment itself say, and what this event adds."""
    values = {**columns_of(program), **columns_of(e), "enrollment_id": e.id, **facts}
    return Event(event_type, spec_of(event_type).payload.model_validate(values), e.id)
