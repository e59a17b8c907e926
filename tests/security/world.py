"""Two institutions, A and B, each a K/L with its training unit, with B's data in all three services."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from enrollment.domain.development import current_fiscal_year
from tests.security.support import Services, fetch, operator_headers, wait_rows
from tests.support.tokens import TestIssuer

YEAR = current_fiscal_year(datetime.now(UTC)) + 1  # next year: a short-horizon program with cohorts still ahead
_serial = itertools.count()


def new_nip() -> str:
    """A valid NIP (born March 1985, appointed March 2010), unique within the run by its birth day and serial."""
    n = next(_serial)
    return f"198503{1 + (n // 999) % 28:02d}201003{1 + n % 2}{1 + n % 999:03d}"


@dataclass
class World:
    services: Services
    issuer: TestIssuer
    admin: dict[str, str]
    ka: str
    ta: str
    kb: str
    tb: str
    nip_a: str
    nip_b: str
    program_b: str
    cohort_b: str
    enrollment_b: str
    line_b: str
    request_b: str

    def b(self, *scopes: str, inst: str | None = None) -> dict[str, str]:
        """Headers of institution B (or another one) for enrollment and funding."""
        return self.issuer.headers(inst or self.kb, *scopes)

    async def institution(self, **fields: Any) -> dict[str, Any]:
        body = {
            "code": f"SEC-{uuid.uuid4().hex[:8].upper()}",
            "name": "Security test K/L",
            "kind": "ministry",
            **fields,
        }
        response = await self.services.registry.client.post("/institutions", json=body, headers=self.admin)
        assert response.status_code == 201, response.text
        return response.json()  # type: ignore[no-any-return]

    async def civil_servant(self, institution_id: str) -> str:
        nip = new_nip()
        body = {
            "nip": nip,
            "name": "Siti Aminah",
            "institution_id": institution_id,
            "employment": "PNS",
            "position_kind": "functional",
        }
        response = await self.services.registry.client.post("/civil-servants", json=body, headers=self.admin)
        assert response.status_code == 201, response.text
        return nip

    async def funding_request_b(self) -> str:
        """A fresh manual request charged to B, awaiting approval (B's line auto-approves nothing)."""
        body = {
            "institution_id": self.kb,
            "source": "APBN",
            "fiscal_year": YEAR,
            "amount_idr": 1_000_000,
            "description": "security matrix",
        }
        response = await self.services.funding.client.post(
            "/funding-requests", json=body, headers={**self.b("funding:write"), "Idempotency-Key": uuid.uuid4().hex}
        )
        assert response.status_code == 201, response.text
        assert response.json()["status"] == "awaiting_approval", response.text
        return str(response.json()["id"])


async def build_world(services: Services, issuer: TestIssuer) -> World:
    admin = await operator_headers(services.registry)
    w = World(services, issuer, admin, *([""] * 11))  # type: ignore[arg-type]
    w.ka = (await w.institution(name="K/L A"))["id"]
    w.ta = (await w.institution(name="BPSDM A", kind="training_unit", parent_id=w.ka))["id"]
    w.kb = (await w.institution(name="K/L B"))["id"]
    w.tb = (await w.institution(name="BPSDM B", kind="training_unit", parent_id=w.kb))["id"]
    w.nip_a = await w.civil_servant(w.ka)
    w.nip_b = await w.civil_servant(w.kb)

    # The replicas learn A and B from the registry's events on Kafka.
    ids = [uuid.UUID(i) for i in (w.ka, w.ta, w.kb, w.tb)]
    await wait_rows(services.enrollment.dsn, "SELECT 1 FROM institutions WHERE id = ANY($1)", ids, count=4)
    await wait_rows(services.enrollment.dsn, "SELECT 1 FROM civil_servants WHERE nip = $1", w.nip_b)
    await wait_rows(services.funding.dsn, "SELECT 1 FROM institutions WHERE id = ANY($1)", ids, count=4)

    enrollment = services.enrollment.client
    program = {
        "provider_id": w.tb,
        "title": "Keamanan informasi",
        "pattern": "technical_training",
        "hours_jp": 30,
        "horizon": "short",
        "fiscal_year": YEAR,
        "cost_per_participant_idr": 1_000_000,
    }
    response = await enrollment.post("/programs", json=program, headers=w.b("programs:write", inst=w.tb))
    assert response.status_code == 201, response.text
    w.program_b = response.json()["id"]
    response = await enrollment.post(
        f"/programs/{w.program_b}/cohorts", json=cohort_body(), headers=w.b("programs:write", inst=w.tb)
    )
    assert response.status_code == 201, response.text
    w.cohort_b = response.json()["id"]
    response = await enrollment.post(
        f"/cohorts/{w.cohort_b}/enrollments",
        json={"nip": w.nip_b, "funding_source": "APBN"},
        headers=w.b("enrollments:write"),
    )
    assert response.status_code == 201, response.text
    w.enrollment_b = response.json()["id"]

    line = {"institution_id": w.kb, "source": "APBN", "fiscal_year": YEAR, "ceiling_idr": 10**12}
    response = await services.funding.client.post("/budgets", json=line, headers=w.b("funding:write"))
    assert response.status_code == 201, response.text
    w.line_b = response.json()["id"]
    assert await fetch(services.funding.dsn, "SELECT 1 FROM budget_lines WHERE id = $1", uuid.UUID(w.line_b))
    w.request_b = await w.funding_request_b()
    return w


def cohort_body() -> dict[str, Any]:
    return {
        "name": "Angkatan I",
        "starts_on": f"{YEAR}-03-02",
        "ends_on": f"{YEAR}-03-07",
        "location": "central",
        "capacity": 40,
    }
