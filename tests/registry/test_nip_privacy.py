"""Registering a NIP tells the caller no more than reading it does: any registered NIP gets one 409, naming nothing.

The NIP is the key, so that a NIP is taken cannot be hidden from a caller who tries to register it; where it is
taken, and whether it is still active, is not said. Reading another institution's NIP stays a 404.
"""

from __future__ import annotations

from typing import Any

from tests.registry.support import create_institution, headers_for, register
from tests.support.service import RunningService


async def _office(registry: RunningService, operator: dict[str, str]) -> dict[str, Any]:
    inst = await create_institution(registry, operator, kind="agency")
    return {**inst, "clerk": await headers_for(registry, operator, inst["id"], "read", "registry:write")}


def _answer(problem: dict[str, Any], nip: str) -> dict[str, Any]:
    """What a caller can tell apart, the NIP it sent aside."""
    return {k: str(v).replace(nip, "<nip>") for k, v in problem.items() if k != "trace_id"}


async def test_a_registered_nip_gets_one_409_whoever_employs_them(
    registry: RunningService, operator: dict[str, str]
) -> None:
    mine, theirs = await _office(registry, operator), await _office(registry, operator)
    own = await register(registry, mine["clerk"], mine["id"])
    own_retired = await register(registry, mine["clerk"], mine["id"])
    other = await register(registry, theirs["clerk"], theirs["id"])
    other_retired = await register(registry, theirs["clerk"], theirs["id"])
    for person, office in ((own_retired, mine), (other_retired, theirs)):
        retired = await registry.client.post(f"/civil-servants/{person['nip']}/retire", headers=office["clerk"])
        assert retired.status_code == 200, retired.text

    answers = []
    for person in (own, own_retired, other, other_retired):
        body = {
            "nip": person["nip"],
            "name": "Maria Kambu",
            "institution_id": mine["id"],
            "employment": "PNS",
            "position_kind": "executor",
        }
        response = await registry.client.post("/civil-servants", json=body, headers=mine["clerk"])
        assert response.status_code == 409, response.text
        answers.append(_answer(response.json(), person["nip"]))
        for private in (theirs["id"], theirs["code"], theirs["name"], "pensiun"):
            assert private not in response.text, private
    assert all(answer == answers[0] for answer in answers), answers
    assert "dimutasi oleh instansi asalnya" in answers[0]["detail"]

    # Reading it still answers as if it did not exist.
    read = await registry.client.get(f"/civil-servants/{other['nip']}", headers=mine["clerk"])
    assert read.status_code == 404
