"""API client routes: register, list, rotate the secret of and revoke an institution's clients (admin)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Query
from fastapi.responses import JSONResponse

from registry import clients
from registry.api.access import Admin
from registry.schemas import ClientCreate, ClientCreated, ClientFilters, ClientOut, ClientPage
from sinergi_shared.http import IdempotencyKey, ModelResponse, Session, api_router, fingerprint
from sinergi_shared.problems import problem_responses

router = api_router("oauth")

ClientId = Path(
    max_length=64, pattern=r"^[A-Za-z0-9._-]+$", description="The client's id, e.g. sinergi-3f9a0c1d2e4b5a67"
)
# A secret must not linger in a cache between the registry and the operator.
NO_STORE = {"Cache-Control": "no-store"}


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
    return JSONResponse(created, status_code=201, headers=NO_STORE)


@router.get("/clients", response_model=ClientPage)
async def list_clients(
    session: Session, principal: Admin, filters: Annotated[ClientFilters, Query()]
) -> dict[str, Any]:
    """List the API clients (admin), without their secrets; filter by institution_id or status."""
    return await clients.list_clients(session, filters=filters)


@router.post("/clients/{client_id}/rotate", response_model=ClientCreated, responses=problem_responses(409))
async def rotate_client_secret(session: Session, principal: Admin, client_id: str = ClientId) -> JSONResponse:
    """Give the client a new secret, shown once (admin); the old secret gets no token from now on.

    Tokens issued before the rotation stay valid until they expire: rotation is not revocation. 409 for a
    revoked client.
    """
    return JSONResponse(await clients.rotate_secret(session, client_id=client_id), headers=NO_STORE)


@router.post("/clients/{client_id}/revoke", response_model=ClientOut, responses=problem_responses(409))
async def revoke_client(session: Session, principal: Admin, client_id: str = ClientId) -> ModelResponse:
    """Revoke the client for good (admin): no more tokens, and every service refuses its tokens within a minute.

    409 when it is revoked already.
    """
    revoked = await clients.revoke(session, client_id=client_id)
    return ModelResponse(ClientOut.model_validate(revoked))
