"""The events this service emits, built from its rows as the contract's payloads."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from enrollment.domain.plans import PlanChecks, Totals
from enrollment.models import Cohort, Enrollment, Plan, Program
from sinergi_shared.contracts import spec_of
from sinergi_shared.db import columns_of
from sinergi_shared.outbox import Event
from sinergi_shared.payloads import (
    CohortClosed,
    CohortOpened,
    PlanApproved,
    PlanSubmitted,
    PlanSuperseded,
    PlanYearSummary,
)


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


def plan_submitted(plan: Plan, totals: Totals, checks: PlanChecks) -> Event:
    summary = [
        PlanYearSummary(
            **{key: getattr(year, key) for key in PlanYearSummary.model_fields if key not in _COUNTED},
            **{key: len(getattr(year, key)) for key in _COUNTED},
        )
        for year in checks.years
    ]
    facts = {"checks": summary, "budget_lines_known": checks.budget_lines_known}
    return Event("plan.submitted", PlanSubmitted.model_validate(_plan_facts(plan, totals) | facts), plan.id)


# The checks list these people; the event says how many.
_COUNTED = ("pns_below_minimum", "pppk_above_maximum")


def plan_approved(plan: Plan, totals: Totals, *, supersedes: Plan | None) -> Event:
    facts = {"supersedes_id": None if supersedes is None else supersedes.id}
    return Event("plan.approved", PlanApproved.model_validate(_plan_facts(plan, totals) | facts), plan.id)


def plan_superseded(plan: Plan, totals: Totals) -> Event:
    return Event("plan.superseded", PlanSuperseded.model_validate(_plan_facts(plan, totals)), plan.id)


def _plan_facts(plan: Plan, totals: Totals) -> dict[str, Any]:
    """What every plan event says: the revision, whose plan, its years, and what it plans in all."""
    return {**columns_of(plan), "plan_id": plan.id, **asdict(totals)}
