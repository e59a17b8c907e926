"""The money on a budget line and the status of a request: each change one guarded statement."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, cast
from uuid import UUID

from sqlalchemy import BigInteger, ColumnElement, Table, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from funding import messages
from funding.domain.routing import Reason
from funding.models import BudgetLine, FundingRequest
from sinergi_shared.language import rupiah

# Statements on the table, built once: the money path carries no ORM bookkeeping and no statement building.
_budget_lines = cast(Table, BudgetLine.__table__)
_lines = _budget_lines.c
_AMOUNT = bindparam("amount_idr", type_=BigInteger)

# The one statement that commits money: it matches only while the amount still fits under the ceiling, and
# its row lock serializes writers, so the committed sum never passes the ceiling whatever the concurrency.
_COMMIT = (
    update(_budget_lines)
    .where(
        _lines.id == bindparam("line_id"), _lines.committed_idr + _lines.realized_idr + _AMOUNT <= _lines.ceiling_idr
    )
    .values(committed_idr=_lines.committed_idr + _AMOUNT, updated_at=func.now())
    .returning(_lines.id)
)
_RELEASE = (
    update(_budget_lines)
    .where(_lines.id == bindparam("line_id"))
    .values(committed_idr=_lines.committed_idr - _AMOUNT, updated_at=func.now())
)
_REALIZE = (
    update(_budget_lines)
    .where(_lines.id == bindparam("line_id"))
    .values(
        committed_idr=_lines.committed_idr - _AMOUNT, realized_idr=_lines.realized_idr + _AMOUNT, updated_at=func.now()
    )
)


# The lock space of an enrollment's funding (two-key advisory locks never meet the relay's one-key lock).
_ENROLLMENT_LOCKS = 8003


async def hold_enrollment(session: AsyncSession, enrollment_id: UUID) -> None:
    """Until the unit of work ends, be the only one opening or closing this enrollment's request."""
    await session.execute(select(func.pg_advisory_xact_lock(_ENROLLMENT_LOCKS, func.hashtext(str(enrollment_id)))))


async def commit(session: AsyncSession, *, line_id: UUID | None, amount_idr: int) -> bool:
    """Commit the amount against the line; False when it no longer fits under the ceiling."""
    if amount_idr == 0:
        return True
    committed = await session.execute(_COMMIT, {"line_id": line_id, "amount_idr": amount_idr})
    return committed.first() is not None


async def approval(
    session: AsyncSession, *, line_id: UUID | None, amount_idr: int, now: datetime, by: str
) -> dict[str, Any]:
    """Commit the amount and approve; when it no longer fits, reject (insufficient_budget) instead."""
    if await commit(session, line_id=line_id, amount_idr=amount_idr):
        return status_change("approved", now=now, by=by)
    detail = messages.NO_LONGER_FITS(amount=rupiah(amount_idr))
    return status_change("rejected", now=now, reason=Reason.INSUFFICIENT_BUDGET, detail=detail, by=by)


async def release(session: AsyncSession, req: FundingRequest) -> None:
    """Give an approved request's amount back to its line."""
    if req.budget_line_id is not None and req.amount_idr > 0:
        await session.execute(_RELEASE, {"line_id": req.budget_line_id, "amount_idr": req.amount_idr})


async def realize(session: AsyncSession, req: FundingRequest) -> None:
    """Move an approved request's amount from committed to realized on its line."""
    if req.budget_line_id is not None and req.amount_idr > 0:
        await session.execute(_REALIZE, {"line_id": req.budget_line_id, "amount_idr": req.amount_idr})


def status_change(
    status: str, *, now: datetime, reason: str | None = None, detail: str | None = None, by: str | None = None
) -> dict[str, Any]:
    """The columns a move to `status` sets, stamping the decision when it is one."""
    change: dict[str, Any] = {
        "status": status,
        "reason": None if reason is None else str(reason),
        "reason_detail": detail,
        "approval_deadline": None,
        "updated_at": now,
    }
    if status in ("approved", "rejected"):
        change |= {"decided_by": by, "decided_at": now}
    return change


async def settle(
    session: AsyncSession, *where: ColumnElement[bool], change: Mapping[str, Any]
) -> FundingRequest | None:
    """Apply a status change to the request matching `where` (e.g. its id and current status); None: none matched."""
    settled = await session.scalars(
        update(FundingRequest)
        .where(*where)
        .values(**change, version=FundingRequest.version + 1)
        .returning(FundingRequest)
    )
    return settled.one_or_none()
