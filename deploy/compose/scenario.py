"""The compose stack's end-to-end scenario in production mode, through its published ports only.

Run by deploy/compose-test.sh. Over https, trusting the operator's CA: token (the bootstrap client), an
institution, civil servants, a program, a cohort, nominations, the saga to `confirmed`, a DOB approval,
completion, the reports. Then Kafka over SASL_SSL on the EXTERNAL listener: the events read back as the
admin, and an agency principal (`sinergi kafka grant`, its properties in AGENCY_PROPERTIES) reading its
granted topic and refused on another. The secrets are read from the operator's folder, COMPOSE_SECRETS.
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import httpx
from aiokafka import AIOKafkaConsumer
from aiokafka.errors import TopicAuthorizationFailedError

from sinergi_shared.kafka import KafkaAccess

T = TypeVar("T")
HOST = "127.0.0.1"
SECRETS = Path(os.environ["COMPOSE_SECRETS"])
CA = str(SECRETS / "ca.pem")
URLS = {name: f"https://{HOST}:{os.environ[f'{name.upper()}_PORT']}" for name in ("registry", "enrollment", "funding")}
KAFKA = f"{HOST}:{os.environ['KAFKA_EXTERNAL_PORT']}"
OPERATOR = (
    os.environ.get("REGISTRY_BOOTSTRAP_CLIENT_ID", "sinergi-operator"),
    (SECRETS / "registry_bootstrap_client_secret").read_text().strip(),
)
ADMIN = KafkaAccess(
    KAFKA,
    os.environ.get("SINERGI_KAFKA_ADMIN_USERNAME", "admin"),
    (SECRETS / "kafka_admin_password").read_text().strip(),
    "SASL_SSL",
    CA,
)
YEAR = datetime.now(UTC).year + 1
COST = 5_000_000
RUN = uuid.uuid4().hex[:6].upper()


async def eventually(check: Callable[[], Awaitable[T | None]], what: str, timeout: float = 60) -> T:
    deadline = time.monotonic() + timeout
    while True:
        found = await check()
        if found is not None:
            return found
        if time.monotonic() > deadline:
            raise SystemExit(f"scenario: timed out waiting for {what}")
        await asyncio.sleep(0.3)


def ok(r: httpx.Response, status: int = 200) -> Any:
    if r.status_code != status:
        raise SystemExit(f"scenario: {r.request.method} {r.request.url} -> {r.status_code}: {r.text[:500]}")
    return r.json()


class Stack:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http
        self.serial = 0

    async def token(self, client_id: str, secret: str) -> dict[str, str]:
        form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
        body = ok(await self.http.post(URLS["registry"] + "/oauth/token", data=form))
        return {"Authorization": f"Bearer {body['access_token']}"}

    async def client_for(self, op: dict[str, str], institution_id: str, *scopes: str) -> dict[str, str]:
        body = {"institution_id": institution_id, "scopes": list(scopes), "name": f"compose {RUN} {scopes[0]}"}
        created = ok(await self.http.post(URLS["registry"] + "/clients", json=body, headers=op), 201)
        return await self.token(created["client_id"], created["client_secret"])

    async def institution(self, op: dict[str, str], code: str) -> dict[str, Any]:
        page = ok(await self.http.get(URLS["registry"] + "/institutions", params={"limit": 500}, headers=op))
        [match] = [i for i in page["items"] if i["code"] == code]
        return match  # type: ignore[no-any-return]

    async def civil_servant(self, headers: dict[str, str], institution_id: str, name: str) -> str:
        self.serial += 1
        nip = f"19850312201001{1 + self.serial % 2}{int(RUN, 16) % 900 + self.serial:03d}"
        body = {
            "nip": nip,
            "name": name,
            "institution_id": institution_id,
            "employment": "PNS",
            "position_kind": "executor",
        }
        ok(await self.http.post(URLS["registry"] + "/civil-servants", json=body, headers=headers), 201)
        return nip

    async def nominate(self, headers: dict[str, str], cohort_id: str, nip: str, source: str) -> dict[str, Any]:
        async def attempt() -> dict[str, Any] | None:
            r = await self.http.post(
                URLS["enrollment"] + f"/cohorts/{cohort_id}/enrollments",
                json={"nip": nip, "funding_source": source},
                headers=headers,
            )
            return None if r.status_code == 422 else ok(r, 201)  # 422: the replica has not heard of the NIP yet

        return await eventually(attempt, f"the enrollment replica to know {nip}")

    async def status(self, headers: dict[str, str], enrollment_id: str, *wanted: str) -> dict[str, Any]:
        async def check() -> dict[str, Any] | None:
            body = ok(await self.http.get(URLS["enrollment"] + f"/enrollments/{enrollment_id}", headers=headers))
            return body if body["status"] in wanted else None

        return await eventually(check, f"enrollment {enrollment_id} to be {'/'.join(wanted)}")

    async def funding_request(self, headers: dict[str, str], enrollment_id: str) -> dict[str, Any]:
        async def check() -> dict[str, Any] | None:
            page = ok(
                await self.http.get(URLS["funding"] + "/funding-requests", params={"limit": 500}, headers=headers)
            )
            found = [i for i in page["items"] if i["enrollment_id"] == enrollment_id]
            return found[0] if found else None

        return await eventually(check, f"the funding request of {enrollment_id}")


async def scenario() -> None:
    async with httpx.AsyncClient(timeout=30, verify=CA) as http:
        s = Stack(http)
        op = await s.token(*OPERATOR)
        print("token: the bootstrap client got one")

        kemendagri = await s.institution(op, "KEMENDAGRI")
        bpsdm = await s.institution(op, "BPSDM-KEMENDAGRI")
        papua = await s.institution(op, "PROV-PAPUA")
        papua_selatan = await s.institution(op, "PROV-PAPUA-SELATAN")
        unit = ok(
            await http.post(
                URLS["registry"] + "/institutions",
                json={"code": f"COMPOSE-{RUN}", "name": f"Badan Uji Compose {RUN}", "kind": "agency"},
                headers=op,
            ),
            201,
        )
        print(f"institution: {unit['code']} registered")

        provider = await s.client_for(op, bpsdm["id"], "programs:write", "enrollments:complete", "read")
        ministry = await s.client_for(op, kemendagri["id"], "funding:write", "funding:approve", "read")
        papua_client = await s.client_for(
            op, papua["id"], "registry:write", "enrollments:write", "funding:write", "funding:approve", "read"
        )
        dob_client = await s.client_for(op, papua_selatan["id"], "registry:write", "enrollments:write", "read")

        def budget(**body: Any) -> Awaitable[httpx.Response]:
            headers = body.pop("h")
            return http.post(URLS["funding"] + "/budgets", json={"fiscal_year": YEAR, **body}, headers=headers)

        ok(
            await budget(
                h=papua_client,
                institution_id=papua["id"],
                source="APBD",
                ceiling_idr=100_000_000,
                purpose="general",
                auto_approve_limit_idr=10_000_000,
            ),
            201,
        )
        ok(
            await budget(
                h=ministry,
                institution_id=kemendagri["id"],
                source="APBN",
                ceiling_idr=50_000_000,
                purpose="dob_facilitation",
                auto_approve_limit_idr=50_000_000,
            ),
            201,
        )

        program = ok(
            await http.post(
                URLS["enrollment"] + "/programs",
                json={
                    "provider_id": bpsdm["id"],
                    "title": f"Pelatihan Compose {RUN}",
                    "pattern": "technical_training",
                    "hours_jp": 40,
                    "horizon": "short",
                    "fiscal_year": YEAR,
                    "cost_per_participant_idr": COST,
                },
                headers=provider,
            ),
            201,
        )
        cohort = ok(
            await http.post(
                URLS["enrollment"] + f"/programs/{program['id']}/cohorts",
                json={
                    "name": f"Angkatan {RUN}",
                    "starts_on": f"{YEAR}-03-01",
                    "ends_on": f"{YEAR}-03-05",
                    "location": "central",
                    "capacity": 10,
                    "dob_seats": 2,
                },
                headers=provider,
            ),
            201,
        )
        print(f"program and cohort: {program['id']} / {cohort['id']}")

        regional = await s.civil_servant(papua_client, papua["id"], "Yohanes Wenda")
        dob = await s.civil_servant(dob_client, papua_selatan["id"], "Maria Kambu")
        print(f"civil servants: {regional}, {dob}")

        first = await s.nominate(papua_client, cohort["id"], regional, "APBD")
        second = await s.nominate(dob_client, cohort["id"], dob, "APBD")
        print(f"nominations: {first['status']}, {second['status']}")

        confirmed = await s.status(papua_client, first["id"], "confirmed", "rejected")
        if confirmed["status"] != "confirmed":
            raise SystemExit(f"scenario: the APBD nomination ended {confirmed['status']}")
        print("saga: the APBD nomination is confirmed (auto-approved)")

        request = await s.funding_request(op, second["id"])
        if request["status"] != "awaiting_approval" or not request["is_dob"]:
            raise SystemExit(f"scenario: the DOB request is {request['status']} (is_dob={request['is_dob']})")
        ok(
            await http.post(
                URLS["funding"] + f"/funding-requests/{request['id']}/approve",
                headers={**op, "Idempotency-Key": uuid.uuid4().hex},
            )
        )
        await s.status(dob_client, second["id"], "confirmed")
        print("DOB approval: the coordinator approved, the DOB nomination is confirmed")

        ok(
            await http.post(
                URLS["enrollment"] + f"/enrollments/{first['id']}/complete",
                json={"attended_jp": 40, "passed": True},
                headers=provider,
            )
        )
        await s.status(papua_client, first["id"], "completed")
        print("completion: 40 JP recorded")

        report = ok(
            await http.get(
                URLS["enrollment"] + f"/reports/civil-servants/{regional}", params={"year": YEAR}, headers=papua_client
            )
        )
        if report["total_jp"] != 40:
            raise SystemExit(f"scenario: the civil servant report says {report['total_jp']} JP")
        ok(await http.get(URLS["enrollment"] + f"/reports/cohorts/{cohort['id']}", headers=provider))
        ok(await http.get(URLS["enrollment"] + "/reports/dob", params={"year": YEAR}, headers=op))

        ok(await http.get(URLS["funding"] + "/reports/funding", params={"fiscal_year": YEAR}, headers=op))
        print("reports: civil servant (40 JP), cohort, DOB, funding")

    wanted = {
        "institution.registered",
        "civil_servant.registered",
        "cohort.opened",
        "enrollment.reserved",
        "enrollment.confirmed",
        "enrollment.completed",
        "funding.requested",
        "funding.approved",
        "funding.realized",
    }
    seen: set[str] = set()
    consumer = AIOKafkaConsumer(**ADMIN.options(), group_id=None, auto_offset_reset="earliest")
    await consumer.start()
    try:
        topics = sorted(t for t in await consumer.topics() if not t.startswith("__") and not t.endswith(".dlq"))
        consumer.subscribe(topics)
        deadline = time.monotonic() + 60
        while not wanted <= seen and time.monotonic() < deadline:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                for record in records:
                    seen |= {value.decode() for name, value in record.headers if name == "ce_type"}
    finally:
        await consumer.stop()
    if not wanted <= seen:
        raise SystemExit(f"scenario: never read back from Kafka: {sorted(wanted - seen)}")
    print(f"kafka: {len(seen)} event types read back from {KAFKA} over SASL_SSL ({len(topics)} topics)")
    await agency_reads_only_what_it_was_granted()


def agency_access() -> KafkaAccess:
    """The principal and password `sinergi kafka grant` printed, on the EXTERNAL listener with the CA."""
    properties = Path(os.environ["AGENCY_PROPERTIES"]).read_text()
    login = re.search(r'username="([^"]+)" password="([^"]+)"', properties)
    if login is None:
        raise SystemExit(f"scenario: no login in the grant's properties:\n{properties}")
    return KafkaAccess(KAFKA, login[1], login[2], "SASL_SSL", CA)


async def read(access: KafkaAccess, topic: str, group: str) -> int:
    consumer = AIOKafkaConsumer(
        topic, **access.options(), group_id=group, auto_offset_reset="earliest", enable_auto_commit=False
    )
    try:
        await consumer.start()
        count, deadline = 0, time.monotonic() + 30
        while count == 0 and time.monotonic() < deadline:
            count += sum(len(records) for records in (await consumer.getmany(timeout_ms=500)).values())
        return count
    finally:
        await consumer.stop()


async def agency_reads_only_what_it_was_granted() -> None:
    agency = agency_access()
    group = f"{agency.username}-dashboard"
    granted = await read(agency, "enrollment.enrollments", group)
    if granted == 0:
        raise SystemExit(f"scenario: {agency.username} read nothing from enrollment.enrollments")
    try:
        await read(agency, "registry.civil-servants", group)
    except TopicAuthorizationFailedError:
        pass
    else:
        raise SystemExit(f"scenario: {agency.username} was not refused registry.civil-servants")
    print(
        f"agency: {agency.username} read {granted} events of enrollment.enrollments from the host over SASL_SSL, "
        "was refused registry.civil-servants"
    )


if __name__ == "__main__":
    try:
        asyncio.run(scenario())
    except SystemExit as exc:
        print(exc, file=sys.stderr)
        sys.exit(1)
