"""The funding report of a fiscal year: ceilings, commitments and spending by source and institution."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from funding.domain.access import scoped_institution
from funding.models import BudgetLine, FundingRequest, Institution
from sinergi_shared.auth import Principal


def _figures(ceiling: int, committed: int, realized: int) -> dict[str, int]:
    return {
        "ceiling_idr": int(ceiling),
        "committed_idr": int(committed),
        "realized_idr": int(realized),
        "available_idr": int(ceiling - committed - realized),
    }


async def funding_report(
    session: AsyncSession, *, principal: Principal, fiscal_year: int, institution_id: UUID | None
) -> dict[str, Any]:
    """Sums over the lines of the year (all of them for coordinators, else the caller's own) and the DOB share.

    The DOB share is the part of committed + realized money that went to requests for DOB
    participants (and DOB facilitation activities).
    """
    scope = scoped_institution(principal, institution_id)
    sums = (
        func.coalesce(func.sum(BudgetLine.ceiling_idr), 0),
        func.coalesce(func.sum(BudgetLine.committed_idr), 0),
        func.coalesce(func.sum(BudgetLine.realized_idr), 0),
    )
    where = [BudgetLine.fiscal_year == fiscal_year]
    if scope is not None:
        where.append(BudgetLine.institution_id == scope)

    total = (await session.execute(select(*sums).where(*where))).one()
    by_source = (
        await session.execute(
            select(BudgetLine.source, *sums).where(*where).group_by(BudgetLine.source).order_by(BudgetLine.source)
        )
    ).all()
    by_institution = (
        await session.execute(
            select(BudgetLine.institution_id, Institution.name, *sums)
            .outerjoin(Institution, Institution.id == BudgetLine.institution_id)
            .where(*where)
            .group_by(BudgetLine.institution_id, Institution.name)
            .order_by(Institution.name, BudgetLine.institution_id)
        )
    ).all()

    dob_where = [
        FundingRequest.fiscal_year == fiscal_year,
        FundingRequest.is_dob.is_(True),
        FundingRequest.status.in_(("approved", "realized")),
    ]
    if scope is not None:
        dob_where.append(FundingRequest.payer_institution_id == scope)
    dob_rows = (
        await session.execute(
            select(FundingRequest.status, func.coalesce(func.sum(FundingRequest.amount_idr), 0), func.count())
            .where(*dob_where)
            .group_by(FundingRequest.status)
        )
    ).all()
    dob = {status: (int(amount), int(count)) for status, amount, count in dob_rows}
    dob_committed, dob_realized = dob.get("approved", (0, 0))[0], dob.get("realized", (0, 0))[0]
    spent = int(total[1]) + int(total[2])
    dob_total = dob_committed + dob_realized
    return {
        "fiscal_year": fiscal_year,
        "scope": "all" if scope is None else "institution",
        "totals": _figures(*total),
        "by_source": [{"source": source, **_figures(c, m, r)} for source, c, m, r in by_source],
        "by_institution": [
            {"institution_id": inst, "institution_name": name, **_figures(c, m, r)}
            for inst, name, c, m, r in by_institution
        ],
        "dob": {
            "committed_idr": dob_committed,
            "realized_idr": dob_realized,
            "total_idr": dob_total,
            "of_total_idr": spent,
            "share_pct": round(dob_total * 100 / spent, 2) if spent else 0.0,
            "requests": sum(count for _, count in dob.values()),
        },
    }
