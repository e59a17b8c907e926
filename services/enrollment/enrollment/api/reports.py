"""Report routes: the competency ledger, cohort shares, the regional share per K/L, the DOB picture, plan
realization and demand.

The printable reports answer JSON by default, or a file with `?format=xlsx|pdf` or an Accept header naming one
(`sinergi_shared.printing`); the file holds the figures of the JSON of the same request.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from uuid import UUID

from fastapi import Depends, Path, Query, Response

from enrollment import plan_reports, printouts, regional_share, reports
from enrollment.api.access import DemandReader, PlanReader, ReportReader
from enrollment.plan_schemas import DemandReport, PlanReport
from enrollment.schemas import (
    NIP_PATTERN,
    CivilServantReport,
    CohortReport,
    DobReport,
    InstitutionReport,
    RegionalShareReport,
)
from sinergi_shared.http import Session, api_router
from sinergi_shared.printing import PRINTABLE, Format, answer

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


@router.get("/reports/institutions/{institution_id}", response_model=InstitutionReport, responses=PRINTABLE)
async def institution_report(
    institution_id: UUID, session: Session, principal: ReportReader, year: Year, output: Format
) -> InstitutionReport | Response:
    """People trained, JP, 10:20:70 mix and the 20 JP share, of the institution and each child unit; printable.

    The caller's own institution unless it is a coordinator (else 403).
    """
    report = await reports.institution_report(session, principal=principal, institution_id=institution_id, year=year)
    return await answer(output, report, printouts.institution)


@router.get("/reports/cohorts/{cohort_id}", response_model=CohortReport, responses=PRINTABLE)
async def cohort_report(
    cohort_id: UUID, session: Session, principal: ReportReader, output: Format
) -> CohortReport | Response:
    """Regional and DOB share achieved against what the cohort reserved, and its participants; printable.

    The participant list (daftar peserta) holds the enrollments the caller may see, as GET /enrollments does.
    """
    report = await reports.cohort_report(session, principal=principal, cohort_id=cohort_id)
    return await answer(output, report, printouts.cohort)


@router.get("/reports/regional-share", response_model=RegionalShareReport, responses=PRINTABLE)
async def regional_share_report(
    session: Session, principal: ReportReader, year: Year, output: Format
) -> RegionalShareReport | Response:
    """Per K/L, the seats its cohorts that ended in the year reserved for regional staff and the seats they took.

    A coordinator sees every K/L; another caller the cohorts its own institution or its K/L provides. Printable.
    """
    report = await regional_share.regional_share_report(session, principal=principal, year=year)
    return await answer(output, report, printouts.regional_share)


@router.get("/reports/dob", response_model=DobReport, responses=PRINTABLE)
async def dob_report(session: Session, _: ReportReader, year: Year, output: Format) -> DobReport | Response:
    """Per DOB province and its regencies/cities: people, JP, seats, funding, coverage of staff; printable."""
    return await answer(output, await reports.dob_report(session, year=year), printouts.dob)


@router.get("/reports/plans/{plan_id}", response_model=PlanReport, responses=PRINTABLE)
async def plan_report(plan_id: UUID, session: Session, principal: PlanReader, output: Format) -> PlanReport | Response:
    """A plan's realization: per item, per category and in all, planned against realized (404 if not yours).

    Any revision may be reported; in_force says whether it is the institution's plan in force. Printable.
    """
    report = await plan_reports.plan_report(session, principal=principal, plan_id=plan_id)
    return await answer(output, report, printouts.plan)


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
