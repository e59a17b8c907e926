"""A valid token before anything else: checked before routing, so the body is never parsed for a stranger.

FastAPI reads and parses a request body before it runs any dependency, so an anonymous request with a broken body
was answered 400/422 by the validation layer instead of 401. TokenFirst checks the bearer token before routing, so
every protected path answers 401 to a missing or bad token whatever the rest of the request looks like, and hands
the verified principal to the route's `authenticated` dependency so the token is read once.
"""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import FastAPI
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Receive, Scope, Send

from sinergi_shared.auth import TokenVerifier, bearer_token
from sinergi_shared.problems import Unauthorized, problem_response

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
    """Answers 401 problem+json to any request for a protected path that lacks a valid bearer token.

    Open are the exact `open_paths` and every path under one of `open_prefixes` (a public page with an id in it).
    """

    def __init__(
        self, app: ASGIApp, *, open_paths: Iterable[str] = OPEN_PATHS, open_prefixes: Iterable[str] = ()
    ) -> None:
        self.app = app
        self.open_paths = frozenset(open_paths)
        self.open_prefixes = tuple(open_prefixes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.open_paths or scope["path"].startswith(self.open_prefixes):
            await self.app(scope, receive, send)
            return
        header = ""
        for name, value in scope["headers"]:
            if name == b"authorization":
                header = value.decode("latin-1")
                break
        try:
            verifier: TokenVerifier = scope["app"].state.verifier
            principal = await verifier.verify(bearer_token(header))
        except Unauthorized as exc:
            await problem_response(exc)(scope, receive, send)
            return
        scope.setdefault("state", {})["principal"] = principal
        await self.app(scope, receive, send)


def install_limits(app: FastAPI, *, open_paths: Iterable[str] = OPEN_PATHS, open_prefixes: Iterable[str] = ()) -> None:
    """Token first, inside the service middleware (so 401s are traced and counted), before any route."""
    app.user_middleware.append(Middleware(TokenFirst, open_paths=open_paths, open_prefixes=tuple(open_prefixes)))
