"""Institutions over HTTP against the real Postgres and Kafka."""

from __future__ import annotations

import json
import uuid

from tests.registry.support import create_institution, headers_for, new_code, published, scalar
from tests.support.service import RunningService
from tests.support.stack import header


async def test_registering_a_ministry_returns_it_with_derived_sector_status_version_and_etag(
    registry: RunningService, operator: dict[str, str]
) -> None:
    code = new_code("KEMEN")
    response = await registry.client.post(
        "/institutions", json={"code": code, "name": "Kementerian Uji", "kind": "ministry"}, headers=operator
    )
    assert response.status_code == 201
    body = response.json()
    assert body["code"] == code
    assert body["sector"] == "central"
    assert body["status"] == "active"
    assert body["version"] == 1
    assert response.headers["etag"] == '"1"'
    assert response.headers["location"] == f"/institutions/{body['id']}"
    uuid.UUID(body["id"])

    fetched = await registry.client.get(f"/institutions/{body['id']}", headers=operator)
    assert fetched.status_code == 200
    assert fetched.json() == body
    assert fetched.headers["etag"] == '"1"'


async def test_a_regency_under_a_province_is_regional(registry: RunningService, operator: dict[str, str]) -> None:
    province = await create_institution(registry, operator, kind="province", region_code="91")
    regency = await create_institution(
        registry, operator, kind="regency", parent_id=province["id"], region_code="9101", is_new_autonomous_region=True
    )
    assert regency["sector"] == "regional"
    assert regency["is_new_autonomous_region"] is True


async def test_sending_the_derived_sector_or_an_unknown_field_is_422(
    registry: RunningService, operator: dict[str, str]
) -> None:
    for extra in ({"sector": "central"}, {"colour": "blue"}):
        response = await registry.client.post(
            "/institutions", json={"code": new_code(), "name": "X", "kind": "ministry", **extra}, headers=operator
        )
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert [e["field"] for e in response.json()["errors"]] == list(extra)


async def test_hierarchy_rules_are_enforced_with_field_errors(
    registry: RunningService, operator: dict[str, str]
) -> None:
    ministry = await create_institution(registry, operator, kind="ministry")
    province = await create_institution(registry, operator, kind="province", region_code="92")
    central_unit = await create_institution(registry, operator, kind="training_unit", parent_id=ministry["id"])
    cases = [
        ({"kind": "training_unit"}, "parent_id"),
        ({"kind": "training_unit", "parent_id": central_unit["id"]}, "parent_id"),
        ({"kind": "training_unit", "parent_id": province["id"], "region_code": "92"}, "region_code"),
        (
            {"kind": "training_unit", "parent_id": province["id"], "is_new_autonomous_region": True},
            "is_new_autonomous_region",
        ),
        ({"kind": "regency", "parent_id": ministry["id"]}, "parent_id"),
        ({"kind": "city"}, "parent_id"),
        ({"kind": "ministry", "parent_id": ministry["id"]}, "parent_id"),
        ({"kind": "agency", "is_new_autonomous_region": True}, "is_new_autonomous_region"),
        ({"kind": "training_unit", "parent_id": str(uuid.uuid4())}, "parent_id"),
        ({"kind": "province", "region_code": "9"}, "region_code"),
        ({"kind": "regency", "parent_id": province["id"], "region_code": "9101"}, "region_code"),
        ({"kind": "ministry", "region_code": "91"}, "region_code"),
    ]
    for fields, field in cases:
        response = await registry.client.post(
            "/institutions", json={"code": new_code(), "name": "X", **fields}, headers=operator
        )
        assert response.status_code == 422, (fields, response.text)
        assert field in [e["field"] for e in response.json()["errors"]], (fields, response.json())
    assert central_unit["sector"] == "central"


