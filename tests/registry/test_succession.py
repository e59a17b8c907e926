"""Succession over HTTP on the real Postgres and Kafka: a ministry split or merged, its rules and its event."""

from __future__ import annotations

import json
import uuid
from typing import Any

from registry.seed import CABINET_2024_SPLITS, MINISTRIES_AND_AGENCIES, seed
from tests.registry.support import create_institution, headers_for, published, query, registry_service, scalar
from tests.support.service import RunningService
from tests.support.stack import header
from tests.support.tokens import TestIssuer

OCTOBER_2024 = "2024-10-21"


async def succeed(
    registry: RunningService, headers: dict[str, str], institution: dict[str, Any], *successors: Any, **extra: Any
) -> Any:
    body = {
        "successor_ids": [s["id"] if isinstance(s, dict) else str(s) for s in successors],
        "effective_on": OCTOBER_2024,
        **extra,
    }
    return await registry.client.post(f"/institutions/{institution['id']}/succeed", json=body, headers=headers)


async def test_a_split_ministry_becomes_inactive_names_its_successors_and_announces_it_once(
    registry: RunningService, operator: dict[str, str]
) -> None:
    pupr = await create_institution(registry, operator, name="Kementerian PUPR")
    unit = await create_institution(registry, operator, kind="training_unit", parent_id=pupr["id"])
    pu = await create_institution(registry, operator, name="Kementerian Pekerjaan Umum")
    pkp = await create_institution(registry, operator, name="Kementerian Perumahan dan Kawasan Permukiman")

    # Its active training unit does not block the succession (unlike a deactivation).
    response = await succeed(registry, {**operator, "If-Match": '"1"'}, pupr, pu, pkp)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["status"], body["version"], body["succeeded_on"]) == ("inactive", 2, OCTOBER_2024)
    assert body["successor_ids"] == [pu["id"], pkp["id"]]
    assert response.headers["etag"] == '"2"'

    read = await registry.client.get(f"/institutions/{pupr['id']}", headers=operator)
    assert read.json()["successor_ids"] == [pu["id"], pkp["id"]] and read.json()["predecessor_ids"] == []
    for successor in (pu, pkp):
        read = await registry.client.get(f"/institutions/{successor['id']}", headers=operator)
        assert (read.json()["predecessor_ids"], read.json()["successor_ids"]) == ([pupr["id"]], [])

    # The same succession again answers as the first did and changes nothing; another one is refused.
    again = await succeed(registry, operator, pupr, pkp, pu)
    assert (again.status_code, again.json()) == (200, body)
    other = await succeed(registry, operator, pupr, pu)
    assert other.status_code == 409, other.text
    assert (await registry.client.post(f"/institutions/{pupr['id']}/deactivate", headers=operator)).status_code == 409

    # The unit stays under its succeeded ministry until an operator moves it under a successor.
    unit_url = f"/institutions/{unit['id']}"
    assert (await registry.client.get(unit_url, headers=operator)).json()["parent_id"] == pupr["id"]
    renamed = await registry.client.patch(unit_url, json={"name": "BPSDM PU"}, headers={**operator, "If-Match": '"1"'})
    assert (renamed.status_code, renamed.json()["errors"][0]["field"]) == (422, "parent_id")
    moved = await registry.client.patch(unit_url, json={"parent_id": pu["id"]}, headers={**operator, "If-Match": '"1"'})
    assert (moved.status_code, moved.json()["parent_id"], moved.json()["status"]) == (200, pu["id"], "active")

    records = [r for r in await published(registry, "registry.institutions") if r.key == pupr["id"].encode()]
    assert [header(r, "ce_type") for r in records] == ["institution.registered", "institution.succeeded"]
    announced = json.loads(records[-1].value)
    assert announced["successor_ids"] == [pu["id"], pkp["id"]]
    assert (announced["succeeded_on"], announced["status"], announced["version"]) == (OCTOBER_2024, "inactive", 2)
    assert json.loads(records[0].value)["successor_ids"] == []


