"""The payloads of the events between services: full snapshots, so a consumer keeps a replica without calling back.

Which event carries which payload, on which topic, is the table in `sinergi_shared.contracts`.
"""

from __future__ import annotations

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
