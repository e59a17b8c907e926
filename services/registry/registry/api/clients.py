"""API client routes: register a client for an institution."""

from __future__ import annotations

from fastapi.responses import JSONResponse

from registry import clients
from registry.api.access import Admin
from registry.schemas import ClientCreate, ClientCreated
from sinergi_shared.http import IdempotencyKey, Session, api_router, fingerprint
from sinergi_shared.problems import problem_responses

router = api_router("oauth")


@router.post("/clients", status_code=201, response_model=ClientCreated, responses=problem_responses(409))
async def create_client(
    body: ClientCreate, session: Session, principal: Admin, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    """Register an API client for an institution (admin); the secret is shown once.

    A retry with the same Idempotency-Key and body returns the same client with a new secret.
    """
    # Not @idempotent: that replays a stored response, and a client's secret is never stored in clear.
    created = await clients.create_client(
        session,
        principal=principal,
        institution_id=body.institution_id,
        scopes=body.scopes,
        name=body.name,
        idempotency_key=idempotency_key,
        request_fingerprint=fingerprint("POST", "/clients", body.model_dump(mode="json")),
    )
    return JSONResponse(created, status_code=201, headers={"Cache-Control": "no-store"})
