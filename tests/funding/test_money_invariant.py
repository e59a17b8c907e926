"""Money invariant (SPEC 8.2): committed ≤ ceiling and equals the approved, unreleased requests, under concurrency."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
import httpx

from funding.app import create_app, handlers
from funding.config import Settings
from tests.funding.bus import funding_events_by_key
from tests.funding.conftest import Institutions
from tests.support.service import RunningService, running_service
from tests.support.tokens import TestIssuer

YEAR = 2033
AMOUNT = 1_000_000
CEILING = 100 * AMOUNT
REQUESTS = 200  # their sum is twice the ceiling


async def test_concurrent_approvals_on_two_instances_never_overcommit(
    funding: RunningService, issuer: TestIssuer, institutions: Institutions, topic_prefix: str
) -> None:
    [ministry] = await institutions("ministry")
    headers = issuer.headers(ministry, "funding:write", "funding:approve")
    async with running_service(
        "funding",
        settings_factory=Settings,
        create_app=create_app,
        handlers=handlers,
        topic_prefix=topic_prefix,
        jwks_url=issuer.jwks_url,
        dsn=funding.dsn,
        relay=False,
        consumers=False,
    ) as second:
        clients = [funding.client, second.client]
        line = await funding.client.post(
            "/budgets",
            json={"institution_id": str(ministry), "source": "APBN", "fiscal_year": YEAR, "ceiling_idr": CEILING},
            headers=headers,
        )
        assert line.status_code == 201
        line_id = line.json()["id"]

        async def open_request(n: int) -> str:
            response = await clients[n % 2].post(
                "/funding-requests",
                json={
                    "institution_id": str(ministry),
                    "source": "APBN",
                    "fiscal_year": YEAR,
                    "amount_idr": AMOUNT,
                    "description": f"seat block {n}",
                },
                headers={**headers, "Idempotency-Key": uuid.uuid4().hex},
            )
            assert response.json()["status"] == "awaiting_approval", response.text
            return str(response.json()["id"])

        ids = await asyncio.gather(*(open_request(n) for n in range(REQUESTS)))

        async def approve(n: int, request_id: str) -> httpx.Response:
            return await clients[n % 2].post(
                f"/funding-requests/{request_id}/approve", headers={**headers, "Idempotency-Key": uuid.uuid4().hex}
            )

        results = await asyncio.gather(*(approve(n, request_id) for n, request_id in enumerate(ids)))
        assert {r.status_code for r in results} == {200}
        outcomes = [(r.json()["status"], r.json()["reason"]) for r in results]
        assert outcomes.count(("approved", None)) == CEILING // AMOUNT
        assert outcomes.count(("rejected", "insufficient_budget")) == REQUESTS - CEILING // AMOUNT

        budget = (await second.client.get(f"/budgets/{line_id}", headers=headers)).json()
        assert (budget["committed_idr"], budget["available_idr"]) == (CEILING, 0)

    conn = await asyncpg.connect(funding.dsn)
    try:
        approved_sum = await conn.fetchval(
            "SELECT sum(amount_idr) FROM funding_requests WHERE budget_line_id = $1 AND status = 'approved'",
            uuid.UUID(line_id),
        )
        committed, ceiling = await conn.fetchrow(
            "SELECT committed_idr, ceiling_idr FROM budget_lines WHERE id = $1", uuid.UUID(line_id)
        )
    finally:
        await conn.close()
    assert committed == approved_sum == ceiling

    # Every decision reached Kafka exactly once: 100 approvals, 100 rejections.
    events = await funding_events_by_key(topic_prefix, dict.fromkeys(ids, 2), timeout=60)
    decided = [e.type for evs in events.values() for e in evs if e.type != "funding.requested"]
    assert (decided.count("funding.approved"), decided.count("funding.rejected")) == (100, 100)
    assert all(len(evs) == 2 for evs in events.values())
