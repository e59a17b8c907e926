"""Report routes: the funding report, as JSON or printed (`?format=xlsx|pdf` or Accept, `sinergi_shared.printing`)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Query, Response

from funding import printouts, reports
from funding.api.access import Reader
from funding.schemas import FundingReport
from sinergi_shared.http import Session, api_router
from sinergi_shared.printing import PRINTABLE, Format, answer

router = api_router("reports")


@router.get("/reports/funding", response_model=FundingReport, responses=PRINTABLE)
async def funding_report(
    session: Session,
    principal: Reader,
    fiscal_year: Annotated[int, Query(ge=2000, le=2100)],
    output: Format,
    institution_id: UUID | None = None,
) -> FundingReport | Response:
    """Ceiling, committed, realized and available by source and institution, and the DOB money by province; printable.

    Coordinators and admins see every institution; other callers their own institution's lines.
    """
    report = await reports.funding_report(
        session, principal=principal, fiscal_year=fiscal_year, institution_id=institution_id
    )
    return await answer(output, FundingReport.model_validate(report), printouts.funding)
