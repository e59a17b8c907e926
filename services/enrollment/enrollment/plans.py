"""Development plans: draft one, read and list them, submit with the checks, approve, revise; the plan in force.

Revisions of one plan share a lineage. Approving or revising locks every revision of the lineage in revision
order, so one lineage has at most one undecided revision and one approved revision at any moment.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any, TypeVar
from uuid import UUID, uuid4

from sqlalchemy import BigInteger, Select, case, cast, func, insert, literal, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from enrollment import events, messages, replica
from enrollment.domain import plans as rules
from enrollment.models import CivilServant, Plan, PlanItem
from enrollment.plan_schemas import PlanDetail, PlanFilters, PlanIn, PlanItemOut, PlanOut, findings_shown
from sinergi_shared.auth import Principal
from sinergi_shared.db import columns_of
from sinergi_shared.http import check_if_match, filtered, keyset_page
from sinergi_shared.outbox import record
from sinergi_shared.problems import Conflict, Forbidden, NotFound, invalid

Shape = TypeVar("Shape", PlanOut, PlanDetail)


async def create(session: AsyncSession, *, principal: Principal, body: PlanIn) -> PlanDetail:
    """Draft a plan of an active institution: the caller's own, or any for a coordinator."""
    if not principal.may_reach(body.institution_id):
        raise Forbidden(messages.PLAN_NOT_YOURS())
    institution = await replica.institution(session, body.institution_id)
    if institution is None or institution.status != "active":
        raise invalid("institution_id", messages.PROVIDER_NOT_ACTIVE())
    span = rules.span_problem(horizon=body.horizon, first_year=body.first_year, last_year=body.last_year)
    if span is not None:
        raise invalid(*span)
    plan_id = uuid4()
    values = {**body.model_dump(), "id": plan_id, "lineage_id": plan_id, "revision": 1, "status": "draft"}
    values.update(created_by=principal.client_id, created_at=datetime.now(UTC), version=1)
    # The partial unique index holds one short plan per institution and year, also against a concurrent create.
    created = await session.scalar(pg_insert(Plan).values(**values).on_conflict_do_nothing().returning(Plan.id))
    if created is None:
        existing = await session.scalar(
            select(Plan.id).where(
                Plan.institution_id == body.institution_id,
                Plan.horizon == "short",
                Plan.first_year == body.first_year,
                Plan.revision == 1,
            )
        )
        message = messages.PLAN_SHORT_EXISTS(year=body.first_year, plan=existing)
        raise Conflict(message, extra={"plan_id": str(existing)})
    plan = await session.get(Plan, plan_id)
    assert plan is not None
    return await view(session, plan)


async def get_visible(session: AsyncSession, *, principal: Principal, plan_id: UUID, lock: bool = False) -> Plan:
    """The plan if the caller may see it (its institution's, or any for a coordinator); 404 otherwise.

    With lock, the plan row is locked for this unit of work (a draft's edits and its submission).
    """
    stmt = select(Plan).where(Plan.id == plan_id)
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    plan = (await session.scalars(stmt)).first()
    if plan is None or not principal.may_reach(plan.institution_id):
        raise NotFound(messages.PLAN_NOT_FOUND(id=plan_id))
    return plan


def ensure_status(plan: Plan, action: rules.Action) -> None:
    """409 unless the plan is in the one status the action starts from."""
    problem = rules.status_problem(action=action, status=plan.status)
    if problem is not None:
        raise Conflict(problem)


async def get(session: AsyncSession, *, principal: Principal, plan_id: UUID) -> PlanDetail:
    """A plan with its checks and items, if the caller may see it."""
    return await view(session, await get_visible(session, principal=principal, plan_id=plan_id))


