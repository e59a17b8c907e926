"""The funding report of a fiscal year: ceilings, commitments and spending by source and institution."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from funding.domain.access import scoped_institution
from funding.models import BudgetLine, FundingRequest, Institution
from sinergi_shared.auth import Principal
from sinergi_shared.succession import predecessors_of


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
        "institution_id": scope,
        "institution_name": None
        if scope is None
        else await session.scalar(select(Institution.name).where(Institution.id == scope)),
        "totals": _figures(*total),
        "by_source": [{"source": source, **_figures(c, m, r)} for source, c, m, r in by_source],
        "by_institution": await _with_successions(
            session,
            [
                {"institution_id": inst, "institution_name": name, **_figures(c, m, r)}
                for inst, name, c, m, r in by_institution
            ],
            fiscal_year=fiscal_year,
            scope=scope,
            sums=sums,
        ),
        "dob": {
            "committed_idr": dob_committed,
            "realized_idr": dob_realized,
            "total_idr": dob_total,
            "of_total_idr": spent,
            "share_pct": round(dob_total * 100 / spent, 2) if spent else 0.0,
            "requests": sum(count for _, count in dob.values()),
            "provinces": await _dob_provinces(session, dob_where),
        },
    }


async def _dob_provinces(session: AsyncSession, dob_where: list[Any]) -> list[dict[str, Any]]:
    """The DOB money per DOB province (the participant's institution, or its parent), every DOB province listed;
    then the DOB money of participants in none (a K/L's facilitation activity), if any."""
    participant, province = aliased(Institution), aliased(Institution)
    province_of = case((participant.kind == "province", participant.id), else_=participant.parent_id)
    rows = await session.execute(
        select(
            province.id,
            func.coalesce(func.sum(FundingRequest.amount_idr).filter(FundingRequest.status == "approved"), 0),
            func.coalesce(func.sum(FundingRequest.amount_idr).filter(FundingRequest.status == "realized"), 0),
            func.count(),
            func.count(func.distinct(FundingRequest.nip)),
        )
        .select_from(FundingRequest)
        .outerjoin(participant, participant.id == FundingRequest.participant_institution_id)
        .outerjoin(province, and_(province.id == province_of, province.is_new_autonomous_region.is_(True)))
        .where(*dob_where)
        .group_by(province.id)
    )
    money = {key: (int(c), int(r), int(n), int(people)) for key, c, r, n, people in rows}
    provinces = await session.execute(
        select(Institution.id, Institution.name)
        .where(Institution.kind == "province", Institution.is_new_autonomous_region.is_(True))
        .order_by(Institution.name, Institution.id)
    )
    listed = [*provinces, *([(None, None)] if None in money else [])]
    return [
        {
            "province_id": key,
            "name": name,
            "committed_idr": committed,
            "realized_idr": realized,
            "total_idr": committed + realized,
            "requests": requests,
            "participants": people,
        }
        for key, name in listed
        for committed, realized, requests, people in [money.get(key, (0, 0, 0, 0))]
    ]


async def _with_successions(
    session: AsyncSession, rows: list[dict[str, Any]], *, fiscal_year: int, scope: UUID | None, sums: tuple[Any, ...]
) -> list[dict[str, Any]]:
    """The rows with their successions: a succeeded institution's names its successors; a successor's names its
    predecessors and adds their figures to its own in `including_predecessors`. A successor with no line of the
    year gets a row of its own (figures 0) when a predecessor has one; each row's own figures stay as they are.
    """
    links = dict(
        (
            await session.execute(
                select(Institution.id, Institution.successor_ids).where(func.cardinality(Institution.successor_ids) > 0)
            )
        )
        .tuples()
        .all()
    )
    if not links:
        return rows
    shown = {row["institution_id"]: row for row in rows}
    candidates = set(shown) | (
        {scope} if scope is not None else {s for successors in links.values() for s in successors}
    )
    predecessors = {inst: found for inst in candidates if (found := predecessors_of(inst, links))}
    involved = set(predecessors).union(*predecessors.values())
    year = {
        inst: (c, m, r)
        for inst, c, m, r in await session.execute(
            select(BudgetLine.institution_id, *sums)
            .where(BudgetLine.fiscal_year == fiscal_year, BudgetLine.institution_id.in_(involved))
            .group_by(BudgetLine.institution_id)
        )
    }
    added = [inst for inst, found in predecessors.items() if inst not in shown and found & year.keys()]
    names = dict(
        (await session.execute(select(Institution.id, Institution.name).where(Institution.id.in_(added))))
        .tuples()
        .all()
    )
    for inst in added:
        shown[inst] = {"institution_id": inst, "institution_name": names.get(inst), **_figures(0, 0, 0)}
    for inst, row in shown.items():
        row["successor_ids"] = list(links.get(inst, []))
        found = predecessors.get(inst, set())
        row["predecessor_ids"] = sorted(found, key=str)
        if found:
            own_and_theirs = [year.get(i, (0, 0, 0)) for i in {inst, *found}]
            row["including_predecessors"] = _figures(*(sum(f[k] for f in own_and_theirs) for k in range(3)))
    if not added:
        return rows
    return sorted(shown.values(), key=lambda row: (row["institution_name"] or "", str(row["institution_id"])))
