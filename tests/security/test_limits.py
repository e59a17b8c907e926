"""Part 5 (abuse limits): body size caps, the import row cap and page size caps answer clear 413/422 problems."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from sinergi_shared.auth import SCOPES
from sinergi_shared.http import encode_cursor
from tests.security.support import PUBLIC_PATHS, Services
from tests.security.world import YEAR, World, new_nip

PROBLEM = "application/problem+json"
# A body-taking operation per service that a valid token reaches (the cap applies before any parsing).
BODY_TARGETS = {"registry": "/institutions", "enrollment": "/programs", "funding": "/budgets"}


def _headers(service: str, world: World) -> dict[str, str]:
    """A token that may call everything: the operator's on the registry, an all-scope one of B elsewhere."""
    return world.admin if service == "registry" else world.b(*SCOPES)


def _assert_problem(response: Any, status: int, what: str) -> dict[str, Any]:
    assert response.status_code == status, f"{what}: {response.status_code} {response.text[:300]}"
    assert response.headers["content-type"].startswith(PROBLEM), what
    body = response.json()
    assert body["status"] == status and body["detail"], what
    return body  # type: ignore[no-any-return]


@pytest.mark.parametrize("service", ["registry", "enrollment", "funding"])
async def test_a_body_over_the_cap_is_413_with_or_without_content_length(
    service: str, services: Services, world: World
) -> None:
    svc = services[service]
    cap = svc.settings.max_body_bytes
    headers = {**_headers(service, world), "Content-Type": "application/json"}
    oversized = b"[" + b"0," * (cap // 2) + b"0]"
    assert len(oversized) > cap

    declared = await svc.client.post(BODY_TARGETS[service], content=oversized, headers=headers)
    _assert_problem(declared, 413, f"{service} with Content-Length")

    async def chunks() -> AsyncIterator[bytes]:
        # Sent as Transfer-Encoding: chunked, so only counting what arrives can catch it.
        for start in range(0, len(oversized), 256 * 1024):
            yield oversized[start : start + 256 * 1024]

    chunked = await svc.client.post(BODY_TARGETS[service], content=chunks(), headers=headers)
    assert "content-length" not in chunked.request.headers
    _assert_problem(chunked, 413, f"{service} chunked")

    lying = await svc.client.post(
        BODY_TARGETS[service], content=oversized, headers={**headers, "Content-Length": str(cap + 1)}
    )
    _assert_problem(lying, 413, f"{service} declared length over the cap")
    print(f"limits {service}: bodies over {cap} bytes answer 413 (Content-Length, chunked)")


async def test_a_chunked_import_over_the_body_cap_is_413(services: Services, world: World) -> None:
    """The import reads its own body; the cap still holds for a chunked upload."""
    registry = services.registry
    cap = registry.settings.max_body_bytes

    async def chunks() -> AsyncIterator[bytes]:
        yield b"nip,name,institution_id,employment,position_kind\n"
        for _ in range(cap // (64 * 1024) + 2):
            yield b"x" * (64 * 1024)

    response = await registry.client.post(
        "/civil-servants/import", content=chunks(), headers={**world.admin, "Content-Type": "text/csv"}
    )
    _assert_problem(response, 413, "chunked CSV import")


async def test_the_import_takes_10000_rows_and_refuses_10001_whole(services: Services, world: World) -> None:
    registry = services.registry
    assert registry.settings.import_max_rows == 10_000
    row = {"nip": "0", "name": "x", "institution_id": world.kb, "employment": "PNS", "position_kind": "executor"}

    over_json = await registry.client.post("/civil-servants/import", json=[row] * 10_001, headers=world.admin)
    body = _assert_problem(over_json, 413, "JSON import of 10,001 rows")
    assert "10.000" in body["detail"], body

    header = "nip,name,institution_id,employment,position_kind\n"
    csv = header + f"{new_nip()},Siti,{world.kb},PNS,executor\n" * 10_001
    over_csv = await registry.client.post(
        "/civil-servants/import", content=csv.encode(), headers={**world.admin, "Content-Type": "text/csv"}
    )
    _assert_problem(over_csv, 413, "CSV import of 10,001 rows")

    # At the cap the rows are read and judged (each of these is invalid), not refused as a whole.
    at_cap = await registry.client.post("/civil-servants/import", json=[row] * 10_000, headers=world.admin)
    assert at_cap.status_code == 200, at_cap.text[:300]
    assert at_cap.json()["imported"] == 0 and len(at_cap.json()["rejected"]) == 10_000
    print("limits registry import: 10,000 rows judged row by row, 10,001 refused with 413 (JSON and CSV)")


def _list_operations(document: dict[str, Any]) -> list[str]:
    return [
        path
        for path, ops in document["paths"].items()
        if path not in PUBLIC_PATHS
        and "get" in ops
        and any(p["name"] == "limit" for p in ops["get"].get("parameters", []))
    ]


async def _plan_of_b(world: World) -> str:
    """A plan of B, whose items are a list of their own."""
    body = {"institution_id": world.kb, "horizon": "medium", "first_year": YEAR, "last_year": YEAR}
    response = await world.services.enrollment.client.post("/plans", json=body, headers=world.b("plans:write"))
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


GARBAGE_CURSORS = [
    "garbage!!",
    "%%%",
    base64.urlsafe_b64encode(b"not json").decode(),
    base64.urlsafe_b64encode(json.dumps({"a": 1}).encode()).decode(),
    encode_cursor("x", "y"),
    encode_cursor("2024-01-01T00:00:00+00:00", "not-a-uuid"),
    encode_cursor("not-a-time", "00000000-0000-4000-8000-000000000000"),
    encode_cursor("x", "y", "z"),
    "A" * 513,
]


@pytest.mark.parametrize("service", ["registry", "enrollment", "funding"])
async def test_page_sizes_and_cursors_are_bounded(service: str, services: Services, world: World) -> None:
    svc = services[service]
    headers = _headers(service, world)
    paths = _list_operations(svc.app.openapi())
    assert paths, service
    checked = 0
    plan_b = await _plan_of_b(world) if service == "enrollment" else ""
    for template in paths:
        path = template.replace("{line_id}", world.line_b).replace("{plan_id}", plan_b)
        params: dict[str, Any] = {"fiscal_year": 2025} if path == "/reports/funding" else {}
        ok = await svc.client.get(path, params={**params, "limit": 500}, headers=headers)
        assert ok.status_code == 200, f"{path} limit=500: {ok.status_code} {ok.text[:200]}"
        for limit in (501, 0, -1, 10**12, "ten"):
            response = await svc.client.get(path, params={**params, "limit": limit}, headers=headers)
            body = _assert_problem(response, 422, f"{path} limit={limit}")
            assert any(e["field"] == "limit" for e in body["errors"]), body
            checked += 1
        # The registry's cursors hold one free string (a code or a NIP); elsewhere one part is one too few.
        extra = [] if service == "registry" else [encode_cursor("x")]
        for cursor in GARBAGE_CURSORS + extra:
            response = await svc.client.get(path, params={**params, "cursor": cursor}, headers=headers)
            body = _assert_problem(response, 422, f"{path} cursor={cursor!r}")
            assert any(e["field"] == "cursor" for e in body["errors"]), body
            checked += 1
    print(f"limits {service}: {len(paths)} list operations, {checked} bad limit/cursor requests answered 422")
