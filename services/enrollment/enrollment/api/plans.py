"""Development plan routes: draft, items, submit, approve, revise, read and list (SPEC §5a)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import Query, Response
from fastapi.responses import JSONResponse

from enrollment import plan_items, plans
from enrollment.api.access import PlanApprover, PlanReader, PlanWriter
from enrollment.plan_schemas import (
    PlanDetail,
    PlanFilters,
    PlanIn,
    PlanItemFilters,
    PlanItemIn,
    PlanItemOut,
    PlanItemPage,
    PlanPage,
)
from sinergi_shared.http import IfMatch, ModelResponse, Session, api_router, etag, idempotent, resource
from sinergi_shared.problems import problem_responses

router = api_router("plans")


@router.post("/plans", status_code=201, response_model=PlanDetail, responses=problem_responses(409))
@idempotent
async def create_plan(body: PlanIn, session: Session, principal: PlanWriter) -> JSONResponse:
    """Draft an institution's development plan (own institution unless coordinator; one short plan a year)."""
    plan = await plans.create(session, principal=principal, body=body)
    return resource(plan, 201, location=f"/plans/{plan.id}")


@router.get("/plans", response_model=PlanPage)
async def list_plans(
    session: Session, principal: PlanReader, filters: Annotated[PlanFilters, Query()]
) -> dict[str, Any]:
    """Plans of the caller's institution, or of any institution for a coordinator."""
    return await plans.list_visible(session, principal=principal, filters=filters)


@router.get("/plans/{plan_id}", response_model=PlanDetail)
async def get_plan(plan_id: UUID, session: Session, principal: PlanReader) -> JSONResponse:
    """A plan with its checks and items (404 when it is not the caller's to see)."""
    return resource(await plans.get(session, principal=principal, plan_id=plan_id))


@router.get("/plans/{plan_id}/items", response_model=PlanItemPage)
async def list_plan_items(
    plan_id: UUID, session: Session, principal: PlanReader, filters: Annotated[PlanItemFilters, Query()]
) -> dict[str, Any]:
    """A plan's items, page by page, in the order they were added."""
    return await plan_items.page(session, principal=principal, plan_id=plan_id, filters=filters)


@router.post("/plans/{plan_id}/items", status_code=201, response_model=PlanItemOut, responses=problem_responses(409))
@idempotent
async def add_plan_item(
    plan_id: UUID, body: PlanItemIn, session: Session, principal: PlanWriter, if_match: IfMatch = None
) -> JSONResponse:
    """Add an item to a draft plan (If-Match optional; the ETag answered is the plan's new version)."""
    item, version = await plan_items.add(session, principal=principal, plan_id=plan_id, body=body, if_match=if_match)
    return ModelResponse(item, status_code=201, headers={"ETag": etag(version)})


@router.delete("/plans/{plan_id}/items/{item_id}", status_code=204, responses=problem_responses(409))
async def remove_plan_item(
    plan_id: UUID, item_id: UUID, session: Session, principal: PlanWriter, if_match: IfMatch = None
) -> Response:
    """Remove an item from a draft plan (If-Match optional; the ETag answered is the plan's new version)."""
    version = await plan_items.remove(session, principal=principal, plan_id=plan_id, item_id=item_id, if_match=if_match)
    return Response(status_code=204, headers={"ETag": etag(version)})


@router.post("/plans/{plan_id}/submit", response_model=PlanDetail, responses=problem_responses(409, 428))
async def submit_plan(plan_id: UUID, session: Session, principal: PlanWriter, if_match: IfMatch = None) -> JSONResponse:
    """Submit a draft (If-Match required): the checks are computed, kept and shown; warnings do not block."""
    return resource(await plans.submit(session, principal=principal, plan_id=plan_id, if_match=if_match))


@router.post("/plans/{plan_id}/approve", response_model=PlanDetail, responses=problem_responses(409, 428))
async def approve_plan(
    plan_id: UUID, session: Session, principal: PlanApprover, if_match: IfMatch = None
) -> JSONResponse:
    """Approve a submitted plan (If-Match required), by plans:approve of the plan's own institution (the PPK).

    The revision it replaces, if any, becomes superseded.
    """
    return resource(await plans.approve(session, principal=principal, plan_id=plan_id, if_match=if_match))


@router.post("/plans/{plan_id}/revise", status_code=201, response_model=PlanDetail, responses=problem_responses(409))
@idempotent
async def revise_plan(plan_id: UUID, session: Session, principal: PlanWriter) -> JSONResponse:
    """Open a new draft revision of an approved plan, its items copied (one undecided revision at a time)."""
    plan = await plans.revise(session, principal=principal, plan_id=plan_id)
    return resource(plan, 201, location=f"/plans/{plan.id}")
