"""Programs: register one for a training unit or K/L, read one, the catalogue."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TypeVar
from uuid import UUID, uuid4

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from enrollment import messages, replica
from enrollment.domain import development
from enrollment.models import Cohort, Enrollment, Institution, Program
from enrollment.schemas import ProgramFilters, ProgramIn, ProgramOut
from sinergi_shared.auth import Principal
from sinergi_shared.http import filtered, keyset_page
from sinergi_shared.problems import Forbidden, NotFound, invalid

Row = TypeVar("Row", Cohort, Enrollment)


def may_manage(principal: Principal, program: Program) -> bool:
    """The provider itself, its K/L, or a coordinator may act for a program."""
    return principal.may_reach(program.provider_id, program.provider_ministry_id)


async def create(session: AsyncSession, *, principal: Principal, body: ProgramIn) -> ProgramOut:
    """Register a program of a training unit (a K/L's or a Pemda's) or a K/L known to the replica."""
    provider = await replica.institution(session, body.provider_id)
    if provider is None or provider.status != "active":
        raise invalid("provider_id", await _successors_instead(session, provider) or messages.PROVIDER_NOT_ACTIVE())
    if provider.kind not in development.PROVIDER_KINDS:
        raise invalid("provider_id", messages.PROVIDER_KIND())
    ministry_id = development.provider_ministry(
        provider_id=provider.id, kind=provider.kind, parent_id=provider.parent_id
    )
    if ministry_id is None:
        raise invalid("provider_id", messages.PROVIDER_WITHOUT_PARENT())
    # A succeeded K/L's units keep their running programs and cohorts, but new programs belong to its successors.
    owner = None if ministry_id == provider.id else await replica.institution(session, provider.parent_id)
    if owner is not None and owner.status != "active":
        deactivated = messages.PROVIDER_OWNER_INACTIVE()
        raise invalid("provider_id", await _successors_instead(session, owner) or deactivated)
    if not principal.may_reach(provider.id, ministry_id):  # type: ignore[arg-type]
        raise Forbidden(messages.PROGRAM_NOT_YOURS())
    category = development.category_problem(pattern=body.pattern, category=body.category)
    if category is not None:
        raise invalid("category", category)
    current_year = development.current_fiscal_year(datetime.now(UTC))
    horizon = development.horizon_problem(horizon=body.horizon, fiscal_year=body.fiscal_year, current_year=current_year)
    if horizon is not None:
        raise invalid("fiscal_year", horizon)
    program = Program(
        **body.model_dump(exclude={"category"}),
        category=development.CATEGORY_OF_PATTERN[body.pattern],
        id=uuid4(),
        provider_ministry_id=ministry_id,
        created_at=datetime.now(UTC),
        version=1,
    )
    session.add(program)
    return ProgramOut.model_validate(program)


async def _successors_instead(session: AsyncSession, institution: Institution | None) -> str | None:
    """Why a succeeded institution provides no new program, naming who carries on its work; None if not succeeded."""
    if institution is None or not institution.successor_ids:
        return None
    known = await session.scalars(
        select(Institution.code).where(Institution.id.in_(institution.successor_ids)).order_by(Institution.code)
    )
    successors = ", ".join(list(known) or map(str, institution.successor_ids))
    return messages.PROVIDER_SUCCEEDED(code=institution.code, on=institution.succeeded_on, successors=successors)


async def get(session: AsyncSession, program_id: UUID) -> Program:
    program = await session.get(Program, program_id)
    if program is None:
        raise NotFound(messages.PROGRAM_NOT_FOUND(id=program_id))
    return program


async def lock_with(session: AsyncSession, model: type[Row], row_id: UUID) -> tuple[Row, Program] | None:
    """A cohort or enrollment locked for this unit of work (None: no such row), with its program."""
    row = (await session.execute(_LOCK_WITH[model], {"row_id": row_id})).first()
    return None if row is None else (row[0], row[1])


# Built once: a statement object keeps its cache key, so executing it again skips that work.
_LOCK_WITH = {
    model: select(model, Program)
    .join(Program, Program.id == model.program_id)
    .where(model.id == bindparam("row_id"))
    .with_for_update(of=model)
    .execution_options(populate_existing=True)
    for model in (Cohort, Enrollment)
}


async def catalogue(session: AsyncSession, filters: ProgramFilters) -> dict[str, Any]:
    """The program catalogue, oldest first, filtered."""
    stmt = filtered(
        select(Program),
        (Program.provider_id, filters.provider_id),
        (Program.fiscal_year, filters.fiscal_year),
        (Program.pattern, filters.pattern),
    )
    result = await keyset_page(session, stmt, limit=filters.limit, cursor=filters.cursor)
    return {**result, "items": [ProgramOut.model_validate(p) for p in result["items"]]}
