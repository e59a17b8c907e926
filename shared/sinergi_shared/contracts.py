"""The event contract between services: topics, event types and which payload each carries.

Every event a service emits is listed here with its pydantic payload model (`sinergi_shared.payloads`); the
AsyncAPI document and the consumers' subscriptions are derived from this table.
"""

from __future__ import annotations

import builtins

from pydantic import BaseModel, ConfigDict

from sinergi_shared.payloads import (
    CertificateIssued,
    CertificateRevoked,
    CivilServantSnapshot,
    ClientRevoked,
    CohortClosed,
    CohortOpened,
    EnrollmentCancelled,
    EnrollmentCompleted,
    EnrollmentConfirmed,
    EnrollmentRejected,
    EnrollmentReserved,
    EnrollmentWaitlisted,
    FundingApproved,
    FundingCancelled,
    FundingRealized,
    FundingRejected,
    FundingReleased,
    FundingRequested,
    InstitutionSnapshot,
    Payload,
    PlanApproved,
    PlanSubmitted,
    PlanSuperseded,
)


class EventSpec(BaseModel):
    """One event type: its topic, payload model, key field and who emits it."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    type: str
    topic: str
    payload: builtins.type[Payload]
    key: str
    source: str
    summary: str


def _spec(type_: str, topic: str, payload: type[Payload], key: str, source: str, summary: str) -> EventSpec:
    return EventSpec(type=type_, topic=topic, payload=payload, key=key, source=source, summary=summary)


T_INSTITUTIONS = "registry.institutions"
T_CIVIL_SERVANTS = "registry.civil-servants"
T_CLIENTS = "registry.clients"
T_ENROLLMENTS = "enrollment.enrollments"
T_COHORTS = "enrollment.cohorts"
T_PLANS = "enrollment.plans"
T_FUNDING = "funding.requests"

EVENTS: dict[str, EventSpec] = {
    s.type: s
    for s in [
        _spec(
            "institution.registered",
            T_INSTITUTIONS,
            InstitutionSnapshot,
            "id",
            "registry",
            "An institution joined the registry.",
        ),
        _spec(
            "institution.updated",
            T_INSTITUTIONS,
            InstitutionSnapshot,
            "id",
            "registry",
            "An institution's attributes changed.",
        ),
        _spec(
            "institution.deactivated",
            T_INSTITUTIONS,
            InstitutionSnapshot,
            "id",
            "registry",
            "An institution was deactivated.",
        ),
        _spec(
            "institution.succeeded",
            T_INSTITUTIONS,
            InstitutionSnapshot,
            "id",
            "registry",
            "An institution was succeeded (split or merged): inactive, naming its successors.",
        ),
        _spec(
            "civil_servant.registered",
            T_CIVIL_SERVANTS,
            CivilServantSnapshot,
            "nip",
            "registry",
            "A civil servant was registered.",
        ),
        _spec(
            "civil_servant.transferred",
            T_CIVIL_SERVANTS,
            CivilServantSnapshot,
            "nip",
            "registry",
            "A civil servant moved to another institution.",
        ),
        _spec(
            "civil_servant.retired",
            T_CIVIL_SERVANTS,
            CivilServantSnapshot,
            "nip",
            "registry",
            "A civil servant retired.",
        ),
        _spec(
            "client.revoked",
            T_CLIENTS,
            ClientRevoked,
            "client_id",
            "registry",
            "An API client was revoked; every service refuses its earlier tokens.",
        ),
        _spec("cohort.opened", T_COHORTS, CohortOpened, "cohort_id", "enrollment", "A cohort opened for nominations."),
        _spec(
            "cohort.closed", T_COHORTS, CohortClosed, "cohort_id", "enrollment", "A cohort stopped taking nominations."
        ),
        _spec(
            "enrollment.waitlisted",
            T_ENROLLMENTS,
            EnrollmentWaitlisted,
            "enrollment_id",
            "enrollment",
            "A nomination joined the waitlist.",
        ),
        _spec(
            "enrollment.reserved",
            T_ENROLLMENTS,
            EnrollmentReserved,
            "enrollment_id",
            "enrollment",
            "A seat is held, funding pending.",
        ),
        _spec(
            "enrollment.confirmed",
            T_ENROLLMENTS,
            EnrollmentConfirmed,
            "enrollment_id",
            "enrollment",
            "Funding approved; the seat is confirmed.",
        ),
        _spec(
            "enrollment.rejected",
            T_ENROLLMENTS,
            EnrollmentRejected,
            "enrollment_id",
            "enrollment",
            "Funding refused; the seat was released.",
        ),
        _spec(
            "enrollment.cancelled",
            T_ENROLLMENTS,
            EnrollmentCancelled,
            "enrollment_id",
            "enrollment",
            "An open enrollment was cancelled.",
        ),
        _spec(
            "enrollment.completed",
            T_ENROLLMENTS,
            EnrollmentCompleted,
            "enrollment_id",
            "enrollment",
            "The provider recorded completion or no-show.",
        ),
        _spec(
            "certificate.issued",
            T_ENROLLMENTS,
            CertificateIssued,
            "enrollment_id",
            "enrollment",
            "A passed completion's certificate was issued, numbered by the provider's pattern.",
        ),
        _spec(
            "certificate.revoked",
            T_ENROLLMENTS,
            CertificateRevoked,
            "enrollment_id",
            "enrollment",
            "A certificate was revoked by its provider or a coordinator; verification shows it revoked.",
        ),
        _spec("plan.submitted", T_PLANS, PlanSubmitted, "plan_id", "enrollment", "A development plan was submitted."),
        _spec(
            "plan.approved", T_PLANS, PlanApproved, "plan_id", "enrollment", "A development plan was approved (PPK)."
        ),
        _spec(
            "plan.superseded",
            T_PLANS,
            PlanSuperseded,
            "plan_id",
            "enrollment",
            "An approved plan was replaced by its approved revision.",
        ),
        _spec(
            "funding.requested",
            T_FUNDING,
            FundingRequested,
            "enrollment_id|request_id",
            "funding",
            "A funding request was opened and decided or queued.",
        ),
        _spec(
            "funding.approved",
            T_FUNDING,
            FundingApproved,
            "enrollment_id|request_id",
            "funding",
            "The amount was committed against a budget line.",
        ),
        _spec(
            "funding.rejected",
            T_FUNDING,
            FundingRejected,
            "enrollment_id|request_id",
            "funding",
            "The request was refused, with a machine-readable reason.",
        ),
        _spec(
            "funding.released",
            T_FUNDING,
            FundingReleased,
            "enrollment_id|request_id",
            "funding",
            "A commitment was released.",
        ),
        _spec(
            "funding.realized",
            T_FUNDING,
            FundingRealized,
            "enrollment_id|request_id",
            "funding",
            "A commitment was spent.",
        ),
        _spec(
            "funding.cancelled",
            T_FUNDING,
            FundingCancelled,
            "enrollment_id|request_id",
            "funding",
            "A request was closed because its enrollment ended before a decision; no money moved.",
        ),
    ]
}

ALL_TOPICS: tuple[str, ...] = (
    T_INSTITUTIONS,
    T_CIVIL_SERVANTS,
    T_CLIENTS,
    T_COHORTS,
    T_ENROLLMENTS,
    T_PLANS,
    T_FUNDING,
)


def spec_of(event_type: str) -> EventSpec:
    """The contract of an event type; KeyError for an unknown one."""
    return EVENTS[event_type]
