"""A lean entrance to one hot route: its plain request served without FastAPI's per-request machinery.

FastAPI (0.163) matches the routes of an included router several times per request and inspects every
dependency again on each call: 0.3 ms of CPU per request in process before the route does any work, and
under load about a third of what a nomination cost in all (BENCHMARKS.md, change 26). For the request the
system takes in bulk, a LeanRoute placed first among the app's routes serves the plain case itself:

- a POST to the route's path, its path parameters converted as Starlette converts them;
- a JSON body (Content-Type application/json) that the body model accepts;
- no Idempotency-Key;
- a caller, verified by TokenFirst before routing, who holds the scope the route needs.

Every other request goes on to the FastAPI route the LeanRoute shadows, as if the LeanRoute were not
there. That route stays the one documented in OpenAPI, and it alone answers the errors of parsing and
validation. Errors the lean handler raises reach the app's problem handlers, as from any route.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel, ValidationError
from starlette.datastructures import State
from starlette.responses import Response
from starlette.routing import Match, Route
from starlette.types import Message, Receive, Scope, Send

from sinergi_shared.auth import Principal

# (the app's state, path parameters as converted, the parsed body, the caller) -> the response
LeanHandler = Callable[[State, dict[str, Any], Any, Principal], Awaitable[Response]]

_DECLINED = "sinergi.lean_declined"


class LeanRoute(Route):
    """Serves the plain POST to `path` with `handler`; hands anything else to the app's router again."""

    def __init__(self, path: str, *, body: type[BaseModel], needs_scope: str, handler: LeanHandler) -> None:
        super().__init__(path, endpoint=self._serve, methods=["POST"], include_in_schema=False)
        self.app = self._serve  # a plain ASGI callable: no Request object, no response wrapper
        self.body = body
        self.needs_scope = needs_scope
        self.handler = handler

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] != "http" or scope["method"] != "POST" or scope.get(_DECLINED):
            return Match.NONE, {}
        return super().matches(scope)

    async def _serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        principal: Principal | None = scope.get("state", {}).get("principal")
        if principal is None or not principal.has(self.needs_scope) or not _plain_json(scope["headers"]):
            await _decline(scope, receive, send)
            return
        messages = await _read_body(receive)
        replay = _replaying(messages, receive)
        try:
            if messages[-1]["type"] != "http.request":  # the client went away while sending
                raise ValueError("no whole body")
            parsed = self.body.model_validate_json(b"".join(m.get("body", b"") for m in messages))
        except (ValidationError, ValueError):
            await _decline(scope, replay, send)
            return
        scope["route"] = self  # what the metrics and the access log name the request by (path_format)
        response = await self.handler(scope["app"].state, scope["path_params"], parsed, principal)
        await response(scope, replay, send)


def install_lean_route(app: FastAPI, route: LeanRoute) -> None:
    """Put the lean route before every other route of the app."""
    app.router.routes.insert(0, route)


def _plain_json(headers: list[tuple[bytes, bytes]]) -> bool:
    """A JSON body and no Idempotency-Key."""
    json = False
    for name, value in headers:
        if name == b"idempotency-key":
            return False
        if name == b"content-type":
            json = value.split(b";", 1)[0].strip().lower() == b"application/json"
    return json


async def _read_body(receive: Receive) -> list[Message]:
    """The messages of the request's body, up to the last one or to the client's going away."""
    messages = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request" or not message.get("more_body", False):
            return messages


def _replaying(messages: list[Message], receive: Receive) -> Receive:
    """A receive that hands out the messages already read once, in order, then what the connection says next."""
    pending = list(messages)

    async def replay() -> Message:
        return pending.pop(0) if pending else await receive()

    return replay


async def _decline(scope: Scope, receive: Receive, send: Send) -> None:
    """Route the request again, this LeanRoute left out: the FastAPI route serves it as it would anyway."""
    scope[_DECLINED] = True
    await scope["router"](scope, receive, send)
