"""Test helpers for the enrollment service: registry/funding events on real Kafka, a small world."""

from __future__ import annotations

import asyncio
import itertools
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg
import httpx
from aiokafka import AIOKafkaProducer

from enrollment.domain.development import HORIZON_YEARS_AHEAD, current_fiscal_year
from sinergi_shared.contracts import spec_of
from sinergi_shared.events import CloudEvent
from tests.support.stack import ADMIN, eventually

_serial = itertools.count(1)
THIS_YEAR = current_fiscal_year(datetime.now(UTC))
NEXT_YEAR = THIS_YEAR + 1  # the default fiscal year of test programs: short-horizon all year round


def horizon_for(fiscal_year: int) -> str:
    """The shortest horizon a program for this fiscal year may have."""
    return next(h for h, ahead in HORIZON_YEARS_AHEAD.items() if fiscal_year <= THIS_YEAR + ahead)


def new_nip() -> str:
    """A syntactically valid, session-unique NIP (birth date + TMT + gender + serial)."""
    n = next(_serial)
    born = date(1970, 1, 1) + timedelta(days=n)
    return f"{born:%Y%m%d}200503{1 + n % 2}{1 + n % 999:03d}"


class Bus:
    """Publishes CloudEvents as the registry and funding services would, keyed as the contract says."""

    def __init__(self, topic_prefix: str) -> None:
        self.prefix = topic_prefix
        self.producer = AIOKafkaProducer(**ADMIN.options(), acks="all", enable_idempotence=True)

    async def start(self) -> None:
        await self.producer.start()

    async def stop(self) -> None:
        await self.producer.stop()

    async def publish(self, event_type: str, data: dict[str, Any], *, source: str | None = None) -> CloudEvent:
        [event] = await self.publish_many(event_type, [data], source=source)
        return event

    async def publish_many(
        self, event_type: str, items: list[dict[str, Any]], *, source: str | None = None
    ) -> list[CloudEvent]:
        """Send every event, then wait for the broker to acknowledge them all."""
        events, futures = [], []
        for data in items:
            event, future = await self._send(event_type, data, source)
            events.append(event)
            futures.append(future)
        await asyncio.gather(*futures)
        return events

    async def _send(self, event_type: str, data: dict[str, Any], source: str | None) -> tuple[CloudEvent, Any]:
        spec = spec_of(event_type)
        payload = spec.payload.model_validate(data).model_dump(mode="json")
        key_field = spec.key.split("|")[0]
        key = str(payload.get(key_field) or payload.get("request_id"))
        event = CloudEvent(type=event_type, source=source or spec.source, subject=key, data=payload)
        future = await self.producer.send(
            self.prefix + spec.topic, value=event.value(), key=key.encode(), headers=event.headers()
        )
        return event, future


def institution_snapshot(
    *,
    kind: str,
    name: str,
    parent_id: uuid.UUID | None = None,
    dob: bool = False,
    version: int = 1,
    institution_id: uuid.UUID | None = None,
    status: str = "active",
    sector: str | None = None,
) -> dict[str, Any]:
    iid = institution_id or uuid.uuid4()
    return {
        "id": str(iid),
        "code": f"{kind[:3].upper()}-{iid.hex[:8]}",
        "name": name,
        "kind": kind,
        "sector": sector or ("central" if kind in ("ministry", "agency", "training_unit") else "regional"),
        "parent_id": str(parent_id) if parent_id else None,
        "is_new_autonomous_region": dob,
        "region_code": None,
        "status": status,
        "version": version,
    }


def servant_snapshot(
    nip: str,
    institution_id: uuid.UUID,
    *,
    employment: str = "PNS",
    version: int = 1,
    status: str = "active",
    position_level: str | None = None,
) -> dict[str, Any]:
    return {
        "nip": nip,
        "name": f"ASN {nip[-6:]}",
        "institution_id": str(institution_id),
        "employment": employment,
        "position_kind": "executor" if position_level is None else "structural",
        "position_title": None,
        "grade": None,
        "position_level": position_level,
        "status": status,
        "version": version,
    }


def funding_fact(enrollment_id: uuid.UUID | str, *, amount_idr: int = 1_000_000, **extra: Any) -> dict[str, Any]:
    return {
        "request_id": str(uuid.uuid4()),
        "enrollment_id": str(enrollment_id),
        "payer_institution_id": None,
        "budget_line_id": None,
        "source": "APBN",
        "amount_idr": amount_idr,
        "fiscal_year": 2025,
        "is_dob": False,
        **extra,
    }


