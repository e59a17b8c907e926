"""Report routes: the competency ledger, cohort shares, the DOB picture."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from uuid import UUID

from fastapi import Depends, Path, Query

from enrollment import reports
from enrollment.api.access import ReportReader
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
