"""Items of a draft plan: check a batch of them in one pass, store them, add one, remove one, list them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import Row, String, any_, bindparam, delete, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlalchemy.ext.asyncio import AsyncSession

from enrollment import messages, plans
from enrollment.domain import development
from enrollment.domain import plans as rules
from enrollment.models import CivilServant, Institution, Plan, PlanItem, Program
from enrollment.plan_schemas import PlanItemFilters, PlanItemIn, PlanItemOut
from sinergi_shared.auth import Principal
from sinergi_shared.http import check_if_match, filtered, keyset_page
from sinergi_shared.problems import NotFound, Unprocessable

FieldError = dict[str, str]  # {"field": ..., "message": ...}, as a 422 lists them


@dataclass(frozen=True)
class _Named:
    """What the replica knows of the people, programs and providers a batch of items names."""

    servants: dict[str, Row[Any]]
    programs: dict[UUID, Row[Any]]
    providers: dict[UUID, Row[Any]]


async def validate_items(
    session: AsyncSession, plan: Plan, items: Sequence[PlanItemIn]
) -> tuple[list[PlanItem], dict[int, list[FieldError]]]:
    """Check items against the plan and the replica: the rows to store (not yet added) and, by index in items,
    the errors of each refused one. One query per kind of reference (people, programs, providers), however many."""
    named = await _load_named(session, items)
    now = datetime.now(UTC)
    valid: list[PlanItem] = []
    errors: dict[int, list[FieldError]] = {}
    for index, item in enumerate(items):
        problems = [{"field": field, "message": message} for field, message in _problems(plan, item, named)]
        if problems:
            errors[index] = problems
        else:
            # Consecutive instants keep a batch in the order it was sent when items are listed.
            valid.append(_row(plan, item, named, now + timedelta(microseconds=len(valid))))
    return valid, errors


async def store(session: AsyncSession, plan: Plan, items: list[PlanItem]) -> None:
    """Add validated items to a locked draft plan: one new version of the plan, however many items."""
    session.add_all(items)
    plan.version += 1


async def add(
    session: AsyncSession, *, principal: Principal, plan_id: UUID, body: PlanItemIn, if_match: str | None
) -> tuple[PlanItemOut, int]:
    """Add one item to a draft (If-Match optional): the item and the plan's new version."""
    plan = await plans.get_visible(session, principal=principal, plan_id=plan_id, lock=True)
    if if_match is not None:
        check_if_match(if_match, plan.version)
    plans.ensure_status(plan, "edit")
    valid, errors = await validate_items(session, plan, [body])
    if errors:
        raise Unprocessable("; ".join(f"{e['field']}: {e['message']}" for e in errors[0]), errors=errors[0])
    await store(session, plan, valid)
    return PlanItemOut.of(valid[0]), plan.version


async def remove(
    session: AsyncSession, *, principal: Principal, plan_id: UUID, item_id: UUID, if_match: str | None
) -> int:
    """Remove an item from a draft (If-Match optional): the plan's new version."""
    plan = await plans.get_visible(session, principal=principal, plan_id=plan_id, lock=True)
    if if_match is not None:
        check_if_match(if_match, plan.version)
    plans.ensure_status(plan, "edit")
    stmt = delete(PlanItem).where(PlanItem.id == item_id, PlanItem.plan_id == plan.id).returning(PlanItem.id)
    if await session.scalar(stmt) is None:
        raise NotFound(messages.PLAN_ITEM_NOT_FOUND(item=item_id, plan=plan_id))
    plan.version += 1
    return plan.version


async def page(
    session: AsyncSession, *, principal: Principal, plan_id: UUID, filters: PlanItemFilters
) -> dict[str, Any]:
    """A page of a plan's items in the order they were added, if the caller may see the plan."""
    await plans.get_visible(session, principal=principal, plan_id=plan_id)
    stmt = filtered(select(PlanItem).where(PlanItem.plan_id == plan_id), (PlanItem.target_year, filters.target_year))
    result = await keyset_page(session, stmt, limit=filters.limit, cursor=filters.cursor)
    return {**result, "items": [PlanItemOut.of(item) for item in result["items"]]}


