"""Civil servants over HTTP against the real Postgres and Kafka."""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import Any

import pytest

from registry.domain.nip import today_in_indonesia
from tests.registry.support import create_institution, headers_for, make_nip, published, register, scalar
from tests.support.service import RunningService
from tests.support.stack import header


@pytest.fixture
async def agency(registry: RunningService, operator: dict[str, str]) -> dict[str, Any]:
    """An institution with a clerk (read + registry:write) token; a fresh one per test."""
    inst = await create_institution(registry, operator, kind="agency")
    clerk = await headers_for(registry, operator, inst["id"], "read", "registry:write")
    return {"id": inst["id"], "clerk": clerk}


async def test_a_clerk_registers_reads_and_lists_civil_servants_of_their_institution(
    registry: RunningService, agency: dict[str, Any]
) -> None:
    nip = make_nip()
    body = {
        "nip": nip,
        "name": "Yohanes Wenda",
        "institution_id": agency["id"],
        "employment": "PPPK",
        "position_kind": "executor",
        "position_title": "Pengelola Data",
        "grade": "IX",
    }
    created = await registry.client.post("/civil-servants", json=body, headers=agency["clerk"])
    assert created.status_code == 201
    assert created.headers["etag"] == '"1"'
    assert created.json()["status"] == "active"
    assert created.json()["birth_date"] == f"{nip[0:4]}-{nip[4:6]}-{nip[6:8]}"
    fetched = await registry.client.get(f"/civil-servants/{nip}", headers=agency["clerk"])
    assert fetched.status_code == 200
    assert fetched.json() == created.json()
    listed = await registry.client.get("/civil-servants", headers=agency["clerk"])
    assert [c["nip"] for c in listed.json()["items"]] == [nip]


