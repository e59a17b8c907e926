"""Development plans on the real stack (SPEC §5a): life cycle with If-Match, checks, revisions, events, access."""

from __future__ import annotations

import asyncio
import json
import uuid

from enrollment import plans
from sinergi_shared.contracts import T_PLANS, spec_of
from sinergi_shared.db import transaction
from tests.enrollment.plan_support import APPROVE, WRITE, Clerk, item, new_institution
from tests.enrollment.support import NEXT_YEAR, World
from tests.support.service import RunningService
from tests.support.stack import collect, eventually, header


async def test_a_plan_goes_from_draft_to_submitted_to_approved_under_if_match(world: World) -> None:
    clerk = Clerk(world, await new_institution(world))
    [nip] = await world.staff(clerk.institution, 1)
    created = await clerk.create()
    assert created.status_code == 201, created.text
    plan = created.json()
    assert created.headers["ETag"] == '"1"' and created.headers["Location"] == f"/plans/{plan['id']}"
    assert (plan["status"], plan["revision"], plan["lineage_id"], plan["checks"], plan["items"]) == (
        "draft",
        1,
        plan["id"],
        None,
        [],
    )
    added = await clerk.add(plan["id"], item(nip, target_jp=24), if_match='"1"')
    assert added.status_code == 201, added.text
    assert added.headers["ETag"] == '"2"'
    assert added.json()["category"] == "formal" and added.json()["competency"]["name"] == "Perencanaan anggaran"

    missing = await clerk.client.post(f"/plans/{plan['id']}/submit", headers=clerk.headers())
    assert missing.status_code == 428, missing.text
    stale = await clerk.act(plan["id"], "submit", if_match='"1"')
    assert stale.status_code == 412, stale.text
    submitted = await clerk.act(plan["id"], "submit")
    assert submitted.status_code == 200, submitted.text
    body = submitted.json()
    assert (body["status"], submitted.headers["ETag"]) == ("submitted", '"3"')
    assert body["submitted_at"] and body["checks"]["years"][0]["pns_below_minimum"] == []
    assert [w["code"] for w in body["warnings"]] == ["mix_off_target", "budget_lines_unknown"]

    by_clerk = await clerk.act(plan["id"], "approve", WRITE)
    assert by_clerk.status_code == 403, by_clerk.text
    approved = await clerk.act(plan["id"], "approve")
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved" and approved.json()["approved_by"]
    assert approved.json()["checks"] == body["checks"]  # kept as shown on submission

    # An approved plan is never edited.
    refused = await clerk.add(plan["id"], item(nip))
    assert refused.status_code == 409, refused.text
    assert refused.json()["detail"].startswith("Rencana berstatus approved tidak dapat diubah")
    again = await clerk.act(plan["id"], "approve")
    assert again.status_code == 409
    after = (await clerk.get(plan["id"])).json()
    assert (len(after["items"]), after["version"]) == (1, 4)