async def list_visible(session: AsyncSession, *, principal: Principal, filters: PlanFilters) -> dict[str, Any]:
    """The plans of the caller's institution (any institution's for a coordinator), oldest first, filtered."""
    institution_id = filters.institution_id
    if not principal.crosses_institutions:
        if institution_id not in (None, principal.institution_id):
            raise Forbidden(messages.PLAN_LIST_OWN())
        institution_id = principal.institution_id
    stmt = filtered(select(Plan), (Plan.institution_id, institution_id), (Plan.status, filters.status))
    if filters.fiscal_year is not None:
        stmt = stmt.where(Plan.first_year <= filters.fiscal_year, Plan.last_year >= filters.fiscal_year)
    result = await keyset_page(session, stmt, limit=filters.limit, cursor=filters.cursor)
    found = await totals(session, [plan.id for plan in result["items"]])
    return {**result, "items": [shaped(PlanOut, plan, found.get(plan.id, rules.Totals())) for plan in result["items"]]}


async def submit(session: AsyncSession, *, principal: Principal, plan_id: UUID, if_match: str | None) -> PlanDetail:
    """draft → submitted: compute the checks and keep them on the plan; what they find does not block."""
    plan = await get_visible(session, principal=principal, plan_id=plan_id, lock=True)
    check_if_match(if_match, plan.version)
    ensure_status(plan, "submit")
    items = await items_of(session, plan.id)
    if not items:
        raise Conflict(messages.PLAN_EMPTY())
    staff = await session.execute(
        select(CivilServant.nip, CivilServant.employment, CivilServant.position_level).where(
            CivilServant.institution_id == plan.institution_id, CivilServant.status == "active"
        )
    )
    checks = rules.plan_checks(
        first_year=plan.first_year,
        last_year=plan.last_year,
        staff=[rules.Person(*row) for row in staff],
        items=map(planned, items),
    )
    plan.checks = asdict(checks)
    plan.status, plan.submitted_at = "submitted", datetime.now(UTC)
    plan.version += 1
    await record(session, events.plan_submitted(plan, rules.Totals.of(map(planned, items)), checks))
    return await view(session, plan, items)


async def approve(session: AsyncSession, *, principal: Principal, plan_id: UUID, if_match: str | None) -> PlanDetail:
    """submitted → approved, by the PPK of the plan's own institution; the revision it replaces is superseded."""
    await get_visible(session, principal=principal, plan_id=plan_id)
    lineage = await _lock_lineage(session, plan_id)
    plan = lineage[plan_id]
    # A coordinator reads every plan but sets none: approval is the institution's staffing authority's.
    if plan.institution_id != principal.institution_id:
        raise Forbidden(messages.PLAN_APPROVE_OWN())
    check_if_match(if_match, plan.version)
    ensure_status(plan, "approve")
    now = datetime.now(UTC)
    previous = next((p for p in lineage.values() if p.status == "approved"), None)
    plan.status, plan.approved_at, plan.approved_by = "approved", now, principal.client_id
    plan.version += 1
    found = await totals(session, [p.id for p in (plan, previous) if p is not None])
    approved = events.plan_approved(plan, found.get(plan.id, rules.Totals()), supersedes=previous)
    if previous is None:
        await record(session, approved)
    else:
        previous.status, previous.superseded_at, previous.superseded_by_id = "superseded", now, plan.id
        previous.version += 1
        await record(session, approved, events.plan_superseded(previous, found.get(previous.id, rules.Totals())))
    return await view(session, plan)


async def revise(session: AsyncSession, *, principal: Principal, plan_id: UUID) -> PlanDetail:
    """A new draft revision of an approved plan, its items copied; it supersedes the plan once approved."""
    await get_visible(session, principal=principal, plan_id=plan_id)
    lineage = await _lock_lineage(session, plan_id)
    plan = lineage[plan_id]
    ensure_status(plan, "revise")
    undecided = next((p for p in lineage.values() if p.status in rules.UNDECIDED), None)
    if undecided is not None:
        message = messages.PLAN_UNDECIDED_REVISION(plan=undecided.id, revision=undecided.revision)
        raise Conflict(message, extra={"plan_id": str(undecided.id)})
    revision = Plan(
        **{key: getattr(plan, key) for key in ("lineage_id", "institution_id", "horizon", "first_year", "last_year")},
        id=uuid4(),
        revision=max(p.revision for p in lineage.values()) + 1,
        status="draft",
        created_by=principal.client_id,
        created_at=datetime.now(UTC),
        version=1,
    )
    session.add(revision)
    await session.flush()
    copied = [c for c in PlanItem.__table__.c if c.key not in ("id", "plan_id")]
    await session.execute(
        insert(PlanItem).from_select(
            ["id", "plan_id", *(c.key for c in copied)],
            select(func.gen_random_uuid(), literal(revision.id), *copied).where(PlanItem.plan_id == plan.id),
        )
    )
    return await view(session, revision)


