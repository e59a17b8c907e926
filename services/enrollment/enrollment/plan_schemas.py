"""Request and response bodies of development plans (SPEC §5a)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field, ValidationInfo, field_validator

from enrollment import messages
from enrollment.domain.development import Category, Horizon, Pattern
from enrollment.domain.plans import CompetencyType, Need, PlanStatus
from enrollment.domain.realization import Status as RealizationStatus
from enrollment.models import PlanItem
from enrollment.schemas import NIP_PATTERN, CategoryJp, CategoryPct, Page, Request, Text
from sinergi_shared.db import columns_of
from sinergi_shared.http import Paging
from sinergi_shared.payloads import FundingSource, PositionKind


class PlanIn(Request):
    institution_id: UUID
    horizon: Horizon = Field(description="short: one fiscal year; medium: up to 5; long: up to 20")
    first_year: int = Field(ge=2000, le=2100)
    last_year: int = Field(ge=2000, le=2100, description="Equal to first_year for a short plan")


class TargetGroup(Request):
    """People planned without naming them: a position kind and how many."""

    position_kind: PositionKind
    count: int = Field(ge=1, le=1_000_000)


class Competency(Request):
    type: CompetencyType
    name: Text = Field(min_length=1, max_length=300)


class PlanItemIn(Request):
    """One planned development, for a person (nip) or a target group: exactly one of the two."""

    nip: str | None = Field(default=None, pattern=NIP_PATTERN, description="18-digit NIP of the plan's institution")
    target_group: TargetGroup | None = Field(default=None, validate_default=True)
    competency: Competency
    need: Need = Field(description="What the needs analysis found: competency_gap, performance_gap or career")
    pattern: Pattern
    category: Category | None = Field(default=None, description="If sent, the pattern's own category (SPEC section 1)")
    target_jp: int = Field(ge=1, le=10_000, description="JP planned per person")
    target_year: int = Field(ge=2000, le=2100, description="Within the plan's years")
    planned_program_id: UUID | None = Field(default=None, description="Of the same pattern and fiscal year")
    planned_provider_id: UUID | None = Field(
        default=None, description="An active training unit or K/L; the planned program's provider when omitted"
    )
    quarter: int | None = Field(default=None, ge=1, le=4)
    estimated_cost_idr: int = Field(ge=0, le=10**13, description="For the whole item (a target group: all of it)")
    funding_source: FundingSource

    @field_validator("target_group")
    @classmethod
    def _exactly_one_whom(cls, group: TargetGroup | None, info: ValidationInfo) -> TargetGroup | None:
        if "nip" in info.data and (info.data["nip"] is None) == (group is None):
            raise ValueError(messages.PLAN_ITEM_WHOM())
        return group


class PlanItemOut(BaseModel):
    id: UUID
    plan_id: UUID
    nip: str | None
    target_group: TargetGroup | None
    competency: Competency
    need: Need
    pattern: Pattern
    category: Category
    target_jp: int
    target_year: int
    planned_program_id: UUID | None
    planned_provider_id: UUID | None
    quarter: int | None
    estimated_cost_idr: int
    funding_source: FundingSource
    created_at: datetime

    @classmethod
    def of(cls, item: PlanItem) -> PlanItemOut:
        """The API shape of a stored item: its columns, the competency and target group nested as sent."""
        group = None
        if item.target_position_kind is not None:
            group = {"position_kind": item.target_position_kind, "count": item.target_count}
        return cls.model_validate(
            {
                **columns_of(item),
                "target_group": group,
                "competency": {"type": item.competency_type, "name": item.competency_name},
            }
        )


class PersonJp(BaseModel):
    nip: str
    planned_jp: int


class CostBySource(BaseModel):
    APBN: int
    BLU: int
    PNBP: int
    APBD: int


class YearChecks(BaseModel):
    year: int
    active_pns: int
    pns_below_minimum: list[PersonJp] = Field(description="Active PNS with fewer than 20 JP planned by name")
    pppk_bound: int = Field(description="Active PPPK held to the 24 JP maximum (not in a JPT post)")
    pppk_above_maximum: list[PersonJp]
    people_planned: int = Field(description="Distinct people named by the year's items")
    people_planned_by_group: int = Field(description="Head count of target-group items, which name nobody")
    people_not_on_staff: list[str] = Field(description="NIPs in the plan no longer active staff of the institution")
    jp: CategoryJp = Field(description="Planned JP per category; a target-group item counts its JP once per person")
    planned_jp: int
    mix_pct: CategoryPct
    target_mix_pct: CategoryPct
    mix_off_target: bool
    cost_by_source: CostBySource
    estimated_cost_idr: int


class PlanFinding(BaseModel):
    """A warning of the checks: it does not block submission or approval."""

    code: str
    year: int | None
    count: int | None
    message: str


class PlanChecksOut(BaseModel):
    years: list[YearChecks]
    budget_lines_known: bool = Field(description="False: budget lines live in the funding service")
    minimum_jp: int
    pppk_maximum_jp: int
    mix_tolerance_pct: int


class PlanOut(BaseModel):
    id: UUID
    lineage_id: UUID = Field(description="The first revision's id, shared by every revision of the plan")
    revision: int
    institution_id: UUID
    horizon: Horizon
    first_year: int
    last_year: int
    status: PlanStatus
    item_count: int
    planned_jp: int = Field(description="A target-group item counts its JP once per person")
    estimated_cost_idr: int
    warnings: list[PlanFinding] = Field(description="What the checks found on submission; empty before")
    created_by: str
    created_at: datetime
    submitted_at: datetime | None
    approved_at: datetime | None
    approved_by: str | None
    superseded_at: datetime | None
    superseded_by_id: UUID | None
    version: int


class PlanDetail(PlanOut):
    checks: PlanChecksOut | None = Field(description="Computed and kept on submission; null for a draft")
    items: list[PlanItemOut]


class PlanFilters(Paging):
    institution_id: UUID | None = None
    fiscal_year: int | None = Field(default=None, ge=2000, le=2100, description="Plans whose years include it")
    status: PlanStatus | None = None


class PlanItemFilters(Paging):
    target_year: int | None = Field(default=None, ge=2000, le=2100)


class PlanPage(Page):
    items: list[PlanOut]


class PlanItemPage(Page):
    items: list[PlanItemOut]


def findings_shown(checks: dict[str, Any] | None) -> list[PlanFinding]:
    """The stored findings of the checks, each with its text in the request's language."""
    if checks is None:
        return []
    figures = {
        "minimum": checks["minimum_jp"],
        "maximum": checks["pppk_maximum_jp"],
        "tolerance": checks["mix_tolerance_pct"],
    }
    return [
        PlanFinding(**f, message=messages.PLAN_FINDINGS[f["code"]](**figures, year=f["year"], count=f["count"]))
        for f in checks["warnings"]
    ]


