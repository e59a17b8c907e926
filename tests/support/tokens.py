"""Signing test tokens the way the registry does, with a JWKS file the services can read."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa


class TestIssuer:
    __test__ = False  # a helper, not a test class

    """An RSA key pair that signs tokens and publishes its JWKS to a file:// URL."""

    def __init__(self, directory: Path, *, issuer: str = "sinergi-registry", audience: str = "sinergi") -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = uuid.uuid4().hex
        self.issuer = issuer
        self.audience = audience
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        jwk.update({"kid": self.kid, "use": "sig", "alg": "RS256"})
        self.jwks_path = directory / "jwks.json"
        self.jwks_path.write_text(json.dumps({"keys": [jwk]}))

    @property
    def jwks_url(self) -> str:
        return f"file://{self.jwks_path}"

    def token(self, institution_id: uuid.UUID | str, *scopes: str, ttl: int = 600, **overrides: Any) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": f"client-{uuid.uuid4().hex[:8]}",
            "inst": str(institution_id),
            "scope": " ".join(scopes),
            "iat": now,
            "exp": now + ttl,
            "jti": uuid.uuid4().hex,
        }
        claims.update(overrides)
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": self.kid})

    def headers(self, institution_id: uuid.UUID | str, *scopes: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(institution_id, *scopes)}"}
