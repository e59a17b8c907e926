"""Regression tests for what the fuzzer found: error answers that the OpenAPI documents did not declare.

Every operation that takes a JSON body answers a body that is not even UTF-8 with a documented 400 problem (FastAPI
cannot parse it) and broken JSON with a documented 422, and every operation with a path parameter answers a malformed
value with a documented 422 problem (the 400s and these 422s were undocumented before).
"""

from __future__ import annotations

import re
from typing import Any

import jwt
import pytest

from sinergi_shared.auth import SCOPES
from tests.security.support import PUBLIC_PATHS, Services, operator_headers
from tests.support.tokens import TestIssuer

PROBLEM = "application/problem+json"


async def _all_scopes(name: str, services: Services, issuer: TestIssuer) -> dict[str, str]:
    operator = await operator_headers(services.registry)
    if name == "registry":
        return operator
    inst = jwt.decode(operator["Authorization"].split()[1], options={"verify_signature": False})["inst"]
    return issuer.headers(inst, *SCOPES)


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, op)
        for path, ops in document["paths"].items()
        if path not in PUBLIC_PATHS
        for method, op in ops.items()
    ]


def _fill(path: str, value: str) -> str:
    """The path with every {parameter} set to value."""
    return re.sub(r"\{[^}]+\}", value, path)


def _assert_documented(op: dict[str, Any], status: int, response: Any, what: str) -> None:
    assert response.status_code == status, f"{what}: {response.status_code} {response.text}"
    assert response.headers["content-type"].startswith(PROBLEM), what
    declared = op["responses"].get(str(status), {}).get("content", {})
    assert PROBLEM in declared, f"{what}: {status} is not documented as problem+json"


@pytest.mark.parametrize("name", ["registry", "enrollment", "funding"])
async def test_undecodable_and_broken_json_bodies_are_documented_problems(
    name: str, services: Services, issuer: TestIssuer
) -> None:
    svc = services[name]
    headers = {**await _all_scopes(name, services, issuer), "Content-Type": "application/json"}
    checked = 0
    for method, path, op in _operations(svc.app.openapi()):
        content = op.get("requestBody", {}).get("content", {})
        if "application/json" not in content or "text/csv" in content:  # the import parses its own body (422)
            continue
        url = _fill(path, "00000000-0000-4000-8000-000000000000")
        response = await svc.client.request(method, url, content=b"\x80\x10\x80", headers=headers)
        _assert_documented(op, 400, response, f"{method} {path} (not UTF-8)")
        response = await svc.client.request(method, url, content=b'{"unterminated": ', headers=headers)
        _assert_documented(op, 422, response, f"{method} {path} (broken JSON)")
        checked += 1
    print(f"documented errors {name}: {checked} operations answer undecodable bodies 400 and broken JSON 422")
    assert checked >= 3


@pytest.mark.parametrize("name", ["registry", "enrollment", "funding"])
async def test_malformed_path_parameters_are_documented_422_problems(
    name: str, services: Services, issuer: TestIssuer
) -> None:
    svc = services[name]
    headers = await _all_scopes(name, services, issuer)
    checked = 0
    for method, path, op in _operations(svc.app.openapi()):
        if "{" not in path:
            continue
        kwargs: dict[str, Any] = {"headers": headers}
        if "requestBody" in op:
            kwargs["json"] = {}
        response = await svc.client.request(method, _fill(path, "x" * 70), **kwargs)
        _assert_documented(op, 422, response, f"{method} {path}")
        checked += 1
    print(f"documented errors {name}: {checked} operations answer a malformed path parameter with a documented 422")
    assert checked >= 3
