"""OAuth2 client credentials, the JWKS, key rotation and the operator bootstrap, against the real stack."""

from __future__ import annotations

import asyncio
import base64
import json
import time
import uuid
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI

from registry.app import create_app
from registry.config import Settings
from registry.tokens import rotate_signing_key
from sinergi_shared.auth import TokenVerifier
from sinergi_shared.db import transaction
from sinergi_shared.problems import Unauthorized
from tests.registry.support import (
    OPERATOR_ID,
    OPERATOR_SECRET,
    bearer,
    create_client,
    create_institution,
    query,
    registry_service,
    scalar,
    token,
)
from tests.support.service import RunningService, fresh_database
from tests.support.stack import drop_database, sqlalchemy_url
from tests.support.tokens import TestIssuer


async def jwks_verifier(svc: RunningService) -> TokenVerifier:
    """A verifier that knows only the JWKS the registry publishes."""
    response = await svc.client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    jwks = response.json()

    async def source() -> dict[str, Any]:
        return jwks  # type: ignore[no-any-return]

    return TokenVerifier(source, issuer=svc.settings.token_issuer, audience=svc.settings.token_audience)


async def current_key(svc: RunningService) -> tuple[str, Any]:
    [row] = await query(svc, "SELECT kid, private_pem FROM signing_keys WHERE retired_at IS NULL")
    return row["kid"], serialization.load_pem_private_key(row["private_pem"].encode(), password=None)


def b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


async def test_a_registry_token_carries_the_contract_claims_and_verifies_from_the_jwks_alone(
    registry: RunningService, operator: dict[str, str]
) -> None:
    home = await create_institution(registry, operator, kind="agency")
    client_id, secret = await create_client(registry, operator, home["id"], "read", "registry:write")
    issued = await token(registry, client_id, secret)
    assert issued["token_type"] == "Bearer"
    assert issued["expires_in"] == 900
    assert issued["scope"] == "read registry:write"
    header = jwt.get_unverified_header(issued["access_token"])
    assert header["alg"] == "RS256" and header["kid"]
    claims = jwt.decode(issued["access_token"], options={"verify_signature": False})
    assert claims["iss"] == registry.settings.token_issuer
    assert claims["aud"] == registry.settings.token_audience
    assert claims["sub"] == client_id
    assert claims["inst"] == home["id"]
    assert claims["scope"] == "read registry:write"
    assert claims["exp"] - claims["iat"] == 900
    assert claims["jti"]

    principal = await (await jwks_verifier(registry)).verify(issued["access_token"])
    assert principal.client_id == client_id
    assert str(principal.institution_id) == home["id"]
    assert principal.scopes == {"read", "registry:write"}


async def test_expired_tampered_and_unsigned_tokens_are_refused(
    registry: RunningService, operator: dict[str, str]
) -> None:
    verifier = await jwks_verifier(registry)
    kid, key = await current_key(registry)
    now = int(time.time())
    claims = {
        "iss": registry.settings.token_issuer,
        "aud": registry.settings.token_audience,
        "sub": "someone",
        "inst": str(uuid.uuid4()),
        "scope": "read",
        "iat": now - 2000,
        "exp": now - 1000,
        "jti": "x",
    }
    expired = jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})
    valid = operator["Authorization"].removeprefix("Bearer ")
    head, payload, signature = valid.split(".")
    widened = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    widened["inst"] = str(uuid.uuid4())
    tampered = f"{head}.{b64(widened)}.{signature}"
    unsigned = f"{b64({'alg': 'none', 'kid': kid, 'typ': 'JWT'})}.{b64({**claims, 'exp': now + 600})}."
    stranger = jwt.encode(
        {**claims, "exp": now + 600},
        rsa.generate_private_key(public_exponent=65537, key_size=2048),
        algorithm="RS256",
        headers={"kid": kid},
    )
    for bad in (expired, tampered, unsigned, stranger):
        with pytest.raises(Unauthorized):
            await verifier.verify(bad)
        response = await registry.client.get("/institutions", headers={"Authorization": f"Bearer {bad}"})
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
    assert (await verifier.verify(valid)).client_id == OPERATOR_ID


