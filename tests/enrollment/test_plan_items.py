"""Plans and their items refused on the real stack: each refusal a clear problem on its field, nothing written."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.enrollment.plan_support import APPROVE, Clerk, item, new_institution
from tests.enrollment.support import NEXT_YEAR, World, servant_snapshot


async def _written(world: World, clerk: Clerk) -> tuple[int, int, int]:
    """Plans, items and the sum of plan versions of the clerk's institution: what a refusal must leave alone."""
    rows = await world.db(
        "SELECT (SELECT count(*) FROM plans WHERE institution_id = $1) AS plans,"
        " (SELECT count(*) FROM plan_items i JOIN plans p ON p.id = i.plan_id WHERE p.institution_id = $1) AS items,"
        " (SELECT coalesce(sum(version), 0) FROM plans WHERE institution_id = $1) AS v",
        clerk.institution,
    )
    return rows[0]["plans"], rows[0]["items"], rows[0]["v"]


@pytest.mark.parametrize(
    ("horizon", "first", "last", "field", "message"),
    [
        ("short", NEXT_YEAR, NEXT_YEAR + 1, "last_year", "rencana jangka pendek mencakup satu tahun anggaran"),
        ("medium", NEXT_YEAR, NEXT_YEAR + 5, "last_year", "rencana jangka menengah mencakup paling banyak 5 tahun"),
        ("long", NEXT_YEAR, NEXT_YEAR + 20, "last_year", "rencana jangka panjang mencakup paling banyak 20 tahun"),
        ("medium", NEXT_YEAR, NEXT_YEAR - 1, "last_year", "tidak boleh sebelum first_year"),
    ],
)
async def test_a_plan_outside_its_horizon_is_refused(
    world: World, horizon: str, first: int, last: int, field: str, message: str
) -> None:
    clerk = Clerk(world, await new_institution(world))
    response = await clerk.create(horizon=horizon, first=first, last=last)
    assert response.status_code == 422, response.text
    [error] = response.json()["errors"]
    assert error["field"] == field and error["message"].startswith(message), error
    assert await _written(world, clerk) == (0, 0, 0)


