"""The event contract between services: topics, event types and their payloads.

Every event a service emits is listed here with its pydantic payload model; the
AsyncAPI document and the consumers' subscriptions are derived from this table.
Payloads carry full snapshots so a consumer can keep a replica without calling back.
"""

from __future__ import annotations

import builtins
from datetime import date, datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

InstitutionKind = Literal["ministry", "agency", "training_unit", "province", "regency", "city"]
Sector = Literal["central", "regional"]
Employment = Literal["PNS", "PPPK"]
PositionKind = Literal["structural", "functional", "executor"]
# The managerial level of a structural post; jpt_* are the senior leadership posts (JPT, UU ASN).
PositionLevel = Literal["jpt_utama", "jpt_madya", "jpt_pratama", "administrator", "pengawas"]
FundingSource = Literal["APBN", "BLU", "PNBP", "APBD"]
LearningCategory = Literal["formal", "social", "experiential"]
SeatClass = Literal["central", "regional", "dob"]


class Payload(BaseModel):
    """Base of all event payloads; unknown fields are ignored for forward compatibility."""

    model_config = ConfigDict(extra="ignore", frozen=True)


# --- registry ---------------------------------------------------------------------------


class InstitutionSnapshot(Payload):
    """The whole institution after the change (institution.registered/updated/deactivated/succeeded)."""

    id: UUID
    code: str
    name: str
    kind: InstitutionKind
    sector: Sector
    parent_id: UUID | None
    is_new_autonomous_region: bool
    region_code: str | None
    status: Literal["active", "inactive"]
    version: int
    # Defaults keep snapshots from before succession existed readable.
    successor_ids: list[UUID] = Field(
        default_factory=list, description="Who carries on its work once it was split or merged; empty until then"
    )
    succeeded_on: date | None = Field(default=None, description="The day its successors took over")


class CivilServantSnapshot(Payload):
    """The whole civil servant after the change (civil_servant.registered/transferred/retired)."""

    nip: str
    name: str
    institution_id: UUID
    employment: Employment
    position_kind: PositionKind
    position_title: str | None
    grade: str | None
    position_level: PositionLevel | None = None
    status: Literal["active", "retired"]
    version: int
    previous_institution_id: UUID | None = None


class ClientRevoked(Payload):
    """An API client was revoked: its tokens issued before revoked_at stop working in every service."""

    client_id: str
    institution_id: UUID
    revoked_at: datetime


# --- enrollment -------------------------------------------------------------------------


class CohortOpened(Payload):
    cohort_id: UUID
    program_id: UUID
    provider_id: UUID
    name: str
    starts_on: date
    ends_on: date
    location: Literal["central", "regional"]
    capacity: int
    regional_share_pct: int
    reserved_regional: int
    dob_seats: int
    fiscal_year: int
    regional_share_reason: str | None = None  # why a coordinator set the share below the default


class CohortClosed(Payload):
    cohort_id: UUID
    program_id: UUID
    reason: str


class EnrollmentFact(Payload):
    """Fields every enrollment event carries."""

    enrollment_id: UUID
    cohort_id: UUID
    program_id: UUID
    provider_id: UUID
    nip: str
    institution_id: UUID
    is_dob: bool
    seat_class: SeatClass


class EnrollmentWaitlisted(EnrollmentFact):
    waitlist_position: int


class EnrollmentReserved(EnrollmentFact):
    """Everything the funding service needs to route and price the request."""

    provider_ministry_id: UUID
    participant_sector: Sector
    requested_source: FundingSource
    amount_idr: int
    fiscal_year: int
    hours_jp: int
    category: LearningCategory


class EnrollmentConfirmed(EnrollmentFact):
    funding_request_id: UUID | None = None


class EnrollmentRejected(EnrollmentFact):
    reason: str


class EnrollmentCancelled(EnrollmentFact):
    previous_status: str
    reason: str | None = None


class EnrollmentCompleted(EnrollmentFact):
    outcome: Literal["completed", "no_show"]
    attended_jp: int
    passed: bool
    category: LearningCategory
    fiscal_year: int


class CertificateFact(Payload):
    """Fields every certificate event carries: which certificate, for whom, from whom (the code stays private)."""

    certificate_id: UUID
    enrollment_id: UUID
    program_id: UUID
    provider_id: UUID
    nip: str
    institution_id: UUID
    number: str
    year: int = Field(description="The year the cohort ended: the year of the number and of the JP")
    issued_on: date = Field(description="The completion's date in Jakarta (WIB)")


class CertificateIssued(CertificateFact):
    attended_jp: int
    starts_on: date
    ends_on: date
    signer_name: str | None
    signer_post: str | None
    signer_nip: str | None


class CertificateRevoked(CertificateFact):
    revoked_at: datetime
    reason: str


class PlanFact(Payload):
    """Fields every development plan event carries: which revision of whose plan, and what it plans."""

    plan_id: UUID
    lineage_id: UUID = Field(description="The first revision's id, shared by every revision of the plan")
    revision: int
    institution_id: UUID
    horizon: Literal["short", "medium", "long"]
    first_year: int
    last_year: int
    item_count: int
    planned_jp: int = Field(description="JP planned, a target-group item counting its JP once per person")
    estimated_cost_idr: int


class PlanYearSummary(Payload):
    """What the checks found for one year of a submitted plan."""

    year: int
    active_pns: int
    pns_below_minimum: int = Field(description="Active PNS with fewer than 20 JP planned by name")
    pppk_above_maximum: int = Field(description="Active PPPK (not in a JPT post) with more than 24 JP planned")
    people_planned: int
    people_planned_by_group: int
    planned_jp: int
    mix_pct: dict[LearningCategory, float]
    estimated_cost_idr: int


class PlanSubmitted(PlanFact):
    checks: list[PlanYearSummary]
    budget_lines_known: bool = Field(description="False: the enrollment service does not know budget lines")


class PlanApproved(PlanFact):
    approved_by: str
    supersedes_id: UUID | None = Field(description="The revision this one replaces, superseded by this approval")


class PlanSuperseded(PlanFact):
    superseded_by_id: UUID


# --- funding ----------------------------------------------------------------------------


class FundingFact(Payload):
    request_id: UUID
    enrollment_id: UUID | None
    payer_institution_id: UUID | None
    budget_line_id: UUID | None
    source: FundingSource
    amount_idr: int
    fiscal_year: int
    is_dob: bool


class FundingRequested(FundingFact):
    status: Literal["approved", "awaiting_approval", "rejected"]


class FundingApproved(FundingFact):
    approved_by: str | None = None


class FundingRejected(FundingFact):
    reason: str
    detail: str | None = None


class FundingReleased(FundingFact):
    pass


class FundingRealized(FundingFact):
    pass


class FundingCancelled(FundingFact):
    reason: str


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
