"""The regional share realized per K/L and year: the seats its cohorts held for regional staff, and the seats
regional (DOB included) staff took."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from enrollment.domain import development
from enrollment.domain.plans import pct
from enrollment.models import Cohort, Institution, Program
from enrollment.schemas import MinistryShare, RegionalShareReport, ShareFigures
from sinergi_shared.auth import Principal

_REGIONAL_TAKEN = Cohort.taken_regional + Cohort.taken_dob
_FIGURES = (
    func.count(Cohort.id),
    func.sum(Cohort.capacity),
    func.sum(Cohort.reserved_regional),
    func.sum(_REGIONAL_TAKEN),
    func.sum(Cohort.taken_dob),
    func.count().filter(_REGIONAL_TAKEN >= Cohort.reserved_regional),
)


async def regional_share_report(session: AsyncSession, *, principal: Principal, year: int) -> RegionalShareReport:
    """Per K/L, over the cohorts of its programs and its training units' that ended in the year.

    A coordinator sees every K/L; another caller the cohorts its own institution provides or its K/L does.
    """
    stmt = (
        select(Institution.id, Institution.name, *_FIGURES)
        .select_from(Cohort)
        .join(Program, Program.id == Cohort.program_id)
        .join(Institution, Institution.id == Program.provider_ministry_id)
        .where(Institution.kind.in_(development.MINISTRY_KINDS), func.extract("year", Cohort.ends_on) == year)
        .group_by(Institution.id, Institution.name)
        .order_by(Institution.name, Institution.id)
    )
    if not principal.crosses_institutions:
        own: UUID = principal.institution_id
        stmt = stmt.where(or_(Program.provider_ministry_id == own, Program.provider_id == own))
    rows = (await session.execute(stmt)).all()
    ministries = [MinistryShare(institution_id=inst, name=name, **_figures(*f)) for inst, name, *f in rows]
    sums = [sum(int(f[k]) for _, _, *f in rows) for k in range(len(_FIGURES))]
    return RegionalShareReport(
        year=year,
        scope="all" if principal.crosses_institutions else "own",
        ministries=ministries,
        total=ShareFigures(**_figures(*sums)),
    )


def _figures(cohorts: int, capacity: int, required: int, regional: int, dob: int, met: int) -> dict[str, Any]:
    capacity, required, regional = int(capacity), int(required), int(regional)
    return {
        "cohorts": int(cohorts),
        "capacity": capacity,
        "required_seats": required,
        "required_pct": pct(required, capacity),
        "regional_seats": regional,
        "dob_seats": int(dob),
        "achieved_pct": pct(regional, capacity),
        "cohorts_met": int(met),
        "met": regional >= required,
    }
