"""Every event type this service emits reaches Kafka as a binary-mode CloudEvent with its contract payload."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sinergi_shared.contracts import T_COHORTS, T_ENROLLMENTS, spec_of
from tests.enrollment.support import World, funding_fact
from tests.support.stack import collect, eventually, header

EMITTED = {
    "cohort.opened",
    "cohort.closed",
    "enrollment.waitlisted",
    "enrollment.reserved",
    "enrollment.confirmed",
    "enrollment.rejected",
    "enrollment.cancelled",
    "enrollment.completed",
    "certificate.issued",  # eb passed; revocation is covered in test_certificates.py
}


async def test_every_emitted_event_type_is_on_kafka_with_cloudevents_headers(world: World, topic_prefix: str):
    program = await world.program(cost_per_participant_idr=3_750_000, hours_jp=12)
    closes = datetime.now(UTC) + timedelta(seconds=2)
    cohort = await world.cohort(program, capacity=1, regional_share_pct=0, enrollment_closes_at=closes.isoformat())
    a, b, c = await world.staff(world.ids["merauke"], 3)
    ea = await world.nominate(cohort, a, "merauke", source="APBD")
    eb = await world.nominate(cohort, b, "merauke")
    ec = await world.nominate(cohort, c, "merauke")
    await world.bus.publish("funding.rejected", funding_fact(ea["id"], reason="no_budget_line"))
    await world.wait_status(eb["id"], "reserved")
    await world.approve(eb["id"])
    await world.client.post(
        f"/enrollments/{eb['id']}/complete",
        json={"attended_jp": 12, "passed": True},
        headers=world.headers("bpsdm", "enrollments:complete"),
    )
    await world.client.post(f"/enrollments/{ec['id']}/cancel", headers=world.headers("merauke", "enrollments:write"))

    async def closed_and_published() -> bool:
        rows = await world.db(
            "SELECT (SELECT count(*) FROM event_log WHERE type = 'cohort.closed' AND key = $1) AS closed,"
            " (SELECT count(*) FROM outbox) AS pending",
            cohort["id"],
        )
        return rows[0]["closed"] == 1 and rows[0]["pending"] == 0

    await eventually(closed_and_published, timeout=20)
    ours = {cohort["id"], ea["id"], eb["id"], ec["id"]}
    records = []
    for topic in (T_ENROLLMENTS, T_COHORTS):  # stored as the contract names them; published with the prefix
        expected = await world.db("SELECT count(*) AS n FROM event_log WHERE topic = $1", topic)
        records += await collect(topic_prefix + topic, count=expected[0]["n"], timeout=20)
    mine = [r for r in records if r.key.decode() in ours]
    seen = {header(r, "ce_type") for r in mine}
    assert seen == EMITTED
    for record in mine:
        event_type = header(record, "ce_type")
        assert header(record, "ce_specversion") == "1.0"
        assert header(record, "ce_source") == "enrollment"
        assert header(record, "ce_id") and header(record, "ce_time") and header(record, "traceparent")
        assert header(record, "ce_subject") == record.key.decode()
        assert header(record, "content-type") == "application/json"
        spec = spec_of(event_type)
        assert record.topic == topic_prefix + spec.topic
        payload = spec.payload.model_validate(json.loads(record.value))
        assert str(getattr(payload, spec.key)) == record.key.decode()
    reserved = [
        json.loads(r.value)
        for r in mine
        if header(r, "ce_type") == "enrollment.reserved" and r.key.decode() == ea["id"]
    ]
    assert reserved == [
        {
            "enrollment_id": ea["id"],
            "cohort_id": cohort["id"],
            "program_id": program["id"],
            "provider_id": str(world.ids["bpsdm"]),
            "nip": a,
            "institution_id": str(world.ids["merauke"]),
            "is_dob": True,
            "seat_class": "dob",
            "provider_ministry_id": str(world.ids["kemendagri"]),
            "participant_sector": "regional",
            "requested_source": "APBD",
            "amount_idr": 3_750_000,
            "fiscal_year": program["fiscal_year"],
            "hours_jp": 12,
            "category": "formal",
        }
    ]
    completed = [json.loads(r.value) for r in mine if header(r, "ce_type") == "enrollment.completed"]
    assert [(x["outcome"], x["attended_jp"], x["category"]) for x in completed] == [("completed", 12, "formal")]
