"""Report routes: the competency ledger, cohort shares, the DOB picture, plan realization and demand."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from uuid import UUID

from fastapi import Depends, Path, Query

from enrollment import plan_reports, reports
from enrollment.api.access import DemandReader, PlanReader, ReportReader
from enrollment.plan_schemas import DemandReport, PlanReport
from enrollment.schemas import NIP_PATTERN, CivilServantReport, CohortReport, DobReport, InstitutionReport
from sinergi_shared.http import Session, api_router

router = api_router("reports")


def _fiscal_year(
    year: Annotated[int | None, Query(ge=2000, le=2100, description="Fiscal year (default: the current year)")] = None,
) -> int:
    return year or datetime.now(UTC).year


Year = Annotated[int, Depends(_fiscal_year)]


@router.get("/reports/civil-servants/{nip}", response_model=CivilServantReport)
async def civil_servant_report(
    nip: Annotated[str, Path(pattern=NIP_PATTERN)], session: Session, principal: ReportReader, year: Year
) -> CivilServantReport:
    """JP of a civil servant by 10:20:70 category (own institution unless coordinator; else 404)."""
    return await reports.civil_servant_report(session, principal=principal, nip=nip, year=year)


@router.get("/reports/institutions/{institution_id}", response_model=InstitutionReport)
async def institution_report(
    institution_id: UUID, session: Session, principal: ReportReader, year: Year
) -> InstitutionReport:
    """People trained, JP, 10:20:70 mix and the 20 JP share (own institution unless coordinator; else 403)."""
    return await reports.institution_report(session, principal=principal, institution_id=institution_id, year=year)


@router.get("/reports/cohorts/{cohort_id}", response_model=CohortReport)
async def cohort_report(cohort_id: UUID, session: Session, _: ReportReader) -> CohortReport:
    """Regional and DOB share achieved against what the cohort reserved."""
    return await reports.cohort_report(session, cohort_id=cohort_id)


@router.get("/reports/dob", response_model=DobReport)
async def dob_report(session: Session, _: ReportReader, year: Year) -> DobReport:
    """Per DOB province and its regencies/cities: people, JP, seats, funding status."""
    return await reports.dob_report(session, year=year)


@router.get("/reports/plans/{plan_id}", response_model=PlanReport)
async def plan_report(plan_id: UUID, session: Session, principal: PlanReader) -> PlanReport:
    """A plan's realization: per item, per category and in all, planned against realized (404 if not yours).

    Any revision may be reported; in_force says whether it is the institution's plan in force.
    """
    return await plan_reports.plan_report(session, principal=principal, plan_id=plan_id)


@router.get("/reports/demand", response_model=DemandReport)
async def demand_report(
    session: Session,
    principal: DemandReader,
    fiscal_year: Annotated[int, Query(ge=2000, le=2100)],
    provider_id: Annotated[
        UUID | None, Query(description="Default: the caller's own institution; all for a coordinator")
    ] = None,
) -> DemandReport:
    """People planned per program and pattern for a fiscal year, by sector and DOB, across the plans in force.

    A provider (programs:write or read) sees the demand naming itself or a training unit of its K/L or Pemda; a
    coordinator sees any provider's, or every item without provider_id.
    """
    return await plan_reports.demand_report(
        session, principal=principal, fiscal_year=fiscal_year, provider_id=provider_id
    )