@dataclass
class World:
    """Reference institutions in the replica plus helpers to add staff and drive the API."""

    bus: Bus
    dsn: str
    client: httpx.AsyncClient
    issuer: Any
    ids: dict[str, uuid.UUID] = field(default_factory=dict)

    async def db(self, query: str, *args: Any) -> list[asyncpg.Record]:
        conn = await asyncpg.connect(self.dsn)
        try:
            return await conn.fetch(query, *args)
        finally:
            await conn.close()

    async def add_institution(self, key: str, **kwargs: Any) -> uuid.UUID:
        snap = institution_snapshot(**kwargs)
        await self.bus.publish("institution.registered", snap)
        self.ids[key] = uuid.UUID(snap["id"])
        return self.ids[key]

    async def wait_institutions(self, *ids: uuid.UUID) -> None:
        async def present() -> bool:
            rows = await self.db("SELECT count(*) AS n FROM institutions WHERE id = ANY($1::uuid[])", list(ids))
            return rows[0]["n"] == len(set(ids))

        await eventually(present)

    async def staff(
        self, institution_id: uuid.UUID, n: int, *, employment: str = "PNS", position_level: str | None = None
    ) -> list[str]:
        """Register n civil servants through Kafka and wait until the replica has them."""
        nips = [new_nip() for _ in range(n)]
        for nip in nips:
            snapshot = servant_snapshot(nip, institution_id, employment=employment, position_level=position_level)
            await self.bus.publish("civil_servant.registered", snapshot)
        await self.wait_servants(nips)
        return nips

    async def wait_servants(self, nips: list[str], *, version: int = 1) -> None:
        async def present() -> bool:
            rows = await self.db(
                "SELECT count(*) AS n FROM civil_servants WHERE nip = ANY($1::text[]) AND version >= $2", nips, version
            )
            return rows[0]["n"] == len(nips)

        await eventually(present)

    def headers(self, key: str | uuid.UUID, *scopes: str) -> dict[str, str]:
        inst = self.ids[key] if isinstance(key, str) else key
        return self.issuer.headers(inst, *scopes)

    async def program(self, provider: str = "bpsdm", **overrides: Any) -> dict[str, Any]:
        fiscal_year = overrides.get("fiscal_year", NEXT_YEAR)
        body = {
            "provider_id": str(self.ids[provider]),
            "title": "Pelatihan Teknis Perencanaan",
            "pattern": "technical_training",
            "hours_jp": 30,
            "horizon": horizon_for(fiscal_year),
            "fiscal_year": fiscal_year,
            "cost_per_participant_idr": 2_500_000,
            **overrides,
        }
        r = await self.client.post("/programs", json=body, headers=self.headers(provider, "programs:write"))
        assert r.status_code == 201, r.text
        return r.json()

    async def cohort(self, program: dict[str, Any], provider: str = "bpsdm", **overrides: Any) -> dict[str, Any]:
        """A cohort in March of its program's fiscal year (the default program's is next year: still ahead)."""
        body = {
            "name": "Angkatan I",
            "starts_on": f"{program['fiscal_year']}-03-02",
            "ends_on": f"{program['fiscal_year']}-03-12",
            "location": "central",
            "capacity": 10,
            **overrides,
        }
        scopes = ["programs:write"]
        if body["location"] == "central" and body.get("regional_share_pct", 30) < 30:
            # A test that wants fewer reserved seats in a central provider's central cohort asks as a coordinator.
            scopes.append("coordinator")
            body.setdefault("regional_share_reason", "a test of the seat rule without reserved seats")
        r = await self.client.post(
            f"/programs/{program['id']}/cohorts", json=body, headers=self.headers(provider, *scopes)
        )
        assert r.status_code == 201, r.text
        return r.json()

    async def nominate(
        self, cohort: dict[str, Any], nip: str, by: str | uuid.UUID, *, source: str = "APBN", expect: int = 201
    ) -> dict[str, Any]:
        r = await self.client.post(
            f"/cohorts/{cohort['id']}/enrollments",
            json={"nip": nip, "funding_source": source},
            headers=self.headers(by, "enrollments:write"),
        )
        assert r.status_code == expect, r.text
        return r.json()

    async def enrollment(self, enrollment_id: str) -> dict[str, Any]:
        r = await self.client.get(
            f"/enrollments/{enrollment_id}", headers=self.issuer.headers(uuid.uuid4(), "coordinator")
        )
        assert r.status_code == 200, r.text
        return r.json()

    async def cohort_state(self, cohort_id: str) -> dict[str, Any]:
        r = await self.client.get(f"/cohorts/{cohort_id}", headers=self.issuer.headers(uuid.uuid4(), "read"))
        assert r.status_code == 200, r.text
        return r.json()

    async def wait_status(self, enrollment_id: str, status: str) -> dict[str, Any]:
        async def reached() -> dict[str, Any] | None:
            e = await self.enrollment(enrollment_id)
            return e if e["status"] == status else None

        return await eventually(reached)

    async def approve(self, enrollment_id: str) -> dict[str, Any]:
        """Funding approves (a funding.approved event on Kafka) and the enrollment becomes confirmed."""
        await self.bus.publish("funding.approved", funding_fact(enrollment_id))
        return await self.wait_status(enrollment_id, "confirmed")

    async def check_counters(self, cohort_id: str) -> None:
        """The cohort's counters equal what its enrollment rows say."""
        rows = await self.db(
            """
            SELECT c.taken_central, c.taken_regional, c.taken_dob,
              (SELECT count(*) FROM enrollments e WHERE e.cohort_id = c.id AND e.seat_class = 'central'
                 AND e.status IN ('reserved','confirmed','completed','no_show')) AS central,
              (SELECT count(*) FROM enrollments e WHERE e.cohort_id = c.id AND e.seat_class = 'regional'
                 AND e.status IN ('reserved','confirmed','completed','no_show')) AS regional,
              (SELECT count(*) FROM enrollments e WHERE e.cohort_id = c.id AND e.seat_class = 'dob'
                 AND e.status IN ('reserved','confirmed','completed','no_show')) AS dob
            FROM cohorts c WHERE c.id = $1::uuid
            """,
            uuid.UUID(cohort_id),
        )
        r = rows[0]
        assert (r["taken_central"], r["taken_regional"], r["taken_dob"]) == (r["central"], r["regional"], r["dob"])
