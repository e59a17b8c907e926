"""Civil servant routes: register, import, read, list, transfer, retire.

Another institution's civil servant answers 404 (its existence is private) unless the token is a
coordinator's or an operator's; listing another institution's staff answers 403.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Path, Query
from fastapi.responses import JSONResponse

from registry import civil_servants, imports
from registry.api.access import Reader, StaffWriter
from registry.schemas import (
    CivilServantCreate,
    CivilServantFilters,
    CivilServantImportRow,
    CivilServantOut,
    CivilServantPage,
    ImportReport,
    TransferRequest,
)
from sinergi_shared.http import IfMatch, Session, api_router, idempotent, resource
from sinergi_shared.problems import problem_responses
from sinergi_shared.sheets import ImportFile, import_file, import_max_rows, import_request_body

router = api_router("civil servants")
Nip = Path(max_length=64, description="The 18-digit NIP")


@router.post("/civil-servants", status_code=201, response_model=CivilServantOut, responses=problem_responses(409))
@idempotent
async def register_civil_servant(body: CivilServantCreate, session: Session, principal: StaffWriter) -> JSONResponse:
    """Register a civil servant of your institution (registry:write)."""
    civil_servant = await civil_servants.register(session, principal=principal, body=body)
    return resource(CivilServantOut.model_validate(civil_servant), 201, location=f"/civil-servants/{civil_servant.nip}")


@router.post(
    "/civil-servants/import",
    response_model=ImportReport,
    responses=problem_responses(409, 413, 415),
    openapi_extra=import_request_body(CivilServantImportRow),
)
@idempotent
async def import_civil_servants(
    file: Annotated[ImportFile, Depends(import_file)],
    max_rows: Annotated[int, Depends(import_max_rows)],
    session: Session,
    principal: StaffWriter,
) -> JSONResponse:
    """Import up to 10,000 civil servants from a JSON array, a CSV file or an XLSX workbook (registry:write).

    Valid rows are stored in one transaction; every invalid row is reported with its line (CSV: the file line,
    XLSX: the sheet row, the header being line 1; JSON: the 1-based position in the array) and its errors.
    Each number is checked by the rule of its employment: NIP for PNS, NI PPPK for PPPK.

    - JSON (`application/json`): an array of objects with the fields of `CivilServantImportRow`; the institution is
      named by `institution_id` or `institution_code`.
    - CSV (`text/csv`): a header row, then a row per civil servant; cells separated by `,` or `;` (as Excel saves
      CSV in an Indonesian locale); UTF-8 with or without a BOM, or Windows-1252.
    - XLSX (`application/vnd.openxmlformats-officedocument.spreadsheetml.sheet`): the first sheet, its first row the
      header.

    Sheet columns, in English or Indonesian, in any order and any case: `nip`; `name`/`nama`;
    `institution_code`/`kode_instansi` or `institution_id`/`id_instansi`; `employment`/`status_kepegawaian`
    (PNS or PPPK); `position_kind`/`jenis_jabatan` (structural/struktural, functional/fungsional,
    executor/pelaksana); optional `position_title`/`jabatan` and `grade`/`golongan`. Keep the NIP column formatted
    as text: a NIP the spreadsheet turned into a number (1,98E+17) has lost its digits and is refused with the
    code `nip_scientific_notation`.
    """
    rows = imports.rows_of(file, max_rows=max_rows)
    return JSONResponse(await imports.import_civil_servants(session, principal=principal, rows=rows))


@router.get("/civil-servants", response_model=CivilServantPage)
async def list_civil_servants(
    session: Session, principal: Reader, filters: Annotated[CivilServantFilters, Query()]
) -> dict[str, Any]:
    """List the civil servants of an institution (default: yours)."""
    return await civil_servants.staff_of(session, principal=principal, filters=filters)


@router.get("/civil-servants/{nip}", response_model=CivilServantOut)
async def get_civil_servant(session: Session, principal: Reader, nip: str = Nip) -> JSONResponse:
    """Read a civil servant by NIP."""
    civil_servant = await civil_servants.get(session, principal=principal, nip=nip)
    return resource(CivilServantOut.model_validate(civil_servant))


@router.post("/civil-servants/{nip}/transfer", response_model=CivilServantOut, responses=problem_responses(409))
async def transfer_civil_servant(
    body: TransferRequest, session: Session, principal: StaffWriter, nip: str = Nip, if_match: IfMatch = None
) -> JSONResponse:
    """Move a civil servant to another institution (registry:write of the current one; If-Match optional)."""
    civil_servant = await civil_servants.transfer(
        session, principal=principal, nip=nip, institution_id=body.institution_id, if_match=if_match
    )
    return resource(CivilServantOut.model_validate(civil_servant))


@router.post("/civil-servants/{nip}/retire", response_model=CivilServantOut, responses=problem_responses(409))
async def retire_civil_servant(
    session: Session, principal: StaffWriter, nip: str = Nip, if_match: IfMatch = None
) -> JSONResponse:
    """Retire a civil servant (registry:write of the current institution; If-Match optional)."""
    civil_servant = await civil_servants.retire(session, principal=principal, nip=nip, if_match=if_match)
    return resource(CivilServantOut.model_validate(civil_servant))
