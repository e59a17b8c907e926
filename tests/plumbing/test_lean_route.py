"""LeanRoute: the plain request served lean, everything else by the FastAPI route it shadows, unchanged."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Annotated, Any

import httpx
import pytest
from fastapi import Depends, FastAPI, Header
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.datastructures import State
from starlette.types import ASGIApp, Receive, Scope, Send

from sinergi_shared.auth import Principal, authenticated
from sinergi_shared.lean import LeanRoute, install_lean_route
from sinergi_shared.problems import Conflict, Forbidden, install_problem_handlers

WRITER = Principal(client_id="w", institution_id=uuid.uuid4(), scopes=frozenset({"things:write"}))
READER = Principal(client_id="r", institution_id=uuid.uuid4(), scopes=frozenset({"read"}))
SHELF = uuid.UUID("6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f")


class ThingIn(BaseModel):
    name: str = Field(min_length=2)


class Caller:
    """Stands in for TokenFirst: the principal named by the Authorization header, in the request's state."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            token = dict(scope["headers"]).get(b"authorization", b"")
            scope.setdefault("state", {})["principal"] = READER if token == b"Bearer reader" else WRITER
        await self.app(scope, receive, send)


async def writer(principal: Annotated[Principal, Depends(authenticated)]) -> Principal:
    if not principal.has("things:write"):
        raise Forbidden("this action needs one of the scopes: things:write")
    return principal


Writer = Annotated[Principal, Depends(writer)]
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key")]


def build() -> tuple[FastAPI, list[str]]:
    """An app with one FastAPI route and a LeanRoute in front of it; `served` records which one answered."""
    app = FastAPI()
    install_problem_handlers(app)
    served: list[str] = []

    async def store(state: State, shelf_id: uuid.UUID, body: ThingIn, principal: Principal) -> JSONResponse:
        if body.name == "taken":
            raise Conflict("this name is taken")
        return JSONResponse({"shelf": str(shelf_id), "name": body.name, "by": principal.client_id}, status_code=201)

    @app.post("/shelves/{shelf_id}/things", status_code=201)
    async def add(
        shelf_id: uuid.UUID,
        body: ThingIn,
        principal: Writer,
        key: IdempotencyKey = None,
    ) -> JSONResponse:
        served.append("fastapi")
        return await store(app.state, shelf_id, body, principal)

    @app.get("/shelves/{shelf_id}/things")
    async def things(shelf_id: uuid.UUID) -> dict[str, Any]:
        return {"shelf": str(shelf_id), "things": []}

    async def lean(state: State, params: dict[str, Any], body: ThingIn, principal: Principal) -> JSONResponse:
        served.append("lean")
        return await store(state, params["shelf_id"], body, principal)

    install_lean_route(
        app, LeanRoute("/shelves/{shelf_id:uuid}/things", body=ThingIn, needs_scope="things:write", handler=lean)
    )
    app.add_middleware(Caller)
    return app, served


@pytest.fixture
async def client() -> AsyncIterator[tuple[httpx.AsyncClient, list[str], httpx.AsyncClient, list[str]]]:
    """The app with its LeanRoute, and the same app with the LeanRoute taken out, side by side."""
    app, served = build()
    bare, bare_served = build()
    bare.router.routes[:] = [r for r in bare.router.routes if not isinstance(r, LeanRoute)]
    async with (
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as lean,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=bare), base_url="http://t") as plain,
    ):
        yield lean, served, plain, bare_served


@pytest.mark.parametrize("shelf", [str(SHELF), str(SHELF).upper(), SHELF.hex], ids=["uuid", "upper", "hex"])
async def test_the_plain_request_is_served_lean_with_the_same_answer(client: Any, shelf: str) -> None:
    lean, served, plain, _ = client
    path = f"/shelves/{shelf}/things"
    a = await lean.post(path, json={"name": "box"})
    b = await plain.post(path, json={"name": "box"})
    assert served == ["lean"]
    assert (
        (a.status_code, a.json()) == (b.status_code, b.json()) == (201, {"shelf": str(SHELF), "name": "box", "by": "w"})
    )