# The annual plan is the operative one (PP 11/2017 art. 205); a medium or long plan covers a year without one.
_HORIZON_ORDER = case({"short": 0, "medium": 1, "long": 2}, value=Plan.horizon)


def _in_force(year: int) -> Select[tuple[Plan]]:
    """Per institution, its approved, not superseded plan covering the year: the short one, else a medium,
    else a long one, the latest approved among equals."""
    return (
        select(Plan)
        .where(Plan.status == "approved", Plan.first_year <= year, Plan.last_year >= year)
        .distinct(Plan.institution_id)
        .order_by(Plan.institution_id, _HORIZON_ORDER, Plan.approved_at.desc())
    )


async def in_force(session: AsyncSession, institution_id: UUID, year: int) -> Plan | None:
    """The institution's plan in force for the year; None when no approved plan covers it."""
    return (await session.scalars(_in_force(year).where(Plan.institution_id == institution_id))).first()


async def all_in_force(session: AsyncSession, year: int) -> list[Plan]:
    """Every institution's plan in force for the year, in one query."""
    return list(await session.scalars(_in_force(year)))


async def _lock_lineage(session: AsyncSession, plan_id: UUID) -> dict[UUID, Plan]:
    """Every revision of the plan's lineage, locked in revision order, by id."""
    lineage_id = select(Plan.lineage_id).where(Plan.id == plan_id).scalar_subquery()
    stmt: Select[tuple[Plan]] = (
        select(Plan)
        .where(Plan.lineage_id == lineage_id)
        .order_by(Plan.revision)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {plan.id: plan for plan in await session.scalars(stmt)}


async def items_of(session: AsyncSession, plan_id: UUID) -> list[PlanItem]:
    """A plan's items in the order they were added."""
    stmt = select(PlanItem).where(PlanItem.plan_id == plan_id).order_by(PlanItem.created_at, PlanItem.id)
    return list(await session.scalars(stmt))


def planned(item: PlanItem) -> rules.Planned:
    """What the checks and totals need of a stored item."""
    return rules.Planned(
        nip=item.nip,
        group_count=item.target_count,
        pattern=item.pattern,
        target_jp=item.target_jp,
        target_year=item.target_year,
        estimated_cost_idr=item.estimated_cost_idr,
        funding_source=item.funding_source,
    )


_PEOPLE = func.coalesce(PlanItem.target_count, 1)


async def totals(session: AsyncSession, plan_ids: list[UUID]) -> dict[UUID, rules.Totals]:
    """Items, planned JP and estimated cost per plan, in one query; a plan without items is absent."""
    if not plan_ids:
        return {}
    rows = await session.execute(
        select(
            PlanItem.plan_id,
            func.count(),
            func.sum(cast(PlanItem.target_jp, BigInteger) * _PEOPLE),
            func.sum(PlanItem.estimated_cost_idr),
        )
        .where(PlanItem.plan_id.in_(plan_ids))
        .group_by(PlanItem.plan_id)
    )
    return {plan_id: rules.Totals(int(n), int(jp), int(cost)) for plan_id, n, jp, cost in rows}


def shaped(model: type[Shape], plan: Plan, found: rules.Totals, **extra: Any) -> Shape:
    """The API shape of a plan whose totals are known."""
    values = {**columns_of(plan), **asdict(found), "warnings": findings_shown(plan.checks), **extra}
    return model.model_validate(values)


async def view(session: AsyncSession, plan: Plan, items: list[PlanItem] | None = None) -> PlanDetail:
    """A plan with its checks and every item (loaded here unless given)."""
    if items is None:
        items = await items_of(session, plan.id)
    found = rules.Totals.of(map(planned, items))
    return shaped(PlanDetail, plan, found, items=[PlanItemOut.of(item) for item in items])
