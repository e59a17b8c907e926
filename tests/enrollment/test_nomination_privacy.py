"""A nomination reveals nothing of other institutions' staff: unknown, retired or another's, one answer."""

from __future__ import annotations

from typing import Any

from tests.enrollment.support import World, new_nip, servant_snapshot

NOT_STAFF = "bukan pegawai instansi pengusul menurut data registri"


async def _retired(world: World, institution: str) -> str:
    [nip] = await world.staff(world.ids[institution], 1)
    retired = servant_snapshot(nip, world.ids[institution], version=2, status="retired")
    await world.bus.publish("civil_servant.retired", retired)
    await world.wait_servants([nip], version=2)
    return nip


def _answer(problem: dict[str, Any]) -> dict[str, Any]:
    """What a caller can tell apart: everything but the trace id."""
    return {k: v for k, v in problem.items() if k != "trace_id"}


async def test_a_nip_not_on_the_nominators_staff_gets_one_answer_whatever_exists(world: World) -> None:
    program = await world.program()
    cohort = await world.cohort(program, capacity=10)
    [theirs] = await world.staff(world.ids["papua"], 1)
    theirs_retired = await _retired(world, "papua")
    unknown = new_nip()

    answers = [await world.nominate(cohort, nip, "kemenhub", expect=422) for nip in (theirs, theirs_retired, unknown)]
    assert _answer(answers[0]) == _answer(answers[1]) == _answer(answers[2]), answers
    assert NOT_STAFF in answers[0]["detail"] and answers[0]["errors"][0]["field"] == "nip"

    # The nominator's own retired staff is still told apart: it is theirs to know.
    own_retired = await _retired(world, "kemenhub")
    retired = await world.nominate(cohort, own_retired, "kemenhub", expect=422)
    assert "sudah pensiun" in retired["detail"]


async def test_a_coordinator_still_hears_unknown_and_retired(world: World) -> None:
    program = await world.program()
    cohort = await world.cohort(program, capacity=10)
    theirs_retired = await _retired(world, "papua")
    headers = world.headers("kemenhub", "enrollments:write", "coordinator")
    url = f"/cohorts/{cohort['id']}/enrollments"
    retired = await world.client.post(url, json={"nip": theirs_retired, "funding_source": "APBN"}, headers=headers)
    unknown = await world.client.post(url, json={"nip": new_nip(), "funding_source": "APBN"}, headers=headers)
    assert retired.status_code == unknown.status_code == 422
    assert "sudah pensiun" in retired.json()["detail"]
    assert "tidak dikenal registri" in unknown.json()["detail"]
