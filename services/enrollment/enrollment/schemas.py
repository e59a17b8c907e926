"""Request and response bodies of the enrollment API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from enrollment import messages
from enrollment.domain.development import Category, EnrollmentStatus, Horizon, Location, Pattern
from sinergi_shared.http import Paging
from sinergi_shared.payloads import FundingSource

NIP_PATTERN = r"^[0-9]{18}$"


def _no_nul(value: str) -> str:
    # Postgres text cannot hold NUL; refuse it as bad input instead of failing at the database.
    if "\x00" in value:
        raise ValueError(messages.NUL_CHARACTER())
    return value


Text = Annotated[str, AfterValidator(_no_nul)]


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProgramIn(Request):
    provider_id: UUID
    title: Text = Field(min_length=1, max_length=300)
    pattern: Pattern
    category: Category | None = Field(default=None, description="If sent, the pattern's own category (SPEC section 1)")
    hours_jp: int = Field(ge=1, le=10_000)
    horizon: Horizon = Field(
        description="short: this fiscal year or the next; medium: within 5 fiscal years; long: within 20"
    )
    fiscal_year: int = Field(ge=2000, le=2100, description="Within the horizon, counted from this year in Jakarta")
    cost_per_participant_idr: int = Field(ge=0, le=10**13)


class ProgramOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    provider_id: UUID
    provider_ministry_id: UUID
    title: str
    pattern: Pattern
    category: Category
    hours_jp: int
    horizon: Horizon
    fiscal_year: int
    cost_per_participant_idr: int
    created_at: datetime
    version: int


class CohortIn(Request):
    name: Text = Field(min_length=1, max_length=300)
    starts_on: date = Field(description="In the program's fiscal year")
    ends_on: date = Field(description="In the program's fiscal year, not before starts_on")
    location: Location
    capacity: int = Field(ge=1, le=100_000)
    regional_share_pct: int | None = Field(
        default=None,
        ge=0,
        le=100,
        description="Default 30 for a central cohort of a central provider, else 0; only a coordinator may go lower",
    )
    regional_share_reason: Text | None = Field(
        default=None, max_length=500, description="Why a coordinator set the share below the default (required then)"
    )
    dob_seats: int | None = Field(default=None, ge=0)
    enrollment_closes_at: datetime | None = None
    reservation_release_at: datetime | None = None
    waitlist_limit: int | None = Field(default=None, ge=0, le=100_000)


class SeatCounts(BaseModel):
    central: int
    regional: int
    dob: int


class CohortOut(BaseModel):
    id: UUID
    program_id: UUID
    provider_id: UUID
    name: str
    starts_on: date
    ends_on: date
    location: Location
    capacity: int
    regional_share_pct: int
    regional_share_reason: str | None = Field(description="Why a coordinator set the share below the default")
    reserved_regional: int = Field(description="Seats held for regional staff now (0 once reservations are released)")
    dob_seats: int = Field(description="Of those, seats held for DOB staff now (0 once reservations are released)")
    configured_reserved_regional: int
    configured_dob_seats: int
    taken: SeatCounts
    available: SeatCounts
    waitlist_length: int
    waitlist_limit: int | None
    status: Literal["open", "closed"]
    enrollment_closes_at: datetime | None
    reservation_release_at: datetime | None
    reservations_released_at: datetime | None
    created_at: datetime
    version: int


class NominationIn(Request):
    nip: str = Field(pattern=NIP_PATTERN, description="18-digit NIP")
    funding_source: FundingSource


class CompletionIn(Request):
    attended_jp: int = Field(ge=0)
    passed: bool


class CancellationIn(Request):
    reason: Text | None = Field(default=None, max_length=500)


class EnrollmentOut(BaseModel):
    id: UUID
    cohort_id: UUID
    program_id: UUID
    nip: str
    institution_id: UUID
    nominated_by_id: UUID
    participant_sector: str
    is_dob: bool
    seat_class: Literal["central", "regional", "dob"]
    funding_source: FundingSource
    status: EnrollmentStatus
    waitlist_position: int | None
    attended_jp: int | None
    passed: bool | None
    funding_request_id: UUID | None
    reason: str | None
    created_at: datetime
    updated_at: datetime
    version: int


class ProgramFilters(Paging):
    provider_id: UUID | None = None
    fiscal_year: int | None = Field(default=None, ge=2000, le=2100)
    pattern: Pattern | None = None


class EnrollmentFilters(Paging):
    cohort_id: UUID | None = None
    nip: str | None = Field(default=None, pattern=NIP_PATTERN)
    status: EnrollmentStatus | None = None


class Page(BaseModel):
    next_cursor: str | None


class ProgramPage(Page):
    items: list[ProgramOut]


class EnrollmentPage(Page):
    items: list[EnrollmentOut]


class CategoryJp(BaseModel):
    formal: int
    social: int
    experiential: int


class CategoryPct(BaseModel):
    formal: float
    social: float
    experiential: float


class CivilServantReport(BaseModel):
    nip: str
    year: int
    institution_id: UUID
    employment: str
    jp: CategoryJp
    total_jp: int = Field(description="JP of completions that passed, in cohorts that ended in the year")
    minimum_jp: int | None = Field(description="The 20 JP a year a PNS must reach; null for a PPPK")
    minimum_met: bool | None = Field(description="Whether a PNS reached the minimum; null for a PPPK")
    pppk_maximum_jp: int | None = Field(description="The 24 JP a year a PPPK may take; null for a PNS")
    above_pppk_maximum: bool = Field(description="True for a PPPK above the 24 JP maximum")
    completed_enrollments: int = Field(description="Completions in the year, passed or not")


class Predecessor(BaseModel):
    """An institution the reported one succeeded (a ministry split or merged), whose history it carries."""

    model_config = ConfigDict(from_attributes=True)

    id: UUID
    code: str
    name: str
    succeeded_on: date | None


class UnitCompliance(BaseModel):
    """One child unit of the reported institution (a regency of a province, a training unit of a K/L): its own staff."""

    institution_id: UUID
    name: str
    kind: str
    people_trained: int = Field(description="People nominated as its staff with JP credited in the year")
    total_jp: int = Field(description="JP credited in the year to people nominated as its staff")
    active_pns: int
    staff_meeting_minimum: int = Field(description="Its active PNS with at least 20 JP credited in the year")
    share_meeting_minimum_pct: float = Field(description="staff_meeting_minimum over active_pns, in percent")


class InstitutionReport(BaseModel):
    institution_id: UUID
    institution_name: str
    year: int
    predecessors: list[Predecessor] = Field(
        default_factory=list,
        description="Institutions it succeeded, directly or in a chain: people, JP and mix include their history",
    )
    people_trained: int
    jp: CategoryJp
    total_jp: int
    mix_pct: CategoryPct
    target_mix_pct: CategoryPct
    active_staff: int = Field(description="Active civil servants, PNS and PPPK")
    active_pns: int = Field(description="Active PNS: the denominator of the 20 JP minimum")
    staff_meeting_minimum: int = Field(description="Active PNS with at least 20 JP credited in the year")
    share_meeting_minimum_pct: float = Field(description="staff_meeting_minimum over active_pns, in percent")
    units: list[UnitCompliance] = Field(
        default_factory=list, description="Its child units (registry parent), each with its own staff's figures"
    )


class ShareAchieved(BaseModel):
    required_seats: int
    required_pct: float
    taken_seats: int
    achieved_pct: float
    met: bool


class Participant(BaseModel):
    """One seated participant of a cohort (daftar peserta)."""

    enrollment_id: UUID
    nip: str
    name: str | None = Field(description="As the registry replica knows it; null when it does not")
    institution_id: UUID
    institution_name: str | None
    seat_class: Literal["central", "regional", "dob"]
    status: EnrollmentStatus
    attended_jp: int | None
    passed: bool | None


class CohortReport(BaseModel):
    cohort_id: UUID
    cohort_name: str
    program_id: UUID
    program_title: str
    hours_jp: int
    provider_id: UUID
    provider_name: str | None
    starts_on: date
    ends_on: date
    capacity: int
    regional: ShareAchieved = Field(description="Regional staff including DOB staff")
    dob: ShareAchieved
    taken: SeatCounts
    reservations_released: bool
    participants: list[Participant] = Field(
        description="Seated participants (reserved, confirmed, completed, no-show) by name, those the caller may see "
        "as GET /enrollments shows them: all for the provider, its K/L and coordinators, else its own institution's"
    )


class ShareFigures(BaseModel):
    cohorts: int
    capacity: int
    required_seats: int = Field(description="Seats the cohorts reserved for regional staff, DOB seats included")
    required_pct: float = Field(description="required_seats over capacity, in percent")
    regional_seats: int = Field(description="Seats regional staff took (reserved, confirmed, completed, no-show)")
    dob_seats: int = Field(description="Of those, seats DOB staff took")
    achieved_pct: float = Field(description="regional_seats over capacity, in percent")
    cohorts_met: int = Field(description="Cohorts whose regional staff took at least the seats reserved")
    met: bool = Field(description="regional_seats reached required_seats")


class MinistryShare(ShareFigures):
    institution_id: UUID
    name: str


class RegionalShareReport(BaseModel):
    year: int
    scope: Literal["all", "own"] = Field(
        description="all: every K/L (coordinator); own: the cohorts the caller's institution or its K/L provides"
    )
    ministries: list[MinistryShare] = Field(description="Per K/L, its own and its training units' cohorts")
    total: ShareFigures


class FundingCounts(BaseModel):
    reserved: int = Field(description="Seat held, funding pending")
    confirmed: int = Field(description="Funding approved (confirmed, completed or no-show)")
    rejected: int


class DobUnit(BaseModel):
    institution_id: UUID
    name: str
    kind: str
    people: int
    jp: int
    seats_taken: int
    active_staff: int = Field(description="Active civil servants (PNS and PPPK): the denominator of coverage")
    coverage_pct: float = Field(description="people over active_staff, in percent")
    funding: FundingCounts


class DobProvince(DobUnit):
    units: list[DobUnit] = Field(description="The province itself and its regencies/cities")


class DobReport(BaseModel):
    year: int
    provinces: list[DobProvince]