async def test_the_checks_equal_the_figures_computed_by_hand(world: World) -> None:
    clerk = Clerk(world, await new_institution(world))
    a, b = await world.staff(clerk.institution, 2)
    [pppk] = await world.staff(clerk.institution, 1, employment="PPPK")
    [pppk_jpt] = await world.staff(clerk.institution, 1, employment="PPPK", position_level="jpt_pratama")
    plan = await clerk.draft()
    await clerk.added(
        plan["id"],
        item(a, target_jp=12, funding_source="APBN"),
        item(a, target_jp=8, pattern="coaching", estimated_cost_idr=500_000, funding_source="BLU"),
        item(b, target_jp=10, pattern="on_the_job", estimated_cost_idr=0),
        item(pppk, target_jp=20, estimated_cost_idr=0),
        item(pppk, target_jp=6, pattern="mentoring", estimated_cost_idr=0),
        item(pppk_jpt, target_jp=30, pattern="on_the_job", estimated_cost_idr=0),
        item(None, target_group={"position_kind": "functional", "count": 4}, target_jp=5, pattern="apprenticeship",
             estimated_cost_idr=2_000_000),
    )  # fmt: skip
    response = await clerk.act(plan["id"], "submit")
    assert response.status_code == 200, response.text
    body = response.json()
    [year] = body["checks"]["years"]
    assert year["year"] == NEXT_YEAR and year["active_pns"] == 2
    assert year["pns_below_minimum"] == [{"nip": b, "planned_jp": 10}]  # a has 12 + 8 = 20
    assert year["pppk_bound"] == 1  # the PPPK in a JPT post is exempt, even at 30 JP
    assert year["pppk_above_maximum"] == [{"nip": pppk, "planned_jp": 26}]
    assert (year["people_planned"], year["people_planned_by_group"], year["people_not_on_staff"]) == (4, 4, [])
    # formal 12 + 20; social 8 + 6; experiential 10 + 30 + 4 × 5.
    assert year["jp"] == {"formal": 32, "social": 14, "experiential": 60} and year["planned_jp"] == 106
    assert year["mix_pct"] == {"formal": 30.19, "social": 13.21, "experiential": 56.6}
    assert year["target_mix_pct"] == {"formal": 10.0, "social": 20.0, "experiential": 70.0}
    assert year["cost_by_source"] == {"APBN": 1_000_000, "BLU": 500_000, "PNBP": 0, "APBD": 2_000_000}
    assert (body["item_count"], body["planned_jp"], body["estimated_cost_idr"]) == (7, 106, 3_500_000)
    assert body["checks"]["budget_lines_known"] is False
    messages = [w["message"] for w in body["warnings"]]
    assert messages[:3] == [
        f"{NEXT_YEAR}: 1 PNS direncanakan kurang dari 20 JP",
        f"{NEXT_YEAR}: 1 PPPK direncanakan lebih dari 24 JP",
        f"{NEXT_YEAR}: komposisi 10:20:70 yang direncanakan menyimpang lebih dari 5 poin persen dari sasaran",
    ]
    assert messages[3].startswith("Pagu anggaran instansi tidak diketahui layanan enrollment")
    english = await world.client.get(f"/plans/{plan['id']}", headers={**clerk.headers("read"), "Accept-Language": "en"})
    assert english.json()["warnings"][0]["message"] == f"{NEXT_YEAR}: 1 PNS have fewer than 20 JP planned"


async def test_a_revision_supersedes_the_approved_plan_once_approved(world: World, service: RunningService) -> None:
    clerk = Clerk(world, await new_institution(world))
    [nip] = await world.staff(clerk.institution, 1)
    first = await clerk.draft()
    await clerk.added(first["id"], item(nip), item(None))
    await clerk.approved(first["id"])

    revised = await clerk.act(first["id"], "revise", if_match=None)
    assert revised.status_code == 201, revised.text
    second = revised.json()
    assert (second["revision"], second["lineage_id"], second["status"]) == (2, first["id"], "draft")
    assert [(i["nip"], i["target_group"]) for i in second["items"]] == [
        (nip, None),
        (None, {"position_kind": "executor", "count": 3}),
    ]
    twice = await clerk.act(first["id"], "revise")
    assert twice.status_code == 409 and twice.json()["plan_id"] == second["id"], twice.text
    of_draft = await clerk.act(second["id"], "revise")
    assert of_draft.status_code == 409
    # Editing the revision leaves the approved plan as it was.
    [extra] = await clerk.added(second["id"], item(nip, pattern="mentoring", target_jp=4))
    assert len((await clerk.get(first["id"])).json()["items"]) == 2

    async with transaction(service.app.state.sessions) as session:
        in_force = await plans.in_force(session, clerk.institution, NEXT_YEAR)
        assert in_force is not None and str(in_force.id) == first["id"]
    approved = await clerk.approved(second["id"])
    assert approved["status"] == "approved" and approved["items"][-1]["id"] == extra["id"]
    old = (await clerk.get(first["id"])).json()
    assert (old["status"], old["superseded_by_id"]) == ("superseded", second["id"])
    assert old["superseded_at"] and old["version"] == 6  # two items, submitted, approved, superseded
    async with transaction(service.app.state.sessions) as session:
        in_force = await plans.in_force(session, clerk.institution, NEXT_YEAR)
        assert in_force is not None and str(in_force.id) == second["id"]
        assert await plans.in_force(session, clerk.institution, NEXT_YEAR + 1) is None
    superseded = await clerk.act(first["id"], "revise")
    assert superseded.status_code == 409


