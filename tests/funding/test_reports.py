"""The funding report of a scripted fiscal year, to the rupiah; and funding request lists."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.funding.bus import Bus, Enrollment, funding_events
from tests.funding.conftest import Institutions
from tests.support.tokens import TestIssuer

YEAR = 2040  # no other test uses this year, so the coordinator's all-institution report is exact


async def test_scripted_year_report_matches_to_the_rupiah(
    api: httpx.AsyncClient, issuer: TestIssuer, bus: Bus, institutions: Institutions, topic_prefix: str
) -> None:
    ministry, region, dob = await institutions("ministry", "province", ("province", True))
    coordinator = issuer.headers(uuid.uuid4(), "coordinator", "funding:write")
    approver = issuer.headers(ministry, "funding:approve", "funding:write")

    async def line(institution: uuid.UUID, source: str, ceiling: int, limit: int, purpose: str = "general") -> str:
        body = {
            "institution_id": str(institution),
            "source": source,
            "fiscal_year": YEAR,
            "ceiling_idr": ceiling,
            "purpose": purpose,
            "auto_approve_limit_idr": limit,
        }
        response = await api.post("/budgets", json=body, headers=coordinator)
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    await line(ministry, "APBN", 1_000_000_000, 50_000_000)
    await line(ministry, "APBN", 300_000_000, 0, "dob_facilitation")
    await line(ministry, "BLU", 200_000_000, 0)
    await line(region, "APBD", 150_000_000, 10_000_000)

    def seat(source: str, amount: int, *, participant: uuid.UUID = region, is_dob: bool = False) -> Enrollment:
        return Enrollment(ministry, participant, "regional", source, amount, YEAR, is_dob=is_dob)

    async def reserved(e: Enrollment, events: int) -> dict[str, Any]:
        await bus.publish("enrollment.reserved", e.reserved())
        await funding_events(topic_prefix, e.id, count=events)
        listed = await api.get(f"/funding-requests?enrollment_id={e.id}", headers=coordinator)
        return dict(listed.json()["items"][0])

    async def then(e: Enrollment, event_type: str, total_events: int) -> None:
        await bus.publish(event_type, e.completed() if event_type == "enrollment.completed" else e.cancelled())
        assert len(await funding_events(topic_prefix, e.id, count=total_events)) == total_events

    async def approve(request: dict[str, Any], headers: dict[str, str]) -> None:
        response = await api.post(
            f"/funding-requests/{request['id']}/approve", headers={**headers, "Idempotency-Key": uuid.uuid4().hex}
        )
        assert response.json()["status"] == "approved", response.text

    e1 = seat("APBD", 7_500_000)  # auto-approved on the region's APBD line
    assert (await reserved(e1, 2))["status"] == "approved"
    e2 = seat("APBN", 12_345_678)  # auto-approved on the K/L's APBN line, later realized
    assert (await reserved(e2, 2))["status"] == "approved"
    e3 = seat("APBD", 25_000_000, participant=dob, is_dob=True)  # DOB, coordinator approves
    await approve(await reserved(e3, 1), coordinator)
    e4 = seat("BLU", 40_000_000, participant=dob, is_dob=True)  # DOB, approved then realized
    await approve(await reserved(e4, 1), coordinator)
    e5 = seat("APBN", 60_000_000)  # above the auto limit: the K/L approves, then it is cancelled
    await approve(await reserved(e5, 1), approver)
    e6 = seat("APBD", 200_000_000)  # more than the APBD line holds: rejected, no money moves
    assert (await reserved(e6, 2))["reason"] == "insufficient_budget"
    activity = await api.post(
        "/funding-requests",
        json={
            "institution_id": str(ministry),
            "source": "BLU",
            "fiscal_year": YEAR,
            "amount_idr": 30_000_000,
            "description": "regional facilitation in Merauke",
        },
        headers={**approver, "Idempotency-Key": uuid.uuid4().hex},
    )
    await approve(activity.json(), approver)
    await then(e2, "enrollment.completed", 3)
    await then(e4, "enrollment.completed", 3)
    await then(e5, "enrollment.cancelled", 3)

    report = await api.get(f"/reports/funding?fiscal_year={YEAR}", headers=coordinator)
    assert report.status_code == 200, report.text
    body = report.json()

    def figures(ceiling: int, committed: int, realized: int) -> dict[str, int]:
        return {
            "ceiling_idr": ceiling,
            "committed_idr": committed,
            "realized_idr": realized,
            "available_idr": ceiling - committed - realized,
        }

    assert body["scope"] == "all"
    assert body["totals"] == figures(1_650_000_000, 62_500_000, 52_345_678)
    assert body["by_source"] == [
        {"source": "APBD", **figures(150_000_000, 7_500_000, 0)},
        {"source": "APBN", **figures(1_300_000_000, 25_000_000, 52_345_678)},
        {"source": "BLU", **figures(200_000_000, 30_000_000, 0)},
    ]
    by_institution = {i["institution_id"]: i for i in body["by_institution"]}
    assert {k: v for k, v in by_institution[str(ministry)].items() if k.endswith("_idr")} == figures(
        1_500_000_000, 55_000_000, 52_345_678
    )
    assert {k: v for k, v in by_institution[str(region)].items() if k.endswith("_idr")} == figures(
        150_000_000, 7_500_000, 0
    )
    assert by_institution[str(region)]["institution_name"].startswith("province")
    assert {k: v for k, v in body["dob"].items() if k != "provinces"} == {
        "committed_idr": 25_000_000,
        "realized_idr": 40_000_000,
        "total_idr": 65_000_000,
        "of_total_idr": 114_845_678,
        "share_pct": 56.6,
        "requests": 2,
    }

    # The region sees only its own lines; another region's report is out of reach.
    own = (await api.get(f"/reports/funding?fiscal_year={YEAR}", headers=issuer.headers(region, "read"))).json()
    assert own["scope"] == "institution"
    assert own["totals"] == figures(150_000_000, 7_500_000, 0)
    assert own["dob"]["share_pct"] == 0.0
    other = await api.get(
        f"/reports/funding?fiscal_year={YEAR}&institution_id={ministry}", headers=issuer.headers(region, "read")
    )
    assert other.status_code == 403
    assert (await api.get("/reports/funding", headers=coordinator)).status_code == 422
    assert (await api.get(f"/reports/funding?fiscal_year={YEAR}")).status_code == 401

    # The request list filters by status and payer, pages, and shows a region only what concerns it.
    approved = await api.get(
        f"/funding-requests?status=approved&institution_id={ministry}&fiscal_year={YEAR}", headers=coordinator
    )
    assert sorted(i["amount_idr"] for i in approved.json()["items"]) == [25_000_000, 30_000_000]
    region_view = await api.get(f"/funding-requests?fiscal_year={YEAR}", headers=issuer.headers(region, "read"))
    assert {i["enrollment_id"] for i in region_view.json()["items"]} == {str(e.id) for e in (e1, e2, e5, e6)}
    pages, cursor = [], None
    while True:
        query = f"/funding-requests?fiscal_year={YEAR}&limit=3" + (f"&cursor={cursor}" if cursor else "")
        page = (await api.get(query, headers=coordinator)).json()
        pages.append(len(page["items"]))
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == [3, 3, 1]
    assert (await api.get("/funding-requests?status=lost", headers=coordinator)).status_code == 422
    assert (
        await api.get(f"/funding-requests?institution_id={ministry}", headers=issuer.headers(region, "read"))
    ).status_code == 403
    ministry_request = approved.json()["items"][0]["id"]
    assert (
        await api.get(f"/funding-requests/{ministry_request}", headers=issuer.headers(region, "read"))
    ).status_code == 403
    assert (await api.get(f"/funding-requests/{uuid.uuid4()}", headers=coordinator)).status_code == 404


async def test_manual_request_validation_and_routing(
    api: httpx.AsyncClient, issuer: TestIssuer, institutions: Institutions
) -> None:
    ministry, regency = await institutions("ministry", "regency")
    writer = issuer.headers(regency, "funding:write")

    def body(**overrides: object) -> dict[str, object]:
        data: dict[str, object] = {
            "institution_id": str(regency),
            "source": "APBD",
            "fiscal_year": 2034,
            "amount_idr": 1_000_000,
            "description": "regional facilitation",
        }
        data.update(overrides)
        return data

    def once() -> dict[str, str]:
        return {**writer, "Idempotency-Key": uuid.uuid4().hex}

    no_line = await api.post("/funding-requests", json=body(), headers=once())
    assert no_line.status_code == 201
    assert (no_line.json()["status"], no_line.json()["reason"]) == ("rejected", "no_budget_line")
    for bad in (body(source="APBN"), body(amount_idr=-1), body(amount_idr=2.5), body(description=""), body(extra=1)):
        response = await api.post("/funding-requests", json=bad, headers=once())
        assert response.status_code == 422, bad
    assert (
        await api.post("/funding-requests", json=body(institution_id=str(ministry)), headers=once())
    ).status_code == 403
    assert (
        await api.post("/funding-requests", json=body(), headers=issuer.headers(regency, "read"))
    ).status_code == 403

    keyed = {**writer, "Idempotency-Key": "activity-7"}
    first = await api.post("/funding-requests", json=body(amount_idr=5), headers=keyed)
    replay = await api.post("/funding-requests", json=body(amount_idr=5), headers=keyed)
    assert first.json()["id"] == replay.json()["id"]
    assert (await api.post("/funding-requests", json=body(amount_idr=6), headers=keyed)).status_code == 409
