"""Export routes: the SIASN training-history export (JSON or CSV) and the SIASN mappings operators keep."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal
from urllib.parse import urlencode
from uuid import UUID

from fastapi import Depends, Header, Path, Query, Response
from fastapi.responses import JSONResponse

from enrollment import messages, siasn, siasn_mappings
from enrollment.api.access import ReportReader
from enrollment.domain.siasn import History, MappingKind
from enrollment.siasn_schemas import MappingFilters, MappingIn, MappingOut, MappingPage, SiasnExport
from sinergi_shared.auth import Principal, require_scope
from sinergi_shared.http import IfMatch, ModelResponse, Session, api_router, resource
from sinergi_shared.problems import invalid, problem_responses

router = api_router("exports")

# Mappings are reference ids, nothing personal: any reader may see them; only an operator or coordinator sets them.
MappingReader = Annotated[Principal, Depends(require_scope("read", "coordinator", "admin"))]
MappingKeeper = Annotated[Principal, Depends(require_scope("coordinator", "admin"))]
SinergiValue = Annotated[
    str, Path(max_length=100, description="A pattern, or an institution or program id, as the kind takes")
]
CSV = "text/csv"


@router.get(
    "/exports/siasn",
    response_model=SiasnExport,
    responses={
        200: {"content": {CSV: {"schema": {"type": "string"}}}, "description": "The rows, as JSON or CSV"},
        **problem_responses(404),
    },
)
async def siasn_export(
    session: Session,
    principal: ReportReader,
    institution_id: UUID,
    first: Annotated[date, Query(alias="from", description="Cohorts that ended on or after this day")],
    last: Annotated[date, Query(alias="to", description="Cohorts that ended on or before this day")],
    history: Annotated[
        History, Query(description="course: riwayat kursus; structural: riwayat diklat struktural")
    ] = "course",
    format: Annotated[Literal["json", "csv"] | None, Query(description="Default: as Accept asks, else JSON")] = None,
    accept: Annotated[str | None, Header(max_length=1000)] = None,
) -> Any:
    """An institution's passed completions as SIASN training-history rows (own institution unless coordinator).

    Rows carry SIASN's field names (course history: riwayat kursus; structural history: riwayat diklat struktural
    for programs an operator mapped to one). A completion missing a mapping or a certificate is not a row: it is
    listed in `unmapped` with what is missing. CSV (`?format=csv` or `Accept: text/csv`) holds the rows only; its
    `X-Unmapped-Count` header counts the completions left out and `Link` points to this export as JSON.
    """
    if last < first:
        raise invalid("to", messages.SIASN_WINDOW())
    report = await siasn.export(
        session, principal=principal, institution_id=institution_id, first=first, last=last, history=history
    )
    asked = (accept or "").lower()
    wants_csv = format == "csv" or (format is None and CSV in asked and "application/json" not in asked)
    if not wants_csv:
        return ModelResponse(report)
    query = {"institution_id": institution_id, "from": first, "to": last, "history": history, "format": "json"}
    return Response(
        siasn.as_csv(report),
        media_type=f"{CSV}; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="siasn-{history}-{first}-{last}.csv"',
            "X-Unmapped-Count": str(len(report.unmapped)),
            "Link": f'</exports/siasn?{urlencode(query)}>; rel="alternate"; type="application/json"',
        },
    )


@router.get("/exports/siasn/mappings", response_model=MappingPage)
async def list_siasn_mappings(
    session: Session, _: MappingReader, filters: Annotated[MappingFilters, Query()]
) -> dict[str, Any]:
    """The SIASN mappings, by kind and Sinergi value."""
    return await siasn_mappings.page_of(session, kind=filters.kind, limit=filters.limit, cursor=filters.cursor)


@router.put(
    "/exports/siasn/mappings/{kind}/{sinergi_value}",
    response_model=MappingOut,
    responses={201: {"model": MappingOut, "description": "Mapped for the first time"}},
)
async def put_siasn_mapping(
    kind: MappingKind,
    sinergi_value: SinergiValue,
    body: MappingIn,
    session: Session,
    principal: MappingKeeper,
    if_match: IfMatch = None,
) -> JSONResponse:
    """Map a Sinergi value to a SIASN reference id, or replace its id (coordinator or operator; If-Match optional).

    institution: an institution id → instansiId; course_type: a pattern → jenisDiklatId; certificate_type: a
    pattern → jenisKursusSertipikat; location: a provider's institution id → lokasiId; structural_training: a
    program id or a pattern → latihanStrukturalId (its completions then go to the structural history).
    """
    mapping, created = await siasn_mappings.put(
        session, principal=principal, kind=kind, sinergi_value=sinergi_value, body=body, if_match=if_match
    )
    return resource(mapping, 201 if created else 200)


@router.delete("/exports/siasn/mappings/{kind}/{sinergi_value}", status_code=204)
async def delete_siasn_mapping(
    kind: MappingKind, sinergi_value: SinergiValue, session: Session, _: MappingKeeper, if_match: IfMatch = None
) -> Response:
    """Remove a SIASN mapping (coordinator or operator; If-Match optional)."""
    await siasn_mappings.remove(session, kind=kind, sinergi_value=sinergi_value, if_match=if_match)
    return Response(status_code=204)
