"""A method a path does not serve answers 405 with an Allow header naming every method the path does serve."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from enrollment.app import create_app as create_enrollment
from enrollment.config import Settings as EnrollmentSettings
from funding.app import create_app as create_funding
from funding.config import Settings as FundingSettings
from registry.app import create_app as create_registry
from registry.config import Settings as RegistrySettings
from sinergi_shared.auth import TokenVerifier, jwks_from_url
from tests.support.tokens import TestIssuer

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
APPS: dict[str, Callable[[str], FastAPI]] = {
    "registry": lambda jwks: create_registry(RegistrySettings(jwks_url=jwks)),
    "enrollment": lambda jwks: create_enrollment(EnrollmentSettings(jwks_url=jwks)),
    "funding": lambda jwks: create_funding(FundingSettings(jwks_url=jwks)),
}


def _pattern(template: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$")


def _concrete(template: str) -> str:
    """The path with every parameter filled by a value no literal segment has."""
    return re.sub(r"\{[^}]+\}", str(uuid.uuid4()), template)


def _served(paths: dict[str, dict[str, Any]], path: str) -> set[str]:
    """The methods the document gives this concrete path, over every template it matches."""
    return {m.upper() for template, ops in paths.items() if _pattern(template).match(path) for m in ops}


@pytest.mark.parametrize("service", sorted(APPS))
async def test_every_unserved_method_is_405_naming_exactly_the_paths_methods(service: str, issuer: TestIssuer) -> None:
    app = APPS[service](issuer.jwks_url)
    # No lifespan (no database): the token check needs only a verifier, and a 405 is decided before any route.
    app.state.verifier = TokenVerifier(jwks_from_url(issuer.jwks_url), issuer=issuer.issuer, audience=issuer.audience)
    paths = app.openapi()["paths"]
    headers = issuer.headers(uuid.uuid4(), "read")
    checked = 0
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=f"http://{service}") as client:
        for template in paths:
            path = _concrete(template)
            served = _served(paths, path)
            for method in METHODS:
                if method in served:
                    continue
                response = await client.request(method, path, headers=headers)
                what = f"{service} {method} {template}"
                assert response.status_code == 405, f"{what}: {response.status_code} {response.text[:200]}"
                allowed = {m.strip() for m in response.headers["allow"].split(",")}
                assert allowed == served, f"{what}: Allow {sorted(allowed)}, the path serves {sorted(served)}"
                if method != "HEAD":
                    assert response.headers["content-type"].startswith("application/problem+json"), what
                    assert response.json()["status"] == 405, what
                checked += 1
    assert checked > 3 * len(paths)
    print(f"405 {service}: {checked} unserved methods over {len(paths)} paths, each naming the path's methods")
