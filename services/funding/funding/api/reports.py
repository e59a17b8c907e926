"""Report routes."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request

from funding.schemas import FundingReport
from funding.service import reports
from funding.service.access import READ_SCOPES
from sinergi_shared.auth import Principal, require_scope
from sinergi_shared.db import transaction
from sinergi_shared.problems import problem_responses

router = APIRouter(tags=["reports"])

Reader = Annotated[Principal, Depends(require_scope(*READ_SCOPES))]


@router.get(
    "/reports/funding",
    response_model=FundingReport,
    summary="Ceiling, committed, realized and available by source and institution, and the DOB share",
    description="Coordinators and admins see every institution; other callers their own institution's lines.",
    responses=problem_responses(401, 403, 422),
)
async def funding_report(
    request: Request,
    principal: Reader,
    fiscal_year: Annotated[int, Query(ge=2000, le=2100)],
    institution_id: UUID | None = None,
) -> dict[str, Any]:
    async with transaction(request.app.state.sessions) as session:
        return await reports.funding_report(
            session, principal=principal, fiscal_year=fiscal_year, institution_id=institution_id
        )