_SERVANTS = select(CivilServant.nip, CivilServant.institution_id, CivilServant.status).where(
    CivilServant.nip == any_(bindparam("nips", type_=ARRAY(String)))
)
_PROGRAMS = select(Program.id, Program.provider_id, Program.pattern, Program.fiscal_year).where(
    Program.id == any_(bindparam("ids", type_=ARRAY(PG_UUID(as_uuid=True))))
)
_PROVIDERS = select(Institution.id, Institution.kind, Institution.status).where(
    Institution.id == any_(bindparam("ids", type_=ARRAY(PG_UUID(as_uuid=True))))
)


async def _load_named(session: AsyncSession, items: Sequence[PlanItemIn]) -> _Named:
    nips = sorted({item.nip for item in items if item.nip is not None})
    program_ids = sorted({item.planned_program_id for item in items if item.planned_program_id is not None})
    provider_ids = sorted({item.planned_provider_id for item in items if item.planned_provider_id is not None})

    async def by_key(stmt: Any, **params: list[Any]) -> dict[Any, Row[Any]]:
        if not next(iter(params.values())):
            return {}
        return {row[0]: row for row in await session.execute(stmt, params)}

    return _Named(
        servants=await by_key(_SERVANTS, nips=nips),
        programs=await by_key(_PROGRAMS, ids=program_ids),
        providers=await by_key(_PROVIDERS, ids=provider_ids),
    )


def _problems(plan: Plan, item: PlanItemIn, named: _Named) -> Iterator[tuple[str, str]]:
    """(field, message) for each reason the item may not join the plan."""
    if item.nip is not None:
        servant = named.servants.get(item.nip)
        if servant is None:
            yield "nip", messages.NIP_UNKNOWN()
        elif servant.status != "active":
            yield "nip", messages.CIVIL_SERVANT_RETIRED()
        elif servant.institution_id != plan.institution_id:
            yield "nip", messages.PLAN_NOT_STAFF()
    year = rules.target_year_problem(target_year=item.target_year, first_year=plan.first_year, last_year=plan.last_year)
    if year is not None:
        yield "target_year", year
    category = development.category_problem(pattern=item.pattern, category=item.category)
    if category is not None:
        yield "category", category
    program = None if item.planned_program_id is None else named.programs.get(item.planned_program_id)
    if item.planned_program_id is not None and program is None:
        yield "planned_program_id", messages.PLAN_PROGRAM_UNKNOWN()
    if program is not None:
        # Realization matches completions to the planned program, so the item must describe that program.
        if program.pattern != item.pattern:
            yield "pattern", messages.PLAN_PATTERN_OF_PROGRAM(pattern=program.pattern)
        if year is None and program.fiscal_year != item.target_year:
            yield (
                "target_year",
                messages.PLAN_YEAR_OF_PROGRAM(fiscal_year=program.fiscal_year, target_year=item.target_year),
            )
        if item.planned_provider_id not in (None, program.provider_id):
            yield "planned_provider_id", messages.PLAN_PROVIDER_OF_PROGRAM(provider=program.provider_id)
    elif item.planned_provider_id is not None:
        provider = named.providers.get(item.planned_provider_id)
        if provider is None or provider.status != "active" or provider.kind not in development.PROVIDER_KINDS:
            yield "planned_provider_id", messages.PLAN_PROVIDER_NOT_ACTIVE()


def _row(plan: Plan, item: PlanItemIn, named: _Named, created_at: datetime) -> PlanItem:
    """The stored item: the competency and target group flattened, the category the pattern's, the provider
    the planned program's when not given."""
    program = None if item.planned_program_id is None else named.programs[item.planned_program_id]
    group = item.target_group
    return PlanItem(
        **item.model_dump(exclude={"target_group", "competency", "category", "planned_provider_id"}),
        id=uuid4(),
        plan_id=plan.id,
        target_position_kind=None if group is None else group.position_kind,
        target_count=None if group is None else group.count,
        competency_type=item.competency.type,
        competency_name=item.competency.name,
        category=development.CATEGORY_OF_PATTERN[item.pattern],
        planned_provider_id=item.planned_provider_id or (None if program is None else program.provider_id),
        created_at=created_at,
    )