async def test_a_plan_for_another_or_an_unknown_institution_is_refused(world: World) -> None:
    clerk = Clerk(world, await new_institution(world))
    body = {"institution_id": str(world.ids["jayapura"]), "horizon": "short", "first_year": NEXT_YEAR}
    other = await world.client.post("/plans", json={**body, "last_year": NEXT_YEAR}, headers=clerk.headers())
    assert other.status_code == 403, other.text
    unknown = Clerk(world, uuid.uuid4())
    # A coordinator may draft for any institution, but only one the registry has and keeps active.
    response = await world.client.post(
        "/plans",
        json={**body, "institution_id": str(unknown.institution), "last_year": NEXT_YEAR},
        headers=clerk.headers("plans:write", "coordinator"),
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "institution_id"
    rows = await world.db("SELECT count(*) AS n FROM plans WHERE institution_id = ANY($1::uuid[])",
                          [world.ids["jayapura"], unknown.institution])  # fmt: skip
    assert rows[0]["n"] == 0
    by_reader = await world.client.post("/plans", json={**body, "last_year": NEXT_YEAR}, headers=clerk.headers("read"))
    assert by_reader.status_code == 403


async def test_each_bad_item_is_refused_on_its_field_and_nothing_is_written(world: World) -> None:
    clerk = Clerk(world, await new_institution(world))
    mine, retired = await world.staff(clerk.institution, 2)
    [theirs] = await world.staff(world.ids["jayapura"], 1)
    await world.bus.publish("civil_servant.retired", servant_snapshot(retired, clerk.institution, status="retired",
                                                                      version=2))  # fmt: skip
    await world.wait_servants([retired], version=2)
    program = await world.program(pattern="technical_training", fiscal_year=NEXT_YEAR)
    plan = await clerk.draft(horizon="medium", first=NEXT_YEAR, last=NEXT_YEAR + 1)
    before = await _written(world, clerk)
    cases: list[tuple[dict[str, Any], str, str]] = [
        (item("199001012015031001"), "nip", "NIP ini tidak dikenal registri"),
        (item(theirs), "nip", "ASN ini bukan pegawai instansi pemilik rencana"),
        (item(retired), "nip", "ASN ini sudah pensiun"),
        (item(mine, target_year=NEXT_YEAR + 2), "target_year",
         f"tahun sasaran harus di antara {NEXT_YEAR} dan {NEXT_YEAR + 1}"),
        (item(mine, category="social"), "category", "kategori mengikuti pola pengembangan"),
        (item(mine, planned_program_id=str(uuid.uuid4())), "planned_program_id", "program ini tidak dikenal"),
        (item(mine, planned_program_id=program["id"], pattern="coaching"), "pattern",
         "harus sama dengan pola program yang direncanakan (technical_training)"),
        (item(mine, planned_program_id=program["id"], target_year=NEXT_YEAR + 1), "target_year",
         f"program yang direncanakan untuk tahun anggaran {NEXT_YEAR}, bukan {NEXT_YEAR + 1}"),
        (item(mine, planned_program_id=program["id"], planned_provider_id=str(world.ids["pusdiklat_hub"])),
         "planned_provider_id", "harus penyelenggara program yang direncanakan"),
        (item(mine, planned_provider_id=str(world.ids["papua"])), "planned_provider_id",
         "bukan unit pelatihan atau K/L yang aktif di registri"),
        (item(mine, planned_provider_id=str(uuid.uuid4())), "planned_provider_id",
         "bukan unit pelatihan atau K/L yang aktif di registri"),
        (item(mine, target_group={"position_kind": "executor", "count": 2}), "target_group",
         "isi tepat satu dari nip atau target_group"),
        ({k: v for k, v in item(mine).items() if k != "nip"}, "target_group",
         "isi tepat satu dari nip atau target_group"),
        (item(mine, quarter=5), "quarter", ""),
        (item(mine, competency={"type": "spiritual", "name": "x"}), "competency.type", ""),
        (item(mine, need="whim"), "need", ""),
    ]  # fmt: skip
    for body, field, message in cases:
        response = await clerk.add(plan["id"], body)
        assert response.status_code == 422, (body, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        errors = response.json()["errors"]
        assert any(e["field"] == field and e["message"].startswith(message) for e in errors), (field, errors)
    assert await _written(world, clerk) == before
    fine = await clerk.add(plan["id"], item(mine, planned_program_id=program["id"], quarter=2))
    assert fine.status_code == 201, fine.text
    assert fine.json()["planned_provider_id"] == str(world.ids["bpsdm"])  # the program's provider, filled in


async def test_an_item_with_several_faults_lists_them_all(world: World) -> None:
    clerk = Clerk(world, await new_institution(world))
    plan = await clerk.draft()
    response = await clerk.add(plan["id"], item("199001012015031001", target_year=NEXT_YEAR + 3, category="social"))
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["nip", "target_year", "category"]
    english = await world.client.post(
        f"/plans/{plan['id']}/items",
        json=item(None, target_year=NEXT_YEAR + 3),
        headers={**clerk.headers(), "Accept-Language": "en"},
    )
    assert english.json()["errors"][0]["message"] == f"the target year must be between {NEXT_YEAR} and {NEXT_YEAR}"


async def test_items_are_removed_from_a_draft_only_and_listed_page_by_page(world: World) -> None:
    clerk = Clerk(world, await new_institution(world))
    nips = await world.staff(clerk.institution, 3)
    plan = await clerk.draft()
    added = await clerk.added(plan["id"], *(item(nip) for nip in nips))
    url = f"/plans/{plan['id']}/items"
    page = await world.client.get(url, params={"limit": 2}, headers=clerk.headers("read"))
    assert [i["nip"] for i in page.json()["items"]] == nips[:2]
    rest = await world.client.get(url, params={"limit": 2, "cursor": page.json()["next_cursor"]},
                                  headers=clerk.headers("read"))  # fmt: skip
    assert [i["nip"] for i in rest.json()["items"]] == nips[2:] and rest.json()["next_cursor"] is None

    removed = await world.client.delete(f"{url}/{added[0]['id']}", headers=clerk.headers(if_match='"4"'))
    assert removed.status_code == 204 and removed.headers["ETag"] == '"5"'
    stale = await world.client.delete(f"{url}/{added[1]['id']}", headers=clerk.headers(if_match='"4"'))
    assert stale.status_code == 412
    gone = await world.client.delete(f"{url}/{added[0]['id']}", headers=clerk.headers())
    assert gone.status_code == 404
    assert (await clerk.act(plan["id"], "submit")).status_code == 200
    frozen = await world.client.delete(f"{url}/{added[1]['id']}", headers=clerk.headers())
    assert frozen.status_code == 409
    assert [i["nip"] for i in (await clerk.get(plan["id"])).json()["items"]] == nips[1:]


async def test_an_empty_draft_is_not_submitted_nor_a_draft_approved(world: World) -> None:
    clerk = Clerk(world, await new_institution(world))
    plan = await clerk.draft()
    empty = await clerk.act(plan["id"], "submit")
    assert empty.status_code == 409 and empty.json()["detail"] == "Rencana tanpa butir tidak dapat diajukan."
    draft = await clerk.act(plan["id"], "approve", APPROVE)
    assert draft.status_code == 409
    assert draft.json()["detail"].startswith("Rencana berstatus draft tidak dapat disetujui")
    assert await _written(world, clerk) == (1, 0, 1)


async def test_an_unknown_plan_is_404_for_every_route(world: World) -> None:
    clerk = Clerk(world, await new_institution(world))
    missing = uuid.uuid4()
    for method, path, body in [
        ("GET", f"/plans/{missing}", None),
        ("GET", f"/plans/{missing}/items", None),
        ("POST", f"/plans/{missing}/items", item(None)),
        ("DELETE", f"/plans/{missing}/items/{uuid.uuid4()}", None),
        ("POST", f"/plans/{missing}/submit", None),
        ("POST", f"/plans/{missing}/revise", None),
    ]:
        response = await world.client.request(method, path, json=body, headers=clerk.headers("plans:write", "read"))
        assert response.status_code == 404, (method, path, response.text)
        assert response.json()["detail"] == f"Rencana {missing} tidak ditemukan."