async def test_a_short_plan_a_year_and_the_existing_one_is_named(world: World) -> None:
    clerk = Clerk(world, await new_institution(world))
    answers = await asyncio.gather(clerk.create(), clerk.create())
    assert sorted(r.status_code for r in answers) == [201, 409], [r.text for r in answers]
    [won] = [r.json() for r in answers if r.status_code == 201]
    [lost] = [r.json() for r in answers if r.status_code == 409]
    assert lost["plan_id"] == won["id"] and won["id"] in lost["detail"]
    assert (await clerk.create(first=NEXT_YEAR + 1)).status_code == 201
    medium = await clerk.create(horizon="medium", first=NEXT_YEAR, last=NEXT_YEAR + 4)
    assert medium.status_code == 201, medium.text
    rows = await world.db("SELECT count(*) AS n FROM plans WHERE institution_id = $1", clerk.institution)
    assert rows[0]["n"] == 3


async def test_creating_a_plan_again_with_the_same_idempotency_key_answers_the_first_plan(world: World) -> None:
    clerk = Clerk(world, await new_institution(world))
    body = {"institution_id": str(clerk.institution), "horizon": "medium", "first_year": NEXT_YEAR}
    body["last_year"] = NEXT_YEAR + 2
    headers = clerk.headers(**{"Idempotency-Key": f"plan-{uuid.uuid4()}"})
    first = await world.client.post("/plans", json=body, headers=headers)
    retry = await world.client.post("/plans", json=body, headers=headers)
    assert first.status_code == retry.status_code == 201
    assert retry.json()["id"] == first.json()["id"]


async def test_two_clerks_editing_one_draft_one_gets_412(world: World) -> None:
    clerk = Clerk(world, await new_institution(world))
    a, b = await world.staff(clerk.institution, 2)
    plan = await clerk.draft()
    seen = await clerk.etag(plan["id"])
    answers = await asyncio.gather(
        clerk.add(plan["id"], item(a), if_match=seen), clerk.add(plan["id"], item(b), if_match=seen)
    )
    assert sorted(r.status_code for r in answers) == [201, 412], [r.text for r in answers]
    after = (await clerk.get(plan["id"])).json()
    assert len(after["items"]) == 1 and after["version"] == 2
    # The one refused reads the plan again and adds on its new ETag.
    retried = await clerk.add(plan["id"], item(b if after["items"][0]["nip"] == a else a), if_match='"2"')
    assert retried.status_code == 201 and retried.headers["ETag"] == '"3"'


async def test_a_coordinator_reads_another_institutions_plan_but_does_not_approve_it(world: World) -> None:
    clerk = Clerk(world, await new_institution(world))
    [nip] = await world.staff(clerk.institution, 1)
    plan = await clerk.draft()
    await clerk.added(plan["id"], item(nip))
    assert (await clerk.act(plan["id"], "submit")).status_code == 200
    coordinator = Clerk(world, world.ids["kemendagri"])
    assert (await coordinator.get(plan["id"], "coordinator")).status_code == 200
    listed = await world.client.get(
        "/plans", params={"institution_id": str(clerk.institution)}, headers=coordinator.headers("coordinator")
    )
    assert [p["id"] for p in listed.json()["items"]] == [plan["id"]]
    refused = await coordinator.act(plan["id"], "approve", "coordinator", APPROVE, if_match='"3"')
    assert refused.status_code == 403, refused.text
    assert "PPK instansinya sendiri" in refused.json()["detail"]
    other = Clerk(world, world.ids["jayapura"])
    assert (await other.get(plan["id"], "read")).status_code == 404
    assert (await other.act(plan["id"], "approve", APPROVE, if_match='"3"')).status_code == 404
    foreign_list = await world.client.get(
        "/plans", params={"institution_id": str(clerk.institution)}, headers=other.headers("read")
    )
    assert foreign_list.status_code == 403
    assert (await clerk.get(plan["id"], "read")).json()["status"] == "submitted"


