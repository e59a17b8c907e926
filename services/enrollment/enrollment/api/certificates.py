"""Certificate routes: an enrollment's certificate as JSON or PDF, revocation, provider settings, verification."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Path, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from enrollment import certificate_pdf, certificate_settings, certificates, verification_limits, verification_page
from enrollment.api.access import READERS, Reader
from enrollment.certificate_schemas import (
    CertificateOut,
    CertificateSettingsIn,
    CertificateSettingsOut,
    RevocationIn,
    VerificationOut,
)
from sinergi_shared.auth import Principal, require_scope
from sinergi_shared.http import IfMatch, ModelResponse, Session, api_router, etag, resource
from sinergi_shared.problems import problem_responses

router = api_router("certificates")
# The verification page answers anyone: no token, so not a documented protected route.
public_router = APIRouter(tags=["verification"])

# The provider (programs or completions), its K/L, or a coordinator revokes; settings are the programs' clerk's.
Revoker = Annotated[Principal, Depends(require_scope("enrollments:complete", "programs:write", "coordinator"))]
SettingsWriter = Annotated[Principal, Depends(require_scope("programs:write", "coordinator"))]
SettingsReader = Annotated[Principal, Depends(require_scope(*READERS))]
PDF = "application/pdf"
PDF_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {PDF: {"schema": {"type": "string", "format": "binary"}}}}
}


def _base_url(request: Request) -> str:
    return str(request.app.state.settings.public_base_url)


@router.get("/enrollments/{enrollment_id}/certificate", response_model=CertificateOut, responses=PDF_RESPONSE)
async def get_certificate(
    enrollment_id: UUID,
    request: Request,
    session: Session,
    principal: Reader,
    output: Annotated[
        Literal["json", "pdf"] | None, Query(alias="format", description="pdf: the printable page")
    ] = None,
    accept: Annotated[str | None, Header()] = None,
) -> Response:
    """An enrollment's certificate: JSON, or the printable PDF with `?format=pdf` or `Accept: application/pdf`."""
    c = await certificates.of_enrollment(
        session, principal=principal, enrollment_id=enrollment_id, base_url=_base_url(request)
    )
    if output == "pdf" or (output is None and PDF in (accept or "")):
        document = await asyncio.to_thread(certificate_pdf.render, c)
        disposition = f'inline; filename="sertifikat-{c.id}.pdf"'
        headers = {"ETag": etag(c.version), "Content-Disposition": disposition}
        return Response(document, media_type=PDF, headers=headers)
    return resource(c)


@router.post("/certificates/{certificate_id}/revoke", response_model=CertificateOut, responses=problem_responses(409))
async def revoke(
    certificate_id: UUID,
    body: RevocationIn,
    request: Request,
    session: Session,
    principal: Revoker,
    if_match: IfMatch = None,
) -> JSONResponse:
    """Revoke a certificate (provider or coordinator; If-Match optional): verification shows it revoked from now."""
    c = await certificates.revoke(
        session,
        principal=principal,
        certificate_id=certificate_id,
        reason=body.reason,
        if_match=if_match,
        base_url=_base_url(request),
    )
    return resource(c)


@router.get("/providers/{provider_id}/certificate-settings", response_model=CertificateSettingsOut)
async def get_settings(provider_id: UUID, session: Session, principal: SettingsReader) -> JSONResponse:
    """A provider's certificate settings in force (the default pattern and no signer while none are set)."""
    return resource(await certificate_settings.get(session, principal=principal, provider_id=provider_id))


@router.put("/providers/{provider_id}/certificate-settings", response_model=CertificateSettingsOut)
async def put_settings(
    provider_id: UUID,
    body: CertificateSettingsIn,
    session: Session,
    principal: SettingsWriter,
    if_match: IfMatch = None,
) -> JSONResponse:
    """Set the number pattern and signer of the provider's next certificates (If-Match optional)."""
    settings = await certificate_settings.configure(
        session, principal=principal, provider_id=provider_id, body=body, if_match=if_match
    )
    return resource(settings)


@public_router.get(
    "/verify/{code}",
    response_model=VerificationOut,
    responses={
        **problem_responses(404, 422, 429),
        200: {"description": "JSON, or a small page for a browser (Accept: text/html)", "content": {"text/html": {}}},
    },
    openapi_extra={"security": []},
)
async def verify(
    code: Annotated[str, Path(min_length=1, max_length=100)], request: Request, session: Session
) -> ModelResponse | HTMLResponse:
    """Whether a certificate holds, for anyone with its code (no token; limited per address)."""
    settings = request.app.state.settings
    host = None if request.client is None else request.client.host
    await verification_limits.admit(request.app.state.engine, settings, host)
    found = await certificates.verify(session, code)
    if verification_page.prefers_html(request.headers.get("accept")):
        return HTMLResponse(verification_page.render(found), headers={"Vary": "Accept, Accept-Language"})
    return ModelResponse(found)