# Plan reports: a plan's realization and the demand plans place on providers.

MATCHING = (
    "A credited completion (passed, in the year its cohort ended) counts toward at most one item: (a) a person item "
    "of the same NIP and planned program; else (b) a person item of the same NIP and pattern in its target year; "
    "else (c) a target-group item of the person's position kind (staff of the plan's institution), of the same "
    "planned program if it names one else the same pattern, in its target year, up to its head count of people. "
    "Among several items of one step the first listed counts; completions are taken in the order their cohorts "
    "ended. Realized cost is the program's cost per participant for each matched completion."
)


class Realization(BaseModel):
    """Planned against realized, in JP and rupiah."""

    planned_jp: int = Field(description="target_jp × people planned")
    realized_jp: int = Field(description="JP credited by the completions counted")
    planned_cost_idr: int = Field(description="The items' estimated cost")
    realized_cost_idr: int = Field(description="The programs' cost per participant, per completion counted")


class ItemRealization(Realization):
    item_id: UUID
    nip: str | None
    target_group: TargetGroup | None
    competency_name: str
    pattern: Pattern
    category: Category
    target_jp: int = Field(description="Per person")
    target_year: int
    planned_program_id: UUID | None
    planned_provider_id: UUID | None
    people_planned: int = Field(description="1 for a person item, the head count of a target group")
    people_trained: int = Field(description="Distinct people with a completion counted toward the item")
    completions: int
    status: RealizationStatus = Field(
        description="done: each planned person reached target_jp; partial: some completion counted"
    )


class CategoryRealization(BaseModel):
    formal: Realization
    social: Realization
    experiential: Realization


class YearInForce(BaseModel):
    year: int
    plan_id: UUID | None = Field(description="The institution's plan in force for the year; null when none is")


class PlanReport(Realization):
    plan_id: UUID
    lineage_id: UUID
    revision: int
    status: PlanStatus
    superseded_by_id: UUID | None
    institution_id: UUID
    institution_name: str | None = Field(description="As the registry replica knows it")
    horizon: Horizon
    first_year: int
    last_year: int
    in_force: bool = Field(description="Whether this revision is the institution's plan in force for one of its years")
    in_force_by_year: list[YearInForce]
    people_planned: int = Field(description="Distinct people named, plus the head count of target groups")
    people_trained: int = Field(description="Distinct people with a completion counted toward an item")
    completions: int = Field(description="Completions counted toward an item")
    categories: CategoryRealization = Field(description="Per 10:20:70 category")
    planned_mix_pct: CategoryPct
    realized_mix_pct: CategoryPct
    target_mix_pct: CategoryPct
    items_not_started: list[UUID] = Field(description="Items no completion counted toward, in the order listed")
    items: list[ItemRealization] = Field(description=MATCHING)


class PeopleBySector(BaseModel):
    """People planned, by the sector of the planning institution, as the seat rule classes them."""

    central: int = Field(description="Staff of K/L and their units")
    regional: int = Field(description="Staff of Pemda outside the DOB")
    dob: int = Field(description="Staff of the DOB (a new autonomous region or a regency/city of one)")
    total: int
    regional_share_pct: float = Field(description="(regional + dob) over total: what the regional share is sized on")


class Demand(BaseModel):
    institutions: int = Field(description="Institutions planning it")
    people: PeopleBySector = Field(description="Distinct people named, plus the head count of target groups")
    planned_jp: int = Field(description="target_jp × people")
    estimated_cost_idr: int


class ProgramDemand(Demand):
    program_id: UUID
    title: str
    provider_id: UUID
    pattern: Pattern
    category: Category
    hours_jp: int
    cost_per_participant_idr: int


class PatternDemand(Demand):
    pattern: Pattern
    category: Category


class DemandReport(BaseModel):
    fiscal_year: int
    provider_id: UUID | None = Field(description="The provider whose demand this is; null: every item of every plan")
    plans_in_force: int = Field(description="Plans in force for the fiscal year, whose items of that year count")
    programs: list[ProgramDemand] = Field(description="Items naming a planned program, most people first")
    patterns: list[PatternDemand] = Field(description="Every item in scope, with or without a program, by pattern")
