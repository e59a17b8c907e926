"""A split ministry in the enrollment service: its replica follows institution.succeeded, its history rolls up into
each successor's institution report, its running cohorts keep working and new programs go to its successors."""

from __future__ import annotations

import uuid
from typing import Any

from tests.enrollment.support import World, institution_snapshot
from tests.support.stack import eventually

YEAR = 2034  # no other enrollment test ends a cohort in this year
SPLIT_ON = "2024-10-21"


async def _complete(world: World, cohort: dict[str, Any], nip: str, by: uuid.UUID, unit: uuid.UUID, jp: int) -> None:
    e = await world.nominate(cohort, nip, by)
    await world.approve(e["id"])
    r = await world.client.post(
        f"/enrollments/{e['id']}/complete",
        json={"attended_jp": jp, "passed": True},
        headers=world.headers(unit, "enrollments:complete"),
    )
    assert r.status_code == 200, r.text


async def _ministries(world: World, *successor_names: str) -> tuple[str, list[uuid.UUID]]:
    """A ministry to be split with its training unit (keys old_<tag>, unit_<tag>), and its future successors."""
    tag = uuid.uuid4().hex[:6]
    old = await world.add_institution(f"old_{tag}", kind="ministry", name="Kementerian Lama")
    made = [old, await world.add_institution(f"unit_{tag}", kind="training_unit", name="BPSDM Lama", parent_id=old)]
    for n, name in enumerate(successor_names):
        made.append(await world.add_institution(f"successor_{n}_{tag}", kind="ministry", name=name))
    await world.wait_institutions(*made)
    return tag, made


async def _split(world: World, ministry: uuid.UUID, *successors: uuid.UUID) -> None:
    """The registry announces that the ministry was split into the successors, and the replica applies it."""
    snapshot = institution_snapshot(kind="ministry", name="Kementerian Lama", institution_id=ministry, version=2)
    snapshot.update(status="inactive", successor_ids=[str(s) for s in successors], succeeded_on=SPLIT_ON)
    await world.bus.publish("institution.succeeded", snapshot)

    async def applied() -> bool:
        rows = await world.db("SELECT status, successor_ids, succeeded_on FROM institutions WHERE id = $1", ministry)
        return bool(rows) and (rows[0]["status"], rows[0]["successor_ids"]) == ("inactive", list(successors))

    await eventually(applied)
    [row] = await world.db("SELECT succeeded_on, version FROM institutions WHERE id = $1", ministry)
    assert (str(row["succeeded_on"]), row["version"]) == (SPLIT_ON, 2)


async def test_a_successors_report_carries_its_predecessors_history_and_the_predecessors_own_is_unchanged(
    world: World,
) -> None:
    tag, (old, unit, first, second) = await _ministries(world, "Kementerian Pertama", "Kementerian Kedua")
    old_staff = await world.staff(old, 2)
    [first_staff] = await world.staff(first, 1)

    program = await world.program(provider=f"unit_{tag}", hours_jp=24, fiscal_year=YEAR)
    cohort = await world.cohort(program, provider=f"unit_{tag}", capacity=10)
    for nip in old_staff:
        await _complete(world, cohort, nip, old, unit, 24)
    await _complete(world, cohort, first_staff, first, unit, 10)

    await _split(world, old, first, second)

    coordinator = world.issuer.headers(uuid.uuid4(), "coordinator")

    async def report(institution: uuid.UUID, headers: dict[str, str] | None = None) -> dict[str, Any]:
        r = await world.client.get(
            f"/reports/institutions/{institution}", params={"year": YEAR}, headers=headers or coordinator
        )
        assert r.status_code == 200, r.text
        return dict(r.json())

    own = await report(first, world.headers(first, "read"))
    assert (own["people_trained"], own["total_jp"], own["jp"]["formal"]) == (3, 58, 58)
    assert own["predecessors"] == [
        {"id": str(old), "code": f"MIN-{old.hex[:8]}", "name": "Kementerian Lama", "succeeded_on": SPLIT_ON}
    ]
    # A split predecessor's history belongs to each of its successors.
    other = await report(second)
    assert (other["people_trained"], other["total_jp"], [p["id"] for p in other["predecessors"]]) == (2, 48, [str(old)])
    # Headcount stays each institution's own staff: the predecessor's count once they are transferred.
    assert (own["active_staff"], other["active_staff"]) == (1, 0)
    before = await report(old)
    assert (before["people_trained"], before["total_jp"], before["predecessors"]) == (2, 48, [])


async def test_a_split_ministrys_running_cohorts_keep_working_but_new_programs_go_to_its_successors(
    world: World,
) -> None:
    tag, (old, unit, heir) = await _ministries(world, "Kementerian Penerus")
    [nip] = await world.staff(heir, 1)
    program = await world.program(provider=f"unit_{tag}")
    cohort = await world.cohort(program, provider=f"unit_{tag}")

    await _split(world, old, heir)

    # The running program keeps its cohorts: nominations and a new cohort of it are accepted.
    e = await world.nominate(cohort, nip, heir)
    assert e["status"] == "reserved"
    await world.cohort(program, provider=f"unit_{tag}", name="Angkatan II")
    # A new program of the succeeded ministry's unit, or of the ministry itself, is refused, naming its successor.
    for provider in (unit, old):
        body = {k: program[k] for k in ("title", "pattern", "hours_jp", "horizon", "fiscal_year")}
        body.update(provider_id=str(provider), cost_per_participant_idr=1_000_000)
        r = await world.client.post("/programs", json=body, headers=world.headers(provider, "programs:write"))
        assert r.status_code == 422, r.text
        [error] = r.json()["errors"]
        assert error["field"] == "provider_id" and f"MIN-{heir.hex[:8]}" in error["message"]
