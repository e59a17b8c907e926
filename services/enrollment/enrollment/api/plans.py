"""Development plan routes: draft, items, submit, approve, revise, read and list (SPEC §5a)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, Query, Response
from fastapi.responses import JSONResponse

from enrollment import plan_imports, plan_items, plans
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
from sinergi_shared.sheets import ImportFile, import_file, import_max_rows, import_request_body

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


@router.post(
    "/plans/{plan_id}/items/import",
    response_model=plan_imports.PlanImportReport,
    responses=problem_responses(409, 413, 415),
    openapi_extra=import_request_body(PlanItemIn),
)
@idempotent
async def import_plan_items(
    plan_id: UUID,
    file: Annotated[ImportFile, Depends(import_file)],
    max_rows: Annotated[int, Depends(import_max_rows)],
    session: Session,
    principal: PlanWriter,
    if_match: IfMatch = None,
) -> JSONResponse:
    """Import up to 10,000 items into a draft plan from a JSON array, a CSV file or an XLSX workbook.

    The valid rows are stored as one new version of the plan (the ETag answered); every other row is reported with
    its line (CSV: the file line, XLSX: the sheet row, the header being line 1; JSON: the 1-based position) and its
    reasons, in the request's language, and none of it is stored. If-Match is optional. More rows than the limit:
    413 and nothing stored; a header naming an unknown column: 422 and nothing stored.

    - JSON (`application/json`): an array of `PlanItemIn` objects, as `POST /plans/{id}/items` takes them.
    - CSV (`text/csv`): a header row, then a row per item; cells separated by `,` or `;`; UTF-8 with or without a
      BOM, or Windows-1252. XLSX: the first sheet, its first row the header.

    Sheet columns, in Indonesian or English, any order and case: `nip`, or `kelompok_jabatan`/target_position_kind
    with `jumlah_orang`/target_count; `jenis_kompetensi`/competency_type; `nama_kompetensi`/competency_name;
    `kebutuhan`/need; `pola`/pattern; optional `kategori`/category; `jp_sasaran`/target_jp;
    `tahun_sasaran`/target_year; optional `id_program`/planned_program_id, `id_penyelenggara`/planned_provider_id,
    `triwulan`/quarter (1-4 or I-IV); `perkiraan_biaya`/estimated_cost_idr (Rp1.500.000 or 1500000);
    `sumber_dana`/funding_source. Coded cells take the Indonesian words (teknis, kesenjangan_kinerja,
    pelatihan_teknis, magang, ...) or the API's codes. Keep the NIP column formatted as text: a NIP turned into a
    number (1,98E+17) has lost its digits and is refused with the code `nip_scientific_notation`.
    """
    report, version = await plan_imports.import_items(
        session, principal=principal, plan_id=plan_id, file=file, max_rows=max_rows, if_match=if_match
    )
    return ModelResponse(report, headers={"ETag": etag(version)})


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
