"""Programs: register one for a training unit or K/L, read one, the catalogue."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from enrollment import replica
from enrollment.domain import development
from enrollment.models import Program
from enrollment.schemas import ProgramIn, ProgramOut
from sinergi_shared.auth import Principal
from sinergi_shared.http import keyset, keyset_cursor, page
from sinergi_shared.problems import Forbidden, NotFound, invalid


def may_manage(principal: Principal, program: Program) -> bool:
    """The provider itself, its K/L, or a coordinator may act for a program."""
    return principal.may_reach(program.provider_id, program.provider_ministry_id)


async def create(session: AsyncSession, *, principal: Principal, body: ProgramIn) -> ProgramOut:
    """Register a program of a training unit or K/L known to the replica."""
    provider = await replica.institution(session, body.provider_id)
    if provider is None or provider.status != "active":
        raise invalid("provider_id", "not an active institution in the registry")
    if provider.kind not in development.PROVIDER_KINDS:
        raise invalid("provider_id", "a provider must be a training unit or a ministry/agency")
    ministry_id = development.provider_ministry(
        provider_id=provider.id, kind=provider.kind, parent_id=provider.parent_id
    )
    if ministry_id is None:
        raise invalid("provider_id", "the training unit has no parent K/L in the registry")
    if not principal.may_reach(provider.id, ministry_id):  # type: ignore[arg-type]
        raise Forbidden("programs can only be created for the token's own training unit or its K/L")
    program = Program(
        **body.model_dump(exclude={"category"}),
        category=body.category or development.DEFAULT_CATEGORY[body.pattern],
        id=uuid4(),
        provider_ministry_id=ministry_id,
        created_at=datetime.now(UTC),
        version=1,
    )
    session.add(program)
    return ProgramOut.model_validate(program)


async def get(session: AsyncSession, program_id: UUID) -> Program:
    program = await session.get(Program, program_id)
    if program is None:
        raise NotFound(f"program {program_id} not found")
    return program


async def catalogue(
    session: AsyncSession,
    *,
    provider_id: UUID | None,
    fiscal_year: int | None,
    pattern: str | None,
    limit: int,
    cursor: str | None,
) -> dict[str, Any]:
    """The program catalogue, oldest first, filtered."""
    stmt = select(Program)
    if provider_id is not None:
        stmt = stmt.where(Program.provider_id == provider_id)
    if fiscal_year is not None:
        stmt = stmt.where(Program.fiscal_year == fiscal_year)
    if pattern is not None:
        stmt = stmt.where(Program.pattern == pattern)
    stmt = keyset(stmt, cursor=cursor, limit=limit, created_at=Program.created_at, id_=Program.id)
    rows = list(await session.scalars(stmt))
    result = page(rows, limit, lambda p: keyset_cursor(p.created_at, p.id))
    result["items"] = [ProgramOut.model_validate(p) for p in result["items"]]
    return result