async def test_successions_that_break_a_rule_are_refused_and_change_nothing(
    registry: RunningService, operator: dict[str, str]
) -> None:
    ministry = await create_institution(registry, operator)
    successor = await create_institution(registry, operator, kind="agency")
    retired = await create_institution(registry, operator)
    assert (
        await registry.client.post(f"/institutions/{retired['id']}/deactivate", headers=operator)
    ).status_code == 200
    province = await create_institution(registry, operator, kind="province", region_code="91")

    refusals: list[tuple[tuple[Any, ...], dict[str, Any], str]] = [
        ((uuid.uuid4(),), {}, "successor_ids"),
        ((ministry,), {}, "successor_ids"),
        ((retired,), {}, "successor_ids"),
        ((province,), {}, "successor_ids"),
        ((successor, successor), {}, "successor_ids"),
        ((), {}, "successor_ids"),
        ((successor,), {"effective_on": "2999-01-01"}, "effective_on"),
        ((successor,), {"effective_on": "21-10-2024"}, "effective_on"),
    ]
    for successors, extra, field in refusals:
        response = await succeed(registry, operator, ministry, *successors, **extra)
        assert response.status_code == 422, (successors, extra, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert field in [e["field"] for e in response.json()["errors"]], response.json()

    assert (await succeed(registry, operator, {"id": uuid.uuid4()}, successor)).status_code == 404
    assert (await succeed(registry, {**operator, "If-Match": '"7"'}, ministry, successor)).status_code == 412
    assert (await succeed(registry, operator, retired, successor)).status_code == 409
    reader = await headers_for(registry, operator, ministry["id"], "read", "registry:write")
    assert (await succeed(registry, reader, ministry, successor)).status_code == 403

    row = (
        await query(
            registry, "SELECT status, version, successor_ids FROM institutions WHERE id = $1", uuid.UUID(ministry["id"])
        )
    )[0]
    assert (row["status"], row["version"], row["successor_ids"]) == ("active", 1, [])
    events = await scalar(registry, "SELECT count(*) FROM event_log WHERE key = $1", ministry["id"])
    assert events == 1


async def test_a_succession_cannot_loop_back_to_an_institution_that_succeeded_it(
    registry: RunningService, operator: dict[str, str]
) -> None:
    old, middle, new = [await create_institution(registry, operator) for _ in range(3)]
    assert (await succeed(registry, operator, old, middle)).status_code == 200
    assert (await succeed(registry, operator, middle, new)).status_code == 200
    back = await succeed(registry, operator, new, old)
    assert back.status_code == 422, back.text
    assert "tidak boleh berputar" in back.json()["errors"][0]["message"]
    # A merger: two K/L carried on by one.
    a, b, merged = [await create_institution(registry, operator, kind="agency") for _ in range(3)]
    for part in (a, b):
        assert (await succeed(registry, operator, part, merged)).status_code == 200
    read = await registry.client.get(f"/institutions/{merged['id']}", headers=operator)
    assert sorted(read.json()["predecessor_ids"]) == sorted([a["id"], b["id"]])


async def test_the_seed_links_the_three_split_ministries_to_their_successors_once(
    topic_prefix: str, issuer: TestIssuer
) -> None:
    async with registry_service(topic_prefix, issuer) as svc:
        await seed(svc.app.state.sessions)
        rows = {r["code"]: r for r in await query(svc, "SELECT * FROM institutions")}
        by_id = {r["id"]: code for code, r in rows.items()}
        for predecessor, successors, unit_successor in CABINET_2024_SPLITS:
            old = rows[predecessor]
            assert (old["status"], str(old["succeeded_on"])) == ("inactive", OCTOBER_2024)
            assert [by_id[i] for i in old["successor_ids"]] == [code for code, _ in successors]
            for code, name in successors:
                assert (rows[code]["name"], rows[code]["kind"], rows[code]["status"]) == (name, "ministry", "active")
            [unit] = [unit_code for code, _, _, unit_code, _ in MINISTRIES_AND_AGENCIES if code == predecessor]
            assert by_id[rows[unit]["parent_id"]] == (unit_successor or predecessor)
        assert by_id[rows["BPSDM-PUPR"]["parent_id"]] == "KEMENTERIAN-PU"
        succeeded = await scalar(svc, "SELECT count(*) FROM event_log WHERE type = 'institution.succeeded'")
        assert succeeded == len(CABINET_2024_SPLITS)

        events_before = await scalar(svc, "SELECT count(*) FROM event_log")
        versions_before = await query(svc, "SELECT code, version, updated_at FROM institutions ORDER BY code")
        assert await seed(svc.app.state.sessions) == 0
        assert await scalar(svc, "SELECT count(*) FROM event_log") == events_before
        assert await query(svc, "SELECT code, version, updated_at FROM institutions ORDER BY code") == versions_before