async def test_an_invalid_nip_is_422_with_a_machine_code_and_a_message_per_broken_rule(
    registry: RunningService, agency: dict[str, Any]
) -> None:
    bad = "199013452015133000"
    response = await registry.client.post(
        "/civil-servants",
        json={
            "nip": bad,
            "name": "X",
            "institution_id": agency["id"],
            "employment": "PNS",
            "position_kind": "structural",
        },
        headers=agency["clerk"],
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert {e["code"] for e in errors} == {
        "birth_date_invalid",
        "appointment_month_invalid",
        "gender_invalid",
        "serial_zero",
    }
    assert all(e["field"] == "nip" and e["message"] for e in errors)
    assert await scalar(registry, "SELECT count(*) FROM civil_servants WHERE nip = $1", bad) == 0


async def test_a_pppk_registers_with_an_ni_pppk_whose_code_is_no_month_and_the_same_number_as_pns_is_422(
    registry: RunningService, agency: dict[str, Any]
) -> None:
    ni_pppk = "199009132025242014"  # born 1990-09-13, appointed 2025, code 24 (not a month), woman, serial 14
    body = {
        "nip": ni_pppk,
        "name": "Maria Kambu",
        "institution_id": agency["id"],
        "employment": "PNS",
        "position_kind": "functional",
    }
    as_pns = await registry.client.post("/civil-servants", json=body, headers=agency["clerk"])
    assert as_pns.status_code == 422
    assert [e["code"] for e in as_pns.json()["errors"]] == ["appointment_month_invalid"]
    as_pppk = await registry.client.post(
        "/civil-servants", json={**body, "employment": "PPPK"}, headers=agency["clerk"]
    )
    assert as_pppk.status_code == 201, as_pppk.text
    created = as_pppk.json()
    assert {k: created[k] for k in ("employment", "birth_date", "appointment_year", "appointment_month", "gender")} == {
        "employment": "PPPK",
        "birth_date": "1990-09-13",
        "appointment_year": 2025,
        "appointment_month": None,  # an NI PPPK carries the year only
        "gender": 2,
    }
    fetched = await registry.client.get(f"/civil-servants/{ni_pppk}", headers=agency["clerk"])
    assert fetched.json() == created


async def test_an_ni_pppk_breaking_its_rule_is_422_naming_each_rule(
    registry: RunningService, agency: dict[str, Any]
) -> None:
    next_year = today_in_indonesia().year + 1
    body = {"name": "X", "institution_id": agency["id"], "employment": "PPPK", "position_kind": "executor"}
    cases = {
        f"19900913{next_year}241000": {"appointment_in_future", "serial_zero"},
        "199009132007213001": {"appointment_before_18", "gender_invalid"},  # 2007: the year before turning 18
        "199002302020211001": {"birth_date_invalid"},
    }
    for nip, expected in cases.items():
        response = await registry.client.post("/civil-servants", json={**body, "nip": nip}, headers=agency["clerk"])
        assert response.status_code == 422, nip
        errors = response.json()["errors"]
        assert {e["code"] for e in errors} == expected, nip
        assert all(e["field"] == "nip" and e["message"] for e in errors)
        if "appointment_in_future" in expected:
            assert f"tahun pengangkatan {next_year} belum terjadi" in response.json()["detail"]
    assert await scalar(registry, "SELECT count(*) FROM civil_servants WHERE institution_id = $1", agency["id"]) == 0


async def test_a_clerk_reads_the_nip_rules_in_indonesian_and_an_integrator_may_ask_for_english(
    registry: RunningService, agency: dict[str, Any]
) -> None:
    body = {"name": "X", "institution_id": agency["id"], "employment": "PNS", "position_kind": "executor"}
    body["nip"] = "199009132025242014"  # an NI PPPK sent as a PNS: digits 13-14 are no month
    default = await registry.client.post("/civil-servants", json=body, headers=agency["clerk"])
    english = await registry.client.post(
        "/civil-servants", json=body, headers={**agency["clerk"], "Accept-Language": "en-US,en;q=0.9"}
    )
    assert (default.status_code, english.status_code) == (422, 422)
    assert default.headers["content-language"] == "id" and english.headers["content-language"] == "en"
    [error] = default.json()["errors"]
    [english_error] = english.json()["errors"]
    assert error["code"] == english_error["code"] == "appointment_month_invalid"
    assert error["message"] == "digit 9-14 (202524) bukan bulan TMT pengangkatan yang sah (TTTTBB)"
    assert english_error["message"] == "digits 9-14 (202524) are not a real appointment month YYYYMM"
    assert (default.json()["title"], english.json()["title"]) == ("Data tidak valid", "Validation failed")
    assert await scalar(registry, "SELECT count(*) FROM civil_servants WHERE institution_id = $1", agency["id"]) == 0


async def test_a_pns_nip_still_registers_with_its_tmt_month(registry: RunningService, agency: dict[str, Any]) -> None:
    nip = make_nip(birth=date(1985, 4, 15), tmt=(2015, 3))
    created = await register(registry, agency["clerk"], agency["id"], nip=nip, employment="PNS")
    assert (created["appointment_month"], created["appointment_year"]) == ("2015-03", 2015)


async def test_bad_fields_are_422_naming_each_field(
    registry: RunningService, operator: dict[str, str], agency: dict[str, Any]
) -> None:
    response = await registry.client.post(
        "/civil-servants",
        json={
            "nip": make_nip(),
            "name": "",
            "institution_id": "nope",
            "employment": "honorer",
            "position_kind": "boss",
        },
        headers=agency["clerk"],
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} >= {"name", "institution_id", "employment", "position_kind"}
    body = {
        "nip": make_nip(),
        "name": "X",
        "institution_id": str(uuid.uuid4()),
        "employment": "PNS",
        "position_kind": "executor",
    }
    as_operator = await registry.client.post("/civil-servants", json=body, headers=operator)
    assert as_operator.status_code == 422
    assert as_operator.json()["errors"][0]["field"] == "institution_id"


async def test_a_known_nip_is_409(registry: RunningService, agency: dict[str, Any]) -> None:
    first = await register(registry, agency["clerk"], agency["id"])
    again = await registry.client.post(
        "/civil-servants",
        json={
            "nip": first["nip"],
            "name": "Other",
            "institution_id": agency["id"],
            "employment": "PNS",
            "position_kind": "executor",
        },
        headers=agency["clerk"],
    )
    assert again.status_code == 409


async def test_another_institutions_civil_servant_is_invisible_unless_coordinator(
    registry: RunningService, operator: dict[str, str], agency: dict[str, Any]
) -> None:
    person = await register(registry, agency["clerk"], agency["id"])
    other = await create_institution(registry, operator, kind="agency")
    outsider = await headers_for(registry, operator, other["id"], "read", "registry:write")
    coordinator = await headers_for(registry, operator, other["id"], "read", "coordinator")
    nip = person["nip"]

    assert (await registry.client.get(f"/civil-servants/{nip}", headers=outsider)).status_code == 404
    assert (await registry.client.get(f"/civil-servants/{nip}", headers=coordinator)).status_code == 200
    listed = await registry.client.get("/civil-servants", params={"institution_id": agency["id"]}, headers=outsider)
    assert listed.status_code == 403
    as_coordinator = await registry.client.get(
        "/civil-servants", params={"institution_id": agency["id"]}, headers=coordinator
    )
    assert [c["nip"] for c in as_coordinator.json()["items"]] == [nip]
    foreign_create = await registry.client.post(
        "/civil-servants",
        json={
            "nip": make_nip(),
            "name": "X",
            "institution_id": agency["id"],
            "employment": "PNS",
            "position_kind": "executor",
        },
        headers=outsider,
    )
    assert foreign_create.status_code == 403
    retire = await registry.client.post(f"/civil-servants/{nip}/retire", headers=outsider)
    assert retire.status_code == 404
    transfer = await registry.client.post(
        f"/civil-servants/{nip}/transfer", json={"institution_id": other["id"]}, headers=outsider
    )
    assert transfer.status_code == 404
    assert (await registry.client.get(f"/civil-servants/{nip}", headers=agency["clerk"])).json()["status"] == "active"


async def test_writes_need_registry_write_and_reads_need_read(
    registry: RunningService, operator: dict[str, str], agency: dict[str, Any]
) -> None:
    reader = await headers_for(registry, operator, agency["id"], "read")
    body = {
        "nip": make_nip(),
        "name": "X",
        "institution_id": agency["id"],
        "employment": "PNS",
        "position_kind": "executor",
    }
    assert (await registry.client.post("/civil-servants", json=body)).status_code == 401
    assert (await registry.client.post("/civil-servants", json=body, headers=reader)).status_code == 403
    assert (await registry.client.post("/civil-servants/import", json=[body], headers=reader)).status_code == 403
    writer = await headers_for(registry, operator, agency["id"], "registry:write")
    assert (await registry.client.get("/civil-servants", headers=writer)).status_code == 403


async def test_transfer_moves_to_another_institution_and_retired_ones_cannot_move(
    registry: RunningService, operator: dict[str, str], agency: dict[str, Any]
) -> None:
    person = await register(registry, agency["clerk"], agency["id"])
    target = await create_institution(registry, operator, kind="ministry")
    nip = person["nip"]
    url = f"/civil-servants/{nip}/transfer"

    unknown = await registry.client.post(url, json={"institution_id": str(uuid.uuid4())}, headers=agency["clerk"])
    assert unknown.status_code == 422
    same = await registry.client.post(url, json={"institution_id": agency["id"]}, headers=agency["clerk"])
    assert same.status_code == 409
    stale = await registry.client.post(
        url, json={"institution_id": target["id"]}, headers={**agency["clerk"], "If-Match": '"7"'}
    )
    assert stale.status_code == 412
    moved = await registry.client.post(url, json={"institution_id": target["id"]}, headers=agency["clerk"])
    assert moved.status_code == 200
    assert moved.json()["institution_id"] == target["id"]
    assert moved.json()["version"] == 2
    # Once moved, the former institution no longer sees them.
    assert (await registry.client.get(f"/civil-servants/{nip}", headers=agency["clerk"])).status_code == 404

    retired = await register(registry, agency["clerk"], agency["id"])
    done = await registry.client.post(f"/civil-servants/{retired['nip']}/retire", headers=agency["clerk"])
    assert done.status_code == 200
    assert done.json()["status"] == "retired"
    assert (
        await registry.client.post(f"/civil-servants/{retired['nip']}/retire", headers=agency["clerk"])
    ).status_code == 409
    blocked = await registry.client.post(
        f"/civil-servants/{retired['nip']}/transfer", json={"institution_id": target["id"]}, headers=agency["clerk"]
    )
    assert blocked.status_code == 409
    missing = await registry.client.post(f"/civil-servants/{make_nip()}/retire", headers=agency["clerk"])
    assert missing.status_code == 404


async def test_listing_pages_by_nip_and_filters_by_status(registry: RunningService, agency: dict[str, Any]) -> None:
    nips = sorted([(await register(registry, agency["clerk"], agency["id"]))["nip"] for _ in range(5)])
    await registry.client.post(f"/civil-servants/{nips[0]}/retire", headers=agency["clerk"])
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2, "institution_id": agency["id"], **({"cursor": cursor} if cursor else {})}
        page = (await registry.client.get("/civil-servants", params=params, headers=agency["clerk"])).json()
        seen += [c["nip"] for c in page["items"]]
        if (cursor := page["next_cursor"]) is None:
            break
    assert seen == nips
    active = await registry.client.get("/civil-servants", params={"status": "active"}, headers=agency["clerk"])
    assert [c["nip"] for c in active.json()["items"]] == nips[1:]


