"""An import whose JSON cannot be read at all (nested too deep, a number too long) is one 422 and writes nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.registry.import_support import new_office, row
from tests.registry.support import scalar
from tests.support.service import RunningService

DEEP = "bersarang terlalu dalam"
LONG_NUMBER = "angka yang terlalu panjang"


def _unreadable(office_id: str) -> list[tuple[str, bytes, str]]:
    good = json.dumps(row(office_id)).encode()
    return [
        ("100,000 open brackets", b"[" * 100_000, DEEP),
        ("100,000 nested arrays, closed", b"[" * 100_000 + b"]" * 100_000, DEEP),
        ("a good row, then a deeply nested one", b"[" + good + b"," + b"[" * 100_000 + b"]" * 100_000 + b"]", DEEP),
        ("an object nesting deep inside a row", b'[{"nip": ' + b'{"a": ' * 50_000 + b"1" + b"}" * 50_000 + b"}]", DEEP),
        ("a 5,000-digit number in a row", b'[{"nip": ' + b"9" * 5_000 + b"}]", LONG_NUMBER),
        ("a 5,000-digit number, not an array", b"9" * 5_000, LONG_NUMBER),
    ]


@pytest.fixture
async def office(registry: RunningService, operator: dict[str, str]) -> dict[str, Any]:
    return await new_office(registry, operator)


async def test_unreadable_json_imports_are_422_and_write_nothing(
    registry: RunningService, office: dict[str, Any]
) -> None:
    servants = await scalar(registry, "SELECT count(*) FROM civil_servants")
    events = await scalar(registry, "SELECT count(*) FROM event_log")
    headers = {**office["clerk"], "Content-Type": "application/json"}
    for what, body, reason in _unreadable(office["id"]):
        response = await registry.client.post("/civil-servants/import", content=body, headers=headers)
        assert response.status_code == 422, f"{what}: {response.status_code} {response.text[:300]}"
        assert response.headers["content-type"].startswith("application/problem+json"), what
        problem = response.json()
        assert problem["errors"] == [{"field": "body", "message": problem["errors"][0]["message"]}], what
        assert reason in problem["detail"], f"{what}: {problem['detail']}"
    english = await registry.client.post(
        "/civil-servants/import", content=b"[" * 100_000, headers={**headers, "Accept-Language": "en"}
    )
    assert "nest too deep" in english.json()["detail"]
    assert await scalar(registry, "SELECT count(*) FROM civil_servants") == servants
    assert await scalar(registry, "SELECT count(*) FROM event_log") == events