async def test_region_codes_follow_kemendagri_numbering_and_a_broken_one_is_a_422_on_its_field(
    registry: RunningService, operator: dict[str, str]
) -> None:
    ministry = await create_institution(registry, operator, kind="ministry")
    province = await create_institution(registry, operator, kind="province", region_code="93")
    under = {"parent_id": province["id"]}
    cases = [
        ({"kind": "regency", **under, "region_code": "9"}, "region_code"),
        ({"kind": "regency", **under, "region_code": "93.1"}, "region_code"),
        ({"kind": "regency", **under, "region_code": "93-01"}, "region_code"),
        ({"kind": "regency", **under, "region_code": "94.01"}, "region_code"),  # another province's prefix
        ({"kind": "regency", **under, "region_code": "93.71"}, "region_code"),  # 71-99 are cities
        ({"kind": "city", **under, "region_code": "93.01"}, "region_code"),  # 01-69 are regencies
        ({"kind": "regency", **under, "region_code": "93"}, "region_code"),
        ({"kind": "province", "region_code": "93.01"}, "region_code"),
        ({"kind": "regency", **under, "bps_code": "93.01"}, "bps_code"),
        ({"kind": "regency", **under, "bps_code": "93"}, "bps_code"),  # 4 digits below a province
        ({"kind": "province", "bps_code": "9301"}, "bps_code"),
        ({"kind": "training_unit", "parent_id": ministry["id"], "bps_code": "94"}, "bps_code"),
    ]
    for fields, field in cases:
        code = new_code()
        response = await registry.client.post(
            "/institutions", json={"code": code, "name": "X", **fields}, headers=operator
        )
        assert response.status_code == 422, (fields, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert [e["field"] for e in response.json()["errors"]] == [field], (fields, response.json())
        assert await scalar(registry, "SELECT count(*) FROM institutions WHERE code = $1", code) == 0

    undotted = await create_institution(registry, operator, kind="regency", **under, region_code="9301")
    assert undotted["region_code"] == "93.01"  # kept as Kemendagri writes it
    city = await create_institution(registry, operator, kind="city", **under, region_code="93.71")
    url = f"/institutions/{city['id']}"
    moved = await registry.client.patch(url, json={"region_code": "94.71"}, headers={**operator, "If-Match": '"1"'})
    assert moved.status_code == 422, moved.text
    assert [e["field"] for e in moved.json()["errors"]] == ["region_code"]
    fixed = await registry.client.patch(url, json={"region_code": "9372"}, headers={**operator, "If-Match": '"1"'})
    assert (fixed.status_code, fixed.json()["region_code"]) == (200, "93.72")


async def test_a_bps_code_is_kept_beside_the_kemendagri_code_and_stays_out_of_the_events(
    registry: RunningService, operator: dict[str, str]
) -> None:
    # Papua: Kemendagri 91, BPS 94.
    province = await create_institution(registry, operator, kind="province", region_code="91", bps_code="94")
    assert (province["region_code"], province["bps_code"]) == ("91", "94")
    url = f"/institutions/{province['id']}"
    assert (await registry.client.get(url, headers=operator)).json()["bps_code"] == "94"
    regency = await create_institution(
        registry, operator, kind="regency", parent_id=province["id"], region_code="91.03", bps_code="9403"
    )
    assert regency["bps_code"] == "9403"

    changed = await registry.client.patch(url, json={"bps_code": "95"}, headers={**operator, "If-Match": '"1"'})
    assert (changed.status_code, changed.json()["bps_code"], changed.json()["region_code"]) == (200, "95", "91")
    cleared = await registry.client.patch(url, json={"bps_code": None}, headers={**operator, "If-Match": '"2"'})
    assert (cleared.status_code, cleared.json()["bps_code"]) == (200, None)
    listed = await registry.client.get("/institutions", params={"parent_id": province["id"]}, headers=operator)
    assert [i["bps_code"] for i in listed.json()["items"]] == ["9403"]

    records = [r for r in await published(registry, "registry.institutions") if r.key == province["id"].encode()]
    assert len(records) == 3
    assert all("bps_code" not in json.loads(r.value) for r in records)


async def test_a_bkpsdm_under_a_regency_and_a_bpsdm_under_a_province_are_regional_training_units(
    registry: RunningService, operator: dict[str, str]
) -> None:
    province = await create_institution(registry, operator, kind="province", region_code="95")
    regency = await create_institution(registry, operator, kind="regency", parent_id=province["id"], region_code="9501")
    bkpsdm = await create_institution(
        registry, operator, kind="training_unit", name="BKPSDM Kabupaten Jayawijaya", parent_id=regency["id"]
    )
    bpsdm = await create_institution(
        registry, operator, kind="training_unit", name="BPSDM Provinsi Papua Pegunungan", parent_id=province["id"]
    )
    assert (bkpsdm["kind"], bkpsdm["sector"], bkpsdm["parent_id"]) == ("training_unit", "regional", regency["id"])
    assert (bpsdm["sector"], bpsdm["is_new_autonomous_region"], bpsdm["region_code"]) == ("regional", False, None)
    listed = await registry.client.get(
        "/institutions",
        params={"kind": "training_unit", "sector": "regional", "parent_id": regency["id"]},
        headers=operator,
    )
    assert [i["id"] for i in listed.json()["items"]] == [bkpsdm["id"]]
    data = await scalar(
        registry, "SELECT data FROM event_log WHERE type = 'institution.registered' AND key = $1", bkpsdm["id"]
    )
    assert json.loads(data)["sector"] == "regional"


async def test_a_training_unit_moves_within_its_sector_but_not_across_it(
    registry: RunningService, operator: dict[str, str]
) -> None:
    ministry = await create_institution(registry, operator, kind="ministry")
    province = await create_institution(registry, operator, kind="province", region_code="96")
    city = await create_institution(registry, operator, kind="city", parent_id=province["id"], region_code="9671")
    unit = await create_institution(registry, operator, kind="training_unit", parent_id=city["id"])
    url = f"/institutions/{unit['id']}"
    across = await registry.client.patch(
        url, json={"parent_id": ministry["id"]}, headers={**operator, "If-Match": '"1"'}
    )
    assert across.status_code == 422, across.text
    assert (
        across.json()["errors"][0]["field"] == "parent_id" and "sektor daerah" in across.json()["errors"][0]["message"]
    )
    within = await registry.client.patch(
        url, json={"parent_id": province["id"]}, headers={**operator, "If-Match": '"1"'}
    )
    assert within.status_code == 200, within.text
    assert (within.json()["parent_id"], within.json()["sector"]) == (province["id"], "regional")


async def test_a_code_in_use_is_409_and_malformed_code_is_422(
    registry: RunningService, operator: dict[str, str]
) -> None:
    taken = await create_institution(registry, operator)
    again = await registry.client.post(
        "/institutions", json={"code": taken["code"], "name": "Y", "kind": "agency"}, headers=operator
    )
    assert again.status_code == 409
    bad = await registry.client.post(
        "/institutions", json={"code": "no spaces", "name": "Y", "kind": "agency"}, headers=operator
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "code"


async def test_unknown_institution_is_404(registry: RunningService, operator: dict[str, str]) -> None:
    response = await registry.client.get(f"/institutions/{uuid.uuid4()}", headers=operator)
    assert response.status_code == 404
    assert response.json()["status"] == 404


async def test_list_filters_and_cursor_pagination(registry: RunningService, operator: dict[str, str]) -> None:
    tag = uuid.uuid4().hex[:6].upper()
    province = await create_institution(registry, operator, kind="province", code=f"P{tag}-PROV", name=f"Prov {tag}")
    made = []
    for i in range(5):
        made.append(
            await create_institution(
                registry,
                operator,
                kind="city",
                code=f"P{tag}-C{i}",
                name=f"Kota {tag} {i}",
                parent_id=province["id"],
                is_new_autonomous_region=i % 2 == 0,
            )
        )
    seen: list[str] = []
    cursor = None
    while True:
        params = {"parent_id": province["id"], "limit": 2, **({"cursor": cursor} if cursor else {})}
        response = await registry.client.get("/institutions", params=params, headers=operator)
        assert response.status_code == 200
        page = response.json()
        assert len(page["items"]) <= 2
        seen += [i["code"] for i in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(i["code"] for i in made)

    dob = await registry.client.get("/institutions", params={"q": tag, "dob": "true"}, headers=operator)
    assert {i["code"] for i in dob.json()["items"]} == {f"P{tag}-C0", f"P{tag}-C2", f"P{tag}-C4"}
    cities = await registry.client.get(
        "/institutions", params={"q": f"kota {tag.lower()}", "kind": "city"}, headers=operator
    )
    assert len(cities.json()["items"]) == 5
    regional = await registry.client.get("/institutions", params={"q": tag, "sector": "regional"}, headers=operator)
    assert len(regional.json()["items"]) == 6
    central = await registry.client.get("/institutions", params={"q": tag, "sector": "central"}, headers=operator)
    assert central.json()["items"] == []
    bad = await registry.client.get("/institutions", params={"cursor": "garbage!", "limit": 501}, headers=operator)
    assert bad.status_code == 422


async def test_patch_needs_if_match_rejects_stale_etag_and_revalidates_the_hierarchy(
    registry: RunningService, operator: dict[str, str]
) -> None:
    province_a = await create_institution(registry, operator, kind="province", region_code="93")
    province_b = await create_institution(registry, operator, kind="province", region_code="94")
    regency = await create_institution(registry, operator, kind="regency", parent_id=province_a["id"])
    url = f"/institutions/{regency['id']}"

    missing = await registry.client.patch(url, json={"name": "Kabupaten Baru"}, headers=operator)
    assert missing.status_code == 428
    changed = await registry.client.patch(
        url,
        json={"name": "Kabupaten Baru", "parent_id": province_b["id"], "region_code": "9401"},
        headers={**operator, "If-Match": '"1"'},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["version"] == 2
    assert changed.json()["parent_id"] == province_b["id"]
    assert changed.headers["etag"] == '"2"'
    stale = await registry.client.patch(url, json={"name": "Lagi"}, headers={**operator, "If-Match": '"1"'})
    assert stale.status_code == 412
    orphan = await registry.client.patch(url, json={"parent_id": None}, headers={**operator, "If-Match": '"2"'})
    assert orphan.status_code == 422
    assert orphan.json()["errors"][0]["field"] == "parent_id"
    kind_change = await registry.client.patch(url, json={"kind": "city"}, headers={**operator, "If-Match": '"2"'})
    assert kind_change.status_code == 422
    current = await registry.client.get(url, headers=operator)
    assert current.json()["name"] == "Kabupaten Baru"
    assert current.json()["version"] == 2


async def test_deactivate_marks_inactive_refuses_twice_and_refuses_while_children_are_active(
    registry: RunningService, operator: dict[str, str]
) -> None:
    ministry = await create_institution(registry, operator)
    unit = await create_institution(registry, operator, kind="training_unit", parent_id=ministry["id"])
    blocked = await registry.client.post(f"/institutions/{ministry['id']}/deactivate", headers=operator)
    assert blocked.status_code == 409
    done = await registry.client.post(f"/institutions/{unit['id']}/deactivate", headers=operator)
    assert done.status_code == 200
    assert done.json()["status"] == "inactive"
    assert done.json()["version"] == 2
    again = await registry.client.post(f"/institutions/{unit['id']}/deactivate", headers=operator)
    assert again.status_code == 409
    listed = await registry.client.get(
        "/institutions", params={"parent_id": ministry["id"], "status": "inactive"}, headers=operator
    )
    assert [i["id"] for i in listed.json()["items"]] == [unit["id"]]
    under_inactive = await registry.client.post(
        "/institutions",
        json={"code": new_code(), "name": "X", "kind": "regency", "parent_id": unit["id"]},
        headers=operator,
    )
    assert under_inactive.status_code == 422


async def test_no_token_is_401_and_a_non_admin_token_cannot_manage_institutions(
    registry: RunningService, operator: dict[str, str]
) -> None:
    home = await create_institution(registry, operator)
    reader = await headers_for(registry, operator, home["id"], "read", "registry:write")
    assert (await registry.client.get("/institutions")).status_code == 401
    bad_token = await registry.client.get("/institutions", headers={"Authorization": "Bearer not-a-jwt"})
    assert bad_token.status_code == 401
    assert (await registry.client.get("/institutions", headers=reader)).status_code == 200
    create = await registry.client.post(
        "/institutions", json={"code": new_code(), "name": "X", "kind": "agency"}, headers=reader
    )
    assert create.status_code == 403
    patch = await registry.client.patch(
        f"/institutions/{home['id']}", json={"name": "Y"}, headers={**reader, "If-Match": '"1"'}
    )
    assert patch.status_code == 403
    assert (await registry.client.post(f"/institutions/{home['id']}/deactivate", headers=reader)).status_code == 403
    writer_only = await headers_for(registry, operator, home["id"], "registry:write")
    assert (await registry.client.get("/institutions", headers=writer_only)).status_code == 403


async def test_idempotency_key_replays_the_first_response_and_refuses_a_different_body(
    registry: RunningService, operator: dict[str, str]
) -> None:
    key = {"Idempotency-Key": uuid.uuid4().hex}
    body = {"code": new_code(), "name": "Badan Uji", "kind": "agency"}
    first = await registry.client.post("/institutions", json=body, headers={**operator, **key})
    second = await registry.client.post("/institutions", json=body, headers={**operator, **key})
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second.headers["etag"] == '"1"'
    assert await scalar(registry, "SELECT count(*) FROM institutions WHERE code = $1", body["code"]) == 1
    other = await registry.client.post("/institutions", json={**body, "name": "Lain"}, headers={**operator, **key})
    assert other.status_code == 409


async def test_each_change_publishes_exactly_one_cloudevent_with_the_full_snapshot(
    registry: RunningService, operator: dict[str, str]
) -> None:
    province = await create_institution(registry, operator, kind="province", region_code="95")
    pid = province["id"]
    await registry.client.patch(
        f"/institutions/{pid}", json={"name": "Provinsi Ubah"}, headers={**operator, "If-Match": '"1"'}
    )
    await registry.client.patch(
        f"/institutions/{pid}", json={"name": "Provinsi Ubah"}, headers={**operator, "If-Match": '"2"'}
    )
    await registry.client.post(f"/institutions/{pid}/deactivate", headers=operator)

    records = [r for r in await published(registry, "registry.institutions") if r.key == pid.encode()]
    assert [header(r, "ce_type") for r in records] == [
        "institution.registered",
        "institution.updated",  # the second PATCH changed nothing and announced nothing
        "institution.deactivated",
    ]
    for record, version, name, status in zip(
        records,
        [1, 2, 3],
        ["Test institution", "Provinsi Ubah", "Provinsi Ubah"],
        ["active", "active", "inactive"],
        strict=True,
    ):
        assert header(record, "ce_specversion") == "1.0"
        assert header(record, "ce_source") == "registry"
        assert header(record, "ce_subject") == pid
        assert header(record, "content-type") == "application/json"
        assert header(record, "ce_id") and header(record, "ce_time")
        assert json.loads(record.value) == {
            "id": pid,
            "code": province["code"],
            "name": name,
            "kind": "province",
            "sector": "regional",
            "parent_id": None,
            "is_new_autonomous_region": False,
            "region_code": "95",
            "status": status,
            "version": version,
            "successor_ids": [],
            "succeeded_on": None,
        }
    assert len({header(r, "ce_id") for r in records}) == 3


async def test_text_with_a_nul_character_is_422_not_500(registry: RunningService, operator: dict[str, str]) -> None:
    response = await registry.client.post(
        "/institutions", json={"code": new_code(), "name": "a\u0000b", "kind": "agency"}, headers=operator
    )
    assert response.status_code == 422
    search = await registry.client.get("/institutions", params={"q": "a\u0000"}, headers=operator)
    assert search.status_code == 422
    assert (await registry.client.get("/civil-servants/1234%00", headers=operator)).status_code == 404