async def test_token_endpoint_errors_are_json_with_rfc6749_codes(
    registry: RunningService, operator: dict[str, str]
) -> None:
    home = await create_institution(registry, operator, kind="agency")
    client_id, secret = await create_client(registry, operator, home["id"], "read")
    post = registry.client.post

    def form(**fields: str) -> dict[str, str]:
        return {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret, **fields}

    wrong = await post("/oauth/token", data=form(client_secret="wrong"))
    assert wrong.status_code == 401
    assert wrong.json()["error"] == "invalid_client"
    unknown = await post("/oauth/token", data=form(client_id="nobody"))
    assert unknown.status_code == 401 and unknown.json()["error"] == "invalid_client"
    scope = await post("/oauth/token", data=form(scope="read admin"))
    assert scope.status_code == 400 and scope.json()["error"] == "invalid_scope"
    grant = await post("/oauth/token", data=form(grant_type="password"))
    assert grant.status_code == 400 and grant.json()["error"] == "unsupported_grant_type"
    as_json = await post("/oauth/token", json=form())
    assert as_json.status_code == 400 and as_json.json()["error"] == "invalid_request"
    for response in (wrong, unknown, scope, grant, as_json):
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["error_description"]

    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    via_basic = await post(
        "/oauth/token", data={"grant_type": "client_credentials"}, headers={"Authorization": f"Basic {basic}"}
    )
    assert via_basic.status_code == 200
    assert via_basic.headers["cache-control"] == "no-store"


async def test_a_narrower_scope_yields_a_token_with_only_that_scope(registry: RunningService) -> None:
    issued = await token(registry, OPERATOR_ID, OPERATOR_SECRET, scope="read")
    assert issued["scope"] == "read"
    headers = {"Authorization": f"Bearer {issued['access_token']}"}
    assert (await registry.client.get("/institutions", headers=headers)).status_code == 200
    create = await registry.client.post(
        "/institutions", json={"code": "NARROW", "name": "X", "kind": "agency"}, headers=headers
    )
    assert create.status_code == 403


async def test_clients_are_admin_only_validated_and_their_secret_is_stored_hashed(
    registry: RunningService, operator: dict[str, str]
) -> None:
    home = await create_institution(registry, operator, kind="agency")
    not_admin = await bearer(registry, *await create_client(registry, operator, home["id"], "read", "coordinator"))
    body = {"institution_id": home["id"], "scopes": ["read"], "name": "SIMPEG"}
    assert (await registry.client.post("/clients", json=body)).status_code == 401
    assert (await registry.client.post("/clients", json=body, headers=not_admin)).status_code == 403
    bad_scope = await registry.client.post("/clients", json={**body, "scopes": ["read", "root"]}, headers=operator)
    assert bad_scope.status_code == 422 and bad_scope.json()["errors"][0]["field"] == "scopes"
    bad_inst = await registry.client.post(
        "/clients", json={**body, "institution_id": str(uuid.uuid4())}, headers=operator
    )
    assert bad_inst.status_code == 422 and bad_inst.json()["errors"][0]["field"] == "institution_id"

    created = await registry.client.post("/clients", json=body, headers=operator)
    assert created.status_code == 201
    client_id, secret = created.json()["client_id"], created.json()["client_secret"]
    stored = await scalar(registry, "SELECT secret_hash FROM api_clients WHERE client_id = $1", client_id)
    assert stored.startswith("scrypt$") and secret not in stored
    assert (await token(registry, client_id, secret))["scope"] == "read"


async def test_a_deactivated_institutions_client_gets_no_more_tokens(
    registry: RunningService, operator: dict[str, str]
) -> None:
    home = await create_institution(registry, operator, kind="agency")
    client_id, secret = await create_client(registry, operator, home["id"], "read")
    assert (await token(registry, client_id, secret))["scope"] == "read"

    r = await registry.client.post(f"/institutions/{home['id']}/deactivate", headers=operator)
    assert r.status_code == 200, r.text
    refused = await registry.client.post(
        "/oauth/token", data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    )
    assert refused.status_code == 401
    assert refused.json()["error"] == "invalid_client" and "dinonaktifkan" in refused.json()["error_description"]


async def test_idempotent_client_creation_keeps_one_client_and_hands_out_a_working_secret(
    registry: RunningService, operator: dict[str, str]
) -> None:
    home = await create_institution(registry, operator, kind="agency")
    headers = {**operator, "Idempotency-Key": uuid.uuid4().hex}
    body = {"institution_id": home["id"], "scopes": ["read"], "name": "e-Kinerja"}
    first = await registry.client.post("/clients", json=body, headers=headers)
    second = await registry.client.post("/clients", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json()["client_id"] == second.json()["client_id"]
    assert {k: v for k, v in first.json().items() if k != "client_secret"} == {
        k: v for k, v in second.json().items() if k != "client_secret"
    }
    assert (
        await scalar(registry, "SELECT count(*) FROM api_clients WHERE institution_id = $1", uuid.UUID(home["id"])) == 1
    )
    # The secret is never kept in clear, so a replay rotates it: the latest one handed out works.
    await token(registry, second.json()["client_id"], second.json()["client_secret"])
    stale = await registry.client.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": first.json()["client_id"],
            "client_secret": first.json()["client_secret"],
        },
    )
    assert stale.status_code == 401
    stored = await scalar(
        registry, "SELECT body::text FROM idempotency_keys WHERE key = $1", headers["Idempotency-Key"]
    )
    assert second.json()["client_secret"] not in stored and first.json()["client_secret"] not in stored
    different = await registry.client.post("/clients", json={**body, "name": "Other"}, headers=headers)
    assert different.status_code == 409


