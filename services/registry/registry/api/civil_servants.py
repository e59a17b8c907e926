"""Civil servant routes: register, import, read, list, transfer, retire.

Another institution's civil servant answers 404 (its existence is private) unless the token is a
coordinator's or an operator's; listing another institution's staff answers 403.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse

from registry import civil_servants
from registry.api.common import Reader, StaffWriter, topic_prefix
from registry.imports import import_civil_servants, rows_from_csv, rows_from_json, unsupported
from registry.models import CivilServant
from registry.schemas import CivilServantCreate, CivilServantOut, CivilServantPage, ImportReport, TransferRequest
from sinergi_shared.db import transaction
from sinergi_shared.http import (
    Cursor,
    IdempotencyKey,
    IfMatch,
    Limit,
    ModelResponse,
    etag,
    fingerprint,
    idempotent,
    page,
)
from sinergi_shared.problems import problem_responses

router = APIRouter(prefix="/civil-servants", tags=["civil servants"])
Nip = Path(max_length=64, description="The 18-digit NIP")


def civil_servant_out(cs: CivilServant) -> CivilServantOut:
    return CivilServantOut(
        nip=cs.nip,
        name=cs.name,
        institution_id=cs.institution_id,
        employment=cs.employment,
        position_kind=cs.position_kind,
        position_title=cs.position_title,
        grade=cs.grade,
        status=cs.status,
        version=cs.version,
        birth_date=cs.birth_date.isoformat(),
        appointment_month=cs.appointment_month.strftime("%Y-%m"),
        gender=1 if cs.gender == 1 else 2,
        created_at=cs.created_at,
        updated_at=cs.updated_at,
    )


def _response(cs: CivilServant, *, status_code: int = 200, location: str | None = None) -> JSONResponse:
    headers = {"ETag": etag(cs.version)}
    if location:
        headers["Location"] = location
    return ModelResponse(civil_servant_out(cs), status_code=status_code, headers=headers)


@router.post(
    "",
    status_code=201,
    response_model=CivilServantOut,
    summary="Register a civil servant of your institution (registry:write)",
    responses=problem_responses(400, 401, 403, 409, 413, 422),
)
async def register_civil_servant(
    body: CivilServantCreate, request: Request, principal: StaffWriter, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    async with transaction(request.app.state.sessions) as session:

        async def create() -> JSONResponse:
            cs = await civil_servants.register_civil_servant(
                session, principal=principal, **body.model_dump(), topic_prefix=topic_prefix(request)
            )
            return _response(cs, status_code=201, location=f"/civil-servants/{cs.nip}")

        return await idempotent(
            session,
            principal=principal,
            key=idempotency_key,
            fingerprint_of=lambda: fingerprint("POST", "/civil-servants", body.model_dump(mode="json")),
            create=create,
        )


@router.post(
    "/import",
    response_model=ImportReport,
    summary="Import up to 10,000 civil servants from a JSON array or a CSV file (registry:write)",
    description=(
        "Valid rows are stored in one transaction; every invalid row is reported with its line "
        "(CSV: the file line, the header being line 1; JSON: the 1-based position in the array) and its errors. "
        "CSV columns: nip, name, institution_id, employment, position_kind, position_title, grade."
    ),
    responses=problem_responses(401, 403, 409, 413, 415, 422),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {"type": "array", "items": {"$ref": "#/components/schemas/CivilServantCreate"}}
                },
                "text/csv": {"schema": {"type": "string"}},
            },
        }
    },
)
async def import_file(request: Request, principal: StaffWriter, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()
    max_rows: int = request.app.state.settings.import_max_rows
    if content_type in ("application/json", ""):
        rows = rows_from_json(body, max_rows=max_rows)
    elif content_type in ("text/csv", "application/csv"):
        rows = rows_from_csv(body, max_rows=max_rows)
    else:
        raise unsupported(content_type)
    async with transaction(request.app.state.sessions) as session:

        async def create() -> JSONResponse:
            report = await import_civil_servants(
                session, principal=principal, rows=rows, topic_prefix=topic_prefix(request)
            )
            return JSONResponse(report)

        return await idempotent(
            session,
            principal=principal,
            key=idempotency_key,
            fingerprint_of=lambda: fingerprint(
                "POST", "/civil-servants/import", f"{content_type}\n{body.decode('utf-8', 'replace')}"
            ),
            create=create,
        )


@router.get(
    "",
    response_model=CivilServantPage,
    summary="List the civil servants of an institution (default: yours)",
    responses=problem_responses(401, 403, 422),
)
async def list_civil_servants(
    request: Request,
    principal: Reader,
    institution_id: UUID | None = None,
    status: str | None = Query(default=None, pattern="^(active|retired)$"),
    limit: Limit = 50,
    cursor: Cursor = None,
) -> dict[str, Any]:
    async with transaction(request.app.state.sessions) as session:
        rows = await civil_servants.list_civil_servants(
            session, principal=principal, institution_id=institution_id, status=status, limit=limit, cursor=cursor
        )
        shaped = page(rows, limit, civil_servants.civil_servant_cursor)
        shaped["items"] = [civil_servant_out(r) for r in shaped["items"]]
        return shaped


@router.get(
    "/{nip}",
    response_model=CivilServantOut,
    summary="Read a civil servant by NIP",
    responses=problem_responses(401, 403, 404, 422),
)
async def get_civil_servant(request: Request, principal: Reader, nip: str = Nip) -> JSONResponse:
    async with transaction(request.app.state.sessions) as session:
        return _response(await civil_servants.get_civil_servant(session, principal=principal, nip=nip))


@router.post(
    "/{nip}/transfer",
    response_model=CivilServantOut,
    summary="Move a civil servant to another institution (registry:write of the current one; If-Match optional)",
    responses=problem_responses(400, 401, 403, 404, 409, 412, 413, 422),
)
async def transfer_civil_servant(
    body: TransferRequest, request: Request, principal: StaffWriter, nip: str = Nip, if_match: IfMatch = None
) -> JSONResponse:
    async with transaction(request.app.state.sessions) as session:
        cs = await civil_servants.transfer_civil_servant(
            session,
            principal=principal,
            nip=nip,
            institution_id=body.institution_id,
            if_match=if_match,
            topic_prefix=topic_prefix(request),
        )
        return _response(cs)


@router.post(
    "/{nip}/retire",
    response_model=CivilServantOut,
    summary="Retire a civil servant (registry:write of the current institution; If-Match optional)",
    responses=problem_responses(401, 403, 404, 409, 412, 422),
)
async def retire_civil_servant(
    request: Request, principal: StaffWriter, nip: str = Nip, if_match: IfMatch = None
) -> JSONResponse:
    async with transaction(request.app.state.sessions) as session:
        cs = await civil_servants.retire_civil_servant(
            session, principal=principal, nip=nip, if_match=if_match, topic_prefix=topic_prefix(request)
        )
        return _response(cs)
