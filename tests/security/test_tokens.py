"""Part 5 (tokens): every way a bearer token can be wrong is refused with 401 problem+json on every service."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Callable
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.security.support import RegistryKey, Services, registry_key
from tests.support.tokens import TestIssuer

PROBLEM = "application/problem+json"
# A protected read per service that a valid admin/coordinator token may call.
PROBE = {"registry": "/institutions", "enrollment": "/programs", "funding": "/budgets"}
_OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)

Signer = Callable[..., str]


def _signers(key_pem: Any, kid: str, issuer: str) -> Signer:
    """Sign claims as the trusted issuer would, then let a case override claims, header, key or algorithm."""

    def sign(
        *, key: Any = key_pem, algorithm: str = "RS256", header: dict[str, Any] | None = None, **claims: Any
    ) -> str:
        now = int(time.time())
        body: dict[str, Any] = {
            "iss": issuer,
            "aud": "sinergi",
            "sub": "security-client",
            "inst": str(uuid.uuid4()),
            "scope": "admin coordinator read",
            "iat": now,
            "exp": now + 300,
        }
        for name, value in claims.items():
            if value is None:
                body.pop(name, None)
            else:
                body[name] = value
        return jwt.encode(body, key, algorithm=algorithm, headers={"kid": kid, **(header or {})})

    return sign


def _unsigned(claims_token: str) -> str:
    """The same claims with `alg: none` and no signature."""
    _, payload, _ = claims_token.split(".")
    none = base64.urlsafe_b64encode(json.dumps({"alg": "none", "typ": "JWT"}).encode()).decode().rstrip("=")
    return f"{none}.{payload}."


def _cases(sign: Signer, public_pem: bytes) -> dict[str, str]:
    now = int(time.time())
    good = sign()
    header = good.split(".")[0]
    return {
        "alg none": _unsigned(good),
        "alg none with the real key id": jwt.encode(
            {"iss": "sinergi-registry", "aud": "sinergi", "sub": "x", "inst": str(uuid.uuid4()), "exp": now + 300},
            None,
            algorithm="none",
            headers={"kid": jwt.get_unverified_header(good)["kid"]},
        ),
        "HS256 signed with the public key": _hs256_with_public_key(good, public_pem),
        "signed by another key under the real key id": sign(key=_OTHER_KEY),
        "unknown key id": sign(header={"kid": "not-a-key"}),
        "no key id": _without_kid(good),
        "tampered claims": ".".join((header, sign(scope="admin registry:write").split(".")[1], good.split(".")[2])),
        "wrong audience": sign(aud="another-api"),
        "wrong issuer": sign(iss="https://evil.example"),
        "expired": sign(iat=now - 1000, exp=now - 400),
        "not yet valid (nbf)": sign(nbf=now + 600),
        "issued in the future (iat)": sign(iat=now + 600, exp=now + 900),
        "no expiry": sign(exp=None),
        "missing inst": sign(inst=None),
        "inst not a UUID": sign(inst="kemendagri"),
        "not a JWT": "not.a.jwt",
        "empty bearer": "",
    }


def _without_kid(good: str) -> str:
    """The token's signature and claims under a header that names no key."""
    _, payload, signature = good.split(".")
    head = base64.urlsafe_b64encode(json.dumps({"alg": "RS256", "typ": "JWT"}).encode()).decode().rstrip("=")
    return f"{head}.{payload}.{signature}"


def _hs256_with_public_key(good: str, public_pem: bytes) -> str:
    """The classic key-confusion forgery: HMAC over the token with the RSA public key as the secret."""
    kid = jwt.get_unverified_header(good)["kid"]
    head = base64.urlsafe_b64encode(json.dumps({"alg": "HS256", "kid": kid}).encode()).decode().rstrip("=")
    payload = good.split(".")[1]
    mac = hmac.new(public_pem, f"{head}.{payload}".encode(), hashlib.sha256).digest()
    return f"{head}.{payload}.{base64.urlsafe_b64encode(mac).decode().rstrip('=')}"


def _public_pem(private_key: Any) -> bytes:
    if isinstance(private_key, str):
        private_key = serialization.load_pem_private_key(private_key.encode(), password=None)
    return private_key.public_key().public_bytes(  # type: ignore[no-any-return]
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


@pytest.fixture(scope="session")
async def signers(services: Services, issuer: TestIssuer) -> dict[str, tuple[Signer, bytes]]:
    """Per service: a signer with the key that service trusts, and that key's public PEM."""
    key: RegistryKey = await registry_key(services.registry)
    test_signer = _signers(issuer.key, issuer.kid, issuer.issuer)
    return {
        "registry": (_signers(key.pem, key.kid, "sinergi-registry"), _public_pem(key.pem)),
        "enrollment": (test_signer, _public_pem(issuer.key)),
        "funding": (test_signer, _public_pem(issuer.key)),
    }


@pytest.mark.parametrize("service", ["registry", "enrollment", "funding"])
async def test_every_bad_token_is_refused_with_401_and_a_good_one_passes(
    service: str, services: Services, signers: dict[str, tuple[Signer, bytes]]
) -> None:
    sign, public_pem = signers[service]
    client = services[service].client
    control = await client.get(PROBE[service], headers={"Authorization": f"Bearer {sign()}"})
    assert control.status_code == 200, control.text  # the forging itself is sound: the untouched token passes
    cases = _cases(sign, public_pem)
    for name, token in cases.items():
        response = await client.get(PROBE[service], headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, f"{service} {name}: {response.status_code} {response.text}"
        assert response.headers["content-type"].startswith(PROBLEM), name
        assert response.headers["www-authenticate"].startswith("Bearer"), name
    for scheme in ("Basic dXNlcjpwYXNz", "Token abc", "Bearer", sign()):  # wrong scheme or a bare token
        response = await client.get(PROBE[service], headers={"Authorization": scheme})
        assert response.status_code == 401, f"{service} {scheme!r}: {response.status_code}"
    print(f"tokens {service}: {len(cases) + 4} bad tokens refused with 401, the control token accepted")
