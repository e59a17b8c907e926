"""Report routes."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from funding import reports
from funding.api.access import Reader
from funding.schemas import FundingReport
from sinergi_shared.http import Session
from sinergi_shared.problems import problem_responses

router = APIRouter(tags=["reports"])


@router.get(
    "/reports/funding",
    response_model=FundingReport,
    summary="Ceiling, committed, realized and available by source and institution, and the DOB share",
    description="Coordinators and admins see every institution; other callers their own institution's lines.",
    responses=problem_responses(401, 403, 422),
)
async def funding_report(
    session: Session,
    principal: Reader,
    fiscal_year: Annotated[int, Query(ge=2000, le=2100)],
    institution_id: UUID | None = None,
) -> FundingReport:
    report = await reports.funding_report(
        session, principal=principal, fiscal_year=fiscal_year, institution_id=institution_id
    )
    return FundingReport.model_validate(report)
