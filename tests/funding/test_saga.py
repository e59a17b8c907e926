"""The funding side of the enrollment saga, through the real Kafka: events in, decisions and money out."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from sinergi_shared.payloads import EnrollmentRejected
from tests.funding.bus import Bus, Enrollment, funding_events
from tests.funding.conftest import Institutions
from tests.support.service import RunningService
from tests.support.stack import eventually
from tests.support.tokens import TestIssuer

YEAR = 2031


@dataclass
class World:
    ministry: uuid.UUID
    regency: uuid.UUID
    dob_province: uuid.UUID
    apbn_line: str
    blu_line: str
    dob_line: str
    apbd_line: str


@pytest.fixture
async def world(api: httpx.AsyncClient, issuer: TestIssuer, institutions: Institutions) -> World:
    """A K/L with APBN (general, DOB facilitation) and BLU lines, a regency with an APBD line, a DOB province."""
    ministry, regency, dob_province = await institutions("ministry", "regency", ("province", True))
    coordinator = issuer.headers(ministry, "funding:write", "coordinator")

    async def line(institution: uuid.UUID, source: str, ceiling: int, limit: int, purpose: str = "general") -> str:
        response = await api.post(
            "/budgets",
            json={
                "institution_id": str(institution),
                "source": source,
                "fiscal_year": YEAR,
                "ceiling_idr": ceiling,
                "purpose": purpose,
                "auto_approve_limit_idr": limit,
            },
            headers=coordinator,
        )
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    return World(
        ministry=ministry,
        regency=regency,
        dob_province=dob_province,
        apbn_line=await line(ministry, "APBN", 100_000_000, 10_000_000),
        blu_line=await line(ministry, "BLU", 50_000_000, 0),
        dob_line=await line(ministry, "APBN", 80_000_000, 80_000_000, "dob_facilitation"),
        apbd_line=await line(regency, "APBD", 20_000_000, 5_000_000),
    )


def enrollment(world: World, *, source: str, amount: int, dob: bool = False, central: bool = False) -> Enrollment:
    participant = world.dob_province if dob else (world.ministry if central else world.regency)
    return Enrollment(
        provider_ministry_id=world.ministry,
        institution_id=participant,
        sector="central" if central else "regional",
        requested_source=source,
        amount_idr=amount,
        fiscal_year=YEAR,
        is_dob=dob,
    )


async def request_of(api: httpx.AsyncClient, issuer: TestIssuer, enrollment_id: uuid.UUID) -> dict[str, Any]:
    """The funding request opened for an enrollment, once the service consumed its reservation."""
    headers = issuer.headers(uuid.uuid4(), "coordinator")

    async def opened() -> dict[str, Any] | None:
        items = (await api.get(f"/funding-requests?enrollment_id={enrollment_id}", headers=headers)).json()["items"]
        return items[0] if items else None

    found: dict[str, Any] = await eventually(opened)
    return found


async def line_figures(api: httpx.AsyncClient, issuer: TestIssuer, line_id: str) -> tuple[int, int, int]:
    body = (await api.get(f"/budgets/{line_id}", headers=issuer.headers(uuid.uuid4(), "coordinator"))).json()
    return body["committed_idr"], body["realized_idr"], body["available_idr"]


def keyed(headers: dict[str, str]) -> dict[str, str]:
    """The headers of a POST that moves money: each its own Idempotency-Key."""
    return {**headers, "Idempotency-Key": uuid.uuid4().hex}


def kinds(events: list[Any]) -> list[str]:
    return [e.type for e in events]


async def test_regional_apbd_request_within_auto_limit_is_approved_at_once(
    api: httpx.AsyncClient, issuer: TestIssuer, bus: Bus, world: World, topic_prefix: str
) -> None:
    seat = enrollment(world, source="APBD", amount=4_000_000)
    await bus.publish("enrollment.reserved", seat.reserved())

    events = await funding_events(topic_prefix, seat.id, count=2)
    assert kinds(events) == ["funding.requested", "funding.approved"]
    requested, approved = events
    assert requested.data["status"] == "approved"
    assert approved.data["budget_line_id"] == world.apbd_line
    assert approved.data["payer_institution_id"] == str(world.regency)
    assert (approved.data["source"], approved.data["amount_idr"], approved.data["is_dob"]) == ("APBD", 4_000_000, False)
    assert approved.source == "funding" and approved.subject == str(seat.id)
    assert await line_figures(api, issuer, world.apbd_line) == (4_000_000, 0, 16_000_000)
    request = await request_of(api, issuer, seat.id)
    assert (request["status"], request["decided_by"]) == ("approved", "auto")


async def test_dob_participant_waits_for_a_coordinator_whatever_the_source(
    api: httpx.AsyncClient, issuer: TestIssuer, bus: Bus, world: World, topic_prefix: str
) -> None:
    seat = enrollment(world, source="APBD", amount=6_000_000, dob=True)
    await bus.publish("enrollment.reserved", seat.reserved())
    request = await request_of(api, issuer, seat.id)
    assert request["status"] == "awaiting_approval"
    assert (request["source"], request["purpose"], request["budget_line_id"]) == (
        "APBN",
        "dob_facilitation",
        world.dob_line,
    )
    assert (request["payer_institution_id"], request["requires_coordinator"]) == (str(world.ministry), True)
    assert request["approval_deadline"] is not None

    # The payer's own approver is not enough for a DOB participant; the region itself cannot approve either.
    url = f"/funding-requests/{request['id']}/approve"
    payer_approver = await api.post(url, headers=keyed(issuer.headers(world.ministry, "funding:approve")))
    assert payer_approver.status_code == 403
    region = await api.post(url, headers=keyed(issuer.headers(world.dob_province, "funding:approve")))
    assert region.status_code == 403
    assert await line_figures(api, issuer, world.dob_line) == (0, 0, 80_000_000)

    approved = await api.post(url, headers=keyed(issuer.headers(uuid.uuid4(), "coordinator")))
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"
    assert (await api.post(url, headers=keyed(issuer.headers(uuid.uuid4(), "coordinator")))).status_code == 409

    events = await funding_events(topic_prefix, seat.id, count=2)
    assert kinds(events) == ["funding.requested", "funding.approved"]
    assert events[0].data["status"] == "awaiting_approval"
    assert (events[1].data["is_dob"], events[1].data["source"]) == (True, "APBN")
    assert await line_figures(api, issuer, world.dob_line) == (6_000_000, 0, 74_000_000)


async def test_above_available_is_rejected_with_insufficient_budget(
    api: httpx.AsyncClient, issuer: TestIssuer, bus: Bus, world: World, topic_prefix: str
) -> None:
    seat = enrollment(world, source="APBN", amount=100_000_001)
    await bus.publish("enrollment.reserved", seat.reserved())
    events = await funding_events(topic_prefix, seat.id, count=2)
    assert kinds(events) == ["funding.requested", "funding.rejected"]
    assert events[1].data["reason"] == "insufficient_budget"
    assert await line_figures(api, issuer, world.apbn_line) == (0, 0, 100_000_000)


async def test_unroutable_requests_are_rejected_with_machine_readable_reasons(
    api: httpx.AsyncClient, issuer: TestIssuer, bus: Bus, world: World, topic_prefix: str
) -> None:
    central_apbd = enrollment(world, source="APBD", amount=1_000_000, central=True)
    no_line = enrollment(world, source="PNBP", amount=1_000_000)
    await bus.publish("enrollment.reserved", central_apbd.reserved())
    await bus.publish("enrollment.reserved", no_line.reserved())

    [_, refused] = await funding_events(topic_prefix, central_apbd.id, count=2)
    assert (refused.type, refused.data["reason"], refused.data["payer_institution_id"]) == (
        "funding.rejected",
        "source_not_allowed",
        None,
    )
    [_, missing] = await funding_events(topic_prefix, no_line.id, count=2)
    assert (missing.type, missing.data["reason"]) == ("funding.rejected", "no_budget_line")
    # The requesting institution sees its refused request even though no one pays for it.
    own = await api.get(
        f"/funding-requests/{refused.data['request_id']}", headers=issuer.headers(world.ministry, "read")
    )
    assert (own.status_code, own.json()["reason"]) == (200, "source_not_allowed")


async def test_payer_approves_above_auto_limit_and_others_are_refused(
    api: httpx.AsyncClient, issuer: TestIssuer, bus: Bus, world: World, topic_prefix: str
) -> None:
    seat = enrollment(world, source="BLU", amount=7_000_000)
    await bus.publish("enrollment.reserved", seat.reserved())
    request = await request_of(api, issuer, seat.id)
    assert (request["status"], request["budget_line_id"]) == ("awaiting_approval", world.blu_line)
    url = f"/funding-requests/{request['id']}/approve"

    assert (await api.post(url)).status_code == 401
    assert (await api.post(url, headers=issuer.headers(world.ministry, "funding:write"))).status_code == 403
    stranger = await api.post(url, headers=keyed(issuer.headers(uuid.uuid4(), "funding:approve")))
    assert stranger.status_code == 403
    # The participant's region may see the request but only the payer decides it.
    assert (await api.post(url, headers=keyed(issuer.headers(world.regency, "funding:approve")))).status_code == 403
    assert (
        await api.post(
            f"/funding-requests/{uuid.uuid4()}/approve",
            headers=keyed(issuer.headers(world.ministry, "funding:approve")),
        )
    ).status_code == 404

    approved = await api.post(url, headers=keyed(issuer.headers(world.ministry, "funding:approve")))
    assert approved.json()["status"] == "approved"
    events = await funding_events(topic_prefix, seat.id, count=2)
    assert kinds(events) == ["funding.requested", "funding.approved"]
    assert await line_figures(api, issuer, world.blu_line) == (7_000_000, 0, 43_000_000)


async def test_approver_rejection_is_announced_with_its_reason(
    api: httpx.AsyncClient, issuer: TestIssuer, bus: Bus, world: World, topic_prefix: str
) -> None:
    seat = enrollment(world, source="APBN", amount=12_000_000)
    await bus.publish("enrollment.reserved", seat.reserved())
    request = await request_of(api, issuer, seat.id)
    url = f"/funding-requests/{request['id']}/reject"
    approver = issuer.headers(world.ministry, "funding:approve")
    assert (await api.post(url, json={}, headers=approver)).status_code == 422
    rejected = await api.post(url, json={"reason": "program postponed"}, headers=approver)
    assert rejected.status_code == 200
    assert (rejected.json()["status"], rejected.json()["reason"]) == ("rejected", "rejected_by_approver")
    assert (await api.post(url, json={"reason": "again"}, headers=approver)).status_code == 409
    events = await funding_events(topic_prefix, seat.id, count=2)
    assert kinds(events) == ["funding.requested", "funding.rejected"]
    assert (events[1].data["reason"], events[1].data["detail"]) == ("rejected_by_approver", "program postponed")


async def test_cancellation_releases_the_commitment(
    api: httpx.AsyncClient, issuer: TestIssuer, bus: Bus, world: World, topic_prefix: str
) -> None:
    seat = enrollment(world, source="APBN", amount=9_000_000)
    await bus.publish("enrollment.reserved", seat.reserved())
    await funding_events(topic_prefix, seat.id, count=2)
    assert await line_figures(api, issuer, world.apbn_line) == (9_000_000, 0, 91_000_000)

    await bus.publish("enrollment.cancelled", seat.cancelled())
    events = await funding_events(topic_prefix, seat.id, count=3)
    assert kinds(events) == ["funding.requested", "funding.approved", "funding.released"]
    assert events[2].data["amount_idr"] == 9_000_000
    assert await line_figures(api, issuer, world.apbn_line) == (0, 0, 100_000_000)
    assert (await request_of(api, issuer, seat.id))["status"] == "released"


async def test_cancellation_of_a_pending_request_closes_it_without_moving_money(
    api: httpx.AsyncClient, issuer: TestIssuer, bus: Bus, world: World
) -> None:
    seat = enrollment(world, source="BLU", amount=3_000_000)
    await bus.publish("enrollment.reserved", seat.reserved())
    assert (await request_of(api, issuer, seat.id))["status"] == "awaiting_approval"
    await bus.publish("enrollment.cancelled", seat.cancelled())

    async def closed() -> bool:
        return (await request_of(api, issuer, seat.id))["status"] == "cancelled"

    await eventually(closed)
    assert await line_figures(api, issuer, world.blu_line) == (0, 0, 50_000_000)


async def test_completion_realizes_the_commitment(
    api: httpx.AsyncClient, issuer: TestIssuer, bus: Bus, world: World, topic_prefix: str
) -> None:
    seat = enrollment(world, source="APBN", amount=8_500_000)
    await bus.publish("enrollment.reserved", seat.reserved())
    await funding_events(topic_prefix, seat.id, count=2)
    await bus.publish("enrollment.completed", seat.completed())
    events = await funding_events(topic_prefix, seat.id, count=3)
    assert kinds(events) == ["funding.requested", "funding.approved", "funding.realized"]
    assert await line_figures(api, issuer, world.apbn_line) == (0, 8_500_000, 91_500_000)
    # A late cancellation after completion moves nothing.
    await bus.publish("enrollment.cancelled", seat.cancelled())
    again = enrollment(world, source="APBN", amount=1_000_000)
    await bus.publish("enrollment.reserved", again.reserved())
    await funding_events(topic_prefix, again.id, count=2)
    assert await line_figures(api, issuer, world.apbn_line) == (1_000_000, 8_500_000, 90_500_000)


async def test_reservation_delivered_again_opens_one_request(
    api: httpx.AsyncClient, issuer: TestIssuer, bus: Bus, world: World, funding: RunningService, topic_prefix: str
) -> None:
    seat = enrollment(world, source="APBD", amount=2_000_000)
    first = await bus.publish("enrollment.reserved", seat.reserved())
    await bus.publish("enrollment.reserved", seat.reserved(), event_id=first.id)  # the same message redelivered
    await bus.publish("enrollment.reserved", seat.reserved())  # a new message (new ce_id) for the same fact
    # The completion follows on the same key, so once it is realized every earlier delivery was handled.
    await bus.publish("enrollment.completed", seat.completed())
    events = await funding_events(topic_prefix, seat.id, count=3)
    assert kinds(events) == ["funding.requested", "funding.approved", "funding.realized"]
    assert kinds(await funding_events(topic_prefix, seat.id, count=4, timeout=2)) == kinds(events)
    listed = await api.get(f"/funding-requests?enrollment_id={seat.id}", headers=issuer.headers(world.regency, "read"))
    assert len(listed.json()["items"]) == 1
    assert await line_figures(api, issuer, world.apbd_line) == (0, 2_000_000, 18_000_000)


async def test_enrollment_rejected_elsewhere_releases_an_approved_commitment(
    api: httpx.AsyncClient, issuer: TestIssuer, bus: Bus, world: World, topic_prefix: str
) -> None:
    seat = enrollment(world, source="APBD", amount=1_500_000)
    await bus.publish("enrollment.reserved", seat.reserved())
    await funding_events(topic_prefix, seat.id, count=2)
    await bus.publish(
        "enrollment.rejected",
        EnrollmentRejected(**seat.cancelled().model_dump(exclude={"previous_status", "reason"}), reason="x"),
    )
    events = await funding_events(topic_prefix, seat.id, count=3)
    assert kinds(events) == ["funding.requested", "funding.approved", "funding.released"]
    assert await line_figures(api, issuer, world.apbd_line) == (0, 0, 20_000_000)