async def test_an_error_the_lean_handler_raises_reaches_the_apps_problem_handlers(client: Any) -> None:
    lean, served, plain, _ = client
    path = f"/shelves/{SHELF}/things"
    a = await lean.post(path, json={"name": "taken"})
    b = await plain.post(path, json={"name": "taken"})
    assert served == ["lean"]
    assert a.status_code == b.status_code == 409
    assert a.headers["content-type"] == b.headers["content-type"] == "application/problem+json"
    assert a.json() == b.json()


@pytest.mark.parametrize(
    "case",
    [
        {"json": {"name": "x"}},  # the model refuses it: FastAPI's own 422
        {"content": b'{"name": "box"', "headers": {"content-type": "application/json"}},  # broken JSON
        {"content": b"name=box", "headers": {"content-type": "application/x-www-form-urlencoded"}},
        {"json": {"name": "box"}, "headers": {"idempotency-key": "k-1"}},
        {"json": {"name": "box"}, "headers": {"authorization": "Bearer reader"}},  # lacks the scope: 403
        {"json": {"name": "box"}, "path": "/shelves/not-a-uuid/things"},
        {"method": "GET"},
        {"method": "PUT", "json": {"name": "box"}},  # 405 as FastAPI answers it
    ],
    ids=["invalid", "broken-json", "form", "idempotency-key", "no-scope", "bad-uuid", "get", "put"],
)
async def test_anything_but_the_plain_request_is_answered_by_the_fastapi_route_as_before(
    client: Any, case: dict[str, Any]
) -> None:
    lean, served, plain, _ = client
    method = case.get("method", "POST")
    path = case.get("path", f"/shelves/{SHELF}/things")
    kwargs = {k: v for k, v in case.items() if k in ("json", "content", "headers")}
    a = await lean.request(method, path, **kwargs)
    b = await plain.request(method, path, **kwargs)
    assert "lean" not in served
    assert a.status_code == b.status_code
    assert a.headers.get("content-type") == b.headers.get("content-type")
    assert a.content == b.content


async def test_the_shadowed_route_stays_the_documented_one(client: Any) -> None:
    lean, _, plain, _ = client
    a = (await lean.get("/openapi.json")).json()
    b = (await plain.get("/openapi.json")).json()
    assert a == b
    assert "post" in a["paths"]["/shelves/{shelf_id}/things"]


async def test_a_body_sent_in_pieces_is_read_whole(client: Any) -> None:
    lean, served, _, _ = client

    async def pieces() -> AsyncIterator[bytes]:
        yield b'{"name": '
        yield b'"box"}'

    r = await lean.post(f"/shelves/{SHELF}/things", content=pieces(), headers={"content-type": "application/json"})
    assert served == ["lean"]
    assert r.status_code == 201 and r.json()["name"] == "box"


async def test_a_client_gone_mid_body_meets_the_fastapi_route_as_before() -> None:
    """The messages read so far are handed on as they came, the disconnect included."""

    async def outcome(app: FastAPI) -> tuple[str, list[int]]:
        messages = [
            {"type": "http.request", "body": b'{"name": "bo', "more_body": True},
            {"type": "http.disconnect"},
        ]

        async def receive() -> dict[str, Any]:
            return messages.pop(0) if messages else {"type": "http.disconnect"}

        sent: list[int] = []

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                sent.append(message["status"])

        path = f"/shelves/{SHELF}/things"
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": [(b"content-type", b"application/json")],
            "client": ("127.0.0.1", 1),
            "server": ("t", 80),
        }
        try:
            await app(scope, receive, send)  # type: ignore[arg-type]
        except Exception as exc:  # what escapes to the server, if anything
            return type(exc).__name__, sent
        return "answered", sent

    app, served = build()
    bare, _ = build()
    bare.router.routes[:] = [r for r in bare.router.routes if not isinstance(r, LeanRoute)]
    assert await outcome(app) == await outcome(bare)
    assert "lean" not in served
