"""Request and response bodies of the funding API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from funding.domain.routing import Purpose, Source
from sinergi_shared.http import Paging

# Integer rupiah only: strict so 1.5, 1.0 and "100" are refused; capped so sums never overflow bigint.
MAX_IDR = 10**16
Rupiah = Annotated[int, Field(strict=True, ge=0, le=MAX_IDR)]
FiscalYear = Annotated[int, Field(strict=True, ge=2000, le=2100)]
YearFilter = Annotated[int | None, Field(ge=2000, le=2100)]
RequestStatus = Literal["awaiting_approval", "approved", "rejected", "released", "realized", "cancelled"]


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class BudgetLineFilters(Paging):
    institution_id: UUID | None = None
    fiscal_year: YearFilter = None


class FundingRequestFilters(Paging):
    status: RequestStatus | None = None
    institution_id: UUID | None = Field(default=None, description="The payer")
    enrollment_id: UUID | None = None
    fiscal_year: YearFilter = None


class Response(BaseModel):
    """What the API answers, read from the stored rows' attributes."""

    model_config = ConfigDict(from_attributes=True)


class BudgetLineCreate(Request):
    institution_id: UUID
    source: Source
    fiscal_year: FiscalYear
    ceiling_idr: Rupiah
    purpose: Purpose = "general"
    auto_approve_limit_idr: Rupiah = Field(
        default=0, description="Requests up to this amount are approved at once; 0 (default) sends all to approval"
    )


class BudgetLinePatch(Request):
    ceiling_idr: Rupiah | None = None
    auto_approve_limit_idr: Rupiah | None = None


class BudgetLineOut(Response):
    id: UUID
    institution_id: UUID
    source: Source
    fiscal_year: int
    purpose: Purpose
    ceiling_idr: int
    committed_idr: int = Field(description="Approved and not yet released or realized")
    realized_idr: int = Field(description="Spent: moved from committed when the enrollment completed")
    available_idr: int = Field(description="ceiling − committed − realized")
    auto_approve_limit_idr: int
    version: int
    created_at: datetime
    updated_at: datetime


class BudgetLinePage(Response):
    items: list[BudgetLineOut]
    next_cursor: str | None


class BudgetRevisionOut(Response):
    id: UUID
    budget_line_id: UUID
    version: int
    revised_by: str
    revised_at: datetime
    ceiling_from_idr: int
    ceiling_to_idr: int
    auto_approve_limit_from_idr: int
    auto_approve_limit_to_idr: int


class BudgetRevisionPage(Response):
    items: list[BudgetRevisionOut]
    next_cursor: str | None


class FundingRequestCreate(Request):
    institution_id: UUID = Field(description="The payer")
    source: Source
    fiscal_year: FiscalYear
    amount_idr: Rupiah
    purpose: Purpose = "general"
    description: str = Field(min_length=1, max_length=2000)


class Rejection(Request):
    reason: str = Field(min_length=1, max_length=2000)


class FundingRequestOut(Response):
    id: UUID
    origin: Literal["enrollment", "manual"]
    enrollment_id: UUID | None
    cohort_id: UUID | None
    program_id: UUID | None
    provider_id: UUID | None
    provider_ministry_id: UUID | None
    nip: str | None
    participant_institution_id: UUID | None
    payer_institution_id: UUID | None
    budget_line_id: UUID | None
    requested_source: Source
    source: Source
    purpose: Purpose
    fiscal_year: int
    amount_idr: int
    is_dob: bool
    requires_coordinator: bool
    description: str | None
    status: RequestStatus
    reason: str | None
    reason_detail: str | None
    approval_deadline: datetime | None
    decided_by: str | None
    decided_at: datetime | None
    version: int
    created_at: datetime
    updated_at: datetime


class FundingRequestPage(Response):
    items: list[FundingRequestOut]
    next_cursor: str | None


class Figures(BaseModel):
    ceiling_idr: int
    committed_idr: int
    realized_idr: int
    available_idr: int


class SourceFigures(Figures):
    source: Source


class InstitutionFigures(Figures):
    """One institution's own lines: each rupiah is in one row only, so the rows add up to the totals."""

    institution_id: UUID
    institution_name: str | None
    successor_ids: list[UUID] = Field(default_factory=list, description="Who carries on its work once succeeded")
    predecessor_ids: list[UUID] = Field(
        default_factory=list, description="The institutions it succeeded, directly or in a chain of successions"
    )
    including_predecessors: Figures | None = Field(
        default=None,
        description="A successor's own figures plus every predecessor's; a split predecessor's money appears in "
        "each successor's, so these are never added up (the totals use the rows' own figures)",
    )


class DobProvinceMoney(BaseModel):
    """The DOB money of one DOB province: for participants of the province itself or of its regencies/cities."""

    province_id: UUID | None = Field(
        description="null: DOB money tied to no DOB province (a K/L's DOB facilitation activities)"
    )
    name: str | None
    committed_idr: int
    realized_idr: int
    total_idr: int = Field(description="committed + realized")
    requests: int
    participants: int = Field(description="Distinct participants (NIP) of its requests")


class DobShare(BaseModel):
    committed_idr: int = Field(description="Committed for DOB participants")
    realized_idr: int = Field(description="Realized for DOB participants")
    total_idr: int = Field(description="DOB committed + realized")
    of_total_idr: int = Field(description="All committed + realized in scope")
    share_pct: float = Field(description="total_idr / of_total_idr × 100, two decimals; 0 when nothing is spent")
    requests: int
    provinces: list[DobProvinceMoney] = Field(
        default_factory=list,
        description="Every DOB province by name (0 where none went to it), then the money tied to no province if any; "
        "the rows add up to the DOB figures above",
    )


class FundingReport(BaseModel):
    fiscal_year: int
    scope: Literal["all", "institution"]
    institution_id: UUID | None = Field(default=None, description="The institution reported when scope is institution")
    institution_name: str | None = None
    totals: Figures
    by_source: list[SourceFigures]
    by_institution: list[InstitutionFigures]
    dob: DobShare