async def test_rotation_keeps_the_old_key_published_until_its_tokens_expired(
    topic_prefix: str, issuer: TestIssuer
) -> None:
    async with registry_service(topic_prefix, issuer, relay=False) as svc:
        old_headers = await bearer(svc, OPERATOR_ID, OPERATOR_SECRET)
        old_kid = jwt.get_unverified_header(old_headers["Authorization"].removeprefix("Bearer "))["kid"]
        async with transaction(svc.app.state.sessions) as session:
            new_kid = await rotate_signing_key(session, svc.settings)  # type: ignore[arg-type]
        assert new_kid != old_kid
        new_headers = await bearer(svc, OPERATOR_ID, OPERATOR_SECRET)
        assert jwt.get_unverified_header(new_headers["Authorization"].removeprefix("Bearer "))["kid"] == new_kid
        kids = [k["kid"] for k in (await svc.client.get("/.well-known/jwks.json")).json()["keys"]]
        assert kids == [new_kid, old_kid]
        for headers in (old_headers, new_headers):
            assert (await svc.client.get("/institutions", headers=headers)).status_code == 200

        # Once every token the old key signed has expired (ttl + grace), it leaves the JWKS.
        await query(
            svc,
            "UPDATE signing_keys SET retired_at = now() - make_interval(secs => $1) WHERE kid = $2",
            float(svc.settings.token_ttl_s + svc.settings.jwks_grace_s + 1),  # type: ignore[attr-defined]
            old_kid,
        )
        kids = [k["kid"] for k in (await svc.client.get("/.well-known/jwks.json")).json()["keys"]]
        assert kids == [new_kid]
        fresh = TokenVerifier(
            lambda: _jwks(svc),
            issuer=svc.settings.token_issuer,
            audience=svc.settings.token_audience,
        )
        with pytest.raises(Unauthorized):
            await fresh.verify(old_headers["Authorization"].removeprefix("Bearer "))
        assert (await fresh.verify(new_headers["Authorization"].removeprefix("Bearer "))).client_id == OPERATOR_ID


async def _jwks(svc: RunningService) -> dict[str, Any]:
    return (await svc.client.get("/.well-known/jwks.json")).json()  # type: ignore[no-any-return]


async def test_a_configured_signing_key_signs_and_is_never_stored_in_the_database(
    topic_prefix: str, issuer: TestIssuer
) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    async with registry_service(topic_prefix, issuer, relay=False, signing_key_pem=pem) as svc:
        headers = await bearer(svc, OPERATOR_ID, OPERATOR_SECRET)
        access = headers["Authorization"].removeprefix("Bearer ")
        jwks = (await svc.client.get("/.well-known/jwks.json")).json()
        [published] = jwks["keys"]
        assert jwt.get_unverified_header(access)["kid"] == published["kid"]
        jwt.decode(access, key.public_key(), algorithms=["RS256"], audience=svc.settings.token_audience)
        assert await scalar(svc, "SELECT count(*) FROM signing_keys WHERE private_pem IS NOT NULL") == 0


async def test_two_instances_starting_at_once_bootstrap_one_operator_and_one_key(issuer: TestIssuer) -> None:
    dsn = await fresh_database("registry")
    try:
        settings = Settings(
            database_url=sqlalchemy_url(dsn),
            jwks_url=issuer.jwks_url,
            topic_prefix="unused.",
            bootstrap_client_id=OPERATOR_ID,
            bootstrap_client_secret=OPERATOR_SECRET,
        )
        apps = [create_app(settings), create_app(settings)]
        both_started = asyncio.Barrier(2)

        async def start(app: FastAPI) -> None:
            async with app.router.lifespan_context(app):
                await both_started.wait()

        await asyncio.gather(*(start(app) for app in apps))
        svc = RunningService(app=apps[0], client=None, settings=settings, dsn=dsn)  # type: ignore[arg-type]
        assert await scalar(svc, "SELECT count(*) FROM api_clients") == 1
        assert await scalar(svc, "SELECT count(*) FROM signing_keys") == 1
        codes = [r["code"] for r in await query(svc, "SELECT code FROM institutions ORDER BY code")]
        assert codes == ["BPSDM-KEMENDAGRI", "KEMENDAGRI"]
        assert await scalar(svc, "SELECT count(*) FROM event_log WHERE type = 'institution.registered'") == 2
        [client] = await query(svc, "SELECT scopes, institution_id FROM api_clients")
        assert client["scopes"] == ["admin", "coordinator", "read", "registry:write"]
        home = await scalar(svc, "SELECT id FROM institutions WHERE code = 'BPSDM-KEMENDAGRI'")
        assert client["institution_id"] == home
    finally:
        await drop_database(dsn)
