"""Requests left awaiting approval are rejected with approval_timeout, exactly once, by the periodic job."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator

import pytest
from aiokafka import AIOKafkaProducer

from funding.app import create_app, handlers
from funding.config import Settings, get_settings
from funding.jobs import expire_overdue_approvals
from tests.funding.bus import Bus, Enrollment, funding_events, funding_events_by_key, wait_for_institutions
from tests.support.service import running_service
from tests.support.tokens import TestIssuer

YEAR = 2032


@pytest.fixture
def one_second_approval_timeout(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Requests opened during the test wait one second for approval, as FUNDING_APPROVAL_TIMEOUT_S=1 would say."""
    monkeypatch.setenv("FUNDING_APPROVAL_TIMEOUT_S", "1")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()  # read again from the restored environment


@pytest.mark.usefixtures("one_second_approval_timeout")
async def test_approval_timeout_rejects_overdue_requests_once_across_two_job_instances(
    topic_prefix: str, issuer: TestIssuer, producer: AIOKafkaProducer
) -> None:
    prefix = topic_prefix + "timeout."
    bus = Bus(producer, prefix)
    job = (("approval-timeouts", expire_overdue_approvals, 0.2),)
    common = {
        "settings_factory": Settings,
        "create_app": create_app,
        "topic_prefix": prefix,
        "jwks_url": issuer.jwks_url,
        "jobs": job,
    }
    async with running_service("funding", handlers=handlers, **common) as first:  # type: ignore[arg-type]
        async with running_service(
            "funding",
            handlers=None,
            relay=False,
            dsn=first.dsn,
            **common,  # type: ignore[arg-type]
        ):
            ministry = await bus.institution("ministry")
            await wait_for_institutions(first.dsn, ministry)
            writer = issuer.headers(ministry, "funding:write", "funding:approve")
            line = await first.client.post(
                "/budgets",
                json={"institution_id": str(ministry), "source": "APBN", "fiscal_year": YEAR, "ceiling_idr": 10**9},
                headers=writer,
            )
            assert line.status_code == 201

            seat = Enrollment(
                provider_ministry_id=ministry,
                institution_id=uuid.uuid4(),
                sector="regional",
                requested_source="APBN",
                amount_idr=5_000_000,
                fiscal_year=YEAR,
            )
            await bus.publish("enrollment.reserved", seat.reserved())
            manual_ids = []
            for n in range(20):
                created = await first.client.post(
                    "/funding-requests",
                    json={
                        "institution_id": str(ministry),
                        "source": "APBN",
                        "fiscal_year": YEAR,
                        "amount_idr": 1_000_000 + n,
                        "description": f"activity {n}",
                    },
                    headers={**writer, "Idempotency-Key": uuid.uuid4().hex},
                )
                assert created.json()["status"] == "awaiting_approval"
                manual_ids.append(created.json()["id"])

            events = await funding_events(prefix, seat.id, count=2)
            assert [e.type for e in events] == ["funding.requested", "funding.rejected"]
            assert events[1].data["reason"] == "approval_timeout"

            timed_out = await funding_events_by_key(prefix, dict.fromkeys(manual_ids, 2))
            assert {k: [e.data.get("reason") for e in v] for k, v in timed_out.items()} == {
                key: [None, "approval_timeout"] for key in manual_ids
            }
            await asyncio.sleep(1.0)
            # Two job instances ran over the same rows; each request was rejected only once.
            again = await funding_events_by_key(prefix, dict.fromkeys(manual_ids, 3), timeout=1.5)
            assert {len(v) for v in again.values()} == {2}

            state = await first.client.get(f"/funding-requests/{manual_ids[0]}", headers=writer)
            assert (state.json()["status"], state.json()["reason"], state.json()["decided_by"]) == (
                "rejected",
                "approval_timeout",
                "timeout",
            )
            late = await first.client.post(
                f"/funding-requests/{manual_ids[0]}/approve", headers={**writer, "Idempotency-Key": uuid.uuid4().hex}
            )
            assert late.status_code == 409
            budget = (await first.client.get(f"/budgets/{line.json()['id']}", headers=writer)).json()
            assert budget["committed_idr"] == 0
