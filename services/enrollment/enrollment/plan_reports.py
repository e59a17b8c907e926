"""Plan reports (SPEC §5a): a plan's realization, planned against completed, and the demand plans place on providers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import BigInteger, Integer, and_, case, cast, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from enrollment import enrollments, messages, plans, replica
from enrollment.domain import development, realization, seat_rule
from enrollment.domain.plans import CATEGORIES, pct
from enrollment.models import CivilServant, Cohort, Enrollment, Institution, Plan, PlanItem, Program
from enrollment.plan_schemas import (
    CategoryRealization,
    DemandReport,
    ItemRealization,
    PatternDemand,
    PeopleBySector,
    PlanReport,
    ProgramDemand,
    Realization,
    YearInForce,
)
from enrollment.schemas import CategoryPct
from sinergi_shared.auth import Principal
from sinergi_shared.db import columns_of
from sinergi_shared.problems import Forbidden


async def plan_report(session: AsyncSession, *, principal: Principal, plan_id: UUID) -> PlanReport:
    """Per item, per category and in all: planned against realized JP, cost and people, for any revision."""
    plan = await plans.get_visible(session, principal=principal, plan_id=plan_id)
    stored = await plans.items_of(session, plan.id)
    items = [_item(row) for row in stored]
    realized = realization.realize(items, await _completions(session, plan))
    summary = realization.summarize(items, realized)
    in_force = []
    for year in range(plan.first_year, plan.last_year + 1):
        current = await plans.in_force(session, plan.institution_id, year)
        in_force.append(YearInForce(year=year, plan_id=None if current is None else current.id))
    institution = await replica.institution(session, plan.institution_id)
    planned: dict[str, int] = {c: summary.by_category[c].planned_jp for c in CATEGORIES}
    done: dict[str, int] = {c: summary.by_category[c].realized_jp for c in CATEGORIES}
    return PlanReport.model_validate(
        {
            **columns_of(plan),
            **asdict(summary.total),
            "plan_id": plan.id,
            "institution_name": None if institution is None else institution.name,
            "in_force": any(year.plan_id == plan.id for year in in_force),
            "in_force_by_year": in_force,
            "people_planned": summary.people_planned,
            "people_trained": summary.people_trained,
            "completions": summary.completions,
            "categories": CategoryRealization(**{c: Realization(**asdict(f)) for c, f in summary.by_category.items()}),
            "planned_mix_pct": _mix(planned),
            "realized_mix_pct": _mix(done),
            "target_mix_pct": CategoryPct(**{c: float(v) for c, v in development.TARGET_MIX_PCT.items()}),
            "items_not_started": summary.not_started,
            "items": [_item_realization(row, item, r) for row, item, r in zip(stored, items, realized, strict=True)],
        }
    )


def _mix(jp: dict[str, int]) -> CategoryPct:
    total = sum(jp.values())
    return CategoryPct(**{c: pct(jp[c], total) for c in CATEGORIES})


def _item(row: PlanItem) -> realization.Item:
    return realization.Item(
        id=row.id,
        nip=row.nip,
        position_kind=row.target_position_kind,
        head_count=1 if row.nip is not None else row.target_count or 0,
        pattern=row.pattern,
        target_jp=row.target_jp,
        target_year=row.target_year,
        program_id=row.planned_program_id,
        estimated_cost_idr=row.estimated_cost_idr,
    )


def _item_realization(row: PlanItem, item: realization.Item, done: realization.Realized) -> ItemRealization:
    group = None if row.nip is not None else {"position_kind": row.target_position_kind, "count": row.target_count}
    return ItemRealization.model_validate(
        {
            "item_id": row.id,
            "nip": row.nip,
            "target_group": group,
            "competency_name": row.competency_name,
            "pattern": row.pattern,
            "category": row.category,
            "target_jp": row.target_jp,
            "target_year": row.target_year,
            "planned_program_id": row.planned_program_id,
            "planned_provider_id": row.planned_provider_id,
            "planned_jp": item.planned_jp,
            "realized_jp": done.jp,
            "planned_cost_idr": row.estimated_cost_idr,
            "realized_cost_idr": done.cost_idr,
            "people_planned": item.head_count,
            "people_trained": done.people,
            "completions": done.completions,
            "status": realization.status_of(item, done),
        }
    )


async def _completions(session: AsyncSession, plan: Plan) -> list[realization.Completion]:
    """In one query, the credited completions in the plan's years of the people it names and of the staff of the
    position kinds its target groups count, in the order their cohorts ended (then recorded)."""
    named = select(PlanItem.nip).where(PlanItem.plan_id == plan.id, PlanItem.nip.is_not(None))
    kinds = select(PlanItem.target_position_kind).where(
        PlanItem.plan_id == plan.id, PlanItem.target_position_kind.is_not(None)
    )
    staff = CivilServant.institution_id == plan.institution_id
    rows = await session.execute(
        select(
            Enrollment.nip,
            case((staff, CivilServant.position_kind)),
            Enrollment.program_id,
            Program.pattern,
            cast(func.extract("year", Cohort.ends_on), Integer),
            Enrollment.attended_jp,
            Program.cost_per_participant_idr,
        )
        .join(Cohort, Cohort.id == Enrollment.cohort_id)
        .join(Program, Program.id == Enrollment.program_id)
        .outerjoin(CivilServant, CivilServant.nip == Enrollment.nip)
        .where(
            enrollments.CREDITED,
            # The years the ledger credits (enrollments.ended_in), as one range over the cohorts' end dates.
            Cohort.ends_on >= date(plan.first_year, 1, 1),
            Cohort.ends_on < date(plan.last_year + 1, 1, 1),
            or_(Enrollment.nip.in_(named), and_(staff, CivilServant.position_kind.in_(kinds))),
        )
        .order_by(Cohort.ends_on, Enrollment.updated_at, Enrollment.id)
    )
    return [
        realization.Completion(nip, kind, program_id, pattern, year, jp=jp or 0, cost_idr=cost)
        for nip, kind, program_id, pattern, year, jp, cost in rows
    ]


async def demand_report(
    session: AsyncSession, *, principal: Principal, fiscal_year: int, provider_id: UUID | None
) -> DemandReport:
    """People planned per program and per pattern for the fiscal year, by sector and DOB, across the plans in force.

    A provider sees the items naming it (as planned provider or through a planned program); a coordinator sees
    one provider's or, without provider_id, every item."""
    provider_id = await _demand_scope(session, principal, provider_id)
    in_force = await _plans_in_force(session, fiscal_year)
    parent = aliased(Institution)
    dob = or_(Institution.is_new_autonomous_region, func.coalesce(parent.is_new_autonomous_region, false()))
    people = func.count(func.distinct(PlanItem.nip)) + func.coalesce(func.sum(PlanItem.target_count), 0)
    figures = (
        Institution.sector,
        dob,
        func.count(func.distinct(Plan.institution_id)),
        people,
        func.sum(cast(PlanItem.target_jp, BigInteger) * func.coalesce(PlanItem.target_count, 1)),
        func.sum(PlanItem.estimated_cost_idr),
    )
    conditions: list[Any] = [PlanItem.plan_id.in_(in_force), PlanItem.target_year == fiscal_year]
    if provider_id is not None:
        conditions.append(PlanItem.planned_provider_id == provider_id)

    def grouped(key: Any, by: Any) -> Any:
        return (
            select(key, *figures)
            .select_from(PlanItem)
            .join(Plan, Plan.id == PlanItem.plan_id)
            .join(Institution, Institution.id == Plan.institution_id)
            .outerjoin(parent, parent.id == Institution.parent_id)
            .where(*conditions)
            .group_by(by, Institution.sector, dob)
        )

    # Grouped by the program's key, Postgres returns its other columns too (they depend on the key).
    by_program = grouped(Program, Program.id).join(Program, Program.id == PlanItem.planned_program_id)
    program_rows = await session.execute(by_program)
    pattern_rows = await session.execute(grouped(PlanItem.pattern, PlanItem.pattern))
    programs = [
        ProgramDemand.model_validate({**columns_of(program), **_demand(rows), "program_id": program.id})
        for program, rows in _by_key(program_rows).items()
    ]
    programs.sort(key=lambda d: (-d.people.total, d.title, str(d.program_id)))
    order = list(development.CATEGORY_OF_PATTERN)
    patterns = [
        PatternDemand(**_demand(rows), pattern=pattern, category=development.CATEGORY_OF_PATTERN[pattern])
        for pattern, rows in sorted(_by_key(pattern_rows).items(), key=lambda kv: order.index(kv[0]))
    ]
    return DemandReport(
        fiscal_year=fiscal_year,
        provider_id=provider_id,
        plans_in_force=len(in_force),
        programs=programs,
        patterns=patterns,
    )


