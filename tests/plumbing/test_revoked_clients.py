"""The verifier's revoked clients: a token issued before its client's revocation is refused, even when cached, and
the set is read again no more often than its refresh interval."""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest

from sinergi_shared.auth import TokenVerifier, jwks_from_url
from sinergi_shared.problems import Unauthorized
from sinergi_shared.revocations import RevokedClients
from tests.support.tokens import TestIssuer


class Source:
    """A revoked-clients table in memory that counts its reads and can fail."""

    def __init__(self) -> None:
        self.revoked: dict[str, float] = {}
        self.reads = 0
        self.failing = False

    async def __call__(self) -> dict[str, float]:
        self.reads += 1
        if self.failing:
            raise ConnectionError("database away")
        return dict(self.revoked)


def verifier(issuer: TestIssuer, revoked: RevokedClients) -> TokenVerifier:
    return TokenVerifier(jwks_from_url(issuer.jwks_url), issuer="sinergi-registry", audience="sinergi", revoked=revoked)


async def test_a_cached_token_is_refused_once_its_client_is_revoked(issuer: TestIssuer) -> None:
    source = Source()
    check = verifier(issuer, RevokedClients(source, refresh_s=0.05))
    token = issuer.token(uuid.uuid4(), "read", sub="client-a")
    assert (await check.verify(token)).client_id == "client-a"

    source.revoked["client-a"] = time.time()
    await asyncio.sleep(0.06)
    with pytest.raises(Unauthorized, match="dicabut"):
        await check.verify(token)


async def test_a_token_issued_after_the_revocation_time_is_not_refused(issuer: TestIssuer) -> None:
    source = Source()
    now = int(time.time())
    source.revoked["client-b"] = now - 10.5
    check = verifier(issuer, RevokedClients(source, refresh_s=30))
    with pytest.raises(Unauthorized):
        await check.verify(issuer.token(uuid.uuid4(), "read", sub="client-b", iat=now - 11))
    assert (await check.verify(issuer.token(uuid.uuid4(), "read", sub="client-b", iat=now))).client_id == "client-b"


async def test_the_set_is_read_at_most_once_per_interval_and_survives_a_failed_read() -> None:
    source = Source()
    source.revoked["client-c"] = time.time()
    revoked = RevokedClients(source, refresh_s=0.2)
    for _ in range(50):
        assert await revoked.revoked("client-c", issued_at=0)
    assert source.reads == 1

    source.failing = True
    await asyncio.sleep(0.21)
    assert await revoked.revoked("client-c", issued_at=0), "a failed read keeps the set in hand"
    assert await revoked.revoked("client-c", issued_at=0)
    assert source.reads == 2
