"""A steady stream of nominations, cancellations and approvals, with a ledger of every answer."""

from __future__ import annotations

import asyncio
import itertools
import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx

from enrollment.domain.development import current_fiscal_year
from tests.support.system import System

YEAR = current_fiscal_year(datetime.now(UTC)) + 1  # next year: a short-horizon program with cohorts still ahead
COST = 2_500_000


def nip(i: int) -> str:
    """A valid NIP: born between 1970 and 1978, appointed 2005-01, a serial per 3,000."""
    born = date(1970, 1, 1) + timedelta(days=i % 3000)
    return f"{born:%Y%m%d}2005011{i // 3000 + 1:03d}"


@dataclass
class Answer:
    kind: str
    target: str
    status: int
    body: dict[str, Any]


@dataclass
class Ledger:
    answers: list[Answer] = field(default_factory=list)

    def record(self, kind: str, target: str, status: int, body: dict[str, Any]) -> None:
        self.answers.append(Answer(kind, target, status, body))

    def accepted_enrollments(self) -> list[dict[str, Any]]:
        return [a.body for a in self.answers if a.kind == "nominate" and a.status == 201]

    def count(self, kind: str) -> int:
        return sum(1 for a in self.answers if a.kind == kind)


class Traffic:
    """Nominates regional and DOB staff into the cohorts, cancels some, approves DOB requests as coordinator."""

    def __init__(self, system: System, world: dict[str, Any], ledger: Ledger, rate_per_s: float = 20.0) -> None:
        self.system = system
        self.world = world
        self.ledger = ledger
        self.interval = 1.0 / rate_per_s
        self._pairs = world["pairs"]
        self._stop = asyncio.Event()
        self._client = httpx.AsyncClient(timeout=10)

    async def run(self) -> None:
        """Send until stopped; each request is retried with its Idempotency-Key until it gets an answer."""
        approver = asyncio.create_task(self._approve_loop())
        pending: set[asyncio.Task[None]] = set()
        try:
            for n in itertools.count():
                if self._stop.is_set():
                    break
                pair = next(self._pairs, None)
                if pair is None:
                    break
                task = asyncio.create_task(self._nominate(*pair, cancel=n % 7 == 3))
                pending.add(task)
                task.add_done_callback(pending.discard)
                await asyncio.sleep(self.interval)
            if pending:
                await asyncio.wait(pending, timeout=120)
        finally:
            self._stop.set()
            await approver
            await self._client.aclose()

    def stop(self) -> None:
        self._stop.set()

    async def _call(self, method: str, url: str, headers: dict[str, str], **kwargs: Any) -> httpx.Response | None:
        key = str(uuid.uuid4())
        for attempt in range(120):
            try:
                r = await self._client.request(method, url, headers={**headers, "Idempotency-Key": key}, **kwargs)
            except httpx.HTTPError:
                r = None
            if r is not None and r.status_code < 500:
                return r
            await asyncio.sleep(min(0.25 * (attempt + 1), 2.0))
        return None

    async def _nominate(self, nip_: str, cohort_id: str, dob: bool, *, cancel: bool) -> None:
        headers = self.world["dob_client"] if dob else self.world["papua_client"]
        r = await self._call(
            "POST",
            self.system.url("enrollment", f"/cohorts/{cohort_id}/enrollments"),
            headers,
            json={"nip": nip_, "funding_source": "APBD"},
        )
        if r is None:
            self.ledger.record("nominate", nip_, 0, {})
            return
        self.ledger.record("nominate", nip_, r.status_code, r.json())
        if cancel and r.status_code == 201:
            await asyncio.sleep(random.uniform(0.1, 1.0))
            enrollment_id = r.json()["id"]
            c = await self._call("POST", self.system.url("enrollment", f"/enrollments/{enrollment_id}/cancel"), headers)
            self.ledger.record("cancel", enrollment_id, c.status_code if c else 0, c.json() if c else {})

    async def _approve_loop(self) -> None:
        while not self._stop.is_set():
            try:
                r = await self._client.get(
                    self.system.url("funding", "/funding-requests"),
                    params={"status": "awaiting_approval", "limit": 100},
                    headers=self.world["op"],
                )
                waiting = r.json()["items"] if r.status_code == 200 else []
            except httpx.HTTPError:
                waiting = []
            for request in waiting:
                a = await self._call(
                    "POST", self.system.url("funding", f"/funding-requests/{request['id']}/approve"), self.world["op"]
                )
                self.ledger.record("approve", request["id"], a.status_code if a else 0, a.json() if a else {})
            try:
                await asyncio.wait_for(self._stop.wait(), 1.0)
            except TimeoutError:
                pass
