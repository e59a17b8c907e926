"""Budget lines: create, read, revise the ceiling (with history)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from funding import messages
from funding.domain.access import ensure_reaches, scoped_institution
from funding.domain.routing import line_terms_problem
from funding.models import BudgetLine, BudgetRevision, Institution
from funding.schemas import BudgetLineCreate, BudgetLineFilters, BudgetLinePatch
from sinergi_shared import messages as shared_messages
from sinergi_shared.auth import Principal
from sinergi_shared.http import Paging, check_if_match, decode_cursor, encode_cursor, filtered, keyset_page, page
from sinergi_shared.language import rupiah
from sinergi_shared.problems import Conflict, NotFound, Unprocessable, invalid


async def create_line(session: AsyncSession, *, principal: Principal, body: BudgetLineCreate) -> BudgetLine:
    """Open a line; 422 when its source does not suit the institution's sector, 409 when the tuple exists."""
    ensure_reaches(principal, body.institution_id, what="budget")
    institution = await session.get(Institution, body.institution_id)
    if institution is None:
        raise invalid("institution_id", messages.INSTITUTION_NOT_ANNOUNCED())
    if institution.status != "active":
        raise invalid("institution_id", messages.INSTITUTION_INACTIVE())
    problem = line_terms_problem(sector=institution.sector, source=body.source, purpose=body.purpose)  # type: ignore[arg-type]
    if problem is not None:
        raise invalid("source", problem)
    now = datetime.now(UTC)
    inserted = await session.scalars(
        pg_insert(BudgetLine)
        .values(
            **body.model_dump(),
            id=uuid4(),
            committed_idr=0,
            realized_idr=0,
            version=1,
            created_by=principal.client_id,
            created_at=now,
            updated_at=now,
        )
        .on_conflict_do_nothing(constraint="uq_budget_lines_tuple")
        .returning(BudgetLine)
    )
    line = inserted.one_or_none()
    if line is None:
        existing = await _find(session, body.institution_id, body.source, body.fiscal_year, body.purpose)
        raise Conflict(
            f"a {body.purpose} {body.source} line for {body.fiscal_year} already exists for this institution",
            extra={"existing_id": str(existing.id) if existing else None},
        )
    return line


async def _find(session: AsyncSession, institution_id: UUID, source: str, year: int, purpose: str) -> BudgetLine | None:
    return (
        await session.execute(
            select(BudgetLine).where(
                BudgetLine.institution_id == institution_id,
                BudgetLine.source == source,
                BudgetLine.fiscal_year == year,
                BudgetLine.purpose == purpose,
            )
        )
    ).scalar_one_or_none()


async def get_line(
    session: AsyncSession, *, principal: Principal, line_id: UUID, for_update: bool = False
) -> BudgetLine:
    """One line the caller may see; 404 unknown, 403 another institution's."""
    query = select(BudgetLine).where(BudgetLine.id == line_id)
    if for_update:
        query = query.with_for_update()
    line = (await session.execute(query)).scalar_one_or_none()
    if line is None:
        raise NotFound(messages.BUDGET_LINE_NOT_FOUND())
    ensure_reaches(principal, line.institution_id, what="budget_line")
    return line


async def list_lines(session: AsyncSession, *, principal: Principal, filters: BudgetLineFilters) -> dict[str, Any]:
    """Lines the caller may see, oldest first, one page."""
    query = filtered(
        select(BudgetLine),
        (BudgetLine.institution_id, scoped_institution(principal, filters.institution_id)),
        (BudgetLine.fiscal_year, filters.fiscal_year),
    )
    return await keyset_page(session, query, limit=filters.limit, cursor=filters.cursor)


async def revise_line(
    session: AsyncSession, *, principal: Principal, line_id: UUID, if_match: str | None, patch: BudgetLinePatch
) -> BudgetLine:
    """Revise the ceiling or the auto-approve limit; never below what is committed and realized."""
    line = await get_line(session, principal=principal, line_id=line_id, for_update=True)
    check_if_match(if_match, line.version)
    if patch.ceiling_idr is None and patch.auto_approve_limit_idr is None:
        raise Unprocessable(
            messages.SEND_CEILING_OR_LIMIT(),
            errors=[{"field": "body", "message": messages.NOTHING_TO_REVISE()}],
        )
    ceiling = line.ceiling_idr if patch.ceiling_idr is None else patch.ceiling_idr
    limit = line.auto_approve_limit_idr if patch.auto_approve_limit_idr is None else patch.auto_approve_limit_idr
    spent = line.committed_idr + line.realized_idr
    if ceiling < spent:
        # The row is locked, so no approval can slip in between this check and the update.
        raise Conflict(
            messages.CEILING_BELOW_SPENT(spent=rupiah(spent)),
            extra={
                "committed_idr": line.committed_idr,
                "realized_idr": line.realized_idr,
                "minimum_ceiling_idr": spent,
            },
        )
    if ceiling == line.ceiling_idr and limit == line.auto_approve_limit_idr:
        return line
    now = datetime.now(UTC)
    session.add(
        BudgetRevision(
            id=uuid4(),
            budget_line_id=line.id,
            version=line.version + 1,
            revised_by=principal.client_id,
            revised_at=now,
            ceiling_from_idr=line.ceiling_idr,
            ceiling_to_idr=ceiling,
            auto_approve_limit_from_idr=line.auto_approve_limit_idr,
            auto_approve_limit_to_idr=limit,
        )
    )
    line.ceiling_idr = ceiling
    line.auto_approve_limit_idr = limit
    line.version += 1
    line.updated_at = now
    return line


async def list_revisions(
    session: AsyncSession, *, principal: Principal, line_id: UUID, paging: Paging
) -> dict[str, Any]:
    """The line's revisions, oldest first."""
    await get_line(session, principal=principal, line_id=line_id)
    query = select(BudgetRevision).where(BudgetRevision.budget_line_id == line_id)
    if paging.cursor:
        (version,) = decode_cursor(paging.cursor, 1)
        if not version.isdigit():
            raise invalid("cursor", shared_messages.CURSOR_INVALID())
        query = query.where(BudgetRevision.version > int(version))
    revisions = list(await session.scalars(query.order_by(BudgetRevision.version).limit(paging.limit + 1)))
    return page(revisions, paging.limit, lambda revision: encode_cursor(revision.version))
