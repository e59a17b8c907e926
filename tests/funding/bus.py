"""Test helpers for the funding service: publish registry/enrollment events, read funding events back."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from pydantic import BaseModel

from sinergi_shared.contracts import spec_of
from sinergi_shared.events import CloudEvent
from sinergi_shared.payloads import EnrollmentCancelled, EnrollmentCompleted, EnrollmentReserved, InstitutionSnapshot
from tests.support.stack import ADMIN, eventually

REGIONAL_KINDS = {"province", "regency", "city"}


@dataclass
class Bus:
    """Publishes contract events as their owning service would: CloudEvents binary mode, keyed by aggregate."""

    producer: AIOKafkaProducer
    prefix: str

    async def publish(self, event_type: str, data: BaseModel, *, event_id: str | None = None) -> CloudEvent:
        spec = spec_of(event_type)
        payload = data.model_dump(mode="json")
        key = str(payload[spec.key])
        event = CloudEvent(
            type=event_type, source=spec.source, subject=key, data=payload, id=event_id or str(uuid.uuid4())
        )
        await self.producer.send_and_wait(
            self.prefix + spec.topic, value=event.value(), key=key.encode(), headers=event.headers()
        )
        return event

    async def institution(self, kind: str, *, dob: bool = False, name: str | None = None) -> UUID:
        """Announce a new institution (institution.registered) and return its id."""
        inst_id = uuid.uuid4()
        await self.publish(
            "institution.registered",
            InstitutionSnapshot(
                id=inst_id,
                code=f"T-{inst_id.hex[:8]}",
                name=name or f"{kind} {inst_id.hex[:6]}",
                kind=kind,  # type: ignore[arg-type]
                sector="regional" if kind in REGIONAL_KINDS else "central",
                parent_id=None,
                is_new_autonomous_region=dob,
                region_code=None,
                status="active",
                version=1,
            ),
        )
        return inst_id


@dataclass
class Enrollment:
    """One enrollment as the enrollment service would announce it."""

    provider_ministry_id: UUID
    institution_id: UUID
    sector: str
    requested_source: str
    amount_idr: int
    fiscal_year: int
    is_dob: bool = False
    id: UUID = field(default_factory=uuid.uuid4)
    cohort_id: UUID = field(default_factory=uuid.uuid4)
    program_id: UUID = field(default_factory=uuid.uuid4)
    provider_id: UUID = field(default_factory=uuid.uuid4)
    nip: str = "199001012015031001"

    def _fact(self) -> dict[str, Any]:
        return {
            "enrollment_id": self.id,
            "cohort_id": self.cohort_id,
            "program_id": self.program_id,
            "provider_id": self.provider_id,
            "nip": self.nip,
            "institution_id": self.institution_id,
            "is_dob": self.is_dob,
            "seat_class": "dob" if self.is_dob else ("regional" if self.sector == "regional" else "central"),
        }

    def reserved(self) -> EnrollmentReserved:
        return EnrollmentReserved(
            **self._fact(),
            provider_ministry_id=self.provider_ministry_id,
            participant_sector=self.sector,
            requested_source=self.requested_source,
            amount_idr=self.amount_idr,
            fiscal_year=self.fiscal_year,
            hours_jp=24,
            category="formal",
        )

    def cancelled(self) -> EnrollmentCancelled:
        return EnrollmentCancelled(**self._fact(), previous_status="confirmed", reason="withdrawn")

    def completed(self, outcome: str = "completed") -> EnrollmentCompleted:
        return EnrollmentCompleted(
            **self._fact(),
            outcome=outcome,  # type: ignore[arg-type]
            attended_jp=24,
            passed=True,
            category="formal",
            fiscal_year=self.fiscal_year,
        )


async def funding_events(prefix: str, key: UUID | str, *, count: int, timeout: float = 30.0) -> list[CloudEvent]:
    """The funding events of one aggregate key, in order, once count of them arrived (or after timeout)."""
    by_key = await funding_events_by_key(prefix, {str(key): count}, timeout=timeout)
    return by_key.get(str(key), [])


async def funding_events_by_key(
    prefix: str, counts: dict[str, int], *, timeout: float = 30.0
) -> dict[str, list[CloudEvent]]:
    """Funding events grouped by key, read from the start until each key has its count (or timeout)."""
    consumer = AIOKafkaConsumer(
        prefix + "funding.requests",
        **ADMIN.options(),
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        metadata_max_age_ms=1000,
    )
    await consumer.start()
    found: dict[str, list[CloudEvent]] = {}

    def complete() -> bool:
        return all(len(found.get(k, [])) >= n for k, n in counts.items())

    try:
        deadline = asyncio.get_running_loop().time() + timeout
        while not complete() and asyncio.get_running_loop().time() < deadline:
            batches = await consumer.getmany(timeout_ms=300)
            for records in batches.values():
                for record in records:
                    key = record.key.decode() if record.key else ""
                    if key in counts:
                        found.setdefault(key, []).append(CloudEvent.from_kafka(record.headers, record.value))
    finally:
        await consumer.stop()
    return found


async def wait_for_institutions(dsn: str, *ids: UUID) -> None:
    """Until the service's replica holds every one of these institutions."""
    conn = await asyncpg.connect(dsn)
    try:

        async def known() -> bool:
            count = await conn.fetchval("SELECT count(*) FROM institutions WHERE id = ANY($1::uuid[])", list(ids))
            return bool(count == len(ids))

        await eventually(known)
    finally:
        await conn.close()
