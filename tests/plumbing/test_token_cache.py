"""The verified-token cache: a token's signature is checked once, yet expiry and tampering still refuse it."""

from __future__ import annotations

import asyncio
import time
import uuid

import jwt
import pytest

from sinergi_shared import auth
from sinergi_shared.auth import TokenVerifier, jwks_from_url
from sinergi_shared.problems import Unauthorized
from tests.support.tokens import TestIssuer


@pytest.fixture
def verifier(issuer: TestIssuer) -> TokenVerifier:
    # No leeway, so a token is refused the second it expires.
    return TokenVerifier(jwks_from_url(issuer.jwks_url), issuer="sinergi-registry", audience="sinergi", leeway_s=0)


async def test_a_verified_token_is_checked_once_and_refused_after_its_expiry(
    issuer: TestIssuer, verifier: TokenVerifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    decoded = 0
    real_decode = jwt.decode

    def counting_decode(*args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal decoded
        decoded += 1
        return real_decode(*args, **kwargs)

    monkeypatch.setattr(auth.jwt, "decode", counting_decode)
    inst = uuid.uuid4()
    expires = int(time.time()) + 2
    token = issuer.token(inst, "read", exp=expires)
    first = await verifier.verify(token)
    second = await verifier.verify(token)
    assert first == second and first.institution_id == inst
    assert decoded == 1, "the second request with the same token reuses the verified principal"

    await asyncio.sleep(max(0.0, expires - time.time()) + 0.2)
    with pytest.raises(Unauthorized, match="kedaluwarsa"):
        await verifier.verify(token)
    assert decoded == 2


async def test_a_tampered_copy_of_a_cached_token_is_refused(issuer: TestIssuer, verifier: TokenVerifier) -> None:
    token = issuer.token(uuid.uuid4(), "read")
    await verifier.verify(token)
    head, body, sig = token.split(".")
    flipped = sig[:-2] + ("AA" if sig[-2:] != "AA" else "BB")
    with pytest.raises(Unauthorized, match="tidak sah"):
        await verifier.verify(f"{head}.{body}.{flipped}")


async def test_the_cache_stays_bounded(issuer: TestIssuer) -> None:
    verifier = TokenVerifier(
        jwks_from_url(issuer.jwks_url), issuer="sinergi-registry", audience="sinergi", cache_size=4
    )
    for _ in range(10):
        await verifier.verify(issuer.token(uuid.uuid4(), "read"))
    assert len(verifier._verified) <= 4