async def _demand_scope(session: AsyncSession, principal: Principal, provider_id: UUID | None) -> UUID | None:
    """The provider whose demand the caller may read: any (or all) for a coordinator; else the caller's own
    institution, or a training unit of the K/L or Pemda the caller is."""
    if principal.crosses_institutions:
        return provider_id
    if provider_id is None or provider_id == principal.institution_id:
        return principal.institution_id
    provider = await replica.institution(session, provider_id)
    owner = None
    if provider is not None:
        owner = development.provider_ministry(provider_id=provider.id, kind=provider.kind, parent_id=provider.parent_id)
    if owner != principal.institution_id:
        raise Forbidden(messages.DEMAND_OWN_PROVIDER())
    return provider_id


async def _plans_in_force(session: AsyncSession, year: int) -> list[UUID]:
    """The plan in force for the year of every institution with an approved plan covering it."""
    return [plan.id for plan in await plans.all_in_force(session, year)]


def _by_key(rows: Iterable[Any]) -> dict[Any, list[Any]]:
    """Grouped rows (key, sector, dob, figures...) gathered per key, in the order first seen."""
    gathered: dict[Any, list[Any]] = defaultdict(list)
    for row in rows:
        gathered[row[0]].append(row[1:])
    return gathered


def _demand(rows: list[Any]) -> dict[str, Any]:
    """The figures of one program or pattern from its rows per (sector, dob)."""
    people = dict.fromkeys(seat_rule.SEAT_CLASSES, 0)
    institutions = planned_jp = cost = 0
    for sector, dob, n_institutions, n_people, jp, cost_idr in rows:
        people[seat_rule.seat_class_of(sector=sector, is_dob=bool(dob))] += int(n_people)
        institutions += int(n_institutions)
        planned_jp += int(jp)
        cost += int(cost_idr)
    total = sum(people.values())
    share = pct(people["regional"] + people["dob"], total)
    return {
        "institutions": institutions,
        "people": PeopleBySector(**people, total=total, regional_share_pct=share),
        "planned_jp": planned_jp,
        "estimated_cost_idr": cost,
    }