async def test_plans_are_listed_by_fiscal_year_and_status_page_by_page(world: World) -> None:
    clerk = Clerk(world, await new_institution(world))
    short = await clerk.draft()
    medium = await clerk.draft(horizon="medium", first=NEXT_YEAR, last=NEXT_YEAR + 2)
    later = await clerk.draft(first=NEXT_YEAR + 2)

    async def listed(**params: object) -> list[str]:
        response = await world.client.get("/plans", params=params, headers=clerk.headers("read"))
        assert response.status_code == 200, response.text
        return [p["id"] for p in response.json()["items"]]

    assert await listed() == [short["id"], medium["id"], later["id"]]
    assert await listed(fiscal_year=NEXT_YEAR + 1) == [medium["id"]]
    assert await listed(fiscal_year=NEXT_YEAR + 2) == [medium["id"], later["id"]]
    assert await listed(status="approved") == []
    first = await world.client.get("/plans", params={"limit": 2}, headers=clerk.headers("read"))
    cursor = first.json()["next_cursor"]
    assert cursor and await listed(limit=2, cursor=cursor) == [later["id"]]


async def test_submit_and_approve_publish_plan_events(world: World, topic_prefix: str) -> None:
    clerk = Clerk(world, await new_institution(world))
    [nip] = await world.staff(clerk.institution, 1)
    first = await clerk.draft()
    await clerk.added(first["id"], item(nip, target_jp=10), item(None, target_jp=2))
    await clerk.approved(first["id"])
    second = (await clerk.act(first["id"], "revise")).json()
    await clerk.approved(second["id"])
    ours = {first["id"], second["id"]}

    async def published() -> bool:
        rows = await world.db("SELECT count(*) AS n FROM outbox")
        return rows[0]["n"] == 0

    await eventually(published, timeout=20)
    stored = await world.db(
        "SELECT type, key FROM event_log WHERE topic = $1 AND key = ANY($2::text[]) ORDER BY position",
        T_PLANS,
        list(ours),
    )
    expected = [
        ("plan.submitted", first["id"]),
        ("plan.approved", first["id"]),
        ("plan.submitted", second["id"]),
        ("plan.approved", second["id"]),
        ("plan.superseded", first["id"]),
    ]
    assert [(r["type"], r["key"]) for r in stored] == expected
    total = await world.db("SELECT count(*) AS n FROM event_log WHERE topic = $1", T_PLANS)
    records = await collect(topic_prefix + T_PLANS, count=total[0]["n"], timeout=20)
    mine = [r for r in records if r.key.decode() in ours]
    assert sorted((header(r, "ce_type"), r.key.decode()) for r in mine) == sorted(expected)
    payloads = {}
    for record in mine:
        spec = spec_of(header(record, "ce_type") or "")
        assert header(record, "ce_source") == "enrollment" and header(record, "ce_subject") == record.key.decode()
        payloads[spec.type, record.key.decode()] = spec.payload.model_validate(json.loads(record.value))
    submitted = payloads["plan.submitted", first["id"]]
    assert (submitted.item_count, submitted.planned_jp, submitted.estimated_cost_idr) == (2, 16, 2_000_000)
    [year] = submitted.checks  # type: ignore[attr-defined]
    assert (year.year, year.active_pns, year.pns_below_minimum, year.people_planned_by_group) == (NEXT_YEAR, 1, 1, 3)
    assert submitted.budget_lines_known is False  # type: ignore[attr-defined]
    assert str(payloads["plan.approved", second["id"]].supersedes_id) == first["id"]  # type: ignore[attr-defined]
    superseded = payloads["plan.superseded", first["id"]]
    assert str(superseded.superseded_by_id) == second["id"] and superseded.revision == 1  # type: ignore[attr-defined]
