"""Limits every service applies before a route runs: a valid token first, and the body cap as a 413 problem.

- FastAPI reads and parses a request body before it runs any dependency, so an anonymous request with a broken body
  was answered 400/422 by the validation layer instead of 401. TokenFirst checks the bearer token before routing, so
  every protected path answers 401 to a missing or bad token whatever the rest of the request looks like.
- The shared ServiceMiddleware caps a chunked body (no Content-Length) by raising while the body is read; FastAPI
  turns any such error into "400 There was an error parsing the body". BodyCapAs413 re-raises it as an HTTP 413,
  which FastAPI lets through to the problem handlers.
"""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import FastAPI
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sinergi_shared.auth import TokenVerifier
from sinergi_shared.problems import Unauthorized, problem_response
from sinergi_shared.web import _BodyTooLarge

# Paths that need no token (SPEC section 3) and the interactive documentation.
OPEN_PATHS = frozenset(
    {
        "/healthz",
        "/readyz",
        "/metrics",
        "/openapi.json",
        "/docs",
        "/docs/oauth2-redirect",
        "/redoc",
        "/asyncapi.json",
        "/oauth/token",
        "/.well-known/jwks.json",
    }
)


class TokenFirst:
    """Answers 401 problem+json to any request for a protected path that lacks a valid bearer token."""

    def __init__(self, app: ASGIApp, *, open_paths: Iterable[str] = OPEN_PATHS) -> None:
        self.app = app
        self.open_paths = frozenset(open_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.open_paths:
            await self.app(scope, receive, send)
            return
        header = ""
        for name, value in scope["headers"]:
            if name == b"authorization":
                header = value.decode("latin-1")
                break
        scheme, _, token = header.partition(" ")
        try:
            if scheme.lower() != "bearer" or not token.strip():
                raise Unauthorized("an Authorization: Bearer token is required")
            verifier: TokenVerifier = scope["app"].state.verifier
            await verifier.verify(token.strip())
        except Unauthorized as exc:
            await problem_response(exc)(scope, receive, send)
            return
        await self.app(scope, receive, send)


class BodyCapAs413:
    """Turns the body cap hit while a chunked body is read into an HTTP 413 that FastAPI does not swallow."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def receive_or_413() -> Message:
            try:
                return await receive()
            except _BodyTooLarge as exc:
                cap = scope["app"].state.settings.max_body_bytes
                raise HTTPException(413, f"the body exceeds {cap} bytes") from exc

        await self.app(scope, receive_or_413, send)


def install_limits(app: FastAPI, *, open_paths: Iterable[str] = OPEN_PATHS) -> None:
    """Both limits, inside the service middleware (so 401s and 413s are traced and counted), before any route."""
    app.user_middleware.append(Middleware(TokenFirst, open_paths=open_paths))
    app.user_middleware.append(Middleware(BodyCapAs413))
