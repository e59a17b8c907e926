"""The verifiers' keys expire: a retired key stops being trusted, forged key ids cannot hammer the registry,
clocks may differ by the leeway, and production refuses a JWKS that is not fetched over https."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest

from sinergi_shared.auth import InsecureKeySource, TokenVerifier
from sinergi_shared.problems import Unauthorized
from sinergi_shared.settings import ServiceSettings
from sinergi_shared.web import create_service_app
from tests.support.tokens import TestIssuer


class Registry:
    """A JWKS source whose published keys the test changes, counting the fetches."""

    def __init__(self, *issuers: TestIssuer) -> None:
        self.published = list(issuers)
        self.fetches = 0

    async def jwks(self) -> dict[str, Any]:
        self.fetches += 1
        return {"keys": [_public_jwk(i) for i in self.published]}


def _public_jwk(issuer: TestIssuer) -> dict[str, Any]:
    return json.loads(issuer.jwks_path.read_text())["keys"][0]  # type: ignore[no-any-return]


@pytest.fixture
def old_key(tmp_path: Path) -> TestIssuer:
    (tmp_path / "old").mkdir()
    return TestIssuer(tmp_path / "old")


@pytest.fixture
def new_key(tmp_path: Path) -> TestIssuer:
    (tmp_path / "new").mkdir()
    return TestIssuer(tmp_path / "new")


def verifier(registry: Registry, **options: float) -> TokenVerifier:
    return TokenVerifier(registry.jwks, issuer="sinergi-registry", audience="sinergi", **options)


async def test_a_retired_key_is_refused_after_the_next_refresh_even_for_a_token_verified_before(
    old_key: TestIssuer, new_key: TestIssuer
) -> None:
    registry = Registry(old_key, new_key)
    tokens = verifier(registry, refresh_interval_s=0.3)
    remembered = old_key.token(uuid.uuid4(), "admin")
    await tokens.verify(remembered)

    registry.published = [new_key]  # the registry retired the old key
    await asyncio.sleep(0.35)
    for token in (remembered, old_key.token(uuid.uuid4(), "admin")):
        with pytest.raises(Unauthorized, match="kunci yang tidak dikenal"):
            await tokens.verify(token)
    assert (await tokens.verify(new_key.token(uuid.uuid4(), "read"))).scopes == {"read"}
    assert registry.fetches == 3, "the first, the timed refresh, one look for the retired key id; no more"


async def test_a_key_replaced_under_the_same_key_id_drops_the_tokens_the_old_one_verified(
    old_key: TestIssuer, new_key: TestIssuer
) -> None:
    registry = Registry(old_key)
    tokens = verifier(registry, refresh_interval_s=0.3)
    remembered = old_key.token(uuid.uuid4(), "admin")
    await tokens.verify(remembered)

    new_key.kid = old_key.kid
    jwk = {**_public_jwk(new_key), "kid": old_key.kid}
    new_key.jwks_path.write_text(json.dumps({"keys": [jwk]}))
    registry.published = [new_key]
    await asyncio.sleep(0.35)
    with pytest.raises(Unauthorized, match="tidak sah"):
        await tokens.verify(remembered)


async def test_a_burst_of_forged_key_ids_fetches_the_jwks_at_most_once_per_interval(
    old_key: TestIssuer, new_key: TestIssuer
) -> None:
    registry = Registry(old_key)
    tokens = verifier(registry)  # the defaults: refresh every 300 s, chase an unknown key id once per 30 s

    async def burst() -> None:
        forged = [
            jwt.encode(
                {"sub": "x", "inst": str(uuid.uuid4()), "iss": "sinergi-registry", "aud": "sinergi", "exp": 2**31},
                new_key.key,
                algorithm="RS256",
                headers={"kid": uuid.uuid4().hex},
            )
            for _ in range(100)
        ]
        outcomes = await asyncio.gather(*(tokens.verify(t) for t in forged), return_exceptions=True)
        assert all(isinstance(o, Unauthorized) for o in outcomes)

    await tokens.verify(old_key.token(uuid.uuid4(), "read"))
    assert registry.fetches == 1
    await asyncio.sleep(1.1)
    await burst()
    assert registry.fetches == 2, "the first unknown key id may be a rotation: fetched once"
    await asyncio.sleep(1.1)
    await burst()
    assert registry.fetches == 2, "within 30 s of that fetch no forged key id fetches again"

    quick = Registry(old_key)
    tokens = verifier(quick, min_refresh_interval_s=0.3)
    await tokens.verify(old_key.token(uuid.uuid4(), "read"))
    await burst()
    await burst()
    assert quick.fetches == 2
    await asyncio.sleep(0.35)
    await burst()
    assert quick.fetches == 3, "once the interval passed, an unknown key id fetches once more"


async def test_a_rotated_key_is_fetched_at_once_when_no_unknown_key_id_was_chased_lately(
    old_key: TestIssuer, new_key: TestIssuer
) -> None:
    registry = Registry(old_key)
    tokens = verifier(registry)
    await tokens.verify(old_key.token(uuid.uuid4(), "read"))
    registry.published = [new_key, old_key]
    assert (await tokens.verify(new_key.token(uuid.uuid4(), "read"))).scopes == {"read"}


async def test_clocks_may_differ_by_the_leeway_and_no_more(old_key: TestIssuer) -> None:
    tokens = verifier(Registry(old_key), leeway_s=30)
    now = int(time.time())
    await tokens.verify(old_key.token(uuid.uuid4(), "read", exp=now - 10))
    await tokens.verify(old_key.token(uuid.uuid4(), "read", iat=now + 10, nbf=now + 10))
    with pytest.raises(Unauthorized, match="kedaluwarsa"):
        await tokens.verify(old_key.token(uuid.uuid4(), "read", exp=now - 40))
    with pytest.raises(Unauthorized, match="tidak sah"):
        await tokens.verify(old_key.token(uuid.uuid4(), "read", iat=now + 60, nbf=now + 60))


@pytest.mark.parametrize(
    "jwks_url",
    ["http://registry:8001/.well-known/jwks.json", "http://127.0.0.1:8001/.well-known/jwks.json", "file:///jwks.json"],
)
async def test_production_refuses_to_start_with_a_jwks_not_fetched_over_https(jwks_url: str) -> None:
    settings = ServiceSettings(service_name="tiny", mode="production", jwks_url=jwks_url)
    app = create_service_app(settings, title="tiny", description="tiny", routers=[])
    with pytest.raises(InsecureKeySource, match="https"):
        async with app.router.lifespan_context(app):
            pass


async def test_production_starts_with_an_https_jwks_and_local_mode_with_http() -> None:
    for mode, url in [("production", "https://registry.example/.well-known/jwks.json"), ("local", "http://x/jwks")]:
        settings = ServiceSettings(service_name="tiny", mode=mode, jwks_url=url)
        app = create_service_app(settings, title="tiny", description="tiny", routers=[])
        async with app.router.lifespan_context(app):
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
                assert (await c.get("/healthz")).status_code == 200