async def test_idempotency_key_on_register_replays_once_and_conflicts_on_another_body(
    registry: RunningService, agency: dict[str, Any]
) -> None:
    headers = {**agency["clerk"], "Idempotency-Key": uuid.uuid4().hex}
    body = {
        "nip": make_nip(),
        "name": "Maria",
        "institution_id": agency["id"],
        "employment": "PNS",
        "position_kind": "functional",
    }
    first = await registry.client.post("/civil-servants", json=body, headers=headers)
    second = await registry.client.post("/civil-servants", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert await scalar(registry, "SELECT count(*) FROM civil_servants WHERE nip = $1", body["nip"]) == 1
    different = await registry.client.post("/civil-servants", json={**body, "name": "Marta"}, headers=headers)
    assert different.status_code == 409


async def test_register_transfer_retire_each_publish_one_event_keyed_by_nip_with_the_snapshot(
    registry: RunningService, operator: dict[str, str], agency: dict[str, Any]
) -> None:
    person = await register(registry, agency["clerk"], agency["id"], position_title="Analis", grade="III/a")
    target = await create_institution(registry, operator, kind="ministry")
    nip = person["nip"]
    await registry.client.post(
        f"/civil-servants/{nip}/transfer", json={"institution_id": target["id"]}, headers=agency["clerk"]
    )
    await registry.client.post(f"/civil-servants/{nip}/retire", headers=operator)

    records = [r for r in await published(registry, "registry.civil-servants") if r.key == nip.encode()]
    assert [header(r, "ce_type") for r in records] == [
        "civil_servant.registered",
        "civil_servant.transferred",
        "civil_servant.retired",
    ]
    base = {
        "nip": nip,
        "name": "Siti Aminah",
        "employment": "PNS",
        "position_kind": "functional",
        "position_title": "Analis",
        "grade": "III/a",
        "position_level": None,
    }
    expected = [
        {**base, "institution_id": agency["id"], "status": "active", "version": 1, "previous_institution_id": None},
        {
            **base,
            "institution_id": target["id"],
            "status": "active",
            "version": 2,
            "previous_institution_id": agency["id"],
        },
        {**base, "institution_id": target["id"], "status": "retired", "version": 3, "previous_institution_id": None},
    ]
    assert [json.loads(r.value) for r in records] == expected
    for record in records:
        assert header(record, "ce_specversion") == "1.0"
        assert header(record, "ce_source") == "registry"
        assert header(record, "ce_subject") == nip
        assert header(record, "content-type") == "application/json"
        assert header(record, "ce_id") and header(record, "ce_time")


async def test_a_structural_post_carries_its_level_and_only_it(
    registry: RunningService, agency: dict[str, Any]
) -> None:
    """The level (JPT exempts a PPPK from the 24 JP maximum) travels in the snapshot; other posts have none."""
    nip = make_nip()
    body = {
        "nip": nip,
        "name": "Maria Kogoya",
        "institution_id": agency["id"],
        "employment": "PNS",
        "position_kind": "structural",
        "position_level": "jpt_pratama",
    }
    created = await registry.client.post("/civil-servants", json=body, headers=agency["clerk"])
    assert created.status_code == 201, created.text
    assert created.json()["position_level"] == "jpt_pratama"
    fetched = await registry.client.get(f"/civil-servants/{nip}", headers=agency["clerk"])
    assert fetched.json()["position_level"] == "jpt_pratama"

    other = {**body, "nip": make_nip(), "position_kind": "functional"}
    refused = await registry.client.post("/civil-servants", json=other, headers=agency["clerk"])
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["position_level"]
    unknown = {**body, "nip": make_nip(), "position_level": "eselon_9"}
    assert (await registry.client.post("/civil-servants", json=unknown, headers=agency["clerk"])).status_code == 422
    assert await scalar(registry, "SELECT count(*) FROM civil_servants WHERE nip = $1", other["nip"]) == 0
