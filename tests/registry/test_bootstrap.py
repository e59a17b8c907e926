"""The operator's bootstrap client: production refuses a weak secret; a restart never undoes what an operator did."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from registry.app import create_app
from registry.clients import WeakBootstrapSecret, refuse_weak_bootstrap_secret
from registry.config import Settings
from registry.domain.secrets import weakness
from registry.tokens import refuse_unprotected_signing_key
from sinergi_shared.production import UnsafeForProduction
from tests.registry.support import OPERATOR_ID, OPERATOR_SECRET, bearer, registry_service, scalar
from tests.support.service import RunningService, fresh_database
from tests.support.stack import drop_database
from tests.support.tokens import TestIssuer

STRONG = "q7Vw2xRk9Lm4Tz8Np3Hs6Jd1Fb5Gc0YaEu"  # 35 characters, 34 different

WEAK = {
    "the compose default": "change-me-operator-secret",
    "the local stack's demo secret": "operator-local-secret",
    "a default padded to length": "change-me-operator-secret-0123456789abcdef",
    "shorter than 32 characters": "x7Vw2xRk9Lm4Tz8Np3Hs6Jd1Fb5",
    "low variety": "abcabcabcabcabcabcabcabcabcabcabcabc",
    "one character repeated": "a" * 64,
}


def production(secret: str) -> Settings:
    return Settings(mode="production", bootstrap_client_id="operator", bootstrap_client_secret=secret)


@pytest.mark.parametrize("secret", WEAK.values(), ids=WEAK.keys())
def test_production_refuses_a_weak_bootstrap_secret_naming_the_setting(secret: str) -> None:
    with pytest.raises(WeakBootstrapSecret, match=r"REGISTRY_BOOTSTRAP_CLIENT_SECRET.*SINERGI_MODE=production"):
        refuse_weak_bootstrap_secret(production(secret))


def test_production_accepts_a_long_random_secret_and_local_mode_the_demo_one() -> None:
    refuse_weak_bootstrap_secret(production(STRONG))
    refuse_weak_bootstrap_secret(Settings(bootstrap_client_secret="change-me-operator-secret"))
    assert weakness(STRONG) is None


def test_the_mode_comes_from_sinergi_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SINERGI_MODE", "production")
    monkeypatch.setenv("REGISTRY_BOOTSTRAP_CLIENT_SECRET", "change-me-operator-secret")
    with pytest.raises(WeakBootstrapSecret):
        refuse_weak_bootstrap_secret(Settings())


async def test_a_production_registry_with_the_compose_secret_does_not_start(issuer: TestIssuer) -> None:
    settings = production("change-me-operator-secret").model_copy(update={"jwks_url": issuer.jwks_url})
    app = create_app(settings)
    with pytest.raises(WeakBootstrapSecret):
        async with app.router.lifespan_context(app):
            pass


@asynccontextmanager
async def restarted_after(
    action: str, topic_prefix: str, issuer: TestIssuer
) -> AsyncIterator[tuple[RunningService, dict[str, Any]]]:
    """A registry whose operator did `action` (rotate, revoke) to the bootstrap client, then restarted, and
    the action's answer."""
    dsn = await fresh_database("registry")
    try:
        async with registry_service(topic_prefix, issuer, dsn=dsn, keep_database=True) as svc:
            done = await svc.client.post(
                f"/clients/{OPERATOR_ID}/{action}", headers=await bearer(svc, OPERATOR_ID, OPERATOR_SECRET)
            )
            assert done.status_code == 200, done.text
        async with registry_service(topic_prefix, issuer, dsn=dsn, keep_database=True) as svc:
            yield svc, done.json()
    finally:
        await drop_database(dsn)


async def test_a_restart_keeps_the_rotated_secret_and_the_configured_one_stops_working(
    topic_prefix: str, issuer: TestIssuer
) -> None:
    async with restarted_after("rotate", topic_prefix, issuer) as (svc, rotated):
        assert await _token_status(svc.client, OPERATOR_ID, OPERATOR_SECRET) == 401
        assert await _token_status(svc.client, OPERATOR_ID, rotated["client_secret"]) == 200


async def test_a_restart_keeps_a_revoked_bootstrap_client_revoked(topic_prefix: str, issuer: TestIssuer) -> None:
    async with restarted_after("revoke", topic_prefix, issuer) as (svc, _):
        assert await _token_status(svc.client, OPERATOR_ID, OPERATOR_SECRET) == 401
        assert await scalar(svc, "SELECT active FROM api_clients WHERE client_id = $1", OPERATOR_ID) is False


async def _token_status(client: httpx.AsyncClient, client_id: str, secret: str) -> int:
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    return (await client.post("/oauth/token", data=form)).status_code


def _rsa_pem(passphrase: str | None) -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    protection = (
        serialization.BestAvailableEncryption(passphrase.encode()) if passphrase else serialization.NoEncryption()
    )
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, protection).decode()


def test_production_refuses_a_generated_signing_key() -> None:
    with pytest.raises(UnsafeForProduction, match=r"REGISTRY_SIGNING_KEY_PEM .* is required"):
        refuse_unprotected_signing_key(production(STRONG))


def test_production_refuses_an_unencrypted_signing_key_or_one_without_its_passphrase() -> None:
    settings = production(STRONG).model_copy(update={"signing_key_pem": _rsa_pem(None)})
    with pytest.raises(UnsafeForProduction, match="must be an encrypted PEM"):
        refuse_unprotected_signing_key(settings)
    settings = production(STRONG).model_copy(update={"signing_key_pem": _rsa_pem("a passphrase")})
    with pytest.raises(UnsafeForProduction, match="REGISTRY_SIGNING_KEY_PASSPHRASE"):
        refuse_unprotected_signing_key(settings)


async def test_a_production_registry_signs_with_its_encrypted_key(topic_prefix: str, issuer: TestIssuer) -> None:
    passphrase = "correct horse battery staple 42"
    pem = _rsa_pem(passphrase)
    overrides = {"mode": "production", "signing_key_pem": pem, "signing_key_passphrase": passphrase}
    async with registry_service(topic_prefix, issuer, bootstrap_client_secret=STRONG, **overrides) as svc:
        issued = (
            await svc.client.post(
                "/oauth/token",
                data={"grant_type": "client_credentials", "client_id": OPERATOR_ID, "client_secret": STRONG},
            )
        ).json()
        [published] = (await svc.client.get("/.well-known/jwks.json")).json()["keys"]
    header = jwt.get_unverified_header(issued["access_token"])
    assert header["kid"] == published["kid"]
    key = serialization.load_pem_private_key(pem.encode(), password=passphrase.encode())
    jwt.decode(issued["access_token"], key.public_key(), algorithms=["RS256"], audience="sinergi")  # type: ignore[arg-type]
