"""OAuth2 client credentials: the token endpoint and the JWKS that verifies its tokens."""

from __future__ import annotations

import base64
import binascii
from urllib.parse import unquote

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from registry import clients, messages, token_limits, tokens
from registry.schemas import TokenResponse
from registry.tokens import OAuthError
from sinergi_shared.http import Session
from sinergi_shared.problems import problem_responses

router = APIRouter(tags=["oauth"])


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    """client_secret_basic: the client id and secret from an Authorization: Basic header."""
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise OAuthError(401, "invalid_client", messages.BASIC_MALFORMED()) from exc
    client_id, sep, secret = decoded.partition(":")
    if not sep:
        raise OAuthError(401, "invalid_client", messages.BASIC_MALFORMED())
    return unquote(client_id), unquote(secret)


@router.post(
    "/oauth/token",
    response_model=TokenResponse,
    summary="Client credentials grant",
    description=(
        "Form-encoded: grant_type=client_credentials, client_id, client_secret (or HTTP Basic), optional scope "
        "(a space-separated subset of the client's scopes). Errors carry RFC 6749 `error` and `error_description`. "
        "Attempts are limited per address and per client id before the secret is checked; one that ends in a "
        "token does not count. Past a limit: 429 `temporarily_unavailable` with Retry-After."
    ),
    responses=problem_responses(400, 401, 429),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "required": ["grant_type"],
                        "properties": {
                            "grant_type": {"type": "string", "enum": ["client_credentials"]},
                            "client_id": {"type": "string"},
                            "client_secret": {"type": "string"},
                            "scope": {"type": "string"},
                        },
                    }
                }
            },
        }
    },
)
async def token(request: Request, session: Session) -> JSONResponse:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        raise OAuthError(400, "invalid_request", messages.TOKEN_FORM_REQUIRED())
    form = await request.form()
    fields: dict[str, str] = {k: v for k, v in form.items() if isinstance(v, str)}
    if fields.get("grant_type") != "client_credentials":
        if not fields.get("grant_type"):
            raise OAuthError(400, "invalid_request", messages.GRANT_TYPE_REQUIRED())
        raise OAuthError(400, "unsupported_grant_type", messages.GRANT_TYPE_UNSUPPORTED())
    basic = _basic_credentials(request)
    client_id, client_secret = basic or (fields.get("client_id", ""), fields.get("client_secret", ""))
    if not client_id or not client_secret or "\x00" in client_id:
        raise OAuthError(401, "invalid_client", messages.CLIENT_CREDENTIALS_REQUIRED())
    settings = request.app.state.settings
    host = request.client.host if request.client else None
    limits = token_limits.limits_for(settings, client_id=client_id, host=host)
    await token_limits.admit(request.app.state.engine, settings, limits)
    client = await clients.authenticate(session, client_id=client_id, client_secret=client_secret)
    await token_limits.give_back(session, settings, limits)
    issued = await tokens.issue(session, settings, client=client, scope=fields.get("scope"))
    return JSONResponse(issued, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})


@router.get("/.well-known/jwks.json", summary="Public keys that verify the registry's tokens")
async def jwks(request: Request, session: Session) -> JSONResponse:
    keys = await tokens.published_keys(session, request.app.state.settings)
    return JSONResponse(keys, headers={"Cache-Control": "public, max-age=60"})
