"""Report routes."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import Query

from funding import reports
from funding.api.access import Reader
from funding.schemas import FundingReport
from sinergi_shared.http import Session, api_router

router = api_router("reports")


@router.get("/reports/funding", response_model=FundingReport)
async def funding_report(
    session: Session,
    principal: Reader,
    fiscal_year: Annotated[int, Query(ge=2000, le=2100)],
    institution_id: UUID | None = None,
) -> dict[str, Any]:
    """Ceiling, committed, realized and available by source and institution, and the DOB share.

    Coordinators and admins see every institution; other callers their own institution's lines.
    """
    return await reports.funding_report(
        session, principal=principal, fiscal_year=fiscal_year, institution_id=institution_id
    )
