"""Pure plumbing: the CloudEvents envelope, token verification, problem+json and HTTP helpers."""

from __future__ import annotations

import base64
import json
import time
import uuid

import httpx
import jwt
import pytest
from fastapi import APIRouter, Depends, FastAPI
from pydantic import BaseModel, ConfigDict

from sinergi_shared.auth import Caller, TokenVerifier, jwks_from_url, require_scope
from sinergi_shared.events import CloudEvent, MalformedEvent
from sinergi_shared.http import check_if_match, decode_cursor, encode_cursor
from sinergi_shared.problems import PreconditionFailed, PreconditionRequired, Unauthorized, Unprocessable
from sinergi_shared.settings import ServiceSettings
from sinergi_shared.web import create_service_app
from tests.support.tokens import TestIssuer


def test_cloudevent_round_trips_through_kafka_headers() -> None:
    event = CloudEvent(
        type="institution.registered",
        source="registry",
        subject="abc",
        data={"x": 1},
        traceparent="00-" + "a" * 32 + "-" + "b" * 16 + "-01",
    )
    back = CloudEvent.from_kafka(event.headers(), event.value())
    assert (back.id, back.type, back.source, back.subject, back.data, back.traceparent) == (
        event.id,
        "institution.registered",
        "registry",
        "abc",
        {"x": 1},
        event.traceparent,
    )


@pytest.mark.parametrize(
    ("headers", "value", "reason"),
    [
        ([], b"{}", "missing CloudEvents headers"),
        ([("ce_specversion", b"0.3"), ("ce_id", b"1"), ("ce_source", b"s"), ("ce_type", b"t")], b"{}", "specversion"),
        (
            [("ce_specversion", b"1.0"), ("ce_id", b"1"), ("ce_source", b"s"), ("ce_type", b"t")],
            b"not json",
            "not JSON",
        ),
        ([("ce_specversion", b"1.0"), ("ce_id", b"1"), ("ce_source", b"s"), ("ce_type", b"t")], b"[1]", "JSON object"),
    ],
)
def test_malformed_messages_are_refused_with_a_reason(headers, value, reason) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(MalformedEvent, match=reason):
        CloudEvent.from_kafka(headers, value)


@pytest.fixture
def verifier(issuer: TestIssuer) -> TokenVerifier:
    return TokenVerifier(jwks_from_url(issuer.jwks_url), issuer="sinergi-registry", audience="sinergi")


async def test_valid_token_yields_the_callers_institution_and_scopes(
    issuer: TestIssuer, verifier: TokenVerifier
) -> None:
    inst = uuid.uuid4()
    principal = await verifier.verify(issuer.token(inst, "read", "enrollments:write"))
    assert principal.institution_id == inst
    assert principal.scopes == {"read", "enrollments:write"}
    assert principal.may_reach(inst) and not principal.may_reach(uuid.uuid4())


async def test_expired_tampered_unsigned_and_foreign_tokens_are_refused(
    issuer: TestIssuer, verifier: TokenVerifier, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    inst = uuid.uuid4()
    expired = issuer.token(inst, "read", exp=int(time.time()) - 60)  # beyond the 30 s leeway
    good = issuer.token(inst, "read")
    head, body, sig = good.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=="))
    claims["scope"] = "admin"
    tampered = f"{head}.{base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip('=')}.{sig}"
    unsigned = jwt.encode(
        {**claims, "exp": int(time.time()) + 60}, key=None, algorithm="none", headers={"kid": issuer.kid}
    )
    wrong_audience = issuer.token(inst, "read", aud="someone-else")
    stranger = TestIssuer(tmp_path)
    stranger.kid = issuer.kid  # same key id, different key: the signature must not verify
    foreign = stranger.token(inst, "admin")
    for token, reason in [
        (expired, "kedaluwarsa"),
        (tampered, "tidak sah"),
        (unsigned, "Algoritme"),
        (wrong_audience, "tidak sah"),
        (foreign, "tidak sah"),
        ("not-a-jwt", "Format token"),
    ]:
        with pytest.raises(Unauthorized, match=reason):
            await verifier.verify(token)


class Thing(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    size: int


def tiny_app(issuer: TestIssuer) -> FastAPI:
    router = APIRouter()

    @router.post("/things", status_code=201)
    async def create(thing: Thing, caller: Caller) -> dict[str, str]:
        return {"name": thing.name, "by": str(caller.institution_id)}

    @router.post("/admin-only", dependencies=[Depends(require_scope("admin"))])
    async def admin_only() -> dict[str, str]:
        return {"ok": "yes"}

    @router.get("/boom")
    async def boom() -> None:
        raise ZeroDivisionError("secret internals")

    settings = ServiceSettings(service_name="tiny", jwks_url=issuer.jwks_url, max_body_bytes=1000)
    return create_service_app(settings, title="tiny", description="tiny", routers=[router])


async def test_errors_are_problem_json_without_internals(issuer: TestIssuer) -> None:
    app = tiny_app(issuer)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, raise_app_exceptions=False), base_url="http://t"
        ) as c:
            inst = uuid.uuid4()
            auth = issuer.headers(inst, "read")

            r = await c.post("/things", json={"name": "x"})
            assert r.status_code == 401 and r.headers["content-type"] == "application/problem+json"
            assert r.headers["www-authenticate"].startswith("Bearer")

            r = await c.post("/things", json={"name": "x", "size": "big", "extra": 1}, headers=auth)
            body = r.json()
            assert r.status_code == 422 and body["status"] == 422 and body["title"] == "Data tidak valid"
            assert {e["field"] for e in body["errors"]} == {"size", "extra"}

            r = await c.post("/things", content=b"{not json", headers={**auth, "content-type": "application/json"})
            assert r.status_code == 422

            r = await c.post("/things", content=b"x" * 2000, headers={**auth, "content-type": "application/json"})
            assert r.status_code == 413 and r.json()["status"] == 413

            r = await c.post("/admin-only", headers=auth)
            assert r.status_code == 403 and "admin" in r.json()["detail"]

            r = await c.get("/nowhere")
            assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json"

            r = await c.get("/boom")
            assert r.status_code == 500 and "secret internals" not in r.text and "Traceback" not in r.text

            r = await c.post("/things", json={"name": "x", "size": 1}, headers=auth)
            assert r.status_code == 201 and r.json()["by"] == str(inst)
            assert r.headers["traceparent"].startswith("00-")

            r = await c.get("/healthz")
            assert r.json() == {"status": "ok"}
            r = await c.get("/metrics")
            assert "sinergi_http_requests_total" in r.text


def test_cursor_round_trip_and_garbage_cursor_is_a_422() -> None:
    assert decode_cursor(encode_cursor("2026-01-01T00:00:00Z", "abc"), 2) == ["2026-01-01T00:00:00Z", "abc"]
    for garbage in ("%%%", encode_cursor("a"), base64.urlsafe_b64encode(b'{"a":1}').decode()):
        with pytest.raises(Unprocessable):
            decode_cursor(garbage, 2)


def test_if_match_must_name_the_current_version() -> None:
    check_if_match('"3"', 3)
    check_if_match('W/"3"', 3)
    with pytest.raises(PreconditionFailed):
        check_if_match('"2"', 3)
    with pytest.raises(PreconditionRequired):
        check_if_match(None, 3)
